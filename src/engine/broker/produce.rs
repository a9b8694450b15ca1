//! Produce handling at the leader: acks 0/1/all, `min.insync.replicas`
//! (NOT_ENOUGH_REPLICAS / NOT_ENOUGH_REPLICAS_AFTER_APPEND), idempotent sequence checks, and the
//! produce purgatory where acks=all requests wait for the high watermark.

use super::*;
use crate::engine::config::Acks;
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::NodeId;
use crate::engine::log::SequenceCheck;
use crate::engine::protocol::ProducePartitionResponse;
use crate::engine::protocol::{ErrorCode, Message};
use crate::engine::time::ms;
use crate::engine::timer::{due_ids, earliest_deadline, BrokerTimer};

use super::txn_verify::HeldProduce;

/// An acks=all produce request waiting for the ISR.
#[derive(Clone, Debug)]
pub(super) struct ParkedProduce {
    from: NodeId,
    correlation_id: u64,
    /// When the request times out (`timeout_ms` after it was parked).
    deadline: SimTime,
    /// Per partition: the response so far and the offset the HW must reach.
    partitions: Vec<(ProducePartitionResponse, u64, bool)>,
}

impl BrokerProcess {
    pub(super) fn handle_produce(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        request: HeldProduce,
        refused: Vec<ProducePartitionResponse>,
    ) {
        let HeldProduce {
            from,
            correlation_id,
            acks,
            timeout_ms,
            partitions,
        } = request;
        let me = self.id;
        let max_bytes = self.disk.config.message_max_bytes;
        let mut results: Vec<(ProducePartitionResponse, u64, bool)> =
            Vec::with_capacity(partitions.len() + refused.len());
        results.extend(refused.into_iter().map(|r| (r, 0, false)));
        for p in partitions {
            let tp = p.tp;
            let topic_max = self
                .disk
                .topic_configs
                .get(tp.topic as usize)
                .and_then(|c| c.max_message_bytes)
                .unwrap_or(max_bytes);
            let mut resp = ProducePartitionResponse {
                tp,
                error: ErrorCode::None,
                base_offset: 0,
                leader_epoch: 0,
            };
            let mut wait_for = 0;
            let mut waiting = false;
            let configured_min_isr = self.disk.min_insync(tp.topic);
            match (self.replicas.get(&tp), self.disk.logs.get_mut(&tp)) {
                (None, _) if ctx.topics.get(tp.topic).is_none() => {
                    resp.error = ErrorCode::UnknownTopicOrPartition
                }
                (Some(r), Some(log)) if r.role == Role::Leader => {
                    let min_isr = Self::effective_min_isr(configured_min_isr, r);
                    if p.batch.bytes as u64 > topic_max {
                        resp.error = ErrorCode::MessageTooLarge;
                    } else if acks == Acks::All && r.isr.len() < min_isr {
                        resp.error = ErrorCode::NotEnoughReplicas;
                    } else {
                        match log.check_sequence(&p.batch) {
                            SequenceCheck::Duplicate(off) => {
                                resp.base_offset = off;
                                resp.leader_epoch = log
                                    .batch_at(off)
                                    .map(|b| b.partition_leader_epoch)
                                    .unwrap_or(r.leader_epoch);
                            }
                            SequenceCheck::OutOfOrder => {
                                resp.error = ErrorCode::OutOfOrderSequenceNumber
                            }
                            SequenceCheck::StaleEpoch => {
                                resp.error = ErrorCode::InvalidProducerEpoch
                            }
                            SequenceCheck::Accept => {
                                let stored = log.append_as_leader(p.batch, r.leader_epoch);
                                resp.base_offset = stored.base_offset;
                                resp.leader_epoch = stored.partition_leader_epoch;
                                wait_for = stored.next_offset();
                                waiting = acks == Acks::All;
                                ctx.event(SimEvent::LeaderAppend {
                                    broker: me,
                                    tp,
                                    batch: stored,
                                });
                            }
                        }
                    }
                }
                _ => resp.error = ErrorCode::NotLeaderOrFollower,
            }
            if matches!(
                resp.error,
                ErrorCode::NotEnoughReplicas | ErrorCode::MessageTooLarge
            ) {
                ctx.event(SimEvent::ProduceRejected {
                    broker: me,
                    tp,
                    error: resp.error,
                    records: p.batch.record_count,
                });
            }
            results.push((resp, wait_for, waiting));
        }
        // The append may let the HW move (ISR of one) and wakes waiting fetches.
        let mut tps = std::mem::take(&mut self.tp_scratch);
        tps.clear();
        tps.extend(results.iter().map(|(r, _, _)| r.tp));
        for tp in &tps {
            self.maybe_advance_hw(ctx, *tp);
        }
        self.complete_parked_fetches(ctx, &tps);
        self.tp_scratch = tps;
        match acks {
            // No response: the connection is unmuted once the request is handled.
            Acks::Zero => self.response_sent(ctx, from),
            Acks::One => self.send_produce_response(ctx, from, correlation_id, results),
            Acks::All => {
                let id = self.next_id();
                let deadline = ctx.now.saturating_add(ms(timeout_ms));
                self.parked_produces.insert(
                    id,
                    ParkedProduce {
                        from,
                        correlation_id,
                        deadline,
                        partitions: results,
                    },
                );
                self.try_complete_produce(ctx, id);
                if self.parked_produces.contains_key(&id) {
                    self.arm_produce_timeout(ctx, deadline);
                }
            }
        }
    }

