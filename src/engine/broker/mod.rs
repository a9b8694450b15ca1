//! A Kafka broker: a disk plus a process.
//!
//! [`BrokerDisk`] is what survives a crash: the machine's settings (hardware, `server.properties`
//! and dynamic configs) and what is on disk — every partition log with its leader-epoch cache and
//! idempotent-producer state, and the broker's copy of the cluster metadata. [`BrokerProcess`] is
//! the running broker: it owns its disk while it runs and adds everything that lives in memory —
//! replica roles and follower states, fetchers, purgatories, the group coordinator, request
//! queues. A crash drops the process and keeps the disk ([`Broker::crash`]); a restart opens a
//! new process with a new incarnation from that disk ([`Broker::restart`]), as TigerBeetle's
//! simulator reopens a replica from its storage. The engine owns which incarnation is running and
//! drops timers and messages addressed to a dead one, so no broker state carries incarnations.
//!
//! Request handling costs CPU (`num.io.threads` handler threads, per-request and per-record
//! cost) and disk time (appends go through the page cache, which the disk writes back); a
//! client connection is served one request at a time, muted from when its request is read until
//! its response is sent ([`connections`], Kafka's `SocketServer` `Processor`).

mod connections;
mod coordinator_log;
mod fetch;
mod fetch_purgatory;
mod fetch_session;
mod follower;
mod leader;
mod lifecycle;
mod metadata;
mod page_cache;
mod process;
mod produce;
mod read_replica;
#[cfg(test)]
mod tests;
mod txn;
mod txn_verify;

use serde::{Deserialize, Serialize};

use super::config::{BrokerConfig, HardwareProfile, TopicConfig};
use super::ids::{BrokerId, TopicPartition};
use super::log::PartitionLog;
use super::metadata_image::MetadataImage;
use super::protocol::PartitionState;
use super::time::SimTime;
use super::tp_map::TpMap;
use super::vec_map::VecMap;

pub use follower::FetcherState;
pub use lifecycle::{BrokerState, Lifecycle, METADATA_REQUEST_TIMEOUT_MS};
pub use process::{BrokerProcess, FetchRequest};

/// A replica's role on this broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Leader of the partition.
    Leader,
    /// Follower of the given leader (`None`: the partition is offline).
    Follower(Option<BrokerId>),
    /// No role yet (just restarted, waiting for metadata).
    Unknown,
}

/// What a leader knows of one follower (Kafka's `Replica` state on the leader).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerState {
    /// The follower's log end offset (its last fetch offset).
    pub leo: u64,
    /// Last time the follower was fully caught up (`lastCaughtUpTimeMs`).
    pub last_caught_up: SimTime,
    /// Time of its previous fetch.
    pub last_fetch_time: SimTime,
    /// Leader's log end offset at its previous fetch.
    pub last_fetch_leader_leo: u64,
    /// The high watermark last sent to it for this partition: a fetch response leaves the
    /// partition out while it has no data, no error and the same high watermark (KIP-227
    /// incremental fetch responses). `u64::MAX`: send it next time.
    pub hw_sent: u64,
    /// Quiet in its follower's fetch session (`fetch_session.rs`): the leader skips the
    /// partition in that follower's fetches, and `last_caught_up` and `last_fetch_time` are
    /// both the time of the follower's last fetch (read them through
    /// `BrokerProcess::caught_up_time`).
    pub quiet: bool,
}

/// The in-memory state of one partition's replica in a running broker (Kafka's `Partition`
/// object); its log lives on the disk ([`BrokerDisk::logs`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaState {
    /// Current role.
    pub role: Role,
    /// Leader epoch this replica knows.
    pub leader_epoch: u32,
    /// Partition epoch this replica knows.
    pub partition_epoch: u32,
    /// Committed ISR (as published by the controller).
    pub isr: Vec<BrokerId>,
    /// ISR proposed in an in-flight AlterPartition (the "maximal ISR" includes it).
    pub pending_isr: Option<Vec<BrokerId>>,
    /// Assigned replicas.
    pub replicas: Vec<BrokerId>,
    /// Log end offset when this replica became leader (`leaderEpochStartOffset`).
    pub epoch_start_offset: u64,
    /// Follower states (leader only).
    pub followers: VecMap<BrokerId, FollowerState>,
}

impl ReplicaState {
    /// A replica the process has just learnt it hosts: no role until metadata gives it one.
    pub fn unknown() -> Self {
        ReplicaState {
            role: Role::Unknown,
            leader_epoch: 0,
            partition_epoch: 0,
            isr: Vec::new(),
            pending_isr: None,
            replicas: Vec::new(),
            epoch_start_offset: 0,
            followers: VecMap::new(),
        }
    }
}

