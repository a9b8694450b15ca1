//! `kafka-sim run`: one scenario, headless, with a summary and an optional JSON report.

use std::io::IsTerminal;
use std::time::Instant;

use clap::Args;

use super::{load_scenario, write_output, CliError};
use crate::engine::report::Report;
use crate::engine::scenario::Scenario;
use crate::engine::time::{ms, SimTime, MICROS, MILLIS};
use crate::engine::Engine;

/// Arguments of `run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario JSON file, or a preset name (`kafka-sim presets`).
    pub scenario: String,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the scenario's duration (simulated milliseconds).
    #[arg(long, conflicts_with = "until_us")]
    pub duration_ms: Option<u64>,
    /// Stop at exactly this simulated time (microseconds), e.g. the `simulated_us` of a report
    /// exported from the page: the run then has the same trace hash as the page had.
    #[arg(long)]
    pub until_us: Option<u64>,
    /// Write the JSON report to this file (`-` for stdout).
    #[arg(long)]
    pub json: Option<String>,
    /// Judge the claims of the preset's description against the run; print each with the
    /// measured value (exit 1 if any fails). Only built-in presets carry claims.
    #[arg(long)]
    pub check: bool,
    /// No summary, no progress bar and no warnings.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Longest duration accepted on the command line (24 h simulated).
pub const MAX_DURATION_MS: u64 = 24 * 3_600_000;

/// Latest `--until-us` accepted (the same 24 h, in microseconds).
pub const MAX_UNTIL_US: u64 = MAX_DURATION_MS * 1_000;

/// Checks `--until-us` and turns it into simulated time.
pub fn until_time(until_us: u64) -> Result<SimTime, CliError> {
    if until_us > MAX_UNTIL_US {
        return Err(CliError::BadInput(format!(
            "--until-us = {until_us}: allowed 0..={MAX_UNTIL_US} (24 h simulated)"
        )));
    }
    Ok(until_us * MICROS)
}

/// Runs a scenario to its end with a progress bar on stderr when it takes more than a second
/// and stderr is a terminal. Returns the report with the wall time measured here, or — when
/// simulated time stopped moving — a bad-input error naming the timer and the likely config.
pub fn run_scenario(scenario: &Scenario, progress: bool) -> Result<Report, CliError> {
    run_scenario_until(scenario, ms(scenario.duration_ms), progress)
}

/// Runs a scenario to simulated time `end` exactly (every event at or before `end`, nothing
/// after), as [`run_scenario`] does to the scenario's end.
pub fn run_scenario_until(
    scenario: &Scenario,
    end: SimTime,
    progress: bool,
) -> Result<Report, CliError> {
    let started = Instant::now();
    let mut engine = Engine::new(scenario);
    let bar = if progress && std::io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new((end / MILLIS).max(1));
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} sim ms  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        Some(b)
    } else {
        None
    };
    loop {
        let status = engine.run_until(end, 200_000);
        if let Some(b) = &bar {
            if started.elapsed().as_secs_f64() > 1.0 && b.is_hidden() {
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            b.set_position(engine.now() / MILLIS);
        }
        if status.reached || engine.stuck_clock().is_some() {
            break;
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(stuck) = engine.stuck_clock() {
        return Err(CliError::BadInput(format!(
            "scenario {}: {stuck}",
            scenario.name
        )));
    }
    Ok(engine.report(started.elapsed().as_secs_f64() * 1000.0))
}

/// Simulated seconds from microseconds: three decimals on a whole millisecond, six otherwise.
pub fn seconds(us: u64) -> String {
    if us % 1_000 == 0 {
        format!("{:.3}", us as f64 / 1e6)
    } else {
        format!("{:.6}", us as f64 / 1e6)
    }
}

/// A human summary of a report.
pub fn summary(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "scenario {}  seed {}  simulated {} s  events {}  ({:.0} ms wall, {:.2} M events/s)\n",
        r.scenario,
        r.seed,
        seconds(r.simulated_us),
        r.events,
        r.wall_ms,
        r.events_per_s / 1e6
    ));
    s.push_str(&format!(
        "produced: {} sent, {} acked, {} failed   consumed: {}\n",
        r.produced.sent, r.produced.acked, r.produced.failed, r.consumed
    ));
    s.push_str(&format!(
        "throughput: {:.0} records/s ({:.2} MB/s) produced, {:.0} records/s consumed\n",
        r.throughput.produce_records_per_s,
        r.throughput.produce_mb_per_s,
        r.throughput.consume_records_per_s
    ));
    let l = &r.latency_ms;
    s.push_str(&format!(
        "produce-ack latency ms: p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}\n",
        l.produce_ack.p50, l.produce_ack.p99, l.produce_ack.p999, l.produce_ack.max
    ));
    s.push_str(&format!(
        "end-to-end latency ms:  p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}\n",
        l.end_to_end.p50, l.end_to_end.p99, l.end_to_end.p999, l.end_to_end.max
    ));
    let i = &r.invariants;
    s.push_str(&format!(
        "invariants: acked_lost {}  duplicates {}  out_of_order {}  read_above_hw {}  two_leaders_same_epoch {}  skipped {}  commit_regressions {}  (redelivered {})\n",
        i.acked_lost, i.duplicates, i.out_of_order, i.read_above_hw, i.two_leaders_same_epoch, i.skipped, i.commit_regressions, i.redelivered
    ));
    for ex in &i.first_examples {
        s.push_str(&format!("  first: {ex}\n"));
    }
    let offline = r.partitions.iter().filter(|p| p.leader.is_none()).count();
    let urp = r
        .partitions
        .iter()
        .filter(|p| p.isr.len() < p.replicas.len())
        .count();
    s.push_str(&format!(
        "partitions: {} total, {} under-replicated, {} offline\n",
        r.partitions.len(),
        urp,
        offline
    ));
    if !r.brokers.is_empty() {
        let racks: Vec<String> = r
            .brokers
            .iter()
            .map(|b| format!("{} {}", b.id, b.rack))
            .collect();
        s.push_str(&format!("racks: {}\n", racks.join(", ")));
    }
    if let Some(x) = &r.cross_zone {
        let mb = |b: u64| b as f64 / 1e6;
        s.push_str(&format!(
            "cross-zone MB: produce {:.1}, replication {:.1}, consume {:.1}, other {:.1} \
             ({:.3} GB) -> ${:.2}/month\n",
            mb(x.produce_bytes),
            mb(x.replication_bytes),
            mb(x.consume_bytes),
            mb(x.other_bytes),
            x.total_gb,
            x.usd_per_month
        ));
    }
    for g in &r.groups {
        s.push_str(&format!(
            "group {}: lag {}, {} rebalances ({:.0} ms rebalancing)\n",
            g.group_id, g.lag, g.rebalances, g.rebalance_ms
        ));
    }
    if let Some(t) = &r.transactions {
        s.push_str(&format!(
            "transactions: committed {}  aborted {}  timed_out {}  fenced {}\n",
            t.committed, t.aborted, t.timed_out, t.fenced
        ));
    }
    if let (Some(d), Some(m)) = (i.eos_duplicates, i.eos_missing) {
        s.push_str(&format!(
            "exactly-once (processors): eos_duplicates {d}  eos_missing {m}\n"
        ));
    }
    s.push_str(&format!("trace hash {}\n", r.trace_hash));
    s
}

