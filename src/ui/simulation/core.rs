//! The simulation's core, owned by the [`super::Simulation`] component: the session (engine and
//! scenario), the lessons, and the frame loop's pacing. The engine's share of a frame adapts to
//! what the frame costs on this machine: it shrinks when frames come late (the browser's own
//! style, layout and paint included) and grows back while they are on time, between
//! [`MIN_BUDGET_MS`] and [`FRAME_BUDGET_MS`], so the page holds 60 fps and answers input in the
//! next frame at every speed; what it costs is simulated speed, which the page shows.

use crate::engine::scenario::Scenario;
use crate::engine::time::{SimTime, MILLIS};
use crate::lessons::Lesson;
use crate::view_model::lesson_play::LessonPlay;
use crate::view_model::session::Session;
use crate::view_model::timeline::{Ghost, Timeline};

use super::frame::{first_frame, Builder, Frame, Mode};
use crate::ui::state::{Zoom, SPEEDS};

/// Most wall-clock time per frame for the engine, ms.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Least wall-clock time per frame for the engine, ms.
pub const MIN_BUDGET_MS: f64 = 2.0;
/// A frame interval above this (ms) is late: the engine's budget shrinks.
const LATE_FRAME_MS: f64 = 18.0;
/// Events processed between clock checks.
const EVENT_CHUNK: u64 = 250;
/// Wall time (ms) the shown real speed is averaged over.
const REAL_SPEED_WINDOW_MS: f64 = 500.0;
/// Frames whose render time is kept for the figures.
const RENDER_RING: usize = 240;

/// The controls the core follows (copied from the page state at each render).
#[derive(Clone, Debug, PartialEq)]
pub struct Controls {
    /// Running.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Overview forced.
    pub overview: bool,
    /// Zoom.
    pub zoom: Zoom,
    /// Text size, px.
    pub font: f64,
}

/// The core.
pub struct Core {
    /// The engine and the scenario.
    pub session: Session,
    /// Checkpoints, markers and branches of the run (the scrubber).
    pub timeline: Timeline,
    /// The lessons.
    pub lessons: Vec<Lesson>,
    /// Run B of an A/B comparison (compare mode), if any.
    pub compare: Option<super::compare::CompareRun>,
    /// The lesson being played: index and step.
    pub lesson: Option<(usize, usize)>,
    /// A lesson step being played forward ("Next"), if any.
    pub lesson_play: Option<LessonPlay>,
    /// Log entries seen by the lesson playback.
    pub logged_seen: u64,
    /// The playback reached its step this frame (the page pauses and shows the step).
    pub lesson_arrived: bool,
    /// What the page asks for.
    pub controls: Controls,
    /// The cluster view's size (px).
    pub view_size: (f64, f64),
    /// The current frame.
    pub frame: Frame,
    /// Something changed outside the loop (a command, a new run): build a frame next tick.
    pub dirty: bool,
    pub(super) builder: Builder,
    pub(super) zones_at: f64,
    pub(super) zones_scenario: std::rc::Rc<Scenario>,
    pub(super) engine_ms: f64,
    pub(super) real_speed: f64,
    last_ts: Option<f64>,
    render_times: Vec<f64>,
    frame_ready_at: Option<f64>,
    build_ms: f64,
    /// The engine's budget per frame, ms (adapted to the frame rate).
    budget_ms: f64,
}

/// The lesson playback's pace for the page's speed control: 1× plays a step in about six
/// seconds; "max" is 100×.
fn lesson_pace(speed: f64) -> f64 {
    if speed > 0.0 {
        speed
    } else {
        100.0
    }
}

impl Core {
    /// A core running `scenario`.
    pub fn new(scenario: Scenario, lessons: Vec<Lesson>) -> Self {
        let session = Session::new(scenario);
        let frame = first_frame(&session);
        Core {
            timeline: Timeline::new(&session),
            builder: Builder::new(&frame),
            session,
            lessons,
            compare: None,
            zones_at: f64::NEG_INFINITY,
            zones_scenario: std::rc::Rc::new(Scenario::cluster(1, 1, 1)),
            lesson: None,
            lesson_play: None,
            logged_seen: 0,
            lesson_arrived: false,
            controls: Controls {
                playing: true,
                speed: 2,
                overview: false,
                zoom: Zoom::None,
                font: 12.0,
            },
            view_size: (800.0, 600.0),
            frame,
            dirty: true,
            engine_ms: 0.0,
            real_speed: 0.0,
            last_ts: None,
            render_times: Vec::new(),
            frame_ready_at: None,
            build_ms: 0.0,
            budget_ms: FRAME_BUDGET_MS,
        }
    }

    /// Starts `scenario` from time zero.
    pub fn restart(&mut self, scenario: Scenario) {
        self.session = Session::new(scenario);
        self.timeline = Timeline::new(&self.session);
        self.frame = first_frame(&self.session);
        self.builder = Builder::new(&self.frame);
        self.last_ts = None;
        self.lesson_play = None;
        self.logged_seen = 0;
        self.dirty = true;
    }

    /// Replays `a` (branch A of a share link) to `end` and keeps it as the timeline's ghost,
    /// left at `from`.
    pub fn set_ghost_run(&mut self, a: Scenario, from: SimTime, end: SimTime) {
        let mut s = Session::new(a);
        s.run_to(end);
        self.timeline.set_ghost(Ghost {
            from,
            end: s.engine().now(),
            samples: std::rc::Rc::new(s.engine().metrics().samples().to_vec()),
            scenario: std::rc::Rc::new(s.scenario().clone()),
        });
        self.dirty = true;
    }

