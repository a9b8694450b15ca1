//! Identifiers of simulated machines, topics and partitions.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A machine on the simulated network. Layout: `0` is the KRaft controller, `1..=B` are the
/// brokers (so a broker's node id equals its `node.id`), then producers, then consumers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

/// The KRaft controller's node (a single active controller; the quorum itself is not modelled).
pub const CONTROLLER: NodeId = NodeId(0);

/// A broker's `node.id` (1-based, as in Kafka's KRaft quickstart).
pub type BrokerId = u32;

/// Index of a topic in the engine's topic table.
pub type TopicIdx = u32;

/// A partition of a topic, by topic index: small and `Copy` for the hot paths. Ordered by
/// topic, then partition (compared as one 64-bit key: it is the key of the brokers' maps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    /// Topic index in the engine's [`TopicTable`].
    pub topic: TopicIdx,
    /// Partition number.
    pub partition: u32,
}

impl TopicPartition {
    #[inline]
    fn key(&self) -> u64 {
        (u64::from(self.topic) << 32) | u64::from(self.partition)
    }
}

impl Ord for TopicPartition {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for TopicPartition {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl TopicPartition {
    /// Builds a topic-partition.
    pub fn new(topic: TopicIdx, partition: u32) -> Self {
        TopicPartition { topic, partition }
    }
}

/// What a topic is, as the whole cluster knows it (topics are created at start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicInfo {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: u32,
    /// Replication factor.
    pub replication_factor: u32,
    /// Internal topic (`__consumer_offsets`): leadership is modelled, data flow is not.
    pub internal: bool,
}

/// Every topic of the run, by index.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicTable {
    /// Topics by [`TopicIdx`].
    pub topics: Vec<TopicInfo>,
}

impl TopicTable {
    /// Index of a topic by name.
    pub fn index_of(&self, name: &str) -> Option<TopicIdx> {
        self.topics
            .iter()
            .position(|t| t.name == name)
            .map(|i| i as TopicIdx)
    }

    /// The topic's info. Panics never: unknown indexes return `None`.
    pub fn get(&self, topic: TopicIdx) -> Option<&TopicInfo> {
        self.topics.get(topic as usize)
    }

    /// Topic name, or `?` for an unknown index.
    pub fn name(&self, topic: TopicIdx) -> &str {
        self.get(topic).map(|t| t.name.as_str()).unwrap_or("?")
    }

    /// `name-partition`, as Kafka prints a TopicPartition.
    pub fn display(&self, tp: TopicPartition) -> String {
        format!("{}-{}", self.name(tp.topic), tp.partition)
    }

    /// Partition count of a topic (0 when unknown).
    pub fn partitions(&self, topic: TopicIdx) -> u32 {
        self.get(topic).map(|t| t.partitions).unwrap_or(0)
    }

    /// The `__consumer_offsets` topic index, if the table has it.
    pub fn offsets_topic(&self) -> Option<TopicIdx> {
        self.index_of(OFFSETS_TOPIC)
    }

    /// The `__transaction_state` topic index, if the table has it (scenarios with a
    /// transactional producer).
    pub fn txn_topic(&self) -> Option<TopicIdx> {
        self.index_of(crate::engine::txn::TXN_TOPIC)
    }
}

/// Name of Kafka's internal offsets topic.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}
