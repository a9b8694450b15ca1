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
use crate::engine::time::{ms, MILLIS};
use crate::engine::timer::Timer;

/// Idempotent producer ids start here (`InitProducerId` is not modelled).
pub const PRODUCER_ID_BASE: i64 = 1000;

impl Producer {
    pub(super) fn request_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_in_flight.is_some() || self.bootstrap.is_empty() {
            return;
        }
        self.next_correlation += 1;
        let id = self.next_correlation;
        let broker = self.bootstrap[ctx.rng.below(self.bootstrap.len() as u64) as usize];
        self.metadata_in_flight = Some(id);
        self.metadata_wanted = false;
        ctx.send(
            NodeId(broker),
            Message::MetadataRequest { correlation_id: id },
        );
        ctx.timer_in(
            ms(self.config.request_timeout_ms.min(5_000)),
            Timer::Producer(ProducerTimer::MetadataTimeout { correlation_id: id }),
        );
    }

    pub(super) fn on_metadata(&mut self, ctx: &mut Ctx, id: u64, partitions: Vec<PartitionState>) {
        if self.metadata_in_flight != Some(id) {
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
        if missing {
            // Partitions without a leader: ask again after retry.backoff.ms.
            self.metadata_wanted = true;
            self.schedule_wakeup(ctx, ctx.now + ms(self.config.retry_backoff_ms));
        }
        self.drain(ctx);
    }

    pub(super) fn schedule_wakeup(&mut self, ctx: &mut Ctx, at: SimTime) {
        if at >= self.wakeup_at {
            return;
        }
        self.wakeup_at = at;
        self.wakeup_gen += 1;
        ctx.timer_at(
            at,
            Timer::Producer(ProducerTimer::Wakeup {
                gen: self.wakeup_gen,
            }),
        );
    }

    /// Sends every ready batch whose leader has room for another request in flight.
    pub(super) fn drain(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let linger = ms(self.config.linger_ms);
        let delivery_timeout = ms(self.config.delivery_timeout_ms);
        self.expire_batches(ctx, delivery_timeout);
        self.update_partition_load();
        let max_in_flight = self.config.max_in_flight_requests_per_connection.max(1);
        let idempotent = self.config.idempotence_effective();
        let mut next_wakeup = SimTime::MAX;
        // Per leader: the batches drained for it and the request's bytes so far. A handful of
        // brokers at most, so a vector searched linearly (kept sorted by broker id when sending,
        // as the map it replaces was).
        let mut per_broker = std::mem::take(&mut self.drain_scratch);
        per_broker.clear();
        for p in 0..self.partitions {
            let Some(leader) = self.leaders[p as usize] else {
                continue;
            };
            if self.accumulator.queues[p as usize].is_empty() {
                continue; // nothing to send (checked first: it is the common case)
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
            let q = &mut self.accumulator.queues[p as usize];
            let Some(first) = q.front() else {
                continue;
            };
            let ready_at = if first.attempts > 0 {
                first.retry_at
            } else if first.closed || q.len() > 1 {
                now
            } else {
                first.created + linger
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
        per_broker.sort_by_key(|(b, _, _)| *b);
        for (broker, batches, _) in per_broker.drain(..) {
            self.send_request(ctx, broker, batches);
        }
        self.drain_scratch = per_broker;
        if next_wakeup < SimTime::MAX {
            self.schedule_wakeup(ctx, next_wakeup);
        }
    }

    fn send_request(&mut self, ctx: &mut Ctx, broker: BrokerId, batches: Vec<ProducerBatch>) {
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
                batch: self.wire_batch(
                    b,
                    0,
                    if idempotent {
                        PRODUCER_ID_BASE + self.index as i64
                    } else {
                        -1
                    },
                ),
            })
            .collect();
        ctx.send(
            NodeId(broker),
            Message::ProduceRequest {
                correlation_id: id,
                acks: self.config.acks,
                timeout_ms: self.config.request_timeout_ms,
                partitions,
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
    pub(super) fn arm_request_timeouts(&mut self, ctx: &mut Ctx) {
        if self.timeout_timer {
            return;
        }
        if let Some(at) = self.in_flight.values().map(|r| r.deadline).min() {
            self.timeout_timer = true;
            ctx.timer_at(at, Timer::Producer(ProducerTimer::RequestTimeouts));
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
            last_create_time: b.last_create,
        }
    }

    /// A batch is acknowledged at `base_offset`, stored by the leader of `leader_epoch`.
    fn ack_batch(
        &mut self,
        ctx: &mut Ctx,
        b: &ProducerBatch,
        base_offset: u64,
        leader_epoch: u32,
        acks_zero: bool,
    ) {
        self.acked += b.records as u64;
        self.accumulator.allocated = self.accumulator.allocated.saturating_sub(1);
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

    fn fail_batch(&mut self, ctx: &mut Ctx, b: &ProducerBatch, error: ErrorCode) {
        self.failed += b.records as u64;
        self.accumulator.allocated = self.accumulator.allocated.saturating_sub(1);
        ctx.event(SimEvent::ProduceFailed {
            producer: self.index,
            tp: TopicPartition::new(self.topic, b.partition),
            records: b.records,
            error,
        });
    }

    fn retry_or_fail(&mut self, ctx: &mut Ctx, mut b: ProducerBatch, error: ErrorCode) {
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
                if decision == OutOfOrder::BumpEpoch && !expired {
                    self.bump_epoch(ctx, &mut b);
                }
                true
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
        });
        let exp = 1u64 << (b.attempts.saturating_sub(1)).min(20);
        let backoff = (self.config.retry_backoff_ms.saturating_mul(exp)).min(
            self.config
                .retry_backoff_max_ms
                .max(self.config.retry_backoff_ms),
        );
        b.retry_at = ctx.now + ms(backoff);
        let q = &mut self.accumulator.queues[b.partition as usize];
        // Keep the queue in sequence order so idempotent retries go out in order.
        let pos = q
            .iter()
            .position(|x| {
                x.attempts == 0
                    || x.base_sequence.unwrap_or(i32::MAX) > b.base_sequence.unwrap_or(i32::MAX)
            })
            .unwrap_or(q.len());
        let at = b.retry_at;
        q.insert(pos, b);
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
        ctx: &mut Ctx,
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

    pub(super) fn fail_request(&mut self, ctx: &mut Ctx, id: u64, error: ErrorCode) {
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
    fn has_in_flight(&self, p: u32) -> bool {
        self.in_flight
            .values()
            .any(|r| r.batches.iter().any(|b| b.partition == p))
    }

    /// KIP-360: a real sequence gap on `failed`'s partition (the leader lost batches it had
    /// acknowledged). The producer bumps its epoch and renumbers, from 0 and in their old order,
    /// every batch of that partition that already had a sequence: `failed`, those in flight and
    /// those queued for retry (`TransactionManager.startSequencesAtBeginning`).
    fn bump_epoch(&mut self, ctx: &mut Ctx, failed: &mut ProducerBatch) {
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
    fn expire_batches(&mut self, ctx: &mut Ctx, timeout: SimTime) {
        let now = ctx.now;
        let mut expired = Vec::new();
        for q in &mut self.accumulator.queues {
            while let Some(b) = q.front() {
                if now.saturating_sub(b.created) >= timeout {
                    expired.push(q.pop_front().expect("front exists"));
                } else {
                    break;
                }
            }
        }
        for b in expired {
            self.fail_batch(ctx, &b, ErrorCode::RequestTimedOut);
        }
    }
}
