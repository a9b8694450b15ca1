//! The simulation's core, owned by the [`super::Simulation`] component: the session (engine and
//! scenario), the lessons, the frame loop's pacing and what each frame hands to the views.
//! Views get `Rc`s that change only when their content does, so components whose inputs did
//! not change are not re-rendered.

use std::rc::Rc;

use crate::engine::checker::InvariantReport;
use crate::engine::ids::TopicTable;
use crate::engine::metrics::Sample;
use crate::engine::scenario::{Command, Scenario};
use crate::engine::snapshot::{ClusterSnapshot, LiveConfigs, OverviewSnapshot};
use crate::engine::time::{SimTime, MILLIS};
use crate::lessons::Lesson;
use crate::view_model::audit::{self, Counter, ProducerAudit};
use crate::view_model::flows::FlowDot;
use crate::view_model::layout::{self, Counts, Topology};
use crate::view_model::names::Names;
use crate::view_model::series::ChartContext;
use crate::view_model::session::{LogEntry, Session};

use super::super::state::{Zoom, SPEEDS};

/// Wall-clock budget per frame for the engine, ms (the rest is left for rendering).
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Events processed between clock checks.
const EVENT_CHUNK: u64 = 1_000;
/// Charts, audit and names refresh at most this often (wall ms).
const SLOW_TICK_MS: f64 = 200.0;
/// The overview of a big cluster refreshes at most this often (wall ms).
const OVERVIEW_TICK_MS: f64 = 100.0;
/// Frames whose render time is kept for the figures.
const RENDER_RING: usize = 240;

/// What the cluster view draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    /// Every broker with its replicas, and the links.
    Topology(Rc<Topology>),
    /// Tiles and a heat map (and zooms).
    Overview,
}

/// The event log as shown: the latest entries, named.
#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// Entries, newest last.
    pub entries: Vec<LogEntry>,
    /// Client names.
    pub names: Rc<Names>,
    /// Topic names.
    pub topics: Rc<TopicTable>,
}

/// The audit as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditView {
    /// Every counter of the checker's report.
    pub counters: Vec<Counter>,
    /// Per producer.
    pub producers: Vec<ProducerAudit>,
}

/// What the charts draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartsData {
    /// The metrics' samples.
    pub samples: Rc<Vec<Sample>>,
    /// Commands applied (simulated s).
    pub markers: Rc<Vec<(f64, Command)>>,
    /// Clients of the run.
    pub ctx: Rc<ChartContext>,
}

/// One frame's inputs to the views.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Simulated time.
    pub now: SimTime,
    /// Simulated ms per wall ms over the last frame.
    pub real_speed: f64,
    /// Engine ms per frame (moving average).
    pub engine_ms: f64,
    /// Render ms per frame: median and 95th percentile of the last frames.
    pub render_ms: (f64, f64),
    /// Topology or overview.
    pub mode: Mode,
    /// The detailed snapshot (topology, zooms, and a few times a second otherwise).
    pub detail: Option<Rc<ClusterSnapshot>>,
    /// The overview snapshot (overview mode).
    pub overview: Option<Rc<OverviewSnapshot>>,
    /// Messages in flight (topology at slow speeds).
    pub flows: Rc<Vec<FlowDot>>,
    /// Client names.
    pub names: Rc<Names>,
    /// Charts.
    pub charts: ChartsData,
    /// Event log.
    pub log: Rc<LogView>,
    /// Audit.
    pub audit: Rc<AuditView>,
    /// Configs in effect.
    pub configs: Rc<LiveConfigs>,
    /// The scenario running (with interventions).
    pub scenario: Rc<Scenario>,
}

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
    /// The lessons.
    pub lessons: Vec<Lesson>,
    /// The lesson being played: index and step.
    pub lesson: Option<(usize, usize)>,
    /// What the page asks for.
    pub controls: Controls,
    /// The cluster view's size (px).
    pub view_size: (f64, f64),
    last_ts: Option<f64>,
    last_slow: f64,
    last_overview: f64,
    engine_ms: f64,
    real_speed: f64,
    render_times: Vec<f64>,
    /// When the last frame's inputs were ready (for the render time).
    pub frame_ready_at: Option<f64>,
    log_version: u64,
    topo_key: Option<(Counts, u64, u64, u64)>,
    /// The current frame.
    pub frame: Frame,
    /// Something changed outside the loop (a command, a new run): build a frame next tick.
    pub dirty: bool,
}

