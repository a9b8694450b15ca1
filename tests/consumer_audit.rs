//! Consumer offsets and the consumer-side audit (issue 21): a member commits exactly the
//! position after the records `poll()` returned, revoked partitions are committed before their
//! new owner starts, every preset keeps the at-least-once contract (`skipped` and
//! `commit_regressions` zero), and the checker finds the bugs when they are put into a real
//! run's event stream (commits one past the position, a zombie's late commit).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::engine::checker::{InvariantChecker, InvariantReport};
use kafka_sim::engine::config::{AssignmentStrategy, ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SimTime, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

/// Runs to `until` in 250 ms steps (the event buffer never overflows), keeping every event.
fn run_collect(e: &mut Engine, until: SimTime) -> Vec<TimedEvent> {
    e.set_record_bulk(true);
    let mut out = Vec::new();
    while e.now() < until {
        let next = (e.now() + 250 * MILLIS).min(until);
        let st = e.run_until(next, u64::MAX);
        out.extend(e.drain_events());
        if !st.reached && e.now() < next {
            break;
        }
    }
    out.extend(e.drain_events());
    out
}

fn group_cfg(strategy: AssignmentStrategy) -> ConsumerConfig {
    ConsumerConfig {
        session_timeout_ms: 10_000,
        auto_offset_reset: OffsetReset::Earliest,
        partition_assignment_strategy: vec![strategy],
        ..ConsumerConfig::default()
    }
}

/// A group of 3 on 6 partitions; a 4th member joins at 8 s, member 0 crashes at 14 s.
fn handovers(strategy: AssignmentStrategy) -> Scenario {
    Scenario::cluster(3, 61, 32_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 3_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 3, group_cfg(strategy))
        .with_fault(8_000, Command::AddConsumer { group: "g".into() })
        .with_fault(
            14_000,
            Command::CrashConsumer {
                group: "g".into(),
                member: 0,
            },
        )
}

/// A fresh checker fed `events`.
fn replay(e: &Engine, events: &[TimedEvent]) -> InvariantReport {
    let mut c = InvariantChecker::new(e.topics().clone())
        .with_group_names(e.groups().iter().map(|g| g.spec.group_id.clone()).collect());
    for t in events {
        c.observe(t);
    }
    c.report()
}

#[test]
fn every_commit_is_the_position_after_records_the_member_polled() {
    let mut e = Engine::new(&handovers(AssignmentStrategy::Range));
    let events = run_collect(&mut e, ms(32_000));
    // Positions each member reached: ends of its polls and targets of its offset resets.
    let mut positions: BTreeMap<(u32, TopicPartition), Vec<u64>> = BTreeMap::new();
    let mut commits = 0;
    for t in &events {
        match &t.event {
            SimEvent::Consumed {
                consumer,
                tp,
                to_offset,
                ..
            } => positions
                .entry((*consumer, *tp))
                .or_default()
                .push(*to_offset),
            SimEvent::OffsetReset {
                consumer, tp, to, ..
            } => positions.entry((*consumer, *tp)).or_default().push(*to),
            SimEvent::OffsetsCommitted {
                consumer, offsets, ..
            } => {
                for (tp, off) in offsets {
                    commits += 1;
                    let reached = positions.get(&(*consumer, *tp));
                    assert!(
                        reached.is_some_and(|p| p.contains(off)),
                        "at {} ms consumer {consumer} committed {tp:?} offset {off}, not a position it reached (last {:?})",
                        t.at / MILLIS,
                        reached.and_then(|p| p.last())
                    );
                }
            }
            _ => {}
        }
    }
    assert!(commits > 20, "{commits} commits");
    let r = e.report(0.0);
    assert_eq!(
        (r.invariants.skipped, r.invariants.commit_regressions),
        (0, 0)
    );
    assert!(
        r.invariants.redelivered > 0,
        "the crashed member's uncommitted records"
    );
}

/// Eager rebalance on a join: each member commits what it consumed before giving its
/// partitions up (`ConsumerCoordinator.onJoinPrepare`), so the new owner starts exactly where
/// the old one stopped: nothing read twice, nothing skipped.
#[test]
fn revoked_partitions_are_committed_so_the_new_owner_continues_exactly() {
    let s = Scenario::cluster(3, 29, 20_000)
        .with_topic("t", 12, 3)
        .with_producer("p", "t", 2_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 3, group_cfg(AssignmentStrategy::Range))
        .with_fault(10_000, Command::AddConsumer { group: "g".into() });
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(20_000));
    let mut last_end: BTreeMap<TopicPartition, (u32, u64)> = BTreeMap::new();
    let mut revoked_from: BTreeMap<TopicPartition, (u32, u64)> = BTreeMap::new();
    let mut handed_over = 0;
    for t in &events {
        match &t.event {
            SimEvent::PartitionsRevoked {
                consumer,
                partitions,
                ..
            } if t.at >= ms(10_000) => {
                for tp in partitions {
                    if let Some(&(c, end)) = last_end.get(tp) {
                        assert_eq!(c, *consumer, "{tp:?} was read by its owner");
                        revoked_from.insert(*tp, (c, end));
                    }
                }
            }
            SimEvent::Consumed {
                consumer,
                tp,
                from_offset,
                to_offset,
                ..
            } => {
                if let Some((old, end)) = revoked_from.remove(tp) {
                    assert_eq!(
                        *from_offset, end,
                        "{tp:?}: consumer {consumer} took over from consumer {old} at offset {from_offset}, where {old} had stopped at {end}"
                    );
                    handed_over += 1;
                }
                last_end.insert(*tp, (*consumer, *to_offset));
            }
            _ => {}
        }
    }
    assert_eq!(
        handed_over, 12,
        "eager: all 12 partitions revoked and taken again"
    );
    let r = e.report(0.0);
    assert_eq!(r.invariants.redelivered, 0);
    assert_eq!(
        (r.invariants.skipped, r.invariants.commit_regressions),
        (0, 0)
    );
}

