//! The Sender: metadata, draining ready batches into one ProduceRequest per leader
//! (`max.in.flight.requests.per.connection`, `max.request.size`), responses, retries with
//! backoff, `request.timeout.ms`, `delivery.timeout.ms`, and idempotent sequence numbers.

use super::idempotence::OutOfOrder;
use super::*;
use crate::engine::config::Acks;
use crate::engine::events::SimEvent;
use crate::engine::ids::TopicPartition;
use crate::engine::protocol::{
    ErrorCode, PartitionState, ProducePartition, ProducePartitionResponse, RecordBatch, RecordIds,
};
use crate::engine::time::{after_ms, ms, MILLIS};

/// Idempotent producer ids start here (`InitProducerId` is not modelled).
pub const PRODUCER_ID_BASE: i64 = 1000;

/// Kafka's `reconnect.backoff.ms` default. A request that times out closes its connection
/// (`NetworkClient.handleTimedOutRequests`), and the client reconnects to that broker only after
/// this pause (`ClusterConnectionStates`); the key is accepted but not modelled, so its default
/// applies. It is also what keeps simulated time moving with `request.timeout.ms=0`: a request
/// that times out at once is not resent at the same instant.
pub const RECONNECT_BACKOFF_MS: u64 = 50;

impl Producer {
    /// Whether a request may go to `broker` now (not in reconnect backoff).
    fn connectable(&self, broker: BrokerId, now: SimTime) -> bool {
        self.reconnect_at
            .get(broker as usize)
            .is_none_or(|&t| t <= now)
    }

    /// A request to `broker` timed out: its connection is closed until the reconnect backoff
    /// is over.
    pub(super) fn close_after_timeout(&mut self, now: SimTime, broker: BrokerId) {
        let slot = broker as usize;
        if slot >= self.reconnect_at.len() {
            self.reconnect_at.resize(slot + 1, 0);
        }
        self.reconnect_at[slot] = after_ms(now, RECONNECT_BACKOFF_MS);
    }

    pub(super) fn request_metadata(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        if self.metadata_in_flight.is_some() || self.bootstrap.is_empty() {
            return;
        }
        let now = ctx.now;
        let broker = if self.bootstrap.iter().all(|&b| self.connectable(b, now)) {
            self.bootstrap[ctx.rng.below(self.bootstrap.len() as u64) as usize]
        } else {
            // `leastLoadedNode`: a broker not in reconnect backoff, else wait for the first.
            let ready: Vec<BrokerId> = self
                .bootstrap
                .iter()
                .copied()
                .filter(|&b| self.connectable(b, now))
                .collect();
            if ready.is_empty() {
                self.metadata_wanted = true;
                let at = self
                    .bootstrap
                    .iter()
                    .filter_map(|&b| self.reconnect_at.get(b as usize).copied())
                    .min()
                    .unwrap_or(now)
                    .max(now + 1);
                self.schedule_wakeup(ctx, at);
                return;
            }
            ready[ctx.rng.below(ready.len() as u64) as usize]
        };
        self.next_correlation += 1;
        let id = self.next_correlation;
        self.metadata_in_flight = Some((id, broker));
        self.metadata_wanted = false;
        ctx.send(
            NodeId(broker),
            Message::MetadataRequest { correlation_id: id },
        );
        ctx.timer_in(
            ms(self.config.request_timeout_ms.min(5_000)),
            ProducerTimer::MetadataTimeout { correlation_id: id },
        );
    }

    pub(super) fn on_metadata(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        id: u64,
        partitions: Vec<PartitionState>,
    ) {
        if self.metadata_in_flight.map(|m| m.0) != Some(id) {
            return;
        }
        self.metadata_in_flight = None;
        let mut missing = false;
        for st in partitions.iter().filter(|s| s.tp.topic == self.topic) {
            if let Some(l) = self.leaders.get_mut(st.tp.partition as usize) {
                *l = st.leader;
                missing |= st.leader.is_none();
                self.leader_epochs[st.tp.partition as usize] = st.leader_epoch;
            }
        }
        self.refresh_view();
        // Leaders may have moved: the parked partitions are looked at again.
        self.accumulator.ready.touch_all();
        if missing {
            // Partitions without a leader: ask again after retry.backoff.ms.
            self.metadata_wanted = true;
            self.schedule_wakeup(ctx, after_ms(ctx.now, self.config.retry_backoff_ms));
        }
        self.drain(ctx);
    }

