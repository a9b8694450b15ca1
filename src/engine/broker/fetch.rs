//! Fetch handling at the leader, for followers and consumers: leader-epoch fencing (KIP-320),
//! divergence detection for follower truncation (KIP-101 via the fetch path), reads bounded by
//! the high watermark for consumers, and long polling (`fetch.min.bytes` / `fetch.max.wait.ms`).

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::ids::NodeId;
use crate::engine::log::PartitionLog;
use crate::engine::protocol::{
    ErrorCode, FetchPartition, FetchPartitionData, Message, ReadCommittedData,
};
use crate::engine::time::ms;
use crate::engine::timer::BrokerTimer;

use super::fetch_session::{self, fingerprint, Settle};

/// Whether `tp` belongs to an internal topic (whose batches carry payloads).
fn internal(ctx: &Ctx<BrokerTimer>, tp: TopicPartition) -> bool {
    ctx.topics.get(tp.topic).is_some_and(|t| t.internal)
}

/// A replica hosted by this process: its in-memory state and its log.
#[derive(Clone, Copy)]
struct Hosted<'a> {
    state: &'a ReplicaState,
    log: &'a PartitionLog,
}

impl BrokerProcess {
    fn hosted(&self, tp: &TopicPartition) -> Option<Hosted<'_>> {
        Some(Hosted {
            state: self.replicas.get(tp)?,
            log: self.disk.logs.get(tp)?,
        })
    }

    /// KIP-392: a follower serves consumers too.
    #[cold]
    fn serves_consumers(r: Hosted) -> bool {
        matches!(r.state.role, Role::Follower(_))
    }

    /// KIP-392: whether some partition of a consumer's fetch goes to a preferred read replica.
    #[cold]
    fn redirects_any(&self, req: &FetchRequest) -> bool {
        req.partitions.iter().any(|p| {
            self.hosted(&p.tp).is_some_and(|r| {
                Self::partition_error(Some(r), p, false, true) == ErrorCode::None
                    && self.read_replica_for(r, req, p).is_some()
            })
        })
    }

    /// KIP-392: the follower a consumer's fetch of `p` should go to instead of this leader.
    fn read_replica_for(
        &self,
        r: Hosted,
        req: &FetchRequest,
        p: &FetchPartition,
    ) -> Option<BrokerId> {
        req.rack_id?;
        super::read_replica::preferred_read_replica(
            &self.disk,
            &self.fetch_sessions,
            self.id,
            r.state,
            req.rack_id,
            p.fetch_offset,
        )
    }

    pub(super) fn handle_fetch(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        from: NodeId,
        mut req: FetchRequest,
    ) {
        // Followers' fetch offsets update their state at the leader right away; partitions
        // quiet in the follower's session need nothing (fetch_session.rs).
        let sessions = self.fetch_sessions_in_use
            || req.partitions.len() >= fetch_session::MIN_SESSION_PARTITIONS;
        if let (Some(follower), true) = (req.replica_id, sessions) {
            self.fetch_sessions_in_use = true;
            req.quiet = fetch_session::skip_quiet(
                &mut self.fetch_sessions,
                &mut self.replicas,
                &self.disk.logs,
                follower,
                ctx.now,
                &req.partitions,
            );
            if req.quiet.is_empty() {
                for p in &req.partitions {
                    self.follower_fetched(ctx, follower, p);
                }
            } else {
                #[cfg(debug_assertions)]
                self.check_quiet(follower, &req);
                let mut quiet = req.quiet.iter().peekable();
                for (i, p) in req.partitions.iter().enumerate() {
                    if quiet.next_if(|q| q.0 as usize == i).is_none() {
                        self.follower_fetched(ctx, follower, p);
                    }
                }
            }
            if let Some(s) = self.fetch_sessions.get_mut(&follower) {
                s.handled(req.correlation_id);
            }
        } else if let Some(follower) = req.replica_id {
            // No follower of this leader has fetched enough partitions for a session yet.
            for p in &req.partitions {
                self.follower_fetched(ctx, follower, p);
            }
        }
        if req.max_wait_ms == 0 || self.fetch_ready(&req) {
            self.answer_fetch(ctx, from, &req);
        } else {
            let id = self.next_id();
            let deadline = ctx.now.saturating_add(ms(req.max_wait_ms));
            self.parked_fetches.insert(id, from, req, deadline);
            self.arm_fetch_wait(ctx, deadline);
        }
    }

    /// A follower fetched `p`: in the leader's epoch and not diverging, its fetch offset updates
    /// its state here.
    #[inline(always)]
    fn follower_fetched(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        follower: BrokerId,
        p: &FetchPartition,
    ) {
        let ok = self.hosted(&p.tp).is_some_and(|r| {
            r.state.role == Role::Leader
                && p.current_leader_epoch == r.state.leader_epoch
                && Self::divergence_in(r, p).is_none()
        });
        if ok {
            self.on_follower_fetch(ctx, p.tp, follower, p.fetch_offset);
        }
    }

    fn arm_fetch_wait(&mut self, ctx: &mut Ctx<BrokerTimer>, deadline: SimTime) {
        if self.fetch_wait_timer.arm(deadline) {
            ctx.timer_at(deadline, BrokerTimer::FetchWait);
        }
    }

    /// The fetch-wait timer fired: answers every parked fetch whose `max_wait_ms` is over (in
    /// the order they were parked) and re-arms for the next.
    pub(super) fn on_fetch_wait_timer(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if !self.fetch_wait_timer.fire(ctx.now) {
            return;
        }
        for id in self.parked_fetches.due(ctx.now) {
            if let Some((from, req, _)) = self.parked_fetches.remove(id) {
                self.answer_fetch(ctx, from, &req);
            }
        }
        if let Some(next) = self.parked_fetches.earliest_deadline() {
            self.arm_fetch_wait(ctx, next);
        }
    }

    /// Where a follower's log diverges from this leader's replica `r` (KIP-101 via
    /// `lastFetchedEpoch`), if it does.
    fn divergence_in(
        r: Hosted,
        p: &FetchPartition,
    ) -> Option<crate::engine::protocol::DivergingEpoch> {
        r.log.divergence(p.last_fetched_epoch?, p.fetch_offset)
    }

    /// The error for one partition of a fetch, given the replica hosted here (if any) and
    /// whether the fetching follower's log diverges (then its offset is not range-checked: the
    /// answer tells it where to truncate). A consumer may fetch from a follower too (KIP-392:
    /// Kafka's `fetchOnlyFromLeader` is false for consumers sending client metadata); the
    /// follower checks the leader epoch as a leader would and serves below its own HW.
    ///
    /// The leader epoch is checked before the role, as `Partition.getLocalLog` does: a follower
    /// still fetching with an older epoch from a replica that has since become a follower is
    /// told FENCED_LEADER_EPOCH, not NOT_LEADER_OR_FOLLOWER.
    fn partition_error(
        r: Option<Hosted>,
        p: &FetchPartition,
        diverging: bool,
        consumer: bool,
    ) -> ErrorCode {
        let Some(r) = r else {
            return ErrorCode::NotLeaderOrFollower;
        };
        if p.current_leader_epoch < r.state.leader_epoch {
            return ErrorCode::FencedLeaderEpoch;
        }
        if p.current_leader_epoch > r.state.leader_epoch {
            return ErrorCode::UnknownLeaderEpoch;
        }
        if r.state.role != Role::Leader && !(consumer && Self::serves_consumers(r)) {
            return ErrorCode::NotLeaderOrFollower;
        }
        if !diverging {
            let upper = r.log.log_end_offset();
            if p.fetch_offset > upper || p.fetch_offset < r.log.log_start_offset() {
                return ErrorCode::OffsetOutOfRange;
            }
        }
        ErrorCode::None
    }

    /// Whether the fetch should be answered now: some partition has an error, or at least
    /// `min_bytes` (at least 1) are ready (Kafka's `DelayedFetch.tryComplete`). Stops looking
    /// as soon as the answer is known.
    fn fetch_ready(&self, req: &FetchRequest) -> bool {
        if req.rack_id.is_some() && self.redirects_any(req) {
            // A preferred read replica is answered at once (`ReplicaManager.fetchMessages`).
            return true;
        }
        if req.quiet.is_empty() {
            return self.ready_over(req, req.partitions.iter());
        }
        // Quiet partitions that are still so have no error and nothing to read.
        let mut quiet = req.quiet.iter().peekable();
        let changed = req.partitions.iter().enumerate().filter_map(|(i, p)| {
            match quiet.next_if(|q| q.0 as usize == i) {
                Some(&(_, print))
                    if fingerprint(&self.replicas, &self.disk.logs, p.tp) == Some(print) =>
                {
                    None
                }
                _ => Some(p),
            }
        });
        self.ready_over(req, changed)
    }

    /// [`Self::fetch_ready`] over `partitions` of `req`.
    #[inline]
    fn ready_over<'a>(
        &self,
        req: &FetchRequest,
        partitions: impl Iterator<Item = &'a FetchPartition>,
    ) -> bool {
        let follower = req.replica_id.is_some();
        let need = req.min_bytes.max(1);
        let mut bytes = 0;
        for p in partitions {
            let r = self.hosted(&p.tp);
            let diverging = follower && r.is_some_and(|r| Self::divergence_in(r, p).is_some());
            if diverging || Self::partition_error(r, p, diverging, !follower) != ErrorCode::None {
                return true;
            }
            if let Some(r) = r {
                let upper = if follower {
                    r.log.log_end_offset()
                } else if req.read_committed {
                    r.log.last_stable_offset()
                } else {
                    r.log.high_watermark()
                };
                // Only whether `need` is reached matters: count no further than that.
                let cap = p.partition_max_bytes.min(need - bytes);
                bytes += r.log.bytes_available(p.fetch_offset, upper, cap);
                if bytes >= need {
                    return true;
                }
            }
        }
        false
    }

    /// Builds and sends the fetch response from the current logs.
    pub(super) fn answer_fetch(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        to: NodeId,
        req: &FetchRequest,
    ) {
        // What the follower's session learns from this answer (fetch_session.rs): only for a
        // fetch that tracks its quiet partitions. A fetch that does not is answered by a copy
        // of this function without that bookkeeping.
        let session_time = req
            .replica_id
            .filter(|_| self.fetch_sessions_in_use)
            .and_then(|f| self.fetch_sessions.get(&f))
            .filter(|s| s.tracks(req.correlation_id))
            .map(|s| s.last_fetch());
        if session_time.is_some() || !req.quiet.is_empty() {
            self.answer::<true>(ctx, to, req, session_time)
        } else {
            self.answer::<false>(ctx, to, req, None)
        }
    }

    /// [`Self::answer_fetch`]; `TRACKED`: the follower's session learns from it.
    #[inline(always)]
    fn answer<const TRACKED: bool>(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        to: NodeId,
        req: &FetchRequest,
        session_time: Option<SimTime>,
    ) {
        let follower = req.replica_id.is_some();
        let mut budget = req.max_bytes.max(1);
        let mut out = Vec::with_capacity(req.partitions.len() - req.quiet.len());
        let mut hw_sent = std::mem::take(&mut self.tp_hw_scratch);
        hw_sent.clear();
        let mut settle = std::mem::take(&mut self.settle_scratch);
        settle.clear();
        let mut quiet = req.quiet.iter().peekable();
        for (i, p) in req.partitions.iter().enumerate() {
            let skipped = if TRACKED {
                quiet.next_if(|q| q.0 as usize == i).map(|q| q.1)
            } else {
                None
            };
            if let Some(print) = skipped {
                if fingerprint(&self.replicas, &self.disk.logs, p.tp) == Some(print) {
                    // Still quiet: left out of the answer, as it would be (no data, no error,
                    // the high watermark it has).
                    settle.push((i as u32, Settle::StillQuiet(print)));
                    continue;
                }
            }
            let r = self.hosted(&p.tp);
            let diverging_epoch = if follower {
                r.and_then(|r| Self::divergence_in(r, p))
            } else {
                None
            };
            let error = Self::partition_error(r, p, diverging_epoch.is_some(), !follower);
            let mut data = FetchPartitionData {
                tp: p.tp,
                error,
                high_watermark: 0,
                log_start_offset: 0,
                batches: Vec::new(),
                diverging_epoch: None,
                payloads: Vec::new(),
                preferred_read_replica: None,
                read_committed: None,
            };
            if let Some(r) = r {
                data.high_watermark = r.log.high_watermark();
                data.log_start_offset = r.log.log_start_offset();
                if req.rack_id.is_some() && error == ErrorCode::None {
                    data.preferred_read_replica = self.read_replica_for(r, req, p);
                }
                if error == ErrorCode::None {
                    data.diverging_epoch = diverging_epoch;
                    if data.diverging_epoch.is_none()
                        && data.preferred_read_replica.is_none()
                        && budget > 0
                    {
                        let upper = if follower {
                            r.log.log_end_offset()
                        } else if req.read_committed {
                            r.log.last_stable_offset()
                        } else {
                            r.log.high_watermark()
                        };
                        let max = p.partition_max_bytes.min(budget);
                        data.batches = r.log.read(p.fetch_offset, max, upper);
                        if req.read_committed {
                            // `UnifiedLog.collectAbortedTransactions` for the range returned.
                            let end = data
                                .batches
                                .last()
                                .map_or(p.fetch_offset, |b| b.next_offset());
                            data.read_committed = Some(Box::new(ReadCommittedData {
                                last_stable_offset: upper,
                                aborted: r.log.aborted_between(p.fetch_offset, end),
                            }));
                        }
                        if let (Some(first), Some(last)) =
                            (data.batches.first(), data.batches.last())
                        {
                            if internal(ctx, p.tp) {
                                data.payloads = r
                                    .log
                                    .payloads_between(first.base_offset, last.next_offset());
                            }
                        }
                        let size: u64 = data.batches.iter().map(|b| b.bytes as u64).sum();
                        budget = budget.saturating_sub(size);
                    }
                }
                if let (Some(f), None) = (req.replica_id, data.diverging_epoch) {
                    // KIP-227: a follower's session leaves out partitions with nothing new.
                    let state = r.state.followers.get(&f);
                    let known = state.map(|s| s.hw_sent);
                    // Quiet from now on: in the ISR, at the log end, with the high watermark
                    // it now has, and both its times those of this fetch.
                    let quiet_after = TRACKED
                        && session_time.is_some()
                        && error == ErrorCode::None
                        && data.batches.is_empty()
                        && p.fetch_offset == r.log.log_end_offset()
                        && r.state.isr.contains(&f)
                        && state.is_some_and(|s| {
                            s.leo == p.fetch_offset
                                && (s.quiet
                                    || (Some(s.last_caught_up) == session_time
                                        && Some(s.last_fetch_time) == session_time))
                        });
                    match (quiet_after, skipped) {
                        (true, _) => {
                            if let Some(print) = fetch_session::fingerprint_of(r.state, r.log) {
                                settle.push((i as u32, Settle::NowQuiet(print)));
                            }
                        }
                        (false, Some(_)) => settle.push((i as u32, Settle::Stirred)),
                        (false, None) => {}
                    }
                    if error == ErrorCode::None
                        && data.batches.is_empty()
                        && known == Some(data.high_watermark)
                    {
                        continue;
                    }
                    if known.is_some_and(|k| k != data.high_watermark) {
                        hw_sent.push((p.tp, data.high_watermark));
                    }
                } else if skipped.is_some() {
                    settle.push((i as u32, Settle::Stirred));
                }
            } else if skipped.is_some() {
                settle.push((i as u32, Settle::Stirred));
            }
            out.push(data);
        }
        if let Some(f) = req.replica_id {
            for &(tp, hw) in &hw_sent {
                if let Some(s) = self
                    .replicas
                    .get_mut(&tp)
                    .and_then(|r| r.followers.get_mut(&f))
                {
                    s.hw_sent = hw;
                }
            }
        }
        self.tp_hw_scratch = hw_sent;
        if let (true, Some(f)) = (TRACKED, req.replica_id) {
            self.settle_session(f, req, &settle);
        }
        self.settle_scratch = settle;
        ctx.send(
            to,
            Message::FetchResponse {
                correlation_id: req.correlation_id,
                partitions: out,
            },
        );
        self.response_sent(ctx, to);
    }

    /// Checks (in debug builds) what skipping a quiet partition takes for granted: handling it
    /// would find it led here in the epoch asked for, no divergence, the follower in the ISR
    /// at the log end with the current high watermark, and times implicit.
    #[cfg(debug_assertions)]
    fn check_quiet(&self, follower: BrokerId, req: &FetchRequest) {
        for &(i, _) in &req.quiet {
            let p = &req.partitions[i as usize];
            let r = self.hosted(&p.tp).expect("a quiet partition is hosted");
            let f = r.state.followers.get(&follower).expect("and followed");
            assert!(
                r.state.role == Role::Leader
                    && p.current_leader_epoch == r.state.leader_epoch
                    && Self::divergence_in(r, p).is_none()
                    && Self::partition_error(Some(r), p, false, false) == ErrorCode::None
                    && f.quiet
                    && f.leo == p.fetch_offset
                    && p.fetch_offset == r.log.log_end_offset()
                    && f.hw_sent == r.log.high_watermark()
                    && r.state.isr.contains(&follower),
                "partition {:?} skipped in {follower}'s fetch but not quiet: {:?} {:?}",
                p.tp,
                r.state,
                f
            );
        }
    }

    /// After answering follower `f`'s fetch: records the partitions now quiet in its session and
    /// writes back the times of those skipped on arrival that are quiet no more.
    fn settle_session(&mut self, f: BrokerId, req: &FetchRequest, settle: &[(u32, Settle)]) {
        let Some(s) = self.fetch_sessions.get_mut(&f) else {
            return;
        };
        let at = s.last_fetch();
        let record = s.answering(req.correlation_id);
        for &(i, outcome) in settle {
            let p = &req.partitions[i as usize];
            match outcome {
                // Its follower state is quiet already: nothing to look up.
                Settle::StillQuiet(print) if record => s.record_quiet(p, print),
                Settle::NowQuiet(print) if record => {
                    if let Some(state) = self
                        .replicas
                        .get_mut(&p.tp)
                        .and_then(|r| r.followers.get_mut(&f))
                    {
                        state.quiet = true;
                        s.record_quiet(p, print);
                    }
                }
                _ => fetch_session::write_back(&mut self.replicas, p.tp, f, at),
            }
        }
    }

    /// Answers parked fetches that now have enough data after an append or a HW move on
    /// `changed`; like Kafka's fetch purgatory, keyed by partition (fetch_purgatory.rs), only the
    /// fetches watching one of those partitions are looked at.
    pub(super) fn complete_parked_fetches(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        changed: &[TopicPartition],
    ) {
        if self.parked_fetches.is_empty() {
            return;
        }
        let mut ready = std::mem::take(&mut self.id_scratch);
        self.parked_fetches.watching(changed, &mut ready);
        self.parked_fetches.lookups += 1;
        self.parked_fetches.checked += ready.len() as u64;
        ready.retain(|&id| {
            self.parked_fetches
                .get(id)
                .is_some_and(|req| self.fetch_ready(req))
        });
        for &id in &ready {
            if let Some((from, req, _)) = self.parked_fetches.remove(id) {
                self.answer_fetch(ctx, from, &req);
            }
        }
        self.id_scratch = ready;
    }
}
