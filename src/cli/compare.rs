//! `kafka-sim compare A.json B.json`: an A/B run — two scenarios on the same seed (and, as a
//! rule, the same fault schedule) that differ in what the user chose (acks, linger.ms, the
//! assignor…), run to their ends; prints both reports and the figures that differ.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;

use super::run::{run_scenario, summary};
use super::{load_scenario, print_warnings, write_output, CliError};
use crate::engine::report::Report;
pub use crate::view_model::compare::{differences, table, Difference};

/// Arguments of `compare`.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Scenario A (JSON file or preset name).
    pub a: String,
    /// Scenario B (JSON file or preset name).
    pub b: String,
    /// Write `{"a": report, "b": report, "diff": {…}}` to this file (`-` for stdout).
    #[arg(long)]
    pub json: Option<String>,
    /// No summaries and no warnings.
    #[arg(long, short)]
    pub quiet: bool,
}

/// What `compare --json` writes.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Report of run A.
    pub a: Report,
    /// Report of run B.
    pub b: Report,
    /// The figures that differ, by path (`produced.acked`, `partitions.orders-0.leader`,
    /// `groups.analytics.lag`), in path order.
    pub diff: BTreeMap<String, Difference>,
}

/// `kafka-sim compare`.
pub fn compare(args: CompareArgs) -> Result<(), CliError> {
    let (a, _, warnings_a) = load_scenario(&args.a)?;
    let (b, _, warnings_b) = load_scenario(&args.b)?;
    if a.seed != b.seed {
        return Err(CliError::BadInput(format!(
            "{} has seed {} and {} has seed {}: an A/B comparison needs one seed, or every \
             difference could be chance (set the same `seed` in both files)",
            args.a, a.seed, args.b, b.seed
        )));
    }
    if !args.quiet {
        print_warnings(&warnings_a);
        print_warnings(&warnings_b);
        if a.faults != b.faults {
            eprintln!(
                "kafka-sim: warning: {} and {} have different `faults` schedules: the \
                 differences include what the faults did",
                args.a, args.b
            );
        }
        if a.duration_ms != b.duration_ms {
            eprintln!(
                "kafka-sim: warning: `duration_ms` is {} in {} and {} in {}: counters cover \
                 different spans (rates are per simulated second)",
                a.duration_ms, args.a, b.duration_ms, args.b
            );
        }
    }
    let ra = run_scenario(&a, !args.quiet)?;
    let rb = run_scenario(&b, !args.quiet)?;
    let diff = differences(&ra, &rb).map_err(CliError::Internal)?;
    if let Some(path) = &args.json {
        let out = Comparison {
            a: ra.clone(),
            b: rb.clone(),
            diff: diff.clone(),
        };
        let text = serde_json::to_string_pretty(&out)
            .map_err(|e| CliError::Internal(format!("cannot serialize the comparison: {e}")))?;
        write_output(path, &text)?;
        if path == "-" {
            return Ok(());
        }
    }
    if !args.quiet {
        print!(
            "A: {}\n{}\nB: {}\n{}\ndifferences:\n{}",
            args.a,
            summary(&ra),
            args.b,
            summary(&rb),
            table(&diff)
        );
    }
    Ok(())
}
