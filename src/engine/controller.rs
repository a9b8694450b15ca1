//! The KRaft controller: broker liveness (heartbeats, fencing), partition leadership and ISR
//! (AlterPartition, KIP-497), leader elections (clean, unclean, preferred) and metadata
//! propagation to brokers.
//!
//! A single active controller is modelled; the Raft quorum behind it is not.

use std::collections::BTreeMap;

use super::config::BrokerConfig;
use super::ctx::Ctx;
use super::events::SimEvent;
use super::ids::{BrokerId, NodeId, TopicPartition, TopicTable};
use super::protocol::{ErrorCode, Message, PartitionState};
use super::rng::SimRng;
use super::time::{ms, SimTime, SECONDS};
use super::timer::{ControllerTimer, Timer};

/// What the controller knows of a broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerRegistration {
    /// Broker epoch (incarnation) of the last heartbeat.
    pub broker_epoch: u64,
    /// Fenced: not eligible as leader or ISR member.
    pub fenced: bool,
    /// Last heartbeat time.
    pub last_heartbeat: SimTime,
}

/// The controller's state.
#[derive(Clone, Debug)]
pub struct Controller {
    /// Broker-level config (cluster-wide here).
    pub config: BrokerConfig,
    /// `unclean.leader.election.enable` per topic (topic override or broker default).
    pub unclean_per_topic: Vec<bool>,
    brokers: BTreeMap<BrokerId, BrokerRegistration>,
    partitions: BTreeMap<TopicPartition, PartitionState>,
}

/// Kafka's rack-unaware replica placement (`assignReplicasToBrokersRackUnaware`): a random start
/// broker and shift, so leaders and followers spread evenly.
pub fn place_replicas(
    brokers: u32,
    partitions: u32,
    replication_factor: u32,
    rng: &mut SimRng,
) -> Vec<Vec<BrokerId>> {
    let n = brokers.max(1) as u64;
    let rf = replication_factor.clamp(1, brokers.max(1)) as u64;
    let start = rng.below(n);
    let mut shift = rng.below(n);
    let mut out = Vec::with_capacity(partitions as usize);
    for p in 0..partitions as u64 {
        if p > 0 && p % n == 0 {
            shift += 1;
        }
        let first = (p + start) % n;
        let mut replicas = vec![first as BrokerId + 1];
        for j in 0..rf - 1 {
            let idx = if n > 1 {
                (first + 1 + (shift + j) % (n - 1)) % n
            } else {
                first
            };
            replicas.push(idx as BrokerId + 1);
        }
        out.push(replicas);
    }
    out
}

impl Controller {
    /// A controller for `brokers` brokers, all registered and unfenced at time zero, with every
    /// topic's replicas placed and the preferred replica as leader (epoch 0).
    pub fn new(
        config: BrokerConfig,
        brokers: u32,
        topics: &TopicTable,
        unclean_per_topic: Vec<bool>,
        rng: &mut SimRng,
    ) -> Self {
        let mut c = Controller {
            config,
            unclean_per_topic,
            brokers: BTreeMap::new(),
            partitions: BTreeMap::new(),
        };
        for b in 1..=brokers {
            c.brokers.insert(
                b,
                BrokerRegistration {
                    broker_epoch: 0,
                    fenced: false,
                    last_heartbeat: 0,
                },
            );
        }
        for (t, info) in topics.topics.iter().enumerate() {
            let placement = place_replicas(brokers, info.partitions, info.replication_factor, rng);
            for (p, replicas) in placement.into_iter().enumerate() {
                let tp = TopicPartition::new(t as u32, p as u32);
                c.partitions.insert(
                    tp,
                    PartitionState {
                        tp,
                        leader: replicas.first().copied(),
                        leader_epoch: 0,
                        partition_epoch: 0,
                        isr: replicas.clone(),
                        replicas,
                    },
                );
            }
        }
        c
    }

    /// Every partition's state, in order.
    pub fn partitions(&self) -> impl Iterator<Item = &PartitionState> {
        self.partitions.values()
    }

    /// One partition's state.
    pub fn partition(&self, tp: TopicPartition) -> Option<&PartitionState> {
        self.partitions.get(&tp)
    }

    /// Brokers and their registration.
    pub fn brokers(&self) -> &BTreeMap<BrokerId, BrokerRegistration> {
        &self.brokers
    }

