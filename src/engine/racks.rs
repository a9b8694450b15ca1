//! Racks (availability zones) of a cluster and its clients, and the bytes that cross between
//! them.
//!
//! Kafka knows racks through `broker.rack` and the consumer's `client.rack`; it uses them for
//! replica placement (`StripedReplicaPlacer`, controller/striped.rs) and fetch from follower
//! (KIP-392, `RackAwareReplicaSelector`). What Kafka does not count, and cloud bills do, is the
//! traffic between zones: [`Traffic`] counts the bytes every node sends on every link, by kind
//! and by whether the link crosses racks.
//!
//! Where nodes are: broker `i` in `racks[(i - 1) mod n]`; the controller in none (it stands for
//! a KRaft quorum spread over the zones: its traffic counts as crossing);
//! producer `i` in `racks[i mod n]` (Kafka producers have no rack setting); a consumer in the
//! rack named by its `client.rack`, else member `k` of the run in `racks[k mod n]`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::NodeId;
use super::protocol::{Message, MessageKind};
use super::time::SimTime;

/// What a link's bytes are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrafficKind {
    /// Producer ↔ leader (requests with their batches, and acks).
    Produce = 0,
    /// Follower ↔ leader fetches (the replication of every topic, `__consumer_offsets` too).
    Replication = 1,
    /// Consumer ↔ the replica it fetches from.
    Consume = 2,
    /// Everything else: metadata, group coordination and offset commits, controller traffic.
    Other = 3,
}

impl TrafficKind {
    /// The kind of `msg` sent from `from` to `to` (`broker(node)` tells brokers apart).
    pub fn of(msg: &Message, to_broker: bool, from_broker: bool) -> Self {
        match msg.kind() {
            MessageKind::Produce | MessageKind::ProduceAck => TrafficKind::Produce,
            MessageKind::ReplicaFetch => TrafficKind::Replication,
            MessageKind::ConsumerFetch => TrafficKind::Consume,
            MessageKind::FetchData if to_broker && from_broker => TrafficKind::Replication,
            MessageKind::FetchData => TrafficKind::Consume,
            _ => TrafficKind::Other,
        }
    }
}

/// Bytes sent, per kind and link, counted as messages leave their node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    /// `[kind][crosses racks]` totals.
    pub by_kind: [[u64; 2]; 4],
    /// Per directed link `(from, to)` node: bytes per kind.
    pub links: BTreeMap<(u32, u32), [u64; 4]>,
    /// Per node: every byte it sent.
    pub sent: Vec<u64>,
}

impl Traffic {
    /// Counts `bytes` of `kind` sent from `from` to `to`.
    pub fn count(&mut self, from: NodeId, to: NodeId, kind: TrafficKind, cross: bool, bytes: u64) {
        let k = kind as usize;
        self.by_kind[k][cross as usize] += bytes;
        self.links.entry((from.0, to.0)).or_default()[k] += bytes;
        let f = from.0 as usize;
        if self.sent.len() <= f {
            self.sent.resize(f + 1, 0);
        }
        self.sent[f] += bytes;
    }

    /// Bytes of `kind` that crossed racks.
    pub fn cross(&self, kind: TrafficKind) -> u64 {
        self.by_kind[kind as usize][1]
    }

    /// Every byte that crossed racks.
    pub fn cross_total(&self) -> u64 {
        self.by_kind.iter().map(|k| k[1]).sum()
    }
}

/// The rack index of a node in no rack (the controller).
pub const NO_RACK: u16 = u16::MAX;

/// Racks of the nodes of a run with racks.
#[derive(Clone, Debug, Default)]
pub struct RackLayout {
    /// Rack names, in the scenario's order (`cluster.racks`).
    pub names: Vec<String>,
    /// Per node id: its rack index.
    pub node: Vec<u16>,
    /// Brokers are nodes `1..=brokers`.
    pub brokers: u32,
    /// Bytes sent, by kind and link.
    pub traffic: Traffic,
}

impl RackLayout {
    /// Index of the rack called `name`.
    pub fn index_of(&self, name: &str) -> Option<u16> {
        self.names.iter().position(|n| n == name).map(|i| i as u16)
    }

    /// The rack of `node` (the first rack for a node not placed yet).
    pub fn rack(&self, node: NodeId) -> u16 {
        self.node.get(node.0 as usize).copied().unwrap_or(0)
    }

    /// Whether `node` is a broker.
    pub fn is_broker(&self, node: NodeId) -> bool {
        (1..=self.brokers).contains(&node.0)
    }

    /// Counts a message as it leaves `from` for `to`.
    pub fn count(&mut self, from: NodeId, to: NodeId, msg: &Message, bytes: u64) {
        let kind = TrafficKind::of(msg, self.is_broker(to), self.is_broker(from));
        let cross = self.rack(from) != self.rack(to);
        self.traffic.count(from, to, kind, cross, bytes);
    }

    /// The report's `cross_zone` figures after `elapsed` simulated time.
    pub fn cross_zone(&self, elapsed: SimTime, usd_per_gb: f64) -> CrossZone {
        let t = &self.traffic;
        let total = t.cross_total();
        let total_gb = total as f64 / 1e9;
        CrossZone {
            produce_bytes: t.cross(TrafficKind::Produce),
            replication_bytes: t.cross(TrafficKind::Replication),
            consume_bytes: t.cross(TrafficKind::Consume),
            other_bytes: t.cross(TrafficKind::Other),
            same_zone_bytes: t.by_kind.iter().map(|k| k[0]).sum(),
            total_gb,
            usd_per_month: monthly_usd(total, elapsed, usd_per_gb),
        }
    }
}

/// Nanoseconds in the 30-day month bills are quoted for.
pub const MONTH_NS: f64 = 30.0 * 86_400.0 * 1e9;

/// The monthly price of `bytes` crossing racks in `elapsed` simulated time at `usd_per_gb`:
/// `bytes / 1e9 × usd_per_gb × (30 days / elapsed)` (0 before any time has passed).
pub fn monthly_usd(bytes: u64, elapsed: SimTime, usd_per_gb: f64) -> f64 {
    if elapsed == 0 {
        return 0.0;
    }
    bytes as f64 / 1e9 * usd_per_gb * (MONTH_NS / elapsed as f64)
}

/// Cross-zone traffic of a run (report field `cross_zone`, only for clusters with racks).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrossZone {
    /// Produce requests and acks that crossed racks, bytes.
    pub produce_bytes: u64,
    /// Follower fetches and their data that crossed racks, bytes.
    pub replication_bytes: u64,
    /// Consumer fetches and their data that crossed racks, bytes.
    pub consume_bytes: u64,
    /// Metadata, group and commit traffic that crossed racks, bytes.
    pub other_bytes: u64,
    /// Bytes that stayed within a rack (every kind).
    pub same_zone_bytes: u64,
    /// Every byte that crossed racks, in GB (10^9 bytes).
    pub total_gb: f64,
    /// `total_gb × cross_zone_usd_per_gb`, scaled from the simulated time to a 30-day month.
    pub usd_per_month: f64,
}

/// One broker and its rack (report field `brokers`, only for clusters with racks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerRack {
    /// Broker id.
    pub id: u32,
    /// Its rack (`broker.rack`).
    pub rack: String,
}
