//! KRaft as Kafka 4.x runs it (issue 13): a broker restarted inside its session is refused
//! (`DUPLICATE_BROKER_REGISTRATION`) until fenced, then registers, catches up and is unfenced;
//! brokers pull the metadata log, so one that was cut off catches up after the network heals.
//! They also run in headless Chromium as wasm (included by `tests/web.rs`).

use kafka_sim::engine::config::{Acks, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SimTime, MILLIS, SECONDS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

fn run_collect(e: &mut Engine, until: SimTime) -> Vec<TimedEvent> {
    let mut out = Vec::new();
    while e.now() < until {
        let next = (e.now() + 250 * MILLIS).min(until);
        e.run_until(next, u64::MAX);
        out.extend(e.drain_events());
    }
    out
}

fn first_at(events: &[TimedEvent], f: impl Fn(&SimEvent) -> bool) -> Option<SimTime> {
    events.iter().find(|t| f(&t.event)).map(|t| t.at)
}

fn cluster(seed: u64, duration_ms: u64) -> Scenario {
    Scenario::cluster(3, seed, duration_ms).with_topic("orders", 6, 3)
}

/// Broker 1 crashes at 5 s and restarts at 6 s, well inside `broker.session.timeout.ms` (9 s).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_quick_restart_is_refused_until_the_old_session_expires_then_fenced_and_unfenced() {
    let s = cluster(7, 60_000)
        .with_fault(5_000, Command::CrashBroker { broker: 1 })
        .with_fault(6_000, Command::RestartBroker { broker: 1 });
    let mut e = Engine::new(&s);
    let led_by_1: Vec<_> = e
        .controller()
        .partitions()
        .filter(|p| p.leader == Some(1) && e.topics().get(p.tp.topic).is_some_and(|t| !t.internal))
        .map(|p| p.tp)
        .collect();
    assert!(!led_by_1.is_empty(), "broker 1 leads something at start");
    let events = run_collect(&mut e, ms(60_000));
    let refused = first_at(&events, |ev| {
        matches!(
            ev,
            SimEvent::BrokerRegistrationRefused {
                broker: 1,
                error: ErrorCode::DuplicateBrokerRegistration
            }
        )
    })
    .expect("the new incarnation is refused while the old session is valid");
    assert!(refused >= 6 * SECONDS);
    let fenced = first_at(&events, |ev| {
        matches!(ev, SimEvent::BrokerFenced { broker: 1 })
    })
    .expect("the old session expires and broker 1 is fenced");
    // Its last heartbeat was at most 2 s before the crash; the session is 9 s.
    assert!(
        (12 * SECONDS..=15_200 * MILLIS).contains(&fenced),
        "fenced at {fenced}"
    );
    let registered = first_at(&events, |ev| {
        matches!(ev, SimEvent::BrokerRegistered { broker: 1, .. })
    })
    .expect("registers once fenced");
    assert!(registered > fenced);
    // Every partition broker 1 led moved to another broker when it was fenced.
    for tp in &led_by_1 {
        let moved = events.iter().any(|t| {
            t.at >= fenced
                && t.at < registered
                && matches!(t.event, SimEvent::LeaderChanged { tp: x, leader: Some(l), .. } if x == *tp && l != 1)
        });
        assert!(
            moved,
            "{tp:?}: leadership moved away from broker 1 on fencing"
        );
    }
    let unfenced = first_at(&events, |ev| {
        matches!(ev, SimEvent::BrokerUnfenced { broker: 1 })
    })
    .expect("unfenced after catching up");
    assert!(unfenced > registered);
    // Back in every ISR, and (preferred election aside) it rejoined as a follower.
    for p in e.controller().partitions() {
        assert!(
            p.isr.contains(&1),
            "{:?}: broker 1 back in ISR {:?}",
            p.tp,
            p.isr
        );
    }
    let b1 = &e.controller().brokers()[&1];
    assert!(!b1.fenced);
    assert_eq!(b1.incarnation, 1);
}