    /// Unfenced brokers.
    pub fn live_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|(_, r)| !r.fenced)
            .map(|(&b, _)| b)
            .collect()
    }

    /// Starts the periodic checks.
    pub fn start(&mut self, ctx: &mut Ctx) {
        ctx.timer_in(
            self.session_check_interval(),
            Timer::Controller(ControllerTimer::SessionCheck),
        );
        ctx.timer_in(
            self.config
                .leader_imbalance_check_interval_seconds
                .max(1)
                .saturating_mul(SECONDS),
            Timer::Controller(ControllerTimer::LeaderImbalanceCheck),
        );
        self.publish(ctx, self.partitions.values().cloned().collect(), None);
    }

    fn session_check_interval(&self) -> SimTime {
        ms((self.config.broker_session_timeout_ms / 8).max(50))
    }

    /// Sends a metadata update to every registered broker (or just `only`).
    fn publish(&self, ctx: &mut Ctx, changed: Vec<PartitionState>, only: Option<BrokerId>) {
        let live = self.live_brokers();
        let targets: Vec<BrokerId> = match only {
            Some(b) => vec![b],
            None => self.brokers.keys().copied().collect(),
        };
        for b in targets {
            ctx.send(
                NodeId(b),
                Message::MetadataUpdate {
                    live_brokers: live.clone(),
                    partitions: changed.clone(),
                },
            );
        }
    }

    /// Handles a message from a broker.
    pub fn handle_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        match msg {
            Message::BrokerHeartbeat {
                broker,
                broker_epoch,
            } => self.on_heartbeat(ctx, from, broker, broker_epoch),
            Message::AlterPartitionRequest {
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => self.on_alter_partition(ctx, from, tp, leader_epoch, partition_epoch, new_isr),
            _ => {}
        }
    }

    fn on_heartbeat(&mut self, ctx: &mut Ctx, from: NodeId, broker: BrokerId, epoch: u64) {
        let Some(reg) = self.brokers.get_mut(&broker) else {
            return;
        };
        if epoch < reg.broker_epoch {
            return; // a stale incarnation
        }
        let restarted = epoch > reg.broker_epoch;
        reg.last_heartbeat = ctx.now;
        reg.broker_epoch = epoch;
        if restarted {
            // A new incarnation: it replays the whole metadata log before it may be unfenced.
            let all = self.partitions.values().cloned().collect();
            self.publish(ctx, all, Some(broker));
        }
        let was_fenced = self.brokers.get(&broker).map(|r| r.fenced).unwrap_or(false);
        if was_fenced {
            if let Some(r) = self.brokers.get_mut(&broker) {
                r.fenced = false;
            }
            ctx.event(SimEvent::BrokerUnfenced { broker });
            self.on_broker_unfenced(ctx, broker);
        }
        ctx.send(from, Message::BrokerHeartbeatResponse { fenced: false });
    }

    fn on_broker_unfenced(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let mut changed = Vec::new();
        let tps: Vec<TopicPartition> = self.partitions.keys().copied().collect();
        for tp in tps {
            let internal = ctx
                .topics
                .get(tp.topic)
                .map(|t| t.internal)
                .unwrap_or(false);
            let unclean = self.unclean(tp);
            let live: Vec<BrokerId> = self.live_brokers();
            let Some(st) = self.partitions.get_mut(&tp) else {
                continue;
            };
            if !st.replicas.contains(&broker) {
                continue;
            }
            if internal && !st.isr.contains(&broker) {
                // Internal topics carry no modelled data: a returning replica is in sync.
                st.isr.push(broker);
                st.isr.sort_unstable();
                st.partition_epoch += 1;
                changed.push(st.clone());
            }
            if st.leader.is_none() {
                // Offline partition: a returning ISR member (clean) or, if allowed, any replica.
                let clean = st.isr.contains(&broker);
                if clean || unclean {
                    let candidate = if clean {
                        st.replicas
                            .iter()
                            .copied()
                            .find(|r| st.isr.contains(r) && live.contains(r))
                    } else {
                        Some(broker)
                    };
                    if let Some(leader) = candidate {
                        st.leader = Some(leader);
                        st.leader_epoch += 1;
                        st.partition_epoch += 1;
                        if !clean {
                            st.isr = vec![leader];
                        }
                        ctx.event(SimEvent::LeaderChanged {
                            tp,
                            leader: Some(leader),
                            leader_epoch: st.leader_epoch,
                            unclean: !clean,
                            preferred: false,
                        });
                        changed.push(st.clone());
                    }
                }
            }
        }
        // Unfencing is itself a metadata record every broker sees (live broker list).
        self.publish(ctx, changed, None);
    }

    fn unclean(&self, tp: TopicPartition) -> bool {
        self.unclean_per_topic
            .get(tp.topic as usize)
            .copied()
            .unwrap_or(self.config.unclean_leader_election_enable)
    }

    /// Fences a broker: removes it from every ISR and moves its leaderships (KRaft's
    /// `PartitionChangeBuilder`: the last ISR member stays in the ISR of an offline partition).
    fn fence(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        if let Some(r) = self.brokers.get_mut(&broker) {
            if r.fenced {
                return;
            }
            r.fenced = true;
        }
        ctx.event(SimEvent::BrokerFenced { broker });
        let live = self.live_brokers();
        let mut changed = Vec::new();
        let tps: Vec<TopicPartition> = self.partitions.keys().copied().collect();
        for tp in tps {
            let unclean = self.unclean(tp);
            let Some(st) = self.partitions.get_mut(&tp) else {
                continue;
            };
            if !st.replicas.contains(&broker) {
                continue;
            }
            let was_leader = st.leader == Some(broker);
            let in_isr = st.isr.contains(&broker);
            if !was_leader && !in_isr {
                continue;
            }
            if in_isr && st.isr.len() > 1 {
                st.isr.retain(|&b| b != broker);
                ctx.event(SimEvent::IsrChanged {
                    tp,
                    isr: st.isr.clone(),
                    shrink: true,
                });
            }
            if was_leader {
                elect(st, &live, unclean, ctx, false);
            }
            st.partition_epoch += 1;
            changed.push(st.clone());
        }
        // Fencing is itself a metadata record every broker sees (live broker list).
        self.publish(ctx, changed, None);
    }

    fn on_alter_partition(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        tp: TopicPartition,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<BrokerId>,
    ) {
        let live = self.live_brokers();
        let Some(st) = self.partitions.get_mut(&tp) else {
            ctx.send(
                from,
                Message::AlterPartitionResponse {
                    tp,
                    error: ErrorCode::UnknownTopicOrPartition,
                    state: None,
                },
            );
            return;
        };
        let error = if st.leader != Some(from.0) || leader_epoch != st.leader_epoch {
            ErrorCode::FencedLeaderEpoch
        } else if partition_epoch != st.partition_epoch {
            // INVALID_UPDATE_VERSION in Kafka; the leader retries with fresh state.
            ErrorCode::FencedLeaderEpoch
        } else if new_isr.is_empty()
            || new_isr
                .iter()
                .any(|b| !live.contains(b) || !st.replicas.contains(b))
        {
            // INELIGIBLE_REPLICA: only unfenced assigned replicas may join the ISR.
            ErrorCode::NotLeaderOrFollower
        } else {
            ErrorCode::None
        };
        if error != ErrorCode::None {
            ctx.send(
                from,
                Message::AlterPartitionResponse {
                    tp,
                    error,
                    state: Some(Box::new(st.clone())),
                },
            );
            return;
        }
        let mut isr = new_isr;
        isr.sort_unstable();
        isr.dedup();
        let shrink = isr.len() < st.isr.len();
        st.isr = isr;
        st.partition_epoch += 1;
        ctx.event(SimEvent::IsrChanged {
            tp,
            isr: st.isr.clone(),
            shrink,
        });
        let state = st.clone();
        ctx.send(
            from,
            Message::AlterPartitionResponse {
                tp,
                error: ErrorCode::None,
                state: Some(Box::new(state.clone())),
            },
        );
        self.publish(ctx, vec![state], None);
    }

    /// Handles a controller timer.
    pub fn handle_timer(&mut self, ctx: &mut Ctx, timer: ControllerTimer) {
        match timer {
            ControllerTimer::SessionCheck => {
                let timeout = ms(self.config.broker_session_timeout_ms);
                let expired: Vec<BrokerId> = self
                    .brokers
                    .iter()
                    .filter(|(_, r)| {
                        !r.fenced && ctx.now.saturating_sub(r.last_heartbeat) > timeout
                    })
                    .map(|(&b, _)| b)
                    .collect();
                for b in expired {
                    self.fence(ctx, b);
                }
                ctx.timer_in(
                    self.session_check_interval(),
                    Timer::Controller(ControllerTimer::SessionCheck),
                );
            }
            ControllerTimer::LeaderImbalanceCheck => {
                if self.config.auto_leader_rebalance_enable {
                    self.preferred_leader_election(ctx);
                }
                ctx.timer_in(
                    self.config
                        .leader_imbalance_check_interval_seconds
                        .max(1)
                        .saturating_mul(SECONDS),
                    Timer::Controller(ControllerTimer::LeaderImbalanceCheck),
                );
            }
        }
    }

    /// Moves leadership back to preferred replicas for brokers whose imbalance ratio exceeds
    /// `leader.imbalance.per.broker.percentage` (as the controller's auto leader rebalance does).
    pub fn preferred_leader_election(&mut self, ctx: &mut Ctx) {
        let live = self.live_brokers();
        let mut preferred_total: BTreeMap<BrokerId, u32> = BTreeMap::new();
        let mut not_leading: BTreeMap<BrokerId, Vec<TopicPartition>> = BTreeMap::new();
        for st in self.partitions.values() {
            let Some(&pref) = st.replicas.first() else {
                continue;
            };
            *preferred_total.entry(pref).or_default() += 1;
            if st.leader != Some(pref) && live.contains(&pref) && st.isr.contains(&pref) {
                not_leading.entry(pref).or_default().push(st.tp);
            }
        }
        let mut changed = Vec::new();
        for (broker, tps) in not_leading {
            let total = preferred_total.get(&broker).copied().unwrap_or(1).max(1);
            let ratio = tps.len() as f64 * 100.0 / total as f64;
            if ratio <= self.config.leader_imbalance_per_broker_percentage as f64 {
                continue;
            }
            for tp in tps {
                if let Some(st) = self.partitions.get_mut(&tp) {
                    st.leader = Some(broker);
                    st.leader_epoch += 1;
                    st.partition_epoch += 1;
                    ctx.event(SimEvent::LeaderChanged {
                        tp,
                        leader: Some(broker),
                        leader_epoch: st.leader_epoch,
                        unclean: false,
                        preferred: true,
                    });
                    changed.push(st.clone());
                }
            }
        }
        if !changed.is_empty() {
            self.publish(ctx, changed, None);
        }
    }

    /// Forces a new leader election for one partition (used when a test or the UI asks).
    pub fn set_unclean(&mut self, topic: u32, value: bool) {
        if let Some(v) = self.unclean_per_topic.get_mut(topic as usize) {
            *v = value;
        }
    }
}

