//! A replica's partition log: record batches, log end offset, high watermark, the leader-epoch
//! cache (KIP-101) and the idempotent producer state (KIP-98).

use std::collections::VecDeque;

use super::protocol::{DivergingEpoch, InternalRecord, RecordBatch};
use super::shared_deque::SharedDeque;

/// The producer id of a batch written without one (`RecordBatch.NO_PRODUCER_ID`): no
/// idempotence, no transaction, no sequence to check.
pub const NO_PRODUCER_ID: i64 = -1;

/// How many batches a log keeps before old ones are deleted (size-based retention), so long
/// runs keep a bounded memory. The log start offset moves forward as batches are deleted.
pub const RETAINED_BATCHES: usize = 200_000;

/// Kafka keeps the metadata of the last 5 batches per producer to detect duplicates.
const PRODUCER_BATCH_CACHE: usize = 5;

/// What the idempotence check says about an incoming batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// Append it.
    Accept,
    /// Already written at this base offset: answer success without appending.
    Duplicate(u64),
    /// A gap or reordering: `OUT_OF_ORDER_SEQUENCE_NUMBER`.
    OutOfOrder,
    /// An epoch older than the producer's current one: `INVALID_PRODUCER_EPOCH`.
    StaleEpoch,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ProducerState {
    /// The producer epoch of the batches below (a newer epoch starts over).
    epoch: i16,
    /// `(first_seq, last_seq, base_offset)` of the latest batches.
    recent: RecentBatches,
}

/// The last [`PRODUCER_BATCH_CACHE`] batches of a producer, oldest first, held inline (no
/// allocation per producer and partition).
#[derive(Clone, Copy, Debug, Default)]
struct RecentBatches {
    /// A ring: the oldest entry at `head`.
    ring: [(i32, i32, u64); PRODUCER_BATCH_CACHE],
    head: usize,
    len: usize,
}

impl RecentBatches {
    /// Appends the newest batch, dropping the oldest when full.
    fn push(&mut self, entry: (i32, i32, u64)) {
        if self.len < PRODUCER_BATCH_CACHE {
            self.ring[(self.head + self.len) % PRODUCER_BATCH_CACHE] = entry;
            self.len += 1;
        } else {
            self.ring[self.head] = entry;
            self.head = (self.head + 1) % PRODUCER_BATCH_CACHE;
        }
    }

    /// Oldest to newest.
    fn iter(&self) -> impl Iterator<Item = &(i32, i32, u64)> {
        (0..self.len).map(|i| &self.ring[(self.head + i) % PRODUCER_BATCH_CACHE])
    }

    /// The newest.
    fn back(&self) -> Option<&(i32, i32, u64)> {
        self.len
            .checked_sub(1)
            .map(|i| &self.ring[(self.head + i) % PRODUCER_BATCH_CACHE])
    }
}

impl PartialEq for RecentBatches {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for RecentBatches {}

/// One replica's copy of a partition.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionLog {
    /// Shared between clones of the engine (the page's timeline checkpoints): see
    /// [`SharedDeque`].
    batches: SharedDeque<RecordBatch>,
    log_start_offset: u64,
    log_end_offset: u64,
    high_watermark: u64,
    /// `(leader_epoch, start_offset)` in increasing order (leader-epoch-checkpoint).
    epochs: Vec<(u32, u64)>,
    /// Idempotent producers' recent batches, sorted by producer id (a handful of producers:
    /// a binary search over one small vector).
    producers: Vec<(i64, ProducerState)>,
    bytes: u64,
    /// Payloads of internal-topic batches, by base offset (`__consumer_offsets` commits and
    /// group metadata); empty for user topics.
    payloads: VecDeque<(u64, InternalRecord)>,
    /// Open transactions and aborted-transaction index (empty unless transactional batches
    /// were written).
    txn: crate::engine::txn::index::TxnIndex,
    /// A control batch (transaction marker) was ever appended: the page looks for markers only
    /// in such logs.
    has_control: bool,
}

