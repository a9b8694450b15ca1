//! The timeline (issue 17): checkpoints of the session every few simulated seconds, so the page
//! can go back to any time of the run so far and show the cluster, charts, audit and event log
//! as they were; markers for faults, interventions, elections and rebalances; and branches — a
//! change made at a rewound time continues as a new run while the old future is kept (branch A)
//! to be drawn as a ghost.
//!
//! Going back to `t` clones the last checkpoint at or before `t` and replays from it: the
//! engine is deterministic, so the state is the one the run had at `t`, bit for bit, and
//! playing on from there without a change is the same run (the commands recorded after the
//! checkpoint are replayed as they were, see [`Session::continue_as`]).
//!
//! Memory is bounded: at most [`MAX_CHECKPOINTS`] checkpoints; past that, older ones are thinned
//! (the one whose neighbours are closest goes), the last [`RECENT`] are kept at full density, so
//! jumping back a minute replays at most [`CHECKPOINT_EVERY`] of simulated time. And at most
//! [`CHECKPOINT_BUDGET_BYTES`] together: a checkpoint is a full copy of the session, whose logs
//! grow with the run (up to the engine's retention), so on long runs of a busy cluster fewer
//! checkpoints fit, spread over the run, and a jump back replays from further away (README,
//! Timeline).

use std::rc::Rc;

use crate::engine::metrics::Sample;
use crate::engine::protocol::RecordBatch;
use crate::engine::scenario::Scenario;
use crate::engine::time::{SimTime, SECONDS};

use super::session::{Moment, Session};

/// Simulated time between two checkpoints.
pub const CHECKPOINT_EVERY: SimTime = 5 * SECONDS;
/// Most checkpoints kept (the first, at time zero, always).
pub const MAX_CHECKPOINTS: usize = 48;
/// The most recent checkpoints never thinned (80 s at [`CHECKPOINT_EVERY`]: a jump back of a minute replays at most one interval).
pub const RECENT: usize = 16;
/// Most bytes the checkpoints may hold together (estimated, see [`approx_bytes`]); past it the
/// oldest are dropped (never the one at time zero nor the newest).
pub const CHECKPOINT_BUDGET_BYTES: usize = 256 << 20;
/// Most markers kept on a branch (the timeline draws a few hundred pixels).
pub const MAX_MOMENTS: usize = 4_000;

/// The future a branch left behind: what the charts draw as a ghost.
#[derive(Clone, Debug, PartialEq)]
pub struct Ghost {
    /// Where the branch left it (simulated time).
    pub from: SimTime,
    /// How far that run had gone.
    pub end: SimTime,
    /// Its chart samples (the whole run, up to `end`).
    pub samples: Rc<Vec<Sample>>,
    /// Its scenario (with the interventions of its future).
    pub scenario: Rc<Scenario>,
}

/// A saved state of the session.
#[derive(Clone, Debug)]
struct Checkpoint {
    at: SimTime,
    session: Session,
    bytes: usize,
}

/// A session's size in bytes, estimated from what dominates it: the record batches in the
/// replicas' logs (each a [`RecordBatch`] in a `VecDeque`), plus a fixed part for the rest
/// (checked against a counting allocator by `examples/checkpoint_memory.rs`).
pub fn approx_bytes(s: &Session) -> usize {
    let batches: usize = s
        .engine()
        .brokers()
        .iter()
        .map(|b| {
            b.disk()
                .logs
                .values()
                .map(|l| l.batch_count())
                .sum::<usize>()
        })
        .sum();
    batches * std::mem::size_of::<RecordBatch>() + BASE_BYTES
}

/// The part of a session that does not grow with its logs (estimate).
const BASE_BYTES: usize = 1 << 20;

/// The timeline of the run shown.
#[derive(Clone, Debug)]
pub struct Timeline {
    checkpoints: Vec<Checkpoint>,
    /// How far this branch has run.
    end: SimTime,
    /// Markers, oldest first.
    moments: Vec<Moment>,
    /// Moments up to this time are already in `moments`.
    seen: SimTime,
    /// The run at `end`, kept while the page shows an earlier time.
    head: Option<Box<Session>>,
    /// The future the last branch left behind.
    ghost: Option<Ghost>,
    /// Bumped whenever what the scrubber draws changes (markers, branch).
    version: u64,
}

impl Timeline {
    /// The timeline of `session` (just started).
    pub fn new(session: &Session) -> Self {
        Timeline {
            checkpoints: vec![checkpoint(session)],
            end: session.engine().now(),
            moments: Vec::new(),
            seen: 0,
            head: None,
            ghost: None,
            version: 0,
        }
    }

