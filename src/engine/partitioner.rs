//! The producer's partitioner: which partition a record goes to.
//!
//! Models Kafka 4.x's producer-side partitioning (`KafkaProducer.partition` and the
//! `BuiltInPartitioner` used by `RecordAccumulator`, KIP-480 and KIP-794):
//!
//! 1. an explicit partition on the record wins;
//! 2. else, a record with a key (and `partitioner.ignore.keys=false`) goes to
//!    `toPositive(murmur2(key)) % numPartitions` ([`partition_for_key`]);
//! 3. else the built-in *sticky* partitioner picks one partition and keeps producing to it
//!    until `batch.size` bytes went there, then switches; with
//!    `partitioner.adaptive.partitioning.enable=true` (the default) the next partition is drawn
//!    with probability decreasing with its queue length ([`PartitionLoadStats`]).
//!
//! Everything is sans-IO: randomness comes from the run's [`SimRng`] (Kafka uses
//! `ThreadLocalRandom`), and the cluster view and queue sizes are passed in explicitly.

use crate::engine::rng::SimRng;
use std::fmt;

/// Kafka's `Utils.murmur2`: 32-bit MurmurHash2 with seed `0x9747b28c`, bit-for-bit as the
/// Java client computes it (little-endian 4-byte blocks, tail bytes folded in, wrapping
/// 32-bit arithmetic). The result is signed, as in Java.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    // Java's `int length` wraps for arrays over 2^31 bytes, which Java cannot allocate.
    let mut h: u32 = SEED ^ (len as u32);
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: clears the sign bit (`n & 0x7fffffff`), so `i32::MIN` maps
/// to 0 rather than overflowing as `abs` would.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition of a keyed record: `toPositive(murmur2(key)) % numPartitions`, as
/// `BuiltInPartitioner.partitionForKey`. An empty key is still a key and is hashed. With
/// `num_partitions == 0` (no partition exists; Kafka never gets here) it returns 0.
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    (to_positive(murmur2(key)) as u32)
        .checked_rem(num_partitions)
        .unwrap_or(0)
}

/// Producer configs that drive partitioning (`ProducerConfig`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionerConfig {
    /// `batch.size` (default 16384): the sticky partitioner switches after this many bytes.
    pub batch_size: u32,
    /// `partitioner.adaptive.partitioning.enable` (default true, KIP-794).
    pub adaptive_partitioning: bool,
    /// `partitioner.availability.timeout.ms` (default 0 = off): a partition whose leader has had
    /// data ready but not drained for longer than this is left out of adaptive choices.
    pub availability_timeout_ms: u64,
    /// `partitioner.ignore.keys` (default false): when true, keys are not hashed and keyed
    /// records go through the sticky partitioner too.
    pub ignore_keys: bool,
}

impl Default for PartitionerConfig {
    fn default() -> Self {
        PartitionerConfig {
            batch_size: 16384,
            adaptive_partitioning: true,
            availability_timeout_ms: 0,
            ignore_keys: false,
        }
    }
}

/// Why a partition could not be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionerError {
    /// The topic has no partitions in the producer's metadata.
    NoPartitions,
    /// An explicit partition outside `0..num_partitions` (Kafka: "Invalid partition given
    /// with record").
    InvalidPartition {
        /// The partition the record asked for.
        partition: u32,
        /// How many partitions the topic has.
        num_partitions: u32,
    },
    /// `batch.size` must be at least 1 for the sticky partitioner (Kafka throws
    /// `IllegalArgumentException`).
    InvalidBatchSize,
}

impl fmt::Display for PartitionerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartitionerError::NoPartitions => write!(f, "topic has no partitions"),
            PartitionerError::InvalidPartition {
                partition,
                num_partitions,
            } => write!(
                f,
                "invalid partition given with record: {partition} is not in the range [0...{num_partitions})"
            ),
            PartitionerError::InvalidBatchSize => write!(f, "batch.size must be >= 1"),
        }
    }
}

impl std::error::Error for PartitionerError {}

/// The producer's metadata view of one topic, as `Cluster.partitionsForTopic` (the count) and
/// `Cluster.availablePartitionsForTopic` (partitions whose leader is known) give it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicView {
    /// Number of partitions of the topic (partition ids are `0..num_partitions`).
    pub num_partitions: u32,
    /// Partitions that currently have a leader, in ascending order.
    pub available: Vec<u32>,
}

impl TopicView {
    /// A topic whose partitions all have a leader.
    pub fn all_available(num_partitions: u32) -> Self {
        TopicView {
            num_partitions,
            available: (0..num_partitions).collect(),
        }
    }
}

