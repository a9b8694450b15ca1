//! Brokers, partitions, links and the controller, read through [`ClusterView`]: each replica's
//! log from its broker's disk, its role from the running process, the followers as the leader's
//! process knows them, and each broker's metadata offset from the `MetadataImage` on its disk.

use super::*;
use crate::engine::broker::Role;
use crate::engine::ids::{NodeId, TopicPartition};
use crate::engine::sim::{Engine, NodeRole};
use crate::engine::view::{ClusterView, PartitionView};

/// The page's name of a replica's role.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Leader => "leader",
        Role::Follower(_) => "follower",
        Role::Unknown => "unknown",
    }
}

impl Engine {
    /// The partitions of user topics.
    pub fn partition_snapshots(&self) -> Vec<PartitionSnapshot> {
        let view = self.view();
        view.user_partitions()
            .map(|p| partition_snapshot(view, &p))
            .collect()
    }

    /// The brokers as the controller, their disks and the network see them.
    pub fn broker_snapshots(&self) -> Vec<BrokerSnapshot> {
        let view = self.view();
        let regs = self.controller().brokers();
        let metadata_end = self.controller().metadata_log().end_offset();
        let net = self.network();
        let base_bps = self.scenario().cluster.hardware.nic_bits_per_s.max(1) as f64;
        let n = self.brokers().len();
        let (mut urp, mut led, mut hosted) = (vec![0u32; n], vec![0u32; n], vec![0u32; n]);
        let slot = |b: BrokerId| (b as usize).checked_sub(1).filter(|&i| i < n);
        for p in view.user_partitions() {
            let st = p.state;
            for i in st.replicas.iter().filter_map(|&b| slot(b)) {
                hosted[i] += 1;
            }
            if let Some(i) = st.leader.and_then(slot) {
                led[i] += 1;
                urp[i] += u32::from(st.isr.len() < st.replicas.len());
            }
        }
        self.brokers()
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let node = NodeId(b.id());
                let reg = regs.get(&b.id());
                let nic = net.nic(node);
                let disk = b.disk();
                BrokerSnapshot {
                    id: b.id(),
                    alive: b.is_running(),
                    fenced: reg.map(|r| r.fenced).unwrap_or(false),
                    leaders: led[i],
                    log_bytes: disk.log_bytes(),
                    disk_factor: disk.disk_factor,
                    nic_factor: nic
                        .map(|n| base_bps / n.bits_per_s.max(1) as f64)
                        .unwrap_or(1.0),
                    isolated: self.isolated(node),
                    broker_epoch: reg.map(|r| r.broker_epoch).unwrap_or(0),
                    last_heartbeat: reg.map(|r| r.last_contact).unwrap_or(0),
                    bytes_in: nic.map(|n| n.bytes_in).unwrap_or(0),
                    bytes_out: nic.map(|n| n.bytes_out).unwrap_or(0),
                    under_replicated: urp[i],
                    replicas: hosted[i],
                    metadata_offset: disk.metadata.offset,
                    metadata_lag: metadata_end.saturating_sub(disk.metadata.offset),
                    rack: self.scenario().cluster.rack_of(b.id()).map(str::to_string),
                }
            })
            .collect()
    }

    /// Whether every link to and from `node` is cut (there is at least one other node).
    fn isolated(&self, node: NodeId) -> bool {
        let net = self.network();
        net.len() > 1
            && (0..net.len() as u32)
                .map(NodeId)
                .filter(|&n| n != node)
                .all(|n| net.is_cut(node, n) && net.is_cut(n, node))
    }

    fn endpoint(&self, node: NodeId) -> Option<Endpoint> {
        Some(match self.roles().get(node.0 as usize)? {
            NodeRole::Controller => Endpoint::Controller,
            NodeRole::Broker(i) => Endpoint::Broker(*i as BrokerId + 1),
            NodeRole::Producer(i) => Endpoint::Producer(*i as u32),
            NodeRole::Consumer(i) => Endpoint::Consumer(*i as u32),
        })
    }

    /// Cut links with a broker or the controller at one end, leaving out isolated brokers'.
    pub fn cut_links(&self) -> Vec<CutLink> {
        let net = self.network();
        let n = net.len() as u32;
        let server = |e: Endpoint| matches!(e, Endpoint::Controller | Endpoint::Broker(_));
        let isolated: Vec<bool> = (0..n).map(|i| self.isolated(NodeId(i))).collect();
        let mut out = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let (na, nb) = (NodeId(a), NodeId(b));
                let (ab, ba) = (net.is_cut(na, nb), net.is_cut(nb, na));
                if !(ab || ba) || isolated[a as usize] || isolated[b as usize] {
                    continue;
                }
                let (Some(ea), Some(eb)) = (self.endpoint(na), self.endpoint(nb)) else {
                    continue;
                };
                if server(ea) || server(eb) {
                    out.push(CutLink {
                        a: ea,
                        b: eb,
                        a_to_b: ab,
                        b_to_a: ba,
                    });
                }
            }
        }
        out
    }

    pub(super) fn controller_snapshot(&self) -> ControllerSnapshot {
        let c = self.controller();
        ControllerSnapshot {
            session_timeout_ms: c.config.broker_session_timeout_ms,
            heartbeat_interval_ms: c.config.broker_heartbeat_interval_ms,
            metadata_end_offset: c.metadata_log().end_offset(),
        }
    }

    /// The leader's high watermark and log end offset of a partition, `(0, 0)` when offline.
    pub(super) fn leader_offsets(&self, tp: TopicPartition) -> (u64, u64) {
        self.view()
            .partition(tp)
            .and_then(|p| p.leader())
            .map(|r| (r.log.high_watermark(), r.log.log_end_offset()))
            .unwrap_or((0, 0))
    }

    /// Under-replicated and offline user partitions.
    fn partition_health(&self) -> (u32, u32) {
        let (mut urp, mut offline) = (0, 0);
        for p in self.view().user_partitions() {
            urp += u32::from(p.state.isr.len() < p.state.replicas.len());
            offline += u32::from(p.state.leader.is_none());
        }
        (urp, offline)
    }

    /// The configs in effect now.
    pub fn live_configs(&self) -> LiveConfigs {
        LiveConfigs {
            broker: self.controller().config.clone(),
            producers: self
                .scenario()
                .producers
                .iter()
                .map(|p| (p.id.clone(), p.config.clone()))
                .collect(),
            groups: self
                .groups()
                .iter()
                .map(|g| (g.spec.group_id.clone(), g.spec.config.clone()))
                .collect(),
        }
    }

    /// [`snapshot`](Self::snapshot) without the partitions (neither the cluster's nor the
    /// groups'): brokers, clients, groups' totals, links. Cheap enough for a big cluster a few
    /// times a second.
    pub fn snapshot_light(&self) -> ClusterSnapshot {
        let (under_replicated, offline) = self.partition_health();
        ClusterSnapshot {
            now: self.now(),
            brokers: self.broker_snapshots(),
            partitions: Vec::new(),
            under_replicated,
            offline,
            producers: self.producers().iter().map(|p| p.snapshot()).collect(),
            consumers: self.consumers().iter().map(|c| c.snapshot()).collect(),
            groups: self.group_totals(),
            cut_links: self.cut_links(),
            controller: self.controller_snapshot(),
        }
    }

    /// Everything the page draws, at the current time.
    pub fn snapshot(&self) -> ClusterSnapshot {
        let partitions = self.partition_snapshots();
        ClusterSnapshot {
            now: self.now(),
            brokers: self.broker_snapshots(),
            under_replicated: partitions
                .iter()
                .filter(|p| p.isr.len() < p.replicas.len())
                .count() as u32,
            offline: partitions.iter().filter(|p| p.leader.is_none()).count() as u32,
            partitions,
            producers: self.producers().iter().map(|p| p.snapshot()).collect(),
            consumers: self.consumers().iter().map(|c| c.snapshot()).collect(),
            groups: self.group_snapshots(),
            cut_links: self.cut_links(),
            controller: self.controller_snapshot(),
        }
    }
}