/// A poll's records that never reach the application (as when a consumer commits what it
/// fetched rather than what `poll()` returned): taken out of a real run's event stream, they
/// lie below later commits and no member received them.
#[test]
fn records_a_member_never_received_below_a_commit_are_skipped_in_a_real_run() {
    let mut e = Engine::new(&handovers(AssignmentStrategy::Range));
    let events = run_collect(&mut e, ms(32_000));
    let clean = replay(&e, &events);
    assert_eq!(
        (clean.skipped, clean.commit_regressions),
        (0, 0),
        "{clean:?}"
    );
    // The 100th poll after 5 s, whose records nobody else of the group read.
    let polls: Vec<(usize, u32, TopicPartition, u64, u64)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t.event {
            SimEvent::Consumed {
                group,
                tp,
                from_offset,
                to_offset,
                ..
            } => Some((i, group, tp, from_offset, to_offset)),
            _ => None,
        })
        .collect();
    let &(drop, group, tp, from, to) = polls
        .iter()
        .filter(|p| events[p.0].at > ms(5_000))
        .nth(100)
        .expect("polls");
    let read_again = polls
        .iter()
        .any(|p| p.0 != drop && p.1 == group && p.2 == tp && p.3 < to && from < p.4);
    assert!(!read_again, "a poll read once");
    let mut lossy = events.clone();
    lossy.remove(drop);
    let r = replay(&e, &lossy);
    assert_eq!(r.skipped, to - from, "{r:?}");
    assert_eq!(r.commit_regressions, 0);
    let example = r.first_examples.iter().find(|x| x.starts_with("skipped"));
    assert!(
        example.is_some_and(|x| x.contains(&format!("offsets {from}..{to}"))),
        "{:?}",
        r.first_examples
    );
}

