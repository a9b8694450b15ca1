//! What one frame hands to the views, and how it is built from the engine's state. Each part is
//! an `Rc` replaced only when its content changes, so the components that draw it re-render
//! only then.

use std::rc::Rc;

use crate::engine::checker::InvariantReport;
use crate::engine::ids::TopicTable;
use crate::engine::metrics::Sample;
use crate::engine::scenario::Scenario;
use crate::engine::snapshot::{ClusterSnapshot, LiveConfigs, OverviewSnapshot};
use crate::engine::time::{to_ms_f64, SimTime};
use crate::engine::Command;
use crate::view_model::audit::{self, Counter, ProducerAudit};
use crate::view_model::flows::FlowDot;
use crate::view_model::layout::{self, Counts, Topology};
use crate::view_model::names::Names;
use crate::view_model::series::{charts_for, ChartContext};
use crate::view_model::session::{LogEntry, Moment, Session};
use crate::view_model::timeline::Timeline;

use super::core::Core;
use crate::ui::state::{Zoom, SPEEDS};

/// Charts, audit and names refresh at most this often (wall ms).
const SLOW_TICK_MS: f64 = 200.0;
/// The overview of a big cluster refreshes at most this often (wall ms).
const OVERVIEW_TICK_MS: f64 = 100.0;
/// A refresh that costs `c` ms waits at least this many times `c` for the next, so the
/// overview and the slow refresh together take at most about a fifth of the page's time
/// whatever the cluster's size (at 20 brokers × 50,000 partitions one overview takes tens of
/// milliseconds).
const REFRESH_SPACING: f64 = 10.0;
/// Event-log lines handed to the view.
const LOG_SHOWN: usize = 80;

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

/// What a chart draws. Equal when it is the same data (the same `Rc`s): comparing is cheap.
#[derive(Clone, Debug)]
pub struct ChartsData {
    /// The metrics' samples.
    pub samples: Rc<Vec<Sample>>,
    /// Commands applied (simulated s).
    pub markers: Rc<Vec<(f64, Command)>>,
    /// Clients of the run.
    pub ctx: Rc<ChartContext>,
    /// Branch A's samples and where the branch left it (simulated s): drawn as a ghost.
    pub ghost: Option<(f64, Rc<Vec<Sample>>)>,
    /// Run B's samples in compare mode: drawn dashed over A's lines.
    pub b: Option<Rc<Vec<Sample>>>,
}

impl PartialEq for ChartsData {
    fn eq(&self, o: &Self) -> bool {
        let ghost = match (&self.ghost, &o.ghost) {
            (None, None) => true,
            (Some((a, x)), Some((b, y))) => a == b && Rc::ptr_eq(x, y),
            _ => false,
        };
        let b = match (&self.b, &o.b) {
            (None, None) => true,
            (Some(x), Some(y)) => Rc::ptr_eq(x, y),
            _ => false,
        };
        b && Rc::ptr_eq(&self.samples, &o.samples)
            && Rc::ptr_eq(&self.markers, &o.markers)
            && Rc::ptr_eq(&self.ctx, &o.ctx)
            && ghost
    }
}

impl ChartsData {
    fn empty(ctx: ChartContext) -> Self {
        ChartsData {
            samples: Rc::new(Vec::new()),
            markers: Rc::new(Vec::new()),
            ctx: Rc::new(ctx),
            ghost: None,
            b: None,
        }
    }
}

/// One frame's inputs to the views.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Simulated time.
    pub now: SimTime,
    /// Simulated per wall time over the last frame.
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
    /// The data of each chart the run has (in [`charts_for`] order). Each picks up new samples
    /// in its own frame, so charts never all redraw in the same frame.
    pub charts: Rc<Vec<ChartsData>>,
    /// Event log.
    pub log: Rc<LogView>,
    /// Audit.
    pub audit: Rc<AuditView>,
    /// Configs in effect.
    pub configs: Rc<LiveConfigs>,
    /// The scenario running (with interventions).
    pub scenario: Rc<Scenario>,
    /// The timeline's scrubber.
    pub timeline: Rc<TimelineView>,
    /// Run B and the differences, in compare mode.
    pub compare: Option<Rc<super::compare::CompareView>>,
    /// Racks, cross-zone traffic and risky settings.
    pub zones: Rc<super::zones::ZonesView>,
}

/// What the timeline's scrubber draws.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineView {
    /// Simulated time shown.
    pub now: SimTime,
    /// How far the run has gone.
    pub end: SimTime,
    /// The page shows an earlier time than `end`.
    pub rewound: bool,
    /// Markers.
    pub moments: Rc<Vec<Moment>>,
    /// Where branch A left off and how far it went.
    pub ghost: Option<(SimTime, SimTime)>,
    /// Checkpoints kept.
    pub checkpoints: usize,
    /// Their estimated bytes together.
    pub checkpoint_bytes: usize,
}

