//! Replication guarantees (issue 3): acks=all with min.insync.replicas=2 never loses an
//! acknowledged record to a single broker failure, acks=1 does, ISR shrink and expansion,
//! NOT_ENOUGH_REPLICAS, offline partitions and unclean election, KIP-101 truncation, leader
//! epochs, and the checker's read-above-HW and split-brain counters on every run.
//! They also run in headless Chromium as wasm (included by `tests/web.rs`).

use std::collections::BTreeMap;

use kafka_sim::engine::config::{Acks, HardwareProfile, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::report::Report;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SimTime, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

fn acks(acks: Acks) -> ProducerConfig {
    ProducerConfig {
        acks,
        enable_idempotence: acks == Acks::All,
        ..ProducerConfig::default()
    }
}

/// RF=3, min.insync.replicas=2, unclean election off, one acks=all producer.
fn safe_cluster(seed: u64, duration_ms: u64, rate: f64) -> Scenario {
    let mut s = Scenario::cluster(3, seed, duration_ms)
        .with_topic("orders", 6, 3)
        .with_producer("p", "orders", rate, 200, acks(Acks::All));
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.unclean_leader_election_enable = false;
    s
}

/// Runs to `until` in 250 ms steps so the event buffer never overflows, keeping every event
/// (bulk ones too when `bulk`).
fn run_collect(e: &mut Engine, until: SimTime, bulk: bool) -> Vec<TimedEvent> {
    e.set_record_bulk(bulk);
    let mut out = Vec::new();
    while e.now() < until {
        let next = (e.now() + 250 * MILLIS).min(until);
        let st = e.run_until(next, u64::MAX);
        out.extend(e.drain_events());
        if !st.reached && e.now() < next {
            break; // queue empty
        }
    }
    out.extend(e.drain_events());
    out
}

/// What must hold in every run, whatever the faults.
fn common_invariants(r: &Report, what: &str) {
    assert_eq!(
        r.invariants.read_above_hw, 0,
        "{what}: consumers read above HW: {:?}",
        r.invariants.first_examples
    );
    assert_eq!(
        r.invariants.two_leaders_same_epoch, 0,
        "{what}: two leaders in one epoch: {:?}",
        r.invariants.first_examples
    );
}

fn epochs_strictly_increase(events: &[TimedEvent], what: &str) -> usize {
    let mut last: BTreeMap<TopicPartition, u32> = BTreeMap::new();
    let mut changes = 0;
    for t in events {
        if let SimEvent::LeaderChanged {
            tp, leader_epoch, ..
        } = t.event
        {
            changes += 1;
            if let Some(prev) = last.insert(tp, leader_epoch) {
                assert!(
                    leader_epoch > prev,
                    "{what}: {tp:?} epoch {prev} then {leader_epoch} at {} ms",
                    t.at / MILLIS
                );
            }
        }
    }
    changes
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_all_survives_any_single_broker_crash_over_many_seeds() {
    for seed in 0..12u64 {
        for broker in 1..=3u32 {
            let crash_at = 4_000 + seed * 131 + broker as u64 * 17;
            let s = safe_cluster(1_000 + seed * 7 + broker as u64, 20_000, 20_000.0)
                .with_fault(crash_at, Command::CrashBroker { broker })
                .with_fault(14_000, Command::RestartBroker { broker });
            let mut e = Engine::new(&s);
            e.run_until(ms(crash_at), u64::MAX);
            let acked_before = e.report(0.0).produced.acked;
            e.run_to_end();
            let r = e.report(0.0);
            let what = format!("seed {seed} broker {broker}");
            assert_eq!(
                r.invariants.acked_lost, 0,
                "{what}: {:?}",
                r.invariants.first_examples
            );
            assert!(acked_before > 0, "{what}: acks before the crash");
            // 20k rec/s for 20 s; the crash pauses a third of the partitions for up to
            // broker.session.timeout.ms, so well over half must be acknowledged.
            assert!(
                r.produced.acked > acked_before + 150_000,
                "{what}: acks resume after the crash: {acked_before} then {}",
                r.produced.acked
            );
            common_invariants(&r, &what);
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_all_survives_crashing_the_current_leader_under_load() {
    for seed in 0..12u64 {
        let partition = (seed % 6) as u32;
        let s = safe_cluster(2_000 + seed, 20_000, 20_000.0)
            .with_fault(
                5_000 + seed * 53,
                Command::CrashLeader {
                    topic: "orders".into(),
                    partition,
                },
            )
            .with_fault(15_000, Command::HealNetwork);
        let mut e = Engine::new(&s);
        let crash_at = ms(5_000 + seed * 53);
        // Acknowledgements (bulk events) are kept only up to the crash.
        let early = run_collect(&mut e, crash_at, true);
        let t = e.topics().index_of("orders").unwrap();
        let tp = TopicPartition::new(t, partition);
        let old = e.controller().partition(tp).unwrap().leader.unwrap();
        let events = run_collect(&mut e, ms(20_000), false);
        // The end of what the producer saw acknowledged in this partition before the crash.
        let acked_end = early
            .iter()
            .filter(|x| x.at < crash_at)
            .filter_map(|x| match &x.event {
                SimEvent::ProduceAcked { tp: q, batch, .. } if *q == tp => {
                    Some(batch.base_offset + batch.record_count as u64)
                }
                _ => None,
            })
            .max()
            .unwrap_or(0);
        assert!(
            acked_end > 1_000,
            "seed {seed}: acknowledged up to {acked_end}"
        );
        assert!(
            early
                .iter()
                .chain(events.iter())
                .any(|t| matches!(t.event, SimEvent::BrokerCrashed { broker } if broker == old)),
            "seed {seed}: the leader of orders-{partition} (broker {old}) crashed"
        );
        let st = e.controller().partition(tp).unwrap();
        assert!(
            st.leader.is_some() && st.leader != Some(old),
            "seed {seed}: orders-{partition} led by {:?}, old leader {old}",
            st.leader
        );
        epochs_strictly_increase(&events, &format!("seed {seed}"));
        let r = e.report(0.0);
        assert_eq!(
            r.invariants.acked_lost, 0,
            "seed {seed}: {:?}",
            r.invariants.first_examples
        );
        assert!(
            r.produced.acked > 200_000,
            "seed {seed}: {}",
            r.produced.acked
        );
        // The new leader's HW passed everything acknowledged before the crash.
        let hw = r
            .partitions
            .iter()
            .find(|p| p.topic == "orders" && p.partition == partition)
            .unwrap()
            .high_watermark;
        assert!(
            hw >= acked_end,
            "seed {seed}: HW {hw} below the {acked_end} acknowledged before the crash"
        );
        common_invariants(&r, &format!("seed {seed}"));
    }
}

/// scenarios/data-loss-acks-1.json, shortened: acks=1, followers' network 8× slower from 5 s
/// (a slow disk no longer holds them back: appends go to the page cache), leader (broker 1)
/// crashes at 10 s and returns at 22 s.
fn acks_one_loss(seed: u64) -> Scenario {
    let mut s = Scenario::cluster(3, seed, 32_000)
        .with_topic("clicks", 6, 3)
        .with_producer("web", "clicks", 40_000.0, 500, acks(Acks::One))
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 2,
                disk_factor: 1.0,
                nic_factor: 8.0,
            },
        )
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 1.0,
                nic_factor: 8.0,
            },
        )
        .with_fault(10_000, Command::CrashBroker { broker: 1 })
        .with_fault(22_000, Command::RestartBroker { broker: 1 });
    s.cluster.hardware = HardwareProfile::modest();
    s
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_one_with_lagging_followers_loses_acked_records_on_leader_crash() {
    let s = acks_one_loss(7);
    let mut e = Engine::new(&s);
    e.run_until(ms(9_999), u64::MAX);
    let led_by_1: Vec<String> = e
        .controller()
        .partitions()
        .filter(|p| p.leader == Some(1) && e.topics().name(p.tp.topic) == "clicks")
        .map(|p| e.topics().display(p.tp))
        .collect();
    assert!(!led_by_1.is_empty());
    let events = run_collect(&mut e, ms(32_000), false);
    let r = e.report(0.0);
    assert!(
        r.invariants.acked_lost > 0,
        "acks=1 loses what the leader acknowledged alone"
    );
    let example = r
        .invariants
        .first_examples
        .iter()
        .find(|x| x.starts_with("acked_lost"))
        .expect("an acked_lost example");
    assert!(
        led_by_1.iter().any(|p| example.contains(&format!("{p} "))),
        "the example names a partition broker 1 led ({led_by_1:?}): {example}"
    );
    // KIP-101: the returning broker truncates the records the new leaders never had.
    let truncated: u64 = events
        .iter()
        .filter_map(|t| match &t.event {
            SimEvent::LogTruncated {
                broker: 1, removed, ..
            } if t.at >= ms(22_000) => {
                Some(removed.iter().map(|b| b.record_count as u64).sum::<u64>())
            }
            _ => None,
        })
        .sum();
    assert!(truncated > 0, "broker 1 truncated on restart");
    assert!(
        truncated >= r.invariants.acked_lost,
        "every lost acked record was in broker 1's divergent tail: truncated {truncated}, lost {}",
        r.invariants.acked_lost
    );
    // Broker 1 is a follower again and back in the ISR of every partition.
    for p in e.controller().partitions() {
        if e.topics().name(p.tp.topic) == "clicks" {
            assert_ne!(p.leader, Some(1), "no preferred election in 10 s");
            assert!(
                p.isr.contains(&1),
                "{}: broker 1 back in the ISR: {:?}",
                e.topics().display(p.tp),
                p.isr
            );
        }
    }
    epochs_strictly_increase(&events, "acks=1");
    common_invariants(&r, "acks=1");
}

/// KIP-101: the returning leader truncates each partition it led to exactly where its log and
/// the new leader's diverge — the new leader's first offset of its epoch (the end of the old
/// epoch on the new leader, `OffsetsForLeaderEpoch`) — not to its high watermark, not by a
/// batch more or less; what it removes is only the old epoch's unreplicated tail.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_returning_leader_truncates_exactly_to_the_divergence_point() {
    let s = acks_one_loss(7);
    let mut e = Engine::new(&s);
    e.run_until(ms(9_999), u64::MAX);
    let led_by_1: Vec<(TopicPartition, u32)> = e
        .controller()
        .partitions()
        .filter(|p| p.leader == Some(1) && e.topics().name(p.tp.topic) == "clicks")
        .map(|p| (p.tp, p.leader_epoch))
        .collect();
    assert!(!led_by_1.is_empty());
    let events = run_collect(&mut e, ms(32_000), true);
    for &(tp, old_epoch) in &led_by_1 {
        let name = e.topics().display(tp);
        // The new leader's epoch and the offset it started it at.
        let new_epoch = events
            .iter()
            .find_map(|t| match t.event {
                SimEvent::LeaderChanged {
                    tp: q,
                    leader: Some(l),
                    leader_epoch,
                    ..
                } if q == tp && l != 1 => Some(leader_epoch),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}: a new leader"));
        let epoch_start = events
            .iter()
            .find_map(|t| match &t.event {
                SimEvent::LeaderAppend { tp: q, batch, .. }
                    if *q == tp && batch.partition_leader_epoch == new_epoch =>
                {
                    Some(batch.base_offset)
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{name}: appends in epoch {new_epoch}"));
        let truncations: Vec<(u64, &Vec<_>)> = events
            .iter()
            .filter_map(|t| match &t.event {
                SimEvent::LogTruncated {
                    broker: 1,
                    tp: q,
                    to_offset,
                    removed,
                } if *q == tp => Some((*to_offset, removed)),
                _ => None,
            })
            .collect();
        assert_eq!(
            truncations.len(),
            1,
            "{name}: broker 1 truncates once on its return: {:?}",
            truncations.iter().map(|t| t.0).collect::<Vec<_>>()
        );
        let (to, removed) = truncations[0];
        assert_eq!(
            to, epoch_start,
            "{name}: truncated to {to}, the logs diverge at {epoch_start}"
        );
        assert!(!removed.is_empty());
        assert_eq!(removed[0].base_offset, epoch_start, "{name}");
        for b in removed {
            assert_eq!(
                b.partition_leader_epoch, old_epoch,
                "{name}: only broker 1's own unreplicated epoch-{old_epoch} batches go"
            );
        }
    }
}

/// acks=0 confirms nothing, so the audit has nothing to hold it to: the same crash truncates
/// records from broker 1 (they are gone), yet `acked_lost` stays 0 (README: acks ≠ 0 only).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_zero_losses_are_real_but_not_audited() {
    let mut s = acks_one_loss(7);
    s.producers[0].config = acks(Acks::Zero);
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(32_000), false);
    let truncated: u64 = events
        .iter()
        .filter_map(|t| match &t.event {
            SimEvent::LogTruncated { removed, .. } => {
                Some(removed.iter().map(|b| b.record_count as u64).sum::<u64>())
            }
            _ => None,
        })
        .sum();
    assert!(
        truncated > 0,
        "records sent with acks=0 were truncated away"
    );
    let r = e.report(0.0);
    assert!(r.produced.acked > 100_000, "{}", r.produced.acked);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "acks=0 sends are not audited: {:?}",
        r.invariants.first_examples
    );
    common_invariants(&r, "acks=0");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_all_in_the_same_schedule_loses_nothing() {
    let mut s = acks_one_loss(7);
    s.producers[0].config = acks(Acks::All);
    s.cluster.config.min_insync_replicas = 2;
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(32_000), false);
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert!(r.produced.acked > 100_000, "{}", r.produced.acked);
    // Whatever broker 1 truncates on restart was never acknowledged.
    assert!(epochs_strictly_increase(&events, "acks=all") >= 2);
    common_invariants(&r, "acks=all");
}

/// A follower that stops keeping up leaves the ISR after `replica.lag.time.max.ms` and rejoins
/// once it has caught up. The producer uses acks=1: with acks=all the leader's log only grows as
/// fast as the slow follower copies it (at most 5 requests in flight), so the follower always
/// reaches the log end it saw at its previous fetch and stays "caught up", as in Kafka.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn slow_follower_leaves_the_isr_after_lag_time_and_rejoins_when_restored() {
    let mut s = safe_cluster(13, 45_000, 5_000.0)
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 200.0,
                nic_factor: 200.0,
            },
        )
        .with_fault(
            25_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 1.0,
                nic_factor: 1.0,
            },
        );
    s.producers[0].config = acks(Acks::One);
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    s.cluster.hardware = HardwareProfile::modest(); // 200× slower: 0.6 MB/s for 1 MB/s written
    let mut e = Engine::new(&s);
    e.run_until(ms(5_000), u64::MAX);
    let t = e.topics().index_of("orders").unwrap();
    let followed_by_3: Vec<u32> = e
        .controller()
        .partitions()
        .filter(|p| p.tp.topic == t && p.leader != Some(3))
        .map(|p| p.tp.partition)
        .collect();
    assert_eq!(followed_by_3.len(), 4, "broker 3 leads 2 of 6");
    let events = run_collect(&mut e, ms(45_000), false);
    let isr_changes: Vec<(SimTime, TopicPartition, Vec<u32>, bool)> = events
        .iter()
        .filter_map(|x| match &x.event {
            SimEvent::IsrChanged { tp, isr, shrink } if tp.topic == t => {
                Some((x.at, *tp, isr.clone(), *shrink))
            }
            _ => None,
        })
        .collect();
    for &p in &followed_by_3 {
        let tp = TopicPartition::new(t, p);
        let shrink = isr_changes
            .iter()
            .find(|(_, q, isr, shrink)| *q == tp && *shrink && !isr.contains(&3))
            .unwrap_or_else(|| panic!("orders-{p}: no shrink dropping 3: {isr_changes:?}"));
        assert_eq!(
            shrink.2.len(),
            2,
            "orders-{p}: only 3 leaves: {:?}",
            shrink.2
        );
        // Not before replica.lag.time.max.ms has passed since the slow-down, and while slow.
        assert!(
            shrink.0 >= ms(5_000 + 5_000) && shrink.0 < ms(25_000),
            "orders-{p}: shrink at {} ms",
            shrink.0 / MILLIS
        );
        let grow = isr_changes
            .iter()
            .find(|(at, q, isr, s)| *q == tp && !*s && isr.contains(&3) && *at > shrink.0)
            .unwrap_or_else(|| panic!("orders-{p}: no expansion with 3: {isr_changes:?}"));
        assert!(
            grow.0 > ms(25_000) && grow.0 < ms(35_000),
            "orders-{p}: 3 rejoined at {} ms",
            grow.0 / MILLIS
        );
    }
    for p in 0..6 {
        let st = e.controller().partition(TopicPartition::new(t, p)).unwrap();
        assert_eq!(
            st.isr.len(),
            3,
            "orders-{p}: full ISR at the end: {:?}",
            st.isr
        );
    }
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(r.produced.failed, 0);
    common_invariants(&r, "isr");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn two_of_three_down_rejects_acks_all_with_not_enough_replicas() {
    // Broker 2 returns at 50 s: after the requests parked at 5 s have timed out (30 s), so the
    // producer's retries meet the short ISR up front.
    let s = safe_cluster(21, 65_000, 5_000.0)
        .with_fault(5_000, Command::CrashBroker { broker: 2 })
        .with_fault(5_000, Command::CrashBroker { broker: 3 })
        .with_fault(50_000, Command::RestartBroker { broker: 2 });
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(65_000), true);
    let fenced = |b: u32| {
        events
            .iter()
            .find(|t| matches!(t.event, SimEvent::BrokerFenced { broker } if broker == b))
            .map(|t| t.at)
            .unwrap_or_else(|| panic!("broker {b} fenced"))
    };
    let down_from = fenced(2).max(fenced(3));
    let back = ms(50_000);
    let rejected: Vec<&TimedEvent> = events
        .iter()
        .filter(|t| {
            matches!(
                t.event,
                SimEvent::ProduceRejected {
                    error: ErrorCode::NotEnoughReplicas,
                    ..
                }
            )
        })
        .collect();
    assert!(!rejected.is_empty(), "NOT_ENOUGH_REPLICAS expected");
    assert!(
        rejected
            .iter()
            .all(|t| t.at >= down_from && t.at <= back + ms(10_000)),
        "rejections only while the ISR is below min.insync"
    );
    for t in &events {
        if let SimEvent::ProduceRejected { broker, .. } = t.event {
            assert_eq!(broker, 1, "only broker 1 is alive to reject");
        }
    }
    // Nothing is acknowledged from shortly after the crash until broker 2 is back.
    let acked_while_down: u64 = events
        .iter()
        .filter(|t| t.at > ms(5_000) + 200 * MILLIS && t.at < back)
        .filter_map(|t| match &t.event {
            SimEvent::ProduceAcked { batch, .. } => Some(batch.record_count as u64),
            _ => None,
        })
        .sum();
    assert_eq!(
        acked_while_down, 0,
        "no acks=all ack with one replica alive"
    );
    let acked_after: u64 = events
        .iter()
        .filter(|t| t.at > back)
        .filter_map(|t| match &t.event {
            SimEvent::ProduceAcked { batch, .. } => Some(batch.record_count as u64),
            _ => None,
        })
        .sum();
    assert!(
        acked_after > 10_000,
        "acks resume with 2 replicas: {acked_after}"
    );
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    common_invariants(&r, "NOT_ENOUGH_REPLICAS");
}

