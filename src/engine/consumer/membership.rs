//! Group membership: coordinator discovery, JoinGroup/SyncGroup, the leader's assignment,
//! eager and cooperative revocation, heartbeats, commits, leaving.

use std::collections::BTreeMap;

use super::*;
use crate::engine::assignor::{self, AssignorKind, MemberSubscription};
use crate::engine::protocol::{ErrorCode, JoinGroup, JoinGroupResult, OffsetCommit, SyncGroup};
use crate::engine::time::ms;

fn kind_of(s: AssignmentStrategy) -> AssignorKind {
    match s {
        AssignmentStrategy::Range => AssignorKind::Range,
        AssignmentStrategy::RoundRobin => AssignorKind::RoundRobin,
        AssignmentStrategy::Sticky => AssignorKind::Sticky,
        AssignmentStrategy::CooperativeSticky => AssignorKind::CooperativeSticky,
    }
}

impl Consumer {
    fn any_broker(&self, ctx: &mut Ctx<ConsumerTimer>) -> BrokerId {
        self.bootstrap[ctx.rng.below(self.bootstrap.len().max(1) as u64) as usize
            % self.bootstrap.len().max(1)]
    }

    fn retry_later(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        ctx.timer_in(
            ms(self.config.retry_backoff_ms.max(1)),
            ConsumerTimer::Retry,
        );
    }

    pub(super) fn find_coordinator(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.bootstrap.is_empty()
            || self
                .pending
                .values()
                .any(|p| matches!(p, Pending::FindCoordinator))
        {
            return;
        }
        self.state = if self.state == MemberState::Stable {
            MemberState::Stable
        } else {
            MemberState::FindingCoordinator
        };
        self.coordinator = None;
        let b = self.any_broker(ctx);
        let group_id = self.spec.group_id.clone();
        let t = self.config.request_timeout_ms.min(5_000);
        self.request(
            ctx,
            b,
            Pending::FindCoordinator,
            |c| Message::FindCoordinatorRequest {
                correlation_id: c,
                group_id,
            },
            t,
        );
    }

    pub(super) fn on_find_coordinator(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        error: ErrorCode,
        coordinator: BrokerId,
    ) {
        if error != ErrorCode::None {
            return self.retry_later(ctx);
        }
        self.coordinator = Some(coordinator);
        if self.state != MemberState::Stable || self.generation < 0 {
            self.join(ctx);
        } else {
            self.schedule_heartbeat(ctx);
        }
    }

    /// Revokes partitions (their progress was committed by `join`, as
    /// `ConsumerCoordinator.onJoinPrepare` does before a rebalance).
    fn revoke(&mut self, ctx: &mut Ctx<ConsumerTimer>, parts: Vec<TopicPartition>) {
        if parts.is_empty() {
            return;
        }
        for tp in &parts {
            self.assigned.remove(tp);
        }
        self.buffer.drop_partitions(&parts);
        ctx.event(SimEvent::PartitionsRevoked {
            group: self.group,
            consumer: self.index,
            partitions: parts,
        });
    }

