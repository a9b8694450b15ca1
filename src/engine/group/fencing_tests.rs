//! The coordinator's offset-commit fencing (issue 21), driven through its requests and answers:
//! a commit is stored only from a current member in the group's current generation
//! (`OffsetMetadataManager.validateOffsetCommit`: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
//! REBALANCE_IN_PROGRESS while the assignment is being synced); a zombie of an older
//! generation cannot move the committed offset.

use std::collections::BTreeSet;

use crate::engine::config::{AssignmentStrategy, BrokerConfig};
use crate::engine::ctx::{Ctx, Outbox};
use crate::engine::ids::{NodeId, TopicInfo, TopicPartition, TopicTable, OFFSETS_TOPIC};
use crate::engine::protocol::{ErrorCode, JoinGroup, Message, OffsetCommit, SyncGroup};
use crate::engine::rng::SimRng;
use crate::engine::time::{ms, SimTime};

use super::{CoordinatorTimer, GroupCoordinator};

struct Harness {
    coordinator: GroupCoordinator,
    topics: TopicTable,
    rng: SimRng,
    now: SimTime,
    corr: u64,
}

fn tp() -> TopicPartition {
    TopicPartition::new(1, 0)
}

impl Harness {
    fn new() -> Self {
        let topic = |name: &str, internal| TopicInfo {
            name: name.into(),
            partitions: 1,
            replication_factor: 1,
            internal,
        };
        Harness {
            coordinator: GroupCoordinator::new(1),
            topics: TopicTable {
                topics: vec![topic(OFFSETS_TOPIC, true), topic("t", false)],
            },
            rng: SimRng::new(1),
            now: 0,
            corr: 0,
        }
    }

    fn ctx_run(
        &mut self,
        f: impl FnOnce(&mut GroupCoordinator, &mut Ctx<CoordinatorTimer>),
    ) -> Vec<(NodeId, Message)> {
        let mut out = Outbox::default();
        let mut ctx = Ctx::new(self.now, NodeId(1), &mut self.rng, &self.topics, &mut out);
        f(&mut self.coordinator, &mut ctx);
        // The hosting broker answers a write once it is committed; here at once.
        let mut sends = out.sends;
        sends.extend(
            self.coordinator
                .take_writes()
                .into_iter()
                .filter_map(|w| w.reply),
        );
        sends
    }

    fn send(&mut self, from: u32, msg: Message) -> Vec<(NodeId, Message)> {
        let led: BTreeSet<u32> = [0].into();
        let cfg = BrokerConfig::default();
        self.ctx_run(|c, ctx| c.handle_request(ctx, NodeId(from), msg, &cfg, &led))
    }

    /// Advances to `at`, running the coordinator's periodic check.
    fn tick(&mut self, at: SimTime) -> Vec<(NodeId, Message)> {
        self.now = at;
        let cfg = BrokerConfig::default();
        self.ctx_run(|c, ctx| c.handle_timer(ctx, CoordinatorTimer::Tick, &cfg))
    }

    fn next(&mut self) -> u64 {
        self.corr += 1;
        self.corr
    }

    fn join(&mut self, node: u32, member_id: &str) -> Vec<(NodeId, Message)> {
        let correlation_id = self.next();
        self.send(
            node,
            Message::JoinGroupRequest(Box::new(JoinGroup {
                correlation_id,
                group_id: "g".into(),
                member_id: member_id.into(),
                group_instance_id: None,
                session_timeout_ms: 45_000,
                rebalance_timeout_ms: 300_000,
                protocols: vec![AssignmentStrategy::Range],
                topics: vec!["t".into()],
                owned: Vec::new(),
                generation: None,
            })),
        )
    }

    fn sync(
        &mut self,
        node: u32,
        member_id: &str,
        generation: i32,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) -> Vec<(NodeId, Message)> {
        let correlation_id = self.next();
        self.send(
            node,
            Message::SyncGroupRequest(Box::new(SyncGroup {
                correlation_id,
                group_id: "g".into(),
                generation,
                member_id: member_id.into(),
                group_instance_id: None,
                assignments,
            })),
        )
    }

