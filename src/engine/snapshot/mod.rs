//! A read-only picture of the cluster at one instant, for the page and the CLI report.
//! Built from engine state on demand (through [`ClusterView`](super::view::ClusterView));
//! nothing reads it back into the simulation. The types are here; `cluster.rs` builds the
//! brokers, partitions and links, `groups.rs` the groups and the overview of a big cluster.

use serde::{Deserialize, Serialize};

use super::ids::BrokerId;
use super::time::SimTime;

mod cluster;
mod groups;

/// One replica of a partition, as hosted on a broker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplicaSnapshot {
    /// Broker hosting it.
    pub broker: BrokerId,
    /// `leader`, `follower` or `unknown`.
    pub role: String,
    /// Log end offset.
    pub log_end_offset: u64,
    /// High watermark as this replica knows it.
    pub high_watermark: u64,
    /// In the controller's ISR.
    pub in_isr: bool,
    /// Log start offset (the first offset still in the log).
    #[serde(default)]
    pub log_start_offset: u64,
}

/// Where a partition's leader believes one follower is: the follower's log end offset as of
/// its last fetch (Kafka's `Replica` state in the leader's `Partition`, updated by
/// `updateFollowerFetchState`), and when it was last caught up (`lastCaughtUpTimeMs`, the clock
/// `replica.lag.time.max.ms` runs against).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowerPosition {
    /// The follower's broker.
    pub broker: BrokerId,
    /// Its log end offset as the leader knows it (the offset of its last fetch).
    pub log_end_offset: u64,
    /// Last time it had fetched up to the leader's log end offset.
    pub last_caught_up: SimTime,
}

/// A partition as the controller and its replicas see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionSnapshot {
    /// Topic name.
    pub topic: String,
    /// Partition number.
    pub partition: u32,
    /// Leader, `None` when offline.
    pub leader: Option<BrokerId>,
    /// Leader epoch.
    pub leader_epoch: u32,
    /// ISR.
    pub isr: Vec<BrokerId>,
    /// Assigned replicas (first = preferred leader).
    pub replicas: Vec<BrokerId>,
    /// Leader's high watermark (0 when offline).
    pub high_watermark: u64,
    /// Leader's log end offset (0 when offline).
    pub log_end_offset: u64,
    /// Per-replica state.
    pub replica_states: Vec<ReplicaSnapshot>,
    /// The leader's view of its followers (empty when offline).
    #[serde(default)]
    pub followers: Vec<FollowerPosition>,
    /// Leader's last stable offset (= the high watermark unless a transaction is open).
    #[serde(default)]
    pub last_stable_offset: u64,
    /// The leader's newest transaction markers, `(offset, commit)`, oldest first (at most 12,
    /// among its newest 256 batches; empty without transactions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markers: Vec<(u64, bool)>,
}

/// A broker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BrokerSnapshot {
    /// `node.id`.
    pub id: BrokerId,
    /// Process running.
    pub alive: bool,
    /// Fenced by the controller.
    pub fenced: bool,
    /// Partitions of user topics it leads (as the controller has it; the internal offsets
    /// topic is left out, as everywhere in the snapshot).
    pub leaders: u32,
    /// Bytes on disk (retained).
    pub log_bytes: u64,
    /// Disk slow-down factor.
    pub disk_factor: f64,
    /// NIC slow-down factor (1 = full bandwidth).
    #[serde(default = "one")]
    pub nic_factor: f64,
    /// Every link to and from this broker is cut (`isolate_broker`).
    #[serde(default)]
    pub isolated: bool,
    /// Broker epoch of its registration (the offset of its registration record).
    #[serde(default)]
    pub broker_epoch: u64,
    /// When the controller last heard from it (heartbeat or registration).
    #[serde(default)]
    pub last_heartbeat: SimTime,
    /// Bytes its NIC received so far.
    #[serde(default)]
    pub bytes_in: u64,
    /// Bytes its NIC sent so far.
    #[serde(default)]
    pub bytes_out: u64,
    /// Partitions it leads whose ISR is smaller than their replica set (Kafka's per-broker
    /// `UnderReplicatedPartitions`).
    #[serde(default)]
    pub under_replicated: u32,
    /// Replicas it hosts (user topics).
    #[serde(default)]
    pub replicas: u32,
    /// The broker's metadata offset: how many records of the cluster metadata log
    /// (`__cluster_metadata`) its `MetadataImage` on disk has applied, i.e. the offset it
    /// fetches from next (KRaft, KIP-631; kept across a crash).
    #[serde(default)]
    pub metadata_offset: u64,
    /// How far it is behind the controller's metadata log: log end offset − `metadata_offset`
    /// (the `Lag` of `kafka-metadata-quorum.sh describe --replication` for an observer).
    #[serde(default)]
    pub metadata_lag: u64,
    /// Its `broker.rack` (`cluster.racks` or `cluster.broker_racks`, read through
    /// [`ClusterSpec::rack_of`](crate::engine::scenario::ClusterSpec::rack_of)); `None` without
    /// racks (KIP-36).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<String>,
}

fn one() -> f64 {
    1.0
}

/// One end of a network link, by what runs there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Endpoint {
    /// The KRaft controller.
    Controller,
    /// A broker, by id.
    Broker(BrokerId),
    /// A producer, by index.
    Producer(u32),
    /// A consumer, by index.
    Consumer(u32),
}

