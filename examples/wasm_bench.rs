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

/// Runs `secs` simulated seconds of a scenario file's JSON and returns the events processed
/// (-1 when the JSON is not a valid scenario). For timing large scenarios in wasm.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn run_scenario_json(json: &str, secs: f64, flows: bool) -> f64 {
    let Ok(sc) = kafka_sim::scenario_file::parse_scenario(json) else {
        return -1.0;
    };
    let mut e = Engine::new(&sc);
    e.set_record_flows(flows);
    let end = (secs * SECONDS as f64) as u64;
    // As the page runs it: slices of 250 events, the recorded events drained after each.
    while e.now() < end {
        e.run_until(end, 250);
        let _ = e.drain_events();
    }
    e.events_processed() as f64
}

/// The wasm memory's size, MB (0 natively).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn memory_mb() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) as f64 / 16.0;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}
