//! The idempotent producer's sequence numbers and epoch, as Kafka's `TransactionManager` keeps
//! them for a producer without a `transactional.id` (KIP-98, KIP-360).
//!
//! Each partition's batches carry consecutive sequence numbers under the producer's epoch.
//! When a leader answers `OUT_OF_ORDER_SEQUENCE_NUMBER` for the batch that follows the last
//! acknowledged one, the broker has lost batches it had acknowledged (an unclean election, a
//! truncation): that is a real gap, and retrying the same sequence would fail forever. KIP-360
//! lets the idempotent producer bump its epoch itself and restart that partition's sequences at
//! 0 (`requestEpochBumpForPartition`, `bumpIdempotentProducerEpoch`,
//! `startSequencesAtBeginning`); brokers accept sequence 0 under a newer epoch. An
//! out-of-order answer for a batch that is not the next one only means an earlier batch is
//! being retried: it is retried as it is (`TransactionManager.canRetry`). Other partitions move
//! to the new epoch at their next batch once nothing is in flight for them
//! (`maybeUpdateProducerIdAndEpoch`).

/// Per partition: the next sequence, the last acknowledged one, and the epoch they belong to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartitionSequences {
    /// Sequence of the next new batch's first record.
    pub next: i32,
    /// Last sequence acknowledged under `epoch` (`None`: nothing yet).
    pub last_acked: Option<i32>,
    /// The epoch these sequences belong to.
    pub epoch: i16,
}

/// What to do with a batch the leader answered with `OUT_OF_ORDER_SEQUENCE_NUMBER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfOrder {
    /// An earlier batch is pending: retry this one unchanged.
    Retry,
    /// A real gap: bump the epoch, restart the partition's sequences at 0, retry.
    BumpEpoch,
}

/// The producer's epoch and every partition's sequences.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sequences {
    /// The producer epoch (bumped by KIP-360).
    pub epoch: i16,
    /// Per partition.
    pub partitions: Vec<PartitionSequences>,
}

impl Sequences {
    /// Sequences for `n` partitions, epoch 0.
    pub fn new(n: u32) -> Self {
        Sequences {
            epoch: 0,
            partitions: vec![PartitionSequences::default(); n as usize],
        }
    }

    /// Assigns `(base sequence, epoch)` to a new batch of `records` for partition `p`. A
    /// partition still on an older epoch moves to the current one first (sequence 0) when
    /// `nothing_in_flight`; otherwise it keeps its epoch until its batches in flight are done.
    pub fn assign(&mut self, p: u32, records: u32, nothing_in_flight: bool) -> (i32, i16) {
        let epoch = self.epoch;
        let s = &mut self.partitions[p as usize];
        if s.epoch != epoch && nothing_in_flight {
            *s = PartitionSequences {
                next: 0,
                last_acked: None,
                epoch,
            };
        }
        let base = s.next;
        s.next = s.next.wrapping_add(records as i32);
        (base, s.epoch)
    }

    /// A batch `[base, base + records)` of `epoch` was acknowledged.
    pub fn acked(&mut self, p: u32, base: i32, records: u32, epoch: i16) {
        let s = &mut self.partitions[p as usize];
        if s.epoch == epoch {
            let last = base.wrapping_add(records as i32 - 1);
            s.last_acked = Some(s.last_acked.map_or(last, |l| l.max(last)));
        }
    }

    /// `TransactionManager.canRetry` for `OUT_OF_ORDER_SEQUENCE_NUMBER`.
    pub fn on_out_of_order(&self, p: u32, base: i32, epoch: i16, reset: bool) -> OutOfOrder {
        let s = &self.partitions[p as usize];
        let next_expected = s.last_acked.map_or(0, |l| l.wrapping_add(1));
        if epoch != s.epoch || reset || base != next_expected {
            OutOfOrder::Retry
        } else {
            OutOfOrder::BumpEpoch
        }
    }

    /// Bumps the epoch and restarts partition `p` at sequence 0; returns the new epoch. The
    /// caller renumbers `p`'s batches that already had sequences, in their old order, with
    /// [`Sequences::renumber`].
    pub fn bump(&mut self, p: u32) -> i16 {
        self.epoch = self.epoch.wrapping_add(1).max(0);
        self.partitions[p as usize] = PartitionSequences {
            next: 0,
            last_acked: None,
            epoch: self.epoch,
        };
        self.epoch
    }

    /// The next sequence for a batch of `records` of partition `p` being renumbered after a
    /// bump.
    pub fn renumber(&mut self, p: u32, records: u32) -> i32 {
        let s = &mut self.partitions[p as usize];
        let base = s.next;
        s.next = s.next.wrapping_add(records as i32);
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_after_the_last_acked_batch_bumps_an_earlier_pending_one_retries() {
        let mut s = Sequences::new(2);
        assert_eq!(s.assign(0, 10, true), (0, 0));
        assert_eq!(s.assign(0, 5, true), (10, 0));
        assert_eq!(s.assign(0, 5, true), (15, 0));
        s.acked(0, 0, 10, 0);
        // 15 is not next (10 is pending): retry unchanged.
        assert_eq!(s.on_out_of_order(0, 15, 0, false), OutOfOrder::Retry);
        // 10 is next after the last acknowledged 9: a real gap.
        assert_eq!(s.on_out_of_order(0, 10, 0, false), OutOfOrder::BumpEpoch);
        assert_eq!(s.bump(0), 1);
        assert_eq!(s.renumber(0, 5), 0);
        assert_eq!(s.renumber(0, 5), 5);
        assert_eq!(s.assign(0, 1, false), (10, 1));
        // Partition 1 moves to the new epoch at its next batch with nothing in flight.
        assert_eq!(s.assign(1, 3, false), (0, 0), "still busy on epoch 0");
        s.partitions[1] = PartitionSequences::default();
        assert_eq!(s.assign(1, 3, true), (0, 1));
        assert_eq!(s.assign(1, 3, true), (3, 1));
        // An answer about a batch of the old epoch never bumps again.
        assert_eq!(s.on_out_of_order(0, 0, 0, false), OutOfOrder::Retry);
    }
}
