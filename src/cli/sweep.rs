//! `kafka-sim sweep`: the cartesian product of `--set KEY=V1,V2,…` values, run in parallel
//! across cores, one CSV row per run; `--shard I/N` runs one slice of them, for sweeps spread
//! over machines.

use clap::Args;

use super::{load_scenario, run::run_scenario, CliError};
use crate::engine::report::Report;

/// Arguments of `sweep`.
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario JSON file, or a preset name.
    pub scenario: String,
    /// `KEY=V1,V2,…`; KEY is a path such as `producers.0.config.linger.ms` or `topics.0.partitions`.
    #[arg(long = "set", required = true)]
    pub sets: Vec<String>,
    /// Where to write the CSV (`-` for stdout).
    #[arg(long)]
    pub csv: String,
    /// Parallel runs (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// `I/N`: run only the I-th of N equal, consecutive slices of the runs (0-based), for a
    /// batch scheduler running one shard per machine (a Kubernetes indexed Job, a Slurm
    /// array). Shard 0 writes the header; the shards' CSVs concatenated in order are the
    /// unsharded CSV.
    #[arg(long)]
    pub shard: Option<String>,
}

/// `I/N` of `--shard`: shard index and count.
fn parse_shard(s: &str) -> Result<(usize, usize), CliError> {
    let bad = || {
        CliError::BadInput(format!(
            "--shard {s}: expected I/N with 0 <= I < N, e.g. --shard 0/4"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if n == 0 || i >= n || n > MAX_RUNS {
        return Err(bad());
    }
    Ok((i, n))
}

/// The runs of shard `i` of `n` among `total`: a consecutive slice, the slices in order
/// covering `0..total` exactly once.
fn shard_range(total: usize, i: usize, n: usize) -> std::ops::Range<usize> {
    (total * i / n)..(total * (i + 1) / n)
}

/// Most runs one sweep may ask for.
pub const MAX_RUNS: usize = 10_000;

fn parse_set(s: &str) -> Result<(String, Vec<String>), CliError> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| CliError::BadInput(format!("--set {s}: expected KEY=V1,V2,…")))?;
    let values: Vec<String> = v.split(',').map(|x| x.trim().to_string()).collect();
    if k.trim().is_empty() || values.iter().any(|x| x.is_empty()) {
        return Err(CliError::BadInput(format!(
            "--set {s}: expected KEY=V1,V2,… with no empty parts"
        )));
    }
    Ok((k.trim().to_string(), values))
}

fn csv_field(s: &str) -> String {
    if s.contains(',') || s.contains('"') || s.contains('\n') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV columns after the swept keys.
pub const COLUMNS: [&str; 16] = [
    "seed",
    "sent",
    "acked",
    "failed",
    "consumed",
    "produce_records_per_s",
    "produce_mb_per_s",
    "consume_records_per_s",
    "ack_p50_ms",
    "ack_p99_ms",
    "ack_p999_ms",
    "e2e_p50_ms",
    "e2e_p99_ms",
    "acked_lost",
    "duplicates",
    "trace_hash",
];

fn row(r: &Report) -> Vec<String> {
    vec![
        r.seed.to_string(),
        r.produced.sent.to_string(),
        r.produced.acked.to_string(),
        r.produced.failed.to_string(),
        r.consumed.to_string(),
        format!("{:.1}", r.throughput.produce_records_per_s),
        format!("{:.3}", r.throughput.produce_mb_per_s),
        format!("{:.1}", r.throughput.consume_records_per_s),
        format!("{:.3}", r.latency_ms.produce_ack.p50),
        format!("{:.3}", r.latency_ms.produce_ack.p99),
        format!("{:.3}", r.latency_ms.produce_ack.p999),
        format!("{:.3}", r.latency_ms.end_to_end.p50),
        format!("{:.3}", r.latency_ms.end_to_end.p99),
        r.invariants.acked_lost.to_string(),
        r.invariants.duplicates.to_string(),
        r.trace_hash.clone(),
    ]
}

/// `kafka-sim sweep`.
pub fn sweep(a: SweepArgs) -> Result<(), CliError> {
    let shard = a.shard.as_deref().map(parse_shard).transpose()?;
    let (_, text, warnings) = load_scenario(&a.scenario)?;
    super::print_warnings(&warnings);
    let base: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::BadInput(format!("{}: {e}", a.scenario)))?;
    let sets: Vec<(String, Vec<String>)> = a
        .sets
        .iter()
        .map(|s| parse_set(s))
        .collect::<Result<_, _>>()?;
    let total: usize = sets
        .iter()
        .map(|(_, v)| v.len())
        .try_fold(1usize, |acc, n| acc.checked_mul(n))
        .filter(|&n| n <= MAX_RUNS)
        .ok_or_else(|| {
            CliError::BadInput(format!("the sweep asks for more than {MAX_RUNS} runs"))
        })?;
    // Build and validate every combination before running any (in every shard, so each one
    // reports the same errors).
    let mut combos = Vec::with_capacity(total);
    let mine = shard.map_or(0..total, |(i, n)| shard_range(total, i, n));
    for i in 0..total {
        let mut rest = i;
        let mut value = base.clone();
        let mut chosen = Vec::new();
        for (k, vals) in sets.iter().rev() {
            let v = &vals[rest % vals.len()];
            rest /= vals.len();
            crate::scenario_file::set_path::set_field(&mut value, k, v)
                .map_err(|e| CliError::BadInput(format!("--set {k}={v}: {e}")))?;
            chosen.push(v.clone());
        }
        chosen.reverse();
        let scenario = crate::scenario_file::parse_scenario(&value.to_string())
            .map_err(|e| CliError::BadInput(format!("with {}: {e}", describe(&sets, &chosen))))?;
        if mine.contains(&i) {
            combos.push((chosen, scenario));
        }
    }
    let jobs = a
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, 64);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<Report, CliError>>>> = (0..combos.len())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(combos.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((_, scenario)) = combos.get(i) else {
                    break;
                };
                let r = run_scenario(scenario, false);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    let mut csv = String::new();
    if shard.is_none_or(|(i, _)| i == 0) {
        let mut header: Vec<String> = sets.iter().map(|(k, _)| csv_field(k)).collect();
        header.extend(COLUMNS.iter().map(|c| c.to_string()));
        csv.push_str(&header.join(","));
        csv.push('\n');
    }
    for ((chosen, _), slot) in combos.iter().zip(results) {
        let r = slot
            .into_inner()
            .ok()
            .flatten()
            .ok_or_else(|| CliError::Internal("a sweep run did not finish".into()))?
            .map_err(|e| CliError::BadInput(format!("with {}: {e}", describe(&sets, chosen))))?;
        let mut fields: Vec<String> = chosen.iter().map(|v| csv_field(v)).collect();
        fields.extend(row(&r).iter().map(|f| csv_field(f)));
        csv.push_str(&fields.join(","));
        csv.push('\n');
    }
    if a.csv == "-" {
        print!("{csv}");
        Ok(())
    } else {
        std::fs::write(&a.csv, csv)
            .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", a.csv)))?;
        eprintln!("{} runs written to {}", combos.len(), a.csv);
        Ok(())
    }
}

fn describe(sets: &[(String, Vec<String>)], chosen: &[String]) -> String {
    sets.iter()
        .zip(chosen)
        .map(|((k, _), v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_run_once_in_order() {
        for total in [0, 1, 2, 7, 100] {
            for n in 1..=9 {
                let all: Vec<usize> = (0..n).flat_map(|i| shard_range(total, i, n)).collect();
                assert_eq!(
                    all,
                    (0..total).collect::<Vec<_>>(),
                    "{total} runs, {n} shards"
                );
            }
        }
    }

    #[test]
    fn bad_shards_name_the_option() {
        for s in ["3/3", "1", "a/2", "0/0", "-1/2", "1/2/3"] {
            let e = parse_shard(s).unwrap_err();
            assert!(format!("{e:?}").contains("--shard"), "{s}: {e:?}");
        }
        assert_eq!(parse_shard("2/5").unwrap(), (2, 5));
    }
}
