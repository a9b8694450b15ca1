//! The config structs the engine reads. Every default is Kafka 4.x's.

use serde::{Deserialize, Serialize};

/// `acks`: how many replicas must have a record before the leader answers a produce request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acks {
    /// `acks=0`: the producer does not wait for any answer.
    Zero,
    /// `acks=1`: the leader answers once the batch is in its own log.
    One,
    /// `acks=all` (`-1`): the leader answers once every ISR member has the batch (Kafka 3.0+ default).
    All,
}

impl Acks {
    /// Kafka's spelling of the value (`0`, `1`, `all`).
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

/// `auto.offset.reset`: where a consumer starts when its group has no committed offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OffsetReset {
    /// Start at the log start offset.
    Earliest,
    /// Start at the high watermark (Kafka's default).
    Latest,
    /// Fail the consumer (modelled as an error event; the consumer stays idle).
    None,
}

/// A `partition.assignment.strategy` entry, by Kafka's protocol name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AssignmentStrategy {
    /// `range` (RangeAssignor).
    Range,
    /// `roundrobin` (RoundRobinAssignor).
    RoundRobin,
    /// `sticky` (StickyAssignor, eager).
    Sticky,
    /// `cooperative-sticky` (CooperativeStickyAssignor, incremental, KIP-429).
    CooperativeSticky,
}

impl AssignmentStrategy {
    /// Kafka's protocol name.
    pub fn name(self) -> &'static str {
        match self {
            AssignmentStrategy::Range => "range",
            AssignmentStrategy::RoundRobin => "roundrobin",
            AssignmentStrategy::Sticky => "sticky",
            AssignmentStrategy::CooperativeSticky => "cooperative-sticky",
        }
    }
    /// Whether the rebalance protocol is cooperative (only moved partitions are revoked).
    pub fn is_cooperative(self) -> bool {
        matches!(self, AssignmentStrategy::CooperativeSticky)
    }
}

/// Broker-wide configs (`server.properties`), including the topic-level defaults they set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerConfig {
    /// `min.insync.replicas` (default 1; topic-level override exists).
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable` (default false).
    pub unclean_leader_election_enable: bool,
    /// `replica.lag.time.max.ms` (default 30000): a follower that has not caught up for this long leaves the ISR.
    pub replica_lag_time_max_ms: u64,
    /// `replica.fetch.wait.max.ms` (default 500): how long a follower fetch may wait at the leader.
    pub replica_fetch_wait_max_ms: u64,
    /// `replica.fetch.min.bytes` (default 1).
    pub replica_fetch_min_bytes: u64,
    /// `replica.fetch.max.bytes` (default 1048576) per partition.
    pub replica_fetch_max_bytes: u64,
    /// `replica.fetch.response.max.bytes` (default 10485760) per fetch response.
    pub replica_fetch_response_max_bytes: u64,
    /// `replica.fetch.backoff.ms` (default 1000): wait after a failed follower fetch.
    pub replica_fetch_backoff_ms: u64,
    /// `broker.session.timeout.ms` (KRaft, default 9000): controller fences a broker silent this long.
    pub broker_session_timeout_ms: u64,
    /// `broker.heartbeat.interval.ms` (KRaft, default 2000).
    pub broker_heartbeat_interval_ms: u64,
    /// `auto.leader.rebalance.enable` (default true): preferred leader election.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` (default 300).
    pub leader_imbalance_check_interval_seconds: u64,
    /// The `eligible.leader.replicas.version` feature level (KIP-966): 1 (the default of a new
    /// Kafka 4.1 cluster) keeps eligible leader replicas, 0 turns them off.
    pub eligible_leader_replicas_version: u32,
    /// `group.initial.rebalance.delay.ms` (default 3000).
    pub group_initial_rebalance_delay_ms: u64,
    /// `group.min.session.timeout.ms` (default 6000).
    pub group_min_session_timeout_ms: u64,
    /// `group.max.session.timeout.ms` (default 1800000).
    pub group_max_session_timeout_ms: u64,
    /// `offsets.topic.num.partitions` (default 50): partitions of `__consumer_offsets`.
    pub offsets_topic_num_partitions: u32,
    /// `offsets.topic.replication.factor` (default 3, capped at the broker count here).
    pub offsets_topic_replication_factor: u32,
    /// `num.io.threads` (default 8): request handler threads.
    pub num_io_threads: u32,
    /// `num.replica.fetchers` (default 1).
    pub num_replica_fetchers: u32,
    /// `message.max.bytes` (default 1048588): largest record batch a broker accepts.
    pub message_max_bytes: u64,
    /// `default.replication.factor` (default 1) for topics created without one.
    pub default_replication_factor: u32,
    /// `num.partitions` (default 1) for topics created without a count.
    pub num_partitions: u32,
    /// `log.flush.interval.messages` (default 2^63-1: never): fsync a partition's log every
    /// this many records (topic override: `flush.messages`).
    #[serde(default = "never_flush")]
    pub log_flush_interval_messages: u64,
    /// `replica.selector.class` (KIP-392, default none): with
    /// `org.apache.kafka.common.replica.RackAwareReplicaSelector`, leaders point consumers with
    /// a `client.rack` at an in-sync replica in their rack (see
    /// [`BrokerConfig::rack_aware_selector`]).
    #[serde(default)]
    pub replica_selector_class: Option<String>,
}

