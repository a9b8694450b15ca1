//! The calibration against published benchmarks (`make calibration`, README "Calibration"):
//! perf-test and end-to-end latency runs on the `linkedin-2014` and `confluent-2020` profiles,
//! with the published figure for each row.
//!
//! Published figures: Kreps, "Benchmarking Apache Kafka: 2 Million Writes Per Second (On Three
//! Cheap Machines)", LinkedIn Engineering, 2014; Confluent, "Benchmarking Apache Kafka, Apache
//! Pulsar, and RabbitMQ: Which is the Fastest?", 2020.

use super::perf_test::{run_perf_test, scenario_for, PerfTestArgs};
use crate::engine::config::{Acks, ConsumerConfig, HardwareProfile, ProducerConfig};
use crate::engine::events::SimEvent;
use crate::engine::scenario::{Arrivals, Scenario};
use crate::engine::time::{MILLIS, SECONDS};
use crate::engine::Engine;

/// perf-test arguments as on the command line.
fn args(
    hardware: &str,
    records: u64,
    size: u32,
    partitions: u32,
    rf: u32,
    producers: u32,
    props: &[&str],
) -> PerfTestArgs {
    PerfTestArgs {
        topic: "test".into(),
        num_records: records,
        record_size: size,
        throughput: -1.0,
        producer_props: props.iter().map(|s| s.to_string()).collect(),
        brokers: 3,
        partitions,
        replication_factor: rf,
        hardware: hardware.into(),
        producers,
        seed: 1,
    }
}

/// Runs a perf-test: (records/s summed over producers, MiB/s of values).
fn perf(a: &PerfTestArgs) -> (f64, f64) {
    let (scenario, _) = scenario_for(a).unwrap_or_else(|e| panic!("{e}"));
    let r = run_perf_test(a, &scenario).unwrap_or_else(|e| panic!("{e}"));
    (r.records_per_s, r.mb_per_s)
}

/// The sustained acknowledged rate of a perf-test (records/s) over the second half of a run of
/// `seconds`: the page cache absorbs the first seconds of a load above the disk's bandwidth, as
/// OpenMessaging Benchmark's minutes-long max-rate runs leave behind.
fn sustained(a: &PerfTestArgs, seconds: u64) -> f64 {
    let (scenario, _) = scenario_for(a).unwrap_or_else(|e| panic!("{e}"));
    let mut e = Engine::new(&scenario);
    e.run_until(seconds / 2 * SECONDS, u64::MAX);
    let before = e.produce_totals().0;
    e.run_until(seconds * SECONDS, u64::MAX);
    let after = e.produce_totals().0;
    (after - before) as f64 / (seconds - seconds / 2) as f64
}

/// End-to-end latency (ms: p50, p99, p99.9) of `producers` producers at `rate` records/s each
/// (evenly spaced) into a topic read by one consumer group of `consumers`, over every record
/// consumed after `warmup_s` (the benchmarks measure after a warm-up too).
#[allow(clippy::too_many_arguments)]
fn e2e(
    hardware: HardwareProfile,
    producers: u32,
    rate: f64,
    size: u32,
    partitions: u32,
    consumers: u32,
    config: ProducerConfig,
    seconds: u64,
    warmup_s: u64,
) -> (f64, f64, f64) {
    let mut s = Scenario::cluster(3, 1, seconds * 1000).with_topic("test", partitions, 3);
    s.cluster.hardware = hardware;
    for i in 0..producers {
        s = s.with_producer(&format!("p{i}"), "test", rate, size, config.clone());
        s.producers[i as usize].arrivals = Arrivals::Fixed;
    }
    s = s.with_group("g", &["test"], consumers, ConsumerConfig::default());
    s.validate()
        .unwrap_or_else(|e| panic!("calibration scenario: {e}"));
    let mut e = Engine::new(&s);
    e.set_record_bulk(true);
    let mut latencies: Vec<u64> = Vec::new();
    while e.now() < seconds * SECONDS {
        e.run_until(e.now() + 100 * MILLIS, u64::MAX);
        for ev in e.drain_events() {
            let SimEvent::Consumed {
                batch,
                from_offset,
                to_offset,
                ..
            } = &ev.event
            else {
                continue;
            };
            if ev.at < warmup_s * SECONDS {
                continue;
            }
            // Create times are spread evenly over the batch.
            let n = u64::from(batch.record_count.max(1));
            let span = batch.last_create_time - batch.first_create_time;
            for offset in *from_offset..*to_offset {
                let i = offset.saturating_sub(batch.base_offset).min(n - 1);
                let created = batch.first_create_time + if n > 1 { span * i / (n - 1) } else { 0 };
                latencies.push(ev.at - created);
            }
        }
    }
    latencies.sort_unstable();
    let q = |p: f64| {
        let i = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
        latencies[i] as f64 / 1e6
    };
    (q(0.5), q(0.99), q(0.999))
}

/// One row of the table.
pub struct Row {
    /// Profile.
    pub bed: &'static str,
    /// What was measured.
    pub what: String,
    /// The published figure.
    pub published: f64,
    /// KafkaSim's.
    pub sim: f64,
    /// `records/s`, `MB/s`, `ms` or `ratio`.
    pub unit: &'static str,
}

