//! Consumer groups (committed offsets read from `__consumer_offsets` through
//! [`ClusterView::committed_offsets`](crate::engine::view::ClusterView::committed_offsets), the
//! members' positions) and the overview of a big cluster (partitions as cells).

use std::collections::BTreeMap;

use super::*;
use crate::engine::ids::TopicPartition;
use crate::engine::sim::Engine;

impl Engine {
    /// Every consumer group with its committed offsets (as its coordinator has them, read from
    /// `__consumer_offsets`) and its members' positions.
    pub fn group_snapshots(&self) -> Vec<GroupSnapshot> {
        self.groups_with(true, &mut |_, _, _| {})
    }

    /// The groups' totals, without their partitions.
    pub(super) fn group_totals(&self) -> Vec<GroupSnapshot> {
        self.groups_with(false, &mut |_, _, _| {})
    }

    /// The groups, with (`per_partition`) or without their partitions (totals only); `visit`
    /// sees every partition a group reads with its committed lag and, when a member owns it,
    /// that member's records-lag.
    fn groups_with(
        &self,
        per_partition: bool,
        visit: &mut dyn FnMut(TopicPartition, u64, Option<u64>),
    ) -> Vec<GroupSnapshot> {
        let view = self.view();
        let consumers = self.consumers();
        self.groups()
            .iter()
            .map(|g| {
                let gid = &g.spec.group_id;
                let committed = view.committed_offsets(gid);
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
                    read_committed: g.spec.config.read_committed(),
                }
            })
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
        for part in self.view().user_partitions() {
            let st = part.state;
            let Some((t, p)) = at(&out, st.tp) else {
                continue;
            };
            let leader = part.leader();
            out[t].partitions[p] = PartitionCell {
                leader: st.leader,
                isr: st.isr.len() as u16,
                replicas: st.replicas.len() as u16,
                high_watermark: leader.map(|r| r.log.high_watermark()).unwrap_or(0),
                log_end_offset: leader.map(|r| r.log.log_end_offset()).unwrap_or(0),
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
}
