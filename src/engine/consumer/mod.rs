//! The consumer client (KafkaConsumer, classic group protocol): finds its coordinator, joins
//! the group (KIP-394 member ids, KIP-345 static membership), the leader runs the assignor,
//! eager or cooperative (KIP-429) revocation, heartbeats from a background thread, fetches
//! (`fetch.min.bytes`, `fetch.max.wait.ms`, `max.partition.fetch.bytes`), polls at most
//! `max.poll.records`, processes for `processing_us_per_record` each, commits (auto every
//! `auto.commit.interval.ms`, or after each poll), and leaves when `max.poll.interval.ms` is
//! exceeded.

mod auto_commit;
mod fetch_buffer;
mod fetching;
mod membership;
mod processor;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::{AssignmentStrategy, ConsumerConfig};
use super::ctx::Ctx;
use super::events::SimEvent;
use super::ids::{BrokerId, NodeId, TopicIdx, TopicPartition};
use super::protocol::Message;
use super::scenario::GroupSpec;
use super::time::SimTime;
use super::tp_map::TpMap;
use fetch_buffer::FetchBuffer;

/// Consumer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerTimer {
    /// The heartbeat thread's next heartbeat.
    Heartbeat {
        /// Generation of the timer chain.
        gen: u64,
    },
    /// The application's next `poll()`.
    Poll {
        /// Generation of the timer chain.
        gen: u64,
    },
    /// Auto commit is due (`auto.commit.interval.ms`) while the application waits inside
    /// `poll()` (Kafka's `poll` wakes up for it: `ConsumerCoordinator.timeToNextPoll`).
    AutoCommit,
    /// Retry finding the coordinator / joining after a backoff.
    Retry,
    /// The earliest pending request's `request.timeout.ms` is over; one timer stands for all
    /// pending requests (see [`DeadlineTimer`](crate::engine::timer::DeadlineTimer)).
    RequestTimeouts,
    /// `max.poll.interval.ms` passed while processing: leave the group.
    PollIntervalExceeded {
        /// Poll generation it belongs to.
        gen: u64,
    },
    /// A `pause_client` pause of a processor member ends.
    Resume,
}

impl ConsumerTimer {
    /// The configs that set when this timer fires (named when the clock gets stuck on it).
    pub fn config_keys(&self) -> &'static [&'static str] {
        match self {
            ConsumerTimer::Heartbeat { .. } => &["heartbeat.interval.ms"],
            ConsumerTimer::Poll { .. } => &["max.poll.records", "fetch.max.wait.ms"],
            ConsumerTimer::AutoCommit => &["auto.commit.interval.ms"],
            ConsumerTimer::Retry => &["retry.backoff.ms"],
            ConsumerTimer::RequestTimeouts => &["request.timeout.ms"],
            ConsumerTimer::PollIntervalExceeded { .. } => &["max.poll.interval.ms"],
            ConsumerTimer::Resume => &[],
        }
    }
}

/// Where the consumer is in the group protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    /// Looking for the group coordinator.
    FindingCoordinator,
    /// JoinGroup sent.
    Joining,
    /// SyncGroup sent.
    Syncing,
    /// Has an assignment; consuming.
    Stable,
    /// Left after exceeding `max.poll.interval.ms`; rejoins after processing.
    Left,
    /// Process crashed.
    Dead,
}

/// A partition assigned to this consumer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assigned {
    /// Next offset to fetch (`None` until OffsetFetch / ListOffsets answer).
    pub fetch_position: Option<u64>,
    /// Offset after the last record returned by `poll()` (what a commit stores).
    pub consumed_position: Option<u64>,
    /// Last committed offset.
    pub committed: Option<u64>,
    /// Leader's high watermark from the last fetch.
    pub high_watermark: u64,
}