impl BrokerConfig {
    /// `replica.selector.class` is Kafka's `RackAwareReplicaSelector` (the one KafkaSim models;
    /// any other class behaves as none).
    pub fn rack_aware_selector(&self) -> bool {
        self.replica_selector_class.as_deref() == Some(RACK_AWARE_SELECTOR)
    }
}

/// The class name of Kafka's rack-aware replica selector (KIP-392).
pub const RACK_AWARE_SELECTOR: &str = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

fn never_flush() -> u64 {
    i64::MAX as u64
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_min_bytes: 1,
            replica_fetch_max_bytes: 1_048_576,
            replica_fetch_response_max_bytes: 10_485_760,
            replica_fetch_backoff_ms: 1_000,
            broker_session_timeout_ms: 9_000,
            broker_heartbeat_interval_ms: 2_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_seconds: 300,
            eligible_leader_replicas_version: 1,
            group_initial_rebalance_delay_ms: 3_000,
            group_min_session_timeout_ms: 6_000,
            group_max_session_timeout_ms: 1_800_000,
            offsets_topic_num_partitions: 50,
            offsets_topic_replication_factor: 3,
            num_io_threads: 8,
            num_replica_fetchers: 1,
            message_max_bytes: 1_048_588,
            default_replication_factor: 1,
            num_partitions: 1,
            log_flush_interval_messages: never_flush(),
            replica_selector_class: None,
        }
    }
}

/// Topic-level configs; `None` means "inherit the broker's value".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicConfig {
    /// `min.insync.replicas` override.
    pub min_insync_replicas: Option<u32>,
    /// `unclean.leader.election.enable` override.
    pub unclean_leader_election_enable: Option<bool>,
    /// `max.message.bytes` override (broker `message.max.bytes`).
    pub max_message_bytes: Option<u64>,
    /// `flush.messages` override (broker `log.flush.interval.messages`).
    #[serde(default)]
    pub flush_messages: Option<u64>,
}

/// Producer configs (`ProducerConfig`), Kafka 4.x defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerConfig {
    /// `acks` (default `all`).
    pub acks: Acks,
    /// `linger.ms` (default 5 since Kafka 4.0, KIP-1030).
    pub linger_ms: u64,
    /// `batch.size` (default 16384 bytes).
    pub batch_size: u64,
    /// `buffer.memory` (default 33554432 bytes).
    pub buffer_memory: u64,
    /// `max.in.flight.requests.per.connection` (default 5).
    pub max_in_flight_requests_per_connection: u32,
    /// `retries` (default 2147483647).
    pub retries: u32,
    /// `retry.backoff.ms` (default 100).
    pub retry_backoff_ms: u64,
    /// `retry.backoff.max.ms` (default 1000).
    pub retry_backoff_max_ms: u64,
    /// `request.timeout.ms` (default 30000).
    pub request_timeout_ms: u64,
    /// `delivery.timeout.ms` (default 120000).
    pub delivery_timeout_ms: u64,
    /// `enable.idempotence` (default true; only effective with acks=all, in-flight ≤ 5, retries > 0).
    pub enable_idempotence: bool,
    /// `max.block.ms` (default 60000): how long `send()` may block on a full buffer.
    pub max_block_ms: u64,
    /// `max.request.size` (default 1048576).
    pub max_request_size: u64,
    /// `partitioner.ignore.keys` (default false).
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable` (default true).
    pub partitioner_adaptive_partitioning_enable: bool,
    /// `partitioner.availability.timeout.ms` (default 0 = off).
    pub partitioner_availability_timeout_ms: u64,
    /// `metadata.max.age.ms` (default 300000).
    pub metadata_max_age_ms: u64,
    /// `transactional.id` (default none): a transactional producer (KIP-98).
    #[serde(default)]
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms` (default 60000): the coordinator aborts a transaction open
    /// longer than this.
    #[serde(default = "default_transaction_timeout_ms")]
    pub transaction_timeout_ms: u64,
}

