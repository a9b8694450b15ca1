//! A partition's transaction state, as Kafka's `ProducerStateManager` and transaction index keep
//! it: the open transactions (first offset per producer), the completed ones whose marker is
//! not yet below the high watermark (`unreplicatedTxns`), and the aborted-transaction index
//! (`TransactionIndex`, one [`AbortedTxn`] per ABORT marker). The first unstable offset is the
//! smallest first offset of the first two kinds; the last stable offset (LSO) is that or the
//! high watermark, whichever is lower (`UnifiedLog.lastStableOffset`).

use std::collections::VecDeque;

use crate::engine::protocol::{AbortedTxn, RecordBatch};

/// A transaction not yet stable in this partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OpenTxn {
    producer_id: i64,
    /// The producer epoch of its data (constant within a transaction; KIP-890 bumps it at
    /// every end).
    epoch: i16,
    first_offset: u64,
    /// The offset of its marker once written (the transaction stays unstable until the high
    /// watermark passes it).
    marker: Option<u64>,
}

/// Open transactions and the aborted-transaction index of one partition log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TxnIndex {
    /// Oldest first.
    open: Vec<OpenTxn>,
    /// Oldest first.
    aborted: VecDeque<AbortedTxn>,
}

impl TxnIndex {
    /// Whether nothing transactional was ever seen (or everything is stable and no abort is
    /// retained).
    pub fn is_empty(&self) -> bool {
        self.open.is_empty() && self.aborted.is_empty()
    }

    /// A transactional batch was appended (as leader or follower), `hw` the high watermark.
    /// Data opens the producer's transaction at its base offset (if not open yet); a marker
    /// completes it (`ProducerStateManager.completeTxn`) and an ABORT marker adds an entry to
    /// the aborted index.
    pub fn on_append(&mut self, b: &RecordBatch, hw: u64) {
        let pid = b.producer_id;
        let open = self
            .open
            .iter_mut()
            .find(|t| t.producer_id == pid && t.marker.is_none());
        match (b.control(), open) {
            (None, Some(_)) => {}
            (None, None) => self.open.push(OpenTxn {
                producer_id: pid,
                epoch: b.producer_epoch,
                first_offset: b.base_offset,
                marker: None,
            }),
            (Some(commit), Some(t)) => {
                t.marker = Some(b.base_offset);
                if !commit {
                    self.aborted.push_back(AbortedTxn {
                        producer_id: pid,
                        first_offset: t.first_offset,
                        last_offset: b.base_offset,
                    });
                }
                self.on_high_watermark(hw);
            }
            // A marker for a transaction with no data here (retried marker): nothing to end.
            (Some(_), None) => {}
        }
    }

    /// Whether producer `producer_id` has a transaction open here under `epoch`, its marker
    /// not written (`UnifiedLog.hasOngoingTransaction`): its next batch needs no verification.
    pub fn has_open(&self, producer_id: i64, epoch: i16) -> bool {
        self.open
            .iter()
            .any(|t| t.producer_id == producer_id && t.epoch == epoch && t.marker.is_none())
    }

    /// The high watermark moved: completed transactions whose marker is below it are stable.
    pub fn on_high_watermark(&mut self, hw: u64) {
        self.open.retain(|t| t.marker.is_none_or(|m| m >= hw));
    }

    /// The first offset of the oldest unstable transaction (`firstUnstableOffset`).
    pub fn first_unstable_offset(&self) -> Option<u64> {
        self.open.iter().map(|t| t.first_offset).min()
    }

    /// Aborted transactions overlapping `[from, to)` (`collectAbortedTxns`), oldest first.
    pub fn aborted_between(&self, from: u64, to: u64) -> Vec<AbortedTxn> {
        self.aborted
            .iter()
            .filter(|a| a.last_offset >= from && a.first_offset < to)
            .copied()
            .collect()
    }

    /// Every aborted-index entry, oldest first.
    pub fn aborted(&self) -> impl Iterator<Item = &AbortedTxn> {
        self.aborted.iter()
    }

    /// Old batches were deleted: entries wholly before `log_start` go too.
    pub fn retain_from(&mut self, log_start: u64) {
        while self
            .aborted
            .front()
            .is_some_and(|a| a.last_offset < log_start)
        {
            self.aborted.pop_front();
        }
    }

