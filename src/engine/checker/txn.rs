//! The transaction invariants, checked live from events: `aborted_read` (a read_committed
//! group received a record of a transaction that was aborted — it may be learned after the
//! read, when the coordinator completes the abort) and `uncommitted_read` (a read_committed
//! group received a record at or above the last stable offset of the fetch that carried it).

use std::collections::BTreeMap;

use crate::engine::ids::TopicPartition;
use crate::engine::protocol::RecordBatch;
use crate::engine::time::SimTime;

/// One transaction's records read by read_committed groups, before its outcome is known.
#[derive(Clone, Debug)]
struct Read {
    records: u64,
    group: u32,
    tp: TopicPartition,
    at: SimTime,
}

/// What the transaction audit found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TxnViolation {
    /// `records` of an aborted transaction of producer id `producer_id` read by `group`.
    AbortedRead {
        records: u64,
        group: u32,
        tp: TopicPartition,
        producer_id: i64,
        at: SimTime,
    },
}

/// Transactions read by read_committed groups and their outcomes.
#[derive(Clone, Debug, Default)]
pub(super) struct TxnAudit {
    /// Per group index: `isolation.level=read_committed`.
    pub read_committed: Vec<bool>,
    /// Outcome per `(producer id, data epoch)`: true = aborted.
    outcomes: BTreeMap<(i64, i16), bool>,
    /// Reads of transactions whose outcome is not known yet.
    pending: BTreeMap<(i64, i16), Vec<Read>>,
}

impl TxnAudit {
    /// Whether group `g` reads committed only.
    pub fn committed_only(&self, g: u32) -> bool {
        self.read_committed
            .get(g as usize)
            .copied()
            .unwrap_or(false)
    }

    /// A read_committed group got `records` of transactional batch `b`.
    pub fn consumed(
        &mut self,
        at: SimTime,
        group: u32,
        tp: TopicPartition,
        b: &RecordBatch,
        records: u64,
    ) -> Option<TxnViolation> {
        let key = (b.producer_id, b.producer_epoch);
        match self.outcomes.get(&key) {
            Some(true) => Some(TxnViolation::AbortedRead {
                records,
                group,
                tp,
                producer_id: b.producer_id,
                at,
            }),
            Some(false) => None,
            None => {
                self.pending.entry(key).or_default().push(Read {
                    records,
                    group,
                    tp,
                    at,
                });
                None
            }
        }
    }

    /// A transaction completed; its data carried `epoch - 1` (the markers the bumped epoch).
    pub fn completed(
        &mut self,
        producer_id: i64,
        epoch: i16,
        committed: bool,
    ) -> Vec<TxnViolation> {
        let key = (producer_id, epoch.wrapping_sub(1));
        self.outcomes.insert(key, !committed);
        let reads = self.pending.remove(&key).unwrap_or_default();
        if committed {
            return Vec::new();
        }
        reads
            .into_iter()
            .map(|r| TxnViolation::AbortedRead {
                records: r.records,
                group: r.group,
                tp: r.tp,
                producer_id,
                at: r.at,
            })
            .collect()
    }
}
