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
//! [`CHECKPOINT_BUDGET_BYTES`] together. A checkpoint is a clone of the session, but the
//! replicas' logs keep their older batches in shared chunks ([`SharedDeque`]), so a checkpoint
//! costs the batches written since the one before it (and the few newest), not a copy of every
//! log: what the checkpoints hold together is about the batches of the time they span, up to
//! the engine's retention (README, Timeline).
//!
//! [`SharedDeque`]: crate::engine::shared_deque::SharedDeque

use std::rc::Rc;

use crate::engine::metrics::Sample;
use crate::engine::protocol::RecordBatch;
use crate::engine::scenario::Scenario;
use crate::engine::shared_deque::CHUNK;
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
    /// The log chunks it shares (identities, sorted).
    chunks: Vec<usize>,
    /// What it holds alone: the logs' newest batches and the rest of the session.
    own_bytes: usize,
    /// What keeping it costs: `own_bytes` and the chunks the next checkpoint no longer holds
    /// (the last one: none, it shares them all with the run).
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

/// The part of a session that does not grow with its logs (estimate, calibrated with
/// `examples/checkpoint_memory.rs` on the reference workload: a clone of the session after a
/// simulated hour allocates 2.75 MB, of which this is what the other terms do not count).
const BASE_BYTES: usize = 3 << 19;

/// Bytes of one shared chunk of a log.
const CHUNK_BYTES: usize = CHUNK * std::mem::size_of::<RecordBatch>();

/// `s`'s log chunks (sorted identities) and the bytes it holds alone.
fn sharing(s: &Session) -> (Vec<usize>, usize) {
    let mut chunks = Vec::new();
    let mut alone = 0;
    for b in s.engine().brokers() {
        for l in b.disk().logs.values() {
            let (ids, tail) = l.batch_sharing();
            chunks.extend(ids);
            alone += tail;
        }
    }
    chunks.sort_unstable();
    let samples = std::mem::size_of_val(s.engine().metrics().samples());
    // A clone holds a pointer to each shared chunk.
    let pointers = chunks.len() * std::mem::size_of::<std::sync::Arc<[RecordBatch]>>();
    (
        chunks,
        alone * std::mem::size_of::<RecordBatch>() + samples + pointers + BASE_BYTES,
    )
}

/// What a clone of `s` holds alone (estimate): its logs' newest batches, its chart samples and
/// the rest of the session; the older batches are shared.
pub fn clone_bytes(s: &Session) -> usize {
    sharing(s).1
}

/// How many of `a`'s (sorted) identities are not in `b` (sorted).
fn missing_from(a: &[usize], b: &[usize]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() {
        if j == b.len() || a[i] < b[j] {
            n += 1;
            i += 1;
        } else if a[i] == b[j] {
            i += 1;
            j += 1;
        } else {
            j += 1;
        }
    }
    n
}

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
    /// Most bytes the checkpoints may hold ([`CHECKPOINT_BUDGET_BYTES`]; smaller in tests).
    budget: usize,
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
            budget: CHECKPOINT_BUDGET_BYTES,
        }
    }

    /// A timeline whose checkpoints hold at most `bytes` (the page uses
    /// [`CHECKPOINT_BUDGET_BYTES`]).
    pub fn with_budget(session: &Session, bytes: usize) -> Self {
        Timeline {
            budget: bytes,
            ..Timeline::new(session)
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
            self.recost();
            self.thin();
        }
    }

    /// Drops old checkpoints past [`MAX_CHECKPOINTS`]: the one whose neighbours are closest
    /// (never the first nor the last [`RECENT`]).
    fn thin(&mut self) {
        // Over the byte budget: the oldest goes (after the one at time zero). The recent ones
        // share their chunks with the run and cost little; an old one holds batches the logs
        // have since deleted, so dropping the oldest frees the most and keeps going back a
        // minute or two cheap.
        while self.checkpoint_bytes() > self.budget && self.checkpoints.len() > 2 {
            self.checkpoints.remove(1);
            self.recost();
        }
        while self.checkpoints.len() > MAX_CHECKPOINTS {
            let last = self.checkpoints.len() - RECENT;
            let Some(i) =
                (1..last).min_by_key(|&i| self.checkpoints[i + 1].at - self.checkpoints[i - 1].at)
            else {
                return;
            };
            self.checkpoints.remove(i);
            self.recost();
        }
    }

    /// Recomputes what each checkpoint costs: its own bytes, and the chunks it holds that the
    /// next one no longer does (a log only grows at the end and is cut at the front, so a chunk
    /// held by two checkpoints is held by those between them: counting each chunk at the last
    /// checkpoint holding it counts it once).
    fn recost(&mut self) {
        for i in 0..self.checkpoints.len() {
            let shared_on = match self.checkpoints.get(i + 1) {
                Some(next) => missing_from(&self.checkpoints[i].chunks, &next.chunks),
                None => 0,
            };
            let c = &mut self.checkpoints[i];
            c.bytes = c.own_bytes + shared_on * CHUNK_BYTES;
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

    /// What the checkpoints hold beyond the run itself, estimated: each one's newest batches
    /// and the log chunks no later checkpoint shares (the record batches dominate; checked
    /// against a counting allocator by `examples/checkpoint_memory.rs`).
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
        self.recost();
        self.moments.retain(|m| m.at <= now);
        self.seen = now;
        self.end = now;
        self.version += 1;
    }
}

fn checkpoint(session: &Session) -> Checkpoint {
    let mut s = session.clone();
    s.set_animate(false);
    let (chunks, own_bytes) = sharing(&s);
    Checkpoint {
        at: s.engine().now(),
        chunks,
        own_bytes,
        bytes: own_bytes,
        session: s,
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
