//! The leader's memory of each follower's previous fetch, so that a follower fetch costs the
//! partitions that changed rather than all the partitions the follower replicates from here.
//!
//! Kafka's leader handles every partition of a follower's fetch session on every fetch
//! (`FetchSession.scala` iterates the session's partitions, then `Partition.updateFollowerFetchState`
//! and `Replica.updateFetchStateOrThrow` update each one). For a partition that is *quiet* —
//! the follower is in the ISR and at the log end, has the current high watermark, and nothing
//! in the request or in the partition's state changed since — that work changes only two
//! times: the follower's `lastCaughtUpTimeMs` and `lastFetchTimeMs` both become the time of
//! the fetch (the offset is at the log end, so the first branch of `updateFetchStateOrThrow`).
//! Its fetch response leaves the partition out (KIP-227: no data, no error, same high
//! watermark), and it adds nothing to `fetch.min.bytes`.
//!
//! So the simulator skips quiet partitions and keeps their two times implicit: a
//! [`FollowerState`] marked `quiet` has both times equal to its follower session's
//! `last_fetch` ([`caught_up_time`]). Whatever reads them sees the same values as if every
//! partition had been handled; before a quiet partition is handled again (something changed)
//! or leaves the session, its times are written back. Requests stay as Kafka's full fetch
//! requests (same bytes); only the simulator's work per fetch shrinks.

use super::{FollowerState, ReplicaState, Role};
use crate::engine::ids::BrokerId;
use crate::engine::ids::TopicPartition;
use crate::engine::log::PartitionLog;
use crate::engine::protocol::FetchPartition;
use crate::engine::time::SimTime;
use crate::engine::tp_map::TpMap;
use crate::engine::vec_map::VecMap;

/// What a quiet partition's handling depends on, on the leader's side: a change in any of them
/// (an append, a high watermark move, a new leader epoch, a committed ISR change, losing the
/// leadership) makes the partition handled again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    leader_epoch: u32,
    partition_epoch: u32,
    log_end_offset: u64,
    high_watermark: u64,
}

/// The fingerprint of a partition this broker leads; `None` when it does not lead it.
pub(super) fn fingerprint(
    replicas: &TpMap<ReplicaState>,
    logs: &TpMap<PartitionLog>,
    tp: TopicPartition,
) -> Option<Fingerprint> {
    fingerprint_of(replicas.get(&tp)?, logs.get(&tp)?)
}

/// The fingerprint of replica `r` with log `log`, if it is the leader.
pub(super) fn fingerprint_of(r: &ReplicaState, log: &PartitionLog) -> Option<Fingerprint> {
    (r.role == Role::Leader).then(|| Fingerprint {
        leader_epoch: r.leader_epoch,
        partition_epoch: r.partition_epoch,
        log_end_offset: log.log_end_offset(),
        high_watermark: log.high_watermark(),
    })
}

/// Fetches of fewer partitions than this are handled whole: keeping a session costs more than
/// it saves when a follower fetches a few partitions from each leader (e.g. 30 brokers ×
/// 1,000 partitions, RF 3: 2–3 per fetch). Debug builds (the tests) keep a session for every
/// fetch, so that every test run checks the skipping (`BrokerProcess::check_quiet`) on all of
/// its follower fetches; both ways give the same run.
pub const MIN_SESSION_PARTITIONS: usize = if cfg!(debug_assertions) { 1 } else { 32 };

/// What the answer to a follower's fetch tells its session about one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Settle {
    /// Skipped and still quiet.
    StillQuiet(Fingerprint),
    /// Handled, and quiet from now on.
    NowQuiet(Fingerprint),
    /// Skipped on arrival, but changed since and not quiet any more.
    Stirred,
}

/// A quiet partition of a follower's previous fetch: skipped while the follower asks for it
/// the same way and its state keeps the same fingerprint.
#[derive(Clone, Debug, PartialEq)]
struct SessionEntry {
    /// The partition as the follower asked for it.
    asked: FetchPartition,
    /// The partition's state when it was last handled or skipped.
    print: Fingerprint,
}

/// What the leader keeps of one follower's fetches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FollowerSession {
    /// When the follower's last fetch was handled: the caught-up and fetch time of every
    /// partition quiet since.
    last_fetch: SimTime,
    /// The quiet partitions of that fetch, in request order (by partition).
    entries: Vec<SessionEntry>,
    /// The fetch handled and not answered yet, if any.
    pending: Option<u64>,
    /// Whether the answer to that fetch records its quiet partitions (not for small fetches).
    tracking: bool,
    /// Partitions of this follower's fetches handled, and skipped as quiet (for the tests).
    pub(super) handled: u64,
    pub(super) skipped: u64,
}

/// The follower sessions of one leader, by follower.
pub type FollowerSessions = VecMap<BrokerId, FollowerSession>;

/// The follower's last caught-up time for a partition (`lastCaughtUpTimeMs`), quiet or not.
pub fn caught_up_time(
    sessions: &FollowerSessions,
    follower: BrokerId,
    f: &FollowerState,
) -> SimTime {
    match sessions.get(&follower) {
        Some(s) if f.quiet => s.last_fetch,
        _ => f.last_caught_up,
    }
}