impl Row {
    /// KafkaSim / published.
    pub fn ratio(&self) -> f64 {
        self.sim / self.published
    }

    /// The row as a Markdown table row.
    pub fn markdown(&self) -> String {
        let fmt = |v: f64| match self.unit {
            "records/s" => format!("{v:.0} records/s"),
            "MB/s" => format!("{v:.0} MB/s"),
            "ms" => format!("{v:.1} ms"),
            _ => format!("{v:.2}"),
        };
        format!(
            "| `{}` | {} | {} | {} | {:.2} |",
            self.bed,
            self.what,
            fmt(self.published),
            fmt(self.sim),
            self.ratio()
        )
    }
}

/// Runs every row. `scale` (0 < scale ≤ 1) shortens the throughput runs (1.0: 10 M records per
/// LinkedIn run, 60 s of Confluent's peak) for quick checks; the figures hold from about 0.2.
pub fn rows(scale: f64) -> Vec<Row> {
    let mut rows = Vec::new();
    let li = "linkedin-2014";
    // ProducerPerformance as Kreps ran it: 50 M records of 100 bytes, --throughput -1,
    // buffer.memory=67108864, batch.size=8196 (acks=1) or 64000 (acks=all).
    let n = ((10_000_000.0 * scale) as u64).max(100_000);
    let async_props = ["acks=1", "batch.size=8196", "buffer.memory=67108864"];
    let sync_props = ["acks=all", "batch.size=64000", "buffer.memory=67108864"];
    let (no_rep, _) = perf(&args(li, n, 100, 6, 1, 1, &async_props));
    let (rep_async, _) = perf(&args(li, n, 100, 6, 3, 1, &async_props));
    let (rep_sync, _) = perf(&args(li, n, 100, 6, 3, 1, &sync_props));
    let (three, _) = perf(&args(li, n, 100, 6, 3, 3, &async_props));
    let rec = "records/s";
    for (what, published, sim) in [
        ("1 producer, no replication", 821_557.0, no_rep),
        (
            "1 producer, 3x async replication (acks=1)",
            786_980.0,
            rep_async,
        ),
        (
            "1 producer, 3x sync replication (acks=all)",
            421_823.0,
            rep_sync,
        ),
        ("3 producers, 3x async replication", 2_024_032.0, three),
    ] {
        rows.push(Row {
            bed: li,
            what: what.into(),
            published,
            sim,
            unit: rec,
        });
    }
    rows.push(Row {
        bed: li,
        what: "acks=all / no replication".into(),
        published: 421_823.0 / 821_557.0,
        sim: rep_sync / no_rep,
        unit: "ratio",
    });
    rows.push(Row {
        bed: li,
        what: "3 producers / 1 producer (3x async)".into(),
        published: 2_024_032.0 / 786_980.0,
        sim: three / rep_async,
        unit: "ratio",
    });
    // End-to-end latency as kafka.tools.TestEndToEndLatency measured it: one small record at a
    // time (here 100 records/s), acks=1, linger.ms=0, read back by one consumer.
    let latency_config = ProducerConfig {
        acks: Acks::One,
        linger_ms: 0,
        enable_idempotence: false,
        ..ProducerConfig::default()
    };
    let (p50, p99, p999) = e2e(
        HardwareProfile::linkedin_2014(),
        1,
        100.0,
        100,
        6,
        1,
        latency_config,
        120,
        10,
    );
    for (what, published, sim) in [
        ("end-to-end latency p50", 2.0, p50),
        ("end-to-end latency p99", 3.0, p99),
        ("end-to-end latency p99.9", 14.0, p999),
    ] {
        rows.push(Row {
            bed: li,
            what: what.into(),
            published,
            sim,
            unit: "ms",
        });
    }
    // Confluent (OpenMessaging Benchmark): 1 topic, 100 partitions, 1 KB records, RF 3,
    // acks=all, linger.ms=10, batch.size=1048576 (the Kafka driver's producer config).
    let cf = "confluent-2020";
    let omb = ["acks=all", "linger.ms=10", "batch.size=1048576"];
    let peak = sustained(
        &args(cf, 1_000_000_000, 1024, 100, 3, 4, &omb),
        ((60.0 * scale) as u64).max(20),
    ) * 1024.0
        / (1024.0 * 1024.0);
    rows.push(Row {
        bed: cf,
        what: "peak sustained throughput, 4 producers, acks=all".into(),
        published: 605.0,
        sim: peak,
        unit: "MB/s",
    });
    // The latency runs: linger.ms=1, at 200 MB/s (4 producers × 51,200 records/s of 1 KiB).
    let omb_config = ProducerConfig {
        linger_ms: 1,
        batch_size: 1_048_576,
        ..ProducerConfig::default()
    };
    let (_, p99, _) = e2e(
        HardwareProfile::confluent_2020(),
        4,
        51_200.0,
        1024,
        100,
        4,
        omb_config,
        20,
        5,
    );
    rows.push(Row {
        bed: cf,
        what: "end-to-end latency p99 at 200 MB/s".into(),
        published: 5.0,
        sim: p99,
        unit: "ms",
    });
    rows
}
