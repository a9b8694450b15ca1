//! The RecordAccumulator: per-partition queues of record batches, filled up to `batch.size`,
//! ready when full or when `linger.ms` passed, holding `buffer.memory` in bytes as Kafka's
//! `BufferPool` does: each batch takes `max(batch.size, the first record's serialized upper
//! bound)` bytes from the pool when it is created (`RecordAccumulator.append`) and gives them
//! back when it completes; batches made by splitting are allocated off the pool
//! (`ProducerBatch.split`, `RecordAccumulator.deallocate` skips split batches).

use std::collections::VecDeque;

use super::ready::ReadyIndex;
use crate::engine::time::SimTime;

/// Kafka's record batch (v2) header size in bytes.
pub const BATCH_HEADER_BYTES: u64 = 61;
/// Per-record overhead in a v2 batch (length, attributes, deltas, key/value lengths, headers
/// count as varints), approximately.
pub const RECORD_OVERHEAD_BYTES: u64 = 8;

/// `span × i / n` without overflow (0 when `n` is 0): the create time of the `i`-th of `n + 1`
/// records spread evenly over `span`.
pub fn lerp(span: SimTime, i: u64, n: u64) -> SimTime {
    if n == 0 {
        return 0;
    }
    // In 64 bits when the product fits (always, in practice): the same quotient without a
    // 128-bit division, a library call in wasm.
    match crate::engine::reciprocal::checked_mul(span, i) {
        Some(x) => x / n,
        None => (u128::from(span) * u128::from(i) / u128::from(n)) as SimTime,
    }
}

/// A batch being filled or waiting to be sent (Kafka's `ProducerBatch`).
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerBatch {
    /// Partition.
    pub partition: u32,
    /// Records in the batch.
    pub records: u32,
    /// Bytes of the records plus the batch header.
    pub bytes: u64,
    /// First application record id (per producer and partition).
    pub first_record: u64,
    /// Create time of the first record.
    pub first_create: SimTime,
    /// Create time of the last record.
    pub last_create: SimTime,
    /// When the batch was created (linger.ms counts from here).
    pub created: SimTime,
    /// Closed to new records (full, or drained once).
    pub closed: bool,
    /// Idempotent sequence of the first record, assigned at first drain.
    pub base_sequence: Option<i32>,
    /// Producer epoch the sequence belongs to (KIP-360 bumps it).
    pub producer_epoch: i16,
    /// The sequence was rewritten by an epoch bump (`sequenceHasBeenReset`).
    pub sequence_reset: bool,
    /// Sends so far.
    pub attempts: u32,
    /// Not before this time (retry backoff).
    pub retry_at: SimTime,
    /// Bytes of `buffer.memory` this batch holds (0 for a batch made by splitting).
    pub pool_bytes: u64,
    /// Made by splitting a batch the broker rejected (`ProducerBatch.isSplitBatch`).
    pub split: bool,
}

impl ProducerBatch {
    /// Whether another record of `record_bytes` would overflow `batch.size`.
    pub fn is_full(&self, batch_size: u64, record_bytes: u64) -> bool {
        // No overflow: bytes stays near batch.size (an i32) and a record is at most ~1 MiB.
        self.closed || (self.records > 0 && self.bytes + record_bytes > batch_size)
    }

