//! Scenario errors as data: the JSON path, the value and a [`ScenarioReason`] with its
//! parameters, so the page can render them in any language (see `crate::i18n::errors`). The
//! `Display` impls are the English text the CLI prints.

use std::fmt;

use serde_json::Value;

use super::error_detail::Detail;
use super::error_more::{Duplicated, FixedReason, NotFound};
use crate::engine::config::registry::ConfigError;

/// The type of a JSON value, for "expected X, got Y" messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonType {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonType {
    /// The type of `v`.
    pub fn of(v: &Value) -> JsonType {
        match v {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Bool,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    /// "a string", "an array", … (English).
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Bool => "a boolean",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }

    /// A stable short code (`string`), used for i18n keys.
    pub fn code(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Bool => "bool",
            JsonType::Number => "number",
            JsonType::String => "string",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }
}

/// What is wrong with a scenario field, with the parameters needed to say it in any language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioReason {
    /// The file is larger than KafkaSim reads.
    FileTooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The file is empty.
    EmptyFile,
    /// Not JSON; `detail` is the JSON parser's (English) message.
    InvalidJson {
        /// Where and why the parser stopped.
        detail: String,
    },
    /// A number outside `min..=max`.
    OutOfRange {
        /// Smallest valid value, as written in the message.
        min: String,
        /// Largest valid value.
        max: String,
    },
    /// Not a whole number (`got` is `None` for a number with a fraction).
    NotWholeNumber {
        /// The type given when it is not a number.
        got: Option<JsonType>,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// What was wanted.
        expected: ExpectedJson,
        /// What was given.
        got: JsonType,
    },
    /// A field the object does not have.
    UnknownField {
        /// The kind of object, in English (`a topic`).
        what: String,
        /// The nearest known field.
        suggestion: Option<String>,
        /// All known fields (listed when nothing is near).
        known: Vec<String>,
    },
    /// A required field is missing.
    Required,
    /// A required whole-number field is missing.
    RequiredWholeNumber {
        /// Smallest valid value.
        min: u64,
        /// Largest valid value.
        max: u64,
    },
    /// A string longer than allowed.
    TooLong {
        /// Most characters allowed.
        max: usize,
    },
    /// An empty string where a name is needed.
    MustNotBeEmpty,
    /// An array longer than allowed.
    TooManyEntries {
        /// Entries given.
        len: usize,
        /// Most allowed.
        max: usize,
    },
    /// A config key or value rejected by the registry (rendered without its `key = value`
    /// prefix, since the path names the key).
    Config(Box<ConfigError>),
    /// A config error rendered in full (`producer `linger.ms` = -1: …`).
    ConfigFull(Box<ConfigError>),
    /// A fixed sentence.
    Fixed(FixedReason),
    /// An unknown name.
    NotFound(NotFound),
    /// A name used twice.
    Duplicate {
        /// What kind of name.
        what: Duplicated,
        /// The path of the first use.
        also: String,
    },
    /// A broker id outside the cluster.
    NoSuchBroker {
        /// The highest broker id.
        max: u64,
    },
    /// A required broker id is missing.
    BrokerRequired {
        /// The highest broker id.
        max: u64,
    },
    /// More consumers than KafkaSim runs.
    TooManyConsumers {
        /// The total with this one.
        total: u64,
        /// The cap.
        max: u64,
    },
    /// A rule-specific reason (boxed: it is the largest).
    Detail(Box<Detail>),
}

/// A wanted JSON type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectedJson {
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A string.
    String,
    /// An array.
    Array,
    /// A consumer group id.
    GroupId,
    /// A topic name.
    TopicName,
    /// A fault action name.
    ActionName,
    /// A config value as a properties file holds it.
    ConfigValue,
    /// An object; `what` names it in English (`a topic`).
    Object {
        /// The kind of object.
        what: String,
    },
}

