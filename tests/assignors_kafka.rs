//! The assignors against Kafka's own results. Every block of `tests/data/assignors_kafka.txt`
//! is a group and what Kafka's client assignors (`RangeAssignor`, `RoundRobinAssignor`,
//! `StickyAssignor`, `CooperativeStickyAssignor` of apache/kafka at 1eb7644, October 2024; the
//! last functional change to them there is KAFKA-15170, May 2024) assigned it:
//!
//! ```text
//! # case 205 sticky stale              case number, assignor, generator mode
//! topics t0:6 t1:10                    every topic and its partition count
//! member c16 gen 2 subscribes t0,t1 owns t1-0,t1-6     gen "-": no generation
//! member c27 gen 1 subscribes t0 owns - instance i17    a static member (KIP-345)
//! kafka c16 t1-0,t1-6                  Kafka's assignment of each member ("-": none)
//! kafka-error NullPointerException     instead, where Kafka's assignor threw
//! ```
//!
//! How the file was made: `examples/assignor_fingerprints` (`--dump`, with `--equal`, `--stale`,
//! `--nogen` and `--static` for the other modes) printed random groups; a small Java driver (not in
//! this repository: it is built against Kafka's source) gave each group to Kafka's assignor, as
//! `ConsumerCoordinator` would: members in a `HashMap` by member id, partitions by topic,
//! `Subscription(topics, userData, ownedPartitions, generationId)` with the owned partitions and
//! generation in the sticky assignor's user data (eager) or in the subscription (cooperative), and
//! printed the result. On about 1.7 million such groups (2026-12-07: 610,000 plain over the four
//! assignors, 400,000 with equal subscriptions, 400,000 with stale owners, 60,000 with no
//! generations, 200,000 with static members) every assignment was the same as Kafka's, apart from
//! Kafka's NullPointerException below (61 stale-owner groups each for sticky and
//! cooperative-sticky). The file keeps the first cases of each kind and the cases that tell apart
//! `cargo mutants` survivors of the sticky assignor's general path (`sticky_general.rs`), which
//! random property tests cannot: they only check validity and balance.
//!
//! Assignments are compared as sets per member (Kafka's list order is not modelled: the engine
//! sorts each member's partitions). Where Kafka throws, KafkaSim assigns instead (documented in
//! `sticky_general.rs`) and those blocks check only that every partition is assigned once: a
//! NullPointerException in `performReassignments`, which looks up the current assignment of a
//! partition's previous owner from an older generation after that owner was set aside as unable
//! to take part in reassignment (it holds every partition it can, and none that anyone else
//! could take).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::assignor::{assign, AssignorKind, MemberSubscription, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// One block of the file.
struct Case {
    header: String,
    kind: AssignorKind,
    topics: BTreeMap<String, u32>,
    members: Vec<MemberSubscription>,
    /// Kafka's assignment, or `None` where Kafka threw.
    kafka: Option<BTreeMap<String, BTreeSet<TopicPartition>>>,
    text: String,
}

fn partitions(list: &str) -> Vec<TopicPartition> {
    if list == "-" {
        return Vec::new();
    }
    list.split(',')
        .map(|p| {
            let (topic, n) = p.rsplit_once('-').expect("topic-partition");
            TopicPartition::new(topic, n.parse().expect("partition number"))
        })
        .collect()
}

