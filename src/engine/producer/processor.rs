//! The producer of a consume-transform-produce processor ([`crate::engine::processor`]): the
//! application hands it records as its consumer returns them, and at the end of each
//! transaction calls `sendOffsetsToTransaction(offsets, consumer.groupMetadata())` and
//! `commitTransaction()` (Kafka's `TransactionManager.sendOffsetsToTransaction`:
//! AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to the group
//! coordinator, both answered before EndTxn may be sent; KIP-447 carries the consumer's member
//! id and generation so a zombie's commit is refused).

use super::*;
use crate::engine::events::SimEvent;
use crate::engine::protocol::{ErrorCode, TxnMessage};
use crate::engine::txn::client::{OffsetsStage, TxnOffsets, TxnPhase, TxnProducer};

impl TxnProducer {
    /// The application committed and its offsets are not written yet.
    pub fn offsets_pending(&self) -> bool {
        self.offsets
            .as_ref()
            .is_some_and(|o| o.stage != OffsetsStage::Done)
    }

    /// The offsets wait for the group coordinator (lookup or TxnOffsetCommit in flight).
    pub fn offsets_awaiting_group_coordinator(&self) -> bool {
        self.offsets
            .as_ref()
            .is_some_and(|o| o.stage == OffsetsStage::Commit)
    }
}

/// What a processor's application sees of its producer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorProducerState {
    /// `initTransactions()` not finished.
    Initializing,
    /// Records may be sent (between transactions, or in an open one).
    Open,
    /// Committing or aborting: no records until the outcome.
    Ending,
    /// Fenced by a newer instance (`ProducerFencedException`).
    Fenced,
}

impl Producer {
    /// Makes this (transactional) producer a processor's: it sends only what the application
    /// hands it ([`Producer::processor_send`]) and ends transactions when told.
    pub fn set_processor_mode(&mut self) {
        if let Some(t) = self.txn.as_mut() {
            t.driven = true;
        }
    }

    /// The topic it writes.
    pub fn topic_index(&self) -> crate::engine::ids::TopicIdx {
        self.topic
    }

    /// Where the producer is, for the application.
    pub fn processor_state(&self) -> ProcessorProducerState {
        let Some(t) = self.txn.as_ref() else {
            return ProcessorProducerState::Fenced;
        };
        match t.phase {
            TxnPhase::FindCoordinator | TxnPhase::Initializing => {
                ProcessorProducerState::Initializing
            }
            TxnPhase::Fenced => ProcessorProducerState::Fenced,
            TxnPhase::Ready => ProcessorProducerState::Open,
            TxnPhase::InTransaction if !t.failed && !t.commit_requested => {
                ProcessorProducerState::Open
            }
            TxnPhase::InTransaction | TxnPhase::Ending => ProcessorProducerState::Ending,
        }
    }

    /// `send()` of `n` records to `partition`, beginning a transaction if none is open.
    /// Returns the first record's number in this producer's stream for the partition and how
    /// many were appended (fewer when `buffer.memory` is full: the transaction then aborts).
    pub fn processor_send(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        partition: u32,
        n: u32,
    ) -> Option<(u64, u32)> {
        if self.processor_state() != ProcessorProducerState::Open
            || partition >= self.partitions
            || n == 0
        {
            return None;
        }
        let t = self.txn.as_mut().expect("open");
        if t.phase == TxnPhase::Ready {
            t.phase = TxnPhase::InTransaction;
            t.records_in_txn = 0;
            t.added.clear();
            t.failed = false;
            t.began = ctx.now;
            t.abort_this = false;
            t.commit_requested = false;
            t.offsets = None;
        }
        let rec = self.record_bytes_for_processor();
        let first = self.next_record[partition as usize];
        // One batch at a time (a full batch closes and the next opens), as `send()` per record.
        let mut got = 0u32;
        while got < n {
            let appended = self.accumulator.append(
                partition,
                n - got,
                rec,
                ctx.now,
                ctx.now,
                first + got as u64,
                self.config.batch_size,
                ctx.now,
            );
            if appended == 0 {
                break; // buffer.memory exhausted
            }
            got += appended;
        }
        self.next_record[partition as usize] += got as u64;
        self.app.created += got as u64;
        self.sent += got as u64;
        let t = self.txn.as_mut().expect("open");
        t.records_in_txn += got as u64;
        if got < n {
            t.failed = true;
        }
        if got > 0 {
            ctx.event(SimEvent::RecordsSent {
                producer: self.index,
                records: got as u64,
                bytes: got as u64 * self.spec.record_size as u64,
            });
        }
        self.drain(ctx);
        Some((first, got))
    }

