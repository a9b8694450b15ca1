//! The classic-protocol group state machine: Empty → PreparingRebalance → CompletingRebalance
//! → Stable, as Kafka's `ClassicGroup`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{offsets_partition_for, CoordinatorTimer};
use crate::engine::config::{AssignmentStrategy, BrokerConfig};
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicPartition};
use crate::engine::protocol::{
    ErrorCode, JoinGroup, JoinGroupMember, JoinGroupResult, Message, OffsetCommit, SyncGroup,
};
use crate::engine::reasons::{RebalanceReason, RemovalCause};
use crate::engine::time::{ms, SimTime};
use crate::engine::timer::Timer;

/// How often the coordinator checks sessions and deadlines.
const TICK_MS: u64 = 250;

/// Group states (`GroupState` in Kafka's classic coordinator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupState {
    /// No members.
    Empty,
    /// Waiting for members to (re)join.
    PreparingRebalance,
    /// Waiting for the leader's assignment (SyncGroup).
    CompletingRebalance,
    /// Assignment delivered; members heartbeat and consume.
    Stable,
}

/// A member as the coordinator (and `__consumer_offsets`) knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    /// The member's client node.
    pub node: NodeId,
    /// `group.instance.id`.
    pub instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// `max.poll.interval.ms`.
    pub rebalance_timeout_ms: u64,
    /// Supported assignors.
    pub protocols: Vec<AssignmentStrategy>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Owned partitions it reported (cooperative).
    pub owned: Vec<TopicPartition>,
    /// Generation of its owned partitions.
    pub owned_generation: Option<i32>,
    /// Current assignment.
    pub assignment: Vec<TopicPartition>,
    /// Last heartbeat (or join/sync).
    pub last_seen: SimTime,
    /// JoinGroup waiting for an answer: correlation id.
    pub join_pending: Option<u64>,
    /// SyncGroup waiting for an answer: correlation id.
    pub sync_pending: Option<u64>,
}

/// A group (what Kafka writes to `__consumer_offsets` as group metadata, plus in-flight state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// State.
    pub state: GroupState,
    /// Generation.
    pub generation: i32,
    /// Chosen assignor.
    pub protocol: Option<AssignmentStrategy>,
    /// Leader member id.
    pub leader: Option<String>,
    /// Members by id.
    pub members: BTreeMap<String, MemberRecord>,
    /// When the current join phase may complete at the latest.
    pub join_deadline: SimTime,
    /// Initial-delay end for a group that was empty.
    pub initial_delay_until: SimTime,
    /// Completed rebalances.
    pub rebalances: u64,
    /// Why the current rebalance started (`None` before the first).
    pub reason: Option<RebalanceReason>,
    next_member: u64,
}

/// What the page shows of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSnapshot {
    /// `group.id`.
    pub group_id: String,
    /// Coordinator broker.
    pub coordinator: BrokerId,
    /// State.
    pub state: GroupState,
    /// Generation.
    pub generation: i32,
    /// Assignor.
    pub protocol: Option<String>,
    /// Members: id, node, assignment.
    pub members: Vec<(String, NodeId, Vec<TopicPartition>)>,
    /// Completed rebalances.
    pub rebalances: u64,
}

/// The coordinator hosted by one broker.
#[derive(Clone, Debug)]
pub struct GroupCoordinator {
    broker: BrokerId,
    groups: BTreeMap<String, GroupRecord>,
    ticking: bool,
}

fn group_id_of(msg: &Message) -> Option<&str> {
    match msg {
        Message::JoinGroupRequest(req) => Some(&req.group_id),
        Message::SyncGroupRequest(req) => Some(&req.group_id),
        Message::OffsetCommitRequest(req) => Some(&req.group_id),
        Message::HeartbeatRequest { group_id, .. }
        | Message::LeaveGroupRequest { group_id, .. }
        | Message::OffsetFetchRequest { group_id, .. } => Some(group_id),
        _ => None,
    }
}

