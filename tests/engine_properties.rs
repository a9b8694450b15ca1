//! Property tests over random fault schedules (crash, restart, isolate, heal, slow, cut link):
//! with acks=all, RF=3, min.insync.replicas=2 and unclean election off no acknowledged record
//! is ever lost — whatever number of brokers is down at once, only availability suffers — no
//! consumer reads above the HW, no consumer group skips a record or moves a commit back, no two
//! leaders share an epoch, epochs only grow, and the same seed replays to the same trace.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::engine::config::{Acks, ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_sim::engine::events::SimEvent;
use kafka_sim::engine::scenario::{Scenario, ScheduledFault};
use kafka_sim::engine::time::{ms, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;
use proptest::prelude::*;

/// Simulated length of each case: short, because CI runs the tests in debug.
const DURATION_MS: u64 = 30_000;

fn command(kind: u8, broker: u32, at: u64) -> Command {
    match kind {
        0 | 1 => Command::CrashBroker { broker },
        2 | 3 => Command::RestartBroker { broker },
        4 => Command::IsolateBroker { broker },
        5 => Command::HealNetwork,
        6 => Command::SlowBroker {
            broker,
            disk_factor: 20.0,
            nic_factor: 4.0,
        },
        7 => Command::SlowBroker {
            broker,
            disk_factor: 1.0,
            nic_factor: 1.0,
        },
        _ => Command::CutLink {
            from: broker,
            to: broker % 3 + 1,
            one_way: at % 2 == 0,
        },
    }
}

fn scenario(seed: u64, faults: &[(u64, u8, u32)], with_group: bool) -> Scenario {
    let mut s = Scenario::cluster(3, seed, DURATION_MS)
        .with_topic("orders", 3, 3)
        .with_producer(
            "p",
            "orders",
            3_000.0,
            200,
            ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        );
    if with_group {
        s = s.with_group(
            "g",
            &["orders"],
            2,
            ConsumerConfig {
                auto_offset_reset: OffsetReset::Earliest,
                session_timeout_ms: 10_000,
                ..ConsumerConfig::default()
            },
        );
    }
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.unclean_leader_election_enable = false;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    for &(at, kind, broker) in faults {
        s.faults.push(ScheduledFault {
            at_ms: at,
            action: command(kind, broker, at),
        });
    }
    // Everything back at the end so the audit sees leaders for every partition.
    s.faults.push(ScheduledFault {
        at_ms: 26_000,
        action: Command::HealNetwork,
    });
    for broker in 1..=3 {
        s.faults.push(ScheduledFault {
            at_ms: 26_000,
            action: Command::RestartBroker { broker },
        });
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn acks_all_never_loses_acknowledged_records(
        seed in 0u64..1_000_000,
        faults in prop::collection::vec((0u64..24_000, 0u8..9, 1u32..=3), 0..10),
        with_group in any::<bool>(),
    ) {
        let s = scenario(seed, &faults, with_group);
        let mut e = Engine::new(&s);
        let mut epochs: BTreeMap<_, u32> = BTreeMap::new();
        while e.now() < ms(DURATION_MS) {
            let next = e.now() + 1_000 * MILLIS;
            e.run_until(next, u64::MAX);
            for t in e.drain_events() {
                if let SimEvent::LeaderChanged { tp, leader_epoch, .. } = t.event {
                    if let Some(prev) = epochs.insert(tp, leader_epoch) {
                        prop_assert!(leader_epoch > prev, "{:?}: {} then {}", tp, prev, leader_epoch);
                    }
                }
            }
        }
        let r = e.report(0.0);
        prop_assert_eq!(r.invariants.acked_lost, 0, "{:?}", r.invariants.first_examples);
        prop_assert_eq!(r.invariants.read_above_hw, 0, "{:?}", r.invariants.first_examples);
        prop_assert_eq!(r.invariants.two_leaders_same_epoch, 0, "{:?}", r.invariants.first_examples);
        prop_assert_eq!(r.invariants.duplicates, 0, "idempotent producer: {:?}", r.invariants.first_examples);
        // The consumer side: at-least-once holds and no commit moves back, whatever the faults.
        prop_assert_eq!(r.invariants.skipped, 0, "{:?}", r.invariants.first_examples);
        prop_assert_eq!(r.invariants.commit_regressions, 0, "{:?}", r.invariants.first_examples);
        if with_group && faults.is_empty() {
            prop_assert!(r.consumed > 50_000, "the group consumed {}", r.consumed);
        }
        prop_assert!(r.produced.acked + r.produced.failed <= r.produced.sent);
        if faults.is_empty() {
            prop_assert!(r.produced.acked > 70_000, "no faults: {}", r.produced.acked);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn same_seed_same_trace(
        seed in 0u64..1_000_000,
        faults in prop::collection::vec((0u64..24_000, 0u8..9, 1u32..=3), 0..6),
    ) {
        let s = scenario(seed, &faults, true);
        let run = || {
            let mut e = Engine::new(&s);
            e.run_until(ms(12_000), u64::MAX);
            (e.trace_hash(), e.events_processed(), e.report(0.0).produced)
        };
        let a = run();
        prop_assert_eq!(a.clone(), run());
        // A different seed changes the run (jitter, placement of records in time).
        let mut other = s.clone();
        other.seed = seed + 1;
        let mut e = Engine::new(&other);
        e.run_until(ms(12_000), u64::MAX);
        prop_assert_ne!(e.trace_hash(), a.0);
    }
}
