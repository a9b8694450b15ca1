//! `kafka-sim follow SCENARIO --key KEY [--nth N]`: one record's journey with simulated
//! timestamps — `send()`, its batch and partition, the produce request, the leader's append and
//! offset, each follower's copy, the high watermark passing it, the acknowledgement (or the
//! error, retry, loss), each consumer group's delivery and commit.

use clap::Args;
use serde::Serialize;

use super::run::{seconds, until_time};
use super::{load_scenario, print_warnings, write_output, CliError};
use crate::engine::journey::{JourneyBook, Outcome, Step};
use crate::engine::time::{ms, MICROS};
use crate::engine::Engine;

/// Arguments of `follow`.
#[derive(Args, Debug)]
pub struct FollowArgs {
    /// Scenario JSON file, or a preset name.
    pub scenario: String,
    /// The record's key (`key-N`, as the scenario's producers name their keys).
    #[arg(long)]
    pub key: String,
    /// Which record with that key, in `send()` order over all producers (1 = the first).
    #[arg(long, default_value_t = 1)]
    pub nth: u64,
    /// Stop at this simulated time (µs) instead of the scenario's end.
    #[arg(long)]
    pub until_us: Option<u64>,
    /// Write the journey as JSON to this file (`-` for stdout).
    #[arg(long)]
    pub json: Option<String>,
    /// No warnings.
    #[arg(long, short)]
    pub quiet: bool,
}

/// One step as printed in JSON: its simulated time and what happened.
#[derive(Clone, Debug, Serialize)]
pub struct TimedStep {
    /// Simulated time, ns.
    pub at_ns: u64,
    /// What happened.
    #[serde(flatten)]
    pub step: Step,
}

/// What `follow --json` writes.
#[derive(Clone, Debug, Serialize)]
pub struct FollowReport {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// The key.
    pub key: String,
    /// Which record with the key (1-based).
    pub nth: u64,
    /// Records sent with the key in the run.
    pub sent_with_key: u64,
    /// The producer's id.
    pub producer: String,
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// The record's number in the producer's stream to the partition.
    pub record: u64,
    /// The journey, in time order.
    pub steps: Vec<TimedStep>,
    /// How it ended up.
    pub outcome: Outcome,
    /// Where the run stopped (µs).
    pub simulated_us: u64,
    /// The run's trace hash (the same as `run` gives: following changes nothing).
    pub trace_hash: String,
}

/// `kafka-sim follow`.
pub fn follow(a: FollowArgs) -> Result<(), CliError> {
    let (scenario, _, warnings) = load_scenario(&a.scenario)?;
    if !a.quiet {
        print_warnings(&warnings);
    }
    if a.nth == 0 {
        return Err(CliError::BadInput(
            "--nth = 0: records are counted from 1 (the first sent with the key)".into(),
        ));
    }
    let end = match a.until_us {
        Some(us) => until_time(us)?,
        None => ms(scenario.duration_ms),
    };
    let mut engine = Engine::new(&scenario);
    engine
        .follow_key(&a.key)
        .map_err(|m| CliError::BadInput(format!("--key = {}: {m}", a.key)))?;
    let mut book = JourneyBook::new(
        scenario
            .consumer_groups
            .iter()
            .map(|g| g.group_id.clone())
            .collect(),
    );
    loop {
        let status = engine.run_until(end, 2_000);
        for e in engine.drain_events() {
            book.observe(&e);
        }
        if status.reached {
            break;
        }
        if let Some(stuck) = engine.stuck_clock() {
            return Err(CliError::BadInput(format!(
                "scenario {}: {stuck}",
                scenario.name
            )));
        }
    }
    let sent = book.records().len() as u64;
    if sent == 0 {
        return Err(CliError::BadInput(format!(
            "--key = {}: no record with this key was sent in the {} s run",
            a.key,
            seconds(engine.now() / MICROS)
        )));
    }
    let Some(r) = book.records().get(a.nth as usize - 1).copied() else {
        return Err(CliError::BadInput(format!(
            "--nth = {}: key {} was sent {sent} times in this run (allowed 1..={sent})",
            a.nth, a.key
        )));
    };
    let journey = book
        .journey(&r)
        .ok_or_else(|| CliError::Internal("a followed record has no journey".into()))?;
    let copies = engine.record_copies(&r);
    let outcome = book
        .outcome(&r, &copies)
        .ok_or_else(|| CliError::Internal("a followed record has no outcome".into()))?;
    let producer = scenario
        .producers
        .get(r.producer as usize)
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let report = FollowReport {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        key: a.key.clone(),
        nth: a.nth,
        sent_with_key: sent,
        producer,
        topic: engine.topics().name(r.tp.topic).to_string(),
        partition: r.tp.partition,
        record: r.record,
        steps: journey
            .steps
            .iter()
            .map(|(at, s)| TimedStep {
                at_ns: *at,
                step: s.clone(),
            })
            .collect(),
        outcome,
        simulated_us: engine.now() / MICROS,
        trace_hash: format!("{:016x}", engine.trace_hash()),
    };
    if let Some(path) = &a.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Internal(format!("cannot serialize the journey: {e}")))?;
        write_output(path, &text)?;
        if path == "-" {
            return Ok(());
        }
    }
    print!("{}", text(&report));
    Ok(())
}