    pub(super) fn join(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        let Some(coord) = self.coordinator else {
            return self.find_coordinator(ctx);
        };
        if self.pending.values().any(|p| matches!(p, Pending::Join)) {
            return;
        }
        self.rejoin_pending = false;
        self.commit_before_rebalance(ctx);
        let cooperative = self
            .config
            .partition_assignment_strategy
            .first()
            .map(|s| s.is_cooperative())
            .unwrap_or(false);
        if !cooperative {
            // Eager: give everything up before rejoining.
            let all: Vec<TopicPartition> = self.assigned.keys().copied().collect();
            self.revoke(ctx, all);
        }
        self.state = MemberState::Joining;
        self.hb_gen += 1; // no heartbeats while joining
        let owned: Vec<TopicPartition> = self.assigned.keys().copied().collect();
        let topics: Vec<String> = self
            .topics
            .iter()
            .map(|&t| ctx.topics.name(t).to_string())
            .collect();
        let (group_id, member_id, instance) = (
            self.spec.group_id.clone(),
            self.member_id.clone(),
            self.instance_id.clone(),
        );
        let (session, rebalance) = (
            self.config.session_timeout_ms,
            self.config.max_poll_interval_ms,
        );
        let protocols = self.config.partition_assignment_strategy.clone();
        let generation = (self.generation >= 0).then_some(self.generation);
        self.request(
            ctx,
            coord,
            Pending::Join,
            |c| {
                Message::JoinGroupRequest(Box::new(JoinGroup {
                    correlation_id: c,
                    group_id,
                    member_id,
                    group_instance_id: instance,
                    session_timeout_ms: session,
                    rebalance_timeout_ms: rebalance,
                    protocols,
                    topics,
                    owned,
                    generation,
                }))
            },
            rebalance.saturating_add(5_000),
        );
    }