impl PartitionLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offset of the next record to be written.
    pub fn log_end_offset(&self) -> u64 {
        self.log_end_offset
    }

    /// First offset still in the log.
    pub fn log_start_offset(&self) -> u64 {
        self.log_start_offset
    }

    /// High watermark: records below it are committed (replicated to the whole ISR).
    pub fn high_watermark(&self) -> u64 {
        self.high_watermark
    }

    /// Bytes retained.
    pub fn size_bytes(&self) -> u64 {
        self.bytes
    }

    /// Batches retained.
    pub fn batch_count(&self) -> usize {
        self.batches.len()
    }

    /// How the retained batches are held: an identity per chunk shared with clones of this
    /// log, and the number of batches held by this log alone ([`SharedDeque::sharing`]).
    pub fn batch_sharing(&self) -> (impl Iterator<Item = usize> + '_, usize) {
        self.batches.sharing()
    }

    /// The transaction markers (control batches) among the newest `within` batches, at most
    /// `max` of the newest, oldest first: `(offset, commit)`. Empty for a log that never had one.
    pub fn recent_markers(&self, within: usize, max: usize) -> Vec<(u64, bool)> {
        if !self.has_control {
            return Vec::new();
        }
        let mut out: Vec<(u64, bool)> = self
            .batches
            .iter()
            .rev()
            .take(within)
            .filter_map(|b| b.control().map(|commit| (b.base_offset, commit)))
            .take(max)
            .collect();
        out.reverse();
        out
    }

    /// Iterates over retained batches, oldest first.
    pub fn batches(&self) -> impl Iterator<Item = &RecordBatch> {
        self.batches.iter()
    }

    /// Epoch of the last batch, if any (the follower's `lastFetchedEpoch`).
    pub fn last_epoch(&self) -> Option<u32> {
        self.epochs.last().map(|&(e, _)| e)
    }

    /// Sets the high watermark (never above the log end, never backwards except on truncation).
    pub fn set_high_watermark(&mut self, hw: u64) -> bool {
        let hw = hw.min(self.log_end_offset);
        if hw > self.high_watermark {
            self.high_watermark = hw;
            if !self.txn.is_empty() {
                self.txn.on_high_watermark(hw);
            }
            true
        } else {
            false
        }
    }

    /// A new leader records the start of its epoch at the current log end.
    pub fn begin_epoch(&mut self, epoch: u32) {
        match self.epochs.last() {
            Some(&(e, _)) if e >= epoch => {}
            _ => self.epochs.push((epoch, self.log_end_offset)),
        }
    }

    /// Idempotence check for a batch (only for batches with a producer id), as Kafka's
    /// `ProducerAppendInfo.checkProducerEpoch` / `checkSequence`: an unknown producer is
    /// accepted at any sequence; an older epoch is refused; a newer epoch (KIP-360's bump) must
    /// start at sequence 0; within the epoch a batch is a duplicate of one of the last five, or
    /// must follow the last sequence.
    pub fn check_sequence(&self, batch: &RecordBatch) -> SequenceCheck {
        if batch.producer_id == NO_PRODUCER_ID {
            return SequenceCheck::Accept;
        }
        if batch.attributes != 0 {
            return self.check_transactional(batch);
        }
        let last_seq = batch
            .base_sequence
            .wrapping_add(batch.record_count as i32 - 1);
        let Ok(i) = self
            .producers
            .binary_search_by_key(&batch.producer_id, |(id, _)| *id)
        else {
            return SequenceCheck::Accept;
        };
        let state = &self.producers[i].1;
        if batch.producer_epoch < state.epoch {
            return SequenceCheck::StaleEpoch;
        }
        if batch.producer_epoch > state.epoch {
            return if batch.base_sequence == 0 {
                SequenceCheck::Accept
            } else {
                SequenceCheck::OutOfOrder
            };
        }
        if let Some(&(_, _, off)) = state
            .recent
            .iter()
            .find(|&&(f, l, _)| f == batch.base_sequence && l == last_seq)
        {
            return SequenceCheck::Duplicate(off);
        }
        match state.recent.back() {
            Some(&(_, l, _)) if batch.base_sequence != l.wrapping_add(1) => {
                SequenceCheck::OutOfOrder
            }
            _ => SequenceCheck::Accept,
        }
    }

    /// The check for a transactional batch: a marker is fenced only by a newer epoch
    /// (`ProducerAppendInfo.checkProducerEpoch`); data batches are checked as any idempotent
    /// batch, a newer epoch starting at sequence 0 (KIP-890 bumps the epoch per transaction).
    fn check_transactional(&self, batch: &RecordBatch) -> SequenceCheck {
        let known = self
            .producers
            .binary_search_by_key(&batch.producer_id, |(id, _)| *id)
            .ok()
            .map(|i| self.producers[i].1.epoch);
        if known.is_some_and(|e| batch.producer_epoch < e) {
            return SequenceCheck::StaleEpoch;
        }
        if batch.control().is_some() {
            return SequenceCheck::Accept;
        }
        let mut plain = *batch;
        plain.attributes = 0;
        self.check_sequence(&plain)
    }

    fn note_producer(&mut self, batch: &RecordBatch) {
        if batch.producer_id == NO_PRODUCER_ID {
            return;
        }
        if batch.attributes != 0 {
            self.txn.on_append(batch, self.high_watermark);
        }
        let last_seq = batch
            .base_sequence
            .wrapping_add(batch.record_count as i32 - 1);
        let i = match self
            .producers
            .binary_search_by_key(&batch.producer_id, |(id, _)| *id)
        {
            Ok(i) => i,
            Err(i) => {
                self.producers
                    .insert(i, (batch.producer_id, ProducerState::default()));
                i
            }
        };
        let st = &mut self.producers[i].1;
        if batch.producer_epoch != st.epoch {
            *st = ProducerState {
                epoch: batch.producer_epoch,
                recent: RecentBatches::default(),
            };
        }
        if batch.control().is_none() {
            st.recent
                .push((batch.base_sequence, last_seq, batch.base_offset));
        }
    }

    fn push(&mut self, batch: RecordBatch) {
        self.log_end_offset = batch.next_offset();
        self.bytes += batch.bytes as u64;
        match self.epochs.last() {
            Some(&(e, _)) if e >= batch.partition_leader_epoch => {}
            _ => self
                .epochs
                .push((batch.partition_leader_epoch, batch.base_offset)),
        }
        self.note_producer(&batch);
        self.has_control |= batch.attributes & super::protocol::ATTR_CONTROL != 0;
        self.batches.push_back(batch);
        while self.batches.len() > RETAINED_BATCHES {
            if let Some(old) = self.batches.pop_front() {
                self.bytes -= old.bytes as u64;
                self.log_start_offset = old.next_offset();
            }
        }
        while self
            .payloads
            .front()
            .is_some_and(|(o, _)| *o < self.log_start_offset)
        {
            self.payloads.pop_front();
        }
        if !self.txn.is_empty() {
            self.txn.retain_from(self.log_start_offset);
        }
    }

    /// Leader append: assigns offsets and stamps the leader epoch. Returns the stored batch.
    pub fn append_as_leader(&mut self, mut batch: RecordBatch, epoch: u32) -> RecordBatch {
        batch.base_offset = self.log_end_offset;
        batch.partition_leader_epoch = epoch;
        self.push(batch);
        batch
    }

    /// Leader append of an internal-topic batch carrying `payload`.
    pub fn append_internal_as_leader(
        &mut self,
        payload: InternalRecord,
        epoch: u32,
        now: u64,
    ) -> RecordBatch {
        let batch = RecordBatch {
            base_offset: 0,
            record_count: payload.record_count(),
            bytes: payload.bytes(),
            producer_id: -1,
            producer_epoch: 0,
            base_sequence: -1,
            partition_leader_epoch: epoch,
            ids: super::protocol::RecordIds {
                producer: u32::MAX,
                first_record: 0,
            },
            first_create_time: now,
            attributes: 0,
            last_create_time: now,
        };
        let stored = self.append_as_leader(batch, epoch);
        self.payloads.push_back((stored.base_offset, payload));
        stored
    }

    /// Internal-topic payloads of the batches starting in `[from, to)`, in offset order.
    pub fn payloads_between(&self, from: u64, to: u64) -> Vec<(u64, InternalRecord)> {
        let start = self.payloads.partition_point(|(o, _)| *o < from);
        self.payloads
            .iter()
            .skip(start)
            .take_while(|(o, _)| *o < to)
            .cloned()
            .collect()
    }

    /// Every internal-topic payload still in the log, in offset order, with its base offset.
    pub fn payloads(&self) -> impl Iterator<Item = &(u64, InternalRecord)> {
        self.payloads.iter()
    }

    /// Follower append of internal-topic payloads that came with fetched batches: kept for the
    /// batches now in the log.
    pub fn append_payloads_as_follower(&mut self, payloads: &[(u64, InternalRecord)]) {
        for (o, p) in payloads {
            let newer = self.payloads.back().is_none_or(|(last, _)| last < o);
            if newer && *o < self.log_end_offset && *o >= self.log_start_offset {
                self.payloads.push_back((*o, p.clone()));
            }
        }
    }

    /// Follower append: keeps the leader's offsets and epochs. Batches not starting at the log
    /// end are skipped (already present or a gap).
    pub fn append_as_follower(&mut self, batches: &[RecordBatch]) -> u64 {
        let mut appended = 0;
        for b in batches {
            if b.base_offset == self.log_end_offset {
                self.push(*b);
                appended += 1;
            }
        }
        appended
    }

    /// Removes every record at or above `offset`; returns the removed batches. Also lowers the
    /// high watermark and drops epoch entries past the new end.
    pub fn truncate_to(&mut self, offset: u64) -> Vec<RecordBatch> {
        let mut removed = Vec::new();
        while let Some(last) = self.batches.back() {
            if last.base_offset >= offset {
                let b = self.batches.pop_back().expect("checked non-empty");
                self.bytes -= b.bytes as u64;
                removed.push(b);
            } else {
                break;
            }
        }
        removed.reverse();
        self.log_end_offset = self
            .batches
            .back()
            .map(|b| b.next_offset())
            .unwrap_or(self.log_start_offset);
        self.high_watermark = self.high_watermark.min(self.log_end_offset);
        let end = self.log_end_offset;
        self.epochs.retain(|&(_, start)| start < end);
        while self.payloads.back().is_some_and(|(o, _)| *o >= end) {
            self.payloads.pop_back();
        }
        if !removed.is_empty() {
            // The transaction index only refers to transactional batches: it changes only if
            // one of them went.
            let transactional = removed.iter().any(|b| b.attributes != 0);
            self.rebuild_producers(transactional);
        }
        removed
    }

    fn rebuild_producers(&mut self, transactional: bool) {
        self.producers.clear();
        let tail: Vec<RecordBatch> = self
            .batches
            .iter()
            .rev()
            .take(1000)
            .rev()
            .copied()
            .collect();
        for b in &tail {
            self.note_producer(b);
        }
        if transactional {
            self.txn = crate::engine::txn::index::TxnIndex::rebuild(
                self.batches.iter(),
                self.high_watermark,
            );
        }
    }

    /// `OffsetsForLeaderEpoch` semantics: the largest epoch ≤ `epoch` this log has, and the end
    /// offset of that epoch (the start of the next epoch, or the log end).
    pub fn end_offset_for_epoch(&self, epoch: u32) -> Option<DivergingEpoch> {
        let pos = self.epochs.iter().rposition(|&(e, _)| e <= epoch)?;
        let (found, _) = self.epochs[pos];
        let end_offset = self
            .epochs
            .get(pos + 1)
            .map(|&(_, start)| start)
            .unwrap_or(self.log_end_offset);
        Some(DivergingEpoch {
            epoch: found,
            end_offset,
        })
    }

    /// The leader's side of fetch-based truncation (KIP-101, `Partition.fetchRecords` with a
    /// `lastFetchedEpoch`): where a follower that last fetched `last_fetched_epoch` and asks for
    /// `fetch_offset` diverges from this log — the largest epoch this log has at or below the
    /// follower's and its end offset — or `None` when the follower's log is a prefix of this
    /// one. A leader with no epoch that old answers its log start.
    pub fn divergence(&self, last_fetched_epoch: u32, fetch_offset: u64) -> Option<DivergingEpoch> {
        match self.end_offset_for_epoch(last_fetched_epoch) {
            Some(d) if d.epoch == last_fetched_epoch && d.end_offset >= fetch_offset => None,
            Some(d) => Some(d),
            None => Some(DivergingEpoch {
                epoch: 0,
                end_offset: self.log_start_offset,
            }),
        }
    }

    /// The follower's side (KIP-279, `AbstractFetcherThread.getOffsetTruncationState`): where
    /// to truncate given the leader's `(epoch, end offset)`, and whether that settles it. When
    /// this log has the leader's epoch, it truncates to the smaller of the two end offsets:
    /// done. When it does not, it truncates to the end of its own largest epoch below the
    /// leader's and asks again (the next fetch carries that older epoch), repeating until they
    /// agree — a single step could keep records the leader never had, or never converge.
    pub fn truncation_point(&self, leader: DivergingEpoch) -> (u64, bool) {
        let leo = self.log_end_offset;
        match self.end_offset_for_epoch(leader.epoch) {
            Some(mine) if mine.epoch == leader.epoch => {
                (mine.end_offset.min(leader.end_offset).min(leo), true)
            }
            Some(mine) => (mine.end_offset.min(leo), false),
            None => (leader.end_offset.min(leo), true),
        }
    }

    /// Reads whole batches starting with the one holding `from`, up to `max_bytes` (at least one
    /// batch, as Kafka returns), never including records at or above `upper_bound`.
    pub fn read(&self, from: u64, max_bytes: u64, upper_bound: u64) -> Vec<RecordBatch> {
        let mut out = Vec::new();
        if from >= upper_bound || from >= self.log_end_offset {
            return out;
        }
        let start = self.index_after(from);
        let mut size = 0u64;
        for b in self.batches.iter().skip(start) {
            if b.next_offset() > upper_bound {
                break;
            }
            if !out.is_empty() && size + b.bytes as u64 > max_bytes {
                break;
            }
            size += b.bytes as u64;
            out.push(*b);
        }
        out
    }

    /// The last stable offset (`UnifiedLog.lastStableOffset`): the high watermark, or the first
    /// offset of the oldest transaction not yet stable if that is lower. A read_committed
    /// consumer reads below it.
    pub fn last_stable_offset(&self) -> u64 {
        match self.txn.first_unstable_offset() {
            Some(first) => first.min(self.high_watermark),
            None => self.high_watermark,
        }
    }

    /// Whether producer `producer_id` has a transaction open in this log under `epoch`
    /// (`UnifiedLog.hasOngoingTransaction`; KIP-890 verification is needed otherwise).
    pub fn has_open_txn(&self, producer_id: i64, epoch: i16) -> bool {
        self.txn.has_open(producer_id, epoch)
    }

    /// Aborted transactions overlapping `[from, to)`, for a read_committed fetch.
    pub fn aborted_between(&self, from: u64, to: u64) -> Vec<crate::engine::protocol::AbortedTxn> {
        if self.txn.is_empty() {
            return Vec::new();
        }
        self.txn.aborted_between(from, to)
    }

    /// The aborted-transaction index, oldest first.
    pub fn aborted_txns(&self) -> impl Iterator<Item = &crate::engine::protocol::AbortedTxn> {
        self.txn.aborted()
    }

    /// Bytes available from `from` up to `upper_bound` (for `fetch.min.bytes`), capped at `cap`.
    pub fn bytes_available(&self, from: u64, upper_bound: u64, cap: u64) -> u64 {
        if from >= upper_bound {
            return 0;
        }
        let start = self.index_after(from);
        let mut size = 0;
        for b in self.batches.iter().skip(start) {
            if b.next_offset() > upper_bound || size >= cap {
                break;
            }
            size += b.bytes as u64;
        }
        size
    }
}