    /// Commits `offset` for the partition; returns the coordinator's error.
    fn commit(&mut self, node: u32, member_id: &str, generation: i32, offset: u64) -> ErrorCode {
        let correlation_id = self.next();
        let sent = self.send(
            node,
            Message::OffsetCommitRequest(Box::new(OffsetCommit {
                correlation_id,
                group_id: "g".into(),
                generation,
                member_id: member_id.into(),
                offsets: vec![(tp(), offset)],
            })),
        );
        match &sent[..] {
            [(n, Message::OffsetCommitResponse { error, .. })] if n.0 == node => *error,
            other => panic!("one commit answer to {node}: {other:?}"),
        }
    }

    /// The committed offset, as an OffsetFetch answers it.
    fn committed(&mut self) -> Option<u64> {
        let correlation_id = self.next();
        let sent = self.send(
            7,
            Message::OffsetFetchRequest {
                correlation_id,
                group_id: "g".into(),
                partitions: vec![tp()],
            },
        );
        match &sent[..] {
            [(_, Message::OffsetFetchResponse { offsets, .. })] => offsets[0].1,
            other => panic!("one fetch answer: {other:?}"),
        }
    }
}

/// `(member id, generation, error)` of the JoinGroup answers in `sent`.
fn joined(sent: &[(NodeId, Message)]) -> Vec<(u32, String, i32, ErrorCode)> {
    sent.iter()
        .filter_map(|(n, m)| match m {
            Message::JoinGroupResponse(r) => {
                Some((n.0, r.member_id.clone(), r.generation, r.error))
            }
            _ => None,
        })
        .collect()
}

fn synced(sent: &[(NodeId, Message)]) -> Vec<ErrorCode> {
    sent.iter()
        .filter_map(|(_, m)| match m {
            Message::SyncGroupResponse { error, .. } => Some(*error),
            _ => None,
        })
        .collect()
}

#[test]
fn only_current_members_of_the_current_generation_move_the_committed_offset() {
    let mut h = Harness::new();
    // Member A (node 9) gets its id (KIP-394), joins, and after the initial delay leads gen 1.
    let a = joined(&h.join(9, ""))[0].1.clone();
    assert!(
        joined(&h.join(9, &a)).is_empty(),
        "waits for the initial delay"
    );
    let gen1 = joined(&h.tick(ms(3_500)));
    assert_eq!(gen1, vec![(9, a.clone(), 1, ErrorCode::None)]);
    assert_eq!(
        synced(&h.sync(9, &a, 1, vec![(a.clone(), vec![tp()])])),
        vec![ErrorCode::None]
    );

    assert_eq!(h.commit(9, &a, 1, 10), ErrorCode::None);
    assert_eq!(h.committed(), Some(10));
    // A stale generation, an unknown member: refused, nothing stored.
    assert_eq!(h.commit(9, &a, 0, 20), ErrorCode::IllegalGeneration);
    assert_eq!(
        h.commit(5, "consumer-5-99", 1, 30),
        ErrorCode::UnknownMemberId
    );
    assert_eq!(
        h.commit(5, "", -1, 30),
        ErrorCode::UnknownMemberId,
        "the group has members"
    );
    assert_eq!(h.committed(), Some(10));

    // B (node 8) joins: a rebalance starts. A, still in generation 1, may commit until it
    // rejoins (Kafka accepts commits of the current generation while preparing).
    let b = joined(&h.join(8, ""))[0].1.clone();
    h.join(8, &b);
    assert_eq!(h.commit(9, &a, 1, 40), ErrorCode::None);
    assert_eq!(h.committed(), Some(40));
    let gen2 = joined(&h.join(9, &a));
    assert_eq!(gen2.len(), 2, "both members rejoined: {gen2:?}");
    assert!(gen2
        .iter()
        .all(|(_, _, g, e)| *g == 2 && *e == ErrorCode::None));
    // Generation 2 is being synced: commits wait; generation 1 is now a zombie's.
    assert_eq!(h.commit(9, &a, 2, 45), ErrorCode::RebalanceInProgress);
    assert_eq!(h.commit(9, &a, 1, 45), ErrorCode::IllegalGeneration);
    let sync = h.sync(9, &a, 2, vec![(a.clone(), vec![]), (b.clone(), vec![tp()])]);
    assert_eq!(synced(&sync), vec![ErrorCode::None]);
    assert_eq!(synced(&h.sync(8, &b, 2, vec![])), vec![ErrorCode::None]);
    assert_eq!(h.commit(8, &b, 2, 60), ErrorCode::None);
    // The zombie's late commit of what it had reached cannot move the offset back.
    assert_eq!(h.commit(9, &a, 1, 40), ErrorCode::IllegalGeneration);
    assert_eq!(h.committed(), Some(60));
    // Once A's session (45 s) has expired, A is unknown, whatever generation it sends.
    h.tick(ms(3_500) + ms(60_000));
    assert_eq!(h.commit(9, &a, 2, 65), ErrorCode::UnknownMemberId);
    assert_eq!(h.committed(), Some(60));
}