impl TimelineView {
    fn of(tl: &Timeline, now: SimTime, moments: Rc<Vec<Moment>>) -> Self {
        TimelineView {
            now,
            end: tl.end(),
            rewound: tl.rewound(),
            moments,
            ghost: tl.ghost().map(|g| (g.from, g.end)),
            checkpoints: tl.checkpoint_times().len(),
            checkpoint_bytes: tl.checkpoint_bytes(),
        }
    }
}

/// The first frame of a run.
pub fn first_frame(session: &Session) -> Frame {
    let timeline = Rc::new(TimelineView {
        now: session.engine().now(),
        end: session.engine().now(),
        rewound: false,
        moments: Rc::new(Vec::new()),
        ghost: None,
        checkpoints: 1,
        checkpoint_bytes: 0,
    });
    let e = session.engine();
    let snap = Rc::new(e.snapshot());
    let names = Rc::new(Names::of(&snap));
    let ctx = ChartContext::of(session.scenario());
    let n = charts_for(&ctx).len();
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
        charts: Rc::new(vec![ChartsData::empty(ctx); n]),
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
        timeline,
        compare: None,
        zones: Rc::new(super::zones::ZonesView::default()),
    }
}

/// What the frame builder remembers between frames.
#[derive(Clone, Debug)]
pub struct Builder {
    last_slow: f64,
    last_overview: f64,
    /// What the last slow refresh and the last overview cost, wall ms.
    slow_cost_ms: f64,
    overview_cost_ms: f64,
    log_version: u64,
    topo_key: Option<(Counts, u64, u64, u64)>,
    latest_charts: ChartsData,
    chart_cursor: usize,
    timeline_version: Option<u64>,
}

impl Builder {
    /// For a new run.
    pub fn new(frame: &Frame) -> Self {
        Builder {
            last_slow: f64::NEG_INFINITY,
            last_overview: f64::NEG_INFINITY,
            slow_cost_ms: 0.0,
            overview_cost_ms: 0.0,
            log_version: 0,
            topo_key: None,
            latest_charts: frame
                .charts
                .first()
                .cloned()
                .unwrap_or_else(|| ChartsData::empty(ChartContext::default())),
            chart_cursor: 0,
            timeline_version: None,
        }
    }
}

impl Builder {
    /// Whether some chart has not taken the latest data yet (charts take it one per frame).
    pub(super) fn charts_behind(&self, frame: &Frame) -> bool {
        frame.charts.iter().any(|c| *c != self.latest_charts)
    }

    /// The session was replaced by another state of the run (the timeline moved): everything
    /// is rebuilt in the next frame.
    pub fn invalidate(&mut self) {
        self.log_version = u64::MAX;
        self.last_slow = f64::NEG_INFINITY;
        self.last_overview = f64::NEG_INFINITY;
    }
}

