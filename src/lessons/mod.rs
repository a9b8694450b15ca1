//! Guided lessons: a scenario plus a script of steps. Each step runs the simulation to a time,
//! narrates (text keys in [`crate::i18n`]), highlights something, may apply an action or ask the
//! learner to predict an outcome, and states its claims about the run as data ([`Claim`]): each
//! is judged on the run between the previous step and this one (or on its own window), and the
//! narration is written from the outcome. `kafka-sim lesson N --check` prints every verdict;
//! the tests judge every claim of every lesson and preset.

mod catalog;
mod catalog_more;
mod catalog_static;
mod catalog_txn;
mod catalog_zones;
pub mod claims;
pub mod glossary;
mod judge;
mod judge_placement;
mod preset_claims;

pub use catalog::lessons;
pub use claims::{
    claim, Agg, Claim, Expect, Happening, Measure, Series, TxnOutcome, Verdict, Window,
};
pub use judge::ClaimRun;
pub use preset_claims::preset_claims;

use serde::Serialize;

use crate::engine::scenario::Scenario;
use crate::engine::Command;

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Run the simulation to this time (ms) before showing the step.
    pub at_ms: u64,
    /// Narration text key.
    pub text: &'static str,
    /// What to look at: space-separated targets of the page — `cluster`, `broker:ID`,
    /// `producer:CLIENT_ID`, `group:GROUP_ID`, `chart:throughput|latency|lag|isr|requests`, `log`,
    /// `audit`, `config`, `timeline`. Each element of the view marks itself when it is a target (and in
    /// presentation mode a chart is shown only when a step points at it).
    pub highlight: Option<&'static str>,
    /// An action applied when the learner continues (the page asks them to click it, or does it).
    pub action: Option<Command>,
    /// A question to predict before continuing (text key), and its answer (text key).
    pub question: Option<(&'static str, &'static str)>,
    /// What this step says about the run since the previous step, as checks.
    pub claims: Vec<Claim>,
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

/// The verdicts of one step.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    /// Step number, from 1.
    pub step: usize,
    /// When the step is shown (ms).
    pub at_ms: u64,
    /// Its narration key.
    pub text: &'static str,
    /// Its claims, judged.
    pub verdicts: Vec<Verdict>,
}

/// The verdicts of a whole lesson.
#[derive(Clone, Debug, Serialize)]
pub struct LessonReport {
    /// Lesson id.
    pub id: &'static str,
    /// Position in the catalogue, from 1.
    pub number: usize,
    /// Every step.
    pub steps: Vec<StepReport>,
}

impl LessonReport {
    /// Every verdict, in step order.
    pub fn verdicts(&self) -> impl Iterator<Item = &Verdict> {
        self.steps.iter().flat_map(|s| s.verdicts.iter())
    }

    /// Whether every claim held.
    pub fn held(&self) -> bool {
        self.verdicts().all(|v| v.held)
    }
}

/// Plays a lesson from start to end without a page: runs to every step, judges its claims on
/// the run since the previous step (or their own windows), then applies its action.
pub fn check_lesson(lesson: &Lesson, number: usize) -> LessonReport {
    let boundaries = lesson.steps.iter().flat_map(|s| {
        std::iter::once(s.at_ms).chain(
            s.claims
                .iter()
                .filter_map(|c| c.window)
                .flat_map(|w| [w.from_ms, w.to_ms]),
        )
    });
    let mut run = ClaimRun::new(&lesson.scenario, boundaries.collect::<Vec<_>>());
    let mut from = 0;
    let mut steps = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        run.run_to(step.at_ms);
        let window = Window {
            from_ms: from,
            to_ms: step.at_ms,
        };
        let verdicts = step.claims.iter().map(|c| run.judge(c, window)).collect();
        steps.push(StepReport {
            step: i + 1,
            at_ms: step.at_ms,
            text: step.text,
            verdicts,
        });
        if let Some(a) = &step.action {
            run.engine.apply(a.clone());
        }
        from = step.at_ms;
    }
    LessonReport {
        id: lesson.id,
        number,
        steps,
    }
}

/// Plays a lesson and returns every failed claim as an error (`lesson ID step N (KEY): …`).
pub fn play(lesson: &Lesson) -> Result<LessonReport, String> {
    let report = check_lesson(lesson, 0);
    let failed: Vec<String> = report
        .steps
        .iter()
        .flat_map(|s| {
            s.verdicts
                .iter()
                .filter(|v| !v.held)
                .map(move |v| format!("lesson {} step {} ({}): {v}", lesson.id, s.step, s.text))
        })
        .collect();
    if failed.is_empty() {
        Ok(report)
    } else {
        Err(failed.join("\n"))
    }
}

/// Runs a scenario to its end and judges `claims` (a claim without a window is judged on the
/// whole run).
pub fn check_scenario(scenario: &Scenario, claims: &[Claim]) -> Vec<Verdict> {
    let boundaries: Vec<u64> = claims
        .iter()
        .filter_map(|c| c.window)
        .flat_map(|w| [w.from_ms, w.to_ms])
        .collect();
    // When every claim names its window, the run stops at the last one (the big cluster's
    // claims look at its first 15 s of a 10-minute run).
    let end = if !claims.is_empty() && claims.iter().all(|c| c.window.is_some()) {
        boundaries
            .iter()
            .copied()
            .max()
            .unwrap_or(scenario.duration_ms)
    } else {
        scenario.duration_ms
    };
    let mut run = ClaimRun::new(scenario, boundaries);
    run.run_to(end);
    let whole = Window {
        from_ms: 0,
        to_ms: end,
    };
    claims.iter().map(|c| run.judge(c, whole)).collect()
}
