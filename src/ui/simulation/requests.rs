//! What the views ask of the simulation (through the [`SimHandle`] context): interventions,
//! playback steps, new runs, lessons, sharing and files. Each request changes the core and, where
//! needed, the page state.

use yew::prelude::*;

use super::core::Core;
use crate::engine::scenario::Scenario;
use crate::engine::time::{ms, SimTime, MILLIS};
use crate::engine::Command;
use crate::ui::files;
use crate::ui::page_error::PageError;
use crate::ui::state::{Action, Notice, PageState};
use crate::ui::storage;
use crate::view_model::lesson_play::LessonPlay;
use crate::view_model::session::Refused;
use crate::view_model::slots;

/// A request to the simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum SimRequest {
    /// A user's intervention: applied at the next whole millisecond and recorded.
    Intervene(Command),
    /// Advance 100 simulated ms (pauses).
    Step,
    /// Go to this simulated time of the run so far (pauses): the timeline.
    Seek(SimTime),
    /// Go back (negative) or forward by this many simulated ns on the timeline (pauses).
    SeekBy(i64),
    /// Restart the run (a lesson restarts at its first step).
    Reset,
    /// Restart with a scenario (the shape form): saved.
    Load(Box<Scenario>),
    /// A built-in scenario by name.
    Preset(String),
    /// An imported scenario file's text.
    Import(String),
    /// Start lesson `i`, or leave lessons.
    Lesson(Option<usize>),
    /// Next lesson step: applies the step's action and plays forward to it.
    LessonNext,
    /// Jump to the next lesson step (or to the end of the step being played).
    LessonSkip,
    /// Previous lesson step (replays from the start).
    LessonBack,
    /// The lesson's first step.
    LessonRestart,
    /// Put the running scenario in the URL.
    Share,
    /// Download the running scenario.
    ExportScenario,
    /// Download the run's report.
    ExportReport,
    /// Download the charts' data.
    ExportCsv,
    /// The cluster view's size changed (px).
    ViewSize(f64, f64),
    /// Save the running scenario (with the interventions) as a named session.
    SaveSlot(String),
    /// Run a saved session.
    OpenSlot(String),
    /// Delete a saved session (the top bar has asked).
    DeleteSlot(String),
    /// The URL's fragment changed (a share link pasted into the open tab).
    HashChanged,
    /// Start (true) or leave (false) A/B compare mode.
    Compare(bool),
    /// Compare mode: run B becomes this scenario (the shape form); both runs restart.
    LoadB(Box<Scenario>),
}

/// The simulation's request channel, in context.
#[derive(Clone, PartialEq)]
pub struct SimHandle(pub Callback<SimRequest>);

impl SimHandle {
    /// Sends a request.
    pub fn send(&self, r: SimRequest) {
        self.0.emit(r);
    }
}

/// The built-in default.
pub fn default_scenario() -> Scenario {
    crate::scenario_file::presets::preset("quickstart")
        .unwrap_or_else(|| Scenario::cluster(3, 1, 60_000).with_topic("orders", 6, 3))
}

