//! The group coordinator's writes to `__consumer_offsets`: offset commits and group metadata are
//! records appended to the group's offsets partition by the broker leading it, replicated like
//! any other partition, and an OffsetCommit is answered only once its records are committed
//! (the high watermark passed them) — or with `REQUEST_TIMED_OUT` after
//! `offsets.commit.timeout.ms` (5 s), or `NOT_COORDINATOR` if leadership moved first. Kafka's
//! group coordinator runtime (`CoordinatorRuntime`) completes a write the same way.

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::group::CoordinatorWrite;
use crate::engine::ids::NodeId;
use crate::engine::protocol::{ErrorCode, Message};
use crate::engine::time::ms;
use crate::engine::timer::{due_ids, earliest_deadline, BrokerTimer};

/// `offsets.commit.timeout.ms` (default 5000).
pub const OFFSETS_COMMIT_TIMEOUT_MS: u64 = 5_000;

/// What a coordinator appends: an internal record, or a (control) batch.
#[derive(Clone, Debug)]
pub(super) enum InternalOrBatch {
    Internal(crate::engine::protocol::InternalRecord),
    Batch(crate::engine::protocol::RecordBatch),
}

/// A coordinator response waiting for its records to be committed.
#[derive(Clone, Debug)]
pub struct ParkedWrite {
    tp: TopicPartition,
    /// The high watermark that commits the write.
    end_offset: u64,
    to: NodeId,
    reply: Message,
    deadline: SimTime,
}

/// The same response with `error` (an OffsetCommit's error field).
fn with_error(reply: Message, error: ErrorCode) -> Message {
    match reply {
        Message::OffsetCommitResponse {
            correlation_id,
            offsets,
            ..
        } => Message::OffsetCommitResponse {
            correlation_id,
            error,
            offsets,
        },
        Message::Txn(t) => Message::Txn(Box::new(t.with_error(error))),
        other => other,
    }
}

impl BrokerProcess {
    /// Appends what the coordinator wrote since the last call to the offsets partitions this
    /// broker leads, and parks the responses until the writes are committed.
    /// Sends a parked write's answer, or — for a transaction coordinator's own write (addressed
    /// to this broker) — hands it to the coordinator here.
    pub(super) fn deliver(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        to: NodeId,
        reply: Message,
        error: ErrorCode,
    ) {
        if to == NodeId(self.id) {
            if let Message::Txn(t) = reply {
                self.on_txn_log_write(ctx, *t, error);
            }
        } else {
            ctx.send(to, with_error(reply, error));
        }
    }

    /// Appends `record` to `tp` (led here) and parks `reply` for `to` until it is committed;
    /// answers `NOT_COORDINATOR` at once when this broker does not lead `tp`.
    pub(super) fn append_internal_and_park(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
        record: InternalOrBatch,
        reply: Option<(NodeId, Message)>,
    ) {
        let leader_epoch = self
            .replicas
            .get(&tp)
            .filter(|r| r.role == Role::Leader)
            .map(|r| r.leader_epoch);
        let (Some(epoch), Some(log)) = (leader_epoch, self.disk.logs.get_mut(&tp)) else {
            if let Some((to, msg)) = reply {
                self.deliver(ctx, to, msg, ErrorCode::NotCoordinator);
            }
            return;
        };
        let stored = match record {
            InternalOrBatch::Internal(record) => {
                log.append_internal_as_leader(record, epoch, ctx.now)
            }
            InternalOrBatch::Batch(batch) => {
                let stored = log.append_as_leader(batch, epoch);
                ctx.event(crate::engine::events::SimEvent::LeaderAppend {
                    broker: self.id,
                    tp,
                    batch: stored,
                });
                stored
            }
        };
        if let Some((to, msg)) = reply {
            let id = self.next_id();
            let deadline = ctx.now + ms(OFFSETS_COMMIT_TIMEOUT_MS);
            self.parked_writes.insert(
                id,
                ParkedWrite {
                    tp,
                    end_offset: stored.next_offset(),
                    to,
                    reply: msg,
                    deadline,
                },
            );
            if self.write_timeout_timer.arm(deadline) {
                ctx.timer_at(deadline, BrokerTimer::CoordinatorWriteTimeout);
            }
        }
        self.maybe_advance_hw(ctx, tp);
        self.complete_parked_fetches(ctx, &[tp]);
    }