    /// Rebuilt from the batches left after a truncation (`ProducerStateManager` reloads from
    /// the log the same way).
    pub fn rebuild<'a>(batches: impl Iterator<Item = &'a RecordBatch>, hw: u64) -> Self {
        let mut index = TxnIndex::default();
        for b in batches.filter(|b| b.is_transactional()) {
            index.on_append(b, hw);
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{RecordIds, ATTR_COMMIT, ATTR_CONTROL, ATTR_TRANSACTIONAL};

    fn b(pid: i64, base: u64, count: u32, attributes: u8) -> RecordBatch {
        RecordBatch {
            base_offset: base,
            record_count: count,
            bytes: 100,
            producer_id: pid,
            producer_epoch: 0,
            base_sequence: 0,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: 0,
                first_record: 0,
            },
            first_create_time: 0,
            last_create_time: 0,
            attributes,
        }
    }

    const DATA: u8 = ATTR_TRANSACTIONAL;
    const ABORT: u8 = ATTR_TRANSACTIONAL | ATTR_CONTROL;
    const COMMIT: u8 = ATTR_TRANSACTIONAL | ATTR_CONTROL | ATTR_COMMIT;

    #[test]
    fn an_open_transaction_holds_the_first_unstable_offset_until_its_marker_is_replicated() {
        let mut ix = TxnIndex::default();
        ix.on_append(&b(7, 10, 5, DATA), 0);
        ix.on_append(&b(8, 15, 5, DATA), 0);
        ix.on_append(&b(7, 20, 5, DATA), 0);
        assert_eq!(ix.first_unstable_offset(), Some(10));
        ix.on_append(&b(7, 25, 1, COMMIT), 20);
        assert_eq!(
            ix.first_unstable_offset(),
            Some(10),
            "marker not replicated"
        );
        ix.on_high_watermark(26);
        assert_eq!(
            ix.first_unstable_offset(),
            Some(15),
            "producer 8 still open"
        );
        ix.on_append(&b(8, 26, 1, ABORT), 26);
        ix.on_high_watermark(27);
        assert_eq!(ix.first_unstable_offset(), None);
        assert_eq!(
            ix.aborted_between(0, 100),
            vec![AbortedTxn {
                producer_id: 8,
                first_offset: 15,
                last_offset: 26
            }]
        );
        assert!(ix.aborted_between(27, 100).is_empty(), "ended before 27");
        assert!(ix.aborted_between(0, 15).is_empty(), "starts at 15");
        // A new transaction of producer 7 opens at its next data batch.
        ix.on_append(&b(7, 27, 3, DATA), 27);
        assert_eq!(ix.first_unstable_offset(), Some(27));
        let all = [
            b(7, 10, 5, DATA),
            b(8, 15, 5, DATA),
            b(7, 25, 1, COMMIT),
            b(8, 26, 1, ABORT),
            b(7, 27, 3, DATA),
        ];
        assert_eq!(TxnIndex::rebuild(all.iter(), 27), ix);
        ix.retain_from(27);
        assert!(ix.aborted_between(0, 100).is_empty());
    }

    /// Through the partition log: the LSO follows the high watermark once the marker is below
    /// it (`PartitionLog::set_high_watermark` hands each move to the index), and a producer's
    /// transaction is open only under the epoch of its data (KIP-890 verification).
    #[test]
    fn the_log_releases_the_lso_as_the_high_watermark_passes_the_marker() {
        use crate::engine::log::PartitionLog;
        let mut log = PartitionLog::new();
        log.append_as_leader(b(-1, 0, 10, 0), 0);
        log.append_as_leader(b(7, 0, 5, DATA), 0);
        assert!(log.has_open_txn(7, 0));
        assert!(
            !log.has_open_txn(7, 1),
            "another epoch is another transaction"
        );
        assert!(!log.has_open_txn(8, 0));
        log.set_high_watermark(15);
        assert_eq!(log.last_stable_offset(), 10, "held by the open transaction");
        log.append_as_leader(b(7, 0, 1, COMMIT), 0);
        assert!(!log.has_open_txn(7, 0), "its marker is written");
        log.append_as_leader(b(-1, 0, 4, 0), 0);
        assert_eq!(log.last_stable_offset(), 10, "marker not below the HW yet");
        log.set_high_watermark(20);
        assert_eq!(log.last_stable_offset(), 20, "stable: the LSO is the HW");
    }

    /// A follower truncating (KIP-101) the data of an open transaction forgets it (the LSO is
    /// the high watermark again), and truncating an ABORT marker takes its aborted-index entry
    /// and reopens the transaction it ended.
    #[test]
    fn truncation_takes_the_transactions_it_removes_out_of_the_index() {
        use crate::engine::log::PartitionLog;
        let mut log = PartitionLog::new();
        log.append_as_follower(&[b(-1, 0, 10, 0), b(7, 10, 5, DATA)]);
        log.set_high_watermark(10);
        assert_eq!(log.last_stable_offset(), 10);
        assert!(log.has_open_txn(7, 0));
        log.truncate_to(10);
        assert!(!log.has_open_txn(7, 0), "its data is gone");
        log.append_as_follower(&[b(-1, 10, 4, 0)]);
        log.set_high_watermark(14);
        assert_eq!(log.last_stable_offset(), 14, "nothing open any more");

        let mut log = PartitionLog::new();
        log.append_as_follower(&[b(8, 0, 5, DATA), b(8, 5, 1, ABORT)]);
        assert_eq!(log.aborted_txns().count(), 1);
        log.truncate_to(5);
        assert_eq!(log.aborted_txns().count(), 0, "the marker is gone");
        assert!(log.has_open_txn(8, 0), "so the transaction is open again");
    }
}
