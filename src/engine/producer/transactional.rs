//! The transactional producer's loop (Kafka's `TransactionManager` driven by an application
//! that calls `initTransactions()`, then `beginTransaction()`, N × `send()`,
//! `commitTransaction()` or — a seeded fraction of the time — `abortTransaction()`, forever):
//! FindCoordinator (key type TRANSACTION), InitProducerId (which fences older instances),
//! batches sent straight to the leaders (under transaction version 2, KIP-890, the leader adds
//! a partition to the transaction before appending its first batch: `broker/txn_verify.rs`),
//! EndTxn once every record of the transaction is acknowledged. EndTxn returns the bumped epoch (KIP-890) and
//! every partition's sequence restarts at 0. `PRODUCER_FENCED` / `INVALID_PRODUCER_EPOCH`
//! are fatal: the producer stops (`ProducerFencedException`).

use super::*;
use crate::engine::events::SimEvent;
use crate::engine::protocol::{ErrorCode, TxnMessage};
use crate::engine::time::{after_ms, ms};
use crate::engine::txn::client::TxnPhase;

impl Producer {
    /// The producer id its batches carry.
    pub(super) fn wire_producer_id(&self, idempotent: bool) -> i64 {
        match &self.txn {
            Some(t) => t.producer_id,
            None if idempotent => super::sender::PRODUCER_ID_BASE + self.index as i64,
            None => -1,
        }
    }

    /// How many records the application may send now (a transactional producer sends only
    /// inside a transaction, at most its records per transaction); begins a transaction when
    /// between two.
    pub(super) fn txn_room(&mut self, ctx: &mut Ctx<ProducerTimer>, wanted: u64) -> u64 {
        let Some(t) = self.txn.as_mut() else {
            return wanted;
        };
        if t.phase == TxnPhase::Ready && wanted > 0 {
            t.phase = TxnPhase::InTransaction;
            t.records_in_txn = 0;
            t.added.clear();
            t.failed = false;
            t.began = ctx.now;
            t.abort_this = t.abort_ratio > 0.0 && ctx.rng.unit_f64() < t.abort_ratio;
        }
        wanted.min(t.room())
    }

    /// `n` records were appended in the current transaction.
    pub(super) fn txn_appended(&mut self, n: u64) {
        if let Some(t) = self.txn.as_mut() {
            t.records_in_txn += n;
        }
    }

    fn txn_send(&mut self, ctx: &mut Ctx<ProducerTimer>, to: u32, msg: TxnMessage, c: u64) {
        self.txn_send_message(ctx, to, Message::Txn(Box::new(msg)), c);
    }

    pub(super) fn txn_send_message(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        to: u32,
        msg: Message,
        c: u64,
    ) {
        if let Some(t) = self.txn.as_mut() {
            t.request = Some((c, ctx.now + ms(self.config.request_timeout_ms)));
            t.request_to = Some(to);
        }
        ctx.send(NodeId(to), msg);
        ctx.timer_at(
            ctx.now + ms(self.config.request_timeout_ms),
            ProducerTimer::TxnRequestTimeout { correlation_id: c },
        );
    }

    /// Sends the request the current phase needs, if none is in flight: FindCoordinator,
    /// InitProducerId, the offsets of a processor's transaction, or EndTxn once the
    /// transaction's records are all acknowledged.
    pub(super) fn txn_step(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        let idle =
            self.in_flight.is_empty() && self.accumulator.queues.iter().all(|q| q.is_empty());
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.request.is_some() {
            return;
        }
        let id = t.transactional_id.clone();
        self.next_correlation += 1;
        let c = self.next_correlation;
        let t = self.txn.as_mut().expect("checked");
        let (to, msg) = match (t.phase, t.coordinator) {
            (TxnPhase::FindCoordinator, _) | (_, None) => {
                let b = self.bootstrap[(c as usize) % self.bootstrap.len().max(1)];
                (
                    b,
                    TxnMessage::FindCoordinator {
                        correlation_id: c,
                        transactional_id: id,
                    },
                )
            }
            (TxnPhase::Initializing, Some(co)) => (
                co,
                TxnMessage::InitProducerId {
                    correlation_id: c,
                    transactional_id: id,
                    timeout_ms: self.config.transaction_timeout_ms,
                },
            ),
            (TxnPhase::InTransaction, Some(_))
                if t.driven && !t.failed && t.commit_requested && t.offsets_pending() =>
            {
                return self.offsets_step(ctx, c);
            }
            (TxnPhase::InTransaction, Some(co)) if idle && t.may_end() => {
                t.phase = TxnPhase::Ending;
                (
                    co,
                    TxnMessage::EndTxn {
                        correlation_id: c,
                        transactional_id: id,
                        producer_id: t.producer_id,
                        epoch: t.epoch,
                        commit: !(t.abort_this || t.failed),
                    },
                )
            }
            (TxnPhase::Ending, Some(co)) => (
                co,
                TxnMessage::EndTxn {
                    correlation_id: c,
                    transactional_id: id,
                    producer_id: t.producer_id,
                    epoch: t.epoch,
                    commit: !(t.abort_this || t.failed),
                },
            ),
            _ => return,
        };
        self.txn_send(ctx, to, msg, c);
    }

