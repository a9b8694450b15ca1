//! The benchmark workload compiled to wasm, for `make bench-wasm` (timed from Node).
//! (`examples/profile_workload.rs` is the same workload natively.)

use kafka_sim::engine::golden::benchmark_scenario;
use kafka_sim::engine::time::SECONDS;
use kafka_sim::engine::Engine;

/// Runs `secs` simulated seconds; returns the events processed.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn run_workload(secs: u32) -> f64 {
    let mut e = Engine::new(&benchmark_scenario());
    e.run_until(secs as u64 * SECONDS, u64::MAX);
    e.events_processed() as f64
}