    pub(super) fn on_join(&mut self, ctx: &mut Ctx<ConsumerTimer>, msg: Message) {
        let Message::JoinGroupResponse(resp) = msg else {
            return;
        };
        let JoinGroupResult {
            error,
            generation,
            protocol,
            leader,
            member_id,
            members,
            ..
        } = *resp;
        match error {
            ErrorCode::None => {}
            ErrorCode::MemberIdRequired => {
                self.member_id = member_id;
                return self.join(ctx);
            }
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                self.member_id.clear();
                return self.join(ctx);
            }
            ErrorCode::NotCoordinator
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::CoordinatorLoadInProgress => {
                self.coordinator = None;
                return self.retry_later(ctx);
            }
            _ => return self.retry_later(ctx),
        }
        self.member_id = member_id.clone();
        self.generation = generation;
        self.protocol = protocol;
        let mut assignments = Vec::new();
        if leader == member_id && !members.is_empty() {
            assignments = self.assign(ctx, &members);
        }
        let Some(coord) = self.coordinator else {
            return;
        };
        self.state = MemberState::Syncing;
        let (group_id, instance) = (self.spec.group_id.clone(), self.instance_id.clone());
        let t = self.config.request_timeout_ms;
        self.request(
            ctx,
            coord,
            Pending::Sync,
            |c| {
                Message::SyncGroupRequest(Box::new(SyncGroup {
                    correlation_id: c,
                    group_id,
                    generation,
                    member_id,
                    group_instance_id: instance,
                    assignments,
                }))
            },
            t,
        );
        self.schedule_heartbeat(ctx);
    }

    /// The leader runs the chosen assignor over every member's subscription.
    fn assign(
        &self,
        ctx: &Ctx<ConsumerTimer>,
        members: &[crate::engine::protocol::JoinGroupMember],
    ) -> Vec<(String, Vec<TopicPartition>)> {
        let kind = kind_of(self.protocol.unwrap_or(AssignmentStrategy::Range));
        let mut per_topic = BTreeMap::new();
        for m in members {
            for t in &m.topics {
                if let Some(ti) = ctx.topics.index_of(t) {
                    per_topic.insert(t.clone(), ctx.topics.partitions(ti));
                }
            }
        }
        let subs: Vec<MemberSubscription> = members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                topics: m.topics.clone(),
                owned_partitions: m
                    .owned
                    .iter()
                    .map(|tp| assignor::TopicPartition {
                        topic: ctx.topics.name(tp.topic).to_string(),
                        partition: tp.partition,
                    })
                    .collect(),
                generation: m.generation,
            })
            .collect();
        let result = assignor::assign(kind, &per_topic, &subs).unwrap_or_default();
        result
            .into_iter()
            .map(|(member, parts)| {
                let tps = parts
                    .into_iter()
                    .filter_map(|p| {
                        ctx.topics
                            .index_of(&p.topic)
                            .map(|t| TopicPartition::new(t, p.partition))
                    })
                    .collect();
                (member, tps)
            })
            .collect()
    }

    pub(super) fn on_sync(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        error: ErrorCode,
        assignment: Vec<TopicPartition>,
    ) {
        match error {
            ErrorCode::None => {}
            ErrorCode::RebalanceInProgress | ErrorCode::IllegalGeneration => return self.join(ctx),
            ErrorCode::UnknownMemberId => {
                self.member_id.clear();
                return self.join(ctx);
            }
            _ => {
                self.coordinator = None;
                return self.retry_later(ctx);
            }
        }
        let revoked: Vec<TopicPartition> = self
            .assigned
            .keys()
            .filter(|tp| !assignment.contains(tp))
            .copied()
            .collect();
        let added: Vec<TopicPartition> = assignment
            .iter()
            .filter(|tp| !self.assigned.contains_key(tp))
            .copied()
            .collect();
        let cooperative_second_round = !revoked.is_empty();
        self.revoke(ctx, revoked);
        for tp in &added {
            self.assigned.insert(
                *tp,
                Assigned {
                    fetch_position: None,
                    consumed_position: None,
                    committed: None,
                    high_watermark: 0,
                },
            );
        }
        if !added.is_empty() {
            ctx.event(SimEvent::PartitionsAssigned {
                group: self.group,
                consumer: self.index,
                partitions: added.clone(),
            });
            self.fetch_committed(ctx, added);
        }
        self.state = MemberState::Stable;
        self.schedule_heartbeat(ctx);
        self.reset_auto_commit(ctx);
        self.kick_poll(ctx);
        if cooperative_second_round {
            // KIP-429: partitions revoked in this round are reassigned in a follow-up rebalance.
            self.join(ctx);
        }
    }

    pub(super) fn schedule_heartbeat(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        self.hb_gen += 1;
        ctx.timer_in(
            ms(self.config.heartbeat_interval_ms.max(1)),
            ConsumerTimer::Heartbeat { gen: self.hb_gen },
        );
    }

    pub(super) fn send_heartbeat(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        let Some(coord) = self.coordinator else {
            return self.find_coordinator(ctx);
        };
        if self.member_id.is_empty()
            || !matches!(self.state, MemberState::Stable | MemberState::Syncing)
        {
            return;
        }
        let (group_id, member_id, generation) = (
            self.spec.group_id.clone(),
            self.member_id.clone(),
            self.generation,
        );
        let t = self.config.session_timeout_ms;
        self.request(
            ctx,
            coord,
            Pending::Heartbeat,
            |c| Message::HeartbeatRequest {
                correlation_id: c,
                group_id,
                generation,
                member_id,
            },
            t,
        );
        self.schedule_heartbeat(ctx);
    }

    pub(super) fn on_heartbeat(&mut self, ctx: &mut Ctx<ConsumerTimer>, error: ErrorCode) {
        if self.processor.is_some() {
            self.refetch_unpositioned(ctx);
        }
        match error {
            ErrorCode::None => {}
            ErrorCode::RebalanceInProgress | ErrorCode::IllegalGeneration => {
                self.rejoin_when_polling(ctx)
            }
            ErrorCode::UnknownMemberId | ErrorCode::FencedInstanceId => {
                self.member_id.clear();
                self.rejoin_when_polling(ctx);
            }
            _ => {
                self.coordinator = None;
                self.find_coordinator(ctx);
            }
        }
    }

    /// Commits the consumed position of every assigned partition that moved.
    pub(super) fn commit(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        let parts: Vec<TopicPartition> = self.assigned.keys().copied().collect();
        self.commit_only(ctx, &parts);
        self.positions_moved = false;
    }

    pub(super) fn commit_only(&mut self, ctx: &mut Ctx<ConsumerTimer>, parts: &[TopicPartition]) {
        let Some(coord) = self.coordinator else {
            return;
        };
        if self.member_id.is_empty() {
            return;
        }
        let offsets: Vec<(TopicPartition, u64)> = parts
            .iter()
            .filter_map(|tp| {
                let a = self.assigned.get(tp)?;
                let pos = a.consumed_position?;
                (a.committed != Some(pos)).then_some((*tp, pos))
            })
            .collect();
        if offsets.is_empty() {
            return;
        }
        let (group_id, member_id, generation) = (
            self.spec.group_id.clone(),
            self.member_id.clone(),
            self.generation,
        );
        let t = self.config.request_timeout_ms;
        self.request(
            ctx,
            coord,
            Pending::Commit,
            |c| {
                Message::OffsetCommitRequest(Box::new(OffsetCommit {
                    correlation_id: c,
                    group_id,
                    generation,
                    member_id,
                    offsets,
                }))
            },
            t,
        );
    }

    pub(super) fn on_commit(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        error: ErrorCode,
        offsets: Vec<(TopicPartition, u64)>,
    ) {
        if error != ErrorCode::None {
            if matches!(
                error,
                ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
            ) {
                self.coordinator = None;
                self.find_coordinator(ctx);
            }
            return;
        }
        for (tp, off) in &offsets {
            if let Some(a) = self.assigned.get_mut(tp) {
                a.committed = Some(a.committed.map_or(*off, |c| c.max(*off)));
            }
        }
        ctx.event(SimEvent::OffsetsCommitted {
            group: self.group,
            consumer: self.index,
            offsets,
        });
    }

    pub(super) fn on_request_failed(&mut self, ctx: &mut Ctx<ConsumerTimer>, kind: Pending) {
        match kind {
            Pending::FindCoordinator => self.retry_later(ctx),
            Pending::Join
            | Pending::Sync
            | Pending::Heartbeat
            | Pending::Commit
            | Pending::OffsetFetch
            | Pending::Leave => {
                self.coordinator = None;
                if matches!(kind, Pending::Join | Pending::Sync) {
                    self.state = MemberState::Joining;
                }
                self.retry_later(ctx);
            }
            Pending::Metadata => self.retry_later(ctx),
            Pending::ListOffsets => {
                self.request_metadata(ctx);
                self.retry_later(ctx);
            }
            Pending::Fetch(leader) => {
                // `AbstractFetch.handleFetchFailure`: partitions read from that node go back
                // to their leaders (KIP-392).
                self.read_replicas.retain(|_, (b, _)| *b != leader);
                for (l, _) in self.leaders.values_mut() {
                    if *l == Some(leader) {
                        *l = None;
                    }
                }
                self.request_metadata(ctx);
                self.kick_poll(ctx);
            }
        }
    }

    /// `max.poll.interval.ms` passed inside one poll's processing: the heartbeat thread leaves
    /// the group (its partitions go to others); the consumer rejoins when processing ends.
    pub(super) fn leave_for_slow_poll(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if let Some(coord) = self.coordinator {
            let (group_id, member_id) = (self.spec.group_id.clone(), self.member_id.clone());
            let t = self.config.request_timeout_ms;
            self.request(
                ctx,
                coord,
                Pending::Leave,
                |c| Message::LeaveGroupRequest {
                    correlation_id: c,
                    group_id,
                    member_id,
                },
                t,
            );
        }
        ctx.event(SimEvent::ConsumerLeft {
            group: self.group,
            consumer: self.index,
            reason: crate::engine::reasons::LeaveReason::PollTimeout {
                max_poll_interval_ms: self.config.max_poll_interval_ms,
            },
        });
        let parts: Vec<TopicPartition> = self.assigned.keys().copied().collect();
        for tp in &parts {
            self.assigned.remove(tp);
        }
        self.buffer.clear();
        self.member_id.clear();
        self.generation = -1;
        self.state = MemberState::Left;
        self.hb_gen += 1;
    }
}