    pub(super) fn txn_retry_later(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        if let Some(t) = self.txn.as_mut() {
            t.request = None;
        }
        ctx.timer_at(
            after_ms(ctx.now, self.config.retry_backoff_ms),
            ProducerTimer::TxnRetry,
        );
    }

    pub(super) fn txn_fenced(&mut self, ctx: &mut Ctx<ProducerTimer>, error: ErrorCode) {
        if let Some(t) = self.txn.as_mut() {
            if t.phase == TxnPhase::Fenced {
                return;
            }
            t.phase = TxnPhase::Fenced;
            t.request = None;
        }
        ctx.event(SimEvent::ProducerFenced {
            producer: self.index,
            error,
        });
    }

    /// A batch failed for good: the transaction can only abort; a fencing error stops the
    /// producer.
    pub(super) fn txn_batch_failed(&mut self, ctx: &mut Ctx<ProducerTimer>, error: ErrorCode) {
        if self.txn.is_none() {
            return;
        }
        if matches!(
            error,
            ErrorCode::InvalidProducerEpoch | ErrorCode::ProducerFenced
        ) {
            self.txn_fenced(ctx, error);
        } else if let Some(t) = self.txn.as_mut() {
            t.failed = true;
        }
    }

    /// The FindCoordinator answer for the transactional id.
    pub(super) fn on_txn_coordinator(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        correlation_id: u64,
        error: ErrorCode,
        coordinator: u32,
    ) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.request.map(|r| r.0) != Some(correlation_id) {
            return;
        }
        t.request = None;
        if error != ErrorCode::None {
            return self.txn_retry_later(ctx);
        }
        if t.group_lookup.take() == Some(correlation_id) {
            t.group_coordinator = Some(coordinator);
            return self.txn_step(ctx);
        }
        t.coordinator = Some(coordinator);
        if t.phase == TxnPhase::FindCoordinator {
            t.phase = TxnPhase::Initializing;
        }
        self.txn_step(ctx);
    }

    /// A transaction coordinator's answer.
    pub(super) fn on_txn_message(&mut self, ctx: &mut Ctx<ProducerTimer>, msg: TxnMessage) {
        if let TxnMessage::TxnOffsetCommitResponse {
            correlation_id,
            error,
        } = msg
        {
            return self.on_txn_offset_commit(ctx, correlation_id, error);
        }
        if self.on_add_offsets_response(ctx, &msg) {
            return;
        }
        let (c, error) = match &msg {
            TxnMessage::InitProducerIdResponse {
                correlation_id,
                error,
                ..
            }
            | TxnMessage::AddPartitionsResponse {
                correlation_id,
                error,
            }
            | TxnMessage::EndTxnResponse {
                correlation_id,
                error,
                ..
            } => (*correlation_id, *error),
            _ => return,
        };
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.request.map(|r| r.0) != Some(c) || t.phase == TxnPhase::Fenced {
            return;
        }
        t.request = None;
        match error {
            ErrorCode::None => {}
            ErrorCode::ProducerFenced | ErrorCode::InvalidProducerEpoch => {
                return self.txn_fenced(ctx, error)
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                t.coordinator = None;
                return self.txn_retry_later(ctx);
            }
            _ => return self.txn_retry_later(ctx),
        }
        match msg {
            TxnMessage::InitProducerIdResponse {
                producer_id, epoch, ..
            } => {
                t.producer_id = producer_id;
                t.epoch = epoch;
                t.phase = TxnPhase::Ready;
                self.sequences = idempotence::Sequences::new(self.partitions);
                self.sequences.epoch = epoch;
                for s in &mut self.sequences.partitions {
                    s.epoch = epoch;
                }
                self.schedule_tick(ctx, ctx.now);
            }
            TxnMessage::EndTxnResponse { epoch, .. } => {
                if t.abort_this || t.failed {
                    t.aborted += 1;
                } else {
                    t.committed += 1;
                }
                if t.driven {
                    t.outcomes.push(!(t.abort_this || t.failed));
                    t.commit_requested = false;
                    t.offsets = None;
                    t.failed = false;
                }
                t.epoch = epoch;
                t.phase = TxnPhase::Ready;
                t.added.clear();
                t.records_in_txn = 0;
                // KIP-890: the next transaction runs under the bumped epoch, sequences from 0.
                self.sequences = idempotence::Sequences::new(self.partitions);
                self.sequences.epoch = epoch;
                for s in &mut self.sequences.partitions {
                    s.epoch = epoch;
                }
                self.schedule_tick(ctx, ctx.now);
            }
            _ => {}
        }
        self.txn_step(ctx);
    }

    /// A transaction request went unanswered (or could not be delivered): look for the
    /// coordinator again and retry.
    pub(super) fn on_txn_timeout(&mut self, ctx: &mut Ctx<ProducerTimer>, correlation_id: u64) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.request.map(|r| r.0) != Some(correlation_id) {
            return;
        }
        if t.group_lookup.take().is_some() || t.offsets_awaiting_group_coordinator() {
            // The group coordinator is looked up again; the transaction coordinator stays.
            t.group_coordinator = None;
            return self.txn_retry_later(ctx);
        }
        t.coordinator = None;
        self.txn_retry_later(ctx);
    }
}