/// Elects a new leader for a partition whose leader is gone: the first live ISR member in
/// replica order; otherwise, with unclean election allowed, the first live replica (ISR reset to
/// it); otherwise offline (leader `None`, ISR kept so a returning member can lead cleanly).
fn elect(
    st: &mut PartitionState,
    live: &[BrokerId],
    unclean: bool,
    ctx: &mut Ctx,
    preferred: bool,
) {
    let clean = st
        .replicas
        .iter()
        .copied()
        .find(|r| st.isr.contains(r) && live.contains(r));
    let (leader, was_unclean) = match clean {
        Some(l) => (Some(l), false),
        None if unclean => (st.replicas.iter().copied().find(|r| live.contains(r)), true),
        None => (None, false),
    };
    if was_unclean {
        if let Some(l) = leader {
            st.isr = vec![l];
            ctx.event(SimEvent::IsrChanged {
                tp: st.tp,
                isr: st.isr.clone(),
                shrink: true,
            });
        }
    }
    st.leader = leader;
    st.leader_epoch += 1;
    ctx.event(SimEvent::LeaderChanged {
        tp: st.tp,
        leader,
        leader_epoch: st.leader_epoch,
        unclean: was_unclean && leader.is_some(),
        preferred,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_spreads_leaders_and_replicas() {
        let mut rng = SimRng::new(3);
        let p = place_replicas(3, 6, 3, &mut rng);
        let mut leaders = [0; 3];
        for r in &p {
            assert_eq!(r.len(), 3);
            let mut s = r.clone();
            s.sort();
            s.dedup();
            assert_eq!(s.len(), 3, "distinct replicas {r:?}");
            leaders[(r[0] - 1) as usize] += 1;
        }
        assert_eq!(leaders, [2, 2, 2]);
    }
}
