//! The classic-protocol group state machine: Empty → PreparingRebalance → CompletingRebalance
//! → Stable, as Kafka's `ClassicGroup`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{offsets_partition_for, CoordinatorTimer};
use crate::engine::config::{AssignmentStrategy, BrokerConfig};
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicPartition};
use crate::engine::log::PartitionLog;
use crate::engine::protocol::{
    ErrorCode, InternalRecord, JoinGroup, JoinGroupMember, JoinGroupResult, Message, OffsetCommit,
    SyncGroup,
};
use crate::engine::reasons::{RebalanceReason, RemovalCause};
use crate::engine::time::{ms, SimTime};
use crate::engine::tp_map::TpMap;

mod rebalance;
pub mod txn_offsets;

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

/// A record the coordinator wants appended to its `__consumer_offsets` partition, and the
/// response to send once it is committed (the high watermark passed it), as Kafka's
/// coordinator answers an OffsetCommit only when its records are replicated.
#[derive(Clone, Debug, PartialEq)]
pub struct CoordinatorWrite {
    /// The `__consumer_offsets` partition.
    pub partition: u32,
    /// The record.
    pub record: InternalRecord,
    /// Sent once the write is committed (`None`: nobody waits).
    pub reply: Option<(NodeId, Message)>,
}

/// The coordinator hosted by one broker.
#[derive(Clone, Debug)]
pub struct GroupCoordinator {
    broker: BrokerId,
    groups: BTreeMap<String, GroupRecord>,
    /// Committed offsets of the groups loaded here, as replayed from and written to the log.
    offsets: BTreeMap<String, BTreeMap<TopicPartition, u64>>,
    /// Writes for the hosting broker to append (drained with [`GroupCoordinator::take_writes`]).
    writes: Vec<CoordinatorWrite>,
    ticking: bool,
    /// Offsets of open transactions (`TxnOffsetCommit`), per group and producer id, until
    /// their marker ([`txn_offsets`]).
    pending_txn: txn_offsets::PendingTxnOffsets,
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
            offsets: BTreeMap::new(),
            writes: Vec::new(),
            ticking: false,
            pending_txn: Default::default(),
        }
    }

    /// The writes produced since the last call.
    pub fn take_writes(&mut self) -> Vec<CoordinatorWrite> {
        std::mem::take(&mut self.writes)
    }

    /// The committed offsets of `group`, if this coordinator has it loaded.
    pub fn committed(&self, group: &str) -> Option<&BTreeMap<TopicPartition, u64>> {
        self.offsets.get(group)
    }

    /// Whether this coordinator hosts `group` (its offsets partition is led here and loaded).
    pub fn hosts(&self, group: &str) -> bool {
        self.groups.contains_key(group) || self.offsets.contains_key(group)
    }

    fn ensure_tick(&mut self, ctx: &mut Ctx<CoordinatorTimer>) {
        if !self.ticking {
            self.ticking = true;
            ctx.timer_in(ms(TICK_MS), CoordinatorTimer::Tick);
        }
    }

    /// Leadership of `__consumer_offsets` partitions changed: unload the groups of partitions
    /// no longer led here, and load those of newly led partitions by replaying their log
    /// (Kafka's `GroupMetadataManager` loading: offset commits and the last group metadata).
    pub fn on_leadership_change(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
        led: &BTreeSet<u32>,
        logs: &TpMap<PartitionLog>,
    ) {
        let Some(topic) = ctx.topics.offsets_topic() else {
            return;
        };
        let n = ctx.topics.partitions(topic);
        let mut loaded: BTreeSet<u32> = self
            .groups
            .keys()
            .chain(self.offsets.keys())
            .map(|g| offsets_partition_for(g, n))
            .collect();
        loaded.retain(|p| led.contains(p));
        self.groups
            .retain(|g, _| led.contains(&offsets_partition_for(g, n)));
        self.offsets
            .retain(|g, _| led.contains(&offsets_partition_for(g, n)));
        self.pending_txn
            .retain(|g| led.contains(&offsets_partition_for(g, n)));
        let now = ctx.now;
        let mut stored: BTreeMap<String, GroupRecord> = BTreeMap::new();
        for &p in led.iter().filter(|p| !loaded.contains(p)) {
            let Some(log) = logs.get(&TopicPartition::new(topic, p)) else {
                continue;
            };
            let mut replay = txn_offsets::Replay::default();
            for item in txn_offsets::log_in_order(log, u64::MAX) {
                match item {
                    txn_offsets::LogItem::Marker {
                        producer_id,
                        commit,
                    } => replay.marker(producer_id, commit),
                    txn_offsets::LogItem::Record(InternalRecord::GroupMetadata {
                        group,
                        record,
                    }) => {
                        stored.insert(group.clone(), (**record).clone());
                    }
                    txn_offsets::LogItem::Record(r) => replay.record(r),
                }
            }
            let (committed, pending) = replay.finish();
            for (group, offsets) in committed {
                self.offsets.entry(group).or_default().extend(offsets);
            }
            self.pending_txn.load(pending);
        }
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
                let timeout = rec
                    .members
                    .values()
                    .map(|m| m.rebalance_timeout_ms)
                    .max()
                    .unwrap_or(0);
                rec.join_deadline = now.saturating_add(ms(timeout));
            }
            self.groups.insert(g, rec);
        }
        if !self.groups.is_empty() {
            self.ensure_tick(ctx);
        }
    }

    /// Writes the group's metadata to its offsets partition (at the end of a generation, and
    /// when the group empties or a static member is replaced, as Kafka's `storeGroup`).
    fn persist(&mut self, ctx: &mut Ctx<CoordinatorTimer>, group_id: &str) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let n = ctx
            .topics
            .offsets_topic()
            .map(|t| ctx.topics.partitions(t))
            .unwrap_or(1);
        self.writes.push(CoordinatorWrite {
            partition: offsets_partition_for(group_id, n),
            record: InternalRecord::GroupMetadata {
                group: group_id.to_string(),
                record: Box::new(g.clone()),
            },
            reply: None,
        });
    }

    /// Handles a group request from `from`.
    pub fn handle_request(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
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
                if error != ErrorCode::None {
                    ctx.send(
                        from,
                        Message::OffsetCommitResponse {
                            correlation_id,
                            error,
                            offsets,
                        },
                    );
                    return;
                }
                // The commit is a record in the group's offsets partition; the member hears
                // back once it is replicated (the broker holds the response until then).
                let entry = self.offsets.entry(group_id.clone()).or_default();
                for (tp, off) in &offsets {
                    entry.insert(*tp, *off);
                }
                self.writes.push(CoordinatorWrite {
                    partition: offsets_partition_for(&group_id, n),
                    record: InternalRecord::OffsetCommits {
                        group: group_id.clone(),
                        offsets: offsets.clone(),
                    },
                    reply: Some((
                        from,
                        Message::OffsetCommitResponse {
                            correlation_id,
                            error,
                            offsets,
                        },
                    )),
                });
            }
            Message::OffsetFetchRequest {
                correlation_id,
                partitions,
                ..
            } => {
                if self.pending_txn.any_pending(&group_id, &partitions) {
                    // KIP-447: a transaction holds offsets of these partitions; the member
                    // (read_committed, `requireStable`) asks again once it completes.
                    ctx.send(
                        from,
                        Message::OffsetFetchResponse {
                            correlation_id,
                            error: ErrorCode::UnstableOffsetCommit,
                            offsets: Vec::new(),
                        },
                    );
                    return;
                }
                let committed = self.offsets.get(&group_id);
                let offsets = partitions
                    .into_iter()
                    .map(|tp| (tp, committed.and_then(|c| c.get(&tp).copied())))
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

    /// Periodic check: expired sessions leave; join phases complete on their deadlines.
    pub fn handle_timer(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
        t: CoordinatorTimer,
        cfg: &BrokerConfig,
    ) {
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
            ctx.timer_in(ms(TICK_MS), CoordinatorTimer::Tick);
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
