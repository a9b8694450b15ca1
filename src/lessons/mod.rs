//! Guided lessons: a scenario plus a script of steps. Each step runs the simulation to a time,
//! narrates (text keys in [`crate::i18n`]), highlights something, may apply an action or ask the
//! learner to predict an outcome, and may carry a check that the claimed outcome really
//! happened in the run (tests play every lesson and run every check).

mod catalog;

pub use catalog::lessons;

use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::protocol::ErrorCode;
use crate::engine::scenario::{Command, Scenario};
use crate::engine::time::ms;
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

impl Check {
    /// Whether the claim holds for `engine` and the events seen so far.
    pub fn verify(&self, engine: &mut Engine, events: &[TimedEvent]) -> Result<(), String> {
        let ok = |b: bool, what: String| if b { Ok(()) } else { Err(what) };
        match self {
            Check::ConsumedAtLeast(n) => ok(engine.metrics().consumed >= *n, format!("consumed {} < {n}", engine.metrics().consumed)),
            Check::AckedLostAtLeast(n) => {
                engine.audit();
                let lost = engine.invariants().acked_lost;
                ok(lost >= *n, format!("acked_lost {lost} < {n}"))
            }
            Check::NoAckedLost => {
                engine.audit();
                let lost = engine.invariants().acked_lost;
                ok(lost == 0, format!("acked_lost {lost}"))
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

/// Plays a lesson from start to end without a page: runs to every step, applies its action,
/// and verifies its check. Returns the first failure.
pub fn play(lesson: &Lesson) -> Result<(), String> {
    let mut engine = Engine::new(&lesson.scenario);
    let mut events = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        engine.run_until(ms(step.at_ms), u64::MAX);
        events.extend(engine.drain_events());
        if let Some(check) = &step.check {
            check
                .verify(&mut engine, &events)
                .map_err(|e| format!("lesson {} step {} ({}): {e}", lesson.id, i + 1, step.text))?;
        }
        if let Some(a) = &step.action {
            engine.apply(a.clone());
        }
    }
    Ok(())
}
