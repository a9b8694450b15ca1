//! What the page shows of a transactional producer: its `TransactionManager.State` (Kafka's
//! client-side state machine, KIP-98), its producer id and epoch, and what the open
//! transaction holds. Read from [`TxnProducer`] when a snapshot is taken; nothing reads it back.

use serde::{Deserialize, Serialize};

use super::client::{TxnPhase, TxnProducer};

/// A transactional producer's state as Kafka's `TransactionManager.State` names it (reduced to
/// what the page draws).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnState {
    /// `initTransactions()` in progress: FindCoordinator, InitProducerId (`INITIALIZING`).
    Initializing,
    /// Between two transactions (`READY`).
    Ready,
    /// A transaction is open: records are being sent (`IN_TRANSACTION`).
    Open,
    /// `commitTransaction()` called: flushing, then EndTxn(commit) (`COMMITTING_TRANSACTION`).
    Committing,
    /// `abortTransaction()` called, or a batch failed: EndTxn(abort) (`ABORTING_TRANSACTION`,
    /// `ABORTABLE_ERROR`).
    Aborting,
    /// A newer instance of the `transactional.id` fenced it (`ProducerFencedException`,
    /// `FATAL_ERROR`): it stops.
    Fenced,
}

/// A transactional producer's state for the page: the badge on its node and its tooltip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TxnSnapshot {
    /// `transactional.id`.
    pub transactional_id: String,
    /// Producer id from InitProducerId (`-1` before it).
    pub producer_id: i64,
    /// Producer epoch (bumped by InitProducerId and, KIP-890, by every EndTxn).
    pub epoch: i16,
    /// Where it is.
    pub state: TxnState,
    /// The number of the current transaction (or of the next one between two): transactions
    /// this instance ended, plus one.
    pub number: u64,
    /// Records handed to `send()` in the current transaction.
    pub records: u64,
    /// Partitions of its topic written in the current transaction (their leaders add them to it,
    /// KIP-890), in order.
    pub partitions: Vec<u32>,
    /// The group whose offsets the transaction commits (`sendOffsetsToTransaction`, KIP-447), if
    /// any.
    pub offsets_group: Option<String>,
    /// Transactions it committed.
    pub committed: u64,
    /// Transactions it aborted.
    pub aborted: u64,
}

impl TxnProducer {
    /// Whether the application has asked to end the current transaction (Kafka's
    /// `commitTransaction()` / `abortTransaction()` enter COMMITTING / ABORTING before the flush
    /// and the EndTxn).
    fn ending(&self) -> bool {
        match self.phase {
            TxnPhase::Ending => true,
            TxnPhase::InTransaction => self.may_end(),
            _ => false,
        }
    }

    /// The picture of this producer's transactional state.
    pub fn snapshot(&self) -> TxnSnapshot {
        let aborts = self.abort_this || self.failed;
        let state = match self.phase {
            TxnPhase::FindCoordinator | TxnPhase::Initializing => TxnState::Initializing,
            TxnPhase::Ready => TxnState::Ready,
            TxnPhase::Fenced => TxnState::Fenced,
            TxnPhase::InTransaction | TxnPhase::Ending if self.ending() && aborts => {
                TxnState::Aborting
            }
            TxnPhase::InTransaction | TxnPhase::Ending if self.ending() => TxnState::Committing,
            TxnPhase::InTransaction | TxnPhase::Ending => TxnState::Open,
        };
        TxnSnapshot {
            transactional_id: self.transactional_id.clone(),
            producer_id: self.producer_id,
            epoch: self.epoch,
            state,
            number: self.committed + self.aborted + 1,
            records: self.records_in_txn,
            partitions: self.added.iter().copied().collect(),
            offsets_group: self.offsets.as_ref().map(|o| o.group_id.clone()),
            committed: self.committed,
            aborted: self.aborted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_the_transaction_manager() {
        let mut t = TxnProducer::new("tx".into(), 10, 0.0);
        assert_eq!(t.snapshot().state, TxnState::Initializing);
        t.phase = TxnPhase::Ready;
        assert_eq!(t.snapshot().state, TxnState::Ready);
        t.phase = TxnPhase::InTransaction;
        t.records_in_txn = 4;
        t.added.extend([2, 0]);
        let s = t.snapshot();
        assert_eq!(s.state, TxnState::Open);
        assert_eq!(
            (s.records, s.partitions.clone(), s.number),
            (4, vec![0, 2], 1)
        );
        // All ten records handed to send(): commitTransaction() has been called.
        t.records_in_txn = 10;
        assert_eq!(t.snapshot().state, TxnState::Committing);
        t.abort_this = true;
        assert_eq!(t.snapshot().state, TxnState::Aborting);
        t.phase = TxnPhase::Ending;
        t.abort_this = false;
        t.committed = 41;
        assert_eq!(t.snapshot().state, TxnState::Committing);
        assert_eq!(t.snapshot().number, 42);
        t.phase = TxnPhase::Fenced;
        assert_eq!(t.snapshot().state, TxnState::Fenced);
    }
}
