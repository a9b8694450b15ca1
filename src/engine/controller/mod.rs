//! The KRaft controller: broker registration and liveness (ClusterControlManager, the heartbeat
//! manager), partition leadership, ISR and eligible leader replicas (ReplicationControlManager,
//! PartitionChangeBuilder), and the metadata log brokers fetch (QuorumController).
//!
//! Every change is a record appended to the metadata log; brokers learn it by fetching the log
//! (they are observers of `__cluster_metadata`), never by a push that could be lost. A single
//! active controller is modelled; the Raft quorum behind it is not.

mod cluster;
mod metadata_log;
mod partition_change;
mod placement;
mod replication;
mod striped;

use std::collections::BTreeMap;

use super::config::{BrokerConfig, TopicConfig};
use super::ctx::Ctx;
use super::ids::{BrokerId, NodeId, TopicPartition, TopicTable};
use super::protocol::{Message, MetadataRecord, PartitionState};
use super::rng::SimRng;
use super::time::{ms, SimTime, SECONDS};
use super::timer::{ControllerTimer, DeadlineTimer};

pub use metadata_log::{MetadataLog, METADATA_FETCH_MAX_WAIT_MS};
pub use partition_change::{Election, LeaderChange, PartitionChange};
pub use placement::place_replicas;
pub use striped::place_replicas_striped;

/// How often the controller elects unclean leaders for leaderless partitions of topics that
/// allow it (`QuorumController`'s unclean-election check, 5 minutes).
pub const UNCLEAN_ELECTION_CHECK_MS: u64 = 300_000;

/// What the controller knows of a registered broker (`BrokerRegistration` plus the heartbeat
/// manager's state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredBroker {
    /// The incarnation id of the registered process.
    pub incarnation: u64,
    /// Broker epoch: the offset of its registration record.
    pub broker_epoch: u64,
    /// Fenced: not eligible as leader or ISR member.
    pub fenced: bool,
    /// Last heartbeat or registration.
    pub last_contact: SimTime,
    /// Offset of its registration record: it is unfenced once its metadata reaches it.
    pub registered_offset: u64,
    /// The metadata offset it reported in its last heartbeat.
    pub metadata_offset: u64,
}

/// The controller's state.
#[derive(Clone, Debug)]
pub struct Controller {
    /// Broker-level config (cluster-wide here).
    pub config: BrokerConfig,
    /// Topic-level overrides by topic index (dynamic topic configs).
    topic_configs: Vec<TopicConfig>,
    brokers: BTreeMap<BrokerId, RegisteredBroker>,
    partitions: BTreeMap<TopicPartition, PartitionState>,
    log: MetadataLog,
    fetch_wait_timer: DeadlineTimer,
    balance_scheduled: bool,
    unclean_scheduled: bool,
    /// Partitions led by another replica than their preferred one (or by none).
    imbalanced: usize,
    /// Partitions without a leader.
    leaderless: usize,
}

impl Controller {
    /// A controller for `brokers` brokers, all registered and unfenced at time zero, with every
    /// topic's replicas placed and the preferred replica as leader (epoch 0). The metadata log
    /// starts with those records (the bootstrap image every broker has on disk at time zero).
    pub fn new(
        config: BrokerConfig,
        brokers: u32,
        topics: &TopicTable,
        topic_configs: Vec<TopicConfig>,
        rng: &mut SimRng,
    ) -> Self {
        Self::new_in_racks(config, brokers, &[], topics, topic_configs, rng)
    }

