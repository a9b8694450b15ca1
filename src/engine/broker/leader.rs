//! Leadership transitions, the ISR (shrink after `replica.lag.time.max.ms`, expand when caught
//! up, via AlterPartition) and the high watermark.

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::CONTROLLER;
use crate::engine::protocol::{ErrorCode, Message};
use crate::engine::time::ms;
use crate::engine::timer::BrokerTimer;

use super::fetch_session;

impl BrokerProcess {
    pub(super) fn become_leader(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        st: &PartitionState,
    ) {
        let now = ctx.now;
        let me = self.id;
        let (Some(r), Some(log)) = (self.replicas.get_mut(&tp), self.disk.logs.get_mut(&tp)) else {
            return;
        };
        r.role = Role::Leader;
        r.leader_epoch = st.leader_epoch;
        r.partition_epoch = st.partition_epoch;
        r.isr = st.isr.clone();
        r.pending_isr = None;
        log.begin_epoch(st.leader_epoch);
        r.epoch_start_offset = log.log_end_offset();
        r.followers = st
            .replicas
            .iter()
            .filter(|&&b| b != me)
            .map(|&b| {
                (
                    b,
                    FollowerState {
                        leo: 0,
                        // ISR members get a full lag window to show up (Kafka resets on election).
                        last_caught_up: if st.isr.contains(&b) { now } else { 0 },
                        last_fetch_time: now,
                        last_fetch_leader_leo: 0,
                        hw_sent: u64::MAX,
                        quiet: false,
                    },
                )
            })
            .collect();
        // Stop fetching this partition from anyone.
        for f in self.fetchers.values_mut() {
            f.remove(&tp);
        }
        // Produces parked in an earlier epoch of this leadership stay parked and complete when
        // the high watermark reaches them: `Partition.makeLeader` only retries delayed requests
        // (when the HW moved), it fails none.
        self.maybe_advance_hw(ctx, tp);
    }

    pub(super) fn become_follower(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        st: &PartitionState,
    ) {
        if let Some(r) = self.replicas.get_mut(&tp) {
            r.role = Role::Follower(st.leader);
            r.leader_epoch = st.leader_epoch;
            r.partition_epoch = st.partition_epoch;
            r.isr = st.isr.clone();
            r.pending_isr = None;
            r.followers.clear();
        }
        // `ReplicaManager.completeDelayedOperationsWhenNotPartitionLeader`: each parked produce
        // finds the partition no longer led here and answers NOT_LEADER_OR_FOLLOWER for it.
        self.complete_parked_produces(ctx, tp);
        self.complete_coordinator_writes(ctx, tp);
        for f in self.fetchers.values_mut() {
            f.remove(&tp);
        }
        if let Some(leader) = st.leader {
            let f = self
                .fetchers
                .get_or_insert_with(leader, FetcherState::default);
            // A new leader epoch changes the partition's entry even when the leader stays.
            f.remove(&tp);
            f.add(tp);
        }
    }

