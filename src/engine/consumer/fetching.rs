//! Positions (OffsetFetch, ListOffsets for `auto.offset.reset`), fetching from partition
//! leaders, and the application's poll loop with its processing time.

use super::*;
use crate::engine::config::OffsetReset;
use crate::engine::protocol::{ErrorCode, FetchPartition, FetchPartitionData, PartitionState};
use crate::engine::time::{ms, MICROS};

/// `metadata.max.age.ms` default: how long a preferred read replica is used (KIP-392).
pub const METADATA_MAX_AGE_MS: u64 = 300_000;

impl Consumer {
    pub(super) fn request_metadata(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.bootstrap.is_empty()
            || self
                .pending
                .values()
                .any(|p| matches!(p, Pending::Metadata))
        {
            return;
        }
        let b = self.bootstrap[ctx.rng.below(self.bootstrap.len() as u64) as usize];
        let t = self.config.request_timeout_ms.min(5_000);
        self.request(
            ctx,
            b,
            Pending::Metadata,
            |c| Message::MetadataRequest { correlation_id: c },
            t,
        );
    }

    pub(super) fn on_metadata(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        partitions: Vec<PartitionState>,
    ) {
        for st in partitions {
            if self.topics.contains(&st.tp.topic) {
                self.leaders.insert(st.tp, (st.leader, st.leader_epoch));
            }
        }
        self.send_fetches(ctx);
    }

    /// Asks the coordinator for committed offsets of newly assigned partitions.
    pub(super) fn fetch_committed(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        parts: Vec<TopicPartition>,
    ) {
        let Some(coord) = self.coordinator else {
            return;
        };
        let group_id = self.spec.group_id.clone();
        let t = self.config.request_timeout_ms;
        self.request(
            ctx,
            coord,
            Pending::OffsetFetch,
            |c| Message::OffsetFetchRequest {
                correlation_id: c,
                group_id,
                partitions: parts,
            },
            t,
        );
    }

    pub(super) fn on_offset_fetch(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        offsets: Vec<(TopicPartition, Option<u64>)>,
    ) {
        for (tp, off) in offsets {
            let Some(a) = self.assigned.get_mut(&tp) else {
                continue;
            };
            match off {
                Some(o) => {
                    a.fetch_position = Some(o);
                    a.consumed_position = Some(o);
                    a.committed = Some(o);
                }
                None => self.reset_offset(ctx, tp),
            }
        }
        self.send_fetches(ctx);
    }

    /// `auto.offset.reset`: ListOffsets at the leader (earliest = log start, latest = HW).
    fn reset_offset(&mut self, ctx: &mut Ctx<ConsumerTimer>, tp: TopicPartition) {
        let earliest = match self.config.auto_offset_reset {
            OffsetReset::Earliest => true,
            OffsetReset::Latest => false,
            OffsetReset::None => return, // NoOffsetForPartitionException: the partition stays idle
        };
        let Some((Some(leader), _)) = self.leaders.get(&tp).copied() else {
            self.request_metadata(ctx);
            ctx.timer_in(
                ms(self.config.retry_backoff_ms.max(1)),
                ConsumerTimer::Retry,
            );
            return;
        };
        let t = self.config.request_timeout_ms;
        self.request(
            ctx,
            leader,
            Pending::ListOffsets,
            |c| Message::ListOffsetsRequest {
                correlation_id: c,
                tp,
                earliest,
            },
            t,
        );
    }

    pub(super) fn on_list_offsets(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        tp: TopicPartition,
        error: ErrorCode,
        offset: u64,
    ) {
        if error != ErrorCode::None {
            self.leaders.remove(&tp);
            self.request_metadata(ctx);
            return;
        }
        if let Some(a) = self.assigned.get_mut(&tp) {
            if a.fetch_position.is_none() {
                let from = a.consumed_position;
                a.fetch_position = Some(offset);
                a.consumed_position = Some(offset);
                ctx.event(SimEvent::OffsetReset {
                    group: self.group,
                    consumer: self.index,
                    tp,
                    from,
                    to: offset,
                });
            }
        }
        // Kafka resets all the partitions led by a broker in one ListOffsets request
        // (`OffsetFetcher.resetPositionsIfNeeded`), so their positions arrive together; KafkaSim
        // asks per partition, so it fetches once the last answer is in (a fetch sent after the
        // first would leave the others waiting out its long poll).
        if !self
            .pending
            .values()
            .any(|p| matches!(p, Pending::ListOffsets))
        {
            self.send_fetches(ctx);
        }
    }

