//! The benchmark workload compiled to wasm, for `make bench-wasm` (timed from Node).
//! (`examples/profile_workload.rs` is the same workload natively.)

use kafka_sim::engine::config::ProducerConfig;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::SECONDS;
use kafka_sim::engine::Engine;

/// 3 brokers, RF 3, a 6-partition topic, 1 M records/s of 100 bytes (10 producers).
fn scenario() -> Scenario {
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

/// Runs `secs` simulated seconds; returns the events processed.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn run_workload(secs: u32) -> f64 {
    let mut e = Engine::new(&scenario());
    e.run_until(secs as u64 * SECONDS, u64::MAX);
    e.events_processed() as f64
}
