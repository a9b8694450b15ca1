//! A Kafka broker: hosts replicas, handles produce and fetch as leader, fetches as follower,
//! tracks the ISR and high watermark, heartbeats to the KRaft controller, and hosts a group
//! coordinator.
//!
//! Request handling costs CPU (`num.io.threads` handler threads, per-request and per-record
//! cost) and disk time (appends queue on the disk); a client connection is served one request
//! at a time, muted from when its request is read until its response is sent
//! ([`connections`], Kafka's `SocketServer` `Processor`).

mod connections;
mod fetch;
mod follower;
mod leader;
mod page_cache;
mod produce;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::config::{BrokerConfig, HardwareProfile, TopicConfig};
use super::ctx::Ctx;
use super::events::SimEvent;
use super::group::{offsets_partition_for, GroupCoordinator};
use super::id_window::IdWindow;
use super::ids::{BrokerId, NodeId, TopicPartition, CONTROLLER};
use super::log::PartitionLog;
use super::protocol::{ErrorCode, FetchPartition, Message, PartitionState, ProducePartition};
use super::time::{ms, SimTime};
use super::timer::{due_ids, earliest_deadline, BrokerTimer, DeadlineTimer, Timer};
use super::tp_map::TpMap;
use super::vec_map::VecMap;

pub use follower::FetcherState;

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FollowerState {
    /// The follower's log end offset (its last fetch offset).
    pub leo: u64,
    /// Last time the follower was fully caught up (`lastCaughtUpTimeMs`).
    pub last_caught_up: SimTime,
    /// Time of its previous fetch.
    pub last_fetch_time: SimTime,
    /// Leader's log end offset at its previous fetch.
    pub last_fetch_leader_leo: u64,
}

/// One partition's replica on this broker.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica {
    /// The log.
    pub log: PartitionLog,
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

/// Work a request handler thread is doing (finished at a `WorkDone` timer).
#[derive(Clone, Debug)]
enum Work {
    Produce {
        from: NodeId,
        correlation_id: u64,
        acks: super::config::Acks,
        timeout_ms: u64,
        partitions: Vec<ProducePartition>,
    },
    Fetch {
        from: NodeId,
        request: FetchRequest,
    },
}

/// A fetch request's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct FetchRequest {
    /// Correlation id.
    pub correlation_id: u64,
    /// Follower id, `None` for consumers.
    pub replica_id: Option<BrokerId>,
    /// Long-poll limit.
    pub max_wait_ms: u64,
    /// Minimum bytes before answering.
    pub min_bytes: u64,
    /// Response size limit.
    pub max_bytes: u64,
    /// Partitions.
    pub partitions: Vec<FetchPartition>,
}

/// A broker process and its disk.
#[derive(Clone, Debug)]
pub struct Broker {
    /// `node.id`.
    pub id: BrokerId,
    /// Process running.
    pub alive: bool,
    /// Broker epoch: bumped on every restart.
    pub incarnation: u64,
    /// Machine capacity.
    pub hardware: HardwareProfile,
    /// Broker config.
    pub config: BrokerConfig,
    /// Topic-level overrides by topic index.
    pub topic_configs: Vec<TopicConfig>,
    /// Disk slow-down factor (1 = normal).
    pub disk_factor: f64,
    /// Metadata cache: every partition's leader and ISR as last published.
    pub metadata: BTreeMap<TopicPartition, PartitionState>,
    /// Unfenced brokers as last published.
    pub live_brokers: Vec<BrokerId>,
    /// Replicas hosted here.
    pub replicas: TpMap<Replica>,
    /// The group coordinator for groups whose offsets partition this broker leads.
    pub coordinator: GroupCoordinator,
    io_threads: Vec<SimTime>,
    /// The machine's page cache: appends land there, the disk writes them back.
    page_cache: page_cache::PageCache,
    /// Client connections, muted while their request is in progress.
    connections: connections::Connections,
    work: IdWindow<Work>,
    next_id: u64,
    parked_fetches: VecMap<u64, (NodeId, FetchRequest, SimTime)>,
    parked_produces: VecMap<u64, produce::ParkedProduce>,
    /// One timer for all parked fetches' `max_wait_ms`.
    fetch_wait_timer: DeadlineTimer,
    /// One timer for all parked produces' `timeout_ms`.
    produce_timeout_timer: DeadlineTimer,
    fetchers: VecMap<BrokerId, FetcherState>,
    alter_inflight: BTreeSet<TopicPartition>,
    led_offsets_partitions: BTreeSet<u32>,
    /// Reused buffer for the ids of parked requests to complete (taken while in use, so a
    /// nested completion simply starts a fresh one).
    id_scratch: Vec<u64>,
    /// Reused buffer for the partitions a produce request touched.
    tp_scratch: Vec<TopicPartition>,
}