    /// One fetch per leader for assigned partitions with a position and nothing buffered
    /// (`AbstractFetch.fetchablePartitions` leaves out partitions with records still in the
    /// buffer), and never a second fetch to a broker that has one in flight
    /// (`AbstractFetch.prepareFetchRequests`, `nodesWithPendingFetchRequests`).
    pub(super) fn send_fetches(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if !matches!(
            self.state,
            MemberState::Stable | MemberState::Joining | MemberState::Syncing
        ) {
            return;
        }
        // Brokers with a fetch in flight: a bit set (broker ids are at most `MAX_BROKERS`,
        // 100), with a list for any id past 127. Looked up for every assigned partition.
        let (mut busy_mask, mut busy_other) = (0u128, Vec::new());
        for p in self.pending.values() {
            if let Pending::Fetch(b) = *p {
                match 1u128.checked_shl(b) {
                    Some(bit) => busy_mask |= bit,
                    None => busy_other.push(b),
                }
            }
        }
        let busy = |b: BrokerId| match 1u128.checked_shl(b) {
            Some(bit) => busy_mask & bit != 0,
            None => busy_other.contains(&b),
        };
        let mut per_leader: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        let mut missing_leader = false;
        for (tp, a) in self.assigned.iter() {
            let Some(pos) = a.fetch_position else {
                continue;
            };
            if self.buffer.holds(tp) {
                continue;
            }
            let Some(&(Some(leader), epoch)) = self.leaders.get(tp) else {
                missing_leader = true;
                continue;
            };
            // `AbstractFetch.selectReadReplica`: the preferred read replica until it expires
            // (KIP-392), else the leader.
            let target = match self.read_replicas.get(tp) {
                Some(&(b, until)) if until > ctx.now => b,
                _ => leader,
            };
            if busy(target) {
                continue;
            }
            per_leader.entry(target).or_default().push(FetchPartition {
                tp: *tp,
                fetch_offset: pos,
                current_leader_epoch: epoch,
                last_fetched_epoch: None,
                partition_max_bytes: self.config.max_partition_fetch_bytes,
            });
        }
        if missing_leader {
            self.request_metadata(ctx);
        }
        for (leader, partitions) in per_leader {
            let (max_wait, min_bytes, max_bytes) = (
                self.config.fetch_max_wait_ms,
                self.config.fetch_min_bytes,
                self.config.fetch_max_bytes,
            );
            let t = self.config.request_timeout_ms + max_wait;
            let rack_id = self.rack;
            let read_committed = self.config.read_committed();
            self.request(
                ctx,
                leader,
                Pending::Fetch(leader),
                |c| Message::FetchRequest {
                    correlation_id: c,
                    read_committed,
                    replica_id: None,
                    max_wait_ms: max_wait,
                    min_bytes,
                    max_bytes,
                    partitions,
                    rack_id,
                },
                t,
            );
        }
    }

    pub(super) fn on_fetch(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        _from: NodeId,
        partitions: Vec<FetchPartitionData>,
    ) {
        let mut refresh = false;
        for data in partitions {
            let Some(a) = self.assigned.get_mut(&data.tp) else {
                continue;
            };
            match data.error {
                ErrorCode::None => {}
                // KIP-392 (`FetchCollector.handleInitializeErrors`): out of range at a read
                // replica only sends the partition back to its leader; at the leader it resets.
                ErrorCode::OffsetOutOfRange if self.read_replicas.remove(&data.tp).is_some() => {
                    continue;
                }
                ErrorCode::OffsetOutOfRange => {
                    a.fetch_position = None;
                    self.reset_offset(ctx, data.tp);
                    continue;
                }
                _ => {
                    self.read_replicas.remove(&data.tp);
                    self.leaders.remove(&data.tp);
                    refresh = true;
                    continue;
                }
            }
            if let Some(b) = data.preferred_read_replica {
                // `SubscriptionState.updatePreferredReadReplica`, valid for
                // `metadata.max.age.ms` (default 5 minutes).
                let until = ctx.now.saturating_add(ms(METADATA_MAX_AGE_MS));
                self.read_replicas.insert(data.tp, (b, until));
            }
            a.high_watermark = data.high_watermark;
            let Some(mut pos) = a.fetch_position else {
                continue;
            };
            let (lso, aborted) = match data.read_committed {
                Some(rc) => (rc.last_stable_offset, rc.aborted),
                None => (data.high_watermark, Vec::new()),
            };
            let mut aborted = crate::engine::txn::client::AbortedFilter::new(aborted);
            for b in data.batches {
                if b.next_offset() <= pos {
                    continue;
                }
                if b.attributes != 0 && aborted.skip(&b) {
                    // A marker, or (read_committed) a batch of an aborted transaction: its
                    // offsets are passed over, no record reaches the application.
                    ctx.event(SimEvent::TxnPassedOver {
                        group: self.group,
                        tp: data.tp,
                        from: pos.max(b.base_offset),
                        to: b.next_offset(),
                    });
                    // Queued as an entry without records (from == to): `poll()` moves the
                    // position past it once the records before it are returned, as Kafka's
                    // `FetchCollector.fetchRecords` moves the position to the completed
                    // fetch's `nextFetchOffset` even when no record is returned. Otherwise a
                    // partition ending in a marker stays one offset behind for good.
                    let to = b.next_offset();
                    let bounds = (data.high_watermark, lso);
                    self.buffer.push_back((data.tp, b, to, to, bounds));
                    pos = to;
                    continue;
                }
                let from = pos.max(b.base_offset);
                let bounds = (data.high_watermark, lso);
                self.buffer
                    .push_back((data.tp, b, from, b.next_offset(), bounds));
                pos = b.next_offset();
            }
            a.fetch_position = Some(pos);
        }
        if refresh {
            self.request_metadata(ctx);
        }
        // The next fetch is sent by `poll()`, after it hands these records to the application
        // (below, or when the current processing ends), so the partitions just returned are in
        // it: Kafka's classic consumer only sends fetches from `poll()`
        // (`ClassicKafkaConsumer.poll`: the pipelined `sendFetches()` before returning records,
        // and `pollForFetches` when nothing is buffered).
        self.kick_poll(ctx);
    }

