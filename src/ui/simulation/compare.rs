//! A/B compare (issue 17 item 4): run B, a copy of the scenario that the config panel edits, run
//! in lockstep of simulated time with run A (the page's session): A never runs ahead of B, and
//! B is advanced to A's time in every frame with its own share of the frame's budget. What B
//! hands to the views ([`CompareView`]) is rebuilt a few times a second; the differences of the
//! two reports come from [`crate::view_model::compare`], the function `kafka-sim compare` uses.

use std::rc::Rc;

use crate::engine::metrics::Sample;
use crate::engine::racks::CrossZone;
use crate::engine::scenario::Scenario;
use crate::engine::snapshot::{LiveConfigs, OverviewSnapshot};
use crate::engine::time::SimTime;
use crate::engine::Command;
use crate::view_model::compare::{differences, page_rows};
use crate::view_model::session::{Refused, Session};
use crate::view_model::timeline::Timeline;
use crate::view_model::zones::brokers_by_rack;

use super::core::Core;

/// B's views refresh at most this often (wall ms).
const B_TICK_MS: f64 = 250.0;
/// The reports are compared at most this often (wall ms): a report walks every partition.
const DIFF_TICK_MS: f64 = 500.0;
/// Rows of the differences table shown.
pub const DIFF_ROWS: usize = 40;

/// Run B and what the page shows of it.
pub struct CompareRun {
    /// Run B.
    pub session: Session,
    /// B's checkpoints (the timeline moves both runs; B seeks with its own checkpoints, bounded
    /// as A's are) and its markers.
    pub timeline: Timeline,
    /// What the views draw of it.
    pub view: Rc<CompareView>,
    /// B's samples for the charts (replaced when new samples come).
    pub samples: Rc<Vec<Sample>>,
    last_view: f64,
    last_diff: f64,
}

/// What the page shows of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareView {
    /// B's simulated time.
    pub now: SimTime,
    /// B's cluster, as tiles.
    pub overview: Option<Rc<OverviewSnapshot>>,
    /// B's configs in effect (the config panel edits B).
    pub configs: Rc<LiveConfigs>,
    /// B's scenario (with the changes made to it).
    pub scenario: Rc<Scenario>,
    /// The differences of the two reports at the same simulated time: rows
    /// `[figure, A, B, B - A]`, headline figures first.
    pub rows: Rc<Vec<[String; 4]>>,
    /// Rows left out of [`Self::rows`].
    pub more: usize,
    /// When the reports were compared (simulated).
    pub diff_at: SimTime,
    /// Cross-zone traffic of A and B (clusters with racks).
    pub cross_zone: Option<(CrossZone, CrossZone)>,
    /// B's racks and their brokers (empty without racks).
    pub racks: Rc<Vec<(String, Vec<u32>)>>,
}

impl CompareRun {
    /// Run B of `scenario`, from time zero.
    pub fn new(scenario: Scenario) -> Self {
        let session = Session::new(scenario);
        let view = Rc::new(CompareView {
            now: 0,
            overview: Some(Rc::new(session.engine().overview())),
            configs: Rc::new(session.engine().live_configs()),
            scenario: Rc::new(session.scenario().clone()),
            rows: Rc::new(Vec::new()),
            more: 0,
            diff_at: 0,
            cross_zone: None,
            racks: Rc::new(brokers_by_rack(&session.engine().broker_racks())),
        });
        CompareRun {
            timeline: Timeline::new(&session),
            session,
            view,
            samples: Rc::new(Vec::new()),
            last_view: f64::NEG_INFINITY,
            last_diff: f64::NEG_INFINITY,
        }
    }

    /// Brings B to `t` exactly: back or forward on its timeline (from its nearest checkpoint),
    /// then on past the end of its run so far.
    pub fn sync_to(&mut self, t: SimTime) {
        self.timeline.seek(&mut self.session, t);
        if self.session.engine().now() < t {
            self.session.run_to(t);
        }
        self.timeline.observe(&mut self.session);
        self.refresh_now();
    }

    /// The next frame rebuilds everything.
    pub fn refresh_now(&mut self) {
        self.last_view = f64::NEG_INFINITY;
        self.last_diff = f64::NEG_INFINITY;
    }

