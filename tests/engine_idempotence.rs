//! The idempotent producer's duplicate window in a whole run (issue 21): when responses are
//! lost and up to 5 requests per partition were in flight, the leader answers every retry of
//! one of the producer's last 5 batches as a duplicate (with its offset), so the producer sees
//! almost no OUT_OF_ORDER_SEQUENCE_NUMBER and loses no throughput (KIP-98; Kafka's
//! `ProducerStateEntry` keeps 5 batches, `max.in.flight.requests.per.connection` ≤ 5).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::{Acks, ProducerConfig};
use kafka_sim::engine::events::SimEvent;
use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::scenario::{KeyDistribution, Scenario};
use kafka_sim::engine::time::{ms, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

/// The idempotence lesson's schedule, shortened: an idempotent producer at 20,000 records/s,
/// broker 1 cut off from everyone at 8 s (responses in flight are lost), healed at 20 s.
fn lost_responses() -> Scenario {
    let cfg = ProducerConfig {
        acks: Acks::All,
        enable_idempotence: true,
        request_timeout_ms: 5_000,
        ..ProducerConfig::default()
    };
    let mut s = Scenario::cluster(3, 17, 30_000)
        .with_topic("ledger", 3, 3)
        .with_producer("safe", "ledger", 20_000.0, 200, cfg)
        .with_fault(8_000, Command::IsolateBroker { broker: 1 })
        .with_fault(20_000, Command::HealNetwork);
    s.cluster.config.min_insync_replicas = 2;
    s.producers[0].keys = KeyDistribution::Uniform { keys: 1_000 };
    s
}

#[test]
fn retries_of_the_last_five_batches_are_answered_as_duplicates() {
    let mut e = Engine::new(&lost_responses());
    e.set_record_bulk(true);
    let (mut retried, mut out_of_order) = (0u64, 0u64);
    while e.now() < ms(30_000) {
        e.run_until(e.now() + 250 * MILLIS, u64::MAX);
        for t in e.drain_events() {
            if let SimEvent::ProduceRetried { error, .. } = t.event {
                retried += 1;
                if error == ErrorCode::OutOfOrderSequenceNumber {
                    out_of_order += 1;
                }
            }
        }
    }
    let r = e.report(0.0);
    assert!(retried > 20, "responses were lost and retried: {retried}");
    assert!(
        out_of_order <= 5,
        "{out_of_order} OUT_OF_ORDER_SEQUENCE_NUMBER of {retried} retries"
    );
    assert_eq!(
        r.invariants.duplicates, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(
        r.invariants.out_of_order, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(r.produced.failed, 0);
    assert!(r.produced.acked > 400_000, "{}", r.produced.acked);
}