    fn send_produce_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        to: NodeId,
        correlation_id: u64,
        results: Vec<(ProducePartitionResponse, u64, bool)>,
    ) {
        ctx.send(
            to,
            Message::ProduceResponse {
                correlation_id,
                partitions: {
                    let mut responses = Vec::with_capacity(results.len());
                    responses.extend(results.into_iter().map(|(r, _, _)| r));
                    responses
                },
            },
        );
        self.response_sent(ctx, to);
    }

    /// Completes a parked acks=all request once every partition's HW reached its batch, checking
    /// `min.insync.replicas` again at that point (NOT_ENOUGH_REPLICAS_AFTER_APPEND).
    fn try_complete_produce(&mut self, ctx: &mut Ctx<BrokerTimer>, id: u64) {
        let Some(parked) = self.parked_produces.get_mut(&id) else {
            return;
        };
        let mut all_done = true;
        for (resp, wait_for, waiting) in parked.partitions.iter_mut() {
            if !*waiting {
                continue;
            }
            let (Some(r), Some(log)) = (self.replicas.get(&resp.tp), self.disk.logs.get(&resp.tp))
            else {
                continue;
            };
            if r.role != Role::Leader {
                resp.error = ErrorCode::NotLeaderOrFollower;
                *waiting = false;
                continue;
            }
            if log.high_watermark() >= *wait_for {
                // `checkEnoughReplicasReachOffset`: past the HW, but the maximal ISR is now
                // below the effective min ISR. With the strict min ISR the HW rarely moves
                // then, so such a request usually ends in REQUEST_TIMED_OUT instead.
                let min_isr = Self::effective_min_isr(self.disk.min_insync(resp.tp.topic), r);
                let maximal = r
                    .isr
                    .len()
                    .max(r.pending_isr.as_ref().map_or(0, |p| p.len()));
                if maximal < min_isr {
                    resp.error = ErrorCode::NotEnoughReplicasAfterAppend;
                }
                *waiting = false;
            } else {
                all_done = false;
            }
        }
        if all_done {
            if let Some(p) = self.parked_produces.remove(&id) {
                self.send_produce_response(ctx, p.from, p.correlation_id, p.partitions);
            }
        }
    }

    pub(super) fn complete_parked_produces(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
    ) {
        let mut ids = std::mem::take(&mut self.id_scratch);
        ids.clear();
        ids.extend(
            self.parked_produces
                .iter()
                .filter(|(_, p)| p.partitions.iter().any(|(r, _, w)| *w && r.tp == tp))
                .map(|(&id, _)| id),
        );
        for &id in &ids {
            self.try_complete_produce(ctx, id);
        }
        self.id_scratch = ids;
    }

    fn arm_produce_timeout(&mut self, ctx: &mut Ctx<BrokerTimer>, deadline: SimTime) {
        if self.produce_timeout_timer.arm(deadline) {
            ctx.timer_at(deadline, BrokerTimer::ProduceTimeout);
        }
    }

    /// The produce-timeout timer fired: expires every parked produce whose timeout is over (in
    /// the order they were parked) and re-arms for the next.
    pub(super) fn on_produce_timeout_timer(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if !self.produce_timeout_timer.fire(ctx.now) {
            return;
        }
        for id in due_ids(self.parked_produces.iter(), ctx.now, |p| p.deadline) {
            self.expire_produce(ctx, id);
        }
        if let Some(next) = earliest_deadline(self.parked_produces.iter(), |p| p.deadline) {
            self.arm_produce_timeout(ctx, next);
        }
    }

    /// `request.timeout.ms` passed for a parked produce: REQUEST_TIMED_OUT where still waiting.
    fn expire_produce(&mut self, ctx: &mut Ctx<BrokerTimer>, id: u64) {
        if let Some(mut p) = self.parked_produces.remove(&id) {
            for (resp, _, waiting) in p.partitions.iter_mut() {
                if *waiting {
                    resp.error = ErrorCode::RequestTimedOut;
                    *waiting = false;
                }
            }
            self.send_produce_response(ctx, p.from, p.correlation_id, p.partitions);
        }
    }
}