impl Broker {
    /// A broker with its assigned replicas (empty logs).
    pub fn new(
        id: BrokerId,
        hardware: HardwareProfile,
        config: BrokerConfig,
        topic_configs: Vec<TopicConfig>,
    ) -> Self {
        let threads = config.num_io_threads.clamp(1, 256) as usize;
        Broker {
            id,
            alive: true,
            incarnation: 0,
            hardware,
            config,
            topic_configs,
            disk_factor: 1.0,
            metadata: BTreeMap::new(),
            live_brokers: Vec::new(),
            replicas: TpMap::new(),
            coordinator: GroupCoordinator::new(id),
            io_threads: vec![0; threads],
            page_cache: Default::default(),
            connections: Default::default(),
            work: IdWindow::new(),
            next_id: 0,
            parked_fetches: VecMap::new(),
            parked_produces: VecMap::new(),
            fetch_wait_timer: DeadlineTimer::default(),
            produce_timeout_timer: DeadlineTimer::default(),
            fetchers: VecMap::new(),
            alter_inflight: BTreeSet::new(),
            led_offsets_partitions: BTreeSet::new(),
            id_scratch: Vec::new(),
            tp_scratch: Vec::new(),
        }
    }

    /// `min.insync.replicas` for a topic (override or broker default).
    pub fn min_insync(&self, topic: u32) -> u32 {
        self.topic_configs
            .get(topic as usize)
            .and_then(|c| c.min_insync_replicas)
            .unwrap_or(self.config.min_insync_replicas)
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn timer(&self, t: BrokerTimer) -> Timer {
        Timer::Broker(t)
    }

    /// Sends a heartbeat to the controller and sets the next one.
    fn heartbeat(&self, ctx: &mut Ctx) {
        let inc = self.incarnation;
        ctx.send(
            CONTROLLER,
            Message::BrokerHeartbeat {
                broker: self.id,
                broker_epoch: inc,
            },
        );
        ctx.timer_in(
            ms(self.config.broker_heartbeat_interval_ms.max(1)),
            self.timer(BrokerTimer::Heartbeat { incarnation: inc }),
        );
    }

    /// Starts heartbeats and the ISR check (time zero, or after a restart).
    pub fn start(&mut self, ctx: &mut Ctx) {
        let inc = self.incarnation;
        self.heartbeat(ctx);
        ctx.timer_in(
            self.isr_check_interval(),
            self.timer(BrokerTimer::IsrCheck { incarnation: inc }),
        );
    }

    fn isr_check_interval(&self) -> SimTime {
        ms((self.config.replica_lag_time_max_ms / 2).max(1))
    }

    /// Kills the process: in-memory state is lost, the log on disk survives.
    pub fn crash(&mut self, ctx: &mut Ctx) {
        if !self.alive {
            return;
        }
        self.alive = false;
        self.work.clear();
        self.parked_fetches.clear();
        self.parked_produces.clear();
        self.fetch_wait_timer.reset();
        self.produce_timeout_timer.reset();
        self.fetchers.clear();
        self.alter_inflight.clear();
        self.connections.clear();
        self.io_threads.iter_mut().for_each(|t| *t = 0);
        self.coordinator.crash();
        self.led_offsets_partitions.clear();
        for r in self.replicas.values_mut() {
            r.role = Role::Unknown;
            r.followers.clear();
            r.pending_isr = None;
        }
        ctx.event(SimEvent::BrokerCrashed { broker: self.id });
    }

    /// Starts the process again with a new broker epoch; it waits for metadata from the
    /// controller, then fetches (and truncates, KIP-101) as a follower.
    pub fn restart(&mut self, ctx: &mut Ctx) {
        if self.alive {
            return;
        }
        self.alive = true;
        self.incarnation += 1;
        ctx.event(SimEvent::BrokerRestarted { broker: self.id });
        self.start(ctx);
    }

    /// Handles a message (the engine only calls this while the process is alive). A client
    /// request on a connection whose previous request is still in progress waits for its
    /// response to be sent.
    pub fn handle_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        if connections::Connections::is_muted_request(&msg) {
            if let Some(msg) = self.connections.admit(from, msg) {
                self.handle_request(ctx, from, msg);
            }
        } else {
            self.handle_request(ctx, from, msg);
        }
    }

