//! The typed, validated description of an experiment: cluster, topics, clients, fault schedule.
//!
//! This is what [`crate::engine::Engine`] is built from. JSON scenario files are parsed and
//! validated into it by `crate::scenario` (clear errors, never a panic).

use serde::{Deserialize, Serialize};

use super::config::{BrokerConfig, ConsumerConfig, HardwareProfile, ProducerConfig, TopicConfig};

/// A whole experiment, validated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Short name (presets use it as their id).
    pub name: String,
    /// What the scenario shows, in a sentence or two.
    pub description: String,
    /// Seed of the run's one RNG.
    pub seed: u64,
    /// How long to simulate, in milliseconds.
    pub duration_ms: u64,
    /// Brokers, their hardware and broker-level config.
    pub cluster: ClusterSpec,
    /// Topics to create at time zero.
    pub topics: Vec<TopicSpec>,
    /// Producer applications.
    pub producers: Vec<ProducerSpec>,
    /// Consumer groups.
    pub consumer_groups: Vec<GroupSpec>,
    /// Faults and live changes, applied at their simulated time.
    pub faults: Vec<ScheduledFault>,
}

/// The brokers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSpec {
    /// Number of brokers; they get ids `1..=brokers` (KRaft `node.id`).
    pub brokers: u32,
    /// Machine capacity of every broker.
    pub hardware: HardwareProfile,
    /// Broker-level configs (`server.properties`).
    pub config: BrokerConfig,
}

/// A topic created at start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicSpec {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: u32,
    /// Replicas per partition (≤ broker count).
    pub replication_factor: u32,
    /// Topic-level overrides.
    pub config: TopicConfig,
}

/// How fast a producer application calls `send()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Workload {
    /// A steady rate of records per second.
    Rate {
        /// Records per second.
        records_per_s: f64,
    },
    /// As fast as the producer can (kafka-producer-perf-test `--throughput -1`): bounded only by
    /// `buffer.memory` back-pressure and in-flight limits.
    MaxRate,
    /// `burst_records` records at once every `every_ms`.
    Bursts {
        /// Records in each burst.
        burst_records: u64,
        /// Milliseconds between bursts.
        every_ms: u64,
    },
}

/// When a rate workload's records arrive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Exponential gaps at the mean rate (a Poisson process): independent clients. The default
    /// of scenario files.
    #[default]
    Poisson,
    /// Evenly spaced, one every `1/rate` (kafka-producer-perf-test's throttle).
    Fixed,
}

/// Which keys records carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyDistribution {
    /// No key: the built-in sticky partitioner (KIP-794) picks partitions.
    None,
    /// Keys `key-0 … key-{keys-1}`, each equally likely.
    Uniform {
        /// Number of distinct keys.
        keys: u32,
    },
    /// Keys `key-0 …` with Zipf-distributed popularity (hot keys).
    Zipf {
        /// Number of distinct keys.
        keys: u32,
        /// Zipf exponent (1.0 is classic).
        exponent: f64,
    },
}

/// A producer application with its client config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerSpec {
    /// Producer id used in events and faults (`client.id`).
    pub id: String,
    /// Topic it writes to.
    pub topic: String,
    /// Send rate.
    pub workload: Workload,
    /// When a `Rate` workload's records arrive (other workloads ignore it).
    #[serde(default)]
    pub arrivals: Arrivals,
    /// Stop after this many records (perf-test `--num-records`); `None` runs for the whole scenario.
    pub max_records: Option<u64>,
    /// Bytes per record value (plus key).
    pub record_size: u32,
    /// Key distribution.
    pub keys: KeyDistribution,
    /// Producer client config.
    pub config: ProducerConfig,
}

/// A consumer group and its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSpec {
    /// `group.id`.
    pub group_id: String,
    /// Topics the members subscribe to.
    pub topics: Vec<String>,
    /// Members started at time zero.
    pub members: u32,
    /// Application processing time per record, microseconds (slow consumers build lag).
    pub processing_us_per_record: u64,
    /// Give members static `group.instance.id`s (`{group}-{n}`), KIP-345.
    pub static_membership: bool,
    /// Consumer client config (shared by all members).
    pub config: ConsumerConfig,
}

/// A fault or live change at a simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduledFault {
    /// When, in simulated milliseconds from the start.
    pub at_ms: u64,
    /// What.
    #[serde(flatten)]
    pub action: Command,
}

/// Something a person (a click in the page) or a fault schedule does to the running system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Kill a broker process (its log survives on disk).
    CrashBroker {
        /// Broker id.
        broker: u32,
    },
    /// Start a crashed broker again; it truncates per KIP-101 and catches up.
    RestartBroker {
        /// Broker id.
        broker: u32,
    },
    /// Crash whichever broker currently leads a partition.
    CrashLeader {
        /// Topic name.
        topic: String,
        /// Partition number.
        partition: u32,
    },
    /// Cut every link of a broker (to other brokers, the controller and clients).
    IsolateBroker {
        /// Broker id.
        broker: u32,
    },
    /// Split brokers into groups that cannot reach each other (clients and the controller
    /// stay with the first group).
    PartitionNetwork {
        /// Broker id groups.
        groups: Vec<Vec<u32>>,
    },
    /// Cut or heal one link between two brokers (both ways unless `one_way`).
    CutLink {
        /// One end.
        from: u32,
        /// Other end.
        to: u32,
        /// Only traffic from `from` to `to` is dropped.
        one_way: bool,
    },
    /// Restore every link.
    HealNetwork,
    /// Slow a broker's disk and/or NIC by a factor (1 = normal, 10 = ten times slower).
    SlowBroker {
        /// Broker id.
        broker: u32,
        /// Disk slow-down factor.
        disk_factor: f64,
        /// NIC slow-down factor.
        nic_factor: f64,
    },
    /// Kill one consumer of a group (by member index).
    CrashConsumer {
        /// Group id.
        group: String,
        /// Member index within the group (0-based, in start order).
        member: u32,
    },
    /// Start one more consumer in a group.
    AddConsumer {
        /// Group id.
        group: String,
    },
    /// Change a config live: `target` is `broker`, `topic:NAME`, `producer:ID` or `group:ID`.
    SetConfig {
        /// What the config belongs to.
        target: String,
        /// Kafka config name, e.g. `linger.ms`.
        key: String,
        /// New value as Kafka would read it from a properties file.
        value: String,
    },
}
