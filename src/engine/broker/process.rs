//! The running broker process: request handling (handler threads, the disk queue, one request
//! at a time per connection), heartbeats to the controller, and the dispatch of messages and
//! timers to the replica, fetcher, purgatory and coordinator code.

use std::collections::BTreeSet;

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::group::{offsets_partition_for, GroupCoordinator};
use crate::engine::id_window::IdWindow;
use crate::engine::ids::NodeId;
use crate::engine::protocol::{ErrorCode, FetchPartition, Message};
use crate::engine::time::ms;
use crate::engine::timer::{BrokerTimer, DeadlineTimer};

use super::txn_verify::HeldProduce;

/// Work a request handler thread is doing (finished at a `WorkDone` timer).
#[derive(Clone, Debug)]
pub(super) enum Work {
    Produce {
        request: HeldProduce,
        /// Partitions already answered (a failed transaction verification).
        refused: Vec<crate::engine::protocol::ProducePartitionResponse>,
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
    /// `isolation.level=read_committed` (consumers only).
    pub read_committed: bool,
    /// Partitions.
    pub partitions: Vec<FetchPartition>,
    /// The consumer's rack (KIP-392).
    pub rack_id: Option<u16>,
    /// A follower's partitions that are quiet in its fetch session (index into `partitions`,
    /// and their state when the fetch arrived): skipped while that state stays the same.
    pub(super) quiet: Vec<(u32, super::fetch_session::Fingerprint)>,
}

/// A running broker process. It owns its disk while it runs; everything else is lost when it
/// crashes.
#[derive(Clone, Debug)]
pub struct BrokerProcess {
    /// `node.id` (the disk's).
    pub id: BrokerId,
    /// The disk: logs, metadata, configs.
    pub disk: BrokerDisk,
    /// This process's incarnation (0 at time zero, then one more per restart): the broker epoch
    /// it heartbeats with.
    pub incarnation: u64,
    /// The in-memory state of every replica hosted here.
    pub replicas: TpMap<ReplicaState>,
    /// The group coordinator for groups whose offsets partition this broker leads.
    pub coordinator: GroupCoordinator,
    /// Registration, heartbeats and metadata fetching (`BrokerLifecycleManager`).
    pub lifecycle: super::lifecycle::Lifecycle,
    pub(super) io_threads: Vec<SimTime>,
    /// Client connections, muted while their request is in progress.
    pub(super) connections: super::connections::Connections,
    pub(super) work: IdWindow<Work>,
    pub(super) next_id: u64,
    pub(super) parked_fetches: super::fetch_purgatory::FetchPurgatory,
    pub(super) parked_produces: VecMap<u64, super::produce::ParkedProduce>,
    /// Coordinator responses waiting for their `__consumer_offsets` records to commit.
    pub(super) parked_writes: VecMap<u64, super::coordinator_log::ParkedWrite>,
    /// One timer for all parked coordinator writes' `offsets.commit.timeout.ms`.
    pub(super) write_timeout_timer: DeadlineTimer,
    /// One timer for all parked fetches' `max_wait_ms`.
    pub(super) fetch_wait_timer: DeadlineTimer,
    /// One timer for all parked produces' `timeout_ms`.
    pub(super) produce_timeout_timer: DeadlineTimer,
    pub(super) fetchers: VecMap<BrokerId, FetcherState>,
    /// What this broker, as a leader, keeps of each follower's previous fetch.
    pub(super) fetch_sessions: super::fetch_session::FollowerSessions,
    /// Some follower fetched enough partitions for a session (until then no fetch looks its
    /// session up: with a few partitions per fetch, as at 30 brokers × 1,000 partitions).
    pub(super) fetch_sessions_in_use: bool,
    pub(super) alter_inflight: BTreeSet<TopicPartition>,
    pub(super) led_offsets_partitions: BTreeSet<u32>,
    /// The transaction coordinator for the `__transaction_state` partitions led here.
    pub txn_coordinator: crate::engine::txn::coordinator::TxnCoordinator,
    pub(super) led_txn_partitions: BTreeSet<u32>,
    /// Produce requests waiting for their transaction coordinator to add partitions (KIP-890).
    pub(super) verifications: std::collections::BTreeMap<u64, super::txn_verify::Verification>,
    /// Reused buffer for the ids of parked requests to complete (taken while in use, so a
    /// nested completion simply starts a fresh one).
    pub(super) id_scratch: Vec<u64>,
    /// Reused buffer for the partitions a produce request touched.
    pub(super) tp_scratch: Vec<TopicPartition>,
    /// Reused buffer for the high watermarks a fetch response sends a follower.
    pub(super) tp_hw_scratch: Vec<(TopicPartition, u64)>,
    /// Reused buffer for what a follower's session learns from an answer.
    pub(super) settle_scratch: Vec<(u32, super::fetch_session::Settle)>,
}

impl BrokerProcess {
    /// A new process over `disk`: nothing in memory yet; every replica on the disk waits for
    /// metadata to learn its role.
    pub fn open(disk: BrokerDisk, incarnation: u64) -> Self {
        let threads = disk.config.num_io_threads.clamp(1, 256) as usize;
        let id = disk.id;
        BrokerProcess {
            id,
            disk,
            incarnation,
            replicas: TpMap::new(),
            coordinator: GroupCoordinator::new(id),
            lifecycle: super::lifecycle::Lifecycle::starting(),
            io_threads: vec![0; threads],
            connections: Default::default(),
            work: IdWindow::new(),
            next_id: 0,
            parked_fetches: Default::default(),
            parked_produces: VecMap::new(),
            parked_writes: VecMap::new(),
            write_timeout_timer: DeadlineTimer::default(),
            fetch_wait_timer: DeadlineTimer::default(),
            produce_timeout_timer: DeadlineTimer::default(),
            fetchers: VecMap::new(),
            fetch_sessions: VecMap::new(),
            fetch_sessions_in_use: false,
            alter_inflight: BTreeSet::new(),
            led_offsets_partitions: BTreeSet::new(),
            txn_coordinator: Default::default(),
            led_txn_partitions: BTreeSet::new(),
            verifications: Default::default(),
            id_scratch: Vec::new(),
            tp_scratch: Vec::new(),
            tp_hw_scratch: Vec::new(),
            settle_scratch: Vec::new(),
        }
    }

