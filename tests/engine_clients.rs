//! Client behaviour in the whole engine (issue 4): idempotence vs duplicates on lost responses,
//! linger.ms batching, acks=0, keyed partitioning, consumer group assignment, session timeout,
//! cooperative vs eager revocation, lag under slow processing, and buffer.memory back-pressure.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use kafka_sim::engine::config::{
    Acks, AssignmentStrategy, ConsumerConfig, OffsetReset, ProducerConfig,
};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::partitioner::partition_for_key;
use kafka_sim::engine::report::Report;
use kafka_sim::engine::scenario::{KeyDistribution, Scenario};
use kafka_sim::engine::time::{ms, SimTime, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

/// Runs to `until` in 250 ms steps (the event buffer never overflows), keeping every event.
fn run_collect(e: &mut Engine, until: SimTime, bulk: bool) -> Vec<TimedEvent> {
    e.set_record_bulk(bulk);
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

fn common_invariants(r: &Report, what: &str) {
    assert_eq!(r.invariants.read_above_hw, 0, "{what}");
    assert_eq!(r.invariants.two_leaders_same_epoch, 0, "{what}");
}

/// scenarios/idempotent-producer.json, shortened: an idempotent and a plain (acks=all)
/// producer; broker 1 is cut off at 8 s (produce responses in flight are lost) and healed at 20 s.
fn lost_responses(seed: u64) -> Scenario {
    let idem = ProducerConfig {
        acks: Acks::All,
        enable_idempotence: true,
        request_timeout_ms: 5_000,
        ..ProducerConfig::default()
    };
    let plain = ProducerConfig {
        enable_idempotence: false,
        ..idem.clone()
    };
    let mut s = Scenario::cluster(3, seed, 28_000)
        .with_topic("ledger", 3, 3)
        .with_producer("idempotent", "ledger", 10_000.0, 200, idem)
        .with_producer("plain", "ledger", 10_000.0, 200, plain)
        .with_fault(8_000, Command::IsolateBroker { broker: 1 })
        .with_fault(20_000, Command::HealNetwork);
    s.cluster.config.min_insync_replicas = 2;
    for p in &mut s.producers {
        p.keys = KeyDistribution::Uniform { keys: 1000 };
    }
    s
}

#[test]
fn idempotent_producer_never_duplicates_and_plain_retries_do() {
    let mut plain_dups = 0u64;
    for seed in [17u64, 3, 5] {
        let mut e = Engine::new(&lost_responses(seed));
        e.run_to_end();
        let r = e.report(0.0);
        let by_producer: BTreeMap<u32, u64> = e.invariants_by_producer().into_iter().collect();
        assert_eq!(
            by_producer.get(&0).copied().unwrap_or(0),
            0,
            "seed {seed}: idempotent producer duplicated: {:?}",
            r.invariants.first_examples
        );
        assert_eq!(
            by_producer.values().sum::<u64>(),
            r.invariants.duplicates,
            "seed {seed}"
        );
        assert_eq!(
            r.invariants.acked_lost, 0,
            "seed {seed}: acks=all, min.insync=2"
        );
        assert!(
            r.produced.acked > 200_000,
            "seed {seed}: {}",
            r.produced.acked
        );
        common_invariants(&r, &format!("seed {seed}"));
        plain_dups += by_producer.get(&1).copied().unwrap_or(0);
    }
    assert!(
        plain_dups > 0,
        "enable.idempotence=false retries of lost responses write duplicates"
    );
}

/// Records per ProduceAcked event and the produce-ack p50 (ms) for a `linger.ms`.
fn batching(linger_ms: u64) -> (f64, f64) {
    let cfg = ProducerConfig {
        linger_ms,
        batch_size: 65_536,
        ..ProducerConfig::default()
    };
    let s = Scenario::cluster(3, 11, 6_000)
        .with_topic("t", 3, 3)
        .with_producer("p", "t", 5_000.0, 100, cfg);
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(6_000), true);
    let (mut n, mut recs) = (0u64, 0u64);
    for t in &events {
        if let SimEvent::ProduceAcked { batch, .. } = &t.event {
            n += 1;
            recs += batch.record_count as u64;
        }
    }
    let r = e.report(0.0);
    assert!(recs > 25_000, "linger {linger_ms}: acked {recs}");
    assert_eq!(recs, r.produced.acked);
    (recs as f64 / n as f64, r.latency_ms.produce_ack.p50)
}

#[test]
fn linger_ms_makes_bigger_batches_and_slower_acks() {
    let (avg0, p50_0) = batching(0);
    let (avg50, p50_50) = batching(50);
    // 5000 rec/s: linger 50 ms gathers ~250 records per batch (≈ 83 per partition with the
    // sticky partitioner switching at batch.size... at least 10× the linger=0 batches).
    assert!(
        avg50 > 10.0 * avg0 && avg50 > 50.0,
        "records per batch: linger 0 → {avg0:.1}, linger 50 → {avg50:.1}"
    );
    assert!(
        p50_50 > p50_0 + 15.0,
        "ack p50: linger 0 → {p50_0:.2} ms, linger 50 → {p50_50:.2} ms"
    );
}

#[test]
fn acks_zero_never_waits_for_the_broker() {
    let run = |acks: Acks| {
        let cfg = ProducerConfig {
            acks,
            enable_idempotence: false,
            linger_ms: 0,
            ..ProducerConfig::default()
        };
        let s = Scenario::cluster(3, 12, 4_000)
            .with_topic("t", 3, 3)
            .with_producer("p", "t", 5_000.0, 100, cfg);
        let mut e = Engine::new(&s);
        let events = run_collect(&mut e, ms(4_000), true);
        (events, e.report(0.0))
    };
    let (events0, r0) = run(Acks::Zero);
    let acks: Vec<_> = events0
        .iter()
        .filter_map(|t| match &t.event {
            SimEvent::ProduceAcked {
                batch, acks_zero, ..
            } => Some((*acks_zero, batch.base_offset)),
            _ => None,
        })
        .collect();
    assert!(acks.len() > 100);
    assert!(
        acks.iter().all(|&(z, off)| z && off == u64::MAX),
        "acks=0: no offset is known"
    );
    // That acks=0 sends are not audited is shown by a run that does lose them:
    // engine_replication.rs, acks_zero_losses_are_real_but_not_audited.
    let (_, r_all) = run(Acks::All);
    assert!(
        r0.latency_ms.produce_ack.p50 < r_all.latency_ms.produce_ack.p50,
        "acks=0 p50 {} < acks=all p50 {}",
        r0.latency_ms.produce_ack.p50,
        r_all.latency_ms.produce_ack.p50
    );
    assert!(
        r0.latency_ms.produce_ack.p99 < 1.0,
        "{:?}",
        r0.latency_ms.produce_ack
    );
}

#[test]
fn keyed_records_land_in_the_murmur2_partition() {
    for keys in [1u32, 3] {
        let mut s = Scenario::cluster(3, 13, 3_000)
            .with_topic("t", 6, 3)
            .with_producer("p", "t", 2_000.0, 100, ProducerConfig::default());
        s.producers[0].keys = KeyDistribution::Uniform { keys };
        let mut e = Engine::new(&s);
        let events = run_collect(&mut e, ms(3_000), true);
        let written: BTreeSet<u32> = events
            .iter()
            .filter_map(|t| match &t.event {
                SimEvent::LeaderAppend { tp, .. } if tp.topic == 0 => Some(tp.partition),
                _ => None,
            })
            .collect();
        let expected: BTreeSet<u32> = (0..keys)
            .map(|k| partition_for_key(format!("key-{k}").as_bytes(), 6))
            .collect();
        assert_eq!(written, expected, "{keys} keys");
        assert!(e.report(0.0).produced.acked > 4_000);
    }
}

fn group_cfg(strategy: AssignmentStrategy) -> ConsumerConfig {
    ConsumerConfig {
        session_timeout_ms: 10_000,
        auto_offset_reset: OffsetReset::Earliest,
        partition_assignment_strategy: vec![strategy],
        ..ConsumerConfig::default()
    }
}

fn assignments(events: &[TimedEvent]) -> Vec<(SimTime, Vec<usize>)> {
    events
        .iter()
        .filter_map(|t| match &t.event {
            SimEvent::RebalanceCompleted { assignment, .. } => {
                Some((t.at, assignment.iter().map(|(_, p)| p.len()).collect()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn range_gives_two_each_and_survivors_take_over_after_session_timeout() {
    let s = Scenario::cluster(3, 23, 36_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 3_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 3, group_cfg(AssignmentStrategy::Range))
        .with_fault(
            12_000,
            Command::CrashConsumer {
                group: "g".into(),
                member: 0,
            },
        );
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(36_000), false);
    let done = assignments(&events);
    let first = done.first().expect("a rebalance");
    assert!(first.0 < ms(12_000));
    assert_eq!(first.1, vec![2, 2, 2], "range: 6 partitions over 3 members");
    let crash = ms(12_000);
    let started = events
        .iter()
        .filter(|t| t.at > crash)
        .find(|t| matches!(t.event, SimEvent::RebalanceStarted { .. }))
        .expect("a rebalance after the crash");
    // session.timeout.ms after the last heartbeat, which was ≤ heartbeat.interval.ms before.
    assert!(
        started.at >= crash + ms(10_000 - 3_000) && started.at <= crash + ms(10_000 + 500),
        "rebalance at {} ms",
        started.at / MILLIS
    );
    let last = done.last().unwrap();
    assert!(last.0 > started.at);
    let mut sizes = last.1.clone();
    sizes.sort_unstable();
    assert_eq!(sizes, vec![3, 3], "2 survivors own all 6");
    let r = e.report(0.0);
    assert!(r.consumed > 50_000, "{}", r.consumed);
    common_invariants(&r, "group");
}

/// Partitions revoked by the 3 original members when a 4th joins at 10 s.
fn revoked_on_join(strategy: AssignmentStrategy) -> (usize, Vec<usize>) {
    let s = Scenario::cluster(3, 29, 20_000)
        .with_topic("t", 12, 3)
        .with_producer("p", "t", 2_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 3, group_cfg(strategy))
        .with_fault(10_000, Command::AddConsumer { group: "g".into() });
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(20_000), false);
    let revoked: usize = events
        .iter()
        .filter(|t| t.at >= ms(10_000))
        .filter_map(|t| match &t.event {
            SimEvent::PartitionsRevoked { partitions, .. } => Some(partitions.len()),
            _ => None,
        })
        .sum();
    let last = assignments(&events).last().unwrap().1.clone();
    common_invariants(&e.report(0.0), strategy.name());
    (revoked, last)
}

#[test]
fn cooperative_sticky_revokes_fewer_partitions_than_eager_range() {
    let (eager, eager_last) = revoked_on_join(AssignmentStrategy::Range);
    let (coop, coop_last) = revoked_on_join(AssignmentStrategy::CooperativeSticky);
    assert_eq!(eager, 12, "eager: every member gives up everything");
    assert_eq!(
        coop, 3,
        "cooperative: only the 3 partitions that move to the new member"
    );
    for last in [eager_last, coop_last] {
        assert_eq!(last, vec![3, 3, 3, 3], "12 partitions over 4 members");
    }
}

#[test]
fn slow_consumer_lag_grows_then_shrinks_with_more_members() {
    let mut s = Scenario::cluster(3, 31, 50_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 2_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 1, group_cfg(AssignmentStrategy::Range))
        .with_fault(20_000, Command::AddConsumer { group: "g".into() })
        .with_fault(20_000, Command::AddConsumer { group: "g".into() });
    s.consumer_groups[0].processing_us_per_record = 1_000; // 1000/s per member < 2000/s
    let mut e = Engine::new(&s);
    e.run_until(ms(10_000), u64::MAX);
    let lag10 = e.group_lags()[0].1;
    e.run_until(ms(20_000), u64::MAX);
    let lag20 = e.group_lags()[0].1;
    assert!(lag20 > lag10 + 5_000, "lag grows: {lag10} then {lag20}");
    e.run_until(ms(50_000), u64::MAX);
    let lag50 = e.group_lags()[0].1;
    assert!(
        lag50 < lag20 / 2,
        "3 members (3000/s) drain it: {lag20} then {lag50}"
    );
    common_invariants(&e.report(0.0), "lag");
}

/// acks=all at 40k rec/s × 500 B on modest hardware, the followers' disks 8× slower from 5 s
/// (acks=all requests wait in the leaders' purgatory), broker 1 killed at 10 s.
fn stalled_leader_crash(duration_ms: u64) -> Scenario {
    let mut s = Scenario::cluster(3, 7, duration_ms)
        .with_topic("clicks", 6, 3)
        .with_producer("web", "clicks", 40_000.0, 500, ProducerConfig::default())
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 2,
                disk_factor: 8.0,
                nic_factor: 1.0,
            },
        )
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 8.0,
                nic_factor: 1.0,
            },
        )
        .with_fault(10_000, Command::CrashBroker { broker: 1 });
    s.cluster.hardware = kafka_sim::engine::config::HardwareProfile::modest();
    s.cluster.config.min_insync_replicas = 2;
    s
}

/// A producer whose partitions stall (acks=all, followers 8× slower, the leader crashes)
/// must never hold more than `buffer.memory` of batches.
#[test]
fn buffer_memory_is_never_exceeded() {
    let s = stalled_leader_crash(24_000);
    let cfg = s.producers[0].config.clone();
    let mut e = Engine::new(&s);
    let mut max_used = 0;
    while e.now() < ms(24_000) {
        e.run_until(e.now() + 100 * MILLIS, u64::MAX);
        max_used = max_used.max(e.producers()[0].snapshot().buffer_used);
    }
    assert!(
        max_used <= cfg.buffer_memory + cfg.batch_size,
        "buffer_used peaked at {max_used} for buffer.memory {}",
        cfg.buffer_memory
    );
}

/// A killed broker process closes its sockets: the producer's requests in flight to it fail at
/// once (NetworkException), it refreshes metadata and follows the new leaders.
#[test]
fn producer_notices_a_killed_broker_before_request_timeout() {
    let s = stalled_leader_crash(30_000);
    let mut e = Engine::new(&s);
    e.run_until(ms(9_999), u64::MAX);
    let led_by_1: Vec<u32> = e
        .controller()
        .partitions()
        .filter(|p| p.tp.topic == 0 && p.leader == Some(1))
        .map(|p| p.tp.partition)
        .collect();
    assert!(!led_by_1.is_empty());
    let events = run_collect(&mut e, ms(30_000), true);
    let moved_at = events
        .iter()
        .filter(|t| matches!(t.event, SimEvent::LeaderChanged { tp, leader: Some(_), .. } if tp.topic == 0 && led_by_1.contains(&tp.partition) && t.at > ms(10_000)))
        .map(|t| t.at)
        .max()
        .expect("leaders moved");
    assert!(moved_at < ms(21_000), "{}", moved_at / MILLIS);
    // Within 3 s of the election every moved partition takes acks again (request.timeout.ms
    // would be 10 s + 30 s = 40 s).
    for &p in &led_by_1 {
        let acked_after = events.iter().any(|t| {
            t.at > moved_at
                && t.at < moved_at + ms(3_000)
                && matches!(&t.event, SimEvent::ProduceAcked { tp, .. } if tp.topic == 0 && tp.partition == p)
        });
        assert!(
            acked_after,
            "clicks-{p}: no ack within 3 s of the new leader (at {} ms)",
            moved_at / MILLIS
        );
    }
}

/// A crashed member restarted within `session.timeout.ms`: with static membership (KIP-345) it
/// takes its old place under the same `group.instance.id` — no rebalance, the same partitions;
/// a dynamic member joins as a new member, which rebalances the group while the dead member is
/// still counted until its session expires.
fn restart_within_session(static_membership: bool) -> (Vec<TimedEvent>, Report) {
    let mut s = Scenario::cluster(3, 31, 40_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 2_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], 3, group_cfg(AssignmentStrategy::Range))
        .with_fault(
            12_000,
            Command::CrashConsumer {
                group: "g".into(),
                member: 1,
            },
        )
        .with_fault(
            15_000,
            Command::RestartConsumer {
                group: "g".into(),
                member: 1,
            },
        );
    s.consumer_groups[0].static_membership = static_membership;
    s.consumer_groups[0].config.session_timeout_ms = 20_000;
    s.validate().expect("valid scenario");
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(40_000), false);
    (events, e.report(0.0))
}

