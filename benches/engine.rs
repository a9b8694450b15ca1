//! Engine benchmarks (criterion). The figures in the README come from `make bench`.
//!
//! - `queue/push_pop_10k`: the event queue alone, 10k pending events.
//! - `workload/1M_rps_3b_rf3_6p`: 3 brokers, RF 3, one 6-partition topic, 1 M records/s of
//!   100 bytes (10 producers × 100k/s), one simulated second; reports events/s and simulated
//!   seconds per wall second.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kafka_sim::engine::golden::benchmark_scenario;
use kafka_sim::engine::queue::EventQueue;
use kafka_sim::engine::time::SECONDS;
use kafka_sim::engine::Engine;

fn queue(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue");
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("push_pop_10k", |b| {
        b.iter_batched(
            || {
                let mut q = EventQueue::new();
                for i in 0..10_000u64 {
                    q.push(i.wrapping_mul(2_654_435_761) % 1_000_000, i);
                }
                q
            },
            |mut q| {
                for i in 0..100_000u64 {
                    let (t, _, v) = q.pop().expect("non-empty");
                    q.push(t + 1 + (v.wrapping_mul(31) + i) % 1000, v);
                }
                q
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn workload(c: &mut Criterion) {
    let scenario = benchmark_scenario();
    // Measure how many events one simulated second takes, for the throughput figure.
    let mut probe = Engine::new(&scenario);
    probe.run_until(SECONDS, u64::MAX);
    let events = probe.events_processed();
    let mut g = c.benchmark_group("workload");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("1M_rps_3b_rf3_6p_1s", |b| {
        b.iter_batched(
            || Engine::new(&scenario),
            |mut e| {
                e.run_until(SECONDS, u64::MAX);
                e
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, queue, workload);
criterion_main!(benches);