impl Core {
    /// The frame's inputs from the engine's state now (`ts`: wall ms).
    pub(super) fn build(&mut self, ts: f64, clock: &mut dyn FnMut() -> f64) {
        let render_ms = self.render_percentiles();
        let engine = self.session.engine();
        let b = &mut self.builder;
        let f = &mut self.frame;
        f.now = engine.now();
        f.real_speed = self.real_speed;
        f.engine_ms = self.engine_ms;
        f.render_ms = render_ms;
        // At most one heavy piece of work per frame (outside a change the user made): the
        // overview's refresh, the slow refresh (names, audit, charts' samples), or one chart.
        let zoomed = self.controls.zoom != Zoom::None;
        let overview_due = ts - b.last_overview
            >= OVERVIEW_TICK_MS.max(REFRESH_SPACING * b.overview_cost_ms)
            || self.dirty
            || f.overview.is_none();
        let overview_mode_before = matches!(f.mode, Mode::Overview) && !zoomed;
        let slow = self.dirty
            || (ts - b.last_slow >= SLOW_TICK_MS.max(REFRESH_SPACING * b.slow_cost_ms)
                && !(overview_mode_before && overview_due));
        let slow_from = clock();
        // The topology when it fits the view, else the overview.
        let rows = match (&f.detail, &f.overview) {
            (Some(d), _) => Counts::of(d).rows,
            (None, Some(o)) => o
                .brokers
                .iter()
                .map(|x| x.replicas as usize)
                .max()
                .unwrap_or(0),
            _ => 0,
        };
        let counts = Counts {
            producers: engine.producers().len(),
            brokers: engine.brokers().len(),
            rows,
            consumers: engine.consumers().len(),
            groups: engine.groups().len(),
            transactional: engine
                .producers()
                .iter()
                .any(|p| p.transactional().is_some()),
        };
        let (w, h) = self.view_size;
        let key = (
            counts.clone(),
            w as u64,
            h as u64,
            self.controls.font as u64,
        );
        if b.topo_key.as_ref() != Some(&key)
            || self.controls.overview != matches!(f.mode, Mode::Overview)
        {
            f.mode = match (
                self.controls.overview,
                layout::topology(&counts, w, h, self.controls.font),
            ) {
                (false, Some(t)) => Mode::Topology(Rc::new(t)),
                _ => Mode::Overview,
            };
            b.topo_key = Some(key);
        }
        let topology = matches!(f.mode, Mode::Topology(_));
        if topology || zoomed || slow {
            // The overview needs no partitions of the detailed snapshot (it has its cells).
            let snap = if topology || zoomed {
                engine.snapshot()
            } else {
                engine.snapshot_light()
            };
            if f.detail.as_deref() != Some(&snap) {
                f.detail = Some(Rc::new(snap));
            }
        }
        let mut heavy = slow;
        if !topology && !zoomed {
            if overview_due {
                heavy = true;
                let from = clock();
                let over = engine.overview();
                if f.overview.as_deref() != Some(&over) {
                    f.overview = Some(Rc::new(over));
                }
                b.last_overview = ts;
                b.overview_cost_ms = clock() - from;
            }
        } else {
            f.overview = None;
        }
        let speed = SPEEDS[self.controls.speed];
        let dots = if engine.now() > 0 && topology && !zoomed {
            let min_visible = (0.35 * speed.max(0.1) * 1e9) as SimTime;
            self.session.flows().dots(engine.now(), min_visible, 3, 90)
        } else {
            Vec::new()
        };
        if dots != *f.flows {
            f.flows = Rc::new(dots);
        }
        if *f.scenario != *self.session.scenario() {
            f.scenario = Rc::new(self.session.scenario().clone());
            let ctx = ChartContext::of(&f.scenario);
            if ctx != *b.latest_charts.ctx {
                b.latest_charts.ctx = Rc::new(ctx);
                f.charts = Rc::new(vec![
                    b.latest_charts.clone();
                    charts_for(&b.latest_charts.ctx).len()
                ]);
            }
        }
        if slow {
            b.last_slow = ts;
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
            let latest = &mut b.latest_charts;
            let samples = engine.metrics().samples();
            if samples.len() != latest.samples.len() || samples.last() != latest.samples.last() {
                latest.samples = Rc::new(samples.to_vec());
            }
            if self.session.markers().len() != latest.markers.len() {
                latest.markers = Rc::new(self.session.markers().to_vec());
            }
            let ghost = self
                .timeline
                .ghost()
                .map(|g| (to_ms_f64(g.from) / 1000.0, g.samples.clone()));
            let same = match (&ghost, &latest.ghost) {
                (None, None) => true,
                (Some((a, x)), Some((b, y))) => a == b && Rc::ptr_eq(x, y),
                _ => false,
            };
            if !same {
                latest.ghost = ghost;
            }
            let b = self.compare.as_ref().map(|c| c.samples.clone());
            let same_b = match (&b, &latest.b) {
                (None, None) => true,
                (Some(x), Some(y)) => Rc::ptr_eq(x, y),
                _ => false,
            };
            if !same_b {
                latest.b = b;
            }
            let configs = engine.live_configs();
            if configs != *f.configs {
                f.configs = Rc::new(configs);
            }
        }
        if slow {
            b.slow_cost_ms = clock() - slow_from;
        }
        // One chart takes the latest data, in a frame with nothing else heavy.
        let n = if heavy && !self.dirty {
            0
        } else {
            f.charts.len()
        };
        if self.dirty && f.charts.iter().any(|c| *c != b.latest_charts) {
            // A change the user made (a seek on the timeline, a step while paused): every chart
            // shows it now, as no later frame may come while paused.
            f.charts = Rc::new(vec![b.latest_charts.clone(); f.charts.len()]);
        } else if let Some(k) = (0..n)
            .map(|i| (b.chart_cursor + i) % n)
            .find(|&i| f.charts[i] != b.latest_charts)
        {
            let mut charts = (*f.charts).clone();
            charts[k] = b.latest_charts.clone();
            f.charts = Rc::new(charts);
            b.chart_cursor = k + 1;
        }
        let tl = &self.timeline;
        let moments = if b.timeline_version == Some(tl.version()) {
            f.timeline.moments.clone()
        } else {
            b.timeline_version = Some(tl.version());
            Rc::new(tl.moments().to_vec())
        };
        let view = TimelineView::of(tl, engine.now(), moments);
        if view != *f.timeline {
            f.timeline = Rc::new(view);
        }
        let (log, version) = self.session.log();
        if version != b.log_version || (slow && !Rc::ptr_eq(&f.log.names, &f.names)) {
            b.log_version = version;
            let skip = log.len().saturating_sub(LOG_SHOWN);
            f.log = Rc::new(LogView {
                entries: log.iter().skip(skip).cloned().collect(),
                names: f.names.clone(),
                topics: Rc::new(engine.topics().clone()),
            });
        }
    }
}