    /// One animation frame at `ts` (ms): advances the engine when playing, then builds the
    /// frame's inputs. Returns whether the views need to render.
    pub fn tick(&mut self, ts: f64, clock: &mut dyn FnMut() -> f64) -> bool {
        let dt = self.last_ts.map(|l| ts - l).unwrap_or(0.0);
        self.last_ts = Some(ts);
        let speed = SPEEDS[self.controls.speed];
        let animate = matches!(self.frame.mode, Mode::Topology(_))
            && self.controls.zoom == Zoom::None
            && speed > 0.0
            && speed <= 10.0;
        self.session.set_animate(animate && self.controls.playing);
        // Paused: frames stop once nothing changed and every chart has caught up (a step or
        // a lesson jump while paused updates the charts one per frame, as while playing).
        // Compare mode: run B catches up with A's time even while paused.
        let b_behind = self
            .compare
            .as_ref()
            .is_some_and(|b| b.session.engine().now() < self.session.engine().now());
        if !self.controls.playing
            && !self.dirty
            && !b_behind
            && !self.builder.charts_behind(&self.frame)
        {
            return false;
        }
        if !self.controls.playing && b_behind {
            // Caught up: the next build compares the two runs at the paused time.
            self.dirty |= self.advance_b(self.budget_ms, EVENT_CHUNK, clock);
        }
        if self.controls.playing {
            let t0 = clock();
            let before = self.session.engine().now();
            let target = match self.lesson_play.as_mut() {
                Some(play) => play
                    .frame_target(before, ts, dt, lesson_pace(speed))
                    .unwrap_or(before),
                None if speed > 0.0 => before + (dt.min(100.0) * speed * MILLIS as f64) as u64,
                None => u64::MAX,
            };
            // Late frames (two refreshes or more at 60 Hz) shrink the budget fast; on-time frames
            // grow it slowly.
            if dt > LATE_FRAME_MS {
                self.budget_ms *= 0.85;
            } else if dt > 0.0 {
                self.budget_ms += 0.1;
            }
            self.budget_ms = self.budget_ms.clamp(MIN_BUDGET_MS, FRAME_BUDGET_MS);
            // Compare mode: A waits while B has not reached A's time; each run gets half of
            // the budget.
            let (target, budget) = match &self.compare {
                Some(b) if b.session.engine().now() < before => (before, self.budget_ms / 2.0),
                Some(_) => (target, self.budget_ms / 2.0),
                None => (target, self.budget_ms),
            };
            self.session.advance(target, budget, EVENT_CHUNK, clock);
            let spent_a = clock() - t0;
            self.advance_b((self.budget_ms - spent_a).max(budget), EVENT_CHUNK, clock);
            let spent = clock() - t0;
            self.engine_ms = if self.engine_ms == 0.0 {
                spent
            } else {
                0.9 * self.engine_ms + 0.1 * spent
            };
            if dt > 0.0 {
                // Averaged over about half a second of wall time: one frame's figure jumps
                // (a frame that refreshed the overview advanced little, the next one a lot).
                let advanced = (self.session.engine().now() - before) as f64 / MILLIS as f64;
                let now_speed = advanced / dt;
                let weight = (dt / REAL_SPEED_WINDOW_MS).min(1.0);
                self.real_speed += weight * (now_speed - self.real_speed);
            }
        }
        let t1 = clock();
        self.session.absorb();
        self.timeline.observe(&mut self.session);
        self.follow_lesson_play(ts, speed);
        self.build(ts, clock);
        self.build_compare(ts);
        self.build_zones(ts);
        self.dirty = false;
        let t2 = clock();
        self.build_ms = t2 - t1;
        self.frame_ready_at = Some(t2);
        true
    }

    /// Lets the lesson playback see this frame's events (it holds on key ones) and ends it on
    /// its step.
    fn follow_lesson_play(&mut self, ts: f64, speed: f64) {
        let Some(play) = self.lesson_play.as_mut() else {
            return;
        };
        let (new, total) = self.session.logged_since(self.logged_seen);
        play.notice(new.map(|e| &e.event), ts, lesson_pace(speed));
        self.logged_seen = total;
        if play.arrived(self.session.engine().now()) {
            self.lesson = Some((play.lesson, play.to_step));
            self.lesson_play = None;
            self.lesson_arrived = true;
        }
    }

    /// Whether the playback reached its step since the last call.
    pub fn take_lesson_arrival(&mut self) -> bool {
        std::mem::take(&mut self.lesson_arrived)
    }

    /// Records how long the views took to render the last frame (with building its inputs).
    pub fn rendered(&mut self, now: f64) {
        if let Some(t0) = self.frame_ready_at.take() {
            if self.render_times.len() >= RENDER_RING {
                self.render_times.remove(0);
            }
            self.render_times.push(now - t0 + self.build_ms);
        }
    }

    /// Median and 95th percentile of the recent render times, ms.
    pub(super) fn render_percentiles(&self) -> (f64, f64) {
        let v = &self.render_times;
        if v.is_empty() {
            return (0.0, 0.0);
        }
        let mut s = v.clone();
        s.sort_by(|a, b| a.total_cmp(b));
        (s[s.len() / 2], s[(s.len() * 95 / 100).min(s.len() - 1)])
    }
}
