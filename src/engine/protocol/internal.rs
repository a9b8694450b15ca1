//! Records of Kafka's internal topics. `__consumer_offsets` holds, per group, offset commits
//! (`OffsetCommitKey`/`OffsetCommitValue`) and the group's metadata (`GroupMetadataKey`/`Value`,
//! written when a generation completes). They travel and replicate as the payload of ordinary
//! record batches, so a coordinator that moves loads its groups from the log.

use serde::{Deserialize, Serialize};

use crate::engine::group::GroupRecord;
use crate::engine::ids::TopicPartition;

/// The payload of one batch of an internal topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InternalRecord {
    /// One record per partition committed by `group`.
    OffsetCommits {
        /// `group.id`.
        group: String,
        /// Committed offset (the next record to consume) per partition.
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// The group's metadata: generation, protocol, members and their assignment.
    GroupMetadata {
        /// `group.id`.
        group: String,
        /// The record.
        record: Box<GroupRecord>,
    },
    /// Offsets a transactional producer committed for `group` (`TxnOffsetCommit`, KIP-98 /
    /// KIP-447): pending until the transaction's COMMIT marker in the same partition makes
    /// them the group's committed offsets; an ABORT marker drops them.
    TxnOffsetCommits {
        /// `group.id`.
        group: String,
        /// The transactional producer's id (its markers resolve the commit).
        producer_id: i64,
        /// Offset per partition.
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// `__transaction_state`: a transaction's metadata after a state change
    /// (`TransactionLogKey` / `TransactionLogValue`).
    TxnLog(Box<TxnLogValue>),
}

/// A `__transaction_state` record (`TransactionLogValue`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnLogValue {
    /// `transactional.id` (the key).
    pub transactional_id: String,
    /// Producer id.
    pub producer_id: i64,
    /// Producer epoch.
    pub epoch: i16,
    /// `transaction.timeout.ms`.
    pub timeout_ms: u64,
    /// State.
    pub state: super::TxnState,
    /// Partitions in the transaction.
    pub partitions: Vec<TopicPartition>,
    /// When the transaction started (ns of simulated time).
    pub start_time: u64,
}

impl InternalRecord {
    /// Records in the batch.
    pub fn record_count(&self) -> u32 {
        match self {
            InternalRecord::OffsetCommits { offsets, .. }
            | InternalRecord::TxnOffsetCommits { offsets, .. } => offsets.len().max(1) as u32,
            InternalRecord::GroupMetadata { .. } | InternalRecord::TxnLog(_) => 1,
        }
    }

    /// Approximate size of the batch in the log, bytes (batch header plus records).
    pub fn bytes(&self) -> u32 {
        match self {
            InternalRecord::OffsetCommits { group, offsets }
            | InternalRecord::TxnOffsetCommits { group, offsets, .. } => {
                61 + offsets.len() as u32 * (40 + group.len() as u32)
            }
            InternalRecord::GroupMetadata { group, record } => {
                61 + 64 + group.len() as u32 + 96 * record.members.len() as u32
            }
            InternalRecord::TxnLog(v) => {
                61 + 48 + v.transactional_id.len() as u32 + 24 * v.partitions.len() as u32
            }
        }
    }

    /// The group the record belongs to.
    pub fn group(&self) -> &str {
        match self {
            InternalRecord::OffsetCommits { group, .. }
            | InternalRecord::TxnOffsetCommits { group, .. }
            | InternalRecord::GroupMetadata { group, .. } => group,
            InternalRecord::TxnLog(v) => &v.transactional_id,
        }
    }
}
