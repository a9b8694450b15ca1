//! Scenario files: the JSON format people write (documented in `docs/SCENARIOS.md`), parsed and
//! validated into the engine's typed [`Scenario`] (`engine::scenario`, the engine's input), and
//! written back with [`to_json`]. The two are named apart: `scenario_file` is the text format,
//! `engine::scenario` the value the engine runs.
//!
//! Parsing never panics. Every error names the JSON path of the field, the value and what would
//! be valid: `topics[0].replication_factor = 5: the cluster has 3 brokers (allowed 1..=3)`.
//! Things Kafka accepts but a person should know about (an unmodelled config key, idempotence
//! silently off, min.insync.replicas above the replication factor) are warnings.

pub use crate::engine::limits as caps;
mod clients;
mod emit;
mod error;
mod error_detail;
mod error_more;
mod faults;
mod hardware;
mod json;
mod parse;
pub mod presets;
mod processors;
mod racks;
mod risks;
mod schedule;
pub mod set_path;
mod validate;

use std::fmt;

use serde_json::Value;

use crate::engine::scenario::Scenario;

pub use emit::{to_json, to_json_value};
pub use error::{ExpectedJson, JsonType, ScenarioError, ScenarioReason};
pub use error_detail::Detail;
pub use error_more::{Duplicated, FixedReason, Lookup, NotFound};
pub use faults::ACTIONS as FAULT_ACTIONS;
pub use risks::risky_settings;
pub use set_path::{set_field, with_edits};

/// Something valid that probably does not do what the author meant, or that Kafka changes
/// silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioWarning {
    /// JSON path of the field concerned.
    pub path: String,
    /// What happens.
    pub message: String,
}

impl fmt::Display for ScenarioWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Parses and validates a scenario file.
pub fn parse_scenario(json: &str) -> Result<Scenario, ScenarioError> {
    parse_scenario_with_warnings(json).map(|(s, _)| s)
}

/// Parses and validates a scenario file, also returning its warnings (in document order).
pub fn parse_scenario_with_warnings(
    json: &str,
) -> Result<(Scenario, Vec<ScenarioWarning>), ScenarioError> {
    // A UTF-8 byte-order mark (editors on Windows write one) is not part of the JSON; the page
    // never sees it (the browser's decoder drops it), so neither does the parser.
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    if json.len() > caps::MAX_FILE_BYTES {
        return Err(json::err(
            "",
            None,
            ScenarioReason::FileTooLarge {
                bytes: json.len(),
                max: caps::MAX_FILE_BYTES,
            },
        ));
    }
    if json.trim().is_empty() {
        return Err(json::err("", None, ScenarioReason::EmptyFile));
    }
    let value: Value = serde_json::from_str(json).map_err(|e| {
        json::err(
            "",
            None,
            ScenarioReason::InvalidJson {
                detail: e.to_string(),
            },
        )
    })?;
    parse_scenario_value(&value)
}

/// Validates an already-parsed JSON document (what [`set_field`] edits).
pub fn parse_scenario_value(
    value: &Value,
) -> Result<(Scenario, Vec<ScenarioWarning>), ScenarioError> {
    let mut ctx = json::Ctx::default();
    let scenario = parse::scenario(value, &mut ctx)?;
    Ok((scenario, ctx.warnings))
}
