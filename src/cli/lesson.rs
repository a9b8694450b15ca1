//! `kafka-sim lesson N|ID|all [--check] [--json PATH]`: prints a lesson's script, or plays it
//! headless and judges every claim its steps make (exit 1 if one fails).

use clap::Args;

use super::{write_output, CliError};
use crate::i18n::{t, Lang};
use crate::lessons::{check_lesson, lessons, Lesson, LessonReport, Verdict};

/// Arguments of `lesson`.
#[derive(Args, Debug)]
pub struct LessonArgs {
    /// Lesson number (1..), id (`keys`, `isr`, …) or `all`.
    pub lesson: String,
    /// Play the lesson and judge every claim (exit 1 if any fails).
    #[arg(long)]
    pub check: bool,
    /// With --check: write the verdicts as JSON to this file (`-` for stdout).
    #[arg(long)]
    pub json: Option<String>,
}

/// The lessons `arg` names, with their numbers.
fn select(arg: &str) -> Result<Vec<(usize, Lesson)>, CliError> {
    let all: Vec<(usize, Lesson)> = lessons()
        .into_iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();
    if arg == "all" {
        return Ok(all);
    }
    let n = all.len();
    let found = match arg.parse::<usize>() {
        Ok(k) => all.into_iter().find(|(i, _)| *i == k),
        Err(_) => all.into_iter().find(|(_, l)| l.id == arg),
    };
    found.map(|x| vec![x]).ok_or_else(|| {
        let ids: Vec<&str> = lessons().iter().map(|l| l.id).collect();
        CliError::BadInput(format!(
            "no lesson `{arg}`: give a number 1..={n}, an id ({}) or `all`",
            ids.join(", ")
        ))
    })
}

/// Prints verdicts, one a line.
pub fn print_verdicts(verdicts: &[Verdict]) {
    for v in verdicts {
        println!("  {v}");
    }
}

/// `kafka-sim lesson`.
pub fn lesson(a: LessonArgs) -> Result<(), CliError> {
    let chosen = select(&a.lesson)?;
    if !a.check {
        if a.json.is_some() {
            return Err(CliError::BadInput("--json needs --check".into()));
        }
        for (_, l) in &chosen {
            println!("{} ({})", t(Lang::En, l.title), l.id);
            for (i, s) in l.steps.iter().enumerate() {
                println!(
                    "  step {} at {:.1} s: {}",
                    i + 1,
                    s.at_ms as f64 / 1000.0,
                    t(Lang::En, s.text)
                );
            }
        }
        return Ok(());
    }
    let quiet = a.json.as_deref() == Some("-");
    let mut reports: Vec<LessonReport> = Vec::new();
    for (n, l) in &chosen {
        let r = check_lesson(l, *n);
        if !quiet {
            println!("lesson {} — {}", l.id, t(Lang::En, l.title));
            for s in &r.steps {
                if !s.verdicts.is_empty() {
                    println!(" step {} ({:.1} s)", s.step, s.at_ms as f64 / 1000.0);
                    print_verdicts(&s.verdicts);
                }
            }
        }
        reports.push(r);
    }
    let total: usize = reports.iter().map(|r| r.verdicts().count()).sum();
    let failed: usize = reports
        .iter()
        .map(|r| r.verdicts().filter(|v| !v.held).count())
        .sum();
    if let Some(path) = &a.json {
        let json = serde_json::to_string_pretty(&reports)
            .map_err(|e| CliError::Internal(format!("cannot serialize the verdicts: {e}")))?;
        write_output(path, &json)?;
    }
    if !quiet {
        println!("{} claims, {} held, {failed} failed", total, total - failed);
    }
    if failed > 0 {
        return Err(CliError::ClaimsFailed(format!(
            "{failed} of {total} claims failed"
        )));
    }
    Ok(())
}