fn empty_frame(session: &Session) -> Frame {
    let e = session.engine();
    let snap = Rc::new(e.snapshot());
    let names = Rc::new(Names::of(&snap));
    Frame {
        now: e.now(),
        real_speed: 0.0,
        engine_ms: 0.0,
        render_ms: (0.0, 0.0),
        mode: Mode::Overview,
        detail: Some(snap),
        overview: None,
        flows: Rc::new(Vec::new()),
        names: names.clone(),
        charts: ChartsData {
            samples: Rc::new(Vec::new()),
            markers: Rc::new(Vec::new()),
            ctx: Rc::new(chart_context(session.scenario())),
        },
        log: Rc::new(LogView {
            entries: Vec::new(),
            names,
            topics: Rc::new(e.topics().clone()),
        }),
        audit: Rc::new(AuditView {
            counters: audit::counters(&InvariantReport::default()),
            producers: Vec::new(),
        }),
        configs: Rc::new(e.live_configs()),
        scenario: Rc::new(session.scenario().clone()),
    }
}

fn chart_context(s: &Scenario) -> ChartContext {
    ChartContext {
        producers: s.producers.iter().map(|p| p.id.clone()).collect(),
        groups: s
            .consumer_groups
            .iter()
            .map(|g| g.group_id.clone())
            .collect(),
        replicated: s.topics.iter().any(|t| t.replication_factor > 1) && s.cluster.brokers > 1,
    }
}

impl Core {
    /// A core running `scenario`.
    pub fn new(scenario: Scenario, lessons: Vec<Lesson>) -> Self {
        let session = Session::new(scenario);
        let frame = empty_frame(&session);
        Core {
            session,
            lessons,
            lesson: None,
            controls: Controls {
                playing: true,
                speed: 2,
                overview: false,
                zoom: Zoom::None,
                font: 12.0,
            },
            view_size: (800.0, 600.0),
            last_ts: None,
            last_slow: f64::NEG_INFINITY,
            last_overview: f64::NEG_INFINITY,
            engine_ms: 0.0,
            real_speed: 0.0,
            render_times: Vec::new(),
            frame_ready_at: None,
            log_version: 0,
            topo_key: None,
            frame,
            dirty: true,
        }
    }

    /// Starts `scenario` from time zero.
    pub fn restart(&mut self, scenario: Scenario) {
        self.session = Session::new(scenario);
        self.frame = empty_frame(&self.session);
        self.last_ts = None;
        self.last_slow = f64::NEG_INFINITY;
        self.last_overview = f64::NEG_INFINITY;
        self.topo_key = None;
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
        if !self.controls.playing && !self.dirty {
            return false;
        }
        if self.controls.playing {
            let t0 = clock();
            let before = self.session.engine().now();
            let target = if speed > 0.0 {
                before + (dt.min(100.0) * speed * MILLIS as f64) as u64
            } else {
                u64::MAX
            };
            self.session
                .advance(target, FRAME_BUDGET_MS, EVENT_CHUNK, clock);
            let spent = clock() - t0;
            self.engine_ms = if self.engine_ms == 0.0 {
                spent
            } else {
                0.9 * self.engine_ms + 0.1 * spent
            };
            if dt > 0.0 {
                let advanced = (self.session.engine().now() - before) as f64 / MILLIS as f64;
                self.real_speed = advanced / dt;
            }
        }
        self.session.absorb();
        self.build(ts);
        self.dirty = false;
        self.frame_ready_at = Some(clock());
        true
    }