fn error_response(msg: &Message, error: ErrorCode) -> Option<Message> {
    Some(match msg {
        Message::JoinGroupRequest(req) => Message::JoinGroupResponse(Box::new(JoinGroupResult {
            correlation_id: req.correlation_id,
            error,
            generation: -1,
            protocol: None,
            leader: String::new(),
            member_id: req.member_id.clone(),
            members: Vec::new(),
        })),
        Message::SyncGroupRequest(req) => Message::SyncGroupResponse {
            correlation_id: req.correlation_id,
            error,
            assignment: Vec::new(),
        },
        Message::HeartbeatRequest { correlation_id, .. } => Message::HeartbeatResponse {
            correlation_id: *correlation_id,
            error,
        },
        Message::LeaveGroupRequest { correlation_id, .. } => Message::LeaveGroupResponse {
            correlation_id: *correlation_id,
            error,
        },
        Message::OffsetCommitRequest(req) => Message::OffsetCommitResponse {
            correlation_id: req.correlation_id,
            error,
            offsets: Vec::new(),
        },
        Message::OffsetFetchRequest { correlation_id, .. } => Message::OffsetFetchResponse {
            correlation_id: *correlation_id,
            error,
            offsets: Vec::new(),
        },
        _ => return None,
    })
}

impl GroupCoordinator {
    /// The coordinator of broker `broker` (no groups yet).
    pub fn new(broker: BrokerId) -> Self {
        GroupCoordinator {
            broker,
            groups: BTreeMap::new(),
            ticking: false,
        }
    }

    /// The process died: in-memory groups are gone (the durable copy stays in the store).
    pub fn crash(&mut self) {
        self.groups.clear();
        self.ticking = false;
    }

    fn ensure_tick(&mut self, ctx: &mut Ctx) {
        if !self.ticking {
            self.ticking = true;
            ctx.timer_in(ms(TICK_MS), Timer::Coordinator(CoordinatorTimer::Tick));
        }
    }

    /// Leadership of `__consumer_offsets` partitions changed: unload groups no longer ours, load
    /// groups of newly led partitions from the durable store.
    pub fn on_leadership_change(&mut self, ctx: &mut Ctx, led: &BTreeSet<u32>) {
        let n = ctx
            .topics
            .offsets_topic()
            .map(|t| ctx.topics.partitions(t))
            .unwrap_or(1);
        self.groups
            .retain(|g, _| led.contains(&offsets_partition_for(g, n)));
        let now = ctx.now;
        let stored: Vec<(String, GroupRecord)> = ctx
            .offsets
            .groups
            .iter()
            .filter(|(g, _)| led.contains(&offsets_partition_for(g, n)))
            .map(|(g, r)| (g.clone(), r.clone()))
            .collect();
        for (g, mut rec) in stored {
            if self.groups.contains_key(&g) {
                continue;
            }
            for m in rec.members.values_mut() {
                m.last_seen = now;
                m.join_pending = None;
                m.sync_pending = None;
            }
            if rec.state != GroupState::Stable && rec.state != GroupState::Empty {
                // A rebalance in flight is restarted by the members' next heartbeat.
                rec.state = GroupState::PreparingRebalance;
                rec.join_deadline = now
                    + ms(rec
                        .members
                        .values()
                        .map(|m| m.rebalance_timeout_ms)
                        .max()
                        .unwrap_or(0));
            }
            self.groups.insert(g, rec);
        }
        if !self.groups.is_empty() {
            self.ensure_tick(ctx);
        }
    }

    fn persist(&self, ctx: &mut Ctx, group_id: &str) {
        if let Some(g) = self.groups.get(group_id) {
            ctx.offsets.groups.insert(group_id.to_string(), g.clone());
        }
    }