    fn record_bytes_for_processor(&self) -> u64 {
        super::workload::record_bytes(&self.spec)
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)` then `commitTransaction()`.
    pub fn processor_commit(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        group_id: String,
        member_id: String,
        generation: i32,
        offsets: Vec<(crate::engine::ids::TopicPartition, u64)>,
    ) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.phase != TxnPhase::InTransaction {
            return;
        }
        t.commit_requested = true;
        t.offsets = (!offsets.is_empty()).then_some(TxnOffsets {
            group_id,
            member_id,
            generation,
            offsets,
            stage: OffsetsStage::AddOffsets,
        });
        self.drain(ctx);
        self.txn_step(ctx);
    }

    /// `abortTransaction()`.
    pub fn processor_abort(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.phase != TxnPhase::InTransaction {
            return;
        }
        t.failed = true;
        t.commit_requested = true;
        self.txn_step(ctx);
    }

    /// Outcomes of the transactions ended since the last call (true = committed).
    pub fn take_outcomes(&mut self) -> Vec<bool> {
        self.txn
            .as_mut()
            .map(|t| std::mem::take(&mut t.outcomes))
            .unwrap_or_default()
    }

    /// After `ProducerFencedException` the application closes the producer and creates a new
    /// one with the same `transactional.id` (`initTransactions()` again): what it had queued
    /// or in flight is failed, and InitProducerId bumps the epoch.
    pub fn processor_reinit(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        let Some(t) = self.txn.as_ref() else {
            return;
        };
        if t.phase != TxnPhase::Fenced {
            return;
        }
        let (id, rpt) = (t.transactional_id.clone(), t.records_per_txn);
        let mut fresh = TxnProducer::new(id, rpt, 0.0);
        fresh.driven = true;
        fresh.committed = t.committed;
        fresh.aborted = t.aborted;
        self.txn = Some(fresh);
        self.accumulator = RecordAccumulator::new(self.partitions, self.config.buffer_memory);
        self.in_flight = VecMap::new();
        self.in_flight_per_broker.iter_mut().for_each(|n| *n = 0);
        self.txn_step(ctx);
    }

    /// The next step of `sendOffsetsToTransaction` (correlation id `c` reserved by the caller).
    pub(super) fn offsets_step(&mut self, ctx: &mut Ctx<ProducerTimer>, c: u64) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        let Some(o) = t.offsets.clone() else {
            return;
        };
        match o.stage {
            OffsetsStage::AddOffsets => {
                let Some(co) = t.coordinator else {
                    return;
                };
                let msg = TxnMessage::AddOffsets {
                    correlation_id: c,
                    transactional_id: t.transactional_id.clone(),
                    producer_id: t.producer_id,
                    epoch: t.epoch,
                    group_id: o.group_id,
                };
                self.txn_send_message(ctx, co, Message::Txn(Box::new(msg)), c);
            }
            OffsetsStage::Commit => match t.group_coordinator {
                None => {
                    t.group_lookup = Some(c);
                    let b = self.bootstrap[(c as usize) % self.bootstrap.len().max(1)];
                    let msg = Message::FindCoordinatorRequest {
                        correlation_id: c,
                        group_id: o.group_id,
                    };
                    self.txn_send_message(ctx, b, msg, c);
                }
                Some(gc) => {
                    let msg = TxnMessage::TxnOffsetCommit {
                        correlation_id: c,
                        transactional_id: t.transactional_id.clone(),
                        group_id: o.group_id,
                        producer_id: t.producer_id,
                        epoch: t.epoch,
                        member_id: o.member_id,
                        generation: o.generation,
                        offsets: o.offsets,
                    };
                    self.txn_send_message(ctx, gc, Message::Txn(Box::new(msg)), c);
                }
            },
            OffsetsStage::Done => {}
        }
    }

    /// The answer to AddOffsetsToTxn (an AddPartitionsToTxn response to the request made in
    /// the AddOffsets stage); returns whether `msg` was it.
    pub(super) fn on_add_offsets_response(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        msg: &TxnMessage,
    ) -> bool {
        let TxnMessage::AddPartitionsResponse {
            correlation_id,
            error,
        } = *msg
        else {
            return false;
        };
        let Some(t) = self.txn.as_mut() else {
            return false;
        };
        let in_stage = t
            .offsets
            .as_ref()
            .is_some_and(|o| o.stage == OffsetsStage::AddOffsets);
        if t.request.map(|r| r.0) != Some(correlation_id) || !in_stage {
            return false;
        }
        if t.phase == TxnPhase::Fenced {
            return true;
        }
        t.request = None;
        match error {
            ErrorCode::None => {
                if let Some(o) = t.offsets.as_mut() {
                    o.stage = OffsetsStage::Commit;
                }
                self.txn_step(ctx);
            }
            ErrorCode::ProducerFenced | ErrorCode::InvalidProducerEpoch => {
                self.txn_fenced(ctx, error)
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                t.coordinator = None;
                self.txn_retry_later(ctx);
            }
            e if e.is_retriable() => self.txn_retry_later(ctx),
            _ => {
                t.failed = true;
                self.txn_step(ctx);
            }
        }
        true
    }

    /// The group coordinator's answer to TxnOffsetCommit.
    pub(super) fn on_txn_offset_commit(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        correlation_id: u64,
        error: ErrorCode,
    ) {
        let Some(t) = self.txn.as_mut() else {
            return;
        };
        if t.request.map(|r| r.0) != Some(correlation_id) || t.phase == TxnPhase::Fenced {
            return;
        }
        t.request = None;
        match error {
            ErrorCode::None => {
                if let Some(o) = t.offsets.as_mut() {
                    o.stage = OffsetsStage::Done;
                }
                self.txn_step(ctx);
            }
            ErrorCode::ProducerFenced | ErrorCode::InvalidProducerEpoch => {
                self.txn_fenced(ctx, error)
            }
            ErrorCode::UnknownMemberId
            | ErrorCode::IllegalGeneration
            | ErrorCode::FencedInstanceId
            | ErrorCode::RebalanceInProgress => {
                // CommitFailedException (KIP-447: a member of an older generation is a
                // zombie): the transaction can only abort.
                ctx.event(SimEvent::TxnOffsetCommitRejected {
                    producer: self.index,
                    error,
                });
                t.failed = true;
                self.txn_step(ctx);
            }
            _ => {
                t.group_coordinator = None;
                self.txn_retry_later(ctx);
            }
        }
    }

    /// A driven producer's transaction request went to `peer`, whose process died: it is
    /// failed now rather than after `request.timeout.ms`.
    pub(super) fn txn_request_disconnected(&mut self, ctx: &mut Ctx<ProducerTimer>, peer: u32) {
        let Some(t) = self.txn.as_ref() else {
            return;
        };
        if !t.driven || t.request_to != Some(peer) {
            return;
        }
        if let Some((c, _)) = t.request {
            self.on_txn_timeout(ctx, c);
        }
    }
}