/// What the page shows of a consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsumerSnapshot {
    /// Consumer index.
    pub index: u32,
    /// Group index.
    pub group: u32,
    /// `group.id`.
    pub group_id: String,
    /// Its network node.
    pub node: NodeId,
    /// Running.
    pub alive: bool,
    /// Protocol state.
    pub state: MemberState,
    /// Member id.
    pub member_id: String,
    /// Generation.
    pub generation: i32,
    /// Assigned partitions: partition, position, committed, lag (HW − position).
    pub partitions: Vec<(TopicPartition, u64, Option<u64>, u64)>,
    /// Records returned by `poll()`.
    pub consumed: u64,
}

#[derive(Clone, Debug)]
enum Pending {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    Commit,
    OffsetFetch,
    ListOffsets,
    Metadata,
    Fetch(BrokerId),
    Leave,
}

/// A consumer process in a group.
#[derive(Clone, Debug)]
pub struct Consumer {
    index: u32,
    group: u32,
    node: NodeId,
    spec: GroupSpec,
    config: ConsumerConfig,
    topics: Vec<TopicIdx>,
    bootstrap: Vec<BrokerId>,
    alive: bool,
    state: MemberState,
    coordinator: Option<BrokerId>,
    member_id: String,
    instance_id: Option<String>,
    generation: i32,
    protocol: Option<AssignmentStrategy>,
    /// Assigned partitions (a dense map: `send_fetches` walks it on every `poll()`).
    assigned: TpMap<Assigned>,
    /// Leader and leader epoch per partition, from metadata (a dense map: `send_fetches` looks
    /// up every assigned partition on every `poll()`).
    leaders: TpMap<(Option<BrokerId>, u32)>,
    /// Fetched records not yet polled: partition, batch, `[from, to)`, and the high watermark
    /// and last stable offset of the response that brought them.
    buffer: FetchBuffer,
    pending: BTreeMap<u64, Pending>,
    /// The broker each pending request went to, and when it times out.
    pending_to: BTreeMap<u64, (BrokerId, SimTime)>,
    /// One timer for all pending requests' timeouts.
    request_timer: crate::engine::timer::DeadlineTimer,
    next_corr: u64,
    hb_gen: u64,
    poll_gen: u64,
    poll_waiting: bool,
    processing_until: SimTime,
    consumed: u64,
    /// An `AutoCommit` timer is armed (only while the application is idle inside `poll()`).
    commit_timer_set: bool,
    /// When the next auto-commit is due (`ConsumerCoordinator.nextAutoCommitTimer`).
    next_auto_commit: SimTime,
    /// Positions moved by `poll()` since the last commit was sent.
    positions_moved: bool,
    /// The coordinator asked for a rejoin while the application was processing: the rejoin
    /// happens in the next `poll()`, as Kafka's heartbeat thread only marks it needed
    /// (`AbstractCoordinator.requestRejoin`; `ConsumerCoordinator.poll` rejoins).
    rejoin_pending: bool,
    /// `client.rack` as a rack index (KIP-392), sent with every fetch.
    rack: Option<u16>,
    /// KIP-392: per partition, the replica the leader said to read from and until when
    /// (`SubscriptionState.preferredReadReplica`, expiring after `metadata.max.age.ms`).
    read_replicas: BTreeMap<TopicPartition, (BrokerId, SimTime)>,
    /// A processor's consumer ([`crate::engine::processor`]); `None` for ordinary members.
    processor: Option<Box<processor::ProcessorSide>>,
}

