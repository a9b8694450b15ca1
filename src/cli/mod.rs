//! The `kafka-sim` command line (native only): run scenarios headless, sweep parameters,
//! emulate `kafka-producer-perf-test.sh`, and expose the partitioner and assignors.
//!
//! Exit codes: 0 ok, 2 bad input (the message on stderr names the problem), 1 internal error
//! or a claim that failed (`--check`).

pub mod calibration;
mod compare;
mod follow;
pub mod lesson;
pub mod perf_test;
mod run;
mod sweep;

use std::io::Write;
use std::path::Path;

use clap::{Parser, Subcommand};

use crate::engine::scenario::Scenario;

/// A command-line failure: bad input (exit 2) or an internal error (exit 1).
#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong; the message says what and where.
    BadInput(String),
    /// Something failed that is not the user's fault.
    Internal(String),
    /// A claim of a lesson or a preset did not hold (`--check`; exit 1).
    ClaimsFailed(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::BadInput(_) => 2,
            CliError::Internal(_) | CliError::ClaimsFailed(_) => 1,
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::BadInput(m) | CliError::Internal(m) | CliError::ClaimsFailed(m) => {
                f.write_str(m)
            }
        }
    }
}

/// KafkaSim: Apache Kafka, simulated. Runs the same deterministic engine as the page.
#[derive(Parser, Debug)]
#[command(name = "kafka-sim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario (a JSON file, or the name of a built-in preset) and print a summary.
    Run(run::RunArgs),
    /// Run two scenarios with the same seed (an A/B what-if) and print both reports and the
    /// figures that differ.
    Compare(compare::CompareArgs),
    /// Follow one record (by key) through the run: send(), batch, produce request, appends,
    /// the high watermark, the acknowledgement or the loss, each group's fetch and commit.
    Follow(follow::FollowArgs),
    /// Run the cartesian product of parameter values, in parallel, and write a CSV row per run.
    Sweep(sweep::SweepArgs),
    /// Emulate kafka-producer-perf-test.sh against a simulated cluster.
    PerfTest(perf_test::PerfTestArgs),
    /// Print the partition Kafka's default partitioner picks for each key.
    Partition {
        /// Number of partitions of the topic.
        #[arg(long)]
        partitions: u32,
        /// Keys (UTF-8).
        keys: Vec<String>,
    },
    /// Run an assignor on a JSON description of a group (see README).
    Assign {
        /// Input JSON file (`-` for stdin).
        input: String,
    },
    /// Print a lesson's script, or play it and judge its claims (`--check`).
    Lesson(lesson::LessonArgs),
    /// List the built-in scenarios.
    Presets,
    /// Print a built-in scenario as JSON.
    Preset {
        /// Preset name.
        name: String,
    },
}

/// Reads a file (`-` = stdin) with errors that name the path.
pub fn read_input(path: &str) -> Result<String, CliError> {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| CliError::BadInput(format!("cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| CliError::BadInput(format!("cannot read {path}: {e}")))
}

/// A scenario as loaded: the validated scenario, its text, and its warnings.
pub type Loaded = (Scenario, String, Vec<crate::scenario_file::ScenarioWarning>);

/// Loads a scenario from a file, or a preset by name when no such file exists, with the
/// parser's warnings (unmodelled keys, values Kafka changes silently, …).
pub fn load_scenario(arg: &str) -> Result<Loaded, CliError> {
    if arg != "-" && !Path::new(arg).exists() {
        if let Some((_, json)) = crate::scenario_file::presets::presets()
            .into_iter()
            .find(|(n, _)| *n == arg)
        {
            let (s, w) = crate::scenario_file::parse_scenario_with_warnings(json)
                .map_err(|e| CliError::Internal(format!("preset {arg}: {e}")))?;
            return Ok((s, json.to_string(), w));
        }
        let names: Vec<&str> = crate::scenario_file::presets::presets()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        return Err(CliError::BadInput(format!(
            "cannot read {arg}: no such file, and no preset of that name (presets: {})",
            names.join(", ")
        )));
    }
    let text = read_input(arg)?;
    let (s, w) = crate::scenario_file::parse_scenario_with_warnings(&text)
        .map_err(|e| CliError::BadInput(format!("{arg}: {e}")))?;
    Ok((s, text, w))
}

/// Prints warnings on stderr, one a line, naming the field (`kafka-sim: warning: PATH: …`).
pub fn print_warnings(warnings: &[crate::scenario_file::ScenarioWarning]) {
    for w in warnings {
        eprintln!("kafka-sim: warning: {w}");
    }
}

/// Prints the scenario's risky settings on stderr with their reasons
/// (`kafka-sim: risk: PATH: …`; see [`crate::scenario_file::risky_settings`]).
pub fn print_risks(s: &Scenario) {
    for w in crate::scenario_file::risky_settings(s) {
        eprintln!("kafka-sim: risk: {w}");
    }
}

/// Writes `text` to a path, or stdout for `-`.
pub fn write_output(path: &str, text: &str) -> Result<(), CliError> {
    if path == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| CliError::Internal(format!("cannot write stdout: {e}")))
    } else {
        std::fs::write(path, text)
            .map_err(|e| CliError::BadInput(format!("cannot write {path}: {e}")))
    }
}

/// Runs the CLI on parsed arguments.
pub fn execute(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Compare(a) => compare::compare(a),
        Command::Follow(a) => follow::follow(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::PerfTest(a) => perf_test::perf_test(a),
        Command::Lesson(a) => lesson::lesson(a),
        Command::Partition { partitions, keys } => {
            if partitions == 0 || partitions > 1_000_000 {
                return Err(CliError::BadInput(format!(
                    "--partitions = {partitions}: allowed 1..=1000000"
                )));
            }
            let mut out = String::new();
            for k in keys {
                let p = crate::engine::partitioner::partition_for_key(k.as_bytes(), partitions);
                out.push_str(&format!("{k}\t{p}\n"));
            }
            print!("{out}");
            Ok(())
        }
        Command::Assign { input } => {
            let text = read_input(&input)?;
            let out = crate::engine::assignor::assign_json(&text).map_err(CliError::BadInput)?;
            println!("{out}");
            Ok(())
        }
        Command::Presets => {
            for (name, json) in crate::scenario_file::presets::presets() {
                let desc = crate::scenario_file::parse_scenario(json)
                    .map(|s| s.description)
                    .unwrap_or_default();
                println!("{name:<28} {desc}");
            }
            Ok(())
        }
        Command::Preset { name } => {
            let (_, json) = crate::scenario_file::presets::presets()
                .into_iter()
                .find(|(n, _)| *n == name)
                .ok_or_else(|| {
                    CliError::BadInput(format!(
                        "no preset named `{name}` (see `kafka-sim presets`)"
                    ))
                })?;
            println!("{}", json.trim_end());
            Ok(())
        }
    }
}

/// Entry point used by the binary: parses `std::env::args`, runs, returns the exit code.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match execute(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kafka-sim: {e}");
            e.exit_code()
        }
    }
}