fn parse(block: &str) -> Case {
    let mut lines = block.lines();
    let header = lines.next().expect("header").to_string();
    let kind = header
        .split(' ')
        .nth(3)
        .expect("assignor")
        .parse()
        .expect("assignor name");
    let mut case = Case {
        header,
        kind,
        topics: BTreeMap::new(),
        members: Vec::new(),
        kafka: Some(BTreeMap::new()),
        text: block.to_string(),
    };
    for line in lines {
        let f: Vec<&str> = line.split(' ').collect();
        match f[0] {
            "topics" => {
                for t in &f[1..] {
                    let (name, n) = t.split_once(':').expect("topic:count");
                    case.topics
                        .insert(name.to_string(), n.parse().expect("count"));
                }
            }
            "member" => {
                assert_eq!((f[2], f[4], f[6]), ("gen", "subscribes", "owns"), "{line}");
                let generation = (f[3] != "-").then(|| f[3].parse().expect("generation"));
                let topics: Vec<&str> = f[5].split(',').collect();
                let mut m =
                    MemberSubscription::new(f[1], &topics).with_owned(partitions(f[7]), generation);
                if let ["instance", id] = f[8..] {
                    m = m.with_instance_id(id);
                }
                case.members.push(m);
            }
            "kafka" => {
                if let Some(k) = case.kafka.as_mut() {
                    k.insert(f[1].to_string(), partitions(f[2]).into_iter().collect());
                }
            }
            "kafka-error" => case.kafka = None,
            other => panic!("unknown line {other:?} in {}", case.header),
        }
    }
    case
}

fn cases() -> Vec<Case> {
    let text = include_str!("data/assignors_kafka.txt");
    text.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| parse(b.trim()))
        .collect()
}

/// Every subscribed partition goes to exactly one member (cooperative-sticky: at most one, as it
/// holds back partitions that change owner until they are revoked). (Not that members get only partitions
/// of their topics: in the general path Kafka moves a partition back to its previous owner from
/// an older generation without checking that it still subscribes to the topic, and the vectors
/// have such results; `tests/assignors.rs` pins that quirk.)
fn assert_each_partition_once(case: &Case, got: &BTreeMap<String, Vec<TopicPartition>>) {
    let mut seen = BTreeSet::new();
    for m in &case.members {
        for tp in &got[&m.member_id] {
            assert!(seen.insert(tp.clone()), "{}: {tp:?} twice", case.header);
        }
    }
    let subscribed: BTreeSet<&String> = case.members.iter().flat_map(|m| &m.topics).collect();
    let expected: usize = case
        .topics
        .iter()
        .filter(|(t, _)| subscribed.contains(t))
        .map(|(_, &n)| n as usize)
        .sum();
    if case.kind != AssignorKind::CooperativeSticky {
        assert_eq!(
            seen.len(),
            expected,
            "{}: not every partition assigned",
            case.header
        );
    }
}

#[test]
fn every_assignor_assigns_as_kafka_does() {
    let cases = cases();
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut differ = Vec::new();
    for case in &cases {
        *per_kind.entry(case.kind.name()).or_default() += 1;
        let got = assign(case.kind, &case.topics, &case.members)
            .unwrap_or_else(|e| panic!("{}: {e}", case.header));
        let Some(kafka) = &case.kafka else {
            assert_each_partition_once(case, &got);
            continue;
        };
        let ours: BTreeMap<String, BTreeSet<TopicPartition>> = got
            .into_iter()
            .map(|(m, l)| (m, l.into_iter().collect()))
            .collect();
        if &ours != kafka {
            differ.push(format!("{}\nours: {ours:?}", case.text));
        }
    }
    // The file must not shrink to nothing unnoticed: each assignor keeps its cases.
    for kind in AssignorKind::ALL {
        assert!(
            per_kind.get(kind.name()).copied().unwrap_or(0) >= 50,
            "too few {} cases: {per_kind:?}",
            kind.name()
        );
    }
    assert!(
        differ.is_empty(),
        "{} of {} groups assigned differently from Kafka; the first:\n{}",
        differ.len(),
        cases.len(),
        differ[0]
    );
}

/// The groups where Kafka's general sticky algorithm throws are kept as such: if a regenerated
/// file lost them, the deviation would go untested.
#[test]
fn kafka_throws_where_a_stale_owner_was_set_aside() {
    let thrown = cases().iter().filter(|c| c.kafka.is_none()).count();
    assert!(thrown >= 2, "{thrown} blocks with kafka-error");
}
