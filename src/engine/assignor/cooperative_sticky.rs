//! `CooperativeStickyAssignor` ("cooperative-sticky", KIP-429) and the follow-up rebalance.
//!
//! The assignor computes the sticky target, then removes from it every partition that moves
//! from one member that still owns it to another (`partitionsTransferringOwnership`, or,
//! after the general algorithm, the partitions both added to some member and revoked from
//! another). The current owner revokes those partitions on receiving its assignment
//! (`ConsumerCoordinator.onJoinComplete`: owned minus assigned) and, having revoked something,
//! rejoins; in that follow-up rebalance nobody owns them any more and they are assigned.
//!
//! The engine runs the follow-up like this: after a cooperative rebalance at generation `g`,
//! if [`revoked_partitions`] is non-empty, every member rejoins with
//! [`follow_up_members`]`(members, &assignment, g)` and the leader assigns again;
//! [`reassigned_after_revocation`] does both steps at once.

use super::sticky;
use super::{
    assign, AssignError, Assignment, AssignorKind, Group, MemberSubscription, TopicPartition,
};
use std::collections::{BTreeMap, BTreeSet};

/// Cooperative-sticky assignment; one partition list per member of `group.members`.
pub(crate) fn assign_group(group: &Group) -> Result<Vec<Vec<TopicPartition>>, AssignError> {
    let outcome = sticky::assign(group)?;
    let mut assignment = outcome.assignment;
    let transferring = match outcome.transferring {
        Some(t) => t,
        None => transferring_from_scratch(group, &assignment),
    };
    for (tp, c) in transferring {
        if let Some(list) = assignment.get_mut(c) {
            sticky::remove_first(list, &tp);
        }
    }
    Ok(assignment)
}

/// `computePartitionsTransferringOwnership`: partitions newly assigned to some member that
/// some member owned and is not assigned any more.
fn transferring_from_scratch(
    group: &Group,
    assignment: &[Vec<TopicPartition>],
) -> BTreeMap<TopicPartition, usize> {
    let mut added = BTreeMap::new();
    let mut revoked = BTreeSet::new();
    for (c, assigned) in assignment.iter().enumerate() {
        let owned: BTreeSet<&TopicPartition> = group.members[c].owned.iter().collect();
        let assigned_set: BTreeSet<&TopicPartition> = assigned.iter().collect();
        for tp in assigned.iter().filter(|tp| !owned.contains(tp)) {
            added.insert(tp.clone(), c);
        }
        revoked.extend(
            owned
                .into_iter()
                .filter(|tp| !assigned_set.contains(tp))
                .cloned(),
        );
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

/// What each member must revoke on receiving `assignment` under the cooperative protocol:
/// its owned partitions that are not in its new assignment (members with nothing to revoke
/// are left out). Non-empty means the members rejoin for a follow-up rebalance.
pub fn revoked_partitions(members: &[MemberSubscription], assignment: &Assignment) -> Assignment {
    let mut out = Assignment::new();
    for m in members {
        let assigned: BTreeSet<&TopicPartition> =
            assignment.get(&m.member_id).into_iter().flatten().collect();
        let mut revoked: Vec<TopicPartition> = m
            .owned_partitions
            .iter()
            .filter(|tp| !assigned.contains(tp))
            .cloned()
            .collect();
        revoked.sort();
        revoked.dedup();
        if !revoked.is_empty() {
            out.insert(m.member_id.clone(), revoked);
        }
    }
    out
}

/// The members as they rejoin after receiving `assignment` in generation `generation`: each
/// owns exactly what it was assigned (having revoked the rest), from that generation; ids,
/// instance ids and subscriptions are unchanged.
pub fn follow_up_members(
    members: &[MemberSubscription],
    assignment: &Assignment,
    generation: i32,
) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|m| MemberSubscription {
            owned_partitions: assignment.get(&m.member_id).cloned().unwrap_or_default(),
            generation: Some(generation),
            ..m.clone()
        })
        .collect()
}

/// Runs the follow-up rebalance of the cooperative protocol: the members rejoin owning what
/// `first` (the assignment of generation `generation`) gave them, and `kind` assigns again.
/// With "cooperative-sticky" this assigns the partitions revoked in the first round.
pub fn reassigned_after_revocation(
    kind: AssignorKind,
    partitions_per_topic: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    first: &Assignment,
    generation: i32,
) -> Result<Assignment, AssignError> {
    assign(
        kind,
        partitions_per_topic,
        &follow_up_members(members, first, generation),
    )
}