    /// Handles a group request from `from`.
    pub fn handle_request(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        msg: Message,
        cfg: &BrokerConfig,
        led: &BTreeSet<u32>,
    ) {
        let Some(group_id) = group_id_of(&msg).map(str::to_string) else {
            return;
        };
        let n = ctx
            .topics
            .offsets_topic()
            .map(|t| ctx.topics.partitions(t))
            .unwrap_or(1);
        if !led.contains(&offsets_partition_for(&group_id, n)) {
            if let Some(r) = error_response(&msg, ErrorCode::NotCoordinator) {
                ctx.send(from, r);
            }
            return;
        }
        self.ensure_tick(ctx);
        match msg {
            Message::JoinGroupRequest(req) => {
                if req.session_timeout_ms < cfg.group_min_session_timeout_ms
                    || req.session_timeout_ms > cfg.group_max_session_timeout_ms
                {
                    let request = Message::JoinGroupRequest(req);
                    let resp = error_response(&request, ErrorCode::InvalidSessionTimeout);
                    ctx.send(from, resp.expect("join"));
                    return;
                }
                let JoinGroup {
                    correlation_id,
                    member_id,
                    group_instance_id,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                    protocols,
                    topics,
                    owned,
                    generation,
                    ..
                } = *req;
                let member = MemberRecord {
                    node: from,
                    instance_id: group_instance_id,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                    protocols,
                    topics,
                    owned,
                    owned_generation: generation,
                    assignment: Vec::new(),
                    last_seen: ctx.now,
                    join_pending: Some(correlation_id),
                    sync_pending: None,
                };
                self.join(ctx, &group_id, member_id, member, cfg);
            }
            Message::SyncGroupRequest(req) => {
                let SyncGroup {
                    correlation_id,
                    generation,
                    member_id,
                    assignments,
                    ..
                } = *req;
                self.sync(
                    ctx,
                    &group_id,
                    from,
                    correlation_id,
                    generation,
                    member_id,
                    assignments,
                )
            }
            Message::HeartbeatRequest {
                correlation_id,
                generation,
                member_id,
                ..
            } => {
                let error = match self.groups.get_mut(&group_id) {
                    None => ErrorCode::UnknownMemberId,
                    Some(g) => match g.members.get_mut(&member_id) {
                        None => ErrorCode::UnknownMemberId,
                        Some(m) => {
                            m.last_seen = ctx.now;
                            if g.state == GroupState::PreparingRebalance {
                                ErrorCode::RebalanceInProgress
                            } else if generation != g.generation {
                                ErrorCode::IllegalGeneration
                            } else {
                                ErrorCode::None
                            }
                        }
                    },
                };
                ctx.send(
                    from,
                    Message::HeartbeatResponse {
                        correlation_id,
                        error,
                    },
                );
            }
            Message::LeaveGroupRequest {
                correlation_id,
                member_id,
                ..
            } => {
                let known = self
                    .groups
                    .get(&group_id)
                    .map(|g| g.members.contains_key(&member_id))
                    .unwrap_or(false);
                if known {
                    self.remove_member(ctx, &group_id, &member_id, RemovalCause::LeftGroup, cfg);
                }
                ctx.send(
                    from,
                    Message::LeaveGroupResponse {
                        correlation_id,
                        error: if known {
                            ErrorCode::None
                        } else {
                            ErrorCode::UnknownMemberId
                        },
                    },
                );
            }
            Message::OffsetCommitRequest(req) => {
                let OffsetCommit {
                    correlation_id,
                    generation,
                    member_id,
                    offsets,
                    ..
                } = *req;
                let error = match self.groups.get(&group_id) {
                    None if generation < 0 => ErrorCode::None,
                    None => ErrorCode::IllegalGeneration,
                    Some(g) if generation < 0 && g.members.is_empty() => ErrorCode::None,
                    Some(g) if !g.members.contains_key(&member_id) => ErrorCode::UnknownMemberId,
                    Some(g) if g.generation != generation => ErrorCode::IllegalGeneration,
                    Some(g) if g.state == GroupState::CompletingRebalance => {
                        ErrorCode::RebalanceInProgress
                    }
                    Some(_) => ErrorCode::None,
                };
                if error == ErrorCode::None {
                    for (tp, off) in &offsets {
                        ctx.offsets.committed.insert((group_id.clone(), *tp), *off);
                    }
                }
                ctx.send(
                    from,
                    Message::OffsetCommitResponse {
                        correlation_id,
                        error,
                        offsets,
                    },
                );
            }
            Message::OffsetFetchRequest {
                correlation_id,
                partitions,
                ..
            } => {
                let offsets = partitions
                    .into_iter()
                    .map(|tp| {
                        (
                            tp,
                            ctx.offsets.committed.get(&(group_id.clone(), tp)).copied(),
                        )
                    })
                    .collect();
                ctx.send(
                    from,
                    Message::OffsetFetchResponse {
                        correlation_id,
                        error: ErrorCode::None,
                        offsets,
                    },
                );
            }
            _ => {}
        }
    }

