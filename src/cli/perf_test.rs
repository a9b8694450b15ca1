//! `kafka-sim perf-test`: emulates `kafka-producer-perf-test.sh` against a simulated cluster and
//! prints the real tool's final line.

use clap::Args;

use super::CliError;
use crate::engine::config::{registry, HardwareProfile, ProducerConfig};
use crate::engine::scenario::{KeyDistribution, ProducerSpec, Scenario, Workload};
use crate::engine::time::{MILLIS, SECONDS};
use crate::engine::Engine;

/// Arguments of `perf-test` (names as in kafka-producer-perf-test.sh).
#[derive(Args, Debug)]
pub struct PerfTestArgs {
    /// Topic to produce to.
    #[arg(long, default_value = "perf-test")]
    pub topic: String,
    /// Records to send in total.
    #[arg(long)]
    pub num_records: u64,
    /// Record size in bytes.
    #[arg(long, default_value_t = 100)]
    pub record_size: u32,
    /// Records per second, -1 for as fast as possible.
    #[arg(long, allow_hyphen_values = true)]
    pub throughput: f64,
    /// Producer configs, `key=value` (Kafka names).
    #[arg(long, num_args = 1.., value_name = "KEY=VALUE")]
    pub producer_props: Vec<String>,
    /// Brokers in the simulated cluster.
    #[arg(long, default_value_t = 3)]
    pub brokers: u32,
    /// Partitions of the topic.
    #[arg(long, default_value_t = 6)]
    pub partitions: u32,
    /// Replication factor of the topic.
    #[arg(long, default_value_t = 3)]
    pub replication_factor: u32,
    /// Hardware profile (`modest`, `cloud`).
    #[arg(long, default_value = "cloud")]
    pub hardware: String,
    /// Parallel producers (the records and rate are split among them).
    #[arg(long, default_value_t = 1)]
    pub producers: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn bad(m: String) -> CliError {
    CliError::BadInput(m)
}

/// Builds the scenario the arguments describe.
pub fn scenario_for(a: &PerfTestArgs) -> Result<Scenario, CliError> {
    if a.num_records == 0 || a.num_records > 10_000_000_000 {
        return Err(bad(format!(
            "--num-records = {}: allowed 1..=10000000000",
            a.num_records
        )));
    }
    if a.record_size == 0 || a.record_size > 1_048_576 {
        return Err(bad(format!(
            "--record-size = {}: allowed 1..=1048576",
            a.record_size
        )));
    }
    if !(a.throughput == -1.0 || (a.throughput > 0.0 && a.throughput <= 100_000_000.0)) {
        return Err(bad(format!(
            "--throughput = {}: allowed -1 (max) or 0 < r ≤ 100000000",
            a.throughput
        )));
    }
    if a.brokers == 0 || a.brokers > 64 {
        return Err(bad(format!("--brokers = {}: allowed 1..=64", a.brokers)));
    }
    if a.partitions == 0 || a.partitions > 1000 {
        return Err(bad(format!(
            "--partitions = {}: allowed 1..=1000",
            a.partitions
        )));
    }
    if a.replication_factor == 0 || a.replication_factor > a.brokers {
        return Err(bad(format!(
            "--replication-factor = {}: allowed 1..={} (the broker count)",
            a.replication_factor, a.brokers
        )));
    }
    if a.producers == 0 || a.producers > 100 {
        return Err(bad(format!(
            "--producers = {}: allowed 1..=100",
            a.producers
        )));
    }
    let hardware = HardwareProfile::by_name(&a.hardware).ok_or_else(|| {
        bad(format!(
            "--hardware = {}: allowed {}",
            a.hardware,
            HardwareProfile::BUILT_IN.join(", ")
        ))
    })?;
    let mut config = ProducerConfig::default();
    for prop in &a.producer_props {
        let (k, v) = prop
            .split_once('=')
            .ok_or_else(|| bad(format!("--producer-props {prop}: expected key=value")))?;
        registry::apply_producer(
            &mut config,
            k.trim(),
            &registry::ConfigValue::from_str_value(v.trim()),
        )
        .map_err(|e| bad(format!("--producer-props {prop}: {e}")))?;
    }
    let mut s = Scenario::cluster(a.brokers, a.seed, 3_600_000).with_topic(
        &a.topic,
        a.partitions,
        a.replication_factor,
    );
    s.name = "perf-test".into();
    s.cluster.hardware = hardware;
    let n = a.producers as u64;
    for i in 0..n {
        let share = a.num_records / n + u64::from(i < a.num_records % n);
        s.producers.push(ProducerSpec {
            id: format!("producer-{}", i + 1),
            topic: a.topic.clone(),
            workload: if a.throughput < 0.0 {
                Workload::MaxRate
            } else {
                Workload::Rate {
                    records_per_s: a.throughput / n as f64,
                }
            },
            // ProducerPerformance's throttle spaces records evenly.
            arrivals: crate::engine::scenario::Arrivals::Fixed,
            max_records: Some(share),
            record_size: a.record_size,
            keys: KeyDistribution::None,
            config: config.clone(),
        });
    }
    Ok(s)
}

/// `kafka-sim perf-test`.
pub fn perf_test(a: PerfTestArgs) -> Result<(), CliError> {
    let scenario = scenario_for(&a)?;
    let mut engine = Engine::new(&scenario);
    let cap = scenario.duration_ms * MILLIS;
    loop {
        engine.run_for(SECONDS / 10, u64::MAX);
        let (acked, failed) = engine.produce_totals();
        if acked + failed >= a.num_records || engine.now() >= cap {
            break;
        }
    }
    let line = engine.perf_test_line();
    println!("{line}");
    Ok(())
}