/// One partition's entry in the accumulator's batch map, as `RecordAccumulator.partitionReady`
/// reads it when collecting adaptive-partitioning statistics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionQueue {
    /// Partition id.
    pub partition: u32,
    /// Batches queued for the partition (the deque length).
    pub queued_batches: u32,
    /// Whether the metadata knows a leader for the partition.
    pub leader_known: bool,
    /// For the leader's node: `readyTimeMs - drainTimeMs` (how long it has had data ready
    /// without being drained); 0 when there are no latency stats yet.
    pub leader_stall_ms: u64,
}

/// The cumulative frequency table adaptive partitioning draws from (`PartitionLoadStats` in
/// `BuiltInPartitioner`): each eligible partition weighs `maxQueue + 1 - queue`, so a
/// partition with a longer queue is picked less often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionLoadStats {
    cumulative: Vec<u64>,
    partition_ids: Vec<u32>,
}

impl PartitionLoadStats {
    /// `updatePartitionLoadStats`: from the queue sizes of the partitions with a leader
    /// (`queue_sizes` and `partition_ids` parallel, one entry per partition in the batch map)
    /// and `length`, how many leading entries are eligible (fewer when some were excluded by
    /// `partitioner.availability.timeout.ms`). Returns `None` (uniform choice) when the arrays
    /// hold fewer than 2 entries, `length` is 0, or all queues are equal and none was excluded.
    pub fn from_queue_sizes(
        queue_sizes: &[u32],
        partition_ids: &[u32],
        length: usize,
    ) -> Option<Self> {
        let mut stats = Self::empty();
        stats
            .fill_from_queue_sizes(queue_sizes, partition_ids, length)
            .then_some(stats)
    }

    fn empty() -> Self {
        PartitionLoadStats {
            cumulative: Vec::new(),
            partition_ids: Vec::new(),
        }
    }

    /// [`from_queue_sizes`](Self::from_queue_sizes) into this table's buffers; `false` where
    /// that returns `None`.
    fn fill_from_queue_sizes(
        &mut self,
        queue_sizes: &[u32],
        partition_ids: &[u32],
        length: usize,
    ) -> bool {
        let total = queue_sizes.len().min(partition_ids.len());
        let length = length.min(total);
        if length < 1 || total < 2 {
            return false;
        }
        let eligible = &queue_sizes[..length];
        let first = eligible[0];
        let all_equal = eligible.iter().all(|&q| q == first);
        let max_plus_1 = u64::from(eligible.iter().copied().max().unwrap_or(0)) + 1;
        if all_equal && length == total {
            return false;
        }
        let mut running = 0u64;
        self.cumulative.clear();
        self.cumulative.extend(eligible.iter().map(|&q| {
            running += max_plus_1 - u64::from(q);
            running
        }));
        self.partition_ids.clear();
        self.partition_ids
            .extend_from_slice(&partition_ids[..length]);
        true
    }

    /// What `RecordAccumulator.partitionReady` feeds `updatePartitionLoadStats` with. Adaptive
    /// stats exist only when `adaptive` is on and every partition of the topic has an entry in
    /// the batch map (`queues.len() >= num_partitions`). Entries are visited in partition order;
    /// those without a leader are left out; those whose leader stalled longer than
    /// `availability_timeout_ms` are excluded (Kafka's `queueSizesIndex` bookkeeping, including
    /// its quirks).
    pub fn from_accumulator(
        adaptive: bool,
        availability_timeout_ms: u64,
        num_partitions: u32,
        queues: &[PartitionQueue],
    ) -> Option<Self> {
        if !adaptive {
            return None;
        }
        let mut stats = Self::empty();
        stats
            .fill_from_accumulator(
                &mut LoadScratch::default(),
                availability_timeout_ms,
                num_partitions,
                queues,
            )
            .then_some(stats)
    }

    /// [`from_accumulator`](Self::from_accumulator) (adaptive on) into this table's buffers,
    /// with `scratch` for the intermediate arrays: no allocation once the buffers have grown.
    fn fill_from_accumulator(
        &mut self,
        scratch: &mut LoadScratch,
        availability_timeout_ms: u64,
        num_partitions: u32,
        queues: &[PartitionQueue],
    ) -> bool {
        if queues.len() < num_partitions as usize {
            return false;
        }
        let LoadScratch { order, sizes, ids } = scratch;
        order.clear();
        order.extend(0..queues.len());
        if !queues.is_sorted_by_key(|q| q.partition) {
            order.sort_by_key(|&i| queues[i].partition);
        }
        sizes.clear();
        sizes.resize(queues.len(), 0);
        ids.clear();
        ids.resize(queues.len(), 0);
        // Index of the last filled slot, plus one (Kafka's `queueSizesIndex + 1`).
        let mut filled = 0usize;
        for &i in order.iter() {
            let q = &queues[i];
            if !q.leader_known {
                continue;
            }
            filled += 1;
            ids[filled - 1] = q.partition;
            if q.queued_batches == 0 {
                // Kafka `continue`s on an empty deque before recording its size or checking
                // the leader's latency, so the slot keeps whatever it held.
                continue;
            }
            sizes[filled - 1] = q.queued_batches;
            if availability_timeout_ms > 0 && q.leader_stall_ms > availability_timeout_ms {
                filled -= 1;
            }
        }
        self.fill_from_queue_sizes(sizes, ids, filled)
    }