/// Handles `req`; page-state changes go through `dispatch`.
pub fn handle(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>, req: SimRequest) {
    core.dirty = true;
    match req {
        SimRequest::Intervene(cmd) => match intervene_any(core, cmd) {
            Ok(()) => {
                if core.lesson.is_none() {
                    storage::save_scenario(core.session.scenario());
                }
                dispatch.dispatch(Action::Error(None));
            }
            Err(Refused::Scenario(e)) => {
                dispatch.dispatch(Action::Error(Some(PageError::Refused(e))))
            }
            Err(Refused::Engine(r)) => {
                dispatch.dispatch(Action::Error(Some(PageError::EngineRefused(r))))
            }
        },
        SimRequest::Step => {
            dispatch.dispatch(Action::Pause);
            let t = core.session.engine().now() + 100 * MILLIS;
            core.session.run_to(t);
            sync_b(core);
        }
        SimRequest::Seek(t) => {
            dispatch.dispatch(Action::Pause);
            seek(core, t);
        }
        SimRequest::SeekBy(d) => {
            dispatch.dispatch(Action::Pause);
            let now = core.session.engine().now();
            let t = if d < 0 {
                now.saturating_sub(d.unsigned_abs())
            } else {
                now.saturating_add(d as u64)
            };
            if d > 0 && !core.timeline.rewound() {
                core.session.run_to(t); // at the end: a step forward runs on
                sync_b(core);
            } else {
                seek(core, t);
            }
        }
        SimRequest::Reset => match core.lesson {
            Some((i, _)) => goto_step(core, dispatch, i, 0),
            None => {
                let s = core.session.scenario().clone();
                core.restart(s);
                if let Some(b) = core.compare.as_mut() {
                    *b = super::compare::CompareRun::new(b.session.scenario().clone());
                }
            }
        },
        SimRequest::Load(s) => load(core, dispatch, *s),
        SimRequest::Preset(name) => match crate::scenario_file::presets::preset(&name) {
            Some(s) => load(core, dispatch, s),
            None => dispatch.dispatch(Action::Error(Some(PageError::NoPreset(name)))),
        },
        // A broken file leaves the current run and the saved scenario untouched.
        SimRequest::Import(text) => match crate::scenario_file::parse_scenario_with_warnings(&text)
        {
            Ok((s, warnings)) => {
                load(core, dispatch, s);
                if !warnings.is_empty() {
                    dispatch.dispatch(Action::Error(Some(PageError::Warnings(warnings))));
                }
            }
            Err(e) => dispatch.dispatch(Action::Error(Some(PageError::Import(e)))),
        },
        SimRequest::Lesson(Some(i)) => goto_step(core, dispatch, i, 0),
        SimRequest::Lesson(None) => {
            core.compare = None;
            core.lesson = None;
            dispatch.dispatch(Action::Lesson(None));
            core.restart(storage::load_scenario().unwrap_or_else(default_scenario));
        }
        // Plays forward to the next step (the frame loop pauses there).
        SimRequest::LessonNext => {
            if core.timeline.rewound() {
                seek(core, SimTime::MAX); // the lesson goes on from the run's end
            }
            if let (Some((i, step)), None) = (core.lesson, &core.lesson_play) {
                let steps = &core.lessons[i].steps;
                if step + 1 < steps.len() {
                    let action = steps[step].action.clone();
                    let at = steps[step + 1].at_ms;
                    core.logged_seen = core.session.logged_since(u64::MAX).1;
                    if let Some(a) = action {
                        core.session.apply_scripted(a);
                    }
                    let now = core.session.engine().now();
                    core.lesson_play = Some(LessonPlay::new(i, step + 1, now, ms(at)));
                    dispatch.dispatch(Action::Play);
                }
            }
        }
        // Jumps to the next step (or to the end of the one being played).
        SimRequest::LessonSkip => {
            if core.timeline.rewound() {
                seek(core, SimTime::MAX); // the lesson goes on from the run's end
            }
            if let Some(play) = core.lesson_play.take() {
                core.session.run_to(play.target);
                core.lesson = Some((play.lesson, play.to_step));
            } else if let Some((i, step)) = core.lesson {
                let steps = &core.lessons[i].steps;
                if step + 1 < steps.len() {
                    let action = steps[step].action.clone();
                    let at = steps[step + 1].at_ms;
                    if let Some(a) = action {
                        core.session.apply_scripted(a);
                    }
                    core.session.run_to(ms(at));
                    core.lesson = Some((i, step + 1));
                }
            }
            dispatch.dispatch(Action::Pause);
            dispatch.dispatch(Action::Lesson(core.lesson));
        }
        SimRequest::LessonBack => {
            if let Some((i, step)) = core.lesson {
                goto_step(core, dispatch, i, step.saturating_sub(1));
            }
        }
        SimRequest::LessonRestart => {
            if let Some((i, _)) = core.lesson {
                goto_step(core, dispatch, i, 0);
            }
        }
        SimRequest::Share if core.compare.is_some() => {
            let b = core.compare.as_ref().map(|b| b.session.scenario().clone());
            if let Some(link) = b.and_then(|b| storage::share_link_ab(core.session.scenario(), &b))
            {
                dispatch.dispatch(Action::Notice(Some(Notice::Shared(link))));
            }
        }
        SimRequest::Share => {
            let branch = core.timeline.ghost().map(|g| (&*g.scenario, g.from, g.end));
            if let Some(link) = storage::share_link(core.session.scenario(), branch) {
                dispatch.dispatch(Action::Notice(Some(Notice::Shared(link))));
            }
        }
        SimRequest::ExportScenario => {
            let s = core.session.scenario();
            report(
                dispatch,
                files::download(
                    &format!("{}.json", s.name),
                    "application/json",
                    &crate::scenario_file::to_json(s),
                ),
            );
        }
        SimRequest::ExportReport => {
            let r = core.session.engine_mut().report(0.0);
            report(
                dispatch,
                files::download(
                    "kafka-sim-report.json",
                    "application/json",
                    &serde_json::to_string_pretty(&r).unwrap_or_default(),
                ),
            );
        }
        SimRequest::ExportCsv => {
            let ids: Vec<String> = core
                .session
                .scenario()
                .producers
                .iter()
                .map(|p| p.id.clone())
                .collect();
            let csv = crate::view_model::csv::samples_csv(
                core.session.engine().metrics().samples(),
                &ids,
            );
            report(
                dispatch,
                files::download("kafka-sim-charts.csv", "text/csv", &csv),
            );
        }
        SimRequest::ViewSize(w, h) => core.view_size = (w, h),
        SimRequest::SaveSlot(typed) => save_slot(core, dispatch, &typed),
        SimRequest::OpenSlot(name) => match storage::load_slot(&name) {
            Some(s) => load(core, dispatch, s),
            None => {
                dispatch.dispatch(Action::Slots(storage::slot_names()));
                dispatch.dispatch(Action::Error(Some(PageError::SessionMissing(name))));
            }
        },
        SimRequest::DeleteSlot(name) => {
            storage::delete_slot(&name);
            dispatch.dispatch(Action::Slots(storage::slot_names()));
        }
        SimRequest::HashChanged => match storage::scenario_from_hash() {
            // Our own share link (or nothing new): the run goes on.
            Some(Ok(s)) if &s == core.session.scenario() => {}
            Some(Ok(s)) => {
                if let Some(name) = storage::keep_autosave(&s) {
                    dispatch.dispatch(Action::Notice(Some(Notice::KeptAutosave(name))));
                    dispatch.dispatch(Action::Slots(storage::slot_names()));
                }
                load(core, dispatch, s);
                ghost_from_hash(core, dispatch);
                compare_from_hash(core, dispatch);
            }
            Some(Err(e)) => dispatch.dispatch(Action::Error(Some(e))),
            None => {}
        },
        SimRequest::Compare(true) => {
            if core.lesson.is_some() {
                core.lesson = None;
                dispatch.dispatch(Action::Lesson(None));
            }
            core.start_compare();
            dispatch.dispatch(Action::Pause);
            dispatch.dispatch(Action::Error(None));
        }
        SimRequest::Compare(false) => core.leave_compare(),
        SimRequest::LoadB(b) => {
            let a = core.session.scenario().clone();
            core.start_compare_with(a, *b);
            dispatch.dispatch(Action::Pause);
            dispatch.dispatch(Action::Error(None));
        }
    }
}

