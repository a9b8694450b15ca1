//! `kafka-sim perf-test`: emulates `kafka-producer-perf-test.sh` against a simulated cluster and
//! prints the real tool's final line.
//!
//! The arguments become a scenario document validated by the scenario parser, so `--topic` and
//! `--producer-props` meet the same rules as a scenario file (topic names, Kafka's start-up
//! rules, warnings for unmodelled keys). `--producers N` runs N copies of the tool, each with
//! the given `--num-records` and `--throughput`, each on its own client machine. As
//! `ProducerPerformance` does, MB/sec counts record value bytes (`--record-size`), in MiB.

use clap::Args;
use serde_json::{json, Map, Value};

use super::CliError;
use crate::engine::config::HardwareProfile;
use crate::engine::scenario::Scenario;
use crate::engine::time::{MILLIS, SECONDS};
use crate::engine::Engine;

/// Longest simulated time a perf-test runs (1 hour).
pub const MAX_SIMULATED_MS: u64 = 3_600_000;

/// Arguments of `perf-test` (names as in kafka-producer-perf-test.sh).
#[derive(Args, Debug)]
pub struct PerfTestArgs {
    /// Topic to produce to.
    #[arg(long, default_value = "perf-test")]
    pub topic: String,
    /// Records each producer sends.
    #[arg(long)]
    pub num_records: u64,
    /// Record size in bytes.
    #[arg(long, default_value_t = 100)]
    pub record_size: u32,
    /// Records per second of each producer, -1 for as fast as possible.
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
    /// Hardware profile (see `HardwareProfile::BUILT_IN`).
    #[arg(long, default_value = "cloud")]
    pub hardware: String,
    /// Copies of the tool, each sending `--num-records` at `--throughput` from its own machine.
    #[arg(long, default_value_t = 1)]
    pub producers: u32,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn bad(m: String) -> CliError {
    CliError::BadInput(m)
}

/// Checks the numeric arguments (with the flag in the message).
fn check_ranges(a: &PerfTestArgs) -> Result<(), CliError> {
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
    if HardwareProfile::by_name(&a.hardware).is_none() {
        return Err(bad(format!(
            "--hardware = {}: allowed {}",
            a.hardware,
            HardwareProfile::BUILT_IN.join(", ")
        )));
    }
    Ok(())
}

/// The scenario document the arguments describe.
fn document(a: &PerfTestArgs) -> Result<Value, CliError> {
    let mut config = Map::new();
    for prop in &a.producer_props {
        let (k, v) = prop
            .split_once('=')
            .ok_or_else(|| bad(format!("--producer-props {prop}: expected key=value")))?;
        // A properties file's value: a string, read as Kafka reads it.
        config.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
    }
    let producers: Vec<Value> = (1..=a.producers)
        .map(|i| {
            let mut p = json!({
                "id": format!("producer-{i}"),
                "topic": a.topic,
                "record_size": a.record_size,
                "num_records": a.num_records,
                "config": Value::Object(config.clone()),
            });
            if a.throughput < 0.0 {
                p["rate"] = json!("max");
            } else {
                p["rate"] = json!(a.throughput);
                // ProducerPerformance's throttle spaces records evenly.
                p["arrivals"] = json!("fixed");
            }
            p
        })
        .collect();
    Ok(json!({
        "name": "perf-test",
        "seed": a.seed,
        "duration_ms": MAX_SIMULATED_MS,
        "cluster": {"brokers": a.brokers, "hardware": a.hardware},
        "topics": [{"name": a.topic, "partitions": a.partitions,
                    "replication_factor": a.replication_factor}],
        "producers": producers,
    }))
}

/// The command-line flag a scenario path comes from (`producers[0].config.acks` →
/// `--producer-props acks`).
fn flag_of(path: &str) -> String {
    if let Some(key) = path.split_once(".config.").map(|(_, k)| k) {
        return format!("--producer-props {key}");
    }
    let field = path.rsplit('.').next().unwrap_or(path);
    match field {
        "name" if path.starts_with("topics") => "--topic".into(),
        "topic" => "--topic".into(),
        "record_size" => "--record-size".into(),
        "rate" => "--throughput".into(),
        "num_records" => "--num-records".into(),
        "partitions" => "--partitions".into(),
        "replication_factor" => "--replication-factor".into(),
        "brokers" => "--brokers".into(),
        "hardware" => "--hardware".into(),
        _ => path.to_string(),
    }
}

/// Builds and validates the scenario the arguments describe; also returns the parser's
/// warnings, named by flag.
pub fn scenario_for(a: &PerfTestArgs) -> Result<(Scenario, Vec<String>), CliError> {
    check_ranges(a)?;
    let doc = document(a)?;
    let (scenario, warnings) = crate::scenario_file::parse_scenario_value(&doc).map_err(|e| {
        let value = e
            .value
            .as_deref()
            .map(|v| format!(" = {v}"))
            .unwrap_or_default();
        bad(format!("{}{value}: {}", flag_of(&e.path), e.reason))
    })?;
    // Each copy of the tool warns alike: say it once.
    let mut said = Vec::new();
    for w in warnings {
        let line = format!("{}: {}", flag_of(&w.path), w.message);
        if !said.contains(&line) {
            said.push(line);
        }
    }
    refuse_what_cannot_send(a, &scenario)?;
    Ok((scenario, said))
}

/// A perf-test that could not send a single record says why instead of printing "0 records
/// sent": a record too large for the producer (`max.request.size`, `buffer.memory`) or the
/// topic (`max.message.bytes`), or a throughput so low that the first record is due after the
/// simulation ends.
fn refuse_what_cannot_send(a: &PerfTestArgs, s: &Scenario) -> Result<(), CliError> {
    let p = &s.producers[0];
    let upper = crate::engine::producer::serialized_upper_bound(p);
    let c = &p.config;
    let limits = [
        (
            "max.request.size",
            c.max_request_size,
            "every send() fails with RecordTooLargeException",
        ),
        (
            "buffer.memory",
            c.buffer_memory,
            "every send() fails with RecordTooLargeException",
        ),
        (
            "the topic's max.message.bytes",
            s.cluster.config.message_max_bytes,
            "the broker rejects every batch with MESSAGE_TOO_LARGE",
        ),
    ];
    for (name, limit, what) in limits {
        if upper > limit {
            return Err(bad(format!(
                "--record-size = {}: a record is {upper} bytes serialized (batch header and record \
                 overhead included), more than {name} = {limit}: {what}, so nothing would be sent",
                a.record_size
            )));
        }
    }
    if a.throughput > 0.0 && 1.0 / a.throughput > (MAX_SIMULATED_MS / 1000) as f64 {
        return Err(bad(format!(
            "--throughput = {}: the first record is due after {:.0} s, beyond the {} s a perf-test \
             simulates, so nothing would be sent",
            a.throughput,
            1.0 / a.throughput,
            MAX_SIMULATED_MS / 1000
        )));
    }
    Ok(())
}

/// One line as `ProducerPerformance.printTotal` prints it.
fn total_line(records: u64, secs: f64, record_size: u32, latency: Option<&Latency>) -> String {
    let secs = secs.max(1e-9);
    let mb = records as f64 * record_size as f64 / (1024.0 * 1024.0);
    let mut line = format!(
        "{records} records sent, {:.1} records/sec ({:.2} MB/sec)",
        records as f64 / secs,
        mb / secs
    );
    if let Some(l) = latency {
        line.push_str(&format!(
            ", {:.2} ms avg latency, {:.2} ms max latency, {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th",
            l.mean_ms, l.max_ms, l.p50, l.p95, l.p99, l.p999
        ));
    }
    line.push('.');
    line
}

/// Produce-ack latency figures of a run (whole milliseconds for percentiles, as the tool).
struct Latency {
    mean_ms: f64,
    max_ms: f64,
    p50: u64,
    p95: u64,
    p99: u64,
    p999: u64,
}

/// The figures of a finished perf-test: per copy `(acked, failed, seconds to its last ack)`,
/// the aggregate line, and whether the run hit the time cap.
pub struct PerfTestResult {
    /// Per producer: records acknowledged, failed, seconds from start to its last ack.
    pub per_producer: Vec<(u64, u64, f64)>,
    /// Sum over producers of each one's records/sec (as N tools' outputs add up).
    pub records_per_s: f64,
    /// Sum of each one's value MB/sec (MiB, as the tool).
    pub mb_per_s: f64,
    /// The aggregate line.
    pub line: String,
    /// The run stopped at [`MAX_SIMULATED_MS`] with records outstanding.
    pub capped: bool,
}

/// Runs the scenario of `a` to completion (or the cap); a stuck simulated clock is a bad-input
/// error naming the likely config.
pub fn run_perf_test(a: &PerfTestArgs, scenario: &Scenario) -> Result<PerfTestResult, CliError> {
    let mut engine = Engine::new(scenario);
    let cap = scenario.duration_ms * MILLIS;
    let total = a.num_records * u64::from(a.producers);
    loop {
        engine.run_for(SECONDS / 10, u64::MAX);
        if let Some(stuck) = engine.stuck_clock() {
            return Err(bad(format!("perf-test: {stuck}")));
        }
        let (acked, failed) = engine.produce_totals();
        if acked + failed >= total || engine.now() >= cap {
            break;
        }
    }
    let (acked, failed) = engine.produce_totals();
    let per_producer: Vec<(u64, u64, f64)> = engine
        .producers()
        .iter()
        .map(|p| {
            let (_, acked, failed) = p.totals();
            (acked, failed, p.last_ack() as f64 / 1e9)
        })
        .collect();
    let records_per_s: f64 = per_producer
        .iter()
        .map(|&(n, _, secs)| n as f64 / secs.max(1e-9))
        .sum();
    let mb_per_s = records_per_s * f64::from(a.record_size) / (1024.0 * 1024.0);
    let h = engine.metrics().ack_latency();
    let msf = |q: f64| (h.percentile(q) as f64 / 1e6) as u64;
    let latency = Latency {
        mean_ms: h.mean() / 1e6,
        max_ms: h.max() as f64 / 1e6,
        p50: msf(0.5),
        p95: msf(0.95),
        p99: msf(0.99),
        p999: msf(0.999),
    };
    let secs = if records_per_s > 0.0 {
        acked as f64 / records_per_s
    } else {
        1.0
    };
    Ok(PerfTestResult {
        line: total_line(acked, secs, a.record_size, Some(&latency)),
        records_per_s,
        mb_per_s,
        capped: acked + failed < total,
        per_producer,
    })
}

/// `kafka-sim perf-test`.
pub fn perf_test(a: PerfTestArgs) -> Result<(), CliError> {
    let (scenario, warnings) = scenario_for(&a)?;
    for w in &warnings {
        eprintln!("kafka-sim: warning: {w}");
    }
    let r = run_perf_test(&a, &scenario)?;
    if a.producers > 1 {
        for (i, &(n, _, secs)) in r.per_producer.iter().enumerate() {
            println!(
                "producer-{}: {}",
                i + 1,
                total_line(n, secs, a.record_size, None)
            );
        }
    }
    println!("{}", r.line);
    let acked: u64 = r.per_producer.iter().map(|p| p.0).sum();
    let failed: u64 = r.per_producer.iter().map(|p| p.1).sum();
    if acked == 0 {
        return Err(bad(format!(
            "no record was acknowledged ({failed} failed{}): see the warnings above, or try a \
             longer run, smaller records or a higher --throughput",
            if r.capped {
                format!(", stopped after {} simulated s", MAX_SIMULATED_MS / 1000)
            } else {
                String::new()
            }
        )));
    }
    if r.capped {
        eprintln!(
            "kafka-sim: warning: stopped after {} simulated s with records still outstanding",
            MAX_SIMULATED_MS / 1000
        );
    }
    Ok(())
}
