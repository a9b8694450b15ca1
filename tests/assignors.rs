//! Consumer-group assignors: cases worked out from Kafka's unit tests and javadoc, plus
//! balance, validity, stickiness and cooperative-safety properties.
//!
//! Expected values were derived by hand from the Java algorithms (the Kafka test a case mirrors
//! is named in its comment). Member order in the inputs is the insertion order of the Java
//! tests' `HashMap`s, which Kafka's sticky assignor iterates (e.g. "consumer3", "consumer2",
//! "consumer1" for three members named like that).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::assignor::{
    assign, assign_json, follow_up_members, reassigned_after_revocation, revoked_partitions,
    AssignError, Assignment, AssignorKind, MemberSubscription, TopicPartition,
};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use AssignorKind::{CooperativeSticky, Range, RoundRobin, Sticky};

fn tp(topic: &str, partition: u32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn topics(spec: &[(&str, u32)]) -> BTreeMap<String, u32> {
    spec.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn member(id: &str, subscribed: &[&str]) -> MemberSubscription {
    MemberSubscription::new(id, subscribed)
}

fn owning(
    id: &str,
    subscribed: &[&str],
    owned: Vec<TopicPartition>,
    generation: i32,
) -> MemberSubscription {
    MemberSubscription::new(id, subscribed).with_owned(owned, Some(generation))
}

fn run(
    kind: AssignorKind,
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    assign(kind, t, members).expect("assignment")
}

/// Partitions written as "topic-partition".
fn parts(ps: &[&str]) -> Vec<TopicPartition> {
    ps.iter()
        .map(|s| {
            let (topic, p) = s.rsplit_once('-').expect("topic-partition");
            tp(topic, p.parse().expect("partition"))
        })
        .collect()
}

fn get<'a>(a: &'a Assignment, m: &str) -> &'a [TopicPartition] {
    a.get(m).map(Vec::as_slice).unwrap_or_default()
}

// ---------------------------------------------------------------- range

/// RangeAssignorTest: testOneConsumerNoTopic, testOneConsumerNonexistentTopic,
/// testOneConsumerOneTopic, testOnlyAssignsPartitionsFromSubscribedTopics,
/// testOneConsumerMultipleTopics, testTwoConsumersOneTopicOnePartition,
/// testTwoConsumersOneTopicTwoPartitions (the same cases exist for the other assignors).
#[test]
fn single_and_simple_groups_for_every_assignor() {
    for kind in AssignorKind::ALL {
        let a = run(kind, &topics(&[]), &[member("consumer", &[])]);
        assert_eq!(get(&a, "consumer"), [], "{kind}");
        let a = run(kind, &topics(&[]), &[member("consumer", &["topic"])]);
        assert_eq!(a.len(), 1);
        assert_eq!(get(&a, "consumer"), [], "{kind}");
        let a = run(
            kind,
            &topics(&[("topic", 3)]),
            &[member("consumer", &["topic"])],
        );
        assert_eq!(
            get(&a, "consumer"),
            [tp("topic", 0), tp("topic", 1), tp("topic", 2)],
            "{kind}"
        );
        let a = run(
            kind,
            &topics(&[("topic", 3), ("other", 3)]),
            &[member("consumer", &["topic"])],
        );
        assert_eq!(
            get(&a, "consumer"),
            [tp("topic", 0), tp("topic", 1), tp("topic", 2)],
            "{kind}"
        );
        let a = run(
            kind,
            &topics(&[("topic1", 1), ("topic2", 2)]),
            &[member("consumer", &["topic1", "topic2"])],
        );
        assert_eq!(
            get(&a, "consumer"),
            [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)],
            "{kind}"
        );
        let two = [
            member("consumer1", &["topic"]),
            member("consumer2", &["topic"]),
        ];
        let a = run(kind, &topics(&[("topic", 1)]), &two);
        assert_eq!(
            get(&a, "consumer1").len() + get(&a, "consumer2").len(),
            1,
            "{kind}"
        );
        let a = run(kind, &topics(&[("topic", 2)]), &two);
        assert_eq!(get(&a, "consumer1"), [tp("topic", 0)], "{kind}");
        assert_eq!(get(&a, "consumer2"), [tp("topic", 1)], "{kind}");
    }
}

/// RangeAssignorTest.testMultipleConsumersMixedTopics and testTwoConsumersTwoTopicsSixPartitions
/// (also the RangeAssignor javadoc example).
#[test]
fn range_per_topic_ranges() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let m = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = run(Range, &t, &m);
    assert_eq!(get(&a, "consumer1"), [tp("topic1", 0)]);
    assert_eq!(
        get(&a, "consumer2"),
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(get(&a, "consumer3"), [tp("topic1", 2)]);

    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let m = [
        member("consumer1", &["topic1", "topic2"]),
        member("consumer2", &["topic1", "topic2"]),
    ];
    let a = run(Range, &t, &m);
    assert_eq!(
        get(&a, "consumer1"),
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(get(&a, "consumer2"), [tp("topic1", 2), tp("topic2", 2)]);
}

/// RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions and
/// testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions: static members sort by
/// group.instance.id, ahead of dynamic members, whatever their member ids.
#[test]
fn range_static_members_sort_by_instance_id_first() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let low_first = [
        tp("topic1", 0),
        tp("topic1", 1),
        tp("topic2", 0),
        tp("topic2", 1),
    ];
    let m = [
        member("consumer-b", &both).with_instance_id("instance1"),
        member("consumer-a", &both).with_instance_id("instance2"),
    ];
    let a = run(Range, &t, &m);
    assert_eq!(get(&a, "consumer-b"), low_first);
    assert_eq!(get(&a, "consumer-a"), [tp("topic1", 2), tp("topic2", 2)]);
    let m = [
        member("consumer-b", &both).with_instance_id("instance1"),
        member("consumer-a", &both),
    ];
    let a = run(Range, &t, &m);
    assert_eq!(get(&a, "consumer-b"), low_first);
}