impl Consumer {
    /// Member `member_number` of group `group` (index `index` among all consumers).
    pub fn new(
        index: u32,
        group: u32,
        node: NodeId,
        spec: &GroupSpec,
        member_number: u32,
        topics: Vec<TopicIdx>,
        bootstrap: Vec<BrokerId>,
    ) -> Self {
        Consumer {
            index,
            group,
            node,
            spec: spec.clone(),
            config: spec.config.clone(),
            topics,
            bootstrap,
            alive: true,
            state: MemberState::FindingCoordinator,
            coordinator: None,
            member_id: String::new(),
            instance_id: if spec.static_membership {
                Some(format!("{}-{}", spec.group_id, member_number))
            } else {
                spec.config.group_instance_id.clone()
            },
            generation: -1,
            protocol: None,
            assigned: TpMap::new(),
            leaders: TpMap::new(),
            buffer: FetchBuffer::default(),
            pending: BTreeMap::new(),
            pending_to: BTreeMap::new(),
            request_timer: Default::default(),
            next_corr: 0,
            hb_gen: 0,
            poll_gen: 0,
            poll_waiting: false,
            processing_until: 0,
            consumed: 0,
            commit_timer_set: false,
            next_auto_commit: 0,
            positions_moved: false,
            rejoin_pending: false,
            rack: None,
            read_replicas: BTreeMap::new(),
            processor: None,
        }
    }

    /// The network node it runs on.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The index of its group.
    pub fn group(&self) -> u32 {
        self.group
    }

    /// Puts the consumer in rack `rack` (its `client.rack`, KIP-392).
    pub fn set_rack(&mut self, rack: Option<u16>) {
        self.rack = rack;
    }

    /// The replica this consumer reads `tp` from, when it is not the leader (KIP-392).
    pub fn read_replica(&self, tp: TopicPartition) -> Option<BrokerId> {
        self.read_replicas.get(&tp).map(|&(b, _)| b)
    }

    /// Whether the process is running.
    pub fn is_alive(&self) -> bool {
        self.alive
    }

    /// Starts: metadata, then the coordinator.
    pub fn start(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        ctx.event(SimEvent::ConsumerStarted {
            group: self.group,
            consumer: self.index,
        });
        self.request_metadata(ctx);
        self.find_coordinator(ctx);
    }

    /// The process dies: no LeaveGroup; the coordinator notices after `session.timeout.ms`.
    pub fn crash(&mut self) {
        self.alive = false;
        self.state = MemberState::Dead;
        self.pending.clear();
        self.pending_to.clear();
        self.request_timer.reset();
        self.buffer.clear();
    }

    fn request(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        to: BrokerId,
        kind: Pending,
        build: impl FnOnce(u64) -> Message,
        timeout_ms: u64,
    ) -> u64 {
        self.next_corr += 1;
        let id = self.next_corr;
        self.pending.insert(id, kind);
        let deadline = ctx.now + crate::engine::time::ms(timeout_ms);
        self.pending_to.insert(id, (to, deadline));
        ctx.send(NodeId(to), build(id));
        self.arm_request_timer(ctx, deadline);
        id
    }

    fn arm_request_timer(&mut self, ctx: &mut Ctx<ConsumerTimer>, deadline: SimTime) {
        if self.request_timer.arm(deadline) {
            ctx.timer_at(deadline, ConsumerTimer::RequestTimeouts);
        }
    }

    /// The request timer fired: every request pending past its `request.timeout.ms` fails (in
    /// the order they were sent); the timer is re-armed for the next.
    fn on_request_timer(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if !self.request_timer.fire(ctx.now) {
            return;
        }
        for id in crate::engine::timer::due_ids(self.pending_to.iter(), ctx.now, |(_, d)| *d) {
            if let Some(kind) = self.take_pending(id) {
                self.on_request_failed(ctx, kind);
            }
        }
        if let Some(next) =
            crate::engine::timer::earliest_deadline(self.pending_to.iter(), |(_, d)| *d)
        {
            self.arm_request_timer(ctx, next);
        }
    }