    /// The response to `to`'s request in progress was sent (or none was due): its connection
    /// takes its next waiting request, if any.
    fn response_sent(&mut self, ctx: &mut Ctx, to: NodeId) {
        if let Some(next) = self.connections.response_sent(to) {
            self.handle_request(ctx, to, next);
        }
    }

    fn handle_request(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        match msg {
            Message::ProduceRequest {
                correlation_id,
                acks,
                timeout_ms,
                partitions,
            } => {
                let records: u64 = partitions.iter().map(|p| p.batch.record_count as u64).sum();
                let bytes: u64 = partitions.iter().map(|p| p.batch.bytes as u64).sum();
                let flush = self.flush_due(
                    partitions
                        .iter()
                        .map(|p| (p.tp, p.batch.record_count as u64)),
                );
                let work = Work::Produce {
                    from,
                    correlation_id,
                    acks,
                    timeout_ms,
                    partitions,
                };
                self.schedule_work(ctx, records, bytes, flush, work);
            }
            Message::FetchRequest {
                correlation_id,
                replica_id,
                max_wait_ms,
                min_bytes,
                max_bytes,
                partitions,
            } => {
                let request = FetchRequest {
                    correlation_id,
                    replica_id,
                    max_wait_ms,
                    min_bytes,
                    max_bytes,
                    partitions,
                };
                self.schedule_work(ctx, 0, 0, false, Work::Fetch { from, request });
            }
            Message::FetchResponse {
                correlation_id,
                partitions,
            } => self.on_follower_fetch_response(ctx, from, correlation_id, partitions),
            Message::MetadataUpdate {
                live_brokers,
                partitions,
            } => self.apply_metadata(ctx, live_brokers, partitions),
            Message::AlterPartitionResponse { tp, error, state } => {
                self.on_alter_partition_response(ctx, tp, error, state.map(|s| *s))
            }
            Message::BrokerHeartbeatResponse { .. } => {}
            Message::MetadataRequest { correlation_id } => {
                let partitions = self
                    .metadata
                    .values()
                    .filter(|s| {
                        !ctx.topics
                            .get(s.tp.topic)
                            .map(|t| t.internal)
                            .unwrap_or(true)
                    })
                    .cloned()
                    .collect();
                ctx.send(
                    from,
                    Message::MetadataResponse {
                        correlation_id,
                        brokers: self.live_brokers.clone(),
                        partitions,
                    },
                );
                self.response_sent(ctx, from);
            }
            Message::FindCoordinatorRequest {
                correlation_id,
                group_id,
            } => {
                let (error, coordinator) = self.find_coordinator(ctx, &group_id);
                ctx.send(
                    from,
                    Message::FindCoordinatorResponse {
                        correlation_id,
                        error,
                        coordinator,
                    },
                );
                self.response_sent(ctx, from);
            }
            Message::ListOffsetsRequest {
                correlation_id,
                tp,
                earliest,
            } => {
                let (error, offset) = match self.replicas.get(&tp) {
                    Some(r) if r.role == Role::Leader => (
                        ErrorCode::None,
                        if earliest {
                            r.log.log_start_offset()
                        } else {
                            r.log.high_watermark()
                        },
                    ),
                    _ => (ErrorCode::NotLeaderOrFollower, 0),
                };
                ctx.send(
                    from,
                    Message::ListOffsetsResponse {
                        correlation_id,
                        tp,
                        error,
                        offset,
                    },
                );
                self.response_sent(ctx, from);
            }
            m @ (Message::JoinGroupRequest(_)
            | Message::SyncGroupRequest(_)
            | Message::HeartbeatRequest { .. }
            | Message::LeaveGroupRequest { .. }
            | Message::OffsetCommitRequest(_)
            | Message::OffsetFetchRequest { .. }) => {
                let led = self.led_offsets_partitions.clone();
                let cfg = self.config.clone();
                self.coordinator.handle_request(ctx, from, m, &cfg, &led);
            }
            _ => {}
        }
    }

