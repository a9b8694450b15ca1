//! The root component: owns the engine, advances it inside requestAnimationFrame with a
//! per-frame budget, and renders controls, the cluster view, charts and the event log.

use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use yew::prelude::*;

mod event_line;
mod flows;
mod view;

pub use flows::{Flow, Slot};

use super::charts::{Chart, ChartData, ChartKind};
use super::cluster_view::ClusterView;
use super::config_panel::ConfigPanel;
use super::lesson_panel::{step_view, LessonPanel};
use super::page_error::PageError;
use super::shape_panel::ShapePanel;
use super::storage;
use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::scenario::Scenario;
use crate::engine::snapshot::ClusterSnapshot;
use crate::engine::time::{to_ms_f64, MILLIS};
use crate::engine::Command;
use crate::engine::Engine;
use crate::i18n::{t, tf, Lang};
use crate::lessons::{lessons, Lesson};

/// Wall-clock budget per frame for the engine, ms (the rest is left for rendering).
const FRAME_BUDGET_MS: f64 = 8.0;
/// Events processed between clock checks.
const EVENT_CHUNK: u64 = 1_000;
/// Event log lines kept on screen.
const LOG_LINES: usize = 200;

/// Speeds offered (multiples of real time); 0 means "as fast as possible".
const SPEEDS: [f64; 8] = [0.1, 0.5, 1.0, 10.0, 100.0, 1000.0, 10000.0, 0.0];

/// Messages of the root component.
pub enum Msg {
    /// A frame, with the rAF timestamp (ms).
    Frame(f64),
    /// Play or pause.
    TogglePlay,
    /// Advance 100 simulated ms while paused.
    Step,
    /// Choose a speed by index into `SPEEDS`.
    Speed(usize),
    /// Restart the run.
    Reset,
    /// Load a preset by name.
    Preset(String),
    /// Apply a command to the running simulation.
    Apply(Command),
    /// Switch the language.
    Lang(Lang),
    /// Start a lesson (index) or leave lessons (`None`).
    Lesson(Option<usize>),
    /// Next lesson step.
    LessonNext,
    /// Previous lesson step.
    LessonBack,
    /// Restart the lesson.
    LessonRestart,
    /// Show the answer of the step's question.
    Reveal,
    /// Put the scenario in the URL.
    Share,
    /// Toggle presentation mode (larger type).
    Presentation,
    /// Apply several commands (the config panel).
    ApplyAll(Vec<Command>),
    /// A scenario file's text was read (import).
    Import(String),
    /// The shape form produced a validated scenario: restart with it.
    Restructure(Box<Scenario>),
    /// Download the scenario / report / chart CSV.
    Export(&'static str),
}

/// The page.
pub struct App {
    engine: Engine,
    scenario: Scenario,
    playing: bool,
    speed: usize,
    last_ts: Option<f64>,
    real_speed: f64,
    frame: Option<AnimationFrame>,
    log: Vec<(f64, String, bool)>,
    charts: ChartData,
    last_chart_ts: f64,
    snapshot: Rc<ClusterSnapshot>,
    error: Option<PageError>,
    lang: Lang,
    lessons: Vec<Lesson>,
    lesson: Option<(usize, usize)>,
    revealed: bool,
    /// The share link just made (shown with a localized label).
    notice: Option<String>,
    presentation: bool,
    flows: std::collections::VecDeque<Flow>,
    frame_ms: f64,
}

fn empty_charts() -> ChartData {
    ChartData {
        samples: Rc::new(Vec::new()),
        markers: Rc::new(Vec::new()),
    }
}

fn default_scenario() -> Scenario {
    crate::scenario::presets::preset("quickstart")
        .unwrap_or_else(|| Scenario::cluster(3, 1, 60_000).with_topic("orders", 6, 3))
}

impl App {
    fn restart(&mut self, scenario: Scenario) {
        self.engine = Engine::new(&scenario);
        self.engine.set_record_flows(false);
        if self.lesson.is_none() {
            storage::save_scenario(&scenario);
        }
        self.scenario = scenario;
        self.log.clear();
        self.charts = empty_charts();
        self.last_ts = None;
        self.snapshot = Rc::new(self.engine.snapshot());
    }

    fn refresh_charts(&mut self) {
        let m = self.engine.metrics();
        self.charts = ChartData {
            samples: Rc::new(m.samples().to_vec()),
            markers: Rc::new(
                m.markers()
                    .iter()
                    .map(|(at, _)| to_ms_f64(*at) / 1000.0)
                    .collect(),
            ),
        };
    }

    /// Plays lesson `i` from its start up to step `step`, applying the actions of the steps
    /// before it (the run is deterministic, so going back replays the same run).
    fn goto_lesson_step(&mut self, i: usize, step: usize) {
        let Some(lesson) = self.lessons.get(i).cloned() else {
            return;
        };
        self.lesson = Some((i, step));
        self.restart(lesson.scenario.clone());
        self.playing = false;
        for (k, s) in lesson.steps.iter().enumerate().take(step + 1) {
            self.engine
                .run_until(crate::engine::time::ms(s.at_ms), u64::MAX);
            if k < step {
                if let Some(a) = &s.action {
                    self.engine.apply(a.clone());
                }
            }
        }
        self.revealed = false;
        self.absorb_events();
        self.refresh_charts();
        self.snapshot = Rc::new(self.engine.snapshot());
    }

