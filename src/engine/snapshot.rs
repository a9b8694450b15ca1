//! A read-only picture of the cluster at one instant, for the page and the CLI report.
//! Built from engine state on demand; nothing reads it back into the simulation.

use serde::{Deserialize, Serialize};

use super::broker::Role;
use super::ids::BrokerId;
use super::sim::Engine;
use super::time::SimTime;

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
    /// Partitions led.
    pub leaders: u32,
    /// Bytes on disk (retained).
    pub log_bytes: u64,
    /// Disk slow-down factor.
    pub disk_factor: f64,
}

/// The whole cluster at `now`.
#[derive(Clone, Debug, Serialize)]
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
}

impl Engine {
    /// The partitions of user topics.
    pub fn partition_snapshots(&self) -> Vec<PartitionSnapshot> {
        let topics = self.topics();
        let mut out = Vec::new();
        for st in self.controller().partitions() {
            let Some(info) = topics.get(st.tp.topic) else {
                continue;
            };
            if info.internal {
                continue;
            }
            let mut replica_states = Vec::new();
            for &b in &st.replicas {
                let Some(broker) = self.brokers().get(b as usize - 1) else {
                    continue;
                };
                if let Some(log) = broker.disk().logs.get(&st.tp) {
                    let role = broker
                        .process()
                        .and_then(|p| p.replicas.get(&st.tp))
                        .map(|r| r.role)
                        .unwrap_or(Role::Unknown);
                    replica_states.push(ReplicaSnapshot {
                        broker: b,
                        role: match role {
                            Role::Leader => "leader",
                            Role::Follower(_) => "follower",
                            Role::Unknown => "unknown",
                        }
                        .into(),
                        log_end_offset: log.log_end_offset(),
                        high_watermark: log.high_watermark(),
                        in_isr: st.isr.contains(&b),
                    });
                }
            }
            let leader_log = st.leader.and_then(|l| {
                self.brokers()
                    .get(l as usize - 1)
                    .and_then(|b| b.disk().logs.get(&st.tp))
                    .map(|log| (log.high_watermark(), log.log_end_offset()))
            });
            out.push(PartitionSnapshot {
                topic: info.name.clone(),
                partition: st.tp.partition,
                leader: st.leader,
                leader_epoch: st.leader_epoch,
                isr: st.isr.clone(),
                replicas: st.replicas.clone(),
                high_watermark: leader_log.map(|l| l.0).unwrap_or(0),
                log_end_offset: leader_log.map(|l| l.1).unwrap_or(0),
                replica_states,
            });
        }
        out
    }

    /// Everything the page draws, at the current time.
    pub fn snapshot(&self) -> ClusterSnapshot {
        let partitions = self.partition_snapshots();
        let regs = self.controller().brokers();
        ClusterSnapshot {
            now: self.now(),
            brokers: self
                .brokers()
                .iter()
                .map(|b| BrokerSnapshot {
                    id: b.id(),
                    alive: b.is_running(),
                    fenced: regs.get(&b.id()).map(|r| r.fenced).unwrap_or(false),
                    leaders: b.process().map(|p| p.leader_count()).unwrap_or(0) as u32,
                    log_bytes: b.disk().log_bytes(),
                    disk_factor: b.disk().disk_factor,
                })
                .collect(),
            under_replicated: partitions
                .iter()
                .filter(|p| p.isr.len() < p.replicas.len())
                .count() as u32,
            offline: partitions.iter().filter(|p| p.leader.is_none()).count() as u32,
            partitions,
            producers: self.producers().iter().map(|p| p.snapshot()).collect(),
            consumers: self.consumers().iter().map(|c| c.snapshot()).collect(),
        }
    }
}