/// The journey for a person: one line per step.
pub fn text(r: &FollowReport) -> String {
    let tp = format!("{}-{}", r.topic, r.partition);
    let mut s = format!(
        "{} (seed {}): record {} of {} sent with key {} — producer {}, {tp}, its record #{} there\n",
        r.scenario, r.seed, r.nth, r.sent_with_key, r.key, r.producer, r.record
    );
    for t in &r.steps {
        let line = match &t.step {
            Step::Send { key } => format!("send() with key {key}: appended to a batch for {tp}"),
            Step::ProduceRequest {
                broker,
                correlation_id,
                batch_first_record,
                batch_records,
                base_sequence,
            } => {
                let seq = if *base_sequence >= 0 {
                    format!(", base sequence {base_sequence}")
                } else {
                    String::new()
                };
                format!(
                    "produce request {correlation_id} to broker {broker}: its batch holds {batch_records} records (#{batch_first_record}..#{}){seq}",
                    batch_first_record + (*batch_records as u64).saturating_sub(1)
                )
            }
            Step::LeaderAppend {
                broker,
                offset,
                leader_epoch,
            } => format!(
                "leader broker {broker} appended it at offset {offset} (leader epoch {leader_epoch})"
            ),
            Step::ReplicaCopy { broker, offset } => {
                format!("follower broker {broker} copied it (offset {offset})")
            }
            Step::HighWatermark {
                broker,
                high_watermark,
                offset,
            } => format!(
                "high watermark on broker {broker} moved to {high_watermark}, past offset {offset}: consumers may read it"
            ),
            Step::Acked { offset: Some(o) } => {
                format!("acknowledged to the producer (offset {o})")
            }
            Step::Acked { offset: None } => {
                "acks=0: counted as sent, nothing confirmed".to_string()
            }
            Step::Retried { error } => {
                format!("its batch failed with {}: to be retried", error.name())
            }
            Step::Failed { error } => format!(
                "failed for good with {}: the application's callback gets the error",
                error.name()
            ),
            Step::Truncated { broker, offset } => {
                format!("broker {broker} truncated it from its log (offset {offset})")
            }
            Step::Consumed {
                group,
                consumer,
                offset,
            } => format!("group {group}: consumer {consumer} got it from a poll (offset {offset})"),
            Step::Committed {
                group,
                consumer,
                committed,
            } => format!(
                "group {group}: consumer {consumer} committed offset {committed}, past it"
            ),
        };
        s.push_str(&format!(
            "  {:>14} s  {line}\n",
            format!("{:.6}", t.at_ns as f64 / 1e9)
        ));
    }
    let copies = |replicas: &[(u32, u64)]| {
        replicas
            .iter()
            .map(|(b, o)| format!("broker {b} at offset {o}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let outcome = match &r.outcome {
        Outcome::Delivered { replicas } => format!("delivered: in the log of {}", copies(replicas)),
        Outcome::Lost {
            last_truncated_on: Some(b),
        } => format!(
            "LOST: acknowledged, but no replica holds it any more (last cut from broker {b}'s log)"
        ),
        Outcome::Lost {
            last_truncated_on: None,
        } => "LOST: acknowledged, but no replica holds it any more".to_string(),
        Outcome::Duplicated { offsets } => format!(
            "DUPLICATED: written {} times (offsets {})",
            offsets.len(),
            offsets
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Outcome::Failed { error } => format!("failed: {}", error.name()),
        Outcome::InFlight { replicas } if replicas.is_empty() => {
            "not acknowledged when the run stopped, in no replica's log".to_string()
        }
        Outcome::InFlight { replicas } => format!(
            "not acknowledged when the run stopped; in the log of {}",
            copies(replicas)
        ),
    };
    s.push_str(&format!(
        "outcome at {} s: {outcome}\ntrace hash {}\n",
        seconds(r.simulated_us),
        r.trace_hash
    ));
    s
}
