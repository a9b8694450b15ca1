//! The RecordAccumulator: per-partition queues of record batches, filled up to `batch.size`,
//! ready when full or when `linger.ms` passed, holding `buffer.memory`.

use std::collections::VecDeque;

use crate::engine::time::SimTime;

/// Kafka's record batch (v2) header size in bytes.
pub const BATCH_HEADER_BYTES: u64 = 61;
/// Per-record overhead in a v2 batch (length, attributes, deltas, key/value lengths, headers
/// count as varints), approximately.
pub const RECORD_OVERHEAD_BYTES: u64 = 8;

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
}

impl ProducerBatch {
    /// Whether another record of `record_bytes` would overflow `batch.size`.
    pub fn is_full(&self, batch_size: u64, record_bytes: u64) -> bool {
        self.closed || (self.records > 0 && self.bytes + record_bytes > batch_size)
    }
}

/// All partitions' queues.
#[derive(Clone, Debug, Default)]
pub struct RecordAccumulator {
    /// Queue per partition; the open batch (if any) is at the back.
    pub queues: Vec<VecDeque<ProducerBatch>>,
    /// Batches allocated (each holds `batch.size` of `buffer.memory`).
    pub allocated: u64,
    /// Set when an append created a batch or filled one: Kafka's `KafkaProducer.doSend` wakes
    /// the sender thread only then (`batchIsFull || newBatchCreated`); otherwise the sender
    /// sleeps until its own deadline (linger, retry backoff, a response).
    pub wake_sender: bool,
    /// Batches `buffer.memory` holds (`buffer.memory / batch.size`): an append that needs a new
    /// batch when this many are allocated appends nothing (Kafka's `send()` blocks on the
    /// `BufferPool` instead).
    pub max_batches: u64,
}

impl RecordAccumulator {
    /// Queues for `partitions` partitions.
    pub fn new(partitions: u32) -> Self {
        RecordAccumulator {
            queues: (0..partitions).map(|_| VecDeque::new()).collect(),
            allocated: 0,
            wake_sender: false,
            max_batches: u64::MAX,
        }
    }

    /// Appends `n` records of `record_bytes` created evenly over `[t0, t1]` to `partition`'s open
    /// batch, opening one if needed. Returns how many fit (at least one into a fresh batch).
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
            if self.allocated >= self.max_batches {
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
            });
            self.allocated += 1;
            self.wake_sender = true;
        }
        let b = q.back_mut().expect("just ensured");
        let room = if b.records == 0 {
            1 + batch_size.saturating_sub(b.bytes + record_bytes) / record_bytes.max(1)
        } else {
            batch_size.saturating_sub(b.bytes) / record_bytes.max(1)
        };
        let k = (n as u64).min(room.max(1)) as u32;
        if b.records == 0 {
            b.first_create = t0;
        }
        b.records += k;
        b.bytes += k as u64 * record_bytes;
        // Create times are spread evenly over [t0, t1] for the n records; the k-th ends here.
        b.last_create = if n <= 1 {
            t1
        } else {
            t0 + (t1 - t0) * (k as u64 - 1) / (n as u64 - 1)
        };
        if b.is_full(batch_size, record_bytes) {
            b.closed = true;
            self.wake_sender = true;
        }
        k
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