    /// The end of the random range (the last cumulative value, Kafka's `loadStatsRangeEnd`).
    pub fn range_end(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The partition for a non-negative random number: the first entry whose cumulative value
    /// is strictly greater than `random % range_end`, as `nextPartition`'s binary search.
    pub fn pick(&self, random: u32) -> u32 {
        let end = self.range_end();
        if end == 0 {
            return self.partition_ids.first().copied().unwrap_or(0);
        }
        let weighted = u64::from(random) % end;
        let idx = self.cumulative.partition_point(|&c| c <= weighted);
        self.partition_ids
            .get(idx)
            .or(self.partition_ids.last())
            .copied()
            .unwrap_or(0)
    }
}

/// The sticky partition currently in use and the bytes produced to it since it was chosen
/// (`BuiltInPartitioner.StickyPartitionInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sticky {
    partition: u32,
    produced_bytes: u64,
}

impl Sticky {
    fn at(partition: u32) -> Self {
        Sticky {
            partition,
            produced_bytes: 0,
        }
    }
}

/// Kafka's per-topic `BuiltInPartitioner` (the sticky partitioner of KIP-480 as rebuilt by KIP-794) for records without a usable key.
///
/// Workflow, as `RecordAccumulator.append` drives it:
/// 1. [`peek_partition`](Self::peek_partition) gives the current sticky partition (choosing
///    one if there is none);
/// 2. if that partition's last batch is full (or it has none), call
///    [`maybe_complete_switch`](Self::maybe_complete_switch); if it returns `true`, go back
///    to 1 (Kafka's "previously disabled switch");
/// 3. append the record, then call [`update_partition_info`](Self::update_partition_info) with
///    the bytes appended and whether all the partition's batches are full afterwards.
///
/// The sticky partition switches once `batch.size` bytes were produced to it and its last
/// batch is full, or unconditionally at `2 * batch.size` bytes. The next partition is drawn
/// from the load stats of the last [`update_load`](Self::update_load) (adaptive), otherwise
/// uniformly among partitions with a leader, otherwise among all partitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltInPartitioner {
    sticky_batch_size: u64,
    current: Option<Sticky>,
    load_stats: Option<PartitionLoadStats>,
    /// The queue snapshot of the last [`update_load`](Self::update_load) not yet turned into
    /// `load_stats`: the stats are only needed when a new partition is drawn, which is far
    /// rarer than the sender's `ready` passes, so they are computed then, from the snapshot the
    /// last pass took (the same numbers Kafka's eager computation would hold at that moment).
    pending_load: Option<PendingLoad>,
    /// Buffers reused by the next refresh: a snapshot already turned into stats, the table
    /// last dropped for a uniform choice, and the intermediate arrays.
    spare_queues: Vec<PartitionQueue>,
    spare_stats: Option<PartitionLoadStats>,
    scratch: LoadScratch,
}

/// Reused buffers for computing [`PartitionLoadStats`] (not part of the partitioner's state).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct LoadScratch {
    order: Vec<usize>,
    sizes: Vec<u32>,
    ids: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct PendingLoad {
    availability_timeout_ms: u64,
    num_partitions: u32,
    queues: Vec<PartitionQueue>,
}

impl BuiltInPartitioner {
    /// A partitioner switching after `batch_size` bytes; `batch_size` must be at least 1.
    pub fn new(batch_size: u32) -> Result<Self, PartitionerError> {
        if batch_size < 1 {
            return Err(PartitionerError::InvalidBatchSize);
        }
        Ok(BuiltInPartitioner {
            sticky_batch_size: u64::from(batch_size),
            current: None,
            load_stats: None,
            pending_load: None,
            spare_queues: Vec::new(),
            spare_stats: None,
            scratch: LoadScratch::default(),
        })
    }

