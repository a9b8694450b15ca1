//! KRaft as Kafka 4.x runs it (issue 13): a broker restarted inside its session is refused
//! (`DUPLICATE_BROKER_REGISTRATION`) until fenced, then registers, catches up and is unfenced;
//! brokers pull the metadata log, so one that was cut off catches up after the network heals.
//! They also run in headless Chromium as wasm (included by `tests/web.rs`).

use kafka_sim::engine::config::{Acks, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::scenario::{Command, Scenario};
use kafka_sim::engine::time::{ms, SimTime, MILLIS, SECONDS};
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
