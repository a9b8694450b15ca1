//! A fixed scenario whose trace hash is checked natively and in the browser (wasm32), so a
//! difference between the two builds fails a test.

use super::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use super::scenario::Scenario;
use super::time::ms;
use super::Command;
use super::Engine;

/// The scenario: 3 brokers, one 6-partition RF-3 topic, a keyed and an unkeyed producer (the
/// partitioners, batching, the idempotent producer), a group of two consumers (the coordinator,
/// the assignor, fetches, commits), a crash and a restart.
pub fn golden_scenario() -> Scenario {
    let mut s = Scenario::cluster(3, 2024, 30_000)
        .with_topic("golden", 6, 3)
        .with_producer("keyed", "golden", 500.0, 100, ProducerConfig::default())
        .with_producer("sticky", "golden", 500.0, 100, ProducerConfig::default())
        .with_group(
            "readers",
            &["golden"],
            2,
            ConsumerConfig {
                auto_offset_reset: OffsetReset::Earliest,
                ..ConsumerConfig::default()
            },
        )
        .with_fault(2_000, Command::CrashBroker { broker: 2 })
        .with_fault(15_000, Command::RestartBroker { broker: 2 });
    s.producers[0].keys = super::scenario::KeyDistribution::Uniform { keys: 50 };
    s
}

/// Runs it for 25 simulated seconds; returns `(trace hash, events processed)`.
pub fn golden_run() -> (u64, u64) {
    let mut e = Engine::new(&golden_scenario());
    e.run_until(ms(25_000), u64::MAX);
    (e.trace_hash(), e.events_processed())
}

/// The benchmark workload of the engine issue: 3 brokers, RF 3, one 6-partition topic, 1 M
/// records/s of 100 bytes from 10 producers (used by `benches/`, `examples/` and the wasm run).
pub fn benchmark_scenario() -> Scenario {
    let mut s = Scenario::cluster(3, 42, 10_000).with_topic("bench", 6, 3);
    for i in 0..10 {
        s = s.with_producer(
            &format!("p{i}"),
            "bench",
            100_000.0,
            100,
            ProducerConfig::default(),
        );
    }
    s
}

/// The expected result on every platform.
pub const GOLDEN: (u64, u64) = (7_491_211_384_326_059_328, 115_408);

#[cfg(test)]
mod tests {
    #[test]
    fn golden_run_matches_the_recorded_hash() {
        assert_eq!(super::golden_run(), super::GOLDEN);
    }
}