    /// Recomputes the load statistics from the accumulator's queues
    /// ([`PartitionLoadStats::from_accumulator`]) with the given configs.
    pub fn update_load(
        &mut self,
        config: &PartitionerConfig,
        num_partitions: u32,
        queues: &[PartitionQueue],
    ) {
        self.update_load_from(config, num_partitions, queues.iter().cloned());
    }

    /// [`update_load`](Self::update_load) with the queues as an iterator, written straight
    /// into the snapshot.
    pub fn update_load_from(
        &mut self,
        config: &PartitionerConfig,
        num_partitions: u32,
        queues: impl Iterator<Item = PartitionQueue>,
    ) {
        if !config.adaptive_partitioning {
            self.load_stats = None;
            self.pending_load = None;
            return;
        }
        let spare = &mut self.spare_queues;
        let pending = self.pending_load.get_or_insert_with(|| PendingLoad {
            availability_timeout_ms: 0,
            num_partitions: 0,
            queues: std::mem::take(spare),
        });
        pending.availability_timeout_ms = config.availability_timeout_ms;
        pending.num_partitions = num_partitions;
        pending.queues.clear();
        pending.queues.extend(queues);
    }

    /// Turns a pending queue snapshot into `load_stats`.
    fn refresh_load(&mut self) {
        if let Some(p) = self.pending_load.take() {
            let mut stats = self
                .load_stats
                .take()
                .or_else(|| self.spare_stats.take())
                .unwrap_or_else(PartitionLoadStats::empty);
            if stats.fill_from_accumulator(
                &mut self.scratch,
                p.availability_timeout_ms,
                p.num_partitions,
                &p.queues,
            ) {
                self.load_stats = Some(stats);
            } else {
                self.spare_stats = Some(stats);
            }
            self.spare_queues = p.queues;
        }
    }

    /// The current sticky partition, if one was chosen.
    pub fn current_partition(&self) -> Option<u32> {
        self.current.as_ref().map(|s| s.partition)
    }

    /// Bytes produced to the current sticky partition since it was chosen.
    pub fn produced_bytes(&self) -> u64 {
        self.current.as_ref().map_or(0, |s| s.produced_bytes)
    }

    /// `peekCurrentPartitionInfo`: the current sticky partition, choosing one first if none.
    pub fn peek_partition(
        &mut self,
        rng: &mut SimRng,
        topic: &TopicView,
    ) -> Result<u32, PartitionerError> {
        if let Some(s) = &self.current {
            return Ok(s.partition);
        }
        let partition = self.next_partition(rng, topic)?;
        self.current = Some(Sticky::at(partition));
        Ok(partition)
    }

    /// `updatePartitionInfo`: adds `appended_bytes` to the sticky partition's count and switches
    /// to a new partition when at least `batch.size` bytes were produced and `enable_switch`
    /// (all of the partition's batches are full), or at `2 * batch.size` regardless.
    /// Returns whether it switched.
    pub fn update_partition_info(
        &mut self,
        appended_bytes: u32,
        enable_switch: bool,
        rng: &mut SimRng,
        topic: &TopicView,
    ) -> Result<bool, PartitionerError> {
        let Some(s) = &mut self.current else {
            return Ok(false);
        };
        s.produced_bytes = s.produced_bytes.saturating_add(u64::from(appended_bytes));
        let produced = s.produced_bytes;
        let batch = self.sticky_batch_size;
        if (produced >= batch && enable_switch) || produced >= batch.saturating_add(batch) {
            let next = self.next_partition(rng, topic)?;
            self.current = Some(Sticky::at(next));
            return Ok(true);
        }
        Ok(false)
    }

    /// The check `RecordAccumulator` makes before appending: if the sticky partition's batches
    /// are all full, complete a switch that was deferred while a batch was filling
    /// (`updatePartitionInfo(info, 0, cluster, true)`). Returns whether it switched.
    pub fn maybe_complete_switch(
        &mut self,
        all_batches_full: bool,
        rng: &mut SimRng,
        topic: &TopicView,
    ) -> Result<bool, PartitionerError> {
        if !all_batches_full {
            return Ok(false);
        }
        self.update_partition_info(0, true, rng, topic)
    }

    /// `nextPartition`: weighted by the load stats when present, else uniform among the
    /// partitions with a leader, else uniform among all partitions.
    fn next_partition(
        &mut self,
        rng: &mut SimRng,
        topic: &TopicView,
    ) -> Result<u32, PartitionerError> {
        self.refresh_load();
        let random = random_partition(rng);
        if let Some(stats) = &self.load_stats {
            return Ok(stats.pick(random));
        }
        if !topic.available.is_empty() {
            let idx = random as usize % topic.available.len();
            return Ok(topic.available[idx]);
        }
        if topic.num_partitions == 0 {
            return Err(PartitionerError::NoPartitions);
        }
        Ok(random % topic.num_partitions)
    }
}