/// Writes a quiet partition's implicit times back into its follower state.
pub(super) fn write_back(
    replicas: &mut TpMap<ReplicaState>,
    tp: TopicPartition,
    follower: BrokerId,
    at: SimTime,
) {
    if let Some(f) = replicas
        .get_mut(&tp)
        .and_then(|r| r.followers.get_mut(&follower))
    {
        if f.quiet {
            f.last_caught_up = at;
            f.last_fetch_time = at;
            f.quiet = false;
        }
    }
}

/// A follower fetch arrives at `now`: returns the request's partitions that are quiet (their
/// index and fingerprint), which need no handling; writes back the times of quiet partitions
/// that are not (any more). From here on, the session's quiet partitions were fetched at `now`.
pub(super) fn skip_quiet(
    sessions: &mut FollowerSessions,
    replicas: &mut TpMap<ReplicaState>,
    logs: &TpMap<PartitionLog>,
    follower: BrokerId,
    now: SimTime,
    asked: &[FetchPartition],
) -> Vec<(u32, Fingerprint)> {
    let mut quiet = Vec::new();
    let s = sessions.get_or_insert_with(follower, FollowerSession::default);
    let previous = s.last_fetch;
    let small = asked.len() < MIN_SESSION_PARTITIONS;
    if small || s.pending.is_some() || !asked.windows(2).all(|w| w[0].tp < w[1].tp) {
        // A small fetch, a second fetch before the first is answered, or a request out of
        // order: no shortcut; every partition is handled.
        for e in s.entries.drain(..) {
            write_back(replicas, e.asked.tp, follower, previous);
        }
        s.tracking = !small;
        s.last_fetch = now;
        s.handled += asked.len() as u64;
        return quiet;
    }
    s.tracking = true;
    quiet.reserve_exact(s.entries.len());
    let mut kept = s.entries.iter().peekable();
    for (i, p) in asked.iter().enumerate() {
        while let Some(e) = kept.next_if(|e| e.asked.tp < p.tp) {
            // No longer fetched: its times stay those of the previous fetch.
            write_back(replicas, e.asked.tp, follower, previous);
        }
        let Some(e) = kept.next_if(|e| e.asked.tp == p.tp) else {
            continue;
        };
        if e.asked == *p && fingerprint(replicas, logs, p.tp) == Some(e.print) {
            quiet.push((i as u32, e.print));
        } else {
            write_back(replicas, p.tp, follower, previous);
        }
    }
    for e in kept {
        write_back(replicas, e.asked.tp, follower, previous);
    }
    s.last_fetch = now;
    s.skipped += quiet.len() as u64;
    s.handled += (asked.len() - quiet.len()) as u64;
    quiet
}

impl FollowerSession {
    /// The fetch `correlation_id` of this session was handled.
    pub(super) fn handled(&mut self, correlation_id: u64) {
        self.pending = Some(correlation_id);
    }

    /// Whether the answer to `correlation_id` should find out which partitions are quiet.
    pub(super) fn tracks(&self, correlation_id: u64) -> bool {
        self.tracking && self.pending == Some(correlation_id)
    }

    /// Whether the answer to `correlation_id` may record the session's new entries (then the
    /// old ones are dropped).
    pub(super) fn answering(&mut self, correlation_id: u64) -> bool {
        let current = self.pending == Some(correlation_id);
        if current {
            self.pending = None;
        }
        let record = current && self.tracking;
        if record {
            self.entries.clear();
        }
        record
    }

    /// Records a quiet partition of the fetch being answered (in request order).
    pub(super) fn record_quiet(&mut self, asked: &FetchPartition, print: Fingerprint) {
        self.entries.push(SessionEntry {
            asked: asked.clone(),
            print,
        });
    }

    /// When the fetch being answered was handled.
    pub(super) fn last_fetch(&self) -> SimTime {
        self.last_fetch
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::ProducerConfig;
    use crate::engine::scenario::{KeyDistribution, Scenario};
    use crate::engine::time::ms;
    use crate::engine::Engine;

    /// Partitions handled and skipped in follower fetches, over every leader.
    fn counts(e: &Engine) -> (u64, u64) {
        let mut out = (0, 0);
        for b in e.brokers() {
            for (_, s) in b.process().expect("running").fetch_sessions.iter() {
                out.0 += s.handled;
                out.1 += s.skipped;
            }
        }
        out
    }

    /// 3 brokers, 1,000 partitions (RF 3), one key written: each follower fetches about 333
    /// partitions from each leader, and one of them changes. Once the cluster has settled, a
    /// fetch handles the partition that changed, not all 333.
    #[test]
    fn a_follower_fetch_handles_the_partitions_that_changed() {
        let mut s = Scenario::cluster(3, 3, 3_000)
            .with_topic("t", 1_000, 3)
            .with_producer("p", "t", 2_000.0, 200, ProducerConfig::default());
        s.producers[0].keys = KeyDistribution::Uniform { keys: 1 };
        let mut e = Engine::new(&s);
        e.run_until(ms(1_000), u64::MAX);
        let (handled0, skipped0) = counts(&e);
        e.run_until(ms(3_000), u64::MAX);
        let (handled, skipped) = counts(&e);
        let (handled, skipped) = (handled - handled0, skipped - skipped0);
        let fetches = (handled + skipped) as f64 / 333.0;
        assert!(fetches > 500.0, "{fetches:.0} follower fetches");
        let per_fetch = handled as f64 / fetches;
        // Handling every partition of every fetch would be 333 per fetch.
        assert!(
            per_fetch < 2.0,
            "{per_fetch:.2} partitions handled per fetch of about 333"
        );
    }
}
