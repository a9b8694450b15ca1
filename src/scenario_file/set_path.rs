//! `set_field`: change one field of a scenario document by path, for CLI sweeps such as
//! `--set producers.0.config.linger.ms=50`.
//!
//! Paths are dot-separated; array elements are addressed by index (`producers.0`, or
//! `producers[0]` as error messages print them). Inside a `config` object the rest of the path is
//! the Kafka key, dots and all: `producers.0.config.linger.ms` sets the key `linger.ms`. Missing
//! objects on the way are created; array elements are not. A `"cloud"` hardware name becomes
//! `{"profile": "cloud"}` when a field inside it is set.

use serde_json::{Map, Value};

use super::json::err;
use super::{parse_scenario_value, to_json_value, Detail, JsonType, ScenarioError};
use crate::engine::scenario::Scenario;

/// `scenario` with each `(path, value)` of `edits` applied by [`set_field`], validated as a
/// whole (the page's "restart with these" form): the first invalid edit or inconsistent result
/// is the error, naming the field and the allowed range.
pub fn with_edits(
    scenario: &Scenario,
    edits: &[(String, String)],
) -> Result<Scenario, ScenarioError> {
    let mut doc = to_json_value(scenario);
    for (path, text) in edits {
        set_field(&mut doc, path, text)?;
    }
    parse_scenario_value(&doc).map(|(s, _warnings)| s)
}

/// Parses a command-line value: JSON if it parses (`5`, `true`, `"x"`, `[1,2]`), else the string.
pub fn parse_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Splits `a.b[0].c` into `["a", "b", "0", "c"]`.
fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        while let Some(open) = rest.find('[') {
            if open > 0 {
                out.push(rest[..open].to_string());
            }
            let close = rest[open..].find(']').map_or(rest.len(), |c| open + c);
            out.push(rest[open + 1..close].to_string());
            rest = rest.get(close + 1..).unwrap_or("");
        }
        if !rest.is_empty() || part.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// Sets the field at `path` in a scenario document to `value` (parsed as JSON if it parses,
/// else taken as a string). The result is not validated: parse it afterwards.
pub fn set_field(json: &mut Value, path: &str, value: &str) -> Result<(), ScenarioError> {
    let segs = segments(path);
    if segs.is_empty() || segs.iter().any(String::is_empty) {
        return Err(err(path, None, Detail::NotAFieldPath));
    }
    let new = parse_value(value);
    let mut cur = json;
    let mut walked = String::new();
    let mut i = 0;
    while i < segs.len() {
        let seg = &segs[i];
        let last = i + 1 == segs.len();
        // Inside `config`, the rest of the path is one Kafka key.
        let in_config = walked == "config" || walked.ends_with(".config");
        let (key, last) = if in_config && cur.is_object() {
            (segs[i..].join("."), true)
        } else {
            (seg.clone(), last)
        };
        if seg_is_hardware_name(&walked, cur) {
            let name = cur.as_str().unwrap_or("cloud").to_string();
            *cur = serde_json::json!({ "profile": name });
        }
        let here = if walked.is_empty() {
            key.clone()
        } else {
            format!("{walked}.{key}")
        };
        match cur {
            Value::Object(map) => {
                if last {
                    map.insert(key, new);
                    return Ok(());
                }
                cur = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
                if cur.is_null() {
                    *cur = Value::Object(Map::new());
                }
            }
            Value::Array(items) => {
                let len = items.len();
                let idx = key
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < len)
                    .ok_or_else(|| {
                        err(
                            &here,
                            None,
                            Detail::IndexRange {
                                walked: walked.clone(),
                                len,
                            },
                        )
                    })?;
                if last {
                    items[idx] = new;
                    return Ok(());
                }
                cur = &mut items[idx];
            }
            other => {
                return Err(err(
                    &walked,
                    Some(other),
                    Detail::NoFieldIn {
                        got: JsonType::of(other),
                        key,
                    },
                ));
            }
        }
        walked = here;
        i += 1;
    }
    Ok(())
}

fn seg_is_hardware_name(walked: &str, cur: &Value) -> bool {
    (walked == "hardware" || walked.ends_with(".hardware")) && cur.is_string()
}
