//! Rebalances in the classic group protocol: JoinGroup (with KIP-394's MEMBER_ID_REQUIRED and
//! the join deadline), the move to CompletingRebalance once every member has rejoined,
//! SyncGroup (the leader's assignment handed out), and members leaving.

use super::*;

impl GroupCoordinator {
    pub(super) fn join(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
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
        self.maybe_complete_join(ctx, group_id);
    }

    pub(super) fn prepare_rebalance(
        ctx: &mut Ctx<CoordinatorTimer>,
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
            g.initial_delay_until = now.saturating_add(ms(cfg.group_initial_rebalance_delay_ms));
        } else {
            g.initial_delay_until = now;
        }
        g.join_deadline = now.saturating_add(ms(rebalance_timeout));
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
    pub(super) fn maybe_complete_join(&mut self, ctx: &mut Ctx<CoordinatorTimer>, group_id: &str) {
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
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn sync(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
        group_id: &str,
        from: NodeId,
        correlation_id: u64,
        generation: i32,
        member_id: String,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) {
        let reply = |ctx: &mut Ctx<CoordinatorTimer>, error, assignment| {
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

    pub(super) fn remove_member(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
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
        if self
            .groups
            .get(group_id)
            .is_some_and(|g| g.state == GroupState::Empty)
        {
            self.persist(ctx, group_id);
        }
        self.maybe_complete_join(ctx, group_id);
    }
}