    pub(super) fn schedule_wakeup(&mut self, ctx: &mut Ctx<ProducerTimer>, at: SimTime) {
        if at >= self.wakeup_at {
            return;
        }
        self.wakeup_at = at;
        self.wakeup_gen += 1;
        ctx.timer_at(
            at,
            ProducerTimer::Wakeup {
                gen: self.wakeup_gen,
            },
        );
    }

    /// Sends every ready batch whose leader has room for another request in flight.
    pub(super) fn drain(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        let now = ctx.now;
        let linger = self.config.linger();
        let delivery_timeout = ms(self.config.delivery_timeout_ms);
        self.accumulator.ready.wake_due(now);
        self.accumulator.ready.drains += 1;
        self.expire_batches(ctx, delivery_timeout);
        if self.uses_sticky_partitioner() {
            self.update_partition_load();
        }
        let max_in_flight = self.config.max_in_flight_requests_per_connection.max(1);
        let idempotent = self.config.idempotence_effective();
        let mut next_wakeup = SimTime::MAX;
        // Per leader: the batches drained for it and the request's bytes so far. A handful of
        // brokers at most, so a vector searched linearly (kept sorted by broker id when sending,
        // as the map it replaces was).
        let mut per_broker = std::mem::take(&mut self.drain_scratch);
        per_broker.clear();
        // Only the candidates, in ascending order as Kafka's scan over every partition: the
        // lingering ones are parked in the ready index until their deadline (ready.rs).
        let mut from = 0;
        while let Some(p) = self.accumulator.ready.next_candidate(from) {
            from = p + 1;
            self.accumulator.ready.visited += 1;
            let Some(leader) = self.leaders[p as usize] else {
                continue;
            };
            if let Some(t) = self.txn.as_mut() {
                if !t.may_send(p) {
                    continue; // woken when the next transaction begins
                }
            }
            let q = &self.accumulator.queues[p as usize];
            let Some(first) = q.front() else {
                self.accumulator.ready.forget(p); // nothing to send
                continue;
            };
            if q.len() == 1 && first.attempts == 0 && !first.closed {
                let deadline = first.created.saturating_add(linger);
                if deadline > now {
                    // Lingering: nothing changes for it before its deadline, or before a record
                    // closes or follows its batch (`RecordAccumulator.append` touches it).
                    self.accumulator.ready.park(p, leader, deadline);
                    continue;
                }
            }
            let slot = per_broker.iter().position(|(b, _, _)| *b == leader);
            let busy = self
                .in_flight_per_broker
                .get(leader as usize)
                .copied()
                .unwrap_or(0);
            if slot.is_none() && busy >= max_in_flight {
                continue;
            }
            if let Some(&t) = self.reconnect_at.get(leader as usize) {
                if t > now {
                    next_wakeup = next_wakeup.min(t);
                    continue;
                }
            }
            // An idempotent batch being retried goes out only when it is the partition's first
            // unresolved sequence; the ones behind it wait, which brings the partition down to
            // one request in flight until it completes (`RecordAccumulator.
            // shouldStopDrainBatchesForPartition`, `TransactionManager.firstInFlightSequence`).
            if idempotent {
                let front = &self.accumulator.queues[p as usize][0];
                if let (true, Some(seq)) = (front.attempts > 0, front.base_sequence) {
                    if self.first_unresolved_sequence(p).is_some_and(|f| f != seq) {
                        continue; // woken when the earlier batch completes
                    }
                }
            }
            let q = &mut self.accumulator.queues[p as usize];
            let Some(first) = q.front() else {
                continue;
            };
            let ready_at = if first.attempts > 0 {
                first.retry_at
            } else if first.closed || q.len() > 1 {
                now
            } else {
                first.created.saturating_add(linger)
            };
            if ready_at > now {
                next_wakeup = next_wakeup.min(ready_at);
                continue;
            }
            let size = slot.map(|i| per_broker[i].2).unwrap_or(0);
            if size > 0 && size + first.bytes > self.config.max_request_size {
                next_wakeup = next_wakeup.min(now + MILLIS);
                continue;
            }
            let mut b = q.pop_front().expect("front exists");
            b.closed = true;
            self.accumulator.sync_open(p);
            if idempotent && b.base_sequence.is_none() {
                let stale = self.sequences.partitions[p as usize].epoch != self.sequences.epoch;
                let idle = stale && !self.has_in_flight(p);
                let (seq, epoch) = self.sequences.assign(p, b.records, idle);
                b.base_sequence = Some(seq);
                b.producer_epoch = epoch;
            }
            match slot {
                Some(i) => {
                    per_broker[i].2 += b.bytes;
                    per_broker[i].1.push(b);
                }
                None => {
                    let bytes = b.bytes;
                    per_broker.push((leader, vec![b], bytes));
                }
            }
        }
        // The parked partitions' deadlines count for a leader that could take a request, as a
        // lingering partition of a leader at max.in.flight is skipped before its deadline is
        // looked at; a leader in reconnect backoff counts from the end of the backoff.
        // (`wake_due` left every leader's top live, and nothing in between touched a queue.)
        // The earliest parked deadline of all is the answer when its leader can take a request
        // and no leader is in reconnect backoff (then no other leader can do better); else
        // every leader is looked at.
        let earliest = self.accumulator.ready.earliest_parked();
        let settled = earliest.is_some_and(|(_, leader)| {
            self.in_flight_per_broker
                .get(leader as usize)
                .copied()
                .unwrap_or(0)
                < max_in_flight
                && self.reconnect_at.iter().all(|&t| t <= now)
        });
        let leaders = if settled {
            next_wakeup = next_wakeup.min(earliest.map(|(t, _)| t).unwrap_or(SimTime::MAX));
            0
        } else {
            self.accumulator.ready.leader_slots()
        };
        for leader in 0..leaders {
            let Some(deadline) = self.accumulator.ready.parked_deadline(leader) else {
                continue;
            };
            let busy = self.in_flight_per_broker.get(leader).copied().unwrap_or(0);
            if busy >= max_in_flight {
                continue;
            }
            match self.reconnect_at.get(leader) {
                Some(&t) if t > now => next_wakeup = next_wakeup.min(t),
                _ => next_wakeup = next_wakeup.min(deadline),
            }
        }
        per_broker.sort_by_key(|(b, _, _)| *b);
        for (broker, batches, _) in per_broker.drain(..) {
            self.send_request(ctx, broker, batches);
        }
        self.drain_scratch = per_broker;
        if next_wakeup < SimTime::MAX {
            self.schedule_wakeup(ctx, next_wakeup);
        }
        if self.txn.is_some() {
            self.txn_step(ctx);
        }
    }