/// acks=1: leader 1 keeps acknowledging while it is cut off from its followers, then crashes
/// and restarts quickly. Kafka fences it (the new incarnation is refused until the session
/// expires), elects a follower that never had those records, and broker 1 truncates them when
/// it returns: acknowledged records are lost even though the broker was down for one second.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn acks_1_records_of_a_cut_off_leader_are_lost_despite_a_quick_restart() {
    let cfg = ProducerConfig {
        acks: Acks::One,
        enable_idempotence: false,
        ..ProducerConfig::default()
    };
    let s = cluster(11, 40_000)
        .with_producer("p", "orders", 2_000.0, 100, cfg)
        .with_fault(
            5_000,
            Command::CutLink {
                from: 1,
                to: 2,
                one_way: false,
            },
        )
        .with_fault(
            5_000,
            Command::CutLink {
                from: 1,
                to: 3,
                one_way: false,
            },
        )
        .with_fault(7_000, Command::CrashBroker { broker: 1 })
        .with_fault(7_500, Command::HealNetwork)
        .with_fault(8_000, Command::RestartBroker { broker: 1 });
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(40_000));
    let truncated: u64 = events
        .iter()
        .filter_map(|t| match &t.event {
            SimEvent::LogTruncated {
                broker: 1, removed, ..
            } => Some(removed.iter().map(|b| b.record_count as u64).sum::<u64>()),
            _ => None,
        })
        .sum();
    assert!(truncated > 0, "broker 1 truncates what only it had");
    let r = e.report(0.0);
    assert!(
        r.invariants.acked_lost > 0,
        "acks=1 records acknowledged by the cut-off leader are lost: {:?}",
        r.invariants
    );
}

/// Broker 3 is isolated at 5 s (fenced, out of every ISR), the network heals at 20 s: it pulls
/// the metadata it missed, follows the new leaders and rejoins every ISR.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn an_isolated_broker_catches_up_the_metadata_log_after_the_heal_and_rejoins_the_isrs() {
    let s = cluster(5, 60_000)
        .with_producer("p", "orders", 1_000.0, 100, ProducerConfig::default())
        .with_fault(5_000, Command::IsolateBroker { broker: 3 })
        .with_fault(20_000, Command::HealNetwork);
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(60_000));
    let fenced = first_at(&events, |ev| {
        matches!(ev, SimEvent::BrokerFenced { broker: 3 })
    })
    .expect("isolated broker fenced");
    assert!(fenced < 20 * SECONDS);
    let unfenced = first_at(&events, |ev| {
        matches!(ev, SimEvent::BrokerUnfenced { broker: 3 })
    })
    .expect("unfenced after the heal");
    assert!(
        (20 * SECONDS..25 * SECONDS).contains(&unfenced),
        "unfenced at {unfenced}"
    );
    for p in e.controller().partitions() {
        assert!(
            p.isr.contains(&3),
            "{:?}: broker 3 back in ISR {:?}",
            p.tp,
            p.isr
        );
    }
    let end = e.controller().metadata_log().end_offset();
    let b3 = e.brokers()[2].process().expect("running");
    assert_eq!(
        b3.metadata_offset(),
        end,
        "broker 3 caught up the metadata log"
    );
}

