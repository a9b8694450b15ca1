//! Key lookup with suggestions, and value parsing against the key's type.

use super::{keys, lookup, nearest, ConfigError, ConfigErrorKind, ConfigKey, ConfigValue, Scope};
use super::{AllowedNote, Expected, SynonymHint, Unit, ValueType, ValueType::*};

/// A value checked against its key's type.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Parsed {
    /// Unset (`None` field / inherit).
    Null,
    /// Boolean.
    Bool(bool),
    /// Whole number within the key's range.
    Int(i64),
    /// Enum member or free text.
    Str(String),
    /// List items, trimmed.
    List(Vec<String>),
}

impl Parsed {
    pub(super) fn u64(&self) -> u64 {
        match self {
            Parsed::Int(i) => u64::try_from(*i).unwrap_or(0),
            _ => 0,
        }
    }
    pub(super) fn u32(&self) -> u32 {
        match self {
            Parsed::Int(i) if *i < 0 => 0,
            Parsed::Int(i) => u32::try_from(*i).unwrap_or(u32::MAX),
            _ => 0,
        }
    }
    pub(super) fn b(&self) -> bool {
        matches!(self, Parsed::Bool(true))
    }
    pub(super) fn s(&self) -> &str {
        match self {
            Parsed::Str(s) => s,
            _ => "",
        }
    }
}

/// Broker key ↔ topic key synonyms (Kafka's `ServerTopicConfigSynonyms`).
const SYNONYMS: &[(&str, &str)] = &[
    ("message.max.bytes", "max.message.bytes"),
    ("log.retention.ms", "retention.ms"),
    ("log.retention.bytes", "retention.bytes"),
    ("log.segment.bytes", "segment.bytes"),
    ("log.cleanup.policy", "cleanup.policy"),
    ("log.message.timestamp.type", "message.timestamp.type"),
    ("log.flush.interval.messages", "flush.messages"),
    ("log.flush.interval.ms", "flush.ms"),
];

/// Finds `key` in `scope`, or explains why it is not there.
pub(super) fn known(scope: Scope, key: &str) -> Result<&'static ConfigKey, ConfigError> {
    if let Some(k) = lookup(scope, key) {
        return Ok(k);
    }
    let other_scope = Scope::ALL
        .into_iter()
        .find(|s| *s != scope && lookup(*s, key).is_some());
    let hint = match scope {
        Scope::Topic => SYNONYMS
            .iter()
            .find(|(b, _)| *b == key)
            .map(|(_, t)| SynonymHint::TopicName(t.to_string())),
        Scope::Broker => SYNONYMS
            .iter()
            .find(|(_, t)| *t == key)
            .map(|(b, _)| SynonymHint::BrokerDefault(b.to_string())),
        _ => None,
    };
    let (mut suggestion, mut suggestion_scope) = (None, None);
    if other_scope.is_none() && hint.is_none() {
        suggestion = nearest(key, keys(scope).iter().map(|k| k.name));
        if suggestion.is_none() {
            for s in Scope::ALL.into_iter().filter(|s| *s != scope) {
                if let Some(n) = nearest(key, keys(s).iter().map(|k| k.name)) {
                    (suggestion, suggestion_scope) = (Some(n), Some(s));
                    break;
                }
            }
        }
    }
    Err(ConfigError {
        scope,
        key: key.to_string(),
        value: None,
        kind: ConfigErrorKind::UnknownKey {
            suggestion: suggestion.map(str::to_string),
            suggestion_scope,
            other_scope,
            hint,
        },
    })
}

/// Looks the key up and parses the value (`null` → the key's default).
pub(super) fn prepare(
    scope: Scope,
    key: &str,
    value: &ConfigValue,
) -> Result<(&'static ConfigKey, Parsed), ConfigError> {
    let k = known(scope, key)?;
    if *value == ConfigValue::Null {
        if scope == Scope::Topic || k.default == "null" {
            return Ok((k, Parsed::Null));
        }
        let default = ConfigValue::Str(k.default.to_string());
        return parse(k, &default).map(|p| (k, p));
    }
    parse(k, value).map(|p| (k, p))
}

