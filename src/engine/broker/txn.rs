//! The broker's side of transactions: it routes transaction RPCs to the coordinator it hosts
//! (for the `__transaction_state` partitions it leads), appends the coordinator's records to
//! that log, and — as a partition leader — writes the COMMIT/ABORT markers it is sent
//! (`WriteTxnMarkers`, appended as a control batch and answered once replicated, as Kafka
//! appends markers with acks=all).

use super::coordinator_log::InternalOrBatch;
use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::ids::NodeId;
use crate::engine::protocol::{
    ErrorCode, InternalRecord, Message, RecordBatch, RecordIds, TxnMessage, ATTR_COMMIT,
    ATTR_CONTROL, ATTR_TRANSACTIONAL,
};
use crate::engine::timer::BrokerTimer;

impl BrokerProcess {
    /// A transaction RPC arrived.
    pub(super) fn handle_txn(&mut self, ctx: &mut Ctx<BrokerTimer>, from: NodeId, msg: TxnMessage) {
        let partitions = ctx
            .topics
            .txn_topic()
            .map(|t| ctx.topics.partitions(t))
            .unwrap_or(0);
        match msg {
            TxnMessage::FindCoordinator {
                correlation_id,
                transactional_id,
            } => {
                let leader = ctx.topics.txn_topic().and_then(|t| {
                    let p =
                        crate::engine::group::offsets_partition_for(&transactional_id, partitions);
                    self.disk
                        .metadata
                        .partitions
                        .get(&TopicPartition::new(t, p))
                        .and_then(|s| s.leader)
                });
                let (error, coordinator) = match leader {
                    Some(l) => (ErrorCode::None, l),
                    None => (ErrorCode::CoordinatorNotAvailable, 0),
                };
                ctx.send(
                    from,
                    Message::FindCoordinatorResponse {
                        correlation_id,
                        error,
                        coordinator,
                    },
                );
            }
            m @ (TxnMessage::InitProducerId { .. }
            | TxnMessage::AddPartitions { .. }
            | TxnMessage::EndTxn { .. }) => {
                self.txn_coordinator
                    .handle_request(ctx, from, m, partitions);
                self.flush_txn_writes(ctx);
            }
            TxnMessage::AddOffsets {
                correlation_id,
                transactional_id,
                producer_id,
                epoch,
                group_id,
            } => {
                // `KafkaApis.handleAddOffsetsToTxnRequest`: the group's offsets partition is
                // added to the transaction like any partition.
                let Some(offsets) = ctx.topics.offsets_topic() else {
                    return;
                };
                let n = ctx.topics.partitions(offsets);
                let tp = TopicPartition::new(
                    offsets,
                    crate::engine::group::offsets_partition_for(&group_id, n),
                );
                let m = TxnMessage::AddPartitions {
                    correlation_id,
                    transactional_id,
                    producer_id,
                    epoch,
                    partitions: vec![tp],
                };
                self.txn_coordinator
                    .handle_request(ctx, from, m, partitions);
                self.flush_txn_writes(ctx);
            }
            m @ TxnMessage::TxnOffsetCommit { .. } => {
                self.coordinator.handle_txn_offset_commit(
                    &mut ctx.part(),
                    from,
                    m,
                    &self.led_offsets_partitions,
                );
                self.flush_coordinator_writes(ctx);
            }
            TxnMessage::WriteMarker {
                correlation_id,
                tp,
                producer_id,
                epoch,
                commit,
            } => self.write_marker(ctx, from, correlation_id, tp, producer_id, epoch, commit),
            TxnMessage::AddPartitionsResponse {
                correlation_id,
                error,
            } => self.on_verification_response(ctx, from, correlation_id, error),
            TxnMessage::WriteMarkerResponse {
                correlation_id,
                tp,
                error,
            } => {
                self.txn_coordinator
                    .on_marker_response(ctx, correlation_id, tp, error);
                self.flush_txn_writes(ctx);
            }
            _ => {}
        }
    }