    /// A follower's last caught-up time for a partition led here (`lastCaughtUpTimeMs`; a
    /// partition quiet in the follower's fetch session has it implicitly).
    pub fn caught_up_time(&self, follower: BrokerId, f: &super::FollowerState) -> SimTime {
        super::fetch_session::caught_up_time(&self.fetch_sessions, follower, f)
    }

    /// `min.insync.replicas` for a topic (override or broker default).
    pub fn min_insync(&self, topic: u32) -> u32 {
        self.disk.min_insync(topic)
    }

    pub(super) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Starts the process: at time zero (`bootstrapped`) the cluster is formatted and the
    /// broker registered and unfenced; after a restart it registers and catches up first.
    /// Either way the ISR check runs every `replica.lag.time.max.ms / 2`.
    pub fn start(&mut self, ctx: &mut Ctx<BrokerTimer>, bootstrapped: bool) {
        if bootstrapped {
            self.start_bootstrapped(ctx);
        } else {
            self.start_registering(ctx);
        }
        ctx.timer_in(self.isr_check_interval(), BrokerTimer::IsrCheck);
    }

    fn isr_check_interval(&self) -> SimTime {
        ms((self.disk.config.replica_lag_time_max_ms / 2).max(1))
    }

    /// Handles a message (the engine only calls this while the process is alive). A client
    /// request on a connection whose previous request is still in progress waits for its
    /// response to be sent.
    pub fn handle_message(&mut self, ctx: &mut Ctx<BrokerTimer>, from: NodeId, msg: Message) {
        if super::connections::Connections::is_muted_request(&msg) {
            if let Some(msg) = self.connections.admit(from, msg) {
                self.handle_request(ctx, from, msg);
            }
        } else {
            self.handle_request(ctx, from, msg);
        }
    }

    /// The response to `to`'s request in progress was sent (or none was due): its connection
    /// takes its next waiting request, if any.
    pub(super) fn response_sent(&mut self, ctx: &mut Ctx<BrokerTimer>, to: NodeId) {
        if let Some(next) = self.connections.response_sent(to) {
            self.handle_request(ctx, to, next);
        }
    }

