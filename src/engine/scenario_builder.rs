//! Programmatic scenarios for tests and benchmarks (JSON files are the user-facing way).

use super::config::{BrokerConfig, ConsumerConfig, HardwareProfile, ProducerConfig, TopicConfig};
use super::scenario::{
    Arrivals, ClusterSpec, GroupSpec, KeyDistribution, ProducerSpec, Scenario, ScheduledFault,
    TopicSpec, Workload,
};
use super::Command;

impl Scenario {
    /// A cluster of `brokers` brokers on the `cloud` profile with Kafka's default configs, and
    /// nothing else: add topics, clients and faults with the builder methods.
    pub fn cluster(brokers: u32, seed: u64, duration_ms: u64) -> Self {
        Scenario {
            name: "custom".into(),
            description: String::new(),
            seed,
            duration_ms,
            cluster: ClusterSpec {
                brokers,
                hardware: HardwareProfile::cloud(),
                config: BrokerConfig::default(),
                racks: Vec::new(),
                broker_racks: Vec::new(),
                cross_zone_usd_per_gb: super::scenario::default_cross_zone_usd_per_gb(),
            },
            topics: Vec::new(),
            producers: Vec::new(),
            consumer_groups: Vec::new(),
            faults: Vec::new(),
            processors: Vec::new(),
        }
    }

    /// Adds a processor `id` (group `{id}-group`) reading `input` and writing `output` with
    /// `members` instances and `records_per_transaction`, Kafka's default client configs
    /// otherwise (`auto.offset.reset=earliest`, as a pipeline that must see every record).
    pub fn with_processor(
        mut self,
        id: &str,
        input: &str,
        output: &str,
        members: u32,
        records_per_transaction: u64,
    ) -> Self {
        self.processors.push(super::scenario::ProcessorSpec {
            id: id.into(),
            group_id: format!("{id}-group"),
            input: input.into(),
            output: output.into(),
            records_per_transaction,
            members,
            record_size: 100,
            producer: ProducerConfig::default(),
            consumer: ConsumerConfig {
                auto_offset_reset: super::config::OffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        });
        self
    }

    /// Puts the brokers in racks: broker `i` in `racks[(i - 1) mod len]`.
    pub fn with_racks(mut self, racks: &[&str]) -> Self {
        self.cluster.racks = racks.iter().map(|r| r.to_string()).collect();
        self
    }

    /// Places broker `i` (1-based) in `racks[i - 1]` (its `broker.rack`); the cluster's racks
    /// are the distinct names, in order of first appearance.
    pub fn with_broker_racks(mut self, racks: &[&str]) -> Self {
        self.cluster.broker_racks = racks.iter().map(|r| r.to_string()).collect();
        self.cluster.racks.clear();
        for r in racks {
            if !self.cluster.racks.iter().any(|x| x == r) {
                self.cluster.racks.push(r.to_string());
            }
        }
        self
    }

    /// Adds a topic.
    pub fn with_topic(mut self, name: &str, partitions: u32, replication_factor: u32) -> Self {
        self.topics.push(TopicSpec {
            name: name.into(),
            partitions,
            replication_factor,
            config: TopicConfig::default(),
        });
        self
    }

    /// Adds a producer writing `records_per_s` keyless records of `record_size` bytes, evenly
    /// spaced (fixed arrivals: reproducible figures for tests and benchmarks).
    pub fn with_producer(
        mut self,
        id: &str,
        topic: &str,
        records_per_s: f64,
        record_size: u32,
        config: ProducerConfig,
    ) -> Self {
        self.producers.push(ProducerSpec {
            id: id.into(),
            topic: topic.into(),
            workload: Workload::Rate { records_per_s },
            arrivals: Arrivals::Fixed,
            max_records: None,
            record_size,
            keys: KeyDistribution::None,
            config,
            transactions: None,
        });
        self
    }

    /// Adds a consumer group of `members` consumers subscribed to `topics`.
    pub fn with_group(
        mut self,
        group_id: &str,
        topics: &[&str],
        members: u32,
        config: ConsumerConfig,
    ) -> Self {
        self.consumer_groups.push(GroupSpec {
            group_id: group_id.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            members,
            processing_us_per_record: 0,
            static_membership: false,
            config,
        });
        self
    }

    /// Schedules a command.
    pub fn with_fault(mut self, at_ms: u64, action: Command) -> Self {
        self.faults.push(ScheduledFault { at_ms, action });
        self
    }
}