    fn find_coordinator(&self, ctx: &Ctx, group_id: &str) -> (ErrorCode, BrokerId) {
        let Some(topic) = ctx.topics.offsets_topic() else {
            return (ErrorCode::CoordinatorNotAvailable, 0);
        };
        let n = ctx.topics.partitions(topic);
        let tp = TopicPartition::new(topic, offsets_partition_for(group_id, n));
        match self.metadata.get(&tp).and_then(|s| s.leader) {
            Some(l) => (ErrorCode::None, l),
            None => (ErrorCode::CoordinatorNotAvailable, 0),
        }
    }

    /// Queues CPU (and, for produce, the page-cache write; with `flush`, an fsync) work; the
    /// effect (the append, the acknowledgement) applies at `WorkDone`.
    fn schedule_work(&mut self, ctx: &mut Ctx, records: u64, bytes: u64, flush: bool, work: Work) {
        let (slot, &thread_free) = self
            .io_threads
            .iter()
            .enumerate()
            .min_by_key(|&(i, t)| (*t, i))
            .expect("at least one io thread");
        // A JVM pause (the profile's GC) stops the handler threads.
        let start = self
            .hardware
            .after_gc_pause(ctx.now.max(thread_free), self.id);
        let cpu = self.hardware.cpu_ns_per_request + self.hardware.cpu_ns_per_record * records;
        let cpu_done = start + cpu;
        self.io_threads[slot] = cpu_done;
        let mut done = cpu_done;
        if bytes > 0 {
            done = self.write_to_page_cache(cpu_done, bytes, flush);
        }
        let done = self.hardware.after_gc_pause(done, self.id);
        let id = self.next_id();
        self.work.insert(id, work);
        ctx.timer_at(
            done,
            self.timer(BrokerTimer::WorkDone {
                id,
                incarnation: self.incarnation,
            }),
        );
    }

    /// Handles a broker timer (stale incarnations are ignored).
    pub fn handle_timer(&mut self, ctx: &mut Ctx, timer: BrokerTimer) {
        let inc = self.incarnation;
        match timer {
            BrokerTimer::Heartbeat { incarnation } if incarnation == inc => self.heartbeat(ctx),
            BrokerTimer::IsrCheck { incarnation } if incarnation == inc => {
                self.check_isr_shrink(ctx);
                ctx.timer_in(
                    self.isr_check_interval(),
                    self.timer(BrokerTimer::IsrCheck { incarnation: inc }),
                );
            }
            BrokerTimer::WorkDone { id, incarnation } if incarnation == inc => {
                match self.work.remove(id) {
                    Some(Work::Produce {
                        from,
                        correlation_id,
                        acks,
                        timeout_ms,
                        partitions,
                    }) => {
                        self.handle_produce(ctx, from, correlation_id, acks, timeout_ms, partitions)
                    }
                    Some(Work::Fetch { from, request }) => self.handle_fetch(ctx, from, request),
                    None => {}
                }
            }
            BrokerTimer::FetchWait { incarnation } if incarnation == inc => {
                self.on_fetch_wait_timer(ctx);
            }
            BrokerTimer::ProduceTimeout { incarnation } if incarnation == inc => {
                self.on_produce_timeout_timer(ctx);
            }
            BrokerTimer::FollowerFetch {
                leader,
                incarnation,
            } if incarnation == inc => self.send_follower_fetch(ctx, leader),
            BrokerTimer::FollowerFetchTimeout {
                leader,
                incarnation,
            } if incarnation == inc => self.on_fetcher_timeout_timer(ctx, leader),
            BrokerTimer::AlterPartitionRetry { tp, incarnation } if incarnation == inc => {
                self.alter_inflight.remove(&tp);
            }
            _ => {}
        }
    }