    fn join(
        &mut self,
        ctx: &mut Ctx,
        group_id: &str,
        member_id: String,
        mut member: MemberRecord,
        cfg: &BrokerConfig,
    ) {
        let g = self
            .groups
            .entry(group_id.to_string())
            .or_insert_with(|| GroupRecord {
                state: GroupState::Empty,
                generation: 0,
                protocol: None,
                leader: None,
                members: BTreeMap::new(),
                join_deadline: 0,
                initial_delay_until: 0,
                rebalances: 0,
                reason: None,
                next_member: 0,
            });
        let correlation_id = member.join_pending.unwrap_or(0);
        // Static member rejoining under a new id: replace the old member (KIP-345).
        if member_id.is_empty() {
            if let Some(inst) = member.instance_id.clone() {
                let old = g
                    .members
                    .iter()
                    .find(|(_, m)| m.instance_id.as_deref() == Some(&inst))
                    .map(|(id, _)| id.clone());
                if let Some(old_id) = old {
                    let prev = g.members.remove(&old_id).expect("found");
                    g.next_member += 1;
                    let new_id = format!("{inst}-{}", g.next_member);
                    if g.leader.as_deref() == Some(&old_id) {
                        g.leader = Some(new_id.clone());
                    }
                    if g.state == GroupState::Stable && prev.topics == member.topics {
                        // Nothing changed: no rebalance, hand back the current generation.
                        member.assignment = prev.assignment.clone();
                        member.join_pending = None;
                        let resp = Message::JoinGroupResponse(Box::new(JoinGroupResult {
                            correlation_id,
                            error: ErrorCode::None,
                            generation: g.generation,
                            protocol: g.protocol,
                            leader: g.leader.clone().unwrap_or_default(),
                            member_id: new_id.clone(),
                            members: Vec::new(),
                        }));
                        // The old member id is fenced: its heartbeats now get UNKNOWN_MEMBER_ID.
                        let node = member.node;
                        g.members.insert(new_id, member);
                        ctx.send(node, resp);
                        self.persist(ctx, group_id);
                        return;
                    }
                    g.members.insert(new_id.clone(), member);
                    let reason = RebalanceReason::StaticMemberChanged { instance: inst };
                    Self::prepare_rebalance(ctx, group_id, g, reason, cfg);
                    self.persist(ctx, group_id);
                    self.maybe_complete_join(ctx, group_id);
                    return;
                }
                g.next_member += 1;
                let new_id = format!("{inst}-{}", g.next_member);
                g.members.insert(new_id, member);
                Self::prepare_rebalance(
                    ctx,
                    group_id,
                    g,
                    RebalanceReason::StaticMemberJoined { instance: inst },
                    cfg,
                );
                self.persist(ctx, group_id);
                self.maybe_complete_join(ctx, group_id);
                return;
            }
            // KIP-394: a new dynamic member first gets its id, then rejoins with it.
            g.next_member += 1;
            let new_id = format!("consumer-{}-{}", member.node.0, g.next_member);
            ctx.send(
                member.node,
                Message::JoinGroupResponse(Box::new(JoinGroupResult {
                    correlation_id,
                    error: ErrorCode::MemberIdRequired,
                    generation: -1,
                    protocol: None,
                    leader: String::new(),
                    member_id: new_id,
                    members: Vec::new(),
                })),
            );
            return;
        }
        let new_member = !g.members.contains_key(&member_id);
        g.members.insert(member_id.clone(), member);
        if g.state != GroupState::PreparingRebalance {
            let reason = if new_member {
                RebalanceReason::MemberJoined { member: member_id }
            } else {
                RebalanceReason::MemberRejoined { member: member_id }
            };
            Self::prepare_rebalance(ctx, group_id, g, reason, cfg);
        }
        self.persist(ctx, group_id);
        self.maybe_complete_join(ctx, group_id);
    }

