//! Errors shown at the top of the page, kept as data and rendered in the current language at
//! each render (switching language re-renders them).

use crate::engine::reasons::CommandRefusal;
use crate::i18n::{t, tf, Lang};
use crate::scenario_file::{ScenarioError, ScenarioWarning};
use crate::share::ShareError;

/// An error the page shows.
#[derive(Clone, Debug, PartialEq)]
pub enum PageError {
    /// The share link in the URL could not be decoded.
    ShareBroken(ShareError),
    /// The share link decoded to an invalid scenario.
    ShareInvalid(ScenarioError),
    /// An imported file is not a valid scenario.
    Import(ScenarioError),
    /// No preset with this name.
    NoPreset(String),
    /// An intervention the scenario validator refused (it would make the scenario invalid).
    Refused(ScenarioError),
    /// An intervention the engine refused in its current state.
    EngineRefused(CommandRefusal),
    /// A fixed message, by i18n key (e.g. a failed download).
    Key(&'static str),
    /// The scenario loaded, with keys Kafka accepts that KafkaSim does not model (issue 14
    /// item 9): named, so nobody expects them to have an effect.
    Warnings(Vec<ScenarioWarning>),
    /// The simulation stopped: simulated time stopped moving (issue 14 item 10).
    StuckClock(Box<crate::engine::sim::StuckClock>),
    /// A saved session that is gone or cannot be read.
    SessionMissing(String),
}

impl PageError {
    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            PageError::ShareBroken(e) => tf(lang, "ui.share_broken", &[("e", e.localized(lang))]),
            PageError::ShareInvalid(e) => tf(lang, "ui.share_invalid", &[("e", e.localized(lang))]),
            PageError::Import(e) => format!(
                "{}{}{}",
                t(lang, "ui.import_failed"),
                t(lang, "ui.colon"),
                e.localized(lang)
            ),
            PageError::NoPreset(name) => tf(lang, "ui.no_preset", &[("name", name.clone())]),
            PageError::Refused(e) => tf(lang, "ui.refused", &[("e", e.localized(lang))]),
            PageError::EngineRefused(r) => tf(lang, "log.refused", &[("why", r.localized(lang))]),
            PageError::Key(k) => t(lang, k).to_string(),
            PageError::StuckClock(s) => s.localized(lang),
            PageError::SessionMissing(name) => {
                tf(lang, "ui.session_missing", &[("name", name.clone())])
            }
            PageError::Warnings(w) => format!(
                "{}{}{}",
                t(lang, "ui.scenario_warnings"),
                t(lang, "ui.colon"),
                w.iter()
                    .map(|w| w.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}
