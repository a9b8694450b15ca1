//! The typed, validated description of an experiment: cluster, topics, clients, fault schedule.
//!
//! This is what [`crate::engine::Engine`] is built from. JSON scenario files are parsed and
//! validated into it by `crate::scenario_file` (clear errors, never a panic).

use serde::{Deserialize, Serialize};

use super::config::{BrokerConfig, ConsumerConfig, HardwareProfile, ProducerConfig, TopicConfig};
use super::sim::Command;

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
    /// Consume-transform-produce applications (exactly-once processors).
    #[serde(default)]
    pub processors: Vec<ProcessorSpec>,
}

/// A consume-transform-produce application (scenario key `processors`): `members` instances,
/// each a consumer in group `group_id` (`isolation.level=read_committed`, no auto-commit)
/// reading `input`, and a transactional producer (`transactional.id` `{id}-{member}`, one per
/// instance as KIP-447 allows) writing one record to `output` per input record and committing
/// the input offsets in the same transaction (`sendOffsetsToTransaction`), every
/// `records_per_transaction` records or when its `poll()` comes back empty.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessorSpec {
    /// Processor id (names its members `{id}-{n}` in reports and faults).
    pub id: String,
    /// `group.id` of its consumers.
    pub group_id: String,
    /// Topic it reads.
    pub input: String,
    /// Topic it writes.
    pub output: String,
    /// Input records per transaction (at most; fewer when the input runs dry).
    pub records_per_transaction: u64,
    /// Instances started at time zero.
    pub members: u32,
    /// Bytes per output record value.
    pub record_size: u32,
    /// The producers' config (`transactional.id` set per member).
    pub producer: ProducerConfig,
    /// The consumers' config (`isolation.level=read_committed`, `enable.auto.commit=false`).
    pub consumer: ConsumerConfig,
}

impl ProcessorSpec {
    /// The `transactional.id` of member `m`.
    pub fn transactional_id(&self, m: u32) -> String {
        format!("{}-{}", self.id, m)
    }
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
    /// Rack (availability zone) names: broker `i` is in `racks[(i - 1) mod len]` (its
    /// `broker.rack`). Empty: no racks (rack-unaware placement, no traffic accounting).
    #[serde(default)]
    pub racks: Vec<String>,
    /// Per broker (index = broker id − 1), its `broker.rack`, one of `racks`: placed by hand,
    /// several brokers in one rack. Empty: broker `i` in `racks[(i - 1) mod len]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broker_racks: Vec<String>,
    /// Price of one GB crossing between racks, US dollars (`cross_zone_usd_per_gb`, default
    /// 0.02: 0.01 out plus 0.01 in, as the large clouds charge between zones).
    #[serde(default = "default_cross_zone_usd_per_gb")]
    pub cross_zone_usd_per_gb: f64,
}

/// Default [`ClusterSpec::cross_zone_usd_per_gb`].
pub fn default_cross_zone_usd_per_gb() -> f64 {
    0.02
}

impl ClusterSpec {
    /// The rack of broker `id` (1-based), if the cluster has racks.
    pub fn rack_of(&self, id: u32) -> Option<&str> {
        if self.racks.is_empty() || id == 0 {
            return None;
        }
        if let Some(rack) = self.broker_racks.get(id as usize - 1) {
            return Some(rack);
        }
        Some(&self.racks[(id as usize - 1) % self.racks.len()])
    }
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
    /// No key: the sticky partitioner (KIP-480; Kafka 3.3's built-in one, KIP-794) picks partitions.
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
    /// For a producer with a `transactional.id`: records per transaction and the fraction
    /// aborted (`None`: 100 records, none aborted).
    #[serde(default)]
    pub transactions: Option<TransactionsSpec>,
}

/// A transactional producer's workload: `records` per transaction, a seeded fraction
/// `abort_ratio` of transactions aborted by the application.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransactionsSpec {
    /// Records per transaction.
    pub records: u64,
    /// Fraction of transactions aborted, 0..=1.
    pub abort_ratio: f64,
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