/// Run B of a share link (`&b=…`): the page opens in compare mode with it.
pub fn compare_from_hash(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>) {
    match storage::compare_b_from_hash() {
        Some(Ok(b)) => {
            let a = core.session.scenario().clone();
            core.start_compare_with(a, b);
        }
        Some(Err(e)) => dispatch.dispatch(Action::Error(Some(e))),
        None => {}
    }
}

/// Brings run B (compare mode) to run A's time.
fn sync_b(core: &mut Core) {
    let now = core.session.engine().now();
    if let Some(b) = core.compare.as_mut() {
        b.sync_to(now);
    }
}

/// An intervention; in compare mode it goes to run B (a config change) or both, at the end of
/// the run (a rewound timeline first returns to its end: compare mode does not branch).
fn intervene_any(core: &mut Core, cmd: Command) -> Result<(), Refused> {
    if core.compare.is_none() {
        return intervene(core, cmd);
    }
    if core.timeline.rewound() {
        seek(core, SimTime::MAX);
    }
    core.intervene_compared(cmd)
}

/// Branch A of a share link, replayed and drawn as the ghost (the run itself is loaded).
pub fn ghost_from_hash(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>) {
    match storage::branch_from_hash() {
        Some(Ok((a, from, end))) => core.set_ghost_run(a, from, end),
        Some(Err(e)) => dispatch.dispatch(Action::Error(Some(e))),
        None => {}
    }
}