    /// The engine reports that a message this broker sent could not be delivered (the peer
    /// process is down): a follower fetcher backs off.
    pub fn handle_unreachable(&mut self, ctx: &mut Ctx, to: NodeId, msg: Message) {
        if let Message::FetchRequest { correlation_id, .. } = msg {
            self.fetcher_failed(ctx, to.0, correlation_id);
        }
    }

    /// The connection to broker `peer` closed (its process died): the fetcher's fetch in flight
    /// to it fails and backs off (`replica.fetch.backoff.ms`) until metadata names a new leader.
    pub fn handle_disconnect(&mut self, ctx: &mut Ctx, peer: NodeId) {
        let in_flight = self.fetchers.get(&peer.0).and_then(|f| f.in_flight);
        if let Some(seq) = in_flight {
            self.fetcher_failed(ctx, peer.0, seq);
        }
    }

    /// Applies a metadata update from the controller: role changes, ISR, leader epochs.
    fn apply_metadata(
        &mut self,
        ctx: &mut Ctx,
        live: Vec<BrokerId>,
        partitions: Vec<PartitionState>,
    ) {
        self.live_brokers = live;
        let offsets_topic = ctx.topics.offsets_topic();
        let mut led_changed = false;
        for st in partitions {
            let tp = st.tp;
            self.metadata.insert(tp, st.clone());
            if !st.replicas.contains(&self.id) {
                continue;
            }
            if Some(tp.topic) == offsets_topic {
                let leads = st.leader == Some(self.id);
                led_changed |= if leads {
                    self.led_offsets_partitions.insert(tp.partition)
                } else {
                    self.led_offsets_partitions.remove(&tp.partition)
                };
            }
            let internal = ctx
                .topics
                .get(tp.topic)
                .map(|t| t.internal)
                .unwrap_or(false);
            let replica = self.replicas.get_or_insert_with(tp, || Replica {
                log: PartitionLog::new(),
                role: Role::Unknown,
                leader_epoch: 0,
                partition_epoch: 0,
                isr: Vec::new(),
                pending_isr: None,
                replicas: Vec::new(),
                epoch_start_offset: 0,
                followers: VecMap::new(),
            });
            replica.replicas = st.replicas.clone();
            let new_epoch = st.leader_epoch != replica.leader_epoch;
            if st.leader == Some(self.id) {
                if replica.role != Role::Leader || new_epoch {
                    self.become_leader(ctx, tp, &st);
                } else {
                    // Same leadership: the controller committed an ISR change.
                    if let Some(r) = self.replicas.get_mut(&tp) {
                        if st.partition_epoch >= r.partition_epoch {
                            r.isr = st.isr.clone();
                            r.partition_epoch = st.partition_epoch;
                            r.pending_isr = None;
                        }
                    }
                    self.maybe_advance_hw(ctx, tp);
                }
            } else if replica.role != Role::Follower(st.leader) || new_epoch {
                self.become_follower(ctx, tp, &st, internal);
            } else if let Some(r) = self.replicas.get_mut(&tp) {
                r.isr = st.isr.clone();
                r.partition_epoch = st.partition_epoch;
            }
        }
        if led_changed {
            let led = self.led_offsets_partitions.clone();
            self.coordinator.on_leadership_change(ctx, &led);
        }
        self.kick_fetchers(ctx);
    }

    /// How many partitions this broker leads.
    pub fn leader_count(&self) -> usize {
        self.replicas
            .values()
            .filter(|r| r.role == Role::Leader)
            .count()
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