/// One partition: the controller's state, every hosted replica (log from the disk, role from
/// the process), and the followers as the leader's process knows them.
fn partition_snapshot(view: ClusterView<'_>, p: &PartitionView<'_>) -> PartitionSnapshot {
    let st = p.state;
    let replica_states = p
        .replicas()
        .map(|r| ReplicaSnapshot {
            broker: r.broker,
            role: role_name(r.role).into(),
            log_end_offset: r.log.log_end_offset(),
            high_watermark: r.log.high_watermark(),
            in_isr: st.isr.contains(&r.broker),
            log_start_offset: r.log.log_start_offset(),
        })
        .collect();
    let leader = p.leader();
    let followers = st
        .leader
        .and_then(|l| view.broker(l)?.process())
        .and_then(|process| Some((process, process.replicas.get(&st.tp)?)))
        .filter(|(_, r)| r.role == Role::Leader)
        .map(|(process, r)| {
            r.followers
                .iter()
                .map(|(b, f)| FollowerPosition {
                    broker: *b,
                    log_end_offset: f.leo,
                    last_caught_up: process.caught_up_time(*b, f),
                })
                .collect()
        })
        .unwrap_or_default();
    PartitionSnapshot {
        topic: p.topic.name.clone(),
        partition: st.tp.partition,
        leader: st.leader,
        leader_epoch: st.leader_epoch,
        isr: st.isr.clone(),
        replicas: st.replicas.clone(),
        high_watermark: leader.map(|r| r.log.high_watermark()).unwrap_or(0),
        log_end_offset: leader.map(|r| r.log.log_end_offset()).unwrap_or(0),
        replica_states,
        followers,
        last_stable_offset: leader.map(|r| r.log.last_stable_offset()).unwrap_or(0),
        markers: leader
            .map(|r| r.log.recent_markers(256, 12))
            .unwrap_or_default(),
    }
}