/// Puts the page at simulated time `t` of the run so far.
fn seek(core: &mut Core, t: SimTime) {
    core.lesson_play = None; // a lesson step being played stops where the timeline moved
    core.timeline.seek(&mut core.session, t);
    core.builder.invalidate();
    sync_b(core);
}

/// A user's intervention; at a rewound time it starts a new branch (the old future is kept as
/// branch A), but only if the intervention is accepted.
fn intervene(core: &mut Core, cmd: Command) -> Result<(), Refused> {
    if !core.timeline.rewound() {
        return core.session.intervene(cmd);
    }
    let mut trial = core.session.clone();
    trial.drop_future();
    trial.intervene(cmd)?;
    core.timeline.branch(&mut core.session);
    core.session = trial;
    core.builder.invalidate();
    Ok(())
}

/// Saves the running scenario as session `typed` (the scenario's name when empty); the top bar
/// has asked before replacing a session of that name.
fn save_slot(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>, typed: &str) {
    let typed = if typed.trim().is_empty() {
        core.session.scenario().name.clone()
    } else {
        typed.to_string()
    };
    let name = match slots::clean_name(&typed) {
        Ok(n) => n,
        Err(_) => {
            dispatch.dispatch(Action::Error(Some(PageError::Key("ui.session_name_long"))));
            return;
        }
    };
    if storage::save_slot(&name, core.session.scenario()) {
        dispatch.dispatch(Action::Error(None));
        dispatch.dispatch(Action::Notice(Some(Notice::Saved(name))));
    } else {
        dispatch.dispatch(Action::Error(Some(PageError::Key(
            "ui.session_save_failed",
        ))));
    }
    dispatch.dispatch(Action::Slots(storage::slot_names()));
}

fn report(dispatch: &UseReducerDispatcher<PageState>, r: Result<(), &'static str>) {
    if let Err(key) = r {
        dispatch.dispatch(Action::Error(Some(PageError::Key(key))));
    }
}

/// Restarts with `s` outside lessons, and saves it once the engine runs it (if building the run
/// fails, the saved scenario is still the last one that worked).
fn load(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>, s: Scenario) {
    core.compare = None;
    core.lesson = None;
    dispatch.dispatch(Action::Lesson(None));
    dispatch.dispatch(Action::Error(None));
    core.restart(s);
    storage::save_scenario(core.session.scenario());
}

/// Plays lesson `i` from its start up to step `step`, applying the actions of the steps before
/// it (the run is deterministic, so going back replays the same run). Pauses.
fn goto_step(core: &mut Core, dispatch: &UseReducerDispatcher<PageState>, i: usize, step: usize) {
    let Some(lesson) = core.lessons.get(i).cloned() else {
        return;
    };
    core.compare = None;
    core.restart(lesson.scenario.clone());
    for (k, s) in lesson.steps.iter().enumerate().take(step + 1) {
        core.session.run_to(ms(s.at_ms));
        if k < step {
            if let Some(a) = &s.action {
                core.session.apply_scripted(a.clone());
            }
        }
    }
    core.lesson = Some((i, step));
    dispatch.dispatch(Action::Pause);
    dispatch.dispatch(Action::Lesson(core.lesson));
}