/// `kafka-sim run`.
pub fn run(a: RunArgs) -> Result<(), CliError> {
    let (mut scenario, _, warnings) = load_scenario(&a.scenario)?;
    if !a.quiet {
        super::print_warnings(&warnings);
        super::print_risks(&scenario);
    }
    if let Some(seed) = a.seed {
        scenario.seed = seed;
    }
    if let Some(d) = a.duration_ms {
        if d == 0 || d > MAX_DURATION_MS {
            return Err(CliError::BadInput(format!(
                "--duration-ms = {d}: allowed 1..={MAX_DURATION_MS}"
            )));
        }
        scenario.duration_ms = d;
    }
    if a.check {
        return check_preset(&a, &scenario);
    }
    let end = match a.until_us {
        Some(us) => until_time(us)?,
        None => ms(scenario.duration_ms),
    };
    let report = run_scenario_until(&scenario, end, !a.quiet)?;
    if let Some(path) = &a.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Internal(format!("cannot serialize the report: {e}")))?;
        write_output(path, &json)?;
        if path == "-" {
            return Ok(());
        }
    }
    if !a.quiet {
        print!("{}", summary(&report));
    }
    Ok(())
}

/// `kafka-sim run PRESET --check`: judges the preset's claims (on its own seed and duration
/// unless overridden).
fn check_preset(a: &RunArgs, scenario: &Scenario) -> Result<(), CliError> {
    let claims = crate::lessons::preset_claims(&scenario.name);
    let is_preset = crate::scenario_file::presets::preset(&a.scenario).is_some();
    if claims.is_empty() || !is_preset {
        return Err(CliError::BadInput(format!(
            "{}: --check needs a built-in preset (its description's claims are checked); see `kafka-sim presets`",
            a.scenario
        )));
    }
    let verdicts = crate::lessons::check_scenario(scenario, &claims);
    let failed = verdicts.iter().filter(|v| !v.held).count();
    if let Some(path) = &a.json {
        let json = serde_json::to_string_pretty(&verdicts)
            .map_err(|e| CliError::Internal(format!("cannot serialize the verdicts: {e}")))?;
        write_output(path, &json)?;
    }
    if a.json.as_deref() != Some("-") {
        println!("preset {} (seed {})", scenario.name, scenario.seed);
        super::lesson::print_verdicts(&verdicts);
        println!(
            "{} claims, {} held, {failed} failed",
            verdicts.len(),
            verdicts.len() - failed
        );
    }
    if failed > 0 {
        return Err(CliError::ClaimsFailed(format!(
            "{failed} of {} claims failed",
            verdicts.len()
        )));
    }
    Ok(())
}