/// Kafka's `randomPartition`: `toPositive(random int)`; here drawn from the run's RNG.
fn random_partition(rng: &mut SimRng) -> u32 {
    to_positive((rng.next_u64() >> 32) as u32 as i32) as u32
}

/// How a record's partition was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionSource {
    /// The record named its partition.
    Explicit,
    /// Hashed from the key (murmur2).
    Key,
    /// Chosen by the built-in sticky partitioner; report the append back with
    /// [`ProducerPartitioner::after_append`].
    Sticky,
}

/// The partition chosen for one record and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionChoice {
    /// The partition.
    pub partition: u32,
    /// How it was chosen.
    pub source: PartitionSource,
}

/// A producer's whole partitioning logic (`KafkaProducer.partition` plus one
/// [`BuiltInPartitioner`] per topic, created on first use): explicit partition wins; else a key
/// is hashed unless `partitioner.ignore.keys`; else the sticky partitioner decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerPartitioner {
    config: PartitionerConfig,
    topics: std::collections::BTreeMap<String, BuiltInPartitioner>,
}

impl ProducerPartitioner {
    /// A partitioner with the given configs; fails if `batch.size` is 0.
    pub fn new(config: PartitionerConfig) -> Result<Self, PartitionerError> {
        BuiltInPartitioner::new(config.batch_size)?;
        Ok(ProducerPartitioner {
            config,
            topics: std::collections::BTreeMap::new(),
        })
    }

    /// The configs in use.
    pub fn config(&self) -> &PartitionerConfig {
        &self.config
    }

    /// The built-in partitioner of a topic, if one was created.
    pub fn builtin(&self, topic: &str) -> Option<&BuiltInPartitioner> {
        self.topics.get(topic)
    }

    /// Chooses the partition of a record for `topic` with an optional explicit partition and
    /// an optional serialized key.
    pub fn partition(
        &mut self,
        topic: &str,
        explicit: Option<u32>,
        key: Option<&[u8]>,
        view: &TopicView,
        rng: &mut SimRng,
    ) -> Result<PartitionChoice, PartitionerError> {
        if let Some(partition) = explicit {
            if partition >= view.num_partitions {
                return Err(PartitionerError::InvalidPartition {
                    partition,
                    num_partitions: view.num_partitions,
                });
            }
            return Ok(PartitionChoice {
                partition,
                source: PartitionSource::Explicit,
            });
        }
        if view.num_partitions == 0 {
            return Err(PartitionerError::NoPartitions);
        }
        if let (Some(key), false) = (key, self.config.ignore_keys) {
            return Ok(PartitionChoice {
                partition: partition_for_key(key, view.num_partitions),
                source: PartitionSource::Key,
            });
        }
        let partition = self.topic_partitioner(topic).peek_partition(rng, view)?;
        Ok(PartitionChoice {
            partition,
            source: PartitionSource::Sticky,
        })
    }

    /// Reports an append for a record whose partition came from [`partition`](Self::partition):
    /// for sticky choices this updates the produced bytes and may switch partition (see
    /// [`BuiltInPartitioner::update_partition_info`]); other choices are ignored.
    pub fn after_append(
        &mut self,
        topic: &str,
        choice: PartitionChoice,
        appended_bytes: u32,
        all_batches_full: bool,
        view: &TopicView,
        rng: &mut SimRng,
    ) -> Result<bool, PartitionerError> {
        if choice.source != PartitionSource::Sticky {
            return Ok(false);
        }
        self.topic_partitioner(topic).update_partition_info(
            appended_bytes,
            all_batches_full,
            rng,
            view,
        )
    }

    /// Refreshes a topic's adaptive load statistics from its accumulator queues.
    pub fn update_load(&mut self, topic: &str, num_partitions: u32, queues: &[PartitionQueue]) {
        let config = self.config.clone();
        self.topic_partitioner(topic)
            .update_load(&config, num_partitions, queues);
    }

    fn topic_partitioner(&mut self, topic: &str) -> &mut BuiltInPartitioner {
        // `new` validated batch.size, so this cannot fail.
        let batch = u64::from(self.config.batch_size.max(1));
        self.topics
            .entry(topic.to_string())
            .or_insert_with(|| BuiltInPartitioner {
                sticky_batch_size: batch,
                current: None,
                load_stats: None,
                pending_load: None,
                spare_queues: Vec::new(),
                spare_stats: None,
                scratch: LoadScratch::default(),
            })
    }
}