/// Eligible leader replicas (KIP-966, issue 13.8): brokers 2 and 3 lose their links to broker 1
/// (they still reach the controller) and leave the ISRs broker 1 leads; below
/// min.insync.replicas = 2 they join the ELR, and the high watermark stands still. Then broker
/// 1 crashes. With ELR (Kafka 4.1's default) an ELR member is elected cleanly and nothing
/// acknowledged is lost; without it ("last replica standing") those partitions stay offline
/// until broker 1 returns.
fn last_replica_standing(elr: u32) -> (Engine, Vec<kafka_sim::engine::ids::TopicPartition>) {
    let cfg = ProducerConfig {
        acks: Acks::All,
        ..ProducerConfig::default()
    };
    let mut s = cluster(29, 40_000)
        .with_producer("p", "orders", 1_000.0, 100, cfg)
        .with_fault(
            5_000,
            Command::CutLink {
                from: 1,
                to: 2,
                one_way: false,
            },
        )
        .with_fault(
            5_000,
            Command::CutLink {
                from: 1,
                to: 3,
                one_way: false,
            },
        )
        .with_fault(20_000, Command::CrashBroker { broker: 1 });
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    s.cluster.config.eligible_leader_replicas_version = elr;
    let mut e = Engine::new(&s);
    run_collect(&mut e, ms(19_000));
    // The partitions broker 1 leads that received writes after the cut: their ISR is [1].
    let alone = e
        .controller()
        .partitions()
        .filter(|p| p.leader == Some(1) && p.isr == vec![1])
        .map(|p| p.tp)
        .collect();
    (e, alone)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn with_eligible_leader_replicas_the_last_replica_standing_case_elects_cleanly() {
    let (mut e, led_by_1) = last_replica_standing(1);
    assert!(!led_by_1.is_empty(), "some ISR shrank to the leader alone");
    for tp in &led_by_1 {
        let st = e.controller().partition(*tp).unwrap();
        assert_eq!(st.elr, vec![2, 3], "{tp:?}: the others are eligible");
    }
    let events = run_collect(&mut e, ms(40_000));
    for tp in &led_by_1 {
        let st = e.controller().partition(*tp).unwrap();
        assert!(
            matches!(st.leader, Some(2) | Some(3)),
            "{tp:?} led from the ELR: {st:?}"
        );
    }
    assert!(events
        .iter()
        .all(|t| !matches!(t.event, SimEvent::LeaderChanged { unclean: true, .. })));
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn without_eligible_leader_replicas_the_last_replica_standing_stays_offline() {
    let (mut e, led_by_1) = last_replica_standing(0);
    assert!(!led_by_1.is_empty(), "some ISR shrank to the leader alone");
    run_collect(&mut e, ms(40_000));
    for tp in &led_by_1 {
        let st = e.controller().partition(*tp).unwrap();
        assert_eq!(st.leader, None, "{tp:?} offline: {st:?}");
        assert_eq!(st.isr, vec![1]);
        assert!(st.elr.is_empty());
    }
}

/// Preferred leader election in KRaft (issue 13.6): once broker 1 is back in the ISRs, the next
/// balancing run (every leader.imbalance.check.interval.seconds while some partition is led by
/// another replica than its first) gives it back every partition it prefers.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn preferred_leaders_return_after_the_broker_rejoins_the_isr() {
    let mut s = cluster(41, 70_000)
        .with_producer("p", "orders", 1_000.0, 100, ProducerConfig::default())
        .with_fault(3_000, Command::CrashBroker { broker: 1 })
        .with_fault(20_000, Command::RestartBroker { broker: 1 });
    s.cluster.config.leader_imbalance_check_interval_seconds = 15;
    let mut e = Engine::new(&s);
    let preferred_1: Vec<_> = e
        .controller()
        .partitions()
        .filter(|p| p.replicas[0] == 1)
        .map(|p| p.tp)
        .collect();
    assert!(!preferred_1.is_empty());
    let events = run_collect(&mut e, ms(70_000));
    let rejoined = events
        .iter()
        .filter(|t| matches!(&t.event, SimEvent::IsrChanged { isr, shrink: false, .. } if isr.contains(&1)))
        .map(|t| t.at)
        .max()
        .expect("broker 1 rejoins the ISRs");
    for tp in &preferred_1 {
        assert_eq!(
            e.controller().partition(*tp).unwrap().leader,
            Some(1),
            "{tp:?}"
        );
        let back = events
            .iter()
            .find(|t| matches!(t.event, SimEvent::LeaderChanged { tp: x, leader: Some(1), preferred: true, .. } if x == *tp))
            .map(|t| t.at)
            .expect("a preferred election");
        assert!(back > rejoined, "elected once in the ISR");
    }
}
