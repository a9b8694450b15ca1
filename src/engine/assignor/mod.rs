//! Consumer-group partition assignors of the classic group protocol, as the group leader runs
//! them (`ConsumerPartitionAssignor` implementations in the Kafka 4.x Java client).
//!
//! * [`AssignorKind::Range`] — `RangeAssignor` ("range"): per topic, contiguous ranges.
//! * [`AssignorKind::RoundRobin`] — `RoundRobinAssignor` ("roundrobin").
//! * [`AssignorKind::Sticky`] — `StickyAssignor` ("sticky", eager protocol): balanced and
//!   keeping previous assignments (after `AbstractStickyAssignor`).
//! * [`AssignorKind::CooperativeSticky`] — `CooperativeStickyAssignor` ("cooperative-sticky",
//!   KIP-429): the sticky target minus partitions that must first be revoked by their current
//!   owner; a follow-up rebalance assigns them ([`reassigned_after_revocation`]).
//!
//! Rack-aware assignment (KIP-881) is not modelled. Member input order stands for the order the
//! leader received the JoinGroup members in; where Kafka's result depends on `HashMap`
//! iteration order, that order is reproduced (see `java_order`).

mod cooperative_sticky;
mod java_order;
mod json;
mod range;
mod round_robin;
mod sticky;
mod sticky_general;

pub use cooperative_sticky::{follow_up_members, reassigned_after_revocation, revoked_partitions};
pub use json::assign_json;
pub use sticky::DEFAULT_GENERATION;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// A topic partition (`org.apache.kafka.common.TopicPartition`). Orders by topic, then
/// partition (the order of Kafka's `TopicPartitionComparator` for legal, ASCII topic names);
/// displays and parses as `topic-partition`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    /// Topic name.
    pub topic: String,
    /// Partition index.
    pub partition: u32,
}

impl TopicPartition {
    /// The partition `partition` of `topic`.
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

impl FromStr for TopicPartition {
    type Err = String;

    /// Parses `topic-partition`, splitting at the last `-` (topic names may contain `-`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("malformed topic-partition {s:?} (expected \"<topic>-<partition>\")");
        let (topic, partition) = s.rsplit_once('-').ok_or_else(bad)?;
        if topic.is_empty()
            || partition.is_empty()
            || !partition.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let partition = partition.parse::<u32>().map_err(|_| bad())?;
        Ok(TopicPartition::new(topic, partition))
    }
}

/// One member's JoinGroup subscription as the leader sees it (`Subscription` plus the sticky
/// assignors' `MemberData`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberSubscription {
    /// `member.id` given by the coordinator.
    pub member_id: String,
    /// `group.instance.id` of a static member (KIP-345), `None` for dynamic members.
    pub group_instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Partitions the member owns: the `ownedPartitions` of the subscription (cooperative) or
    /// the previous assignment in the sticky assignor's user data (eager "sticky"). Ignored by
    /// range and roundrobin.
    pub owned_partitions: Vec<TopicPartition>,
    /// Generation the owned partitions are from; `None` (or negative) when unknown.
    pub generation: Option<i32>,
}

impl MemberSubscription {
    /// A dynamic member subscribed to `topics`, owning nothing.
    pub fn new(member_id: impl Into<String>, topics: &[&str]) -> Self {
        MemberSubscription {
            member_id: member_id.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        }
    }

    /// Sets the static `group.instance.id`.
    pub fn with_instance_id(mut self, id: impl Into<String>) -> Self {
        self.group_instance_id = Some(id.into());
        self
    }

    /// Sets the owned partitions and their generation.
    pub fn with_owned(mut self, owned: Vec<TopicPartition>, generation: Option<i32>) -> Self {
        self.owned_partitions = owned;
        self.generation = generation;
        self
    }
}

/// The built-in classic-protocol assignors (`partition.assignment.strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssignorKind {
    /// `RangeAssignor`, protocol name "range".
    Range,
    /// `RoundRobinAssignor`, protocol name "roundrobin".
    RoundRobin,
    /// `StickyAssignor`, protocol name "sticky" (eager rebalancing).
    Sticky,
    /// `CooperativeStickyAssignor`, protocol name "cooperative-sticky" (cooperative rebalancing).
    CooperativeSticky,
}

impl AssignorKind {
    /// Every assignor, in declaration order.
    pub const ALL: [AssignorKind; 4] = [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ];

    /// Kafka's protocol name (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Whether the assignor uses the cooperative rebalance protocol (only
    /// "cooperative-sticky" among the built-ins); the others are eager.
    pub fn is_cooperative(self) -> bool {
        self == AssignorKind::CooperativeSticky
    }
}

impl fmt::Display for AssignorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AssignorKind {
    type Err = AssignError;

    /// Parses a protocol name ("range", "roundrobin", "sticky", "cooperative-sticky").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AssignorKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| AssignError::UnknownStrategy(s.to_string()))
    }
}

/// Why an assignment could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignError {
    /// A strategy name that is not one of the built-in assignors.
    UnknownStrategy(String),
    /// Two members with the same member id.
    DuplicateMember(String),
    /// More subscribed partitions than [`MAX_PARTITIONS`] (a guard against runaway inputs).
    TooManyPartitions(u64),
    /// A state Kafka's assignor reports as `IllegalStateException` (an algorithm invariant).
    Internal(String),
}

