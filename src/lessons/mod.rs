//! Guided lessons: a scenario plus a script of steps. Each step runs the simulation to a time,
//! narrates (text keys in [`crate::i18n`]), highlights something, may apply an action or ask the
//! learner to predict an outcome, and may carry a check that the claimed outcome really
//! happened in the run since the previous step (tests play every lesson and run every check).

mod catalog;

pub use catalog::lessons;

use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::protocol::ErrorCode;
use crate::engine::scenario::Scenario;
use crate::engine::time::ms;
use crate::engine::Command;
use crate::engine::Engine;

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Run the simulation to this time (ms) before showing the step.
    pub at_ms: u64,
    /// Narration text key.
    pub text: &'static str,
    /// What to look at: space-separated targets of the page — `cluster`, `broker:ID`,
    /// `producer:CLIENT_ID`, `group:GROUP_ID`, `chart:throughput|latency|lag|isr|requests`, `log`,
    /// `audit`, `config`. Each element of the view marks itself when it is a target (and in
    /// presentation mode a chart is shown only when a step points at it).
    pub highlight: Option<&'static str>,
    /// An action applied when the learner continues (the page asks them to click it, or does it).
    pub action: Option<Command>,
    /// A question to predict before continuing (text key), and its answer (text key).
    pub question: Option<(&'static str, &'static str)>,
    /// What must be true in the run at this step.
    pub check: Option<Check>,
}

/// A claim about the run a step makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// Records were consumed.
    ConsumedAtLeast(u64),
    /// Acknowledged records were lost (at least this many).
    AckedLostAtLeast(u64),
    /// No acknowledged record was lost.
    NoAckedLost,
    /// A partition's ISR shrank.
    IsrShrank,
    /// A leader refused a produce with this error.
    ProduceRejected(ErrorCode),
    /// A partition changed leader (not a preferred-leader move).
    LeaderElected,
    /// The latest produce-ack p50 (window) is above this many ms.
    AckP50AboveMs(f64),
    /// The latest produce-ack p50 (window) is below this many ms.
    AckP50BelowMs(f64),
    /// A group's lag is above this many records.
    LagAbove(&'static str, u64),
    /// Some consumer of a group is alive and owns no partition.
    IdleConsumer(&'static str),
    /// Group `eager` revoked more partitions in total than group `cooperative`.
    CooperativeRevokesFewer {
        /// The eager group.
        eager: &'static str,
        /// The cooperative group.
        cooperative: &'static str,
    },
    /// Duplicates in the logs come only from the non-idempotent producer (index), and exist.
    DuplicatesOnlyFrom(u32),
}

/// A lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id (`keys`, `batching`, …).
    pub id: &'static str,
    /// Title text key.
    pub title: &'static str,
    /// The scenario it runs.
    pub scenario: Scenario,
    /// Its steps, in time order.
    pub steps: Vec<Step>,
}

/// The run a step's claim is judged on: from the previous step (after its action) to this one.
/// A claim that something happened must happen in this window, not earlier in the lesson.
#[derive(Clone, Debug, Default)]
pub struct StepWindow {
    /// Events of the window, bulk ones (appends, acknowledgements, polls) included.
    pub events: Vec<TimedEvent>,
    /// Records consumed before the window.
    pub consumed_before: u64,
    /// Records acknowledged before the window.
    pub acked_before: u64,
    /// Acknowledged records lost before the window (audited at its start).
    pub acked_lost_before: u64,
}