    /// Wakes an idle poll loop.
    pub(super) fn kick_poll(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.processing_until > ctx.now || !self.poll_waiting && self.poll_gen > 0 {
            return;
        }
        self.poll_waiting = false;
        self.poll_gen += 1;
        ctx.timer_at(ctx.now, ConsumerTimer::Poll { gen: self.poll_gen });
    }

    /// The application's `poll()` (`ClassicKafkaConsumer.poll`): up to `max.poll.records` from
    /// the buffer; with records, the next round of fetches is sent before they are returned
    /// (pipelining: the partitions drained are fetchable again), then the application processes
    /// them; without, `pollForFetches` sends fetches and waits for a response.
    pub(super) fn poll(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        let now = ctx.now;
        if self.state == MemberState::Left {
            self.state = MemberState::Joining;
            self.join(ctx);
        } else if self.rejoin_pending {
            self.join(ctx);
        }
        if self.config.enable_auto_commit {
            self.maybe_auto_commit(ctx);
        } else if self.processor.is_none() {
            // No auto-commit: the application commits synchronously after processing each
            // batch (`commitSync()` before the next `poll()`). A processor commits its
            // offsets inside its transaction instead.
            self.commit(ctx);
        }
        let mut left = self.config.max_poll_records.max(1) as u64;
        let mut taken = 0u64;
        let mut passed_over = false;
        while left > 0 {
            let Some((tp, batch, from, to, (hw, lso))) = self.buffer.pop_front() else {
                break;
            };
            let Some(a) = self.assigned.get_mut(&tp) else {
                continue;
            };
            if from == to {
                // Offsets holding no record for the application (see `on_fetch`).
                a.consumed_position = Some(to);
                passed_over = true;
                continue;
            }
            let n = (to - from).min(left);
            ctx.event(SimEvent::Consumed {
                group: self.group,
                consumer: self.index,
                tp,
                batch,
                from_offset: from,
                to_offset: from + n,
                high_watermark: hw,
                last_stable_offset: lso,
            });
            a.consumed_position = Some(from + n);
            if let Some(p) = self.processor.as_mut() {
                p.delivered.push((tp, from, from + n));
            }
            if from + n < to {
                self.buffer.push_front((tp, batch, from + n, to, (hw, lso)));
            }
            left -= n;
            taken += n;
        }
        self.consumed += taken;
        self.send_fetches(ctx);
        if taken == 0 && passed_over && self.processor.is_none() {
            // `poll()` returned no record but the position moved (`Fetch.isEmpty` is false
            // then): the application commits as after any poll.
            self.positions_moved = true;
            if !self.config.enable_auto_commit {
                self.commit(ctx);
            }
        }
        if taken == 0 {
            self.poll_waiting = true;
            if let Some(p) = self.processor.as_mut() {
                p.idle_poll = true;
            }
            self.arm_auto_commit_while_idle(ctx);
            return;
        }
        self.positions_moved = true;
        if self.processor.is_some() {
            // The application transforms and sends the records, then returns to poll() when
            // its processor says so ([`Consumer::processor_release`]).
            self.processing_until = SimTime::MAX;
            self.poll_gen += 1;
            return;
        }
        let processing = crate::engine::reciprocal::saturating_mul(
            crate::engine::reciprocal::saturating_mul(taken, self.spec.processing_us_per_record),
            MICROS,
        );
        self.processing_until = now.saturating_add(processing);
        self.poll_gen += 1;
        ctx.timer_at(
            self.processing_until,
            ConsumerTimer::Poll { gen: self.poll_gen },
        );
        let limit = ms(self.config.max_poll_interval_ms);
        if processing > limit {
            ctx.timer_at(
                now + limit,
                ConsumerTimer::PollIntervalExceeded { gen: self.poll_gen },
            );
        }
    }
}
