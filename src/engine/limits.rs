//! Limits that keep a simulation small enough to run in a browser tab, and keep every
//! multiplication in the engine far from overflow. Kafka itself allows more; each error that
//! hits a cap names it.

/// Largest scenario file, in bytes (also the share-link decompression limit).
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Brokers in the cluster.
pub const MAX_BROKERS: u64 = 100;
/// Topics.
pub const MAX_TOPICS: usize = 100;
/// Partitions of one topic.
pub const MAX_PARTITIONS_PER_TOPIC: u64 = 10_000;
/// Partitions over all topics.
pub const MAX_TOTAL_PARTITIONS: u64 = 50_000;
/// Brokers × partitions over all topics: every broker keeps the metadata of every partition
/// (`MetadataImage`, as Kafka's brokers do), about 400 bytes each natively, so this bounds the
/// metadata to about 400 MB (measured: README, "Scale").
pub const MAX_BROKER_PARTITIONS: u64 = 1_000_000;
/// Partition replicas over all topics (partitions × replication factor).
pub const MAX_TOTAL_REPLICAS: u64 = 200_000;
/// Simulated duration, in milliseconds (24 hours).
pub const MAX_DURATION_MS: u64 = 86_400_000;
/// Producers.
pub const MAX_PRODUCERS: usize = 100;
/// Records per second of one producer.
pub const MAX_RATE: f64 = 100_000_000.0;
/// Bytes per record (1 MiB).
pub const MAX_RECORD_SIZE: u64 = 1_048_576;
/// Distinct keys of a key distribution.
pub const MAX_KEYS: u64 = 1_000_000;
/// Largest Zipf exponent.
pub const MAX_ZIPF_EXPONENT: f64 = 10.0;
/// `num_records` of one producer.
pub const MAX_NUM_RECORDS: u64 = 10_000_000_000_000;
/// Records in one burst.
pub const MAX_BURST_RECORDS: u64 = 10_000_000;
/// Consumer groups.
pub const MAX_GROUPS: usize = 50;
/// Members a group starts with.
pub const MAX_MEMBERS_PER_GROUP: u64 = 500;
/// Consumers over all groups, including those added by faults.
pub const MAX_TOTAL_MEMBERS: u64 = 1_000;
/// Processing time per record, microseconds (10 s).
pub const MAX_PROCESSING_US: u64 = 10_000_000;
/// Scheduled faults.
pub const MAX_FAULTS: usize = 1_000;
/// Slow-down factor of `slow_broker` (1 = normal).
pub const MAX_SLOW_FACTOR: f64 = 10_000.0;
/// Characters in a topic name (Kafka's own limit).
pub const MAX_TOPIC_NAME: usize = 249;
/// Characters in a producer id, group id or hardware profile name.
pub const MAX_ID: usize = 255;
/// Characters in a scenario name.
pub const MAX_NAME: usize = 200;
/// Characters in a description.
pub const MAX_DESCRIPTION: usize = 4_000;