impl Check {
    /// Whether the claim holds for the step's window of the run, `engine` at its end.
    pub fn verify(&self, engine: &mut Engine, w: &StepWindow) -> Result<(), String> {
        let ok = |b: bool, what: String| if b { Ok(()) } else { Err(what) };
        let events = &w.events;
        match self {
            Check::ConsumedAtLeast(n) => {
                let consumed = engine.metrics().consumed - w.consumed_before;
                ok(consumed >= *n, format!("consumed {consumed} in this step < {n}"))
            }
            Check::AckedLostAtLeast(n) => {
                engine.audit();
                let lost = engine.invariants().acked_lost - w.acked_lost_before;
                ok(lost >= *n, format!("acked_lost {lost} in this step < {n}"))
            }
            Check::NoAckedLost => {
                // Nothing lost in the whole run so far, and the claim is not vacuous: records
                // were acknowledged in this step.
                engine.audit();
                let lost = engine.invariants().acked_lost;
                let acked = engine.metrics().acked - w.acked_before;
                ok(lost == 0 && acked > 0, format!("acked_lost {lost}, {acked} acknowledged in this step"))
            }
            Check::IsrShrank => ok(
                events.iter().any(|e| matches!(e.event, SimEvent::IsrChanged { shrink: true, .. })),
                "no ISR shrink".into(),
            ),
            Check::ProduceRejected(code) => ok(
                events.iter().any(|e| matches!(&e.event, SimEvent::ProduceRejected { error, .. } if error == code)),
                format!("no produce rejected with {}", code.name()),
            ),
            Check::LeaderElected => ok(
                events.iter().any(|e| matches!(e.event, SimEvent::LeaderChanged { leader: Some(_), preferred: false, .. })),
                "no leader election".into(),
            ),
            Check::AckP50AboveMs(v) | Check::AckP50BelowMs(v) => {
                let p50 = engine.metrics().samples().iter().rev().find(|s| s.ack_rps > 0.0).map(|s| s.ack_p50).unwrap_or(0.0);
                if matches!(self, Check::AckP50AboveMs(_)) {
                    ok(p50 > *v, format!("ack p50 {p50:.2} ms ≤ {v}"))
                } else {
                    ok(p50 < *v && p50 > 0.0, format!("ack p50 {p50:.2} ms ≥ {v}"))
                }
            }
            Check::LagAbove(g, n) => {
                let lag = engine.group_lags().into_iter().find(|(id, _)| id == g).map(|(_, l)| l).unwrap_or(0);
                ok(lag > *n, format!("lag of {g} is {lag} ≤ {n}"))
            }
            Check::IdleConsumer(g) => {
                let snap = engine.snapshot();
                ok(
                    snap.consumers.iter().any(|c| c.group_id == *g && c.alive && c.partitions.is_empty() && c.generation > 0),
                    format!("no idle consumer in {g}"),
                )
            }
            Check::CooperativeRevokesFewer { eager, cooperative } => {
                let groups: Vec<String> = engine.groups().iter().map(|g| g.spec.group_id.clone()).collect();
                let idx = |name: &str| groups.iter().position(|g| g == name).map(|i| i as u32);
                let (Some(e), Some(c)) = (idx(eager), idx(cooperative)) else {
                    return Err("groups not found".into());
                };
                let revoked = |g: u32| -> usize {
                    events
                        .iter()
                        .filter_map(|ev| match &ev.event {
                            SimEvent::PartitionsRevoked { group, partitions, .. } if *group == g => Some(partitions.len()),
                            _ => None,
                        })
                        .sum()
                };
                let (re, rc) = (revoked(e), revoked(c));
                ok(re > rc, format!("eager revoked {re}, cooperative {rc}"))
            }
            Check::DuplicatesOnlyFrom(p) => {
                engine.audit();
                let by = engine.invariants_by_producer();
                let dup_other: u64 = by.iter().filter(|(q, _)| q != p).map(|(_, d)| *d).sum();
                let dup_this = by.iter().find(|(q, _)| q == p).map(|(_, d)| *d).unwrap_or(0);
                ok(dup_this > 0 && dup_other == 0, format!("duplicates: producer {p} {dup_this}, others {dup_other}"))
            }
        }
    }
}

/// Plays a lesson from start to end without a page: runs to every step, verifies its check on
/// the run since the previous step, and applies its action. Returns the first failure.
pub fn play(lesson: &Lesson) -> Result<(), String> {
    let mut engine = Engine::new(&lesson.scenario);
    engine.set_record_bulk(true);
    let mut window = StepWindow::default();
    for (i, step) in lesson.steps.iter().enumerate() {
        // In slices, so the engine's event buffer never overflows.
        while engine.now() < ms(step.at_ms) {
            let next = (engine.now() + ms(250)).min(ms(step.at_ms));
            engine.run_until(next, u64::MAX);
            let events = engine.drain_events();
            if step.check.is_some() {
                window.events.extend(events);
            }
        }
        if let Some(check) = &step.check {
            check
                .verify(&mut engine, &window)
                .map_err(|e| format!("lesson {} step {} ({}): {e}", lesson.id, i + 1, step.text))?;
        }
        if let Some(a) = &step.action {
            engine.apply(a.clone());
        }
        engine.audit();
        window = StepWindow {
            events: Vec::new(),
            consumed_before: engine.metrics().consumed,
            acked_before: engine.metrics().acked,
            acked_lost_before: engine.invariants().acked_lost,
        };
    }
    Ok(())
}