#[test]
fn a_static_member_restarted_within_its_session_takes_its_place_without_a_rebalance() {
    let (events, r) = restart_within_session(true);
    let after_crash: Vec<_> = events
        .iter()
        .filter(|t| t.at >= ms(12_000))
        .filter(|t| matches!(t.event, SimEvent::RebalanceStarted { .. }))
        .collect();
    assert!(after_crash.is_empty(), "static: {after_crash:?}");
    assert!(events
        .iter()
        .any(|t| t.at >= ms(15_000) && matches!(t.event, SimEvent::ConsumerStarted { .. })));
    common_invariants(&r, "static restart");
    assert_eq!(r.groups[0].rebalances, 1, "only the first one");
}

#[test]
fn a_dynamic_member_restarted_within_its_session_rebalances_the_group() {
    let (events, r) = restart_within_session(false);
    let started: Vec<SimTime> = events
        .iter()
        .filter(|t| t.at >= ms(12_000))
        .filter(|t| matches!(t.event, SimEvent::RebalanceStarted { .. }))
        .map(|t| t.at)
        .collect();
    assert!(
        started
            .first()
            .is_some_and(|&t| t >= ms(15_000) && t < ms(16_000)),
        "the new member's join starts a rebalance right away: {started:?}"
    );
    common_invariants(&r, "dynamic restart");
    assert!(r.groups[0].rebalances >= 2, "{}", r.groups[0].rebalances);
}

#[test]
fn restarting_a_running_member_is_refused() {
    let s = Scenario::cluster(3, 31, 5_000)
        .with_topic("t", 3, 3)
        .with_group("g", &["t"], 2, group_cfg(AssignmentStrategy::Range));
    let mut e = Engine::new(&s);
    e.run_until(ms(1_000), u64::MAX);
    let before = e.report(0.0);
    e.apply(Command::RestartConsumer {
        group: "g".into(),
        member: 0,
    });
    e.run_until(ms(2_000), u64::MAX);
    let rejected = e
        .drain_events()
        .into_iter()
        .any(|t| matches!(t.event, SimEvent::CommandRejected { .. }));
    assert!(rejected);
    assert_eq!(
        before.groups[0].rebalances,
        e.report(0.0).groups[0].rebalances
    );
}
