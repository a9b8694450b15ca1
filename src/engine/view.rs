//! One read-only view of the cluster for everything that observes it — the report, the lag and
//! sampling code, the invariant checker's audit, snapshots and the page — so none of them
//! indexes brokers' internals (`brokers[id - 1]...`) on its own.

use std::collections::BTreeMap;

use super::broker::{Broker, Role};
use super::controller::Controller;
use super::group::offsets_partition_for;
use super::ids::{BrokerId, TopicInfo, TopicPartition, TopicTable};
use super::log::PartitionLog;
use super::protocol::PartitionState;

/// A borrowed view of the controller, the brokers and the topics.
#[derive(Clone, Copy)]
pub struct ClusterView<'a> {
    pub(crate) topics: &'a TopicTable,
    pub(crate) controller: &'a Controller,
    pub(crate) brokers: &'a [Broker],
}

/// One replica of a partition: the log on its broker's disk, and its role if the broker runs.
#[derive(Clone, Copy)]
pub struct ReplicaView<'a> {
    /// The broker hosting it.
    pub broker: BrokerId,
    /// Its log (crashed brokers' logs survive on disk).
    pub log: &'a PartitionLog,
    /// Its role (`Unknown` while the broker is down or has not applied metadata yet).
    pub role: Role,
    /// The leader epoch the replica knows (0 while unknown).
    pub leader_epoch: u32,
    /// The broker's process runs.
    pub running: bool,
}

/// One partition: the controller's state, the topic, and its replicas.
#[derive(Clone, Copy)]
pub struct PartitionView<'a> {
    /// Leader, epochs, ISR and ELR as the controller has them.
    pub state: &'a PartitionState,
    /// The partition's topic.
    pub topic: &'a TopicInfo,
    view: ClusterView<'a>,
}

impl<'a> PartitionView<'a> {
    /// The partition.
    pub fn tp(&self) -> TopicPartition {
        self.state.tp
    }

    /// The replica on broker `b`, if that broker hosts it.
    pub fn replica(&self, b: BrokerId) -> Option<ReplicaView<'a>> {
        self.view.replica(self.state.tp, b)
    }

    /// Every assigned replica hosted on a broker, in replica order.
    pub fn replicas(&self) -> impl Iterator<Item = ReplicaView<'a>> + 'a {
        let view = self.view;
        let tp = self.state.tp;
        self.state
            .replicas
            .iter()
            .filter_map(move |&b| view.replica(tp, b))
    }

    /// The leader's replica, if the partition has a leader.
    pub fn leader(&self) -> Option<ReplicaView<'a>> {
        self.replica(self.state.leader?)
    }

    /// The leader's high watermark (0 when offline).
    pub fn high_watermark(&self) -> u64 {
        self.leader().map(|r| r.log.high_watermark()).unwrap_or(0)
    }
}

impl<'a> ClusterView<'a> {
    /// The topics.
    pub fn topics(&self) -> &'a TopicTable {
        self.topics
    }

    /// The controller.
    pub fn controller(&self) -> &'a Controller {
        self.controller
    }

    /// The brokers (id `i + 1` at index `i`).
    pub fn brokers(&self) -> &'a [Broker] {
        self.brokers
    }

    /// Broker `b`.
    pub fn broker(&self, b: BrokerId) -> Option<&'a Broker> {
        self.brokers.get((b as usize).checked_sub(1)?)
    }

    /// The replica of `tp` on broker `b`.
    pub fn replica(&self, tp: TopicPartition, b: BrokerId) -> Option<ReplicaView<'a>> {
        let broker = self.broker(b)?;
        let log = broker.disk().logs.get(&tp)?;
        let state = broker.process().and_then(|p| p.replicas.get(&tp));
        Some(ReplicaView {
            broker: b,
            log,
            role: state.map(|r| r.role).unwrap_or(Role::Unknown),
            leader_epoch: state.map(|r| r.leader_epoch).unwrap_or(0),
            running: broker.is_running(),
        })
    }

    /// Every partition, internal ones included, in order.
    pub fn partitions(&self) -> impl Iterator<Item = PartitionView<'a>> + 'a {
        let view = *self;
        self.controller.partitions().filter_map(move |st| {
            Some(PartitionView {
                state: st,
                topic: view.topics.get(st.tp.topic)?,
                view,
            })
        })
    }

    /// The partitions of user topics.
    pub fn user_partitions(&self) -> impl Iterator<Item = PartitionView<'a>> + 'a {
        self.partitions().filter(|p| !p.topic.internal)
    }

    /// One partition.
    pub fn partition(&self, tp: TopicPartition) -> Option<PartitionView<'a>> {
        Some(PartitionView {
            state: self.controller.partition(tp)?,
            topic: self.topics.get(tp.topic)?,
            view: *self,
        })
    }

    /// `group`'s committed offsets, read from `__consumer_offsets`: the coordinator that has the
    /// group loaded answers; while none has (a coordinator failover), the log of the group's
    /// offsets partition is replayed from the replica with the highest high watermark, up to it.
    pub fn committed_offsets(&self, group: &str) -> BTreeMap<TopicPartition, u64> {
        let Some(topic) = self.topics.offsets_topic() else {
            return BTreeMap::new();
        };
        let tp = TopicPartition::new(
            topic,
            offsets_partition_for(group, self.topics.partitions(topic)),
        );
        let Some(p) = self.partition(tp) else {
            return BTreeMap::new();
        };
        if let Some(c) = p
            .state
            .leader
            .and_then(|l| self.broker(l)?.process())
            .and_then(|proc| proc.coordinator.committed(group))
        {
            return c.clone();
        }
        let mut out = BTreeMap::new();
        let best = p.replicas().max_by_key(|r| r.log.high_watermark());
        if let Some(r) = best {
            use crate::engine::group::txn_offsets::{log_in_order, LogItem, Replay};
            let mut replay = Replay::default();
            for item in log_in_order(r.log, r.log.high_watermark()) {
                match item {
                    LogItem::Record(rec) if rec.group() == group => replay.record(rec),
                    LogItem::Marker {
                        producer_id,
                        commit,
                    } => replay.marker(producer_id, commit),
                    LogItem::Record(_) => {}
                }
            }
            if let Some(o) = replay.finish().0.remove(group) {
                out = o;
            }
        }
        out
    }

    /// `group`'s committed lag over `topics`: the leaders' high watermarks minus its committed
    /// offsets (what `kafka-consumer-groups.sh --describe` shows as LAG).
    pub fn committed_lag(&self, group: &str, topics: &[String]) -> u64 {
        let committed = self.committed_offsets(group);
        let mut lag = 0;
        for t in topics {
            let Some(ti) = self.topics.index_of(t) else {
                continue;
            };
            for p in 0..self.topics.partitions(ti) {
                let tp = TopicPartition::new(ti, p);
                let hw = self.partition(tp).map(|p| p.high_watermark()).unwrap_or(0);
                lag += hw.saturating_sub(committed.get(&tp).copied().unwrap_or(0));
            }
        }
        lag
    }
}
