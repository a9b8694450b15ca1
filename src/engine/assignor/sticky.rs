//! The sticky assignment core shared by "sticky" and "cooperative-sticky"
//! (`AbstractStickyAssignor`, KIP-54 / KIP-341 / KIP-429 / KIP-792), without rack awareness.
//!
//! 1. Owned partitions are validated against generations: when several members claim a
//!    partition, the highest generation keeps it; two claims from the same generation
//!    invalidate it for both (it then counts as being transferred).
//! 2. If every member has the same subscription, the *constrained* algorithm runs: each member
//!    keeps up to its quota (`floor` or `ceil` of partitions / members, owned partitions taken
//!    in (partition, topic) order) and the rest are dealt round-robin to the members below
//!    quota, in member-id order.
//! 3. Otherwise the *general* algorithm runs (`sticky_general`): keep what is still valid,
//!    give each unassigned partition to the least-loaded eligible member, then move
//!    partitions until the assignment is balanced, preferring moves that undo earlier ones.
//!
//! Where Kafka iterates a `HashMap` keyed by member id, the members are visited in Java's
//! iteration order (see `java_order`), so results match Kafka's for the same member ids.
//!
//! Simplifications: a member's `generation` stands both for the generation in its member data
//! and for the subscription's `generationId` (equal for real clients); Kafka keeps
//! `maxGeneration` in the assignor instance across rebalances, here it is per call. Like Kafka,
//! the general algorithm can hand a partition back to its previous owner of an older generation
//! even if that member no longer subscribes to the topic.