    fn handle_request(&mut self, ctx: &mut Ctx<BrokerTimer>, from: NodeId, msg: Message) {
        match msg {
            Message::ProduceRequest {
                correlation_id,
                acks,
                timeout_ms,
                partitions,
                transactional_id,
            } => {
                let request = HeldProduce {
                    from,
                    correlation_id,
                    acks,
                    timeout_ms,
                    partitions,
                };
                match transactional_id {
                    Some(id) => self.produce_or_verify(ctx, request, id),
                    None => self.schedule_produce(ctx, request),
                }
            }
            Message::FetchRequest {
                correlation_id,
                replica_id,
                max_wait_ms,
                min_bytes,
                max_bytes,
                read_committed,
                partitions,
                rack_id,
            } => {
                let request = FetchRequest {
                    correlation_id,
                    replica_id,
                    max_wait_ms,
                    min_bytes,
                    max_bytes,
                    read_committed,
                    partitions,
                    rack_id,
                    quiet: Vec::new(),
                };
                self.schedule_work(ctx, 0, 0, false, Work::Fetch { from, request });
            }
            Message::FetchResponse {
                correlation_id,
                partitions,
            } => {
                // KIP-392: consumers parked at this follower wait for its HW (racks only).
                let serving = !self.disk.racks.is_empty() && !self.parked_fetches.is_empty();
                let parked = if serving {
                    Self::partitions_of(&partitions)
                } else {
                    Vec::new()
                };
                self.on_follower_fetch_response(ctx, from, correlation_id, partitions);
                if serving {
                    self.complete_parked_fetches(ctx, &parked);
                }
            }
            Message::MetadataFetchResponse {
                correlation_id,
                reply,
            } => self.on_metadata_fetch_response(ctx, correlation_id, *reply),
            Message::BrokerRegistrationResponse(r) => self.on_registration_response(ctx, r),
            Message::BrokerHeartbeatResponse(r) => self.on_heartbeat_response(ctx, r),
            Message::AlterPartitionResponse { tp, error, state } => {
                self.on_alter_partition_response(ctx, tp, error, state.map(|s| *s))
            }
            Message::MetadataRequest { correlation_id } => {
                let partitions = self
                    .disk
                    .metadata
                    .partitions
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
                        brokers: self.disk.metadata.live_brokers(),
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
                let leader = self
                    .replicas
                    .get(&tp)
                    .is_some_and(|r| r.role == Role::Leader);
                let (error, offset) = match self.disk.logs.get(&tp) {
                    Some(log) if leader => (
                        ErrorCode::None,
                        if earliest {
                            log.log_start_offset()
                        } else {
                            log.high_watermark()
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
                self.coordinator.handle_request(
                    &mut ctx.part(),
                    from,
                    m,
                    &self.disk.config,
                    &self.led_offsets_partitions,
                );
                self.flush_coordinator_writes(ctx);
            }
            Message::Txn(t) => self.handle_txn(ctx, from, *t),
            _ => {}
        }
    }

    fn find_coordinator(&self, ctx: &Ctx<BrokerTimer>, group_id: &str) -> (ErrorCode, BrokerId) {
        let Some(topic) = ctx.topics.offsets_topic() else {
            return (ErrorCode::CoordinatorNotAvailable, 0);
        };
        let n = ctx.topics.partitions(topic);
        let tp = TopicPartition::new(topic, offsets_partition_for(group_id, n));
        match self
            .disk
            .metadata
            .partitions
            .get(&tp)
            .and_then(|s| s.leader)
        {
            Some(l) => (ErrorCode::None, l),
            None => (ErrorCode::CoordinatorNotAvailable, 0),
        }
    }

    /// Queues CPU (and, for produce, the page-cache write; with `flush`, an fsync) work; the
    /// effect (the append, the acknowledgement) applies at `WorkDone`.
    /// A produce request goes to a handler thread (its CPU and disk work), then to
    /// [`Self::handle_produce`].
    pub(super) fn schedule_produce(&mut self, ctx: &mut Ctx<BrokerTimer>, request: HeldProduce) {
        self.schedule_produce_with(ctx, request, Vec::new());
    }

    /// [`Self::schedule_produce`] with partitions already answered (`refused`).
    pub(super) fn schedule_produce_with(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        request: HeldProduce,
        refused: Vec<crate::engine::protocol::ProducePartitionResponse>,
    ) {
        let partitions = &request.partitions;
        let records: u64 = partitions.iter().map(|p| p.batch.record_count as u64).sum();
        let bytes: u64 = partitions.iter().map(|p| p.batch.bytes as u64).sum();
        let flush = self.disk.flush_due(
            partitions
                .iter()
                .map(|p| (p.tp, p.batch.record_count as u64)),
        );
        let work = Work::Produce { request, refused };
        self.schedule_work(ctx, records, bytes, flush, work);
    }

    fn schedule_work(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        records: u64,
        bytes: u64,
        flush: bool,
        work: Work,
    ) {
        let (slot, &thread_free) = self
            .io_threads
            .iter()
            .enumerate()
            .min_by_key(|&(i, t)| (*t, i))
            .expect("at least one io thread");
        let hw = &self.disk.hardware;
        // A JVM pause (the profile's GC) stops the handler threads.
        let start = hw.after_gc_pause(ctx.now.max(thread_free), self.id);
        let cpu = hw.cpu_ns_per_request + hw.cpu_ns_per_record * records;
        let cpu_done = start + cpu;
        self.io_threads[slot] = cpu_done;
        let mut done = cpu_done;
        if bytes > 0 {
            done = self.disk.write_to_page_cache(cpu_done, bytes, flush);
        }
        let done = self.disk.hardware.after_gc_pause(done, self.id);
        let id = self.next_id();
        self.work.insert(id, work);
        ctx.timer_at(done, BrokerTimer::WorkDone { id });
    }

    /// Handles a broker timer (the engine drops timers of a previous incarnation).
    pub fn handle_timer(&mut self, ctx: &mut Ctx<BrokerTimer>, timer: BrokerTimer) {
        match timer {
            BrokerTimer::Heartbeat => self.on_heartbeat_timer(ctx),
            BrokerTimer::RegistrationRetry => self.on_registration_retry(ctx),
            BrokerTimer::MetadataFetchTimeout => self.on_metadata_fetch_timeout(ctx),
            BrokerTimer::IsrCheck => {
                self.check_isr_shrink(ctx);
                ctx.timer_in(self.isr_check_interval(), BrokerTimer::IsrCheck);
            }
            BrokerTimer::WorkDone { id } => match self.work.remove(id) {
                Some(Work::Produce { request, refused }) => {
                    self.handle_produce(ctx, request, refused)
                }
                Some(Work::Fetch { from, request }) => self.handle_fetch(ctx, from, request),
                None => {}
            },
            BrokerTimer::FetchWait => self.on_fetch_wait_timer(ctx),
            BrokerTimer::ProduceTimeout => self.on_produce_timeout_timer(ctx),
            BrokerTimer::FollowerFetch { leader } => self.send_follower_fetch(ctx, leader),
            BrokerTimer::FollowerFetchTimeout { leader } => {
                self.on_fetcher_timeout_timer(ctx, leader)
            }
            BrokerTimer::CoordinatorWriteTimeout => self.on_coordinator_write_timeout(ctx),
            BrokerTimer::AlterPartitionRetry { tp } => {
                self.alter_inflight.remove(&tp);
            }
            BrokerTimer::TxnVerify { id } => self.on_verification_timer(ctx, id),
            BrokerTimer::TxnTick => {
                let sends = self.txn_coordinator.on_tick(ctx, &self.disk.metadata);
                self.dispatch_markers(ctx, sends);
                self.flush_txn_writes(ctx);
            }
        }
    }

    /// A timer of the group coordinator this process hosts.
    pub fn handle_coordinator_timer(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        timer: crate::engine::group::CoordinatorTimer,
    ) {
        self.coordinator
            .handle_timer(&mut ctx.part(), timer, &self.disk.config);
        self.flush_coordinator_writes(ctx);
    }

    /// The engine reports that a message this broker sent could not be delivered (the peer
    /// process is down): a follower fetcher backs off.
    pub fn handle_unreachable(&mut self, ctx: &mut Ctx<BrokerTimer>, to: NodeId, msg: Message) {
        match msg {
            Message::FetchRequest { correlation_id, .. } => {
                self.fetcher_failed(ctx, to.0, correlation_id)
            }
            Message::Txn(t) => match *t {
                crate::engine::protocol::TxnMessage::WriteMarker { correlation_id, .. } => {
                    self.txn_coordinator.on_marker_unreachable(correlation_id)
                }
                crate::engine::protocol::TxnMessage::AddPartitions { .. } => {
                    self.fail_verifications_to(ctx, to.0)
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// The connection to broker `peer` closed (its process died): the fetcher's fetch in flight
    /// to it fails and backs off (`replica.fetch.backoff.ms`) until metadata names a new leader.
    pub fn handle_disconnect(&mut self, ctx: &mut Ctx<BrokerTimer>, peer: NodeId) {
        self.txn_coordinator
            .on_disconnect(peer.0, &self.disk.metadata);
        if !self.verifications.is_empty() {
            self.fail_verifications_to(ctx, peer.0);
        }
        let in_flight = self.fetchers.get(&peer.0).and_then(|f| f.in_flight);
        if let Some(seq) = in_flight {
            self.fetcher_failed(ctx, peer.0, seq);
        }
    }

    /// How many partitions this broker leads.
    pub fn leader_count(&self) -> usize {
        self.replicas
            .values()
            .filter(|r| r.role == Role::Leader)
            .count()
    }
}
