//! A small typed walker over `serde_json::Value` that knows the JSON path of every field, so each
//! error can name it (`producers[0].record_size`).

use serde_json::{Map, Value};

use super::{ExpectedJson, JsonType, ScenarioError, ScenarioReason, ScenarioWarning};
use crate::engine::config::registry::nearest;

/// Collects warnings while parsing.
#[derive(Default)]
pub(super) struct Ctx {
    pub warnings: Vec<ScenarioWarning>,
}

impl Ctx {
    pub fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(ScenarioWarning {
            path: path.into(),
            message: message.into(),
        });
    }
}

/// `parent.key` (or `key` at the top).
pub(super) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub(super) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Compact JSON of a value, shortened for messages.
pub(super) fn render(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 60 {
        s
    } else {
        let mut out: String = s.chars().take(57).collect();
        out.push('…');
        out
    }
}

/// An error at `path` about `value`.
pub(super) fn err(
    path: &str,
    value: Option<&Value>,
    reason: impl Into<ScenarioReason>,
) -> ScenarioError {
    ScenarioError {
        path: path.to_string(),
        value: value.map(render),
        reason: reason.into(),
    }
}

/// "out of range, allowed min..=max".
pub(super) fn range_reason(min: impl ToString, max: impl ToString) -> ScenarioReason {
    ScenarioReason::OutOfRange {
        min: min.to_string(),
        max: max.to_string(),
    }
}

/// "expected X, got Y".
pub(super) fn wrong(expected: ExpectedJson, got: &Value) -> ScenarioReason {
    ScenarioReason::WrongType {
        expected,
        got: JsonType::of(got),
    }
}

/// Reads a whole number in `min..=max`. Integral floats (`6e4`) are accepted.
pub(super) fn whole(v: &Value, path: &str, min: u64, max: u64) -> Result<u64, ScenarioError> {
    let range = || err(path, Some(v), range_reason(min, max));
    let Value::Number(n) = v else {
        return Err(err(
            path,
            Some(v),
            ScenarioReason::NotWholeNumber {
                got: Some(JsonType::of(v)),
            },
        ));
    };
    let x = if let Some(u) = n.as_u64() {
        u
    } else if n.as_i64().is_some() {
        return Err(range());
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() || f.fract() != 0.0 {
            return Err(err(
                path,
                Some(v),
                ScenarioReason::NotWholeNumber { got: None },
            ));
        }
        if !(0.0..18_446_744_073_709_551_616.0).contains(&f) {
            return Err(range());
        }
        f as u64
    };
    if !(min..=max).contains(&x) {
        return Err(range());
    }
    Ok(x)
}

/// Reads a number in `min..=max` (finite).
pub(super) fn real(v: &Value, path: &str, min: f64, max: f64) -> Result<f64, ScenarioError> {
    match v.as_f64() {
        Some(f) if f.is_finite() && f >= min && f <= max => Ok(f),
        Some(_) => Err(err(path, Some(v), range_reason(min, max))),
        None => Err(err(path, Some(v), wrong(ExpectedJson::Number, v))),
    }
}

/// A JSON object being read, with its path.
pub(super) struct Obj<'a> {
    pub path: String,
    pub map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    /// Requires an object whose keys are all in `known` (else names the nearest known key).
    pub fn new(
        v: &'a Value,
        path: &str,
        what: &str,
        known: &[&'static str],
    ) -> Result<Obj<'a>, ScenarioError> {
        let Value::Object(map) = v else {
            return Err(err(
                path,
                Some(v),
                wrong(
                    ExpectedJson::Object {
                        what: what.to_string(),
                    },
                    v,
                ),
            ));
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let suggestion = nearest(key, known.iter().copied()).map(str::to_string);
                let reason = ScenarioReason::UnknownField {
                    what: what.to_string(),
                    known: if suggestion.is_some() {
                        Vec::new()
                    } else {
                        known.iter().map(|k| k.to_string()).collect()
                    },
                    suggestion,
                };
                return Err(err(&join(path, key), None, reason));
            }
        }
        Ok(Obj {
            path: path.to_string(),
            map,
        })
    }

    /// Path of a field.
    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field, `None` if absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A whole-number field in `min..=max`, `default` when absent.
    pub fn whole_or(
        &self,
        key: &str,
        default: u64,
        min: u64,
        max: u64,
    ) -> Result<u64, ScenarioError> {
        match self.get(key) {
            Some(v) => whole(v, &self.at(key), min, max),
            None => Ok(default),
        }
    }

    /// A required whole-number field.
    pub fn whole_req(&self, key: &str, min: u64, max: u64) -> Result<u64, ScenarioError> {
        match self.get(key) {
            Some(v) => whole(v, &self.at(key), min, max),
            None => Err(err(
                &self.at(key),
                None,
                ScenarioReason::RequiredWholeNumber { min, max },
            )),
        }
    }

    /// A numeric field in `min..=max`, `default` when absent.
    pub fn real_or(
        &self,
        key: &str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Result<f64, ScenarioError> {
        match self.get(key) {
            Some(v) => real(v, &self.at(key), min, max),
            None => Ok(default),
        }
    }

    /// A boolean field, `default` when absent.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ScenarioError> {
        match self.get(key) {
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(err(&self.at(key), Some(v), wrong(ExpectedJson::Bool, v))),
            None => Ok(default),
        }
    }

    /// A string field of at most `max_len` chars (`None` when absent).
    pub fn text(&self, key: &str, max_len: usize) -> Result<Option<&'a str>, ScenarioError> {
        match self.get(key) {
            Some(Value::String(s)) if s.chars().count() <= max_len => Ok(Some(s)),
            Some(v @ Value::String(_)) => Err(err(
                &self.at(key),
                Some(v),
                ScenarioReason::TooLong { max: max_len },
            )),
            Some(v) => Err(err(&self.at(key), Some(v), wrong(ExpectedJson::String, v))),
            None => Ok(None),
        }
    }

    /// A non-empty identifier string of at most `max_len` chars.
    pub fn ident(&self, key: &str, max_len: usize) -> Result<Option<&'a str>, ScenarioError> {
        let s = self.text(key, max_len)?;
        if let Some(s) = s {
            if s.trim().is_empty() {
                return Err(err(
                    &self.at(key),
                    self.get(key),
                    ScenarioReason::MustNotBeEmpty,
                ));
            }
        }
        Ok(s)
    }
}