    /// Handles a message from a broker.
    pub fn handle_message(&mut self, ctx: &mut Ctx<ConsumerTimer>, from: NodeId, msg: Message) {
        if !self.alive {
            return;
        }
        let msg = if self.processor.is_some() {
            match self.defer_if_paused(ctx.now, processor::Deferred::Message(from, msg)) {
                Some(processor::Deferred::Message(_, msg)) => msg,
                _ => return,
            }
        } else {
            msg
        };
        let corr = correlation_of(&msg);
        let Some(kind) = corr.and_then(|c| self.take_pending(c)) else {
            return; // stale or unsolicited
        };
        match (kind, msg) {
            (Pending::Metadata, Message::MetadataResponse { partitions, .. }) => {
                self.on_metadata(ctx, partitions)
            }
            (
                Pending::FindCoordinator,
                Message::FindCoordinatorResponse {
                    error, coordinator, ..
                },
            ) => self.on_find_coordinator(ctx, error, coordinator),
            (Pending::Join, m @ Message::JoinGroupResponse(_)) => self.on_join(ctx, m),
            (
                Pending::Sync,
                Message::SyncGroupResponse {
                    error, assignment, ..
                },
            ) => self.on_sync(ctx, error, assignment),
            (Pending::Heartbeat, Message::HeartbeatResponse { error, .. }) => {
                self.on_heartbeat(ctx, error)
            }
            (Pending::Commit, Message::OffsetCommitResponse { error, offsets, .. }) => {
                self.on_commit(ctx, error, offsets)
            }
            (
                Pending::OffsetFetch,
                Message::OffsetFetchResponse {
                    error: super::protocol::ErrorCode::UnstableOffsetCommit,
                    ..
                },
            ) => self.on_unstable_offsets(ctx),
            (Pending::OffsetFetch, Message::OffsetFetchResponse { offsets, .. }) => {
                self.on_offset_fetch(ctx, offsets)
            }
            (
                Pending::ListOffsets,
                Message::ListOffsetsResponse {
                    tp, error, offset, ..
                },
            ) => self.on_list_offsets(ctx, tp, error, offset),
            (Pending::Fetch(_), Message::FetchResponse { partitions, .. }) => {
                self.on_fetch(ctx, from, partitions)
            }
            _ => {}
        }
    }

    /// A message could not be delivered: the broker is down.
    pub fn handle_unreachable(&mut self, ctx: &mut Ctx<ConsumerTimer>, _to: NodeId, msg: Message) {
        if self.processor.is_some()
            && self
                .defer_if_paused(ctx.now, processor::Deferred::Unreachable(_to, msg.clone()))
                .is_none()
        {
            return;
        }
        if let Some(c) = correlation_of(&msg) {
            if let Some(kind) = self.take_pending(c) {
                self.on_request_failed(ctx, kind);
            }
        }
    }

    /// Removes a pending request (answered, failed or timed out).
    fn take_pending(&mut self, correlation_id: u64) -> Option<Pending> {
        self.pending_to.remove(&correlation_id);
        self.pending.remove(&correlation_id)
    }

    /// The connection to `peer` closed (its process died): every request pending there fails
    /// at once, as Kafka's `NetworkClient` completes a dropped connection's requests as
    /// disconnected (the consumer then looks for a new coordinator or leader).
    pub fn handle_disconnect(&mut self, ctx: &mut Ctx<ConsumerTimer>, peer: NodeId) {
        if !self.alive {
            return;
        }
        if self.processor.is_some()
            && self
                .defer_if_paused(ctx.now, processor::Deferred::Disconnect(peer))
                .is_none()
        {
            return;
        }
        let lost: Vec<u64> = self
            .pending_to
            .iter()
            .filter(|(_, (b, _))| NodeId(*b) == peer)
            .map(|(&id, _)| id)
            .collect();
        for id in lost {
            if let Some(kind) = self.take_pending(id) {
                self.on_request_failed(ctx, kind);
            }
        }
    }

