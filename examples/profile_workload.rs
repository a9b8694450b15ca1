//! Runs the 1M records/s benchmark workload for N simulated seconds (profiling, and the native
//! side of `make bench-wasm`).
use kafka_sim::engine::golden::benchmark_scenario;
use kafka_sim::engine::time::SECONDS;
use kafka_sim::engine::Engine;

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut e = Engine::new(&benchmark_scenario());
    let t = std::time::Instant::now();
    let mut max_pending = 0;
    for step in 1..=secs * 100 {
        e.run_until(step * SECONDS / 100, u64::MAX);
        max_pending = max_pending.max(e.pending_events());
    }
    eprintln!(
        "max pending events: {max_pending}, trace hash {}",
        e.trace_hash()
    );
    let wall = t.elapsed().as_secs_f64();
    println!(
        "{} events in {:.4} s wall: {:.2} M events/s, {:.1}x real time",
        e.events_processed(),
        wall,
        e.events_processed() as f64 / wall / 1e6,
        secs as f64 / wall
    );
}