#[test]
fn a_zombie_commit_replayed_after_the_new_owner_commits_is_a_regression() {
    let mut e = Engine::new(&handovers(AssignmentStrategy::Range));
    let events = run_collect(&mut e, ms(32_000));
    // The first partition revoked after the join, the commit its old owner made before it,
    // and the new owner's first commit of it.
    let (at, old, tp) = events
        .iter()
        .find_map(|t| match &t.event {
            SimEvent::PartitionsRevoked {
                consumer,
                partitions,
                ..
            } if t.at >= ms(8_000) && !partitions.is_empty() => {
                Some((t.at, *consumer, partitions[0]))
            }
            _ => None,
        })
        .expect("a revocation");
    let stale = events
        .iter()
        .filter(|t| t.at <= at)
        .filter_map(|t| match &t.event {
            SimEvent::OffsetsCommitted {
                group,
                consumer,
                offsets,
            } if *consumer == old => offsets
                .iter()
                .find(|(p, _)| *p == tp)
                .map(|&(_, o)| (*group, o)),
            _ => None,
        })
        .next_back()
        .expect("the old owner committed it");
    let (i, newer) = events
        .iter()
        .enumerate()
        .filter(|(_, t)| t.at > at)
        .find_map(|(i, t)| match &t.event {
            SimEvent::OffsetsCommitted {
                consumer, offsets, ..
            } if *consumer != old => offsets.iter().find(|(p, _)| *p == tp).map(|&(_, o)| (i, o)),
            _ => None,
        })
        .expect("the new owner commits it");
    assert!(
        newer > stale.1,
        "the new owner moved on: {} then {newer}",
        stale.1
    );
    let mut zombie = events.clone();
    zombie.insert(
        i + 1,
        TimedEvent {
            at: events[i].at,
            event: SimEvent::OffsetsCommitted {
                group: stale.0,
                consumer: old,
                offsets: vec![(tp, stale.1)],
            },
        },
    );
    let r = replay(&e, &zombie);
    assert_eq!(r.commit_regressions, 1, "{r:?}");
    assert!(
        r.first_examples
            .iter()
            .any(|x| x.starts_with("commit_regressions")
                && x.contains(&format!("consumer {old} committed"))),
        "{:?}",
        r.first_examples
    );
}

/// The `big-cluster` preset (30 brokers, 1,000 partitions, 80 consumers, 10 simulated minutes)
/// is checked over its first 20 s on its own (below: the groups join, rebalance and auto-commit
/// several times): its whole run takes over ten minutes in an unoptimized test build.
const BIG: &str = "big-cluster";

#[test]
fn every_preset_keeps_the_at_least_once_contract() {
    for (name, _) in kafka_sim::scenario_file::presets::presets() {
        if name != BIG {
            check_at_least_once(name, None);
        }
    }
}

#[test]
fn the_big_cluster_keeps_the_at_least_once_contract_over_its_first_20_s() {
    check_at_least_once(BIG, Some(20_000));
}

/// Runs preset `name` to its end (or to `until_ms`) and checks that no group skipped records
/// or moved a committed offset back, and that its groups consumed and committed.
fn check_at_least_once(name: &str, until_ms: Option<u64>) {
    let s = kafka_sim::scenario_file::presets::preset(name).unwrap();
    let end = until_ms.unwrap_or(s.duration_ms).min(s.duration_ms);
    let mut e = Engine::new(&s);
    e.set_record_bulk(true);
    let mut commits = 0;
    while e.now() < ms(end) {
        e.run_until(e.now() + 500 * MILLIS, u64::MAX);
        commits += e
            .drain_events()
            .iter()
            .filter(|t| matches!(t.event, SimEvent::OffsetsCommitted { .. }))
            .count();
    }
    let r = e.report(0.0);
    assert_eq!(
        (r.invariants.skipped, r.invariants.commit_regressions),
        (0, 0),
        "{name}: {:?}",
        r.invariants.first_examples
    );
    if !s.consumer_groups.is_empty() {
        assert!(commits > 10, "{name}: {commits} commits");
        assert!(r.consumed > 10_000, "{name}: {} consumed", r.consumed);
    }
}