    /// Rebuilds what the views show of B when due (`ts`: wall ms), comparing B's report with
    /// `a`'s when both are at the same simulated time.
    pub fn build(&mut self, a: &mut Session, ts: f64) {
        if ts - self.last_view < B_TICK_MS {
            return;
        }
        self.last_view = ts;
        let e = self.session.engine();
        let mut v = (*self.view).clone();
        v.now = e.now();
        let over = e.overview();
        if v.overview.as_deref() != Some(&over) {
            v.overview = Some(Rc::new(over));
        }
        let configs = e.live_configs();
        if configs != *v.configs {
            v.configs = Rc::new(configs);
        }
        if *v.scenario != *self.session.scenario() {
            v.scenario = Rc::new(self.session.scenario().clone());
        }
        let samples = e.metrics().samples();
        if samples.len() != self.samples.len() || samples.last() != self.samples.last() {
            self.samples = Rc::new(samples.to_vec());
        }
        v.cross_zone = a.engine().cross_zone().zip(e.cross_zone());
        let same_time = a.engine().now() == e.now();
        if same_time && (ts - self.last_diff >= DIFF_TICK_MS || v.diff_at == 0) {
            self.last_diff = ts;
            let ra = a.engine_mut().report(0.0);
            let rb = self.session.engine_mut().report(0.0);
            if let Ok(d) = differences(&ra, &rb) {
                let (rows, more) = page_rows(&d, DIFF_ROWS);
                v.rows = Rc::new(rows);
                v.more = more;
                v.diff_at = ra.simulated_us * crate::engine::time::MICROS;
            }
        }
        if v != *self.view {
            self.view = Rc::new(v);
        }
    }
}

/// Whether an intervention is a config change (in compare mode it goes to run B only; every
/// other intervention goes to both runs, so their fault schedules stay the same).
pub fn is_config_change(cmd: &Command) -> bool {
    matches!(cmd, Command::SetConfig { .. })
}

impl Core {
    /// Starts comparing: run A restarts from time zero with its scenario and run B is a copy of
    /// it; both advance together.
    pub fn start_compare(&mut self) {
        let s = self.session.scenario().clone();
        self.restart(s.clone());
        self.compare = Some(CompareRun::new(s));
        self.dirty = true;
    }

    /// Starts comparing `a` (run A) with `b` (a share link's two runs).
    pub fn start_compare_with(&mut self, a: Scenario, b: Scenario) {
        self.restart(a);
        self.compare = Some(CompareRun::new(b));
        self.dirty = true;
    }

    /// Leaves compare mode: run A goes on, B is dropped.
    pub fn leave_compare(&mut self) {
        self.compare = None;
        self.builder.invalidate();
        self.dirty = true;
    }

    /// An intervention in compare mode: a config change to B, anything else to both (B first
    /// brought to A's time, so both record it at the same millisecond).
    pub fn intervene_compared(&mut self, cmd: Command) -> Result<(), Refused> {
        let now = self.session.engine().now();
        let Some(b) = self.compare.as_mut() else {
            return self.session.intervene(cmd);
        };
        b.sync_to(now);
        if is_config_change(&cmd) {
            let r = b.session.intervene(cmd);
            b.timeline.observe(&mut b.session);
            b.refresh_now();
            return r;
        }
        let mut trial = b.session.clone();
        trial.intervene(cmd.clone())?;
        self.session.intervene(cmd)?;
        b.session = trial;
        b.timeline.observe(&mut b.session);
        b.refresh_now();
        Ok(())
    }

    /// Run B's part of the frame (`ts`: wall ms).
    pub(super) fn build_compare(&mut self, ts: f64) {
        let Some(b) = self.compare.as_mut() else {
            self.frame.compare = None;
            return;
        };
        if self.dirty {
            b.refresh_now();
        }
        b.build(&mut self.session, ts);
        if self.frame.compare.as_ref() != Some(&b.view) {
            self.frame.compare = Some(b.view.clone());
        }
    }

    /// B advanced to A's time within `budget_ms`; returns whether B has caught up.
    pub(super) fn advance_b(
        &mut self,
        budget_ms: f64,
        chunk: u64,
        clock: &mut dyn FnMut() -> f64,
    ) -> bool {
        if self.compare.is_none() {
            return true;
        }
        // A frame's budget may stop a run between two events of one simulated time: both runs
        // finish their time's events, so "at the same time" means the same events processed
        // (else identical runs would differ in `events` and `trace_hash`).
        let now = self.session.engine().now();
        self.session.run_to(now);
        let Some(b) = self.compare.as_mut() else {
            return true;
        };
        b.session.set_animate(false);
        b.session.advance(now, budget_ms, chunk, clock);
        let caught_up = b.session.engine().now() >= now;
        if caught_up {
            b.session.run_to(now);
        }
        b.session.absorb();
        b.timeline.observe(&mut b.session);
        caught_up
    }
}