    /// Takes note of the session after a frame: new markers, how far the run got, and a
    /// checkpoint when one is due.
    pub fn observe(&mut self, session: &mut Session) {
        let now = session.engine().now();
        let fresh = session.take_moments();
        let before = self.moments.len();
        self.moments
            .extend(fresh.into_iter().filter(|m| m.at > self.seen));
        if self.moments.len() > MAX_MOMENTS {
            let extra = self.moments.len() - MAX_MOMENTS;
            self.moments.drain(..extra);
        }
        if self.moments.len() != before {
            self.version += 1;
        }
        self.seen = self.seen.max(now);
        if now >= self.end {
            // Caught up with the head (the same run, replayed): this session is the head.
            self.end = now;
            self.head = None;
        }
        let last = self.checkpoints.last().map(|c| c.at).unwrap_or(0);
        if now >= last + CHECKPOINT_EVERY {
            self.checkpoints.push(checkpoint(session));
            self.thin();
        }
    }

    /// Drops old checkpoints past [`MAX_CHECKPOINTS`]: the one whose neighbours are closest
    /// (never the first nor the last [`RECENT`]).
    fn thin(&mut self) {
        // Over the byte budget: the one whose neighbours are closest goes, so those left stay
        // spread over the run (the first and the newest are kept whatever they cost).
        while self.checkpoint_bytes() > CHECKPOINT_BUDGET_BYTES && self.checkpoints.len() > 2 {
            let last = self.checkpoints.len() - 1;
            let Some(i) =
                (1..last).min_by_key(|&i| self.checkpoints[i + 1].at - self.checkpoints[i - 1].at)
            else {
                break;
            };
            self.checkpoints.remove(i);
        }
        while self.checkpoints.len() > MAX_CHECKPOINTS {
            let last = self.checkpoints.len() - RECENT;
            let Some(i) =
                (1..last).min_by_key(|&i| self.checkpoints[i + 1].at - self.checkpoints[i - 1].at)
            else {
                return;
            };
            self.checkpoints.remove(i);
        }
    }

    /// How far this branch has run.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Whether the page shows an earlier time than the run's end.
    pub fn rewound(&self) -> bool {
        self.head.is_some()
    }

    /// The markers.
    pub fn moments(&self) -> &[Moment] {
        &self.moments
    }

    /// The future the last branch left behind.
    pub fn ghost(&self) -> Option<&Ghost> {
        self.ghost.as_ref()
    }

    /// Keeps `g` as branch A (a share link's branch, replayed).
    pub fn set_ghost(&mut self, g: Ghost) {
        self.ghost = Some(g);
        self.version += 1;
    }

    /// Bumped whenever the markers or the branches change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The checkpoints' estimated bytes together ([`approx_bytes`]).
    pub fn checkpoint_bytes(&self) -> usize {
        self.checkpoints.iter().map(|c| c.bytes).sum()
    }

    /// The checkpoints' times.
    pub fn checkpoint_times(&self) -> Vec<SimTime> {
        self.checkpoints.iter().map(|c| c.at).collect()
    }

    /// Puts `session` at simulated time `t` (clamped to the run so far): the run as it was then.
    pub fn seek(&mut self, session: &mut Session, t: SimTime) {
        let t = t.min(self.end);
        if self.head.is_none() {
            if t >= session.engine().now() {
                return;
            }
            self.head = Some(Box::new(session.clone()));
        }
        if t >= self.end {
            if let Some(h) = self.head.take() {
                *session = *h;
            }
            return;
        }
        let Some(head) = self.head.as_deref() else {
            return;
        };
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.at <= t)
            .unwrap_or(&self.checkpoints[0]);
        let now = session.engine().now();
        // Forward from where the page is, when no checkpoint is closer.
        if now <= t && now >= cp.at {
            session.run_to(t);
            return;
        }
        let mut s = cp.session.clone();
        s.continue_as(head);
        s.run_to(t);
        *session = s;
    }

    /// Starts a new branch at the session's time (the page shows an earlier time and the user
    /// changes something): the old future is kept as the ghost, what the run had not reached
    /// leaves the scenario, and checkpoints and markers after now are dropped.
    pub fn branch(&mut self, session: &mut Session) {
        let Some(head) = self.head.take() else {
            return;
        };
        let now = session.engine().now();
        self.ghost = Some(Ghost {
            from: now,
            end: self.end,
            samples: Rc::new(head.engine().metrics().samples().to_vec()),
            scenario: Rc::new(head.scenario().clone()),
        });
        session.drop_future();
        self.checkpoints.retain(|c| c.at <= now);
        self.moments.retain(|m| m.at <= now);
        self.seen = now;
        self.end = now;
        self.version += 1;
    }
}

fn checkpoint(session: &Session) -> Checkpoint {
    let mut s = session.clone();
    s.set_animate(false);
    Checkpoint {
        at: s.engine().now(),
        bytes: approx_bytes(&s),
        session: s,
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