    fn send_request(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        broker: BrokerId,
        batches: Vec<ProducerBatch>,
    ) {
        self.next_correlation += 1;
        let id = self.next_correlation;
        let idempotent = self.config.idempotence_effective();
        self.requests.requests += 1;
        for b in &batches {
            self.requests.batches += 1;
            self.requests.records += b.records as u64;
            self.requests.bytes += b.bytes;
        }
        let partitions = batches
            .iter()
            .map(|b| ProducePartition {
                tp: TopicPartition::new(self.topic, b.partition),
                batch: self.wire_batch(b, 0, self.wire_producer_id(idempotent)),
            })
            .collect();
        ctx.send(
            NodeId(broker),
            Message::ProduceRequest {
                correlation_id: id,
                acks: self.config.acks,
                timeout_ms: self.config.request_timeout_ms,
                partitions,
                transactional_id: self
                    .txn
                    .as_ref()
                    .map(|t| t.transactional_id.as_str().into()),
            },
        );
        let mut batches = batches;
        for b in &mut batches {
            b.attempts += 1;
        }
        if self.config.acks == Acks::Zero {
            // acks=0: done as soon as it is on the wire; no response will come.
            for b in batches {
                self.ack_batch(ctx, &b, u64::MAX, 0, true);
            }
            return;
        }
        let slot = broker as usize;
        if slot >= self.in_flight_per_broker.len() {
            self.in_flight_per_broker.resize(slot + 1, 0);
        }
        self.in_flight_per_broker[slot] += 1;
        let deadline = ctx.now + ms(self.config.request_timeout_ms);
        self.in_flight.insert(
            id,
            InFlight {
                broker,
                batches,
                deadline,
            },
        );
        self.arm_request_timeouts(ctx);
    }