    /// Splits this batch as `RecordAccumulator.splitAndReenqueue` does after MESSAGE_TOO_LARGE:
    /// into batches of at most `batch.size` bytes, or — when this batch was itself made by a
    /// split — of at most `max(one record's upper bound, this batch's size / 2)` (KAFKA-8350,
    /// Kafka 4.2: halving so a `batch.size` above the topic's `max.message.bytes` still
    /// converges). Each new batch takes at least one record (`ProducerBatch.split`); they keep
    /// the create time, get consecutive sequence numbers, and count as never tried.
    pub fn split(&self, batch_size: u64) -> Vec<ProducerBatch> {
        let records = u64::from(self.records.max(1));
        let record_bytes = (self.bytes.saturating_sub(BATCH_HEADER_BYTES) / records).max(1);
        let target = if self.split {
            (BATCH_HEADER_BYTES + record_bytes).max(self.bytes / 2)
        } else {
            batch_size
        };
        let per_batch =
            (target.saturating_sub(BATCH_HEADER_BYTES) / record_bytes).clamp(1, records);
        let span = self.last_create.saturating_sub(self.first_create);
        let create = |i: u64| self.first_create + lerp(span, i, records - 1);
        let mut out = Vec::with_capacity(records.div_ceil(per_batch) as usize);
        let mut at = 0u64;
        while at < records {
            let n = per_batch.min(records - at);
            out.push(ProducerBatch {
                partition: self.partition,
                records: n as u32,
                bytes: BATCH_HEADER_BYTES + n * record_bytes,
                first_record: self.first_record + at,
                first_create: create(at),
                last_create: create(at + n - 1),
                created: self.created,
                closed: true,
                base_sequence: self.base_sequence.map(|s| s.wrapping_add(at as i32)),
                producer_epoch: self.producer_epoch,
                sequence_reset: self.sequence_reset,
                attempts: 0,
                retry_at: 0,
                pool_bytes: 0,
                split: true,
            });
            at += n;
        }
        out
    }
}

/// All partitions' queues.
#[derive(Clone, Debug, Default)]
pub struct RecordAccumulator {
    /// Queue per partition; the open batch (if any) is at the back.
    pub queues: Vec<VecDeque<ProducerBatch>>,
    /// Bytes of `buffer.memory` held by live batches (`BufferPool`: total minus available).
    pub used_bytes: u64,
    /// `buffer.memory`: an append that needs a new batch whose allocation would not fit appends
    /// nothing (Kafka's `send()` then blocks in `BufferPool.allocate`, up to `max.block.ms`).
    pub capacity_bytes: u64,
    /// Set when an append created a batch or filled one: Kafka's `KafkaProducer.doSend` wakes
    /// the sender thread only then (`batchIsFull || newBatchCreated`); otherwise the sender
    /// sleeps until its own deadline (linger, retry backoff, a response).
    pub wake_sender: bool,
    /// Which queues the Sender must look at, and a summary of the open batches.
    pub ready: ReadyIndex,
}

impl RecordAccumulator {
    /// Queues for `partitions` partitions, with `buffer.memory` = `capacity_bytes`.
    pub fn new(partitions: u32, capacity_bytes: u64) -> Self {
        RecordAccumulator {
            queues: (0..partitions).map(|_| VecDeque::new()).collect(),
            used_bytes: 0,
            capacity_bytes,
            wake_sender: false,
            ready: ReadyIndex::new(partitions),
        }
    }

    /// What a new batch takes from `buffer.memory`: `max(batch.size, the first record's
    /// serialized upper bound)` (`RecordAccumulator.append`).
    pub fn allocation(batch_size: u64, record_bytes: u64) -> u64 {
        batch_size.max(BATCH_HEADER_BYTES.saturating_add(record_bytes))
    }

    /// Whether `buffer.memory` has room for one more batch of `alloc` bytes.
    pub fn has_room(&self, alloc: u64) -> bool {
        self.used_bytes.saturating_add(alloc) <= self.capacity_bytes
    }

    /// A batch completed (acknowledged or failed): its bytes go back to the pool.
    pub fn release(&mut self, b: &ProducerBatch) {
        self.used_bytes = self.used_bytes.saturating_sub(b.pool_bytes);
    }