/// What survives a broker crash: the machine and its disk.
#[derive(Clone, Debug, Default)]
pub struct BrokerDisk {
    /// `node.id`.
    pub id: BrokerId,
    /// Machine capacity.
    pub hardware: HardwareProfile,
    /// Disk slow-down factor (1 = normal): a property of the machine, kept across restarts.
    pub disk_factor: f64,
    /// Broker config (`server.properties` plus dynamic broker configs).
    pub config: BrokerConfig,
    /// Topic-level overrides by topic index (dynamic topic configs).
    pub topic_configs: Vec<TopicConfig>,
    /// Every partition log hosted here, with its leader-epoch cache and producer state.
    pub logs: TpMap<PartitionLog>,
    /// The broker's copy of the metadata log, applied up to the offset it has fetched.
    pub metadata: MetadataImage,
    /// The machine's page cache: appends land there, the disk writes them back. It outlives
    /// the broker process (the kernel still writes a killed process's dirty pages).
    pub(super) page_cache: page_cache::PageCache,
    /// Rack index of every broker (`broker.rack`, by id − 1; empty without racks): the
    /// metadata cache's replica endpoints, which KIP-392's replica selector reads.
    pub racks: Vec<u16>,
}

impl BrokerDisk {
    /// A new machine with an empty disk.
    pub fn new(
        id: BrokerId,
        hardware: HardwareProfile,
        config: BrokerConfig,
        topic_configs: Vec<TopicConfig>,
    ) -> Self {
        BrokerDisk {
            id,
            hardware,
            disk_factor: 1.0,
            config,
            topic_configs,
            logs: TpMap::new(),
            metadata: MetadataImage::default(),
            page_cache: Default::default(),
            racks: Vec::new(),
        }
    }

    /// `min.insync.replicas` for a topic (override or broker default).
    pub fn min_insync(&self, topic: u32) -> u32 {
        self.topic_configs
            .get(topic as usize)
            .and_then(|c| c.min_insync_replicas)
            .unwrap_or(self.config.min_insync_replicas)
    }

    /// Bytes retained over every log.
    pub fn log_bytes(&self) -> u64 {
        self.logs.values().map(|l| l.size_bytes()).sum()
    }

    /// Slows the disk by `factor` (1 = normal).
    pub fn set_disk_factor(&mut self, factor: f64) {
        self.disk_factor = if factor.is_finite() && factor >= 1.0 {
            factor
        } else {
            1.0
        };
    }
}

/// A broker machine: its process runs, or it is down and only its disk remains.
#[derive(Clone, Debug)]
pub enum Broker {
    /// The process runs; it owns the disk while it runs.
    Running(Box<BrokerProcess>),
    /// The process is down; the disk survives.
    Down(Box<BrokerDisk>),
}

impl Broker {
    /// A running broker at time zero: empty logs, and the bootstrap metadata on its disk.
    pub fn new(disk: BrokerDisk) -> Self {
        Broker::Running(Box::new(BrokerProcess::open(disk, 0)))
    }

    /// `node.id`.
    pub fn id(&self) -> BrokerId {
        self.disk().id
    }

    /// Whether the process runs.
    pub fn is_running(&self) -> bool {
        matches!(self, Broker::Running(_))
    }

    /// The disk (of the running process, or of the machine that is down).
    pub fn disk(&self) -> &BrokerDisk {
        match self {
            Broker::Running(p) => &p.disk,
            Broker::Down(d) => d,
        }
    }

    /// The disk, to change the machine (configs, slow disk).
    pub fn disk_mut(&mut self) -> &mut BrokerDisk {
        match self {
            Broker::Running(p) => &mut p.disk,
            Broker::Down(d) => d,
        }
    }

    /// The running process, if any.
    pub fn process(&self) -> Option<&BrokerProcess> {
        match self {
            Broker::Running(p) => Some(p),
            Broker::Down(_) => None,
        }
    }

    /// The running process, if any.
    pub fn process_mut(&mut self) -> Option<&mut BrokerProcess> {
        match self {
            Broker::Running(p) => Some(p),
            Broker::Down(_) => None,
        }
    }

    /// Kills the process: everything in memory is gone, the disk survives. Returns whether a
    /// process was running.
    pub fn crash(&mut self) -> bool {
        match self.take() {
            Broker::Running(p) => {
                *self = Broker::Down(Box::new(p.disk));
                true
            }
            down => {
                *self = down;
                false
            }
        }
    }

    /// Opens a new process with `incarnation` from the disk of a broker that is down. Returns
    /// the process to start, or `None` when it already runs.
    pub fn restart(&mut self, incarnation: u64) -> Option<&mut BrokerProcess> {
        match self.take() {
            Broker::Down(disk) => {
                *self = Broker::Running(Box::new(BrokerProcess::open(*disk, incarnation)));
                self.process_mut()
            }
            running => {
                *self = running;
                None
            }
        }
    }

    /// Moves the machine out, leaving an empty placeholder to be overwritten at once.
    fn take(&mut self) -> Broker {
        std::mem::replace(self, Broker::Down(Box::default()))
    }
}