    /// [`Controller::new`] for a cluster whose broker `id` is in rack `rack_of[id - 1]`: topics
    /// are placed by Kafka's `StripedReplicaPlacer` ([`place_replicas_striped`]) when any broker
    /// has a rack, and by the rack-unaware placement otherwise.
    pub fn new_in_racks(
        config: BrokerConfig,
        brokers: u32,
        rack_of: &[Option<u16>],
        topics: &TopicTable,
        topic_configs: Vec<TopicConfig>,
        rng: &mut SimRng,
    ) -> Self {
        let racked = rack_of.iter().any(Option::is_some);
        let mut c = Controller {
            config,
            topic_configs,
            brokers: BTreeMap::new(),
            partitions: BTreeMap::new(),
            log: MetadataLog::default(),
            fetch_wait_timer: DeadlineTimer::default(),
            balance_scheduled: false,
            unclean_scheduled: false,
            imbalanced: 0,
            leaderless: 0,
        };
        for b in 1..=brokers {
            let offset = c.log.end_offset();
            c.log.append(MetadataRecord::RegisterBroker {
                broker: b,
                broker_epoch: offset,
                incarnation: 0,
            });
            c.log.append(MetadataRecord::BrokerFencing {
                broker: b,
                fenced: false,
            });
            c.brokers.insert(
                b,
                RegisteredBroker {
                    incarnation: 0,
                    broker_epoch: offset,
                    fenced: false,
                    last_contact: 0,
                    registered_offset: offset,
                    metadata_offset: 0,
                },
            );
        }
        for (t, info) in topics.topics.iter().enumerate() {
            let placement = if racked {
                place_replicas_striped(rack_of, info.partitions, info.replication_factor, rng)
            } else {
                place_replicas(brokers, info.partitions, info.replication_factor, rng)
            };
            for (p, replicas) in placement.into_iter().enumerate() {
                let tp = TopicPartition::new(t as u32, p as u32);
                let st = PartitionState::new(tp, replicas);
                c.log.append(MetadataRecord::Partition(st.clone()));
                c.partitions.insert(tp, st);
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
    pub fn brokers(&self) -> &BTreeMap<BrokerId, RegisteredBroker> {
        &self.brokers
    }

    /// The metadata log.
    pub fn metadata_log(&self) -> &MetadataLog {
        &self.log
    }

    /// Unfenced brokers.
    pub fn live_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|(_, r)| !r.fenced)
            .map(|(&b, _)| b)
            .collect()
    }

    /// `unclean.leader.election.enable` of a topic (override or broker default).
    pub fn unclean(&self, topic: u32) -> bool {
        self.topic_configs
            .get(topic as usize)
            .and_then(|c| c.unclean_leader_election_enable)
            .unwrap_or(self.config.unclean_leader_election_enable)
    }

    /// A topic's config overrides.
    pub fn topic_config(&self, topic: u32) -> TopicConfig {
        self.topic_configs
            .get(topic as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// Eligible leader replicas are on (`eligible.leader.replicas.version` ≥ 1).
    pub fn elr_enabled(&self) -> bool {
        self.config.eligible_leader_replicas_version >= 1
    }

    /// The topic's effective `min.insync.replicas`: its config capped at the replication factor
    /// (`ReplicationControlManager.getTopicEffectiveMinIsr`).
    pub fn effective_min_isr(&self, tp: TopicPartition) -> usize {
        let configured = self
            .topic_configs
            .get(tp.topic as usize)
            .and_then(|c| c.min_insync_replicas)
            .unwrap_or(self.config.min_insync_replicas) as usize;
        let rf = self
            .partitions
            .get(&tp)
            .map(|st| st.replicas.len())
            .unwrap_or(1);
        configured.min(rf).max(1)
    }

    /// Starts the periodic checks.
    pub fn start(&mut self, ctx: &mut Ctx<ControllerTimer>) {
        ctx.timer_in(self.session_check_interval(), ControllerTimer::SessionCheck);
    }

    fn session_check_interval(&self) -> SimTime {
        ms((self.config.broker_session_timeout_ms / 8).max(50))
    }

    /// Handles a message from a broker.
    pub fn handle_message(&mut self, ctx: &mut Ctx<ControllerTimer>, from: NodeId, msg: Message) {
        match msg {
            Message::BrokerRegistrationRequest(req) => self.on_registration(ctx, from, req),
            Message::BrokerHeartbeatRequest(hb) => self.on_heartbeat(ctx, from, hb),
            Message::AlterPartitionRequest {
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => self.on_alter_partition(ctx, from, tp, leader_epoch, partition_epoch, new_isr),
            Message::MetadataFetchRequest {
                correlation_id,
                broker,
                offset,
            } => self.on_metadata_fetch(ctx, from, correlation_id, broker, offset),
            _ => {}
        }
        self.after_write(ctx);
    }

    /// Handles a controller timer.
    pub fn handle_timer(&mut self, ctx: &mut Ctx<ControllerTimer>, timer: ControllerTimer) {
        match timer {
            ControllerTimer::SessionCheck => {
                self.fence_stale_brokers(ctx);
                ctx.timer_in(self.session_check_interval(), ControllerTimer::SessionCheck);
            }
            ControllerTimer::LeaderImbalanceCheck => {
                self.balance_scheduled = false;
                if self.config.auto_leader_rebalance_enable {
                    self.balance_partition_leaders(ctx);
                }
            }
            ControllerTimer::UncleanElectionCheck => {
                self.unclean_scheduled = false;
                self.elect_unclean_leaders(ctx);
            }
            ControllerTimer::MetadataFetchWait => {
                if !self.fetch_wait_timer.fire(ctx.now) {
                    return;
                }
            }
        }
        self.after_write(ctx);
    }

    /// A dynamic config change (`kafka-configs.sh --alter`): broker-wide (`topic` `None`) or
    /// for one topic. KRaft keeps configs in the metadata log; the controller applies the
    /// change to its own decisions at once.
    pub fn handle_config_change(
        &mut self,
        ctx: &mut Ctx<ControllerTimer>,
        broker: Option<BrokerConfig>,
        topic: Option<(u32, TopicConfig)>,
    ) {
        if let Some(cfg) = broker {
            self.log
                .append(MetadataRecord::BrokerConfig(Box::new(cfg.clone())));
            self.config = cfg;
        }
        if let Some((t, cfg)) = topic {
            if let Some(slot) = self.topic_configs.get_mut(t as usize) {
                self.log.append(MetadataRecord::TopicConfig {
                    topic: t,
                    config: Box::new(cfg.clone()),
                });
                *slot = cfg;
            }
        }
        self.after_write(ctx);
    }

    /// After every input: answer the metadata fetches the new records (or their deadlines)
    /// release, and schedule the periodic elections the new state needs.
    fn after_write(&mut self, ctx: &mut Ctx<ControllerTimer>) {
        for f in self.log.take_ready(ctx.now) {
            let reply = self.log.read(f.offset);
            ctx.send(
                f.node,
                Message::MetadataFetchResponse {
                    correlation_id: f.correlation_id,
                    reply: Box::new(reply),
                },
            );
        }
        if let Some(next) = self.log.next_deadline() {
            if self.fetch_wait_timer.arm(next) {
                ctx.timer_at(next, ControllerTimer::MetadataFetchWait);
            }
        }
        self.maybe_schedule_balance(ctx);
        self.maybe_schedule_unclean_elections(ctx);
    }

    fn on_metadata_fetch(
        &mut self,
        ctx: &mut Ctx<ControllerTimer>,
        from: NodeId,
        correlation_id: u64,
        broker: BrokerId,
        offset: u64,
    ) {
        self.log.park(
            broker,
            metadata_log::ParkedMetadataFetch {
                node: from,
                correlation_id,
                offset,
                deadline: ctx.now + ms(METADATA_FETCH_MAX_WAIT_MS),
            },
        );
    }

    /// `QuorumController.maybeScheduleNextBalancePartitionLeaders`: while some partition is
    /// led by another replica than its preferred one, a balancing run is due
    /// `leader.imbalance.check.interval.seconds` later.
    fn maybe_schedule_balance(&mut self, ctx: &mut Ctx<ControllerTimer>) {
        if self.balance_scheduled || !self.config.auto_leader_rebalance_enable {
            return;
        }
        if self.imbalanced > 0 {
            self.balance_scheduled = true;
            let secs = self.config.leader_imbalance_check_interval_seconds.max(1);
            ctx.timer_in(
                secs.saturating_mul(SECONDS),
                ControllerTimer::LeaderImbalanceCheck,
            );
        }
    }

    /// `QuorumController.maybeScheduleNextElectUncleanLeaders`: while a partition has no
    /// leader, an unclean-election run is due [`UNCLEAN_ELECTION_CHECK_MS`] later.
    fn maybe_schedule_unclean_elections(&mut self, ctx: &mut Ctx<ControllerTimer>) {
        if self.unclean_scheduled {
            return;
        }
        if self.leaderless > 0 {
            self.unclean_scheduled = true;
            ctx.timer_in(
                ms(UNCLEAN_ELECTION_CHECK_MS),
                ControllerTimer::UncleanElectionCheck,
            );
        }
    }
}
