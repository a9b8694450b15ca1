//! `min.insync.replicas` as Kafka 4.x applies it (issue 13.3, 13.7): the high watermark does
//! not advance while the ISR is below it (strict min ISR, KAFKA-15583), a min ISR above the
//! replication factor is capped at it (`Partition.effectiveMinIsr`), and an acks=all request
//! caught by an ISR shrink waits until `REQUEST_TIMED_OUT` rather than getting
//! `NOT_ENOUGH_REPLICAS_AFTER_APPEND`. They also run in headless Chromium as wasm.

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

fn producer(acks: Acks) -> ProducerConfig {
    ProducerConfig {
        acks,
        enable_idempotence: acks == Acks::All,
        ..ProducerConfig::default()
    }
}

/// The leader's high watermark and log end offset of every `orders` partition.
fn hw_leo(e: &Engine) -> Vec<(u64, u64)> {
    e.partition_snapshots()
        .iter()
        .filter(|p| p.topic == "orders")
        .map(|p| (p.high_watermark, p.log_end_offset))
        .collect()
}

/// Brokers 2 and 3 crash at 5 s: once they are fenced the ISR is [1], below
/// min.insync.replicas = 2. acks=1 writes are still acknowledged, but the high watermark stands
/// still, so consumers see nothing new until broker 2 is back in the ISR.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn under_min_isr_the_high_watermark_stands_still_even_for_acks_1_writes() {
    let mut s = Scenario::cluster(3, 3, 60_000)
        .with_topic("orders", 3, 3)
        .with_producer("p", "orders", 1_000.0, 100, producer(Acks::One))
        .with_fault(5_000, Command::CrashBroker { broker: 2 })
        .with_fault(5_000, Command::CrashBroker { broker: 3 })
        .with_fault(30_000, Command::RestartBroker { broker: 2 });
    s.cluster.config.min_insync_replicas = 2;
    let mut e = Engine::new(&s);
    run_collect(&mut e, ms(16_000));
    assert!(
        e.controller().partitions().all(|p| p.isr.len() == 1),
        "brokers 2 and 3 fenced out of every ISR"
    );
    let before = hw_leo(&e);
    run_collect(&mut e, ms(29_000));
    let after = hw_leo(&e);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.0, b.0, "the high watermark stands still under min ISR");
        assert!(
            a.1 > b.1 + 1_000,
            "acks=1 writes still appended: {b:?} -> {a:?}"
        );
    }
    run_collect(&mut e, ms(60_000));
    for (p, (hw, leo)) in hw_leo(&e).iter().enumerate() {
        assert!(
            *hw >= after[p].1,
            "orders-{p}: HW {hw} passes what was written under min ISR once broker 2 is back (LEO {leo})"
        );
    }
}

/// min.insync.replicas = 3 on a topic with replication factor 2: Kafka caps it at the
/// replication factor, so acks=all writes succeed.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn min_isr_above_the_replication_factor_is_capped_at_it() {
    let mut s = Scenario::cluster(3, 9, 10_000)
        .with_topic("orders", 3, 2)
        .with_producer("p", "orders", 1_000.0, 100, producer(Acks::All));
    s.topics[0].config.min_insync_replicas = Some(3);
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(10_000));
    assert!(
        !events.iter().any(|t| matches!(
            t.event,
            SimEvent::ProduceRejected {
                error: ErrorCode::NotEnoughReplicas,
                ..
            }
        )),
        "no NOT_ENOUGH_REPLICAS"
    );
    let r = e.report(0.0);
    assert!(
        r.produced.acked > 9_000 && r.produced.failed == 0,
        "{:?}",
        r.produced
    );
}

/// acks=all, min ISR 2: brokers 2 and 3 crash at 5 s. Requests appended before the ISR shrank
/// wait in purgatory; with the strict min ISR the high watermark never reaches them, so they
/// end in REQUEST_TIMED_OUT (request.timeout.ms, 30 s), not NOT_ENOUGH_REPLICAS_AFTER_APPEND;
/// new writes get NOT_ENOUGH_REPLICAS.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn requests_caught_by_an_isr_shrink_time_out_instead_of_not_enough_replicas_after_append() {
    let mut s = Scenario::cluster(3, 4, 45_000)
        .with_topic("orders", 3, 3)
        .with_producer("p", "orders", 1_000.0, 100, producer(Acks::All))
        .with_fault(5_000, Command::CrashBroker { broker: 2 })
        .with_fault(5_000, Command::CrashBroker { broker: 3 });
    s.cluster.config.min_insync_replicas = 2;
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(45_000));
    let retried = |err: ErrorCode| {
        events
            .iter()
            .filter(|t| matches!(t.event, SimEvent::ProduceRetried { error, .. } if error == err))
            .map(|t| t.at)
            .collect::<Vec<_>>()
    };
    let timed_out = retried(ErrorCode::RequestTimedOut);
    assert!(!timed_out.is_empty(), "parked requests time out");
    assert!(
        timed_out.iter().all(|&t| t >= 34 * SECONDS),
        "after request.timeout.ms: {:?}",
        &timed_out[..timed_out.len().min(3)]
    );
    assert!(
        retried(ErrorCode::NotEnoughReplicasAfterAppend).is_empty(),
        "no NOT_ENOUGH_REPLICAS_AFTER_APPEND: the HW never passes them"
    );
    assert!(
        !retried(ErrorCode::NotEnoughReplicas).is_empty(),
        "new writes are refused before the append"
    );
}
