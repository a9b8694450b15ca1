//! The client side of transactions: the consumer's aborted-record filter
//! (`CompletedFetch.nextFetchedRecord` with `isolation.level=read_committed`) and the
//! transactional producer's state machine (`TransactionManager`).

use std::collections::VecDeque;

use crate::engine::protocol::{AbortedTxn, RecordBatch};

/// Which batches of one fetch response the application never sees: control batches always,
/// and under read_committed the batches of aborted transactions. The response's aborted list
/// (oldest first) is consumed as batches pass it: a producer is "aborting" from the first
/// offset of one of its aborted transactions until its ABORT marker.
#[derive(Debug, Default)]
pub struct AbortedFilter {
    pending: VecDeque<AbortedTxn>,
    aborting: Vec<i64>,
}

impl AbortedFilter {
    /// A filter over a response's aborted transactions (empty for read_uncommitted).
    pub fn new(mut aborted: Vec<AbortedTxn>) -> Self {
        aborted.sort_by_key(|a| a.first_offset);
        AbortedFilter {
            pending: aborted.into(),
            aborting: Vec::new(),
        }
    }

    /// Whether `b` (a batch with attributes set) is skipped.
    pub fn skip(&mut self, b: &RecordBatch) -> bool {
        while self
            .pending
            .front()
            .is_some_and(|a| a.first_offset <= b.last_offset())
        {
            let a = self.pending.pop_front().expect("checked");
            if !self.aborting.contains(&a.producer_id) {
                self.aborting.push(a.producer_id);
            }
        }
        match b.control() {
            Some(commit) => {
                if !commit {
                    self.aborting.retain(|&p| p != b.producer_id);
                }
                true
            }
            None => b.is_transactional() && self.aborting.contains(&b.producer_id),
        }
    }
}

/// Where a transactional producer is (`TransactionManager.State`, reduced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnPhase {
    /// Looking for its transaction coordinator.
    FindCoordinator,
    /// `initTransactions()`: InitProducerId in progress.
    Initializing,
    /// Between transactions.
    Ready,
    /// `beginTransaction()` done: sending records.
    InTransaction,
    /// `commitTransaction()` / `abortTransaction()`: EndTxn in progress.
    Ending,
    /// Fenced by a newer instance (fatal: the application stops).
    Fenced,
}

/// A transactional producer's state (`TransactionManager` with a `transactional.id`).
#[derive(Clone, Debug)]
pub struct TxnProducer {
    /// `transactional.id`.
    pub transactional_id: String,
    /// Records per transaction.
    pub records_per_txn: u64,
    /// Fraction of transactions the application aborts.
    pub abort_ratio: f64,
    /// Phase.
    pub phase: TxnPhase,
    /// Coordinator broker.
    pub coordinator: Option<u32>,
    /// Producer id from InitProducerId (`-1` before).
    pub producer_id: i64,
    /// Current epoch.
    pub epoch: i16,
    /// Records handed to `send()` in the current transaction.
    pub records_in_txn: u64,
    /// Partitions written in the current transaction (`partitionsInTransaction`; their
    /// leaders add them to the transaction, KIP-890).
    pub added: std::collections::BTreeSet<u32>,
    /// The application will abort the current transaction.
    pub abort_this: bool,
    /// A batch of the current transaction failed: it can only abort.
    pub failed: bool,
    /// The request in flight (correlation id) and when it is given up.
    pub request: Option<(u64, crate::engine::time::SimTime)>,
    /// When the current transaction began.
    pub began: crate::engine::time::SimTime,
    /// Transactions committed / aborted by this producer (acknowledged EndTxn).
    pub committed: u64,
    /// Aborted.
    pub aborted: u64,
    /// A processor's producer ([`crate::engine::processor`]): the application decides when to
    /// commit (with its consumer's offsets) instead of after `records_per_txn` records.
    pub driven: bool,
    /// The application called `commitTransaction()` (driven producers).
    pub commit_requested: bool,
    /// `sendOffsetsToTransaction`: the offsets to commit in the current transaction.
    pub offsets: Option<TxnOffsets>,
    /// The group coordinator for `offsets` (FindCoordinator, key type GROUP).
    pub group_coordinator: Option<u32>,
    /// Correlation id of the group-coordinator lookup in flight.
    pub group_lookup: Option<u64>,
    /// The broker the request in flight went to (driven producers fail it when that
    /// connection closes).
    pub request_to: Option<u32>,
    /// Outcomes of ended transactions not yet taken by the application (true = committed).
    pub outcomes: Vec<bool>,
}

/// Where `sendOffsetsToTransaction` is (`TransactionManager`: AddOffsetsToTxn, then
/// TxnOffsetCommit to the group coordinator, both before EndTxn may be sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetsStage {
    /// AddOffsetsToTxn not yet answered.
    AddOffsets,
    /// TxnOffsetCommit not yet answered.
    Commit,
    /// Written (pending in the group coordinator until the marker).
    Done,
}

/// The offsets a transaction commits for a consumer group, with the consumer's group metadata
/// (`ConsumerGroupMetadata`, KIP-447).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnOffsets {
    /// `group.id`.
    pub group_id: String,
    /// The consumer's member id.
    pub member_id: String,
    /// The consumer's generation.
    pub generation: i32,
    /// Offset per partition (the next record to read).
    pub offsets: Vec<(crate::engine::ids::TopicPartition, u64)>,
    /// Progress.
    pub stage: OffsetsStage,
}

impl TxnProducer {
    /// A producer with `transactional.id` `id`.
    pub fn new(id: String, records_per_txn: u64, abort_ratio: f64) -> Self {
        TxnProducer {
            transactional_id: id,
            records_per_txn: records_per_txn.max(1),
            abort_ratio,
            phase: TxnPhase::FindCoordinator,
            coordinator: None,
            producer_id: -1,
            epoch: 0,
            records_in_txn: 0,
            added: Default::default(),
            abort_this: false,
            failed: false,
            request: None,
            began: 0,
            committed: 0,
            aborted: 0,
            driven: false,
            commit_requested: false,
            offsets: None,
            group_coordinator: None,
            group_lookup: None,
            request_to: None,
            outcomes: Vec::new(),
        }
    }

    /// Whether the current transaction may end now (its records all acknowledged): a failed
    /// one aborts; a driven one once the application committed and its offsets are written;
    /// otherwise after `records_per_txn` records.
    pub fn may_end(&self) -> bool {
        if self.failed {
            return true;
        }
        if self.driven {
            return self.commit_requested
                && self
                    .offsets
                    .as_ref()
                    .is_none_or(|o| o.stage == OffsetsStage::Done);
        }
        self.records_in_txn >= self.records_per_txn
    }

    /// How many more records the application may hand to `send()` now.
    pub fn room(&self) -> u64 {
        match self.phase {
            TxnPhase::Ready => self.records_per_txn,
            TxnPhase::InTransaction => self.records_per_txn.saturating_sub(self.records_in_txn),
            _ => 0,
        }
    }

    /// Whether partition `p`'s batches may be sent: inside a transaction. Under transaction
    /// version 2 (KIP-890, the Kafka 4.x default) the client sends no AddPartitionsToTxn for
    /// the partitions it writes (`TransactionManager.maybeAddPartition` only notes them): the
    /// partition's leader adds it to the transaction before appending the first batch.
    pub fn may_send(&mut self, p: u32) -> bool {
        if self.phase != TxnPhase::InTransaction {
            return false;
        }
        self.added.insert(p);
        true
    }
}