use super::java_order::java_cmp;
use super::{AssignError, Group, TopicPartition};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`: the generation of members that report none.
pub const DEFAULT_GENERATION: i32 = -1;

/// The sticky target assignment, before the cooperative adjustment.
pub(crate) struct StickyOutcome {
    /// One partition list per member of `group.members`.
    pub(crate) assignment: Vec<Vec<TopicPartition>>,
    /// Partitions given to a member other than their current owner, with the new member
    /// (`partitionsTransferringOwnership`); `None` after the general algorithm, whose caller
    /// must compute it from owned and assigned partitions.
    pub(crate) transferring: Option<BTreeMap<TopicPartition, usize>>,
}

/// What step 1 derives from the members' owned partitions (`allSubscriptionsEqual`).
pub(crate) struct OwnedState {
    /// Whether all members have the same subscription, Kafka's way (see [`validate_owned`]).
    pub(crate) all_equal: bool,
    /// Each member's owned partitions that survive the generation checks, per member index.
    pub(crate) owned: Vec<Vec<TopicPartition>>,
    /// Partitions claimed by two members of the same generation.
    pub(crate) multiply_owned: BTreeSet<TopicPartition>,
    /// The highest generation reported (`DEFAULT_GENERATION` if none).
    pub(crate) max_generation: i32,
}

/// `allSubscriptionsEqual`: visits the members in Kafka's `HashMap` order, compares each
/// subscription with the first non-empty one seen (so, as in Kafka, an empty subscription
/// seen first does not count as different), and resolves conflicting ownership claims.
pub(crate) fn validate_owned(group: &Group) -> OwnedState {
    let mut all_equal = true;
    let mut reference: Option<&BTreeSet<String>> = None;
    let mut owner_of: BTreeMap<TopicPartition, usize> = BTreeMap::new();
    let mut owned = vec![Vec::new(); group.members.len()];
    let mut multiply_owned = BTreeSet::new();
    let mut max_generation = DEFAULT_GENERATION;
    for &i in &group.hash_order {
        let m = &group.members[i];
        match reference {
            Some(r) if !r.is_empty() => all_equal &= *r == m.topics,
            _ => reference = Some(&m.topics),
        }
        let generation = m.generation.unwrap_or(DEFAULT_GENERATION);
        max_generation = max_generation.max(generation);
        for tp in &m.owned {
            if !group.partitions_per_topic.contains_key(&tp.topic) {
                continue;
            }
            let Some(&other) = owner_of.get(tp) else {
                owned[i].push(tp.clone());
                owner_of.insert(tp.clone(), i);
                continue;
            };
            let other_generation = group.members[other]
                .generation
                .unwrap_or(DEFAULT_GENERATION);
            if generation == other_generation {
                multiply_owned.insert(tp.clone());
                remove_first(&mut owned[other], tp);
                owner_of.insert(tp.clone(), i);
            } else if generation > other_generation {
                owned[i].push(tp.clone());
                remove_first(&mut owned[other], tp);
                owner_of.insert(tp.clone(), i);
            }
        }
    }
    OwnedState {
        all_equal,
        owned,
        multiply_owned,
        max_generation,
    }
}

pub(crate) fn remove_first(list: &mut Vec<TopicPartition>, tp: &TopicPartition) {
    if let Some(pos) = list.iter().position(|x| x == tp) {
        list.remove(pos);
    }
}

/// All partitions of the subscribed topics, topics in name order.
fn all_partitions(group: &Group) -> Vec<TopicPartition> {
    group
        .partitions_per_topic
        .iter()
        .flat_map(|(t, &n)| (0..n).map(move |p| TopicPartition::new(t.clone(), p)))
        .collect()
}

/// The sticky assignment (`AbstractStickyAssignor.assignPartitions`).
pub(crate) fn assign(group: &Group) -> Result<StickyOutcome, AssignError> {
    if group.members.is_empty() {
        return Ok(StickyOutcome {
            assignment: Vec::new(),
            transferring: Some(BTreeMap::new()),
        });
    }
    let state = validate_owned(group);
    if state.all_equal {
        let (assignment, transferring) = constrained(group, state)?;
        Ok(StickyOutcome {
            assignment,
            transferring: Some(transferring),
        })
    } else {
        let assignment = super::sticky_general::assign(group, state)?;
        Ok(StickyOutcome {
            assignment,
            transferring: None,
        })
    }
}

/// `ConstrainedAssignmentBuilder`: the algorithm for identical subscriptions.
#[allow(clippy::type_complexity)]
fn constrained(
    group: &Group,
    state: OwnedState,
) -> Result<(Vec<Vec<TopicPartition>>, BTreeMap<TopicPartition, usize>), AssignError> {
    let n = group.members.len();
    let total: usize = group
        .partitions_per_topic
        .values()
        .map(|&c| c as usize)
        .sum();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0usize;

    let mut assignment: Vec<Vec<TopicPartition>> = vec![Vec::new(); n];
    let mut maybe_revoked: BTreeMap<TopicPartition, usize> = BTreeMap::new();
    let mut under_min: Vec<usize> = Vec::new();
    let mut exactly_min: VecDeque<usize> = VecDeque::new();
    let mut assigned: BTreeSet<TopicPartition> = BTreeSet::new();

    // Reassign owned partitions up to the quota, members in the HashMap's order.
    for &c in &group.hash_order {
        let mut owned = state.owned[c].clone();
        owned.sort_by(|a, b| {
            a.partition
                .cmp(&b.partition)
                .then_with(|| a.topic.cmp(&b.topic))
        });
        owned.retain(|tp| !state.multiply_owned.contains(tp));
        let keep = if owned.len() < min_quota {
            under_min.push(c);
            owned.len()
        } else if owned.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over_min < expected_over_min {
                exactly_min.push_back(c);
            }
            min_quota
        };
        for tp in owned.drain(keep..) {
            maybe_revoked.insert(tp, c);
        }
        assigned.extend(owned.iter().cloned());
        assignment[c] = owned;
    }

    let unassigned: Vec<TopicPartition> = all_partitions(group)
        .into_iter()
        .filter(|tp| !assigned.contains(tp))
        .collect();
    let by_id = |a: &usize, b: &usize| java_cmp(&group.members[*a].id, &group.members[*b].id);
    under_min.sort_by(by_id);
    exactly_min.make_contiguous().sort_by(by_id);

    // Round-robin the rest over the members under minQuota, then those at exactly minQuota.
    let mut transferring = BTreeMap::new();
    let mut cursor = 0usize; // Kafka's iterator over `under_min`.
    for tp in unassigned {
        let from_under_min;
        let c = if cursor < under_min.len() {
            cursor += 1;
            from_under_min = true;
            under_min[cursor - 1]
        } else if under_min.is_empty() {
            from_under_min = false;
            exactly_min.pop_front().ok_or_else(|| {
                AssignError::Internal("no more unfilled consumers to be assigned".into())
            })?
        } else {
            cursor = 1;
            from_under_min = true;
            under_min[0]
        };
        assignment[c].push(tp.clone());
        let moved_from_other = maybe_revoked.get(&tp).is_some_and(|&o| o != c);
        if moved_from_other || state.multiply_owned.contains(&tp) {
            transferring.insert(tp, c);
        }
        let count = assignment[c].len();
        if count == min_quota {
            if !from_under_min {
                return Err(AssignError::Internal(
                    "member reached minQuota out of order".into(),
                ));
            }
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push_back(c);
        } else if count == max_quota {
            current_over_min += 1;
        }
    }

    // verifyUnfilledMembers
    if !under_min.is_empty() {
        if current_over_min != expected_over_min {
            return Err(AssignError::Internal(
                "expected members over minQuota not reached, but no more partitions to assign"
                    .into(),
            ));
        }
        if let Some(&c) = under_min
            .iter()
            .find(|&&c| assignment[c].len() != min_quota)
        {
            return Err(AssignError::Internal(format!(
                "consumer {} doesn't reach minQuota partitions, and no more partitions to be assigned",
                group.members[c].id
            )));
        }
    }
    Ok((assignment, transferring))
}

#[cfg(test)]
mod tests {
    use super::super::Member;
    use super::*;

    fn member(id: &str, topics: &[&str]) -> Member {
        Member {
            id: id.into(),
            instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned: Vec::new(),
            generation: None,
        }
    }

    fn group(members: Vec<Member>) -> Group {
        Group {
            partitions_per_topic: BTreeMap::from([("t".to_string(), 3), ("u".to_string(), 3)]),
            hash_order: (0..members.len()).collect(),
            members,
        }
    }

    /// `allSubscriptionsEqual` takes the first non-empty subscription it visits as the one to
    /// compare with: an empty subscription visited first does not make the group unequal, one
    /// visited later does, and two different non-empty ones do.
    #[test]
    fn an_empty_subscription_seen_first_is_not_compared() {
        let first_empty = group(vec![
            member("a", &[]),
            member("b", &["t"]),
            member("c", &["t"]),
        ]);
        assert!(validate_owned(&first_empty).all_equal);
        let later_empty = group(vec![
            member("b", &["t"]),
            member("a", &[]),
            member("c", &["t"]),
        ]);
        assert!(!validate_owned(&later_empty).all_equal);
        let different = group(vec![member("a", &["t"]), member("b", &["t", "u"])]);
        assert!(!validate_owned(&different).all_equal);
    }
}