/// A cut link (traffic dropped), between two endpoints of which at least one is a broker or the
/// controller. Links of an isolated broker are not listed (the broker says `isolated`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutLink {
    /// One end (the lower node).
    pub a: Endpoint,
    /// The other end.
    pub b: Endpoint,
    /// Traffic a → b is dropped.
    pub a_to_b: bool,
    /// Traffic b → a is dropped.
    pub b_to_a: bool,
}

/// The controller's settings the page shows next to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControllerSnapshot {
    /// `broker.session.timeout.ms`: a broker silent this long is fenced.
    pub session_timeout_ms: u64,
    /// `broker.heartbeat.interval.ms`.
    pub heartbeat_interval_ms: u64,
    /// The end offset of the controller's metadata log (the next record's offset).
    #[serde(default)]
    pub metadata_end_offset: u64,
}

/// One partition a consumer group reads: the group's committed offset (what
/// `kafka-consumer-groups.sh --describe` shows as CURRENT-OFFSET), the owning member's position,
/// and the leader's offsets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupPartitionSnapshot {
    /// Topic name.
    pub topic: String,
    /// Partition number.
    pub partition: u32,
    /// Committed offset (the next record to consume), `None` before the first commit.
    pub committed: Option<u64>,
    /// Consumer (index) that owns it now, if any.
    pub owner: Option<u32>,
    /// The owner's position (next offset it will return from `poll()`).
    pub position: Option<u64>,
    /// The high watermark in the owner's last fetch response.
    pub owner_high_watermark: Option<u64>,
    /// The leader's high watermark (0 when offline).
    pub high_watermark: u64,
    /// The leader's log end offset (0 when offline).
    pub log_end_offset: u64,
}

/// A consumer group: its members and, per partition, committed offset and position, with both
/// lag definitions summed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSnapshot {
    /// `group.id`.
    pub group_id: String,
    /// Consumer indexes in start order (a member's number in the group is its position here,
    /// as `crash_consumer`'s `member` counts them).
    pub members: Vec<u32>,
    /// Partitions of the subscribed topics.
    pub partitions: Vec<GroupPartitionSnapshot>,
    /// Σ high watermark − committed offset: `kafka-consumer-groups.sh --describe`'s LAG.
    pub committed_lag: u64,
    /// Σ over the members' assigned partitions of high watermark − position, as each consumer
    /// knows them from its last fetch: the consumer's `records-lag` metric.
    pub records_lag: u64,
    /// The broker coordinating the group: the leader of its `__consumer_offsets` partition.
    pub coordinator: Option<BrokerId>,
    /// `isolation.level=read_committed`: it reads below the last stable offset.
    #[serde(default)]
    pub read_committed: bool,
}

/// The whole cluster at `now`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSnapshot {
    /// Simulated time.
    pub now: SimTime,
    /// Brokers.
    pub brokers: Vec<BrokerSnapshot>,
    /// User topics' partitions (the internal offsets topic is left out).
    pub partitions: Vec<PartitionSnapshot>,
    /// Partitions whose ISR is smaller than their replica set.
    pub under_replicated: u32,
    /// Partitions without a leader.
    pub offline: u32,
    /// Producers.
    pub producers: Vec<super::producer::ProducerSnapshot>,
    /// Consumers.
    pub consumers: Vec<super::consumer::ConsumerSnapshot>,
    /// Consumer groups.
    pub groups: Vec<GroupSnapshot>,
    /// Cut links (not those of isolated brokers).
    pub cut_links: Vec<CutLink>,
    /// The controller.
    pub controller: ControllerSnapshot,
}

/// One partition in the overview of a big cluster: small and without strings, so that a
/// thousand of them can be gathered every frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartitionCell {
    /// Leader, `None` when offline.
    pub leader: Option<BrokerId>,
    /// ISR size.
    pub isr: u16,
    /// Replica count.
    pub replicas: u16,
    /// Leader's high watermark.
    pub high_watermark: u64,
    /// Leader's log end offset.
    pub log_end_offset: u64,
    /// Largest committed lag of the groups reading the partition (high watermark − committed).
    pub committed_lag: u64,
    /// Records-lag of the member reading it (high watermark − position), largest over groups.
    pub records_lag: u64,
}

/// A topic's partitions in the overview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopicOverview {
    /// Topic name.
    pub name: String,
    /// Partitions by number.
    pub partitions: Vec<PartitionCell>,
}

/// The cluster in summary, for views too big to draw replica by replica: brokers, partitions
/// as cells, groups as totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverviewSnapshot {
    /// Simulated time.
    pub now: SimTime,
    /// Brokers.
    pub brokers: Vec<BrokerSnapshot>,
    /// User topics.
    pub topics: Vec<TopicOverview>,
    /// Partitions whose ISR is smaller than their replica set.
    pub under_replicated: u32,
    /// Partitions without a leader.
    pub offline: u32,
    /// Groups, with their totals (no per-partition entries: the cells carry the lags).
    pub groups: Vec<GroupSnapshot>,
    /// The controller.
    pub controller: ControllerSnapshot,
}

/// The configs in effect now, after live changes: what the page's config form starts from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiveConfigs {
    /// Broker-level configs (cluster-wide).
    pub broker: super::config::BrokerConfig,
    /// Each producer's `client.id` and config.
    pub producers: Vec<(String, super::config::ProducerConfig)>,
    /// Each group's `group.id` and its members' config.
    pub groups: Vec<(String, super::config::ConsumerConfig)>,
}