impl fmt::Display for ScenarioReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioReason::FileTooLarge { bytes, max } => write!(
                f,
                "the file is {bytes} bytes; KafkaSim reads scenario files of at most {max} bytes"
            ),
            ScenarioReason::EmptyFile => f.write_str(
                "the file is empty; a scenario is a JSON object such as \
                 {\"cluster\": {\"brokers\": 3}, \"topics\": [{\"name\": \"orders\"}]}",
            ),
            ScenarioReason::InvalidJson { detail } => write!(f, "not valid JSON: {detail}"),
            ScenarioReason::OutOfRange { min, max } => {
                write!(f, "out of range, allowed {min}..={max}")
            }
            ScenarioReason::NotWholeNumber { got: Some(t) } => {
                write!(f, "expected a whole number, got {}", t.name())
            }
            ScenarioReason::NotWholeNumber { got: None } => f.write_str("expected a whole number"),
            ScenarioReason::WrongType { expected, got } => {
                let got = got.name();
                match expected {
                    ExpectedJson::Number => write!(f, "expected a number, got {got}"),
                    ExpectedJson::Bool => write!(f, "expected true or false, got {got}"),
                    ExpectedJson::String => write!(f, "expected a string, got {got}"),
                    ExpectedJson::Array => write!(f, "expected an array, got {got}"),
                    ExpectedJson::GroupId => write!(f, "expected a group id, got {got}"),
                    ExpectedJson::TopicName => write!(f, "expected a topic name, got {got}"),
                    ExpectedJson::ActionName => write!(f, "expected an action name, got {got}"),
                    ExpectedJson::ConfigValue => write!(
                        f,
                        "expected a config value (string, number or boolean), got {got}"
                    ),
                    ExpectedJson::Object { what } => {
                        write!(f, "expected {what} (a JSON object), got {got}")
                    }
                }
            }
            ScenarioReason::UnknownField {
                what,
                suggestion,
                known,
            } => {
                write!(f, "unknown field in {what}")?;
                match suggestion {
                    Some(n) => write!(f, " (did you mean `{n}`?)"),
                    None => write!(f, "; known fields: {}", known.join(", ")),
                }
            }
            ScenarioReason::Required => f.write_str("required"),
            ScenarioReason::RequiredWholeNumber { min, max } => {
                write!(f, "required (a whole number in {min}..={max})")
            }
            ScenarioReason::TooLong { max } => write!(f, "too long, at most {max} characters"),
            ScenarioReason::MustNotBeEmpty => f.write_str("must not be empty"),
            ScenarioReason::TooManyEntries { len, max } => {
                write!(f, "{len} entries, KafkaSim allows at most {max}")
            }
            ScenarioReason::Config(e) => f.write_str(&e.reason()),
            ScenarioReason::ConfigFull(e) => write!(f, "{e}"),
            ScenarioReason::Fixed(r) => write!(f, "{r}"),
            ScenarioReason::NotFound(n) => write!(f, "{n}"),
            ScenarioReason::Duplicate { what, also } => {
                write!(f, "duplicate {} (also {also})", what.english())
            }
            ScenarioReason::NoSuchBroker { max } => {
                write!(f, "no such broker: the cluster has brokers 1..={max}")
            }
            ScenarioReason::BrokerRequired { max } => {
                write!(f, "required: a broker id in 1..={max}")
            }
            ScenarioReason::TooManyConsumers { total, max } => write!(
                f,
                "brings the total to {total} consumers; KafkaSim allows at most {max}"
            ),
            ScenarioReason::Detail(d) => write!(f, "{d}"),
        }
    }
}

impl From<FixedReason> for ScenarioReason {
    fn from(r: FixedReason) -> Self {
        ScenarioReason::Fixed(r)
    }
}

impl From<Detail> for ScenarioReason {
    fn from(d: Detail) -> Self {
        ScenarioReason::Detail(Box::new(d))
    }
}

impl From<NotFound> for ScenarioReason {
    fn from(n: NotFound) -> Self {
        ScenarioReason::NotFound(n)
    }
}

/// Why a scenario was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// JSON path of the offending field (`producers[0].config.linger.ms`); empty for the whole
    /// document.
    pub path: String,
    /// The offending value as compact JSON, shortened (`None` when missing or not relevant).
    pub value: Option<String>,
    /// What is wrong and what would be valid.
    pub reason: ScenarioReason,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.is_empty(), &self.value) {
            (true, _) => write!(f, "{}", self.reason),
            (false, Some(v)) => write!(f, "{} = {v}: {}", self.path, self.reason),
            (false, None) => write!(f, "{}: {}", self.path, self.reason),
        }
    }
}

impl std::error::Error for ScenarioError {}