    fn schedule_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| {
            link.send_message(Msg::Frame(ts))
        }));
    }

    fn absorb_events(&mut self) {
        let topics = self.engine.topics().clone();
        let slot =
            |roles: &[crate::engine::sim::NodeRole], n: crate::engine::ids::NodeId| match roles
                .get(n.0 as usize)
            {
                Some(crate::engine::sim::NodeRole::Producer(i)) => Some(Slot::Producer(*i)),
                Some(crate::engine::sim::NodeRole::Broker(i)) => Some(Slot::Broker(*i as u32 + 1)),
                Some(crate::engine::sim::NodeRole::Consumer(i)) => Some(Slot::Consumer(*i)),
                _ => None,
            };
        let roles = self.engine.roles().to_vec();
        for TimedEvent { at, event } in self.engine.drain_events() {
            if let SimEvent::Flow {
                from,
                to,
                kind,
                arrives,
                ..
            } = &event
            {
                if let (Some(f), Some(t)) = (slot(&roles, *from), slot(&roles, *to)) {
                    if self.flows.len() >= 3000 {
                        self.flows.pop_front();
                    }
                    self.flows.push_back(Flow {
                        from: f,
                        to: t,
                        sent: at,
                        arrives: *arrives,
                        kind: *kind,
                    });
                }
                continue;
            }
            if let Some((line, alert)) = event_line::describe(&topics, &event, self.lang) {
                self.log.push((to_ms_f64(at) / 1000.0, line, alert));
            }
        }
        if self.log.len() > LOG_LINES {
            let cut = self.log.len() - LOG_LINES;
            self.log.drain(..cut);
        }
    }

    fn advance(&mut self, wall_dt_ms: f64) {
        let now = || {
            web_sys::window()
                .and_then(|w| w.performance())
                .map(|p| p.now())
                .unwrap_or(0.0)
        };
        let speed = SPEEDS[self.speed];
        let start = now();
        let before = self.engine.now();
        let target = if speed > 0.0 {
            before + (wall_dt_ms.min(100.0) * speed * MILLIS as f64) as u64
        } else {
            u64::MAX
        };
        while now() - start < FRAME_BUDGET_MS {
            let st = self.engine.run_until(target, EVENT_CHUNK);
            if st.reached {
                break;
            }
            if let Some(stuck) = self.engine.stuck_clock() {
                // Simulated time stopped moving: stop and say why (the banner), rather than
                // spinning in every frame.
                self.error = Some(PageError::StuckClock(Box::new(stuck.clone())));
                self.playing = false;
                break;
            }
        }
        let advanced = (self.engine.now() - before) as f64 / MILLIS as f64;
        if wall_dt_ms > 0.0 {
            self.real_speed = advanced / wall_dt_ms;
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        // A share link wins over the saved scenario; a broken link keeps the saved work.
        let mut error = None;
        let scenario = match storage::scenario_from_hash() {
            Some(Ok(s)) => s,
            Some(Err(e)) => {
                error = Some(e);
                storage::load_scenario().unwrap_or_else(default_scenario)
            }
            None => storage::load_scenario().unwrap_or_else(default_scenario),
        };
        let engine = Engine::new(&scenario);
        let snapshot = Rc::new(engine.snapshot());
        let mut app = App {
            engine,
            scenario,
            playing: true,
            speed: 2,
            last_ts: None,
            real_speed: 0.0,
            frame: None,
            log: Vec::new(),
            charts: empty_charts(),
            last_chart_ts: 0.0,
            snapshot,
            error,
            lang: storage::load_lang(),
            lessons: lessons(),
            lesson: None,
            revealed: false,
            notice: None,
            presentation: false,
            flows: Default::default(),
            frame_ms: 0.0,
        };
        app.schedule_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let dt = self.last_ts.map(|l| ts - l).unwrap_or(0.0);
                self.last_ts = Some(ts);
                // Animate message flow only at speeds where dots can be followed.
                self.engine
                    .set_record_flows(SPEEDS[self.speed] > 0.0 && SPEEDS[self.speed] <= 10.0);
                if self.playing {
                    let perf = web_sys::window().and_then(|w| w.performance());
                    let t0 = perf.as_ref().map(|p| p.now()).unwrap_or(0.0);
                    self.advance(dt);
                    let spent = perf.as_ref().map(|p| p.now()).unwrap_or(0.0) - t0;
                    self.frame_ms = if self.frame_ms == 0.0 {
                        spent
                    } else {
                        0.9 * self.frame_ms + 0.1 * spent
                    };
                }
                self.absorb_events();
                if ts - self.last_chart_ts >= 200.0 {
                    self.last_chart_ts = ts;
                    self.refresh_charts();
                }
                self.snapshot = Rc::new(self.engine.snapshot());
                self.schedule_frame(ctx);
                true
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                self.last_ts = None;
                true
            }
            Msg::Step => {
                self.playing = false;
                let t = self.engine.now() + 100 * MILLIS;
                self.engine.run_until(t, u64::MAX);
                self.absorb_events();
                self.snapshot = Rc::new(self.engine.snapshot());
                true
            }
            Msg::Speed(i) => {
                self.speed = i.min(SPEEDS.len() - 1);
                true
            }
            Msg::Reset => {
                if let Some((i, _)) = self.lesson {
                    self.goto_lesson_step(i, 0);
                } else {
                    let s = self.scenario.clone();
                    self.restart(s);
                }
                true
            }
            Msg::Preset(name) => {
                self.lesson = None;
                match crate::scenario::presets::preset(&name) {
                    Some(s) => {
                        self.error = None;
                        self.restart(s);
                    }
                    None => self.error = Some(PageError::NoPreset(name)),
                }
                true
            }
            Msg::Lang(l) => {
                self.lang = l;
                storage::save_lang(l);
                true
            }
            Msg::Lesson(None) => {
                self.lesson = None;
                let s = storage::load_scenario().unwrap_or_else(default_scenario);
                self.restart(s);
                true
            }
            Msg::Lesson(Some(i)) => {
                self.goto_lesson_step(i, 0);
                true
            }
            Msg::LessonNext => {
                if let Some((i, step)) = self.lesson {
                    let n = self.lessons.get(i).map(|l| l.steps.len()).unwrap_or(0);
                    if step + 1 < n {
                        if let Some(a) = self.lessons[i].steps[step].action.clone() {
                            self.engine.apply(a);
                        }
                        let at = self.lessons[i].steps[step + 1].at_ms;
                        self.engine.run_until(crate::engine::time::ms(at), u64::MAX);
                        self.lesson = Some((i, step + 1));
                        self.revealed = false;
                        self.absorb_events();
                        self.refresh_charts();
                        self.snapshot = Rc::new(self.engine.snapshot());
                    }
                }
                true
            }
            Msg::LessonBack => {
                if let Some((i, step)) = self.lesson {
                    self.goto_lesson_step(i, step.saturating_sub(1));
                }
                true
            }
            Msg::LessonRestart => {
                if let Some((i, _)) = self.lesson {
                    self.goto_lesson_step(i, 0);
                }
                true
            }
            Msg::Reveal => {
                self.revealed = true;
                true
            }
            Msg::Share => {
                self.notice = storage::share_link(&self.scenario);
                true
            }
            Msg::ApplyAll(cmds) => {
                for c in cmds {
                    self.engine.apply(c);
                }
                self.absorb_events();
                self.snapshot = Rc::new(self.engine.snapshot());
                true
            }
            Msg::Import(text) => {
                match crate::scenario::parse_scenario(&text) {
                    Ok(sc) => {
                        self.error = None;
                        self.lesson = None;
                        self.restart(sc);
                    }
                    // A broken file leaves the current run and the saved scenario untouched.
                    Err(e) => self.error = Some(PageError::Import(e)),
                }
                true
            }
            Msg::Restructure(sc) => {
                self.error = None;
                self.lesson = None;
                self.restart(*sc);
                true
            }
            Msg::Export(what) => {
                let res = match what {
                    "scenario" => super::files::download(
                        &format!("{}.json", self.scenario.name),
                        "application/json",
                        &crate::scenario::to_json(&self.scenario),
                    ),
                    "report" => {
                        let r = self.engine.report(0.0);
                        super::files::download(
                            "kafka-sim-report.json",
                            "application/json",
                            &serde_json::to_string_pretty(&r).unwrap_or_default(),
                        )
                    }
                    _ => super::files::download(
                        "kafka-sim-charts.csv",
                        "text/csv",
                        &super::files::samples_csv(self.engine.metrics().samples()),
                    ),
                };
                if let Err(key) = res {
                    self.error = Some(PageError::Key(key));
                }
                false
            }
            Msg::Presentation => {
                self.presentation = !self.presentation;
                if let Some(body) = gloo::utils::document().body() {
                    let _ = body
                        .class_list()
                        .toggle_with_force("presentation", self.presentation);
                }
                true
            }
            Msg::Apply(cmd) => {
                self.engine.apply(cmd);
                self.absorb_events();
                self.snapshot = Rc::new(self.engine.snapshot());
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.render(ctx)
    }

    fn rendered(&mut self, _ctx: &Context<Self>, _first: bool) {
        // Lesson highlight: outline what the current step points at.
        let doc = gloo::utils::document();
        if let Ok(old) = doc.query_selector_all(".lesson-highlight") {
            for i in 0..old.length() {
                if let Some(el) = old
                    .item(i)
                    .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                {
                    let _ = el.class_list().remove_1("lesson-highlight");
                }
            }
        }
        let sel = self
            .lesson
            .and_then(|(i, s)| self.lessons.get(i)?.steps.get(s)?.highlight);
        if let Some(sel) = sel {
            if let Ok(list) = doc.query_selector_all(sel) {
                for i in 0..list.length() {
                    if let Some(el) = list
                        .item(i)
                        .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
                    {
                        let _ = el.class_list().add_1("lesson-highlight");
                    }
                }
            }
        }
    }
}