/// LeaveGroup (`GroupMetadataManager.classicGroupLeave`): a member that leaves is removed at
/// once — its commits are refused as UNKNOWN_MEMBER_ID without waiting for its session to
/// expire — and the group rebalances without it; an unknown member's leave is refused.
#[test]
fn a_member_that_leaves_is_removed_at_once() {
    let mut h = Harness::new();
    let a = joined(&h.join(9, ""))[0].1.clone();
    h.join(9, &a);
    assert_eq!(joined(&h.tick(ms(3_500))).len(), 1);
    h.sync(9, &a, 1, vec![(a.clone(), vec![tp()])]);
    assert_eq!(h.commit(9, &a, 1, 10), ErrorCode::None);

    let leave = |h: &mut Harness, member_id: &str| {
        let correlation_id = h.next();
        let sent = h.send(
            9,
            Message::LeaveGroupRequest {
                correlation_id,
                group_id: "g".into(),
                member_id: member_id.into(),
            },
        );
        match &sent[..] {
            [(
                NodeId(9),
                Message::LeaveGroupResponse {
                    correlation_id: c,
                    error,
                },
            )] if *c == correlation_id => *error,
            other => panic!("one LeaveGroup answer: {other:?}"),
        }
    };
    assert_eq!(leave(&mut h, &a), ErrorCode::None);
    assert_eq!(
        h.commit(9, &a, 1, 20),
        ErrorCode::UnknownMemberId,
        "gone before its 45 s session ran out"
    );
    assert_eq!(leave(&mut h, &a), ErrorCode::UnknownMemberId);
    assert_eq!(h.committed(), Some(10));
}

/// Commits outside group management (`assign()` consumers, tools: generation -1, no member
/// id) are stored for a group that does not exist or has no members
/// (`OffsetMetadataManager.validateOffsetCommit` for a simple group); a generation of 0 or
/// more names a generation no such group has, and a group with members refuses them.
#[test]
fn commits_without_a_generation_are_stored_only_for_a_group_without_members() {
    let mut h = Harness::new();
    assert_eq!(h.commit(9, "", 0, 5), ErrorCode::IllegalGeneration);
    assert_eq!(h.commit(9, "", 1, 5), ErrorCode::IllegalGeneration);
    assert_eq!(h.committed(), None);
    assert_eq!(h.commit(9, "", -1, 5), ErrorCode::None);
    assert_eq!(h.committed(), Some(5));

    // A member joins (generation 1) and leaves: the group stays, empty.
    let a = joined(&h.join(9, ""))[0].1.clone();
    h.join(9, &a);
    h.tick(ms(3_500));
    h.sync(9, &a, 1, vec![(a.clone(), vec![tp()])]);
    assert_eq!(
        h.commit(8, "", -1, 6),
        ErrorCode::UnknownMemberId,
        "it has a member"
    );
    let correlation_id = h.next();
    h.send(
        9,
        Message::LeaveGroupRequest {
            correlation_id,
            group_id: "g".into(),
            member_id: a.clone(),
        },
    );
    assert_eq!(
        h.commit(8, "", 0, 8),
        ErrorCode::UnknownMemberId,
        "a generation names a member"
    );
    assert_eq!(
        h.commit(8, "", -1, 7),
        ErrorCode::None,
        "no members any more"
    );
    assert_eq!(h.committed(), Some(7));
}