fn default_transaction_timeout_ms() -> u64 {
    60_000
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            acks: Acks::All,
            linger_ms: 5,
            batch_size: 16_384,
            buffer_memory: 33_554_432,
            max_in_flight_requests_per_connection: 5,
            retries: i32::MAX as u32,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            request_timeout_ms: 30_000,
            delivery_timeout_ms: 120_000,
            enable_idempotence: true,
            max_block_ms: 60_000,
            max_request_size: 1_048_576,
            partitioner_ignore_keys: false,
            partitioner_adaptive_partitioning_enable: true,
            partitioner_availability_timeout_ms: 0,
            metadata_max_age_ms: 300_000,
            transactional_id: None,
            transaction_timeout_ms: default_transaction_timeout_ms(),
        }
    }
}

impl ProducerConfig {
    /// `linger.ms` as the producer uses it: Kafka reads the long and caps it at
    /// `Integer.MAX_VALUE` ms, about 24.8 days (`KafkaProducer.lingerMs`), so `2^63-1` means
    /// "wait until the batch is full", never a wrapped deadline.
    pub fn linger(&self) -> crate::engine::time::SimDuration {
        crate::engine::time::ms(self.linger_ms.min(i32::MAX as u64))
    }

    /// Whether idempotence is in effect: Kafka enables it only with acks=all,
    /// max.in.flight ≤ 5 and retries > 0 (an explicit `true` with other values is a config error,
    /// caught by validation).
    pub fn idempotence_effective(&self) -> bool {
        self.enable_idempotence
            && self.acks == Acks::All
            && self.max_in_flight_requests_per_connection <= 5
            && self.retries > 0
    }
}

/// Consumer configs (`ConsumerConfig`, classic group protocol), Kafka 4.x defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsumerConfig {
    /// `fetch.min.bytes` (default 1).
    pub fetch_min_bytes: u64,
    /// `fetch.max.wait.ms` (default 500).
    pub fetch_max_wait_ms: u64,
    /// `fetch.max.bytes` (default 52428800).
    pub fetch_max_bytes: u64,
    /// `max.partition.fetch.bytes` (default 1048576).
    pub max_partition_fetch_bytes: u64,
    /// `max.poll.records` (default 500).
    pub max_poll_records: u32,
    /// `max.poll.interval.ms` (default 300000).
    pub max_poll_interval_ms: u64,
    /// `session.timeout.ms` (default 45000 since Kafka 3.0).
    pub session_timeout_ms: u64,
    /// `heartbeat.interval.ms` (default 3000).
    pub heartbeat_interval_ms: u64,
    /// `enable.auto.commit` (default true).
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms` (default 5000).
    pub auto_commit_interval_ms: u64,
    /// `auto.offset.reset` (default latest).
    pub auto_offset_reset: OffsetReset,
    /// `partition.assignment.strategy` (default `range, cooperative-sticky`; the group uses the
    /// first strategy every member supports).
    pub partition_assignment_strategy: Vec<AssignmentStrategy>,
    /// `group.instance.id` (default none: dynamic membership; KIP-345 static membership when set).
    pub group_instance_id: Option<String>,
    /// `request.timeout.ms` (default 30000).
    pub request_timeout_ms: u64,
    /// `retry.backoff.ms` (default 100).
    pub retry_backoff_ms: u64,
    /// `client.rack` (default empty): the consumer's rack, sent with its fetches (KIP-392).
    #[serde(default)]
    pub client_rack: String,
    /// `isolation.level` (default `read_uncommitted`); `read_committed` fetches stop at the
    /// last stable offset and aborted transactions' records are dropped.
    #[serde(default)]
    pub isolation_level: IsolationLevel,
}

/// `isolation.level`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    /// Everything below the high watermark (Kafka's default).
    #[default]
    ReadUncommitted,
    /// Below the last stable offset, without aborted transactions' records.
    ReadCommitted,
}

impl ConsumerConfig {
    /// Whether `isolation.level=read_committed`.
    pub fn read_committed(&self) -> bool {
        self.isolation_level == IsolationLevel::ReadCommitted
    }
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            fetch_min_bytes: 1,
            fetch_max_wait_ms: 500,
            fetch_max_bytes: 52_428_800,
            max_partition_fetch_bytes: 1_048_576,
            max_poll_records: 500,
            max_poll_interval_ms: 300_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetReset::Latest,
            partition_assignment_strategy: vec![
                AssignmentStrategy::Range,
                AssignmentStrategy::CooperativeSticky,
            ],
            group_instance_id: None,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            client_rack: String::new(),
            isolation_level: IsolationLevel::ReadUncommitted,
        }
    }
}