    /// The maximal ISR: committed ISR plus replicas in a pending expansion (KIP-841).
    fn maximal_isr(r: &ReplicaState) -> impl Iterator<Item = BrokerId> + '_ {
        let pending = r.pending_isr.as_deref().unwrap_or(&[]);
        r.isr
            .iter()
            .chain(pending.iter().filter(|b| !r.isr.contains(b)))
            .copied()
    }

    /// The topic's effective `min.insync.replicas`: its config capped at the replication factor
    /// (`Partition.effectiveMinIsr`), so a min ISR above RF does not refuse every write.
    pub(super) fn effective_min_isr(configured: u32, r: &ReplicaState) -> usize {
        (configured as usize).min(r.replicas.len()).max(1)
    }

    /// Advances the leader's high watermark (`Partition.maybeIncrementLeaderHW`), then
    /// completes produce and fetch requests waiting on it:
    /// - not at all while the ISR is smaller than the effective `min.insync.replicas` (strict
    ///   min ISR, KAFKA-15583): what is written then is not committed, even with acks=1, so a
    ///   replica that left the ISR meanwhile still holds every committed record (KIP-966);
    /// - otherwise to the smallest log end offset of the maximal ISR (KIP-841) and of followers
    ///   caught up within `replica.lag.time.max.ms` that are about to join it (unfenced).
    pub(super) fn maybe_advance_hw(&mut self, ctx: &mut Ctx<BrokerTimer>, tp: TopicPartition) {
        let me = self.id;
        let now = ctx.now;
        let lag_max = ms(self.disk.config.replica_lag_time_max_ms);
        let Some(r) = self.replicas.get(&tp) else {
            return;
        };
        let min_isr = Self::effective_min_isr(self.disk.min_insync(tp.topic), r);
        if r.role != Role::Leader || r.isr.len() < min_isr {
            return;
        }
        let metadata = &self.disk.metadata;
        let sessions = &self.fetch_sessions;
        let Some(log) = self.disk.logs.get_mut(&tp) else {
            return;
        };
        let leader_leo = log.log_end_offset();
        let mut hw = leader_leo;
        for b in Self::maximal_isr(r) {
            if b == me {
                continue;
            }
            let leo = r.followers.get(&b).map(|f| f.leo).unwrap_or(0);
            hw = hw.min(leo);
        }
        for (&b, f) in r.followers.iter() {
            if f.leo >= hw || r.isr.contains(&b) {
                continue;
            }
            // `ReplicaState.isCaughtUp`; a follower that never caught up has time 0, which
            // Kafka's wall-clock times make ancient, and so does this check.
            let last = fetch_session::caught_up_time(sessions, b, f);
            let caught_up =
                f.leo == leader_leo || (last > 0 && now.saturating_sub(last) <= lag_max);
            if caught_up && metadata.is_live(b) {
                hw = f.leo;
            }
        }
        if log.set_high_watermark(hw) {
            ctx.event(SimEvent::HighWatermark {
                broker: me,
                tp,
                high_watermark: log.high_watermark(),
            });
            self.complete_parked_produces(ctx, tp);
            self.complete_parked_fetches(ctx, &[tp]);
            self.complete_coordinator_writes(ctx, tp);
        }
    }

    /// Records a follower's fetch at the leader: its log end offset and caught-up time
    /// (Kafka's `Replica.updateFetchState`), then ISR expansion and HW.
    pub(super) fn on_follower_fetch(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        follower: BrokerId,
        fetch_offset: u64,
    ) {
        let now = ctx.now;
        let (Some(r), Some(log)) = (self.replicas.get_mut(&tp), self.disk.logs.get(&tp)) else {
            return;
        };
        let leader_leo = log.log_end_offset();
        let Some(f) = r.followers.get_mut(&follower) else {
            return;
        };
        // A partition handled here is not quiet: its fetch session wrote its times back.
        debug_assert!(!f.quiet, "{tp:?}: handled while quiet");
        if fetch_offset >= leader_leo {
            f.last_caught_up = now;
        } else if fetch_offset >= f.last_fetch_leader_leo {
            f.last_caught_up = f.last_caught_up.max(f.last_fetch_time);
        }
        let moved = f.leo != fetch_offset;
        if fetch_offset < f.leo {
            f.hw_sent = u64::MAX; // it truncated: its high watermark may have dropped
        }
        f.leo = fetch_offset;
        f.last_fetch_time = now;
        f.last_fetch_leader_leo = leader_leo;
        // ISR expansion: an out-of-sync follower that reached the HW (and this epoch's start).
        let in_isr = Self::maximal_isr(r).any(|b| b == follower);
        let epoch_start = r.epoch_start_offset;
        if !in_isr
            && fetch_offset >= log.high_watermark()
            && fetch_offset >= epoch_start
            && self.disk.metadata.is_live(follower)
        {
            let mut new_isr = r.isr.clone();
            new_isr.push(follower);
            new_isr.sort_unstable();
            self.propose_isr(ctx, tp, new_isr, true);
        }
        // `Partition.updateFollowerFetchState`: the HW can only move if the follower's log end
        // offset did.
        if moved {
            self.maybe_advance_hw(ctx, tp);
        }
    }

    /// Every `replica.lag.time.max.ms / 2`: drop followers not caught up within the lag time.
    pub(super) fn check_isr_shrink(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let lag = ms(self.disk.config.replica_lag_time_max_ms);
        let now = ctx.now;
        let me = self.id;
        let mut proposals = Vec::new();
        for (&tp, r) in self.replicas.iter() {
            if r.role != Role::Leader || r.pending_isr.is_some() {
                continue;
            }
            let Some(leo) = self.disk.logs.get(&tp).map(|l| l.log_end_offset()) else {
                continue;
            };
            let out: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|&b| b != me)
                .filter(|&b| {
                    r.followers
                        .get(&b)
                        .map(|f| {
                            let last = fetch_session::caught_up_time(&self.fetch_sessions, b, f);
                            f.leo < leo && now.saturating_sub(last) > lag
                        })
                        .unwrap_or(true)
                })
                .collect();
            if !out.is_empty() {
                let new_isr: Vec<BrokerId> =
                    r.isr.iter().copied().filter(|b| !out.contains(b)).collect();
                proposals.push((tp, new_isr));
            }
        }
        for (tp, isr) in proposals {
            self.propose_isr(ctx, tp, isr, false);
        }
    }

    fn propose_isr(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        new_isr: Vec<BrokerId>,
        expand: bool,
    ) {
        if self.alter_inflight.contains(&tp) {
            return;
        }
        let Some(r) = self.replicas.get_mut(&tp) else {
            return;
        };
        if expand {
            r.pending_isr = Some(new_isr.clone());
        } else {
            // A shrink takes effect for HW purposes only once committed (Kafka is conservative).
            r.pending_isr = Some(r.isr.clone());
        }
        self.alter_inflight.insert(tp);
        ctx.send(
            CONTROLLER,
            Message::AlterPartitionRequest {
                tp,
                leader_epoch: r.leader_epoch,
                partition_epoch: r.partition_epoch,
                new_isr,
            },
        );
        ctx.timer_in(
            ms(self.disk.config.broker_heartbeat_interval_ms.max(1) * 2),
            BrokerTimer::AlterPartitionRetry { tp },
        );
    }

    pub(super) fn on_alter_partition_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        error: ErrorCode,
        state: Option<PartitionState>,
    ) {
        self.alter_inflight.remove(&tp);
        if let Some(r) = self.replicas.get_mut(&tp) {
            r.pending_isr = None;
            if let Some(st) = state {
                // The committed state the controller answers with (ours on success, its current
                // one with an error) replaces ours unless it is older: Kafka's
                // `Partition.handleAlterPartitionUpdate` ignores only another leader epoch or an
                // older partition epoch. One partition epoch names one ISR, so an equal one
                // changes nothing.
                if st.leader_epoch == r.leader_epoch && st.partition_epoch >= r.partition_epoch {
                    debug_assert!(
                        st.partition_epoch > r.partition_epoch || st.isr == r.isr,
                        "{tp:?}: partition epoch {} with ISR {:?} here, {:?} at the controller \
                         ({error:?})",
                        r.partition_epoch,
                        r.isr,
                        st.isr
                    );
                    r.isr = st.isr;
                    r.partition_epoch = st.partition_epoch;
                }
            }
        }
        self.maybe_advance_hw(ctx, tp);
    }
}