/// The most subscribed partitions [`assign`] accepts (Kafka's own scale tests stay below
/// half of this).
pub const MAX_PARTITIONS: u64 = 1_000_000;

impl fmt::Display for AssignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignError::UnknownStrategy(s) => write!(
                f,
                "unknown strategy {s:?} (expected one of \"range\", \"roundrobin\", \"sticky\", \"cooperative-sticky\")"
            ),
            AssignError::DuplicateMember(m) => write!(f, "duplicate member id {m:?}"),
            AssignError::TooManyPartitions(n) => {
                write!(f, "{n} subscribed partitions, more than the {MAX_PARTITIONS} supported")
            }
            AssignError::Internal(m) => write!(f, "assignor invariant violated: {m}"),
        }
    }
}

impl std::error::Error for AssignError {}

/// An assignment: member id to its partitions, sorted by topic then partition.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// Runs assignor `kind` for a group, as `AbstractPartitionAssignor.assign` does on the leader.
///
/// `partitions_per_topic` is the leader's metadata (topic to partition count); subscribed
/// topics missing from it (or with 0 partitions) are skipped, as Kafka skips topics without
/// metadata. `members` is in the order the leader received them. Every member appears in the
/// result, each list sorted. Owned partitions outside the topic's partition count and
/// duplicate entries are ignored (Kafka's metadata never shrinks a topic).
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> Result<Assignment, AssignError> {
    let group = Group::new(partitions_per_topic, members)?;
    let total: u64 = group
        .partitions_per_topic
        .values()
        .map(|&n| u64::from(n))
        .sum();
    if total > MAX_PARTITIONS {
        return Err(AssignError::TooManyPartitions(total));
    }
    let per_member = match kind {
        AssignorKind::Range => range::assign(&group),
        AssignorKind::RoundRobin => round_robin::assign(&group),
        AssignorKind::Sticky => sticky::assign(&group)?.assignment,
        AssignorKind::CooperativeSticky => cooperative_sticky::assign_group(&group)?,
    };
    let mut out = Assignment::new();
    for (member, mut parts) in group.members.iter().zip(per_member) {
        parts.sort();
        parts.dedup();
        out.insert(member.id.clone(), parts);
    }
    Ok(out)
}

/// A member, normalized: topics as a set, owned partitions deduplicated and in range.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) id: String,
    pub(crate) instance_id: Option<String>,
    pub(crate) topics: BTreeSet<String>,
    /// Owned partitions that exist, in the member's order.
    pub(crate) owned: Vec<TopicPartition>,
    /// Generation, with negatives as `None` (Kafka's `Subscription` does the same).
    pub(crate) generation: Option<i32>,
}

/// The normalized input shared by every assignor.
pub(crate) struct Group {
    /// Subscribed topics with metadata and at least one partition.
    pub(crate) partitions_per_topic: BTreeMap<String, u32>,
    /// Members in input order; results are indexed like this.
    pub(crate) members: Vec<Member>,
    /// Member indices in the iteration order of Kafka's member-id `HashMap`.
    pub(crate) hash_order: Vec<usize>,
}

impl Group {
    fn new(
        all_topics: &BTreeMap<String, u32>,
        input: &[MemberSubscription],
    ) -> Result<Self, AssignError> {
        let mut seen = BTreeSet::new();
        let mut members = Vec::with_capacity(input.len());
        for m in input {
            if !seen.insert(m.member_id.as_str()) {
                return Err(AssignError::DuplicateMember(m.member_id.clone()));
            }
            let mut owned_seen = BTreeSet::new();
            let owned = m
                .owned_partitions
                .iter()
                .filter(|tp| all_topics.get(&tp.topic).is_some_and(|&n| tp.partition < n))
                .filter(|tp| owned_seen.insert((*tp).clone()))
                .cloned()
                .collect();
            members.push(Member {
                id: m.member_id.clone(),
                instance_id: m.group_instance_id.clone(),
                topics: m.topics.iter().cloned().collect(),
                owned,
                generation: m.generation.filter(|&g| g >= 0),
            });
        }
        let partitions_per_topic = members
            .iter()
            .flat_map(|m| m.topics.iter())
            .filter_map(|t| {
                all_topics
                    .get(t)
                    .filter(|&&n| n > 0)
                    .map(|&n| (t.clone(), n))
            })
            .collect();
        let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
        let hash_order = java_order::hash_map_order(&ids);
        Ok(Group {
            partitions_per_topic,
            members,
            hash_order,
        })
    }

    /// Member indices sorted as `AbstractPartitionAssignor.MemberInfo` sorts them: static
    /// members first by `group.instance.id`, then dynamic members by member id (Java string
    /// order); ties keep the `HashMap` order, as Java's stable sort does.
    pub(crate) fn member_info_order(&self) -> Vec<usize> {
        let mut order = self.hash_order.clone();
        order.sort_by(|&a, &b| {
            let (ma, mb) = (&self.members[a], &self.members[b]);
            match (&ma.instance_id, &mb.instance_id) {
                (Some(x), Some(y)) => java_order::java_cmp(x, y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => java_order::java_cmp(&ma.id, &mb.id),
            }
        });
        order
    }
}