    /// Keeps one timer at the earliest in-flight deadline.
    pub(super) fn arm_request_timeouts(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        if self.timeout_timer {
            return;
        }
        if let Some(at) = self.in_flight.values().map(|r| r.deadline).min() {
            self.timeout_timer = true;
            ctx.timer_at(at, ProducerTimer::RequestTimeouts);
        }
    }

    /// The batch attributes: transactional for a transactional producer.
    fn batch_attributes(&self) -> u8 {
        if self.config.transactional_id.is_some() {
            crate::engine::protocol::ATTR_TRANSACTIONAL
        } else {
            0
        }
    }

    /// The record batch header for a producer batch (base offset as known, producer id).
    fn wire_batch(&self, b: &ProducerBatch, base_offset: u64, producer_id: i64) -> RecordBatch {
        RecordBatch {
            base_offset,
            record_count: b.records,
            bytes: b.bytes.min(u32::MAX as u64) as u32,
            producer_id,
            producer_epoch: b.producer_epoch,
            base_sequence: b.base_sequence.unwrap_or(-1),
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: self.index,
                first_record: b.first_record,
            },
            first_create_time: b.first_create,
            attributes: self.batch_attributes(),
            last_create_time: b.last_create,
        }
    }

    /// A batch is acknowledged at `base_offset`, stored by the leader of `leader_epoch`.
    fn ack_batch(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        b: &ProducerBatch,
        base_offset: u64,
        leader_epoch: u32,
        acks_zero: bool,
    ) {
        self.acked += b.records as u64;
        self.last_ack = ctx.now;
        self.accumulator.release(b);
        if let Some(seq) = b.base_sequence {
            self.sequences
                .acked(b.partition, seq, b.records, b.producer_epoch);
        }
        let mut batch = self.wire_batch(b, base_offset, -1);
        batch.partition_leader_epoch = leader_epoch;
        ctx.event(SimEvent::ProduceAcked {
            producer: self.index,
            tp: TopicPartition::new(self.topic, b.partition),
            batch,
            acks_zero,
        });
    }

    fn fail_batch(&mut self, ctx: &mut Ctx<ProducerTimer>, b: &ProducerBatch, error: ErrorCode) {
        self.txn_batch_failed(ctx, error);
        self.failed += b.records as u64;
        self.accumulator.release(b);
        ctx.event(SimEvent::ProduceFailed {
            producer: self.index,
            tp: TopicPartition::new(self.topic, b.partition),
            records: b.records,
            error,
            first_record: Some(b.first_record),
        });
    }

    fn retry_or_fail(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        mut b: ProducerBatch,
        error: ErrorCode,
    ) {
        let expired = ctx.now.saturating_sub(b.created) >= ms(self.config.delivery_timeout_ms);
        let idempotent_retry = match error {
            ErrorCode::OutOfOrderSequenceNumber => {
                let seq = b.base_sequence.unwrap_or(-1);
                let decision = self.sequences.on_out_of_order(
                    b.partition,
                    seq,
                    b.producer_epoch,
                    b.sequence_reset,
                );
                if decision == OutOfOrder::BumpEpoch && self.txn.is_some() {
                    // A transactional producer's epoch belongs to its coordinator: a real gap
                    // is an abortable error (`TransactionManager`), the transaction aborts and
                    // the next one starts over under the epoch EndTxn returns.
                    false
                } else {
                    if decision == OutOfOrder::BumpEpoch && !expired {
                        self.bump_epoch(ctx, &mut b);
                    }
                    true
                }
            }
            // A batch sent under an epoch since bumped: its sequence was rewritten.
            ErrorCode::InvalidProducerEpoch => {
                b.sequence_reset || b.producer_epoch != self.sequences.epoch
            }
            _ => false,
        };
        let retriable = error.is_retriable() || idempotent_retry;
        if !retriable || expired || b.attempts > self.config.retries {
            self.fail_batch(
                ctx,
                &b,
                if expired {
                    ErrorCode::RequestTimedOut
                } else {
                    error
                },
            );
            return;
        }
        self.retries += 1;
        ctx.event(SimEvent::ProduceRetried {
            producer: self.index,
            tp: TopicPartition::new(self.topic, b.partition),
            error,
            first_record: b.first_record,
            records: b.records,
        });
        let exp = 1u64 << (b.attempts.saturating_sub(1)).min(20);
        let backoff = (self.config.retry_backoff_ms.saturating_mul(exp)).min(
            self.config
                .retry_backoff_max_ms
                .max(self.config.retry_backoff_ms),
        );
        b.retry_at = after_ms(ctx.now, backoff);
        let q = &mut self.accumulator.queues[b.partition as usize];
        let pos = requeue_position(q, &b);
        let at = b.retry_at;
        let p = b.partition;
        q.insert(pos, b);
        self.accumulator.touch(p);
        if matches!(
            error,
            ErrorCode::NotLeaderOrFollower
                | ErrorCode::LeaderNotAvailable
                | ErrorCode::UnknownTopicOrPartition
                | ErrorCode::NetworkException
                | ErrorCode::RequestTimedOut
                | ErrorCode::FencedLeaderEpoch
        ) {
            self.metadata_wanted = true;
        }
        self.schedule_wakeup(ctx, at);
    }

    pub(super) fn on_produce_response(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        _from: NodeId,
        id: u64,
        results: Vec<ProducePartitionResponse>,
    ) {
        let Some(req) = self.in_flight.remove(&id) else {
            return; // already timed out
        };
        if let Some(n) = self.in_flight_per_broker.get_mut(req.broker as usize) {
            *n = n.saturating_sub(1);
        }
        for b in req.batches {
            let r = results.iter().find(|r| r.tp.partition == b.partition);
            match r.map(|r| (r.error, r.base_offset, r.leader_epoch)) {
                Some((ErrorCode::None, off, epoch))
                | Some((ErrorCode::DuplicateSequenceNumber, off, epoch)) => {
                    self.ack_batch(ctx, &b, off, epoch, false)
                }
                Some((ErrorCode::MessageTooLarge, _, _)) if b.records > 1 => {
                    self.split_and_reenqueue(ctx, b)
                }
                Some((e, _, _)) => self.retry_or_fail(ctx, b, e),
                None => self.retry_or_fail(ctx, b, ErrorCode::NetworkException),
            }
        }
        if self.metadata_wanted {
            self.request_metadata(ctx);
        }
        if self.app.blocked_since.is_some() && !self.buffer_full() {
            self.app_tick(ctx);
        }
        self.drain(ctx);
    }

    /// MESSAGE_TOO_LARGE for a batch of several records (`Sender.completeBatch`): the batch is
    /// split (`ProducerBatch::split`) and the parts go to the front of the partition's queue in
    /// sequence order, as if never tried (no retry counted, no backoff), keeping the original
    /// create time for `delivery.timeout.ms` (`RecordAccumulator.splitAndReenqueue`). Its
    /// `buffer.memory` is released; the parts are allocated off the pool.
    fn split_and_reenqueue(&mut self, ctx: &mut Ctx<ProducerTimer>, b: ProducerBatch) {
        ctx.event(SimEvent::ProduceRetried {
            producer: self.index,
            tp: TopicPartition::new(self.topic, b.partition),
            error: ErrorCode::MessageTooLarge,
            first_record: b.first_record,
            records: b.records,
        });
        self.accumulator.release(&b);
        let parts = b.split(self.config.batch_size);
        let q = &mut self.accumulator.queues[b.partition as usize];
        // Idempotent: in sequence order (`insertInSequenceOrder`); otherwise at the front
        // (`addFirst`).
        let pos = if b.base_sequence.is_some() {
            requeue_position(q, &b)
        } else {
            0
        };
        for (i, part) in parts.into_iter().enumerate() {
            q.insert(pos + i, part);
        }
        self.accumulator.touch(b.partition);
        self.schedule_wakeup(ctx, ctx.now);
    }

    pub(super) fn fail_request(&mut self, ctx: &mut Ctx<ProducerTimer>, id: u64, error: ErrorCode) {
        let Some(req) = self.in_flight.remove(&id) else {
            return;
        };
        if let Some(n) = self.in_flight_per_broker.get_mut(req.broker as usize) {
            *n = n.saturating_sub(1);
        }
        for b in req.batches {
            self.retry_or_fail(ctx, b, error);
        }
        self.metadata_wanted = true;
        self.request_metadata(ctx);
        self.drain(ctx);
    }

    /// Whether a request in flight carries a batch of partition `p`.
    /// The lowest sequence of `p`'s batches sent at least once and not yet completed (in
    /// flight, or queued for a retry) on the current epoch: Kafka's `firstInFlightSequence`
    /// (its in-flight set keeps a batch until it completes, across retries).
    fn first_unresolved_sequence(&self, p: u32) -> Option<i32> {
        let epoch = self.sequences.partitions[p as usize].epoch;
        let in_flight = self
            .in_flight
            .values()
            .flat_map(|r| r.batches.iter())
            .filter(|b| b.partition == p);
        let retrying = self.accumulator.queues[p as usize]
            .iter()
            .filter(|b| b.attempts > 0);
        in_flight
            .chain(retrying)
            .filter(|b| b.producer_epoch == epoch)
            .filter_map(|b| b.base_sequence)
            .min()
    }

    fn has_in_flight(&self, p: u32) -> bool {
        self.in_flight
            .values()
            .any(|r| r.batches.iter().any(|b| b.partition == p))
    }

    /// KIP-360: a real sequence gap on `failed`'s partition (the leader lost batches it had
    /// acknowledged). The producer bumps its epoch and renumbers, from 0 and in their old order,
    /// every batch of that partition that already had a sequence: `failed`, those in flight and
    /// those queued for retry (`TransactionManager.startSequencesAtBeginning`).
    fn bump_epoch(&mut self, ctx: &mut Ctx<ProducerTimer>, failed: &mut ProducerBatch) {
        let p = failed.partition;
        let epoch = self.sequences.bump(p);
        let mut order: Vec<(i32, u8, u64, usize)> = Vec::new(); // (old seq, where, key, index)
        order.push((failed.base_sequence.unwrap_or(i32::MIN), 0, 0, 0));
        for (&id, r) in self.in_flight.iter() {
            for (i, b) in r.batches.iter().enumerate() {
                if b.partition == p {
                    order.push((b.base_sequence.unwrap_or(i32::MIN), 1, id, i));
                }
            }
        }
        for (i, b) in self.accumulator.queues[p as usize].iter().enumerate() {
            if b.base_sequence.is_some() {
                order.push((b.base_sequence.unwrap_or(i32::MIN), 2, 0, i));
            }
        }
        order.sort_unstable();
        for (_, place, id, i) in order {
            let b = match place {
                0 => &mut *failed,
                1 => match self.in_flight.get_mut(&id) {
                    Some(r) => &mut r.batches[i],
                    None => continue,
                },
                _ => &mut self.accumulator.queues[p as usize][i],
            };
            b.base_sequence = Some(self.sequences.renumber(p, b.records));
            b.producer_epoch = epoch;
            b.sequence_reset = true;
        }
        ctx.event(SimEvent::ProducerEpochBumped {
            producer: self.index,
            tp: TopicPartition::new(self.topic, p),
            epoch,
        });
    }

    /// `delivery.timeout.ms`: batches waiting too long in the accumulator fail.
    fn expire_batches(&mut self, ctx: &mut Ctx<ProducerTimer>, timeout: SimTime) {
        let now = ctx.now;
        let mut expired = Vec::new();
        // A parked partition lingers (`now - created < linger.ms <= delivery.timeout.ms`), so
        // none of them can expire: the candidates are all there is to look at.
        let mut from = 0;
        while let Some(p) = self.accumulator.ready.next_candidate(from) {
            from = p + 1;
            let q = &mut self.accumulator.queues[p as usize];
            let before = expired.len();
            while let Some(b) = q.front() {
                if now.saturating_sub(b.created) >= timeout {
                    expired.push(q.pop_front().expect("front exists"));
                } else {
                    break;
                }
            }
            if expired.len() > before {
                self.accumulator.sync_open(p);
            }
        }
        for b in expired {
            self.fail_batch(ctx, &b, ErrorCode::RequestTimedOut);
        }
    }
}

/// Where a batch goes back into its partition's queue: with a sequence number, before the
/// first batch with a later sequence or none yet, so idempotent batches go out in sequence
/// order (`RecordAccumulator.insertInSequenceOrder`); without, before the first batch never
/// sent.
fn requeue_position(q: &std::collections::VecDeque<ProducerBatch>, b: &ProducerBatch) -> usize {
    match b.base_sequence {
        Some(seq) => q
            .iter()
            .position(|x| x.base_sequence.is_none_or(|s| s > seq)),
        None => q.iter().position(|x| x.attempts == 0),
    }
    .unwrap_or(q.len())
}
