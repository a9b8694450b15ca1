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
    /// Partitions added to the current transaction.
    pub added: std::collections::BTreeSet<u32>,
    /// Partitions waiting to be added.
    pub wanted: std::collections::BTreeSet<u32>,
    /// Correlation id of the AddPartitionsToTxn in flight and its partitions.
    pub adding: Option<(u64, Vec<u32>)>,
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
            wanted: Default::default(),
            adding: None,
            abort_this: false,
            failed: false,
            request: None,
            began: 0,
            committed: 0,
            aborted: 0,
        }
    }

    /// How many more records the application may hand to `send()` now.
    pub fn room(&self) -> u64 {
        match self.phase {
            TxnPhase::Ready => self.records_per_txn,
            TxnPhase::InTransaction => self.records_per_txn.saturating_sub(self.records_in_txn),
            _ => 0,
        }
    }

    /// Whether partition `p`'s batches may be sent (it was added to the transaction); if not,
    /// it is noted for the next AddPartitionsToTxn.
    pub fn may_send(&mut self, p: u32) -> bool {
        if self.phase == TxnPhase::InTransaction && self.added.contains(&p) {
            return true;
        }
        if self.phase == TxnPhase::InTransaction {
            self.wanted.insert(p);
        }
        false
    }
}