/// Brokers 2 then 3 die (ISR shrinks to {1}), then 1 dies: every partition is offline. At
/// 32 s broker 2, out of sync, comes back.
fn whole_isr_gone(unclean: bool) -> Scenario {
    let mut s = safe_cluster(31, 42_000, 5_000.0)
        .with_fault(2_000, Command::CrashBroker { broker: 2 })
        .with_fault(14_000, Command::CrashBroker { broker: 3 })
        .with_fault(26_000, Command::CrashBroker { broker: 1 })
        .with_fault(32_000, Command::RestartBroker { broker: 2 });
    s.cluster.config.unclean_leader_election_enable = unclean;
    // Without eligible leader replicas (KIP-966), as before Kafka 4.1: the last ISR member
    // stays in the ISR.
    s.cluster.config.eligible_leader_replicas_version = 0;
    s
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn partition_stays_offline_without_unclean_election() {
    let mut e = Engine::new(&whole_isr_gone(false));
    let events = run_collect(&mut e, ms(42_000), false);
    assert!(
        e.report(0.0).produced.acked > 50_000,
        "records were acknowledged before the partitions went offline"
    );
    let t = e.topics().index_of("orders").unwrap();
    for st in e.controller().partitions().filter(|p| p.tp.topic == t) {
        assert_eq!(st.leader, None, "{:?} offline", st.tp);
        assert_eq!(st.isr, vec![1], "{:?}: the last ISR member stays", st.tp);
    }
    assert!(events
        .iter()
        .all(|t| !matches!(t.event, SimEvent::LeaderChanged { unclean: true, .. })));
    assert!(
        events.iter().any(
            |x| matches!(x.event, SimEvent::LeaderChanged { tp, leader: None, .. } if tp.topic == t)
        ),
        "offline announced"
    );
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    common_invariants(&r, "offline");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn unclean_election_picks_the_out_of_sync_replica_and_loses_acked_data() {
    let mut e = Engine::new(&whole_isr_gone(true));
    let events = run_collect(&mut e, ms(42_000), false);
    let t = e.topics().index_of("orders").unwrap();
    let unclean: Vec<&TimedEvent> = events
        .iter()
        .filter(|x| matches!(x.event, SimEvent::LeaderChanged { tp, unclean: true, .. } if tp.topic == t))
        .collect();
    assert_eq!(unclean.len(), 6, "each partition elects broker 2 uncleanly");
    for x in &unclean {
        assert!(x.at >= ms(32_000), "only after broker 2 returns");
        assert!(matches!(
            x.event,
            SimEvent::LeaderChanged {
                leader: Some(2),
                ..
            }
        ));
    }
    for st in e.controller().partitions().filter(|p| p.tp.topic == t) {
        assert_eq!(st.leader, Some(2));
    }
    let r = e.report(0.0);
    // Broker 2 missed everything acknowledged by {1, 3} between 2 s and 14 s.
    assert!(
        r.invariants.acked_lost > 10_000,
        "{}",
        r.invariants.acked_lost
    );
    epochs_strictly_increase(&events, "unclean");
    common_invariants(&r, "unclean");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn leader_epochs_strictly_increase_through_repeated_failovers() {
    let s = safe_cluster(41, 40_000, 5_000.0)
        .with_fault(2_000, Command::CrashBroker { broker: 1 })
        .with_fault(12_000, Command::RestartBroker { broker: 1 })
        .with_fault(16_000, Command::IsolateBroker { broker: 2 })
        .with_fault(27_000, Command::HealNetwork)
        .with_fault(30_000, Command::CrashBroker { broker: 3 });
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(40_000), true);
    let changes = epochs_strictly_increase(&events, "failovers");
    assert!(changes >= 8, "leaders moved off 1, 2 and 3: {changes}");
    // Every append carries the epoch of the leader that wrote it, never an older one.
    let mut epoch_of: BTreeMap<TopicPartition, Vec<(SimTime, u32)>> = BTreeMap::new();
    for x in &events {
        if let SimEvent::LeaderChanged {
            tp,
            leader_epoch,
            leader: Some(_),
            ..
        } = x.event
        {
            epoch_of.entry(tp).or_default().push((x.at, leader_epoch));
        }
    }
    let mut seen = 0;
    for x in &events {
        if let SimEvent::LeaderAppend { tp, batch, .. } = &x.event {
            let current = epoch_of
                .get(tp)
                .and_then(|v| v.iter().rev().find(|(at, _)| *at <= x.at))
                .map(|(_, e)| *e)
                .unwrap_or(0);
            assert!(
                batch.partition_leader_epoch <= current,
                "{tp:?} at {} ms: batch epoch {} > controller epoch {current}",
                x.at / MILLIS,
                batch.partition_leader_epoch
            );
            seen += 1;
        }
    }
    assert!(seen > 1_000);
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    common_invariants(&r, "failovers");
}
