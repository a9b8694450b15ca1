//! A read-only picture of the cluster at one instant, for the page and the CLI report.
//! Built from engine state on demand; nothing reads it back into the simulation.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::broker::Role;
use super::ids::{BrokerId, NodeId, TopicPartition};
use super::sim::{Engine, NodeRole};
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
    /// Broker epoch of the last registration or heartbeat the controller accepted.
    #[serde(default)]
    pub broker_epoch: u64,
    /// When the controller last heard a heartbeat from it.
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
    /// Offset of the last cluster-metadata record this broker applied, once brokers replay a
    /// metadata log (KRaft); `None` until then.
    #[serde(default)]
    pub metadata_offset: Option<u64>,
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
                if let Some(r) = broker.replicas.get(&st.tp) {
                    replica_states.push(ReplicaSnapshot {
                        broker: b,
                        role: match r.role {
                            Role::Leader => "leader",
                            Role::Follower(_) => "follower",
                            Role::Unknown => "unknown",
                        }
                        .into(),
                        log_end_offset: r.log.log_end_offset(),
                        high_watermark: r.log.high_watermark(),
                        in_isr: st.isr.contains(&b),
                        log_start_offset: r.log.log_start_offset(),
                    });
                }
            }
            let leader_replica = st.leader.and_then(|l| {
                self.brokers()
                    .get(l as usize - 1)
                    .and_then(|b| b.replicas.get(&st.tp))
            });
            out.push(PartitionSnapshot {
                topic: info.name.clone(),
                partition: st.tp.partition,
                leader: st.leader,
                leader_epoch: st.leader_epoch,
                isr: st.isr.clone(),
                replicas: st.replicas.clone(),
                high_watermark: leader_replica.map(|r| r.log.high_watermark()).unwrap_or(0),
                log_end_offset: leader_replica.map(|r| r.log.log_end_offset()).unwrap_or(0),
                replica_states,
                followers: leader_replica
                    .filter(|r| r.role == Role::Leader)
                    .map(|r| {
                        r.followers
                            .iter()
                            .map(|(b, f)| FollowerPosition {
                                broker: *b,
                                log_end_offset: f.leo,
                                last_caught_up: f.last_caught_up,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
        out
    }

    /// The brokers as the controller and the network see them.
    pub fn broker_snapshots(&self) -> Vec<BrokerSnapshot> {
        let regs = self.controller().brokers();
        let net = self.network();
        let base_bps = self.scenario().cluster.hardware.nic_bits_per_s.max(1) as f64;
        let mut urp = vec![0u32; self.brokers().len()];
        let mut led = vec![0u32; self.brokers().len()];
        let mut hosted = vec![0u32; self.brokers().len()];
        for st in self.controller().partitions() {
            if self
                .topics()
                .get(st.tp.topic)
                .map(|t| t.internal)
                .unwrap_or(true)
            {
                continue;
            }
            for &b in &st.replicas {
                if let Some(h) = hosted.get_mut(b as usize - 1) {
                    *h += 1;
                }
            }
            if let Some(l) = st.leader {
                if let Some(n) = led.get_mut(l as usize - 1) {
                    *n += 1;
                }
                if st.isr.len() < st.replicas.len() {
                    if let Some(u) = urp.get_mut(l as usize - 1) {
                        *u += 1;
                    }
                }
            }
        }
        self.brokers()
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let node = NodeId(b.id);
                let reg = regs.get(&b.id);
                let nic = net.nic(node);
                BrokerSnapshot {
                    id: b.id,
                    alive: b.alive,
                    fenced: reg.map(|r| r.fenced).unwrap_or(false),
                    leaders: led[i],
                    log_bytes: b.replicas.values().map(|r| r.log.size_bytes()).sum(),
                    disk_factor: b.disk_factor,
                    nic_factor: nic
                        .map(|n| base_bps / n.bits_per_s.max(1) as f64)
                        .unwrap_or(1.0),
                    isolated: self.isolated(node),
                    broker_epoch: reg.map(|r| r.broker_epoch).unwrap_or(0),
                    last_heartbeat: reg.map(|r| r.last_heartbeat).unwrap_or(0),
                    bytes_in: nic.map(|n| n.bytes_in).unwrap_or(0),
                    bytes_out: nic.map(|n| n.bytes_out).unwrap_or(0),
                    under_replicated: urp[i],
                    replicas: hosted[i],
                    metadata_offset: None,
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

    /// Every consumer group with its committed offsets (from the group coordinators' offset
    /// store) and its members' positions.
    pub fn group_snapshots(&self) -> Vec<GroupSnapshot> {
        self.groups_with(true, &mut |_, _, _| {})
    }

    /// The groups, with (`per_partition`) or without their partitions (totals only); `visit`
    /// sees every partition a group reads with its committed lag and, when a member owns it,
    /// that member's records-lag.
    fn groups_with(
        &self,
        per_partition: bool,
        visit: &mut dyn FnMut(TopicPartition, u64, Option<u64>),
    ) -> Vec<GroupSnapshot> {
        let consumers = self.consumers();
        self.groups()
            .iter()
            .map(|g| {
                let gid = &g.spec.group_id;
                let committed = self.committed_offsets(gid);
                // Owner, position and the high watermark it knows, per partition.
                let mut owned: BTreeMap<TopicPartition, (u32, u64, u64)> = BTreeMap::new();
                let mut records_lag = 0;
                for &c in &g.members {
                    let Some(consumer) = consumers.get(c) else {
                        continue;
                    };
                    if !consumer.is_alive() {
                        continue;
                    }
                    for (tp, position, _, lag) in consumer.snapshot().partitions {
                        records_lag += lag;
                        owned.insert(tp, (c as u32, position, position + lag));
                    }
                }
                let mut partitions = Vec::new();
                let mut committed_lag = 0;
                for t in &g.spec.topics {
                    let Some(ti) = self.topics().index_of(t) else {
                        continue;
                    };
                    for p in 0..self.topics().partitions(ti) {
                        let tp = TopicPartition::new(ti, p);
                        let (hw, leo) = self.leader_offsets(tp);
                        let c = committed.get(&tp).copied();
                        let lag = hw.saturating_sub(c.unwrap_or(0));
                        committed_lag += lag;
                        let own = owned.get(&tp);
                        visit(tp, lag, own.map(|o| o.2 - o.1));
                        if !per_partition {
                            continue;
                        }
                        partitions.push(GroupPartitionSnapshot {
                            topic: t.clone(),
                            partition: p,
                            committed: c,
                            owner: own.map(|o| o.0),
                            position: own.map(|o| o.1),
                            owner_high_watermark: own.map(|o| o.2),
                            high_watermark: hw,
                            log_end_offset: leo,
                        });
                    }
                }
                GroupSnapshot {
                    group_id: gid.clone(),
                    members: g.members.iter().map(|&c| c as u32).collect(),
                    partitions,
                    committed_lag,
                    records_lag,
                    coordinator: self.coordinator_of(gid),
                }
            })
            .collect()
    }

    /// A group's committed offsets, from the coordinators' offset store.
    fn committed_offsets(&self, group_id: &str) -> BTreeMap<TopicPartition, u64> {
        self.offset_store()
            .committed
            .range((group_id.to_string(), TopicPartition::new(0, 0))..)
            .take_while(|((id, _), _)| id == group_id)
            .map(|((_, tp), o)| (*tp, *o))
            .collect()
    }

    /// The broker leading a group's `__consumer_offsets` partition (its coordinator).
    fn coordinator_of(&self, group_id: &str) -> Option<BrokerId> {
        let t = self.topics().offsets_topic()?;
        let p = crate::engine::group::offsets_partition_for(group_id, self.topics().partitions(t));
        self.controller()
            .partition(TopicPartition::new(t, p))
            .and_then(|st| st.leader)
    }

    fn controller_snapshot(&self) -> ControllerSnapshot {
        let cfg = &self.controller().config;
        ControllerSnapshot {
            session_timeout_ms: cfg.broker_session_timeout_ms,
            heartbeat_interval_ms: cfg.broker_heartbeat_interval_ms,
        }
    }

    /// The leader's high watermark and log end offset of a partition, `(0, 0)` when offline.
    fn leader_offsets(&self, tp: TopicPartition) -> (u64, u64) {
        self.controller()
            .partition(tp)
            .and_then(|st| st.leader)
            .and_then(|l| self.brokers().get(l as usize - 1))
            .and_then(|b| b.replicas.get(&tp))
            .map(|r| (r.log.high_watermark(), r.log.log_end_offset()))
            .unwrap_or((0, 0))
    }

    /// Records-lag per group (Σ high watermark − position over the live members' assigned
    /// partitions, as each consumer knows them): Kafka's consumer `records-lag`, summed.
    pub fn group_records_lags(&self) -> Vec<(String, u64)> {
        let consumers = self.consumers();
        self.groups()
            .iter()
            .map(|g| {
                let lag = g
                    .members
                    .iter()
                    .filter_map(|&c| consumers.get(c))
                    .filter(|c| c.is_alive())
                    .map(|c| c.records_lag())
                    .sum();
                (g.spec.group_id.clone(), lag)
            })
            .collect()
    }

    /// The overview of the cluster (see [`OverviewSnapshot`]).
    pub fn overview(&self) -> OverviewSnapshot {
        let topics = self.topics();
        let mut out: Vec<TopicOverview> = Vec::new();
        let mut index: Vec<Option<usize>> = vec![None; topics.topics.len()];
        for (i, t) in topics.topics.iter().enumerate() {
            if !t.internal {
                index[i] = Some(out.len());
                out.push(TopicOverview {
                    name: t.name.clone(),
                    partitions: vec![PartitionCell::default(); t.partitions as usize],
                });
            }
        }
        // Where a partition's cell is in `out`: (topic, partition) indexes.
        let at = |out: &[TopicOverview], tp: TopicPartition| -> Option<(usize, usize)> {
            let t = (*index.get(tp.topic as usize)?)?;
            let p = tp.partition as usize;
            (p < out[t].partitions.len()).then_some((t, p))
        };
        let (mut urp, mut offline) = (0, 0);
        for st in self.controller().partitions() {
            let Some((t, p)) = at(&out, st.tp) else {
                continue;
            };
            let (hw, leo) = self.leader_offsets(st.tp);
            out[t].partitions[p] = PartitionCell {
                leader: st.leader,
                isr: st.isr.len() as u16,
                replicas: st.replicas.len() as u16,
                high_watermark: hw,
                log_end_offset: leo,
                committed_lag: 0,
                records_lag: 0,
            };
            urp += u32::from(st.isr.len() < st.replicas.len());
            offline += u32::from(st.leader.is_none());
        }
        let groups = self.groups_with(false, &mut |tp, committed_lag, records_lag| {
            if let Some((t, p)) = at(&out, tp) {
                let c = &mut out[t].partitions[p];
                c.committed_lag = c.committed_lag.max(committed_lag);
                c.records_lag = c.records_lag.max(records_lag.unwrap_or(0));
            }
        });
        OverviewSnapshot {
            now: self.now(),
            brokers: self.broker_snapshots(),
            topics: out,
            under_replicated: urp,
            offline,
            groups,
            controller: self.controller_snapshot(),
        }
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
        let (mut urp, mut offline) = (0, 0);
        for st in self.controller().partitions() {
            if self
                .topics()
                .get(st.tp.topic)
                .map(|t| t.internal)
                .unwrap_or(true)
            {
                continue;
            }
            urp += u32::from(st.isr.len() < st.replicas.len());
            offline += u32::from(st.leader.is_none());
        }
        ClusterSnapshot {
            now: self.now(),
            brokers: self.broker_snapshots(),
            partitions: Vec::new(),
            under_replicated: urp,
            offline,
            producers: self.producers().iter().map(|p| p.snapshot()).collect(),
            consumers: self.consumers().iter().map(|c| c.snapshot()).collect(),
            groups: self.groups_with(false, &mut |_, _, _| {}),
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
