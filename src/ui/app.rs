//! The root component: owns the engine, advances it inside requestAnimationFrame with a
//! per-frame budget, and renders controls, the cluster view, charts and the event log.

use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use yew::prelude::*;

use super::charts::{ChartSeries, ThroughputChart};
use super::cluster_view::ClusterView;
use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::scenario::{Command, Scenario};
use crate::engine::snapshot::ClusterSnapshot;
use crate::engine::time::{to_ms_f64, MILLIS};
use crate::engine::Engine;

/// Wall-clock budget per frame for the engine, ms (the rest is left for rendering).
const FRAME_BUDGET_MS: f64 = 8.0;
/// Events processed between clock checks.
const EVENT_CHUNK: u64 = 5_000;
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
    series: ChartSeries,
    snapshot: Rc<ClusterSnapshot>,
    error: Option<String>,
}

fn default_scenario() -> Scenario {
    crate::scenario::presets::preset("quickstart")
        .unwrap_or_else(|| Scenario::cluster(3, 1, 60_000).with_topic("orders", 6, 3))
}

impl App {
    fn restart(&mut self, scenario: Scenario) {
        self.engine = Engine::new(&scenario);
        self.engine.set_record_flows(false);
        self.scenario = scenario;
        self.log.clear();
        self.series = ChartSeries::default();
        self.last_ts = None;
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
        for TimedEvent { at, event } in self.engine.drain_events() {
            if let Some((line, alert)) = describe(&topics, &event) {
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
        let scenario = default_scenario();
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
            series: ChartSeries::default(),
            snapshot,
            error: None,
        };
        app.schedule_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let dt = self.last_ts.map(|l| ts - l).unwrap_or(0.0);
                self.last_ts = Some(ts);
                if self.playing {
                    self.advance(dt);
                }
                self.absorb_events();
                self.series.sample(&self.engine);
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
                let s = self.scenario.clone();
                self.restart(s);
                true
            }
            Msg::Preset(name) => {
                match crate::scenario::presets::preset(&name) {
                    Some(s) => {
                        self.error = None;
                        self.restart(s);
                    }
                    None => self.error = Some(format!("no preset named {name}")),
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
        let link = ctx.link();
        let on_speed = link.callback(|e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(2);
            Msg::Speed(v)
        });
        let on_preset = link.callback(|e: Event| {
            Msg::Preset(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        });
        let on_command = link.callback(Msg::Apply);
        let onkeydown = link.batch_callback(|e: KeyboardEvent| match e.key().as_str() {
            " " => {
                e.prevent_default();
                Some(Msg::TogglePlay)
            }
            "ArrowRight" => Some(Msg::Step),
            _ => None,
        });
        let presets = crate::scenario::presets::presets();
        html! {
            <div class="page" tabindex="0" {onkeydown}>
                <header class="top">
                    <h1>{ "KafkaSim" }</h1>
                    <p class="intro">{ "Apache Kafka, simulated. A deterministic model of brokers, replicas, the KRaft controller, producers and consumer groups runs in this page: crash a broker, cut the network, change a config, and watch what Kafka does." }</p>
                </header>
                <section class="controls" aria-label="Simulation controls">
                    <button onclick={link.callback(|_| Msg::TogglePlay)} title="Space">
                        { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                    <button onclick={link.callback(|_| Msg::Step)} title="Right arrow">{ "Step 100 ms ▸" }</button>
                    <button onclick={link.callback(|_| Msg::Reset)}>{ "↺ Reset" }</button>
                    <label>{ "Speed " }
                        <select onchange={on_speed} aria-label="Speed">
                            { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                                <option value={i.to_string()} selected={i == self.speed}>
                                    { if *s == 0.0 { "max".to_string() } else { format!("{s}×") } }
                                </option>
                            }) }
                        </select>
                    </label>
                    <label>{ "Scenario " }
                        <select onchange={on_preset} aria-label="Preset scenario">
                            { for presets.iter().map(|(n, _)| html! {
                                <option value={n.to_string()} selected={*n == self.scenario.name}>{ *n }</option>
                            }) }
                        </select>
                    </label>
                    <span class="clock">{ format!("t = {:.3} s", to_ms_f64(self.engine.now()) / 1000.0) }</span>
                    <span class="speed">{ format!("real speed {:.1}×", self.real_speed) }</span>
                    <span class="keys">{ "Space: play/pause · →: step" }</span>
                </section>
                if let Some(e) = &self.error { <div class="error" role="alert">{ e }</div> }
                <p class="scenario-desc">{ &self.scenario.description }</p>
                <main class="grid">
                    <section class="cluster" aria-label="Cluster">
                        <ClusterView snapshot={self.snapshot.clone()} on_command={on_command} />
                    </section>
                    <section class="side">
                        <ThroughputChart series={Rc::new(self.series.clone())} />
                        <div class="log" aria-label="Event log">
                            <h2>{ "Event log" }</h2>
                            <ol>
                                { for self.log.iter().rev().take(60).map(|(t, line, alert)| html! {
                                    <li class={classes!(alert.then_some("alert"))}>
                                        <span class="t">{ format!("{t:.3} s") }</span>{ " " }{ line }
                                    </li>
                                }) }
                            </ol>
                        </div>
                    </section>
                </main>
            </div>
        }
    }
}

/// One event-log line for an event, and whether to highlight it.
pub fn describe(topics: &crate::engine::ids::TopicTable, e: &SimEvent) -> Option<(String, bool)> {
    // The internal offsets topic's 50 partitions would drown the log; its leadership still shows
    // through the group coordinator events.
    let internal = |tp: &crate::engine::ids::TopicPartition| {
        topics.get(tp.topic).map(|t| t.internal).unwrap_or(false)
    };
    match e {
        SimEvent::LeaderChanged { tp, .. } | SimEvent::IsrChanged { tp, .. } if internal(tp) => {
            return None
        }
        _ => {}
    }
    Some(match e {
        SimEvent::BrokerCrashed { broker } => (format!("broker {broker} crashed"), true),
        SimEvent::BrokerRestarted { broker } => (format!("broker {broker} restarted"), false),
        SimEvent::BrokerFenced { broker } => (
            format!("controller fenced broker {broker} (session expired)"),
            true,
        ),
        SimEvent::BrokerUnfenced { broker } => {
            (format!("broker {broker} is back (unfenced)"), false)
        }
        SimEvent::LeaderChanged {
            tp,
            leader: Some(l),
            leader_epoch,
            unclean,
            preferred,
        } => (
            format!(
                "broker {l} is leader of {} (epoch {leader_epoch}){}{}",
                topics.display(*tp),
                if *unclean {
                    " — UNCLEAN election"
                } else {
                    ""
                },
                if *preferred {
                    " — preferred leader"
                } else {
                    ""
                }
            ),
            *unclean,
        ),
        SimEvent::LeaderChanged {
            tp, leader: None, ..
        } => (
            format!(
                "{} is OFFLINE: no in-sync replica left",
                topics.display(*tp)
            ),
            true,
        ),
        SimEvent::IsrChanged { tp, isr, shrink } => (
            format!(
                "ISR of {} {} to {:?}",
                topics.display(*tp),
                if *shrink { "shrank" } else { "grew" },
                isr
            ),
            false,
        ),
        SimEvent::LogTruncated {
            broker,
            tp,
            to_offset,
            removed,
        } if !removed.is_empty() => (
            format!(
                "broker {broker} truncated {} to offset {to_offset} ({} batches removed)",
                topics.display(*tp),
                removed.len()
            ),
            true,
        ),
        SimEvent::ProduceRejected {
            tp, error, records, ..
        } => (
            format!(
                "{} refused {records} records: {}",
                topics.display(*tp),
                error.name()
            ),
            true,
        ),
        SimEvent::RebalanceCompleted {
            group_id,
            generation,
            protocol,
            ..
        } => (
            format!("group {group_id} rebalanced ({protocol}), generation {generation}"),
            false,
        ),
        SimEvent::ConsumerCrashed { consumer, .. } => {
            (format!("consumer {consumer} crashed"), true)
        }
        SimEvent::NetworkChanged { description } => (description.clone(), true),
        SimEvent::CommandRejected { reason, .. } => (format!("refused: {reason}"), true),
        _ => return None,
    })
}