    pub(super) fn flush_coordinator_writes(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let writes = self.coordinator.take_writes();
        if writes.is_empty() {
            return;
        }
        let Some(topic) = ctx.topics.offsets_topic() else {
            return;
        };
        for CoordinatorWrite {
            partition,
            record,
            reply,
        } in writes
        {
            let tp = TopicPartition::new(topic, partition);
            let leader_epoch = self
                .replicas
                .get(&tp)
                .filter(|r| r.role == Role::Leader)
                .map(|r| r.leader_epoch);
            let (Some(epoch), Some(log)) = (leader_epoch, self.disk.logs.get_mut(&tp)) else {
                if let Some((to, msg)) = reply {
                    ctx.send(to, with_error(msg, ErrorCode::NotCoordinator));
                }
                continue;
            };
            let stored = log.append_internal_as_leader(record, epoch, ctx.now);
            if let Some((to, msg)) = reply {
                let id = self.next_id();
                let deadline = ctx.now + ms(OFFSETS_COMMIT_TIMEOUT_MS);
                self.parked_writes.insert(
                    id,
                    ParkedWrite {
                        tp,
                        end_offset: stored.next_offset(),
                        to,
                        reply: msg,
                        deadline,
                    },
                );
                if self.write_timeout_timer.arm(deadline) {
                    ctx.timer_at(deadline, BrokerTimer::CoordinatorWriteTimeout);
                }
            }
            self.maybe_advance_hw(ctx, tp);
            self.complete_parked_fetches(ctx, &[tp]);
        }
    }

    /// The high watermark of `tp` moved (or its leadership did): answers the writes it
    /// committed, and — when this broker no longer leads `tp` — fails the rest.
    pub(super) fn complete_coordinator_writes(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        tp: TopicPartition,
    ) {
        if self.parked_writes.is_empty() {
            return;
        }
        let leads = self
            .replicas
            .get(&tp)
            .is_some_and(|r| r.role == Role::Leader);
        let hw = self
            .disk
            .logs
            .get(&tp)
            .map(|l| l.high_watermark())
            .unwrap_or(0);
        let done: Vec<u64> = self
            .parked_writes
            .iter()
            .filter(|(_, w)| w.tp == tp && (!leads || hw >= w.end_offset))
            .map(|(&id, _)| id)
            .collect();
        for id in done {
            if let Some(w) = self.parked_writes.remove(&id) {
                let error = if leads {
                    ErrorCode::None
                } else {
                    ErrorCode::NotCoordinator
                };
                self.deliver(ctx, w.to, w.reply, error);
            }
        }
    }

    /// The write-timeout timer fired: writes not committed in `offsets.commit.timeout.ms` are
    /// answered with `REQUEST_TIMED_OUT`.
    pub(super) fn on_coordinator_write_timeout(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if !self.write_timeout_timer.fire(ctx.now) {
            return;
        }
        for id in due_ids(self.parked_writes.iter(), ctx.now, |w| w.deadline) {
            if let Some(w) = self.parked_writes.remove(&id) {
                self.deliver(ctx, w.to, w.reply, ErrorCode::RequestTimedOut);
            }
        }
        if let Some(next) = earliest_deadline(self.parked_writes.iter(), |w| w.deadline) {
            if self.write_timeout_timer.arm(next) {
                ctx.timer_at(next, BrokerTimer::CoordinatorWriteTimeout);
            }
        }
    }
}