    /// Appends the coordinator's pending records to `__transaction_state`; each one's effect is
    /// handed back to the coordinator when committed.
    pub(super) fn flush_txn_writes(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let writes = self.txn_coordinator.take_writes();
        let Some(topic) = ctx.topics.txn_topic() else {
            return;
        };
        for w in writes {
            let tp = TopicPartition::new(topic, w.partition);
            let done = TxnMessage::LogWriteDone {
                transactional_id: w.value.transactional_id.clone(),
                state: w.value.state,
            };
            let record = InternalOrBatch::Internal(InternalRecord::TxnLog(Box::new(w.value)));
            let me = NodeId(self.id);
            self.append_internal_and_park(
                ctx,
                tp,
                record,
                Some((me, Message::Txn(Box::new(done)))),
            );
        }
    }

    /// A parked `__transaction_state` write completed (or failed with `error`).
    pub(super) fn on_txn_log_write(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        msg: TxnMessage,
        error: ErrorCode,
    ) {
        if let TxnMessage::LogWriteDone {
            transactional_id,
            state,
        } = msg
        {
            if error == ErrorCode::None {
                self.txn_coordinator
                    .on_log_write_done(ctx, &transactional_id, state);
                let sends = self.txn_coordinator.send_markers(ctx, &self.disk.metadata);
                self.dispatch_markers(ctx, sends);
            } else {
                self.txn_coordinator
                    .on_log_write_failed(ctx, &transactional_id, error);
            }
            self.flush_txn_writes(ctx);
        } else if let TxnMessage::WriteMarkerResponse {
            correlation_id, tp, ..
        } = msg
        {
            self.txn_coordinator
                .on_marker_response(ctx, correlation_id, tp, error);
            self.flush_txn_writes(ctx);
        }
    }

    /// Sends the coordinator's markers; one for a partition led here is written directly.
    pub(super) fn dispatch_markers(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        sends: Vec<(BrokerId, TxnMessage)>,
    ) {
        for (leader, msg) in sends {
            if leader == self.id {
                self.handle_txn(ctx, NodeId(self.id), msg);
            } else {
                ctx.send(NodeId(leader), Message::Txn(Box::new(msg)));
            }
        }
    }

    /// `WriteTxnMarkers` for one partition: a control batch appended by the leader, answered
    /// once the high watermark passes it; an older producer epoch than the log's is refused
    /// (INVALID_PRODUCER_EPOCH), a replica that is not the leader answers NOT_LEADER_OR_FOLLOWER.
    #[allow(clippy::too_many_arguments)]
    fn write_marker(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        from: NodeId,
        correlation_id: u64,
        tp: TopicPartition,
        producer_id: i64,
        epoch: i16,
        commit: bool,
    ) {
        let reply = TxnMessage::WriteMarkerResponse {
            correlation_id,
            tp,
            error: ErrorCode::None,
        };
        let leads = self
            .replicas
            .get(&tp)
            .is_some_and(|r| r.role == Role::Leader);
        let marker = RecordBatch {
            base_offset: 0,
            record_count: 1,
            bytes: 78,
            producer_id,
            producer_epoch: epoch,
            base_sequence: -1,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: u32::MAX,
                first_record: 0,
            },
            first_create_time: ctx.now,
            last_create_time: ctx.now,
            attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL | if commit { ATTR_COMMIT } else { 0 },
        };
        let stale = self.disk.logs.get(&tp).is_some_and(|log| {
            log.check_sequence(&marker) == crate::engine::log::SequenceCheck::StaleEpoch
        });
        let error = if !leads {
            ErrorCode::NotLeaderOrFollower
        } else if stale {
            ErrorCode::InvalidProducerEpoch
        } else {
            ErrorCode::None
        };
        if error != ErrorCode::None {
            self.deliver(ctx, from, Message::Txn(Box::new(reply)), error);
            return;
        }
        let reply = Some((from, Message::Txn(Box::new(reply))));
        self.append_internal_and_park(ctx, tp, InternalOrBatch::Batch(marker), reply);
        if ctx.topics.offsets_topic() == Some(tp.topic) {
            // The group coordinator applies the marker to its pending transactional offsets.
            let n = ctx.topics.partitions(tp.topic);
            self.coordinator
                .on_txn_marker(tp.partition, n, producer_id, commit);
        }
    }
}
