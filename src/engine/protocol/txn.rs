//! Transaction RPCs (KIP-98, Kafka 4.x): FindCoordinator for a `transactional.id`,
//! InitProducerId, AddPartitionsToTxn, EndTxn between a transactional producer and its
//! transaction coordinator, and WriteTxnMarkers from the coordinator to partition leaders.
//! One enum, boxed in [`super::Message::Txn`], so these rare messages do not grow every message.

use serde::{Deserialize, Serialize};

use super::ErrorCode;
use crate::engine::ids::TopicPartition;

/// A transaction's state in the coordinator (`TransactionState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TxnState {
    /// No transaction open (after InitProducerId).
    Empty,
    /// Partitions added; records may be in the logs.
    Ongoing,
    /// EndTxn(commit) written: markers being written.
    PrepareCommit,
    /// EndTxn(abort) or a timeout written: markers being written.
    PrepareAbort,
    /// Every COMMIT marker written.
    CompleteCommit,
    /// Every ABORT marker written.
    CompleteAbort,
}

impl TxnState {
    /// Kafka's name, e.g. `PrepareCommit`.
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Empty => "Empty",
            TxnState::Ongoing => "Ongoing",
            TxnState::PrepareCommit => "PrepareCommit",
            TxnState::PrepareAbort => "PrepareAbort",
            TxnState::CompleteCommit => "CompleteCommit",
            TxnState::CompleteAbort => "CompleteAbort",
        }
    }
}

/// One entry of a partition's aborted-transaction index (`AbortedTxn`): producer `producer_id`
/// wrote transactional batches from `first_offset` that an ABORT marker at `last_offset` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortedTxn {
    /// Producer id.
    pub producer_id: i64,
    /// First offset of the transaction in this partition.
    pub first_offset: u64,
    /// Offset of its ABORT marker.
    pub last_offset: u64,
}

/// Transaction RPCs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TxnMessage {
    /// Producer → any broker: `FindCoordinator` with key type TRANSACTION. Answered with
    /// [`super::Message::FindCoordinatorResponse`].
    FindCoordinator {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
    },
    /// Producer → coordinator: `InitProducerId` (bumps the epoch, fencing older instances).
    InitProducerId {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
        /// `transaction.timeout.ms`.
        timeout_ms: u64,
    },
    /// Coordinator → producer.
    InitProducerIdResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
        /// Producer id.
        producer_id: i64,
        /// Producer epoch.
        epoch: i16,
    },
    /// Producer → coordinator: `AddPartitionsToTxn`.
    AddPartitions {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
        /// Producer id.
        producer_id: i64,
        /// Producer epoch.
        epoch: i16,
        /// Partitions to add.
        partitions: Vec<TopicPartition>,
    },
    /// Coordinator → producer.
    AddPartitionsResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None` (one code for all partitions here).
        error: ErrorCode,
    },
    /// Producer → coordinator: `EndTxn`.
    EndTxn {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
        /// Producer id.
        producer_id: i64,
        /// Producer epoch.
        epoch: i16,
        /// Commit (true) or abort.
        commit: bool,
    },
    /// Coordinator → producer: the outcome is decided (PREPARE written).
    EndTxnResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
        /// The epoch for the next transaction (KIP-890: bumped at every EndTxn).
        epoch: i16,
    },
    /// Coordinator → partition leader: `WriteTxnMarkers` for one partition.
    WriteMarker {
        /// Correlation id.
        correlation_id: u64,
        /// Partition.
        tp: TopicPartition,
        /// Producer id.
        producer_id: i64,
        /// The marker's producer epoch.
        epoch: i16,
        /// COMMIT (true) or ABORT.
        commit: bool,
    },
    /// Leader → coordinator, once the marker is replicated (acks=all).
    WriteMarkerResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Partition.
        tp: TopicPartition,
        /// Error, or `None`.
        error: ErrorCode,
    },
    /// Producer → any broker hosting the transaction coordinator: `AddOffsetsToTxn` — the
    /// broker adds the group's `__consumer_offsets` partition to the transaction, as
    /// `KafkaApis.handleAddOffsetsToTxnRequest` does; answered with [`TxnMessage::AddPartitionsResponse`].
    AddOffsets {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
        /// Producer id.
        producer_id: i64,
        /// Producer epoch.
        epoch: i16,
        /// `group.id` whose offsets the transaction will commit.
        group_id: String,
    },
    /// Producer → group coordinator: `TxnOffsetCommit` with the consumer's group metadata
    /// (KIP-447: the coordinator checks member id and generation, fencing zombies).
    TxnOffsetCommit {
        /// Correlation id.
        correlation_id: u64,
        /// `transactional.id`.
        transactional_id: String,
        /// `group.id`.
        group_id: String,
        /// Producer id.
        producer_id: i64,
        /// Producer epoch.
        epoch: i16,
        /// The consumer's member id.
        member_id: String,
        /// The consumer's generation.
        generation: i32,
        /// Offset per partition (the next record to read).
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// Group coordinator → producer, once the pending offsets are written.
    TxnOffsetCommitResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
    },
    /// Local (never on the wire): a record the coordinator wrote to `__transaction_state` is
    /// committed (the high watermark passed it).
    LogWriteDone {
        /// `transactional.id`.
        transactional_id: String,
        /// The state written.
        state: TxnState,
    },
}

impl TxnMessage {
    /// Whether it is a request.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            TxnMessage::FindCoordinator { .. }
                | TxnMessage::InitProducerId { .. }
                | TxnMessage::AddPartitions { .. }
                | TxnMessage::EndTxn { .. }
                | TxnMessage::WriteMarker { .. }
                | TxnMessage::AddOffsets { .. }
                | TxnMessage::TxnOffsetCommit { .. }
        )
    }

    /// The same response carrying `error` (for a write that failed before it committed).
    pub fn with_error(self, e: ErrorCode) -> TxnMessage {
        match self {
            TxnMessage::InitProducerIdResponse {
                correlation_id,
                producer_id,
                epoch,
                ..
            } => TxnMessage::InitProducerIdResponse {
                correlation_id,
                error: e,
                producer_id,
                epoch,
            },
            TxnMessage::AddPartitionsResponse { correlation_id, .. } => {
                TxnMessage::AddPartitionsResponse {
                    correlation_id,
                    error: e,
                }
            }
            TxnMessage::EndTxnResponse {
                correlation_id,
                epoch,
                ..
            } => TxnMessage::EndTxnResponse {
                correlation_id,
                error: e,
                epoch,
            },
            TxnMessage::WriteMarkerResponse {
                correlation_id, tp, ..
            } => TxnMessage::WriteMarkerResponse {
                correlation_id,
                tp,
                error: e,
            },
            TxnMessage::TxnOffsetCommitResponse { correlation_id, .. } => {
                TxnMessage::TxnOffsetCommitResponse {
                    correlation_id,
                    error: e,
                }
            }
            other => other,
        }
    }
}

/// What a read_committed fetch response adds for a partition: the leader's last stable offset
/// (`FetchResponse.LastStableOffset`) and the aborted transactions overlapping the returned
/// range (`AbortedTransactions`). Boxed and absent for other fetches, so the common fetch
/// response stays small.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadCommittedData {
    /// Last stable offset.
    pub last_stable_offset: u64,
    /// Aborted transactions, oldest first.
    pub aborted: Vec<AbortedTxn>,
}