    fn prepare_rebalance(
        ctx: &mut Ctx,
        group_id: &str,
        g: &mut GroupRecord,
        reason: RebalanceReason,
        cfg: &BrokerConfig,
    ) {
        let now = ctx.now;
        let rebalance_timeout = g
            .members
            .values()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0);
        if g.state == GroupState::Empty {
            // group.initial.rebalance.delay.ms: wait for more members of a new group.
            g.initial_delay_until = now + ms(cfg.group_initial_rebalance_delay_ms);
        } else {
            g.initial_delay_until = now;
        }
        g.join_deadline = now + ms(rebalance_timeout);
        g.state = GroupState::PreparingRebalance;
        g.reason = Some(reason.clone());
        for m in g.members.values_mut() {
            m.sync_pending = None;
        }
        ctx.event(SimEvent::RebalanceStarted {
            group_id: group_id.to_string(),
            reason,
        });
    }

    /// Completes the join phase once every member rejoined (after the initial delay), or at the
    /// rebalance timeout dropping members that did not.
    fn maybe_complete_join(&mut self, ctx: &mut Ctx, group_id: &str) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group_id) else {
            return;
        };
        if g.state != GroupState::PreparingRebalance {
            return;
        }
        let all_joined = g.members.values().all(|m| m.join_pending.is_some());
        let timed_out = now >= g.join_deadline;
        if !(timed_out || (all_joined && now >= g.initial_delay_until)) {
            return;
        }
        g.members.retain(|_, m| m.join_pending.is_some());
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.generation += 1;
            g.leader = None;
            self.persist(ctx, group_id);
            return;
        }
        g.generation += 1;
        // The protocol every member supports, by members' preference votes.
        let mut votes: BTreeMap<AssignmentStrategy, (usize, usize)> = BTreeMap::new();
        let first = g
            .members
            .values()
            .next()
            .map(|m| m.protocols.clone())
            .unwrap_or_default();
        for p in &first {
            if g.members.values().all(|m| m.protocols.contains(p)) {
                let score = g
                    .members
                    .values()
                    .filter(|m| m.protocols.first() == Some(p))
                    .count();
                votes.insert(
                    *p,
                    (
                        score,
                        usize::MAX - first.iter().position(|x| x == p).unwrap_or(0),
                    ),
                );
            }
        }
        g.protocol = votes.iter().max_by_key(|(_, v)| **v).map(|(p, _)| *p);
        if g.leader
            .as_ref()
            .map(|l| !g.members.contains_key(l))
            .unwrap_or(true)
        {
            g.leader = g.members.keys().next().cloned();
        }
        g.state = GroupState::CompletingRebalance;
        let leader = g.leader.clone().unwrap_or_default();
        let all: Vec<JoinGroupMember> = g
            .members
            .iter()
            .map(|(id, m)| JoinGroupMember {
                member_id: id.clone(),
                group_instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                owned: m.owned.clone(),
                generation: m.owned_generation,
            })
            .collect();
        let error = if g.protocol.is_none() {
            ErrorCode::InconsistentGroupProtocol
        } else {
            ErrorCode::None
        };
        let mut sends = Vec::new();
        for (id, m) in g.members.iter_mut() {
            if let Some(c) = m.join_pending.take() {
                sends.push((
                    m.node,
                    Message::JoinGroupResponse(Box::new(JoinGroupResult {
                        correlation_id: c,
                        error,
                        generation: g.generation,
                        protocol: g.protocol,
                        leader: leader.clone(),
                        member_id: id.clone(),
                        members: if *id == leader {
                            all.clone()
                        } else {
                            Vec::new()
                        },
                    })),
                ));
            }
            m.last_seen = now;
        }
        for (to, msg) in sends {
            ctx.send(to, msg);
        }
        self.persist(ctx, group_id);
    }

    #[allow(clippy::too_many_arguments)]
    fn sync(
        &mut self,
        ctx: &mut Ctx,
        group_id: &str,
        from: NodeId,
        correlation_id: u64,
        generation: i32,
        member_id: String,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let reply = |ctx: &mut Ctx, error, assignment| {
            ctx.send(
                from,
                Message::SyncGroupResponse {
                    correlation_id,
                    error,
                    assignment,
                },
            )
        };
        let Some(g) = self.groups.get_mut(group_id) else {
            return reply(ctx, ErrorCode::UnknownMemberId, Vec::new());
        };
        if !g.members.contains_key(&member_id) {
            return reply(ctx, ErrorCode::UnknownMemberId, Vec::new());
        }
        if generation != g.generation {
            return reply(ctx, ErrorCode::IllegalGeneration, Vec::new());
        }
        match g.state {
            GroupState::PreparingRebalance | GroupState::Empty => {
                return reply(ctx, ErrorCode::RebalanceInProgress, Vec::new())
            }
            GroupState::Stable => {
                let a = g
                    .members
                    .get(&member_id)
                    .map(|m| m.assignment.clone())
                    .unwrap_or_default();
                return reply(ctx, ErrorCode::None, a);
            }
            GroupState::CompletingRebalance => {}
        }
        if let Some(m) = g.members.get_mut(&member_id) {
            m.sync_pending = Some(correlation_id);
            m.last_seen = ctx.now;
        }
        if g.leader.as_deref() == Some(member_id.as_str()) {
            for m in g.members.values_mut() {
                m.assignment.clear();
            }
            for (id, parts) in assignments {
                if let Some(m) = g.members.get_mut(&id) {
                    m.assignment = parts;
                }
            }
            g.state = GroupState::Stable;
            g.rebalances += 1;
            let mut sends = Vec::new();
            for m in g.members.values_mut() {
                if let Some(c) = m.sync_pending.take() {
                    sends.push((
                        m.node,
                        Message::SyncGroupResponse {
                            correlation_id: c,
                            error: ErrorCode::None,
                            assignment: m.assignment.clone(),
                        },
                    ));
                }
            }
            for (to, msg) in sends {
                ctx.send(to, msg);
            }
            ctx.event(SimEvent::RebalanceCompleted {
                group_id: group_id.to_string(),
                generation: g.generation,
                protocol: g.protocol.map(|p| p.name().to_string()).unwrap_or_default(),
                assignment: g
                    .members
                    .values()
                    .map(|m| (m.node, m.assignment.clone()))
                    .collect(),
            });
            self.persist(ctx, group_id);
        }
    }

    fn remove_member(
        &mut self,
        ctx: &mut Ctx,
        group_id: &str,
        member_id: &str,
        cause: RemovalCause,
        cfg: &BrokerConfig,
    ) {
        let Some(g) = self.groups.get_mut(group_id) else {
            return;
        };
        if g.members.remove(member_id).is_none() {
            return;
        }
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.leader = None;
            ctx.event(SimEvent::RebalanceStarted {
                group_id: group_id.to_string(),
                reason: RebalanceReason::GroupEmptied { cause },
            });
        } else if g.state != GroupState::PreparingRebalance {
            let reason = RebalanceReason::MemberRemoved {
                cause,
                member: member_id.to_string(),
            };
            Self::prepare_rebalance(ctx, group_id, g, reason, cfg);
        }
        self.persist(ctx, group_id);
        self.maybe_complete_join(ctx, group_id);
    }

    /// Periodic check: expired sessions leave; join phases complete on their deadlines.
    pub fn handle_timer(&mut self, ctx: &mut Ctx, t: CoordinatorTimer, cfg: &BrokerConfig) {
        let CoordinatorTimer::Tick = t;
        let now = ctx.now;
        let expired: Vec<(String, String)> = self
            .groups
            .iter()
            .flat_map(|(gid, g)| {
                g.members
                    .iter()
                    .filter(|(_, m)| {
                        m.join_pending.is_none()
                            && now.saturating_sub(m.last_seen) > ms(m.session_timeout_ms)
                    })
                    .map(move |(mid, _)| (gid.clone(), mid.clone()))
            })
            .collect();
        for (g, m) in expired {
            self.remove_member(ctx, &g, &m, RemovalCause::SessionExpired, cfg);
        }
        let groups: Vec<String> = self.groups.keys().cloned().collect();
        for g in groups {
            self.maybe_complete_join(ctx, &g);
        }
        if self.groups.is_empty() {
            self.ticking = false;
        } else {
            ctx.timer_in(ms(TICK_MS), Timer::Coordinator(CoordinatorTimer::Tick));
        }
    }

    /// The groups this coordinator hosts.
    pub fn snapshot(&self) -> Vec<GroupSnapshot> {
        self.groups
            .iter()
            .map(|(id, g)| GroupSnapshot {
                group_id: id.clone(),
                coordinator: self.broker,
                state: g.state,
                generation: g.generation,
                protocol: g.protocol.map(|p| p.name().to_string()),
                members: g
                    .members
                    .iter()
                    .map(|(mid, m)| (mid.clone(), m.node, m.assignment.clone()))
                    .collect(),
                rebalances: g.rebalances,
            })
            .collect()
    }
}