    /// The frame's inputs from the engine's state now.
    fn build(&mut self, ts: f64) {
        let engine = self.session.engine();
        let f = &mut self.frame;
        f.now = engine.now();
        f.real_speed = self.real_speed;
        f.engine_ms = self.engine_ms;
        f.render_ms = percentiles(&self.render_times);
        let slow = ts - self.last_slow >= SLOW_TICK_MS || self.dirty;
        // The mode: the topology when it fits the view.
        let counts = Counts {
            producers: engine.producers().len(),
            brokers: engine.brokers().len(),
            rows: f
                .detail
                .as_ref()
                .map(|d| Counts::of(d).rows)
                .or_else(|| {
                    f.overview.as_ref().map(|o| {
                        o.brokers
                            .iter()
                            .map(|b| b.replicas as usize)
                            .max()
                            .unwrap_or(0)
                    })
                })
                .unwrap_or(0),
            consumers: engine.consumers().len(),
            groups: engine.groups().len(),
        };
        let (w, h) = self.view_size;
        let key = (
            counts.clone(),
            w as u64,
            h as u64,
            self.controls.font as u64,
        );
        if self.topo_key.as_ref() != Some(&key)
            || self.controls.overview != matches!(f.mode, Mode::Overview)
        {
            f.mode = match (
                self.controls.overview,
                layout::topology(&counts, w, h, self.controls.font),
            ) {
                (false, Some(t)) => Mode::Topology(Rc::new(t)),
                _ => Mode::Overview,
            };
            self.topo_key = Some(key);
        }
        let detailed = matches!(f.mode, Mode::Topology(_)) || self.controls.zoom != Zoom::None;
        if detailed || slow {
            f.detail = Some(Rc::new(engine.snapshot()));
        }
        if matches!(f.mode, Mode::Overview) && self.controls.zoom == Zoom::None {
            if ts - self.last_overview >= OVERVIEW_TICK_MS || self.dirty || f.overview.is_none() {
                f.overview = Some(Rc::new(engine.overview()));
                self.last_overview = ts;
            }
        } else {
            f.overview = None;
        }
        let speed = SPEEDS[self.controls.speed];
        let dots = if engine.now() > 0
            && matches!(f.mode, Mode::Topology(_))
            && self.controls.zoom == Zoom::None
        {
            let min_visible = (0.35 * speed.max(0.1) * 1e9) as SimTime;
            self.session.flows().dots(engine.now(), min_visible, 3, 90)
        } else {
            Vec::new()
        };
        if dots != *f.flows {
            f.flows = Rc::new(dots);
        }
        let scenario_changed = *f.scenario != *self.session.scenario();
        if scenario_changed {
            f.scenario = Rc::new(self.session.scenario().clone());
            f.charts.ctx = Rc::new(chart_context(&f.scenario));
        }
        if slow {
            self.last_slow = ts;
            if let Some(d) = &f.detail {
                let names = Names::of(d);
                if names != *f.names {
                    f.names = Rc::new(names);
                }
                let audit = AuditView {
                    counters: audit::counters(&engine.invariants()),
                    producers: audit::per_producer(d, &engine.invariants_by_producer()),
                };
                if audit != *f.audit {
                    f.audit = Rc::new(audit);
                }
            }
            let samples = engine.metrics().samples();
            if samples.len() != f.charts.samples.len() || samples.last() != f.charts.samples.last()
            {
                f.charts.samples = Rc::new(samples.to_vec());
            }
            if self.session.markers().len() != f.charts.markers.len() {
                f.charts.markers = Rc::new(self.session.markers().to_vec());
            }
            let configs = engine.live_configs();
            if configs != *f.configs {
                f.configs = Rc::new(configs);
            }
        }
        let (log, version) = self.session.log();
        if version != self.log_version || slow && !Rc::ptr_eq(&f.log.names, &f.names) {
            self.log_version = version;
            let skip = log.len().saturating_sub(80);
            f.log = Rc::new(LogView {
                entries: log.iter().skip(skip).cloned().collect(),
                names: f.names.clone(),
                topics: Rc::new(engine.topics().clone()),
            });
        }
    }

    /// Records how long the views took to render the last frame.
    pub fn rendered(&mut self, now: f64) {
        if let Some(t0) = self.frame_ready_at.take() {
            if self.render_times.len() >= RENDER_RING {
                self.render_times.remove(0);
            }
            self.render_times.push(now - t0);
        }
    }
}

/// Median and 95th percentile of `v`.
fn percentiles(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    (s[s.len() / 2], s[(s.len() * 95 / 100).min(s.len() - 1)])
}