impl PartitionLog {
    /// Index of the first batch that ends after `offset` (holds it, or comes after it).
    ///
    /// Readers are almost always near the log end (followers and consumers that keep up, the
    /// checker's newest acknowledgements), so the search gallops from the back: it touches a
    /// handful of batches at the end instead of binary-searching the whole retained log.
    fn index_after(&self, offset: u64) -> usize {
        let n = self.batches.len();
        let ends_after = |i: usize| self.batches[i].next_offset() > offset;
        let mut step = 1;
        let mut lo = n;
        // Invariant: every batch from `lo` on ends after `offset`.
        while lo > 0 {
            let probe = lo.saturating_sub(step);
            if !ends_after(probe) {
                // The answer is in (probe, lo]: binary search there.
                let (mut a, mut b) = (probe + 1, lo);
                while a < b {
                    let mid = a + (b - a) / 2;
                    if ends_after(mid) {
                        b = mid;
                    } else {
                        a = mid + 1;
                    }
                }
                return a;
            }
            lo = probe;
            step *= 2;
        }
        0
    }

    /// The retained batches from the one holding `offset` on.
    pub fn batches_from(&self, offset: u64) -> impl Iterator<Item = &RecordBatch> {
        let start = self.index_after(offset);
        self.batches.iter_from(start)
    }