    /// Handles a timer.
    pub fn handle_timer(&mut self, ctx: &mut Ctx<ConsumerTimer>, t: ConsumerTimer) {
        if !self.alive {
            return;
        }
        if t == ConsumerTimer::Resume {
            return self.resume_processor(ctx);
        }
        if self.processor.is_some()
            && self
                .defer_if_paused(ctx.now, processor::Deferred::Timer(t.clone()))
                .is_none()
        {
            return;
        }
        match t {
            ConsumerTimer::Heartbeat { gen } if gen == self.hb_gen => self.send_heartbeat(ctx),
            ConsumerTimer::Poll { gen } if gen == self.poll_gen => self.poll(ctx),
            ConsumerTimer::AutoCommit => self.on_auto_commit_timer(ctx),
            ConsumerTimer::Retry => {
                if self.state == MemberState::FindingCoordinator || self.coordinator.is_none() {
                    self.find_coordinator(ctx);
                } else if self.state == MemberState::Joining
                    && !self.pending.values().any(|p| matches!(p, Pending::Join))
                {
                    self.join(ctx);
                }
                if self.leaders.is_empty() || self.leaders.values().any(|(l, _)| l.is_none()) {
                    self.request_metadata(ctx);
                }
                if self.processor.is_some() {
                    self.refetch_unpositioned(ctx);
                }
            }
            ConsumerTimer::RequestTimeouts => self.on_request_timer(ctx),
            ConsumerTimer::PollIntervalExceeded { gen } if gen == self.poll_gen => {
                self.leave_for_slow_poll(ctx)
            }
            _ => {}
        }
    }

    /// Live config change: Kafka needs a new consumer; the member keeps its place and rejoins.
    pub fn reconfigure(&mut self, ctx: &mut Ctx<ConsumerTimer>, new: ConsumerConfig) {
        self.config = new;
        self.spec.config = self.config.clone();
        if self.alive && self.coordinator.is_some() {
            self.join(ctx);
        }
    }

    /// Kafka's consumer `records-lag`, summed over the assigned partitions: the high watermark
    /// of each partition's last fetch response minus the position (no allocation: sampled often).
    pub fn records_lag(&self) -> u64 {
        self.assigned
            .values()
            .map(|a| {
                a.high_watermark
                    .saturating_sub(a.consumed_position.unwrap_or(0))
            })
            .sum()
    }

    /// What the page shows of this consumer.
    pub fn snapshot(&self) -> ConsumerSnapshot {
        ConsumerSnapshot {
            index: self.index,
            group: self.group,
            group_id: self.spec.group_id.clone(),
            node: self.node,
            alive: self.alive,
            state: self.state,
            member_id: self.member_id.clone(),
            generation: self.generation,
            partitions: self
                .assigned
                .iter()
                .map(|(tp, a)| {
                    let pos = a.consumed_position.unwrap_or(0);
                    (*tp, pos, a.committed, a.high_watermark.saturating_sub(pos))
                })
                .collect(),
            consumed: self.consumed,
        }
    }
}

fn correlation_of(msg: &Message) -> Option<u64> {
    use Message::*;
    Some(match msg {
        JoinGroupResponse(resp) => resp.correlation_id,
        JoinGroupRequest(req) => req.correlation_id,
        SyncGroupRequest(req) => req.correlation_id,
        OffsetCommitRequest(req) => req.correlation_id,
        MetadataResponse { correlation_id, .. }
        | FindCoordinatorResponse { correlation_id, .. }
        | SyncGroupResponse { correlation_id, .. }
        | HeartbeatResponse { correlation_id, .. }
        | OffsetCommitResponse { correlation_id, .. }
        | OffsetFetchResponse { correlation_id, .. }
        | ListOffsetsResponse { correlation_id, .. }
        | FetchResponse { correlation_id, .. }
        | LeaveGroupResponse { correlation_id, .. }
        | MetadataRequest { correlation_id }
        | FindCoordinatorRequest { correlation_id, .. }
        | HeartbeatRequest { correlation_id, .. }
        | OffsetFetchRequest { correlation_id, .. }
        | ListOffsetsRequest { correlation_id, .. }
        | FetchRequest { correlation_id, .. }
        | LeaveGroupRequest { correlation_id, .. } => *correlation_id,
        _ => return None,
    })
}
