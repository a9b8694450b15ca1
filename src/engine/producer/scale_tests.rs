//! Issue 18: a drain of the Sender costs what changed, not the number of partitions. Kafka's
//! `RecordAccumulator.ready()` walks every partition; the simulator parks the lingering ones
//! (ready.rs) and visits only the rest, in the same order, with the same outcome (the trace
//! hashes did not change).

use crate::engine::config::ProducerConfig;
use crate::engine::scenario::{KeyDistribution, Scenario};
use crate::engine::time::ms;
use crate::engine::Engine;

/// Partitions visited per drain, over one simulated second of 20,000 keyed records/s on a
/// topic of `partitions` partitions (3 brokers).
fn visits_per_drain(partitions: u32) -> f64 {
    let mut s = Scenario::cluster(3, 3, 1_000)
        .with_topic("t", partitions, 3)
        .with_producer("p", "t", 20_000.0, 200, ProducerConfig::default());
    s.producers[0].keys = KeyDistribution::Uniform { keys: 10_000 };
    let mut e = Engine::new(&s);
    e.run_until(ms(1_000), u64::MAX);
    let (drains, visited) = e.producers()[0].drain_work();
    assert!(drains > 500, "{drains} drains");
    assert!(e.metrics().acked > 15_000, "acked {}", e.metrics().acked);
    visited as f64 / drains as f64
}

#[test]
fn a_drain_visits_the_partitions_that_changed_not_every_partition() {
    let small = visits_per_drain(6);
    let large = visits_per_drain(1_000);
    // A scan over every partition visits 1,000 per drain here; most of them are empty or
    // lingering, and a drain follows an append or a response that changed one or two.
    assert!(
        large < 10.0,
        "{large:.1} partitions visited per drain of 1,000"
    );
    // With 6 partitions a drain visits about one; with 1,000 a few more (a keyed record
    // mostly opens a batch of its own), but nowhere near the partition count.
    assert!(small <= 2.0, "{small:.1} partitions visited per drain of 6");
}

#[test]
fn a_drain_looks_at_the_leaders_whose_partitions_changed_not_every_leader() {
    // 30 brokers lead 1,000 partitions; keyed records leave lingering batches under every one.
    // Finding what is due and the next wake-up looked at all 30 leaders twice per drain; now
    // the earliest deadline of all answers, and only leaders touched since are cleaned.
    let mut s = Scenario::cluster(30, 3, 1_000)
        .with_topic("t", 1_000, 3)
        .with_producer("p", "t", 20_000.0, 200, ProducerConfig::default());
    s.producers[0].keys = KeyDistribution::Uniform { keys: 10_000 };
    let mut e = Engine::new(&s);
    e.run_until(ms(1_000), u64::MAX);
    let (drains, _) = e.producers()[0].drain_work();
    let leaders = e.producers()[0].drain_leader_work();
    assert!(drains > 500, "{drains} drains");
    assert!(e.metrics().acked > 15_000, "acked {}", e.metrics().acked);
    let per_drain = leaders as f64 / drains as f64;
    eprintln!("{per_drain:.2} leaders looked at per drain of 30");
    assert!(
        per_drain < 2.0,
        "{per_drain:.1} leaders looked at per drain of 30"
    );
}