    /// The batch whose base offset is exactly `offset`, if retained.
    pub fn batch_at(&self, offset: u64) -> Option<&RecordBatch> {
        let i = self.index_after(offset);
        self.batches.get(i).filter(|b| b.base_offset == offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::RecordIds;

    fn batch(count: u32, pid: i64, seq: i32) -> RecordBatch {
        RecordBatch {
            base_offset: 0,
            record_count: count,
            bytes: 100 * count,
            producer_id: pid,
            producer_epoch: 0,
            base_sequence: seq,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: 0,
                first_record: seq.max(0) as u64,
            },
            first_create_time: 0,
            attributes: 0,
            last_create_time: 0,
        }
    }

    /// A truncation drops the internal-topic payloads of the removed batches (a coordinator
    /// replaying its log must not see them) and keeps those below the new end.
    #[test]
    fn truncation_drops_the_payloads_past_the_new_end() {
        let commit = |offset| InternalRecord::OffsetCommits {
            group: "g".into(),
            offsets: vec![(crate::engine::ids::TopicPartition::new(0, 0), offset)],
        };
        let mut log = PartitionLog::new();
        log.begin_epoch(1);
        let offsets: Vec<u64> = (0..3)
            .map(|i| log.append_internal_as_leader(commit(i), 1, 0).base_offset)
            .collect();
        log.truncate_to(offsets[1]);
        let kept: Vec<u64> = log.payloads().map(|(o, _)| *o).collect();
        assert_eq!(kept, [offsets[0]]);
    }

    #[test]
    fn leader_append_assigns_offsets_and_epochs() {
        let mut log = PartitionLog::new();
        log.begin_epoch(1);
        let a = log.append_as_leader(batch(10, -1, -1), 1);
        let b = log.append_as_leader(batch(5, -1, -1), 1);
        assert_eq!((a.base_offset, b.base_offset), (0, 10));
        assert_eq!(log.log_end_offset(), 15);
        log.begin_epoch(3);
        log.append_as_leader(batch(5, -1, -1), 3);
        assert_eq!(
            log.end_offset_for_epoch(2),
            Some(DivergingEpoch {
                epoch: 1,
                end_offset: 15
            })
        );
        assert_eq!(log.end_offset_for_epoch(3).unwrap().end_offset, 20);
    }

    #[test]
    fn truncation_removes_tail_and_lowers_hw() {
        let mut log = PartitionLog::new();
        for _ in 0..4 {
            log.append_as_leader(batch(10, -1, -1), 0);
        }
        log.set_high_watermark(40);
        let removed = log.truncate_to(20);
        assert_eq!(removed.len(), 2);
        assert_eq!(log.log_end_offset(), 20);
        assert_eq!(log.high_watermark(), 20);
        assert_eq!(
            log.size_bytes(),
            2 * 1_000,
            "the two batches left, 100 B a record"
        );
    }

    #[test]
    fn idempotence_detects_duplicates_and_gaps() {
        let mut log = PartitionLog::new();
        let b0 = batch(10, 7, 0);
        assert_eq!(log.check_sequence(&b0), SequenceCheck::Accept);
        log.append_as_leader(b0, 0);
        assert_eq!(log.check_sequence(&b0), SequenceCheck::Duplicate(0));
        assert_eq!(
            log.check_sequence(&batch(10, 7, 20)),
            SequenceCheck::OutOfOrder
        );
        assert_eq!(log.check_sequence(&batch(10, 7, 10)), SequenceCheck::Accept);
    }

    /// Kafka's `ProducerStateEntry` keeps the last 5 batches' metadata: a retry of any of them
    /// is a duplicate (answered with its offset), one of an older batch is out of sequence.
    #[test]
    fn a_retry_of_any_of_the_last_five_batches_is_a_duplicate_older_ones_out_of_order() {
        let mut log = PartitionLog::new();
        let mut sent = Vec::new();
        for i in 0..8 {
            let b = batch(10, 7, i * 10);
            assert_eq!(log.check_sequence(&b), SequenceCheck::Accept, "batch {i}");
            sent.push((b, log.append_as_leader(b, 0).base_offset));
        }
        // Another producer's batches in between do not push producer 7's out of its window.
        log.append_as_leader(batch(10, 8, 0), 0);
        for (i, (b, offset)) in sent.iter().enumerate() {
            let expected = if i >= 3 {
                SequenceCheck::Duplicate(*offset)
            } else {
                SequenceCheck::OutOfOrder
            };
            assert_eq!(log.check_sequence(b), expected, "retry of batch {i}");
        }
        // The same sequence with another length is not the batch written.
        assert_eq!(
            log.check_sequence(&batch(5, 7, 50)),
            SequenceCheck::OutOfOrder
        );
        assert_eq!(log.check_sequence(&batch(10, 7, 80)), SequenceCheck::Accept);
        // After a truncation the window is rebuilt from what is left in the log.
        log.truncate_to(sent[6].1);
        assert_eq!(log.check_sequence(&sent[6].0), SequenceCheck::Accept);
        assert_eq!(
            log.check_sequence(&sent[5].0),
            SequenceCheck::Duplicate(sent[5].1)
        );
        assert_eq!(
            log.check_sequence(&sent[1].0),
            SequenceCheck::Duplicate(sent[1].1),
            "five batches back from the new end"
        );
        assert_eq!(log.check_sequence(&sent[0].0), SequenceCheck::OutOfOrder);
    }

    /// The high watermark never passes the log end and never moves back but by truncation; the
    /// leader-epoch cache answers `OffsetsForLeaderEpoch` for every epoch (KIP-101/279).
    #[test]
    fn high_watermark_and_leader_epoch_cache() {
        let mut log = PartitionLog::new();
        assert_eq!(log.last_epoch(), None);
        assert_eq!(log.end_offset_for_epoch(0), None);
        log.begin_epoch(2);
        log.append_as_leader(batch(10, -1, -1), 2);
        log.begin_epoch(2); // the same epoch again: no new entry
        log.append_as_leader(batch(10, -1, -1), 2);
        log.begin_epoch(5);
        log.append_as_leader(batch(5, -1, -1), 5);
        assert_eq!(log.last_epoch(), Some(5));
        let at = |epoch, end_offset| Some(DivergingEpoch { epoch, end_offset });
        assert_eq!(
            log.end_offset_for_epoch(1),
            None,
            "older than any epoch held"
        );
        assert_eq!(log.end_offset_for_epoch(2), at(2, 20));
        assert_eq!(log.end_offset_for_epoch(4), at(2, 20), "largest epoch <= 4");
        assert_eq!(log.end_offset_for_epoch(5), at(5, 25));
        assert_eq!(log.end_offset_for_epoch(9), at(5, 25));

        assert!(log.set_high_watermark(15));
        assert!(!log.set_high_watermark(15), "unchanged");
        assert!(!log.set_high_watermark(12), "never backwards");
        assert_eq!(log.high_watermark(), 15);
        assert!(log.set_high_watermark(99));
        assert_eq!(log.high_watermark(), 25, "never above the log end");
        // Truncation into epoch 2 drops epoch 5 from the cache and lowers the HW.
        let removed = log.truncate_to(20);
        assert_eq!(removed.len(), 1);
        assert_eq!((log.log_end_offset(), log.high_watermark()), (20, 20));
        assert_eq!(log.last_epoch(), Some(2));
        assert_eq!(log.end_offset_for_epoch(5), at(2, 20));
        // A follower appends only batches that start at its log end, keeping their epochs.
        let mut leader_batch = batch(4, -1, -1);
        leader_batch.partition_leader_epoch = 6;
        leader_batch.base_offset = 18; // already held
        let mut next = leader_batch;
        next.base_offset = 20;
        let mut gap = leader_batch;
        gap.base_offset = 30;
        assert_eq!(log.append_as_follower(&[leader_batch, next, gap]), 1);
        assert_eq!(log.log_end_offset(), 24);
        assert_eq!(log.end_offset_for_epoch(6), at(6, 24));
        assert_eq!(log.end_offset_for_epoch(3), at(2, 20));
    }

    #[test]
    fn galloping_search_agrees_with_a_binary_search() {
        let mut log = PartitionLog::new();
        for i in 0..300u32 {
            log.append_as_leader(batch(1 + i % 7, 1, -1), 0);
        }
        log.truncate_to(0); // an empty log
        assert_eq!(log.index_after(0), 0);
        for i in 0..300u32 {
            log.append_as_leader(batch(1 + i % 7, 1, -1), 0);
        }
        for offset in 0..=log.log_end_offset() + 2 {
            let expected = log.batches.partition_point(|b| b.next_offset() <= offset);
            assert_eq!(log.index_after(offset), expected, "offset {offset}");
            let at = log.batches.iter().find(|b| b.base_offset == offset);
            assert_eq!(log.batch_at(offset), at, "offset {offset}");
        }
    }

    #[test]
    fn reads_stop_at_the_upper_bound() {
        let mut log = PartitionLog::new();
        for _ in 0..5 {
            log.append_as_leader(batch(10, -1, -1), 0);
        }
        assert_eq!(log.read(0, u64::MAX, 30).len(), 3);
        assert_eq!(log.read(15, u64::MAX, 30).len(), 2);
        assert_eq!(log.read(0, 1, 50).len(), 1, "at least one batch");
        assert!(log.read(30, u64::MAX, 30).is_empty());
        // max_bytes (`fetch.max.bytes` / `max.partition.fetch.bytes`): whole batches while the
        // total fits, 1,000 B each here; one that exactly fills it is included.
        assert_eq!(log.read(0, 2_000, 50).len(), 2, "exactly fills");
        assert_eq!(log.read(0, 2_999, 50).len(), 2);
        assert_eq!(log.read(0, 3_000, 50).len(), 3);
        assert_eq!(log.read(10, 1_500, 50).len(), 1);
    }

    #[test]
    fn recent_batches_keep_the_last_five_in_order() {
        let (mut ring, mut reference) = (RecentBatches::default(), VecDeque::new());
        for n in 0..23 {
            let entry = (n, n + 1, n as u64 * 10);
            ring.push(entry);
            reference.push_back(entry);
            if reference.len() > PRODUCER_BATCH_CACHE {
                reference.pop_front();
            }
            assert!(ring.iter().eq(reference.iter()));
            assert_eq!(ring.back(), reference.back());
        }
    }

    /// Appends `count` one-record batches in `epoch` (as the leader of that epoch wrote them).
    fn write(log: &mut PartitionLog, epoch: u32, count: u32) {
        log.begin_epoch(epoch);
        for _ in 0..count {
            log.append_as_leader(batch(1, -1, -1), epoch);
        }
    }

    /// The fetch loop of a follower against a leader: fetch with the follower's last epoch and
    /// log end, truncate where the leader's answer says (KIP-279), until there is no
    /// divergence. Returns the number of round trips. (For the proptest, native only.)
    #[cfg(not(target_arch = "wasm32"))]
    fn reconcile(leader: &PartitionLog, follower: &mut PartitionLog) -> usize {
        for round in 1..=64 {
            let Some(epoch) = follower.last_epoch() else {
                return round;
            };
            match leader.divergence(epoch, follower.log_end_offset()) {
                None => return round,
                Some(d) => {
                    let (to, _) = follower.truncation_point(d);
                    follower.truncate_to(to);
                }
            }
        }
        panic!("the follower never converged");
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn epochs_of(log: &PartitionLog) -> Vec<u32> {
        log.batches().map(|b| b.partition_leader_epoch).collect()
    }

    #[test]
    fn kip_279_truncates_in_steps_when_the_follower_lacks_the_leaders_epoch() {
        // Follower: epoch 0 up to 100, then epoch 2 (which the leader never had) to 150.
        let mut follower = PartitionLog::new();
        write(&mut follower, 0, 100);
        write(&mut follower, 2, 50);
        // Leader: epoch 0 up to 80, epoch 1 to 120, epoch 3 after.
        let mut leader = PartitionLog::new();
        write(&mut leader, 0, 80);
        write(&mut leader, 1, 40);
        write(&mut leader, 3, 10);
        let d = leader.divergence(2, 150).unwrap();
        assert_eq!((d.epoch, d.end_offset), (1, 120));
        // The follower has no epoch 1: it truncates to the end of its epoch 0 and asks again.
        assert_eq!(follower.truncation_point(d), (100, false));
        follower.truncate_to(100);
        let d = leader.divergence(0, 100).unwrap();
        assert_eq!((d.epoch, d.end_offset), (0, 80));
        assert_eq!(follower.truncation_point(d), (80, true));
        follower.truncate_to(80);
        assert_eq!(leader.divergence(0, 80), None);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Two replicas share a history, then each goes on alone (the old leader keeps writing
        /// its epoch; the new leader's epochs are ones the other never saw): the fetch loop ends
        /// with the follower's log exactly the common prefix of both.
        #[test]
        fn the_fetch_loop_truncates_a_follower_to_the_common_prefix(
            common in proptest::collection::vec(1u32..20, 1..5),
            shared_tail in (0u32..20, 0u32..20),
            leader_epochs in proptest::collection::vec(1u32..20, 0..4),
            follower_epochs in proptest::collection::vec(1u32..20, 0..4),
        ) {
            let mut leader = PartitionLog::new();
            let mut follower = PartitionLog::new();
            for (e, &n) in common.iter().enumerate() {
                write(&mut leader, e as u32, n);
                write(&mut follower, e as u32, n);
            }
            let last = common.len() as u32 - 1;
            // Both go on in the last common epoch, one further than the other.
            write(&mut leader, last, shared_tail.0);
            write(&mut follower, last, shared_tail.1);
            // Then epochs each other never saw: even numbers above `last` for the leader,
            // odd ones for the follower.
            let mut e = last;
            for &n in &leader_epochs {
                e += 2;
                write(&mut leader, e + (e % 2), n);
            }
            let mut e = last;
            for &n in &follower_epochs {
                e += 2;
                write(&mut follower, e + 1 - (e % 2), n);
            }
            let common_len = common.iter().sum::<u32>() + shared_tail.0.min(shared_tail.1);
            reconcile(&leader, &mut follower);
            proptest::prop_assert_eq!(follower.log_end_offset(), common_len as u64);
            let lead = epochs_of(&leader);
            proptest::prop_assert_eq!(&epochs_of(&follower)[..], &lead[..common_len as usize]);
        }
    }
}