    /// Appends `n` records of `record_bytes` created evenly over `[t0, t1]` to `partition`'s open
    /// batch, opening one if needed (and if `buffer.memory` has room for it). Returns how many
    /// fit (at least one into a fresh batch; 0 when the pool is exhausted).
    #[allow(clippy::too_many_arguments)]
    pub fn append(
        &mut self,
        partition: u32,
        n: u32,
        record_bytes: u64,
        t0: SimTime,
        t1: SimTime,
        first_record: u64,
        batch_size: u64,
        now: SimTime,
    ) -> u32 {
        let Some(q) = self.queues.get_mut(partition as usize) else {
            return 0;
        };
        let need_new = q
            .back()
            .map(|b| b.is_full(batch_size, record_bytes) || b.base_sequence.is_some())
            .unwrap_or(true);
        if need_new {
            let alloc = Self::allocation(batch_size, record_bytes);
            if self.used_bytes.saturating_add(alloc) > self.capacity_bytes {
                return 0;
            }
            if let Some(b) = q.back_mut() {
                b.closed = true;
            }
            q.push_back(ProducerBatch {
                partition,
                records: 0,
                bytes: BATCH_HEADER_BYTES,
                first_record,
                first_create: t0,
                last_create: t0,
                // linger.ms counts from the first record's send() call.
                created: t0.min(now),
                closed: false,
                base_sequence: None,
                producer_epoch: 0,
                sequence_reset: false,
                attempts: 0,
                retry_at: 0,
                pool_bytes: alloc,
                split: false,
            });
            self.used_bytes += alloc;
            self.wake_sender = true;
        }
        let b = q.back_mut().expect("just ensured");
        let room = if b.records == 0 {
            1 + batch_size.saturating_sub(b.bytes.saturating_add(record_bytes))
                / record_bytes.max(1)
        } else {
            batch_size.saturating_sub(b.bytes) / record_bytes.max(1)
        };
        let k = (n as u64).min(room.max(1)) as u32;
        if b.records == 0 {
            b.first_create = t0;
        }
        b.records += k;
        b.bytes = b
            .bytes
            .saturating_add(crate::engine::reciprocal::saturating_mul(
                k as u64,
                record_bytes,
            ));
        // Create times are spread evenly over [t0, t1] for the n records; the k-th ends here.
        b.last_create = if n <= 1 {
            t1
        } else {
            t0 + lerp(t1 - t0, k as u64 - 1, n as u64 - 1)
        };
        let mut closed_now = false;
        if b.is_full(batch_size, record_bytes) {
            b.closed = true;
            self.wake_sender = true;
            closed_now = true;
        }
        if need_new || closed_now {
            self.ready.touch(partition);
        }
        self.sync_open(partition);
        k
    }

    /// Call after any change to `partition`'s queue: records its open batch (the back, still
    /// taking records and without a sequence) in the ready index's summary.
    pub fn sync_open(&mut self, partition: u32) {
        let open = self
            .queues
            .get(partition as usize)
            .and_then(|q| q.back())
            .filter(|b| !b.closed && b.base_sequence.is_none())
            .map(|b| (b.bytes, b.created));
        self.ready.set_open(partition, open);
    }

    /// Call after putting a batch back into `partition`'s queue, or otherwise changing what is
    /// at its front: the Sender looks at the partition again.
    pub fn touch(&mut self, partition: u32) {
        self.ready.touch(partition);
        self.sync_open(partition);
    }

    /// Records waiting in a partition's queue (not sent yet).
    pub fn queued_batches(&self, partition: u32) -> u32 {
        self.queues
            .get(partition as usize)
            .map(|q| q.len() as u32)
            .unwrap_or(0)
    }

    /// Whether the partition's last batch is full (or there is none).
    pub fn all_full(&self, partition: u32, batch_size: u64, record_bytes: u64) -> bool {
        self.queues
            .get(partition as usize)
            .and_then(|q| q.back())
            .map(|b| b.is_full(batch_size, record_bytes))
            .unwrap_or(true)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod lerp_tests {
    use super::lerp;
    use proptest::prelude::*;

    proptest! {
        /// The 64-bit path gives the 128-bit quotient, whether the product fits or not.
        #[test]
        fn lerp_is_the_exact_quotient(span in any::<u64>(), i in any::<u64>(), n in 1u64..) {
            let i = i % n.saturating_add(1);
            let exact = (u128::from(span) * u128::from(i) / u128::from(n)) as u64;
            prop_assert_eq!(lerp(span, i, n), exact);
            let small = span % 10_000_000_000;
            let exact = (u128::from(small) * u128::from(i % 1000) / u128::from(n)) as u64;
            prop_assert_eq!(lerp(small, i % 1000, n), exact);
        }
    }
}