/// Checks `value` against the key's type.
pub(super) fn parse(k: &ConfigKey, value: &ConfigValue) -> Result<Parsed, ConfigError> {
    let err = |kind| ConfigError {
        scope: k.scope,
        key: k.name.to_string(),
        value: Some(value.to_string()),
        kind,
    };
    let wrong = |expected: Expected| err(ConfigErrorKind::WrongType { expected });
    let text = match value {
        ConfigValue::Str(s) | ConfigValue::Number(s) => Some(s.trim()),
        _ => None,
    };
    match k.ty {
        Bool => match (value, text) {
            (ConfigValue::Bool(b), _) => Ok(Parsed::Bool(*b)),
            (ConfigValue::Str(_), Some(t)) if t.eq_ignore_ascii_case("true") => {
                Ok(Parsed::Bool(true))
            }
            (ConfigValue::Str(_), Some(t)) if t.eq_ignore_ascii_case("false") => {
                Ok(Parsed::Bool(false))
            }
            _ => Err(wrong(Expected::Bool)),
        },
        Int {
            min,
            max,
            kafka_max,
            ..
        } => {
            let Some(t) = text else {
                return Err(wrong(Expected::WholeNumber));
            };
            let range = || ConfigErrorKind::OutOfRange {
                min,
                max,
                kafka_max: (kafka_max > max).then_some(kafka_max),
            };
            match t.parse::<i64>() {
                Ok(v) if v >= min && v <= max => Ok(Parsed::Int(v)),
                Ok(_) => Err(err(range())),
                Err(_) => {
                    let digits = t.strip_prefix('-').unwrap_or(t);
                    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
                        Err(err(range()))
                    } else {
                        Err(wrong(Expected::WholeNumber))
                    }
                }
            }
        }
        Enum(allowed) => {
            let Some(t) = text else {
                return Err(wrong(Expected::OneOf(strings(allowed))));
            };
            match allowed.iter().find(|a| **a == t) {
                Some(a) => Ok(Parsed::Str(a.to_string())),
                None => Err(err(ConfigErrorKind::NotAllowed {
                    allowed: strings(allowed),
                    note: not_allowed_note(k.name, t),
                })),
            }
        }
        List(allowed) => {
            let items: Vec<String> = match value {
                ConfigValue::List(items) => {
                    let mut out = Vec::new();
                    for item in items {
                        match item {
                            ConfigValue::Str(s) | ConfigValue::Number(s) => {
                                out.push(s.trim().to_string())
                            }
                            _ => return Err(wrong(Expected::ListOfStrings)),
                        }
                    }
                    out
                }
                _ => match text {
                    Some(t) => t.split(',').map(|s| s.trim().to_string()).collect(),
                    None => return Err(wrong(Expected::CommaList)),
                },
            };
            let items: Vec<String> = items.into_iter().filter(|s| !s.is_empty()).collect();
            if !allowed.is_empty() {
                let bad = items.iter().find(|i| !allowed.contains(&i.as_str()));
                if bad.is_some() || items.is_empty() {
                    let note = match bad {
                        Some(b) => AllowedNote::NotOneOf(clip_item(b)),
                        None => AllowedNote::EmptyList,
                    };
                    return Err(err(ConfigErrorKind::NotAllowed {
                        allowed: strings(allowed),
                        note: Some(note),
                    }));
                }
            }
            Ok(Parsed::List(items))
        }
        Str { non_empty } => {
            let s = match value {
                ConfigValue::Str(s) | ConfigValue::Number(s) => s.clone(),
                ConfigValue::Bool(b) => b.to_string(),
                _ => return Err(wrong(Expected::String)),
            };
            if non_empty && s.trim().is_empty() {
                return Err(wrong(Expected::NonEmptyString));
            }
            Ok(Parsed::Str(s))
        }
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn clip_item(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Extra words for values Kafka has but KafkaSim does not model.
fn not_allowed_note(key: &str, value: &str) -> Option<AllowedNote> {
    match key {
        "auto.offset.reset" if value.starts_with("by_duration") => Some(AllowedNote::ByDuration),
        "group.protocol" if value == "consumer" => Some(AllowedNote::ConsumerProtocol),
        "acks" => Some(AllowedNote::AcksAllSame),
        _ => None,
    }
}

/// The text form of a key's type, for docs and the page (`0..=2147483647 ms`).
pub(super) fn describe(ty: &ValueType) -> String {
    match ty {
        Bool => "true | false".into(),
        Int { min, max, unit, .. } => {
            let unit = match unit {
                Unit::Count => "",
                Unit::Bytes => " bytes",
                Unit::Ms => " ms",
                Unit::Seconds => " s",
                Unit::Percent => " %",
            };
            format!("{min}..={max}{unit}")
        }
        Enum(v) => v.join(" | "),
        List([]) => "list".into(),
        List(v) => format!("list of {}", v.join(" | ")),
        Str { .. } => "string".into(),
    }
}