/// RangeAssignorTest.testStaticMemberRangeAssignmentPersistent and
/// testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges.
#[test]
fn range_static_assignment_persists_across_member_ids() {
    let both = ["topic1", "topic2"];
    let statics = |ids: [&str; 3]| -> Vec<MemberSubscription> {
        ids.iter()
            .zip(["instance1", "instance2", "instance3"])
            .map(|(id, inst)| member(id, &both).with_instance_id(inst))
            .collect()
    };
    let t = topics(&[("topic1", 5), ("topic2", 4)]);
    for dynamic in ["consumer4", "consumer5"] {
        let mut m = statics(["consumer1", "consumer2", "consumer3"]);
        m.push(member(dynamic, &both));
        let a = run(Range, &t, &m);
        assert_eq!(
            get(&a, "consumer1"),
            [tp("topic1", 0), tp("topic1", 1), tp("topic2", 0)]
        );
        assert_eq!(get(&a, "consumer2"), [tp("topic1", 2), tp("topic2", 1)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic1", 3), tp("topic2", 2)]);
        assert_eq!(get(&a, dynamic), [tp("topic1", 4), tp("topic2", 3)]);
    }
    let t = topics(&[("topic1", 5), ("topic2", 5)]);
    let a = run(Range, &t, &statics(["consumer1", "consumer2", "consumer3"]));
    let b = run(Range, &t, &statics(["consumer1", "consumer5", "consumer4"]));
    assert_eq!(
        get(&a, "consumer1"),
        [
            tp("topic1", 0),
            tp("topic1", 1),
            tp("topic2", 0),
            tp("topic2", 1)
        ]
    );
    assert_eq!(
        get(&a, "consumer2"),
        [
            tp("topic1", 2),
            tp("topic1", 3),
            tp("topic2", 2),
            tp("topic2", 3)
        ]
    );
    assert_eq!(get(&a, "consumer3"), [tp("topic1", 4), tp("topic2", 4)]);
    assert_eq!(get(&a, "consumer1"), get(&b, "consumer1"));
    assert_eq!(get(&a, "consumer2"), get(&b, "consumer5"));
    assert_eq!(get(&a, "consumer3"), get(&b, "consumer4"));
}

// ---------------------------------------------------------------- roundrobin

/// RoundRobinAssignorTest: testMultipleConsumersMixedTopics,
/// testTwoDynamicConsumersTwoTopicsSixPartitions, testTwoStaticConsumersTwoTopicsSixPartitions,
/// testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions.
#[test]
fn roundrobin_deals_in_member_order() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let m = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = run(RoundRobin, &t, &m);
    assert_eq!(get(&a, "consumer1"), [tp("topic1", 0)]);
    assert_eq!(
        get(&a, "consumer2"),
        [tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(get(&a, "consumer3"), [tp("topic1", 2)]);

    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let first = [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)];
    let second = [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)];
    let a = run(
        RoundRobin,
        &t,
        &[member("consumer1", &both), member("consumer2", &both)],
    );
    assert_eq!(
        (get(&a, "consumer1"), get(&a, "consumer2")),
        (&first[..], &second[..])
    );
    let m = [
        member("consumer-b", &both).with_instance_id("instance1"),
        member("consumer-a", &both).with_instance_id("instance2"),
    ];
    let a = run(RoundRobin, &t, &m);
    assert_eq!(
        (get(&a, "consumer-b"), get(&a, "consumer-a")),
        (&first[..], &second[..])
    );
    let m = [
        member("consumer-b", &both).with_instance_id("instance1"),
        member("consumer-a", &both),
    ];
    let a = run(RoundRobin, &t, &m);
    assert_eq!(
        (get(&a, "consumer-b"), get(&a, "consumer-a")),
        (&first[..], &second[..])
    );
}

/// RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistent and
/// testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges.
#[test]
fn roundrobin_static_assignment_persists() {
    let both = ["topic1", "topic2"];
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    for dynamic in ["consumer4", "consumer5"] {
        let m = [
            member("consumer1", &both).with_instance_id("instance1"),
            member("consumer2", &both).with_instance_id("instance2"),
            member("consumer3", &both).with_instance_id("instance3"),
            member(dynamic, &both),
        ];
        let a = run(RoundRobin, &t, &m);
        assert_eq!(get(&a, "consumer1"), [tp("topic1", 0), tp("topic2", 1)]);
        assert_eq!(get(&a, "consumer2"), [tp("topic1", 1), tp("topic2", 2)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic1", 2)]);
        assert_eq!(get(&a, dynamic), [tp("topic2", 0)]);
    }
    let t = topics(&[("topic1", 5), ("topic2", 5)]);
    let ids = |a: &str, b: &str, c: &str| {
        [
            member(a, &both).with_instance_id("instance1"),
            member(b, &both).with_instance_id("instance2"),
            member(c, &both).with_instance_id("instance3"),
        ]
    };
    let a = run(RoundRobin, &t, &ids("consumer1", "consumer2", "consumer3"));
    assert_eq!(
        get(&a, "consumer1"),
        [
            tp("topic1", 0),
            tp("topic1", 3),
            tp("topic2", 1),
            tp("topic2", 4)
        ]
    );
    assert_eq!(
        get(&a, "consumer2"),
        [tp("topic1", 1), tp("topic1", 4), tp("topic2", 2)]
    );
    assert_eq!(
        get(&a, "consumer3"),
        [tp("topic1", 2), tp("topic2", 0), tp("topic2", 3)]
    );
    let b = run(RoundRobin, &t, &ids("consumer1", "consumer5", "consumer4"));
    assert_eq!(get(&a, "consumer2"), get(&b, "consumer5"));
    assert_eq!(get(&a, "consumer3"), get(&b, "consumer4"));
}

/// The RoundRobinAssignor / StickyAssignor javadoc examples (Example 2 for roundrobin).
#[test]
fn roundrobin_javadoc_unequal_subscriptions() {
    let t = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
    let m = [
        member("C0", &["t0"]),
        member("C1", &["t0", "t1"]),
        member("C2", &["t0", "t1", "t2"]),
    ];
    let a = run(RoundRobin, &t, &m);
    assert_eq!(get(&a, "C0"), [tp("t0", 0)]);
    assert_eq!(get(&a, "C1"), [tp("t1", 0)]);
    assert_eq!(
        get(&a, "C2"),
        [tp("t1", 1), tp("t2", 0), tp("t2", 1), tp("t2", 2)]
    );
    let a = run(RoundRobin, &t, &m[1..]);
    assert_eq!(get(&a, "C1"), [tp("t0", 0), tp("t1", 1)]);
    assert_eq!(
        get(&a, "C2"),
        [tp("t1", 0), tp("t2", 0), tp("t2", 1), tp("t2", 2)]
    );
}

// ---------------------------------------------------------------- sticky helpers

/// AbstractStickyAssignorTest.verifyValidityAndBalance: members only get subscribed topics, no
/// partition twice, and two members differing by more than one partition share no topic.
fn verify_validity_and_balance(members: &[MemberSubscription], a: &Assignment) {
    assert_eq!(a.len(), members.len());
    let mut seen = BTreeSet::new();
    for m in members {
        for p in get(a, &m.member_id) {
            assert!(
                m.topics.contains(&p.topic),
                "{p} given to {} not subscribed: {a:?}",
                m.member_id
            );
            assert!(seen.insert(p.clone()), "{p} assigned twice: {a:?}");
        }
    }
    for (i, x) in members.iter().enumerate() {
        for y in &members[i + 1..] {
            let (px, py) = (get(a, &x.member_id), get(a, &y.member_id));
            if px.len().abs_diff(py.len()) <= 1 {
                continue;
            }
            let tx: BTreeSet<&str> = px.iter().map(|p| p.topic.as_str()).collect();
            assert!(
                py.iter().all(|p| !tx.contains(p.topic.as_str())),
                "unbalanced {x:?} / {y:?}: {a:?}"
            );
        }
    }
}

fn is_fully_balanced(a: &Assignment) -> bool {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1
}

/// CooperativeStickyAssignorTest.verifyCooperativeValidity: no partition is added to a member
/// in the same rebalance it is revoked from another. Returns whether anything was revoked.
fn verify_cooperative_validity(members: &[MemberSubscription], a: &Assignment) -> bool {
    let mut added = BTreeSet::new();
    let mut revoked = BTreeSet::new();
    for m in members {
        let owned: BTreeSet<&TopicPartition> = m.owned_partitions.iter().collect();
        let got: BTreeSet<&TopicPartition> = get(a, &m.member_id).iter().collect();
        added.extend(got.difference(&owned).cloned());
        revoked.extend(owned.difference(&got).cloned());
    }
    let both: Vec<_> = added.intersection(&revoked).collect();
    assert!(
        both.is_empty(),
        "assigned while still owned elsewhere: {both:?} in {a:?} from {members:?}"
    );
    !revoked.is_empty()
}

/// CooperativeStickyAssignorTest.verifyValidityAndBalance: run follow-up rebalances while
/// something is revoked (at most 4), then check the final assignment.
fn cooperative_converges(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    first: Assignment,
) -> Assignment {
    let (mut members, mut a) = (members.to_vec(), first);
    let mut rebalances = 0;
    while verify_cooperative_validity(&members, &a) {
        members = follow_up_members(&members, &a, 1);
        a = run(CooperativeSticky, t, &members);
        rebalances += 1;
        assert!(rebalances <= 4, "no convergence: {a:?}");
    }
    verify_validity_and_balance(&members, &a);
    a
}

/// Kafka's `isSticky` (AbstractStickyAssignorTest checks it after every assignment): within
/// one topic no partition moves from member A to B while another moves from B to A. When the
/// balancing step would move a partition back along a move it already made, it moves that same
/// partition back instead (`PartitionMovements.getTheActualPartitionToBeMoved`).
fn assert_no_move_both_ways(members: &[MemberSubscription], a: &Assignment) {
    let mut moves: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    for from in members {
        for p in &from.owned_partitions {
            let to = members
                .iter()
                .find(|m| get(a, &m.member_id).contains(p))
                .expect("every partition assigned");
            if to.member_id != from.member_id {
                moves.insert((&p.topic, &from.member_id, &to.member_id));
            }
        }
    }
    for &(topic, x, y) in &moves {
        assert!(
            !moves.contains(&(topic, y, x)),
            "{topic}: {x} <-> {y} in {a:?} from {members:?}"
        );
    }
}

// ---------------------------------------------------------------- sticky

/// AbstractStickyAssignorTest.testTwoConsumersTwoTopicsSixPartitions and
/// testMultipleConsumersMixedTopicSubscriptions (the general, unequal-subscription path).
#[test]
fn sticky_fresh_assignments() {
    for kind in [Sticky, CooperativeSticky] {
        let t = topics(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let a = run(
            kind,
            &t,
            &[member("consumer1", &both), member("consumer2", &both)],
        );
        assert_eq!(
            get(&a, "consumer1"),
            [tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
        );
        assert_eq!(
            get(&a, "consumer2"),
            [tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
        );

        let t = topics(&[("topic1", 3), ("topic2", 2)]);
        let m = [
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ];
        let a = run(kind, &t, &m);
        assert_eq!(get(&a, "consumer1"), [tp("topic1", 0), tp("topic1", 2)]);
        assert_eq!(get(&a, "consumer2"), [tp("topic2", 0), tp("topic2", 1)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic1", 1)]);
        verify_validity_and_balance(&m, &a);
    }
}

/// StickyAssignor javadoc, Example 1 (fresh assignment of 4 topics x 2 partitions to 3
/// members) and Example 2 (unequal subscriptions, then C0 leaves). The javadoc's result after
/// C1 leaves in Example 1 predates the constrained algorithm; the current one keeps every
/// survivor's partitions and deals t0p1 to C0 and t2p0, t3p1 to C2.
#[test]
fn sticky_javadoc_examples() {
    let all = ["t0", "t1", "t2", "t3"];
    let t = topics(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
    let m = [member("C0", &all), member("C1", &all), member("C2", &all)];
    let a = run(Sticky, &t, &m);
    assert_eq!(get(&a, "C0"), [tp("t0", 0), tp("t1", 1), tp("t3", 0)]);
    assert_eq!(get(&a, "C1"), [tp("t0", 1), tp("t2", 0), tp("t3", 1)]);
    assert_eq!(get(&a, "C2"), [tp("t1", 0), tp("t2", 1)]);
    let survivors = [
        owning("C0", &all, get(&a, "C0").to_vec(), 1),
        owning("C2", &all, get(&a, "C2").to_vec(), 1),
    ];
    let b = run(Sticky, &t, &survivors);
    assert_eq!(
        get(&b, "C0"),
        [tp("t0", 0), tp("t0", 1), tp("t1", 1), tp("t3", 0)]
    );
    assert_eq!(
        get(&b, "C2"),
        [tp("t1", 0), tp("t2", 0), tp("t2", 1), tp("t3", 1)]
    );

    let t = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
    let m = [
        member("C0", &["t0"]),
        member("C1", &["t0", "t1"]),
        member("C2", &["t0", "t1", "t2"]),
    ];
    let a = run(Sticky, &t, &m);
    assert_eq!(get(&a, "C0"), [tp("t0", 0)]);
    assert_eq!(get(&a, "C1"), [tp("t1", 0), tp("t1", 1)]);
    assert_eq!(get(&a, "C2"), [tp("t2", 0), tp("t2", 1), tp("t2", 2)]);
    let survivors = [
        owning("C1", &["t0", "t1"], get(&a, "C1").to_vec(), 1),
        owning("C2", &["t0", "t1", "t2"], get(&a, "C2").to_vec(), 1),
    ];
    let b = run(Sticky, &t, &survivors);
    assert_eq!(get(&b, "C1"), [tp("t0", 0), tp("t1", 0), tp("t1", 1)]);
    assert_eq!(get(&b, "C2"), [tp("t2", 0), tp("t2", 1), tp("t2", 2)]);
}

/// AbstractStickyAssignorTest.testConsumerOwningMinQuotaExpectedMaxQuota,
/// testAllConsumersAreUnderMinQuota and testAllConsumersReachExpectedQuotaAndAreConsideredFilled.
#[test]
fn sticky_quota_cases() {
    let both = ["topic1", "topic2"];
    let t = topics(&[("topic1", 2), ("topic2", 3)]);
    let m = [
        owning(
            "consumer1",
            &both,
            vec![tp("topic1", 0), tp("topic2", 1)],
            1,
        ),
        owning(
            "consumer2",
            &both,
            vec![tp("topic1", 1), tp("topic2", 2)],
            1,
        ),
    ];
    for kind in [Sticky, CooperativeSticky] {
        let a = run(kind, &t, &m);
        assert_eq!(
            get(&a, "consumer1"),
            [tp("topic1", 0), tp("topic2", 0), tp("topic2", 1)]
        );
        assert_eq!(get(&a, "consumer2"), [tp("topic1", 1), tp("topic2", 2)]);
    }

    let m = [
        owning("consumer1", &both, vec![tp("topic1", 0)], 1),
        owning("consumer2", &both, vec![tp("topic1", 1)], 1),
        owning("consumer3", &both, vec![], 1),
    ];
    for kind in [Sticky, CooperativeSticky] {
        let a = run(kind, &t, &m);
        assert_eq!(get(&a, "consumer1"), [tp("topic1", 0), tp("topic2", 1)]);
        assert_eq!(get(&a, "consumer2"), [tp("topic1", 1), tp("topic2", 2)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic2", 0)]);
    }

    let t = topics(&[("topic", 4)]);
    let m = [
        owning(
            "consumer1",
            &["topic"],
            vec![tp("topic", 0), tp("topic", 1)],
            1,
        ),
        owning("consumer2", &["topic"], vec![tp("topic", 2)], 1),
        owning("consumer3", &["topic"], vec![], 1),
    ];
    for kind in [Sticky, CooperativeSticky] {
        let a = run(kind, &t, &m);
        assert_eq!(get(&a, "consumer1"), [tp("topic", 0), tp("topic", 1)]);
        assert_eq!(get(&a, "consumer2"), [tp("topic", 2)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic", 3)]);
    }
}

/// AbstractStickyAssignorTest.testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: only
/// one member may keep 2 partitions; Kafka visits consumer2 before consumer1 (HashMap order),
/// so consumer1 gives up topic2-0, which goes to consumer3 — and, cooperatively, only in the
/// follow-up rebalance.
#[test]
fn sticky_max_quota_follows_java_hash_map_order() {
    let both = ["topic1", "topic2"];
    let t = topics(&[("topic1", 2), ("topic2", 2)]);
    let m = [
        owning(
            "consumer1",
            &both,
            vec![tp("topic1", 0), tp("topic2", 0)],
            1,
        ),
        owning(
            "consumer2",
            &both,
            vec![tp("topic1", 1), tp("topic2", 1)],
            1,
        ),
        owning("consumer3", &both, vec![], 1),
    ];
    let a = run(Sticky, &t, &m);
    assert_eq!(get(&a, "consumer1"), [tp("topic1", 0)]);
    assert_eq!(get(&a, "consumer2"), [tp("topic1", 1), tp("topic2", 1)]);
    assert_eq!(get(&a, "consumer3"), [tp("topic2", 0)]);

    let c = run(CooperativeSticky, &t, &m);
    assert_eq!(get(&c, "consumer1"), [tp("topic1", 0)]);
    assert_eq!(get(&c, "consumer3"), []);
    let revoked = revoked_partitions(&m, &c);
    assert_eq!(
        revoked,
        BTreeMap::from([("consumer1".to_string(), vec![tp("topic2", 0)])])
    );
    let follow = reassigned_after_revocation(CooperativeSticky, &t, &m, &c, 2).unwrap();
    assert_eq!(follow, a);
    assert!(revoked_partitions(&follow_up_members(&m, &c, 2), &follow).is_empty());
}

/// AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic.
#[test]
fn sticky_add_then_remove_consumer() {
    let t = topics(&[("topic", 3)]);
    let a = run(Sticky, &t, &[member("consumer1", &["topic"])]);
    assert_eq!(
        get(&a, "consumer1"),
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
    let m = [
        owning("consumer1", &["topic"], get(&a, "consumer1").to_vec(), 1),
        owning("consumer2", &["topic"], vec![], 1),
    ];
    let b = run(Sticky, &t, &m);
    assert_eq!(get(&b, "consumer1"), [tp("topic", 0), tp("topic", 1)]);
    assert_eq!(get(&b, "consumer2"), [tp("topic", 2)]);
    let c = run(CooperativeSticky, &t, &m);
    assert_eq!(get(&c, "consumer1"), [tp("topic", 0), tp("topic", 1)]);
    assert_eq!(get(&c, "consumer2"), []);
    assert_eq!(
        reassigned_after_revocation(CooperativeSticky, &t, &m, &c, 2).unwrap(),
        b
    );
    let alone = [owning("consumer2", &["topic"], vec![tp("topic", 2)], 2)];
    let d = run(Sticky, &t, &alone);
    assert_eq!(
        get(&d, "consumer2"),
        [tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
}

/// AbstractStickyAssignorTest.testPartitionsTransferringOwnershipIncludeThePartitionClaimedBy
/// MultipleConsumersInSameGeneration, StickyAssignorTest / CooperativeStickyAssignorTest
/// .testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGeneration
/// WithEqualPartitionsPerConsumer and ...WithUnequalPartitionsPerConsumer.
#[test]
fn sticky_same_generation_double_claims_are_invalidated() {
    for (count, c1_sticky, c1_coop) in [
        (3, vec![tp("topic", 1)], vec![tp("topic", 1)]),
        (
            4,
            vec![tp("topic", 1), tp("topic", 3)],
            vec![tp("topic", 1), tp("topic", 3)],
        ),
    ] {
        let t = topics(&[("topic", count)]);
        let m = [
            owning(
                "consumer1",
                &["topic"],
                vec![tp("topic", 0), tp("topic", 1)],
                1,
            ),
            owning(
                "consumer2",
                &["topic"],
                vec![tp("topic", 0), tp("topic", 2)],
                1,
            ),
            owning("consumer3", &["topic"], vec![], 1),
        ];
        let a = run(Sticky, &t, &m);
        assert_eq!(get(&a, "consumer1"), c1_sticky);
        assert_eq!(get(&a, "consumer2"), [tp("topic", 2)]);
        assert_eq!(get(&a, "consumer3"), [tp("topic", 0)]);
        let c = run(CooperativeSticky, &t, &m);
        assert_eq!(get(&c, "consumer1"), c1_coop);
        assert_eq!(get(&c, "consumer2"), [tp("topic", 2)]);
        assert_eq!(
            get(&c, "consumer3"),
            [],
            "topic-0 waits until both owners revoked it"
        );
        cooperative_converges(&t, &m, c);
    }
}

/// AbstractStickyAssignorTest: testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration,
/// ...WithNoGeneration, ...WithMultipleGeneration, testEnsurePartitionsAssignedToHighestGeneration
/// and testNoReassignmentOnCurrentMembers.
#[test]
fn sticky_generation_conflicts() {
    let tt = ["topic", "topic2"];
    let t = topics(&[("topic", 3), ("topic2", 3)]);
    let claimed = vec![tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
    for stale in [Some(9), None] {
        let m = [
            owning("consumer1", &tt, claimed.clone(), 10),
            member("consumer2", &tt).with_owned(claimed.clone(), stale),
        ];
        for kind in [Sticky, CooperativeSticky] {
            let a = run(kind, &t, &m);
            assert_eq!(
                get(&a, "consumer1"),
                [tp("topic", 0), tp("topic", 2), tp("topic2", 1)]
            );
            assert_eq!(
                get(&a, "consumer2"),
                [tp("topic", 1), tp("topic2", 0), tp("topic2", 2)]
            );
        }
    }
    let m = [
        owning(
            "consumer1",
            &tt,
            vec![tp("topic", 0), tp("topic2", 1), tp("topic", 1)],
            10,
        ),
        owning(
            "consumer2",
            &tt,
            vec![tp("topic", 0), tp("topic2", 1), tp("topic2", 2)],
            8,
        ),
    ];
    let a = run(CooperativeSticky, &t, &m);
    assert_eq!(
        get(&a, "consumer1"),
        [tp("topic", 0), tp("topic", 1), tp("topic2", 1)]
    );
    assert_eq!(
        get(&a, "consumer2"),
        [tp("topic", 2), tp("topic2", 0), tp("topic2", 2)]
    );

    let ttt = ["topic", "topic2", "topic3"];
    let t = topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
    let m = [
        owning(
            "consumer1",
            &ttt,
            vec![tp("topic", 0), tp("topic2", 0), tp("topic3", 0)],
            10,
        ),
        owning(
            "consumer2",
            &ttt,
            vec![tp("topic", 1), tp("topic2", 1), tp("topic3", 1)],
            9,
        ),
        owning(
            "consumer3",
            &ttt,
            vec![tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)],
            8,
        ),
    ];
    for kind in [Sticky, CooperativeSticky] {
        let a = run(kind, &t, &m);
        assert_eq!(
            get(&a, "consumer1"),
            [tp("topic", 0), tp("topic2", 0), tp("topic3", 0)]
        );
        assert_eq!(
            get(&a, "consumer2"),
            [tp("topic", 1), tp("topic2", 1), tp("topic3", 1)]
        );
        assert_eq!(
            get(&a, "consumer3"),
            [tp("topic", 2), tp("topic2", 2), tp("topic3", 2)]
        );
    }

    let all = ["topic", "topic2", "topic3", "topic1"];
    let t = topics(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
    let m = [
        member("consumer1", &all),
        owning(
            "consumer2",
            &all,
            vec![tp("topic", 0), tp("topic2", 0), tp("topic1", 0)],
            9,
        ),
        owning(
            "consumer3",
            &all,
            vec![tp("topic3", 2), tp("topic2", 2), tp("topic1", 1)],
            8,
        ),
        owning(
            "consumer4",
            &all,
            vec![tp("topic3", 1), tp("topic", 1), tp("topic", 2)],
            7,
        ),
    ];
    let a = run(CooperativeSticky, &t, &m);
    assert_eq!(
        get(&a, "consumer1"),
        [tp("topic1", 2), tp("topic2", 1), tp("topic3", 0)]
    );
    for other in &m[1..] {
        let mut owned = other.owned_partitions.clone();
        owned.sort();
        assert_eq!(get(&a, &other.member_id), owned);
    }
}

/// AbstractStickyAssignorTest.testSubscriptionNotEqualAndAssignSamePartitionWith3Generation:
/// for every order of three generations, no partition twice and 1 or 2 partitions each.
#[test]
fn sticky_three_generations_claiming_one_partition() {
    let t = topics(&[("topic", 6), ("topic1", 1)]);
    for g in [
        [1, 2, 3],
        [1, 3, 2],
        [2, 1, 3],
        [2, 3, 1],
        [3, 1, 2],
        [3, 2, 1],
    ] {
        let m = [
            owning(
                "consumer1",
                &["topic"],
                vec![tp("topic", 0), tp("topic", 2)],
                g[0],
            ),
            owning(
                "consumer2",
                &["topic"],
                vec![tp("topic", 1), tp("topic", 2), tp("topic", 3)],
                g[1],
            ),
            owning(
                "consumer3",
                &["topic"],
                vec![tp("topic", 2), tp("topic", 4), tp("topic", 5)],
                g[2],
            ),
            owning("consumer4", &["topic1"], vec![tp("topic1", 0)], 2),
        ];
        for kind in [Sticky, CooperativeSticky] {
            let a = run(kind, &t, &m);
            let all: Vec<&TopicPartition> = a.values().flatten().collect();
            let unique: BTreeSet<&TopicPartition> = all.iter().copied().collect();
            assert_eq!(all.len(), unique.len(), "{g:?} {kind}");
            assert!(
                a.values().all(|l| (1..=2).contains(&l.len())),
                "{g:?} {kind}: {a:?}"
            );
        }
    }
}

/// StickyAssignorTest.testAssignmentWithMultipleGenerations1 (both subscription variants).
#[test]
fn sticky_multiple_generations() {
    let all = ["topic", "topic2"];
    let t = topics(&[("topic", 6), ("topic2", 6)]);
    for equal in [true, false] {
        let c2_topics: &[&str] = if equal { &all } else { &["topic"] };
        let r1 = run(
            Sticky,
            &t,
            &[
                member("consumer1", &all),
                member("consumer2", c2_topics),
                member("consumer3", &all),
            ],
        );
        assert!(r1.values().all(|l| l.len() == 4), "{r1:?}");
        let m2 = [
            owning("consumer1", &all, get(&r1, "consumer1").to_vec(), 1),
            owning("consumer2", c2_topics, get(&r1, "consumer2").to_vec(), 1),
        ];
        let r2 = run(Sticky, &t, &m2);
        assert!(r2.values().all(|l| l.len() == 6), "{r2:?}");
        if equal {
            assert!(get(&r1, "consumer1")
                .iter()
                .all(|p| get(&r2, "consumer1").contains(p)));
        }
        assert!(get(&r1, "consumer2")
            .iter()
            .all(|p| get(&r2, "consumer2").contains(p)));
        assert!(get(&r1, "consumer3")
            .iter()
            .any(|p| get(&r2, "consumer2").contains(p)));
        verify_validity_and_balance(&m2, &r2);
        let m3 = [
            owning("consumer2", c2_topics, get(&r2, "consumer2").to_vec(), 2),
            owning("consumer3", &all, get(&r1, "consumer3").to_vec(), 1),
        ];
        let r3 = run(Sticky, &t, &m3);
        assert!(r3.values().all(|l| l.len() == 6), "{r3:?}");
        verify_validity_and_balance(&m3, &r3);
    }
}

/// A Kafka quirk, reproduced: in the general (unequal subscriptions) algorithm, a partition is
/// moved back to its previous owner from an older generation (`prevAssignment`) without
/// checking that the owner still subscribes to its topic. Here a-4 (no generation, while the
/// group's highest is 0) still claims t0-6 after switching to t1 only, and gets it back. Traced
/// by hand through `GeneralAssignmentBuilder`: after the first pass a-3 holds 4 partitions
/// including t0-6 and a-4 holds 2, so `performReassignments` takes the prevAssignment branch.
/// A Java consumer receiving it would find the assignment not matching its subscription and
/// rejoin.
#[test]
fn sticky_stale_owner_can_get_an_unsubscribed_partition() {
    let t = topics(&[("t0", 7), ("t1", 7)]);
    let m = [
        member("a-0", &["t1"]),
        member("a-1", &["t1"]),
        member("a-2", &["t0"]),
        owning("a-3", &["t0", "t1"], vec![tp("t1", 3)], 0),
        member("a-4", &["t1"]).with_owned(vec![tp("t0", 6)], None),
    ];
    for kind in [Sticky, CooperativeSticky] {
        let a = run(kind, &t, &m);
        assert_eq!(
            get(&a, "a-2"),
            [tp("t0", 0), tp("t0", 1), tp("t0", 3), tp("t0", 5)]
        );
        assert_eq!(get(&a, "a-3"), [tp("t0", 2), tp("t0", 4), tp("t1", 3)]);
        assert_eq!(get(&a, "a-4"), [tp("t0", 6), tp("t1", 2), tp("t1", 6)]);
    }
}

/// A member leaving: with identical subscriptions the constrained algorithm keeps every
/// survivor's partitions (the StickyAssignor javadoc's promise; AbstractStickyAssignorTest
/// .testStickiness checks the same on a fixed case).
#[test]
fn sticky_keeps_survivors_partitions_after_a_member_leaves() {
    let all = ["t1", "t2"];
    let t = topics(&[("t1", 7), ("t2", 4)]);
    let ids = ["consumer1", "consumer2", "consumer3", "consumer4"];
    let fresh = run(Sticky, &t, &ids.map(|id| member(id, &all)));
    for gone in ids {
        let survivors: Vec<MemberSubscription> = ids
            .iter()
            .filter(|&&id| id != gone)
            .map(|id| owning(id, &all, get(&fresh, id).to_vec(), 1))
            .collect();
        for kind in [Sticky, CooperativeSticky] {
            let a = run(kind, &t, &survivors);
            for s in &survivors {
                assert!(
                    s.owned_partitions
                        .iter()
                        .all(|p| get(&a, &s.member_id).contains(p)),
                    "{kind}: {a:?}"
                );
            }
            assert!(is_fully_balanced(&a));
            verify_validity_and_balance(&survivors, &a);
        }
    }
}

/// The smallest group the property test found where the balancing step moves a partition of
/// t0 from a-1 to another member and then needs one back: without `PartitionMovements` it sends
/// a different partition the other way (a-1 owns all of t0 and t1-2; a-4 owns t1-0; a-0, a-2
/// and a-3 subscribe to t0 only).
#[test]
fn sticky_moves_a_partition_back_rather_than_another_across() {
    let t = topics(&[("t0", 3), ("t1", 3)]);
    let owned = |m: MemberSubscription, parts: &[(&str, u32)]| MemberSubscription {
        owned_partitions: parts.iter().map(|&(t, p)| tp(t, p)).collect(),
        generation: Some(1),
        ..m
    };
    let members = vec![
        owned(member("a-0", &["t0"]), &[]),
        owned(
            member("a-1", &["t0", "t1"]),
            &[("t0", 0), ("t0", 1), ("t0", 2), ("t1", 2)],
        ),
        owned(member("a-2", &["t0"]), &[]),
        owned(member("a-3", &["t0"]), &[]),
        owned(member("a-4", &["t1"]), &[("t1", 0)]),
    ];
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
    assert_no_move_both_ways(&members, &a);
}

/// `PartitionMovements` when a partition moves twice in one rebalance (found by a differential
/// search: 200,000 random groups against the `cargo mutants` survivors of `Movements`). c89 and
/// c67 owned t1-0 and t1-1/t1-6; the balancing pass moves t1-0 c89 → c66 → c67, which Kafka
/// records as one move c89 → c67 (`movePartition` replaces the record, keeping its source).
/// When t1-1 then has to go c66 → c89, `getTheActualPartitionToBeMoved` finds that record and
/// sends t1-0 back to c89 instead, so c89 keeps t1-0 and c67 keeps t1-6. Without the record's
/// source kept (or without the old record removed), t1-1 crosses and both lose a partition.
#[test]
fn sticky_sends_a_twice_moved_partition_back_to_its_first_owner() {
    let t = topics(&[("t0", 10), ("t1", 10), ("t2", 12)]);
    let members = vec![
        owning("c11", &["t0", "t2"], vec![], 1),
        owning("c26", &["t0"], vec![], 1),
        owning("c58", &["t2"], vec![], 1),
        owning("c66", &["t0", "t1", "t2"], vec![], 2),
        owning(
            "c67",
            &["t0", "t1", "t2"],
            parts(&[
                "t0-4", "t0-8", "t1-1", "t1-6", "t2-0", "t2-1", "t2-4", "t2-5", "t2-8", "t2-9",
                "t2-10", "t2-11",
            ]),
            2,
        ),
        owning(
            "c89",
            &["t0", "t1"],
            parts(&[
                "t0-0", "t0-2", "t0-3", "t0-5", "t0-6", "t1-0", "t1-3", "t1-4", "t1-5", "t1-7",
                "t1-9",
            ]),
            2,
        ),
    ];
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
    assert_eq!(
        get(&a, "c66"),
        parts(&["t1-1", "t1-2", "t1-3", "t1-4", "t1-5", "t1-8"])
    );
    assert_eq!(
        get(&a, "c67"),
        parts(&["t0-4", "t0-8", "t1-6", "t2-9", "t2-10", "t2-11"])
    );
    assert_eq!(
        get(&a, "c89"),
        parts(&["t0-5", "t0-6", "t1-0", "t1-7", "t1-9"])
    );
}

/// `PartitionMovements` when a partition returns to where it started: Kafka's `movePartition`
/// drops its record and adds none. Here t2-11 goes c57 → c53 and back; then t2-1 (moved
/// c57 → c53 too) must go back to c57, and `getTheActualPartitionToBeMoved` looks for a move
/// c57 → c57, which must not exist: a record kept for t2-11's return would be found, t2-11
/// (already at c57) "moved" instead, and t2-1 stay at c53.
#[test]
fn sticky_keeps_no_record_of_a_partition_moved_back() {
    let t = topics(&[("t0", 9), ("t1", 11), ("t2", 12), ("t3", 9)]);
    let members = vec![
        owning("c53", &["t0", "t1", "t2"], vec![], 2),
        owning(
            "c57",
            &["t0", "t1", "t2", "t3"],
            parts(&[
                "t0-1", "t0-2", "t0-3", "t0-5", "t0-6", "t0-7", "t1-3", "t1-6", "t1-10", "t2-1",
                "t2-2", "t2-3", "t2-8", "t2-10", "t2-11", "t3-2", "t3-3", "t3-4", "t3-5", "t3-6",
            ]),
            1,
        ),
        owning(
            "c65",
            &["t0", "t1"],
            parts(&["t0-0", "t0-4", "t0-7", "t0-8", "t1-0", "t1-6"]),
            2,
        ),
        owning("c71", &["t0"], vec![], 2),
        member("c99", &["t0"]),
    ];
    let a = run(Sticky, &t, &members);
    verify_validity_and_balance(&members, &a);
    assert_eq!(
        get(&a, "c53"),
        parts(&[
            "t1-10", "t2-0", "t2-2", "t2-3", "t2-4", "t2-5", "t2-6", "t2-7", "t2-8", "t2-9",
            "t2-10"
        ])
    );
    assert_eq!(
        get(&a, "c57"),
        parts(&[
            "t2-1", "t2-11", "t3-0", "t3-1", "t3-2", "t3-3", "t3-4", "t3-5", "t3-6", "t3-7", "t3-8"
        ])
    );
}

#[test]
fn errors_and_names() {
    for kind in AssignorKind::ALL {
        assert_eq!(kind.name().parse::<AssignorKind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.name());
    }
    assert_eq!(
        ["range", "roundrobin", "sticky", "cooperative-sticky"],
        AssignorKind::ALL.map(AssignorKind::name)
    );
    assert!(matches!(
        "round-robin".parse::<AssignorKind>(),
        Err(AssignError::UnknownStrategy(_))
    ));
    let dup = [member("a", &["t"]), member("a", &["t"])];
    assert_eq!(
        assign(Range, &topics(&[("t", 1)]), &dup),
        Err(AssignError::DuplicateMember("a".into()))
    );
    // The cap is inclusive: exactly MAX_PARTITIONS subscribed partitions are assigned, one
    // more is refused (a mutant testing `>=` refuses the first).
    let cap = kafka_sim::engine::assignor::MAX_PARTITIONS as u32;
    let at_cap = assign(Range, &topics(&[("t", cap)]), &[member("a", &["t"])]);
    assert_eq!(at_cap.map(|a| a["a"].len() as u32).ok(), Some(cap));
    let over = assign(
        Range,
        &topics(&[("t", cap / 2), ("u", cap / 2 + 1)]),
        &[member("a", &["t", "u"])],
    );
    assert_eq!(
        over.err(),
        Some(AssignError::TooManyPartitions(u64::from(cap) + 1))
    );
    let huge = topics(&[("t", u32::MAX)]);
    assert_eq!(
        assign(Sticky, &huge, &[member("a", &["t"])]),
        Err(AssignError::TooManyPartitions(u64::from(u32::MAX)))
    );
    assert_eq!(
        run(Sticky, &huge, &[member("a", &["u"])]),
        Assignment::from([("a".to_string(), vec![])])
    );
    assert_eq!(tp("my-topic", 12).to_string(), "my-topic-12");
    assert_eq!(
        "my-topic-12".parse::<TopicPartition>(),
        Ok(tp("my-topic", 12))
    );
    for bad in ["t0", "-1", "t-", "t-+1", "t-1x", "t-99999999999"] {
        assert!(bad.parse::<TopicPartition>().is_err(), "{bad}");
    }
    assert!(tp("a", 10) > tp("a", 9) && tp("b", 0) > tp("a", 9));
}

// ---------------------------------------------------------------- assign_json

#[test]
fn json_round_trip() {
    let input = r#"{"strategy": "range", "topics": {"t0": 3, "t1": 3},
        "members": [{"id": "C0", "topics": ["t0", "t1"]},
                    {"id": "C1", "group_instance_id": null, "topics": ["t1", "t0"], "owned": ["t1-2"]}]}"#;
    let out: serde_json::Value = serde_json::from_str(&assign_json(input).unwrap()).unwrap();
    assert_eq!(
        out,
        serde_json::json!({"assignment": {"C0": ["t0-0", "t0-1", "t1-0", "t1-1"], "C1": ["t0-2", "t1-2"]}})
    );
    let coop = r#"{"strategy": "cooperative-sticky", "topics": {"t": 3},
        "members": [{"id": "c1", "topics": ["t"], "owned": ["t-0", "t-1", "t-2"], "generation": 1},
                    {"id": "c2", "topics": ["t"], "generation": 1}]}"#;
    let out: serde_json::Value = serde_json::from_str(&assign_json(coop).unwrap()).unwrap();
    assert_eq!(
        out,
        serde_json::json!({"assignment": {"c1": ["t-0", "t-1"], "c2": []}})
    );
}

#[test]
fn json_errors_name_the_field() {
    let cases = [
        (
            r#"{"strategy": "fair", "topics": {}, "members": []}"#,
            "strategy: unknown strategy \"fair\"",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["u"]}]}"#,
            "members[0].topics[0]: unknown topic \"u\"",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "owned": ["t0"]}]}"#,
            "members[0].owned[0]: malformed topic-partition \"t0\"",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "owned": ["t-1"]}]}"#,
            "members[0].owned[0]: t-1 does not exist",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": ["t"], "owned": ["x-0"]}]}"#,
            "members[0].owned[0]: unknown topic \"x\"",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 1}, "members": [{"id": "a", "topics": []}, {"id": "a", "topics": []}]}"#,
            "members[1].id: duplicate member id \"a\"",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": 0}, "members": []}"#,
            "topics.t: a topic needs at least 1 partition",
        ),
        (
            r#"{"strategy": "range", "topics": {}, "members": [{"id": "", "topics": []}]}"#,
            "members[0].id: empty member id",
        ),
        (
            r#"{"strategy": "range", "topics": {}, "members": [{"id": "a", "topic": []}]}"#,
            "invalid input: unknown field `topic`",
        ),
        (
            r#"{"strategy": "range", "topics": {"t": -1}, "members": []}"#,
            "invalid input: invalid value",
        ),
        (r#"{"strategy": "range""#, "invalid input: EOF"),
    ];
    for (input, want) in cases {
        let err = assign_json(input).unwrap_err();
        assert!(
            err.starts_with(want),
            "{input}\n  got: {err}\n want: {want}"
        );
    }
}

// ---------------------------------------------------------------- properties

fn arb_group(
    equal_subscriptions: bool,
) -> impl Strategy<Value = (BTreeMap<String, u32>, Vec<MemberSubscription>)> {
    (prop::collection::vec(1u32..=8, 1..=4), 1usize..=6).prop_flat_map(move |(counts, n)| {
        let t: BTreeMap<String, u32> = counts
            .iter()
            .enumerate()
            .map(|(i, &c)| (format!("t{i}"), c))
            .collect();
        let names: Vec<String> = t.keys().cloned().collect();
        let all_tps: Vec<TopicPartition> = t
            .iter()
            .flat_map(|(name, &c)| (0..c).map(move |p| tp(name, p)))
            .collect();
        let subs = if equal_subscriptions {
            Just(vec![names.clone(); n]).boxed()
        } else {
            prop::collection::vec(prop::sample::subsequence(names.clone(), 1..=names.len()), n)
                .boxed()
        };
        let owned = prop::collection::vec(
            prop::sample::subsequence(all_tps.clone(), 0..=all_tps.len().min(6)),
            n,
        );
        let gens = prop::collection::vec(prop::option::of(0i32..3), n);
        let ids = prop::collection::vec("[a-z]{1,8}", n);
        (Just(t), subs, owned, gens, ids).prop_map(|(t, subs, owned, gens, ids)| {
            let members = (0..subs.len())
                .map(|i| MemberSubscription {
                    member_id: format!("{}-{i}", ids[i]),
                    group_instance_id: None,
                    topics: subs[i].clone(),
                    // Owned partitions of subscribed topics only: see
                    // sticky_stale_owner_can_get_an_unsubscribed_partition for why.
                    owned_partitions: owned[i]
                        .iter()
                        .filter(|p| subs[i].contains(&p.topic))
                        .cloned()
                        .collect(),
                    generation: gens[i],
                })
                .collect();
            (t, members)
        })
    })
}

/// Every partition of a subscribed topic exactly once, to a subscriber.
fn assert_complete(t: &BTreeMap<String, u32>, members: &[MemberSubscription], a: &Assignment) {
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|m| m.topics.iter()).collect();
    let expected: BTreeSet<TopicPartition> = subscribed
        .iter()
        .flat_map(|name| (0..t[*name]).map(move |p| tp(name, p)))
        .collect();
    let mut got = BTreeSet::new();
    for m in members {
        for p in get(a, &m.member_id) {
            assert!(
                m.topics.contains(&p.topic),
                "{p} to {} unsubscribed",
                m.member_id
            );
            assert!(got.insert(p.clone()), "{p} twice: {a:?}");
        }
    }
    assert_eq!(got, expected);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        // 96 by default; PROPTEST_CASES=n for a longer run.
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96),
    ))]

    /// RoundRobin and Sticky are balanced within one partition when all members subscribe to
    /// the same topics (Kafka's promise for both), whatever the members claim to own.
    #[test]
    fn balanced_with_equal_subscriptions((t, members) in arb_group(true)) {
        for kind in [RoundRobin, Sticky] {
            let a = run(kind, &t, &members);
            prop_assert!(is_fully_balanced(&a), "{kind}: {a:?}");
            assert_complete(&t, &members, &a);
        }
        let coop = run(CooperativeSticky, &t, &members);
        let settled = cooperative_converges(&t, &members, coop);
        prop_assert!(is_fully_balanced(&settled));
    }

    /// Range, RoundRobin and Sticky assign each partition exactly once to a subscriber; sticky
    /// also passes Kafka's validity-and-balance check with unequal subscriptions.
    #[test]
    fn every_partition_once((t, members) in arb_group(false)) {
        for kind in [Range, RoundRobin, Sticky] {
            let a = run(kind, &t, &members);
            prop_assert_eq!(a.len(), members.len());
            assert_complete(&t, &members, &a);
        }
        verify_validity_and_balance(&members, &run(Sticky, &t, &members));
    }

    /// Cooperative-sticky never gives a partition to a member while another still owns it,
    /// and the follow-up rebalances converge to a valid, balanced assignment.
    #[test]
    fn cooperative_never_steals((t, members) in arb_group(false)) {
        let a = run(CooperativeSticky, &t, &members);
        let settled = cooperative_converges(&t, &members, a);
        assert_complete(&t, &members, &settled);
    }

    /// Kafka's `isSticky` (see [`assert_no_move_both_ways`]) on random groups: one generation,
    /// each partition claimed by at most one member, unequal subscriptions (the general
    /// builder).
    #[test]
    fn sticky_moves_no_partition_both_ways((t, members) in arb_group(false)) {
        let mut claimed = BTreeSet::new();
        let members: Vec<MemberSubscription> = members
            .into_iter()
            .map(|m| MemberSubscription {
                owned_partitions: m.owned_partitions.into_iter().filter(|p| claimed.insert(p.clone())).collect(),
                generation: Some(1),
                ..m
            })
            .collect();
        assert_no_move_both_ways(&members, &run(Sticky, &t, &members));
    }

    /// After a member leaves, sticky keeps every survivor's partitions (equal subscriptions).
    #[test]
    fn sticky_survivors_keep_partitions((t, members) in arb_group(true), leaver in any::<prop::sample::Index>()) {
        let fresh: Vec<MemberSubscription> = members.iter().map(|m| MemberSubscription { owned_partitions: vec![], generation: None, ..m.clone() }).collect();
        let first = run(Sticky, &t, &fresh);
        let gone = leaver.index(fresh.len());
        let survivors: Vec<MemberSubscription> = follow_up_members(&fresh, &first, 1)
            .into_iter().enumerate().filter(|(i, _)| *i != gone).map(|(_, m)| m).collect();
        for kind in [Sticky, CooperativeSticky] {
            let a = run(kind, &t, &survivors);
            for s in &survivors {
                prop_assert!(s.owned_partitions.iter().all(|p| get(&a, &s.member_id).contains(p)));
            }
        }
    }

    /// Static members are ordered by group.instance.id: renaming member ids (and shuffling the
    /// input) does not change what each instance gets from range and roundrobin.
    #[test]
    fn static_members_keep_assignment_across_member_ids(
        (t, members) in arb_group(false),
        ids in prop::collection::vec("[a-z]{1,6}", 6),
        rotate in 0usize..6,
    ) {
        let statics: Vec<MemberSubscription> = members.iter().enumerate()
            .map(|(i, m)| MemberSubscription { group_instance_id: Some(format!("instance-{i}")), ..m.clone() }).collect();
        let mut renamed: Vec<MemberSubscription> = statics.iter().enumerate()
            .map(|(i, m)| MemberSubscription { member_id: format!("{}#{i}", ids[i]), ..m.clone() }).collect();
        let k = rotate % renamed.len();
        renamed.rotate_left(k);
        for kind in [Range, RoundRobin] {
            let a = run(kind, &t, &statics);
            let b = run(kind, &t, &renamed);
            for (i, m) in statics.iter().enumerate() {
                prop_assert_eq!(get(&a, &m.member_id), get(&b, &format!("{}#{i}", ids[i])));
            }
        }
    }

    /// No assignor panics or errors on odd input: empty subscriptions, unknown topics, owned
    /// partitions that do not exist or repeat, negative generations, non-ASCII member ids.
    #[test]
    fn assign_never_panics(
        counts in prop::collection::vec(0u32..5, 0..4),
        members in prop::collection::vec(
            (".{0,4}", prop::collection::vec(0usize..5, 0..4), prop::collection::vec((0usize..5, 0u32..7), 0..6), prop::option::of(-3i32..3), prop::option::of("[a-c]{1,2}")),
            0..6,
        ),
    ) {
        let t: BTreeMap<String, u32> = counts.iter().enumerate().map(|(i, &c)| (format!("t{i}"), c)).collect();
        let mut seen = BTreeSet::new();
        let members: Vec<MemberSubscription> = members
            .into_iter()
            .enumerate()
            .filter(|(_, (id, ..))| seen.insert(id.clone()))
            .map(|(_, (id, subs, owned, generation, instance))| MemberSubscription {
                member_id: id,
                group_instance_id: instance,
                topics: subs.iter().map(|i| format!("t{i}")).collect(),
                owned_partitions: owned.iter().map(|&(i, p)| tp(&format!("t{i}"), p)).collect(),
                generation,
            })
            .collect();
        for kind in AssignorKind::ALL {
            let a = assign(kind, &t, &members);
            prop_assert!(a.is_ok(), "{kind}: {a:?}");
            let a = a.unwrap_or_default();
            prop_assert_eq!(a.len(), members.len());
            let all: Vec<&TopicPartition> = a.values().flatten().collect();
            let unique: BTreeSet<&TopicPartition> = all.iter().copied().collect();
            prop_assert_eq!(all.len(), unique.len(), "{}: {:?}", kind, a);
        }
    }

    /// The CLI entry point never panics, whatever it is given.
    #[test]
    fn assign_json_never_panics(s in ".{0,200}", strategy in "[a-z-]{0,20}", owned in "[a-z0-9-]{0,8}") {
        let _ = assign_json(&s);
        let doc = format!(r#"{{"strategy": "{strategy}", "topics": {{"t": 2}}, "members": [{{"id": "m", "topics": ["t"], "owned": ["{owned}"]}}]}}"#);
        let _ = assign_json(&doc);
    }
}

/// KIP-429: after a cooperative round the members rejoin owning exactly what they were assigned,
/// and their subscriptions carry the generation of that assignment (`generationId`), whatever
/// generation each reported before: a new member (no generation) and one from an older
/// generation both report the new one. Members with nothing assigned rejoin owning nothing.
#[test]
fn follow_up_members_report_the_generation_of_their_assignment() {
    let t = topics(&[("topic", 3)]);
    let m = [
        owning(
            "consumer1",
            &["topic"],
            vec![tp("topic", 0), tp("topic", 1)],
            3,
        ),
        owning("consumer2", &["topic"], vec![tp("topic", 2)], 2),
        member("consumer3", &["topic"]),
        member("consumer4", &["topic"]),
    ];
    let first = run(CooperativeSticky, &t, &m);
    let rejoined = follow_up_members(&m, &first, 4);
    assert_eq!(rejoined.len(), m.len());
    for (before, after) in m.iter().zip(&rejoined) {
        assert_eq!(after.member_id, before.member_id);
        assert_eq!(after.topics, before.topics);
        assert_eq!(after.generation, Some(4), "{}", after.member_id);
        assert_eq!(
            after.owned_partitions,
            get(&first, &after.member_id).to_vec(),
            "{}",
            after.member_id
        );
    }
    assert!(rejoined.iter().any(|r| r.owned_partitions.is_empty()));
}
