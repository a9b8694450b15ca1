//! The registry of every config key KafkaSim understands, per scope (broker, topic, producer,
//! consumer): Kafka name, type and valid range, Kafka 4.x default, a one-line doc, whether Kafka
//! lets it change on a running system, and whether the simulation models it.
//!
//! Values are read the way Kafka reads a properties file: `"all"`, `"-1"`, `"5"` and `"true"` are
//! all fine, and so are the JSON numbers and booleans a scenario file naturally contains.
//! `null` resets a key to its default (for topic overrides: "inherit the broker's value").
//!
//! Keys Kafka has but KafkaSim does not model (`compression.type`, `client.id`,
//! `key.serializer`, …) are **accepted**: their value is still checked against Kafka's rules, but
//! setting them changes nothing. [`is_modelled`] tells a caller when to warn about that; the
//! scenario parser turns it into a warning. Keys Kafka does not have are errors, with the nearest
//! known key suggested, or the scope the key really belongs to named.
//!
//! Cross-field rules Kafka enforces when a client or broker starts are in [`finish_producer`],
//! [`finish_consumer`], [`finish_broker`] and [`check_topic`].

mod error;
mod parse;
mod setters;
mod suggest;
mod tables;
#[cfg(test)]
mod tests;
mod validate;

use std::fmt;

use super::types::{BrokerConfig, ConsumerConfig, ProducerConfig, TopicConfig};

pub use error::{
    AllowedNote, ConfigError, ConfigErrorKind, ConfigWarning, Conflict, Expected, SynonymHint,
    WarningKind,
};
pub use suggest::{edit_distance, nearest};
pub use validate::{check_topic, finish_broker, finish_consumer, finish_producer};

/// Where a config key lives.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Scope {
    /// `server.properties` / `kafka-configs --entity-type brokers`.
    Broker,
    /// Per-topic overrides (`kafka-configs --entity-type topics`).
    Topic,
    /// `KafkaProducer` properties.
    Producer,
    /// `KafkaConsumer` properties.
    Consumer,
}

impl Scope {
    /// All scopes, in a fixed order.
    pub const ALL: [Scope; 4] = [
        Scope::Broker,
        Scope::Topic,
        Scope::Producer,
        Scope::Consumer,
    ];

    /// Lower-case name used in messages (`producer`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::Broker => "broker",
            Scope::Topic => "topic",
            Scope::Producer => "producer",
            Scope::Consumer => "consumer",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What unit an integer config is in (for docs and the page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain count.
    Count,
    /// Bytes.
    Bytes,
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Percent.
    Percent,
}

/// The type of a config value and what values are valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// `true` / `false`.
    Bool,
    /// A whole number in `min..=max`. `kafka_max` is Kafka's own upper bound; when `max` is
    /// smaller, KafkaSim caps the value to keep the simulation small (said in errors).
    Int {
        /// Smallest valid value.
        min: i64,
        /// Largest value KafkaSim accepts.
        max: i64,
        /// Largest value Kafka accepts (its type's maximum when it has no validator).
        kafka_max: i64,
        /// Unit, for display.
        unit: Unit,
    },
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// A comma-separated list (or JSON array) of the given names (`&[]` = any strings).
    List(&'static [&'static str]),
    /// Free text; `non_empty` rejects `""`.
    Str {
        /// Whether the empty string is rejected.
        non_empty: bool,
    },
}

/// Whether Kafka lets a key change on a running system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dynamic {
    /// Broker config with Kafka's `per-broker` update mode: `kafka-configs --alter` changes it
    /// live, one broker at a time (e.g. `listeners`).
    PerBroker,
    /// Broker config with Kafka's `cluster-wide` update mode: changes live as a cluster-wide
    /// default or per broker (e.g. `min.insync.replicas`, `num.io.threads`).
    ClusterWide,
    /// Broker config that is read-only in Kafka: changing it needs a broker restart.
    ReadOnly,
    /// Topic config: every topic config can change live.
    Topic,
    /// Client config: Kafka clients read their config once, so a change means a new client;
    /// KafkaSim applies a live change by restarting the producer or consumer.
    ClientRestart,
}

impl Dynamic {
    /// Whether a live change is accepted (read-only broker configs are not).
    pub fn is_live(self) -> bool {
        !matches!(self, Dynamic::ReadOnly)
    }
}

/// One config key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConfigKey {
    /// Kafka's name, e.g. `linger.ms`.
    pub name: &'static str,
    /// Scope it belongs to.
    pub scope: Scope,
    /// Type and valid values.
    pub ty: ValueType,
    /// Kafka 4.x default as Kafka prints it (`"null"` = unset; for topic keys: the broker value).
    pub default: &'static str,
    /// Whether Kafka lets it change live.
    pub dynamic: Dynamic,
    /// Whether the simulation models it (unmodelled keys are accepted and ignored).
    pub modelled: bool,
    /// One-line description.
    pub doc: &'static str,
}

impl ConfigKey {
    /// The type and valid values in words (`0..=2147483647 ms`, `all | -1 | 0 | 1`).
    pub fn type_description(&self) -> String {
        parse::describe(&self.ty)
    }
}

/// Every key of a scope, modelled ones first, in a fixed order.
pub fn keys(scope: Scope) -> &'static [ConfigKey] {
    match scope {
        Scope::Broker => tables::BROKER,
        Scope::Topic => tables::TOPIC,
        Scope::Producer => tables::PRODUCER,
        Scope::Consumer => tables::CONSUMER,
    }
}

/// Looks a key up in one scope.
pub fn lookup(scope: Scope, key: &str) -> Option<&'static ConfigKey> {
    keys(scope).iter().find(|k| k.name == key)
}

/// Whether a key is known in `scope` and modelled by the simulation.
pub fn is_modelled(scope: Scope, key: &str) -> bool {
    lookup(scope, key).is_some_and(|k| k.modelled)
}

/// A config value as it arrives from JSON or a properties-style string.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    /// JSON `null`: reset to the default.
    Null,
    /// JSON boolean.
    Bool(bool),
    /// JSON number, in its JSON spelling (`5`, `-1`, `2.5`).
    Number(String),
    /// A string, read as Kafka reads a property value.
    Str(String),
    /// JSON array (for list configs).
    List(Vec<ConfigValue>),
    /// JSON object: never valid.
    Object,
}

impl ConfigValue {
    /// Converts a JSON value.
    pub fn from_json(v: &serde_json::Value) -> ConfigValue {
        use serde_json::Value;
        match v {
            Value::Null => ConfigValue::Null,
            Value::Bool(b) => ConfigValue::Bool(*b),
            Value::Number(n) => ConfigValue::Number(n.to_string()),
            Value::String(s) => ConfigValue::Str(s.clone()),
            Value::Array(a) => ConfigValue::List(a.iter().map(ConfigValue::from_json).collect()),
            Value::Object(_) => ConfigValue::Object,
        }
    }

    /// A properties-file value (`linger.ms=5` → `ConfigValue::Str("5")`).
    pub fn from_str_value(s: &str) -> ConfigValue {
        ConfigValue::Str(s.to_string())
    }
}

impl fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigValue::Null => f.write_str("null"),
            ConfigValue::Bool(b) => write!(f, "{b}"),
            ConfigValue::Number(n) => f.write_str(n),
            ConfigValue::Str(s) => write!(f, "{}", serde_json::Value::String(clip(s))),
            ConfigValue::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().take(8).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                if items.len() > 8 {
                    f.write_str(", …")?;
                }
                f.write_str("]")
            }
            ConfigValue::Object => f.write_str("{…}"),
        }
    }
}

/// Shortens a long user string for an error message.
fn clip(s: &str) -> String {
    if s.chars().count() <= 60 {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(57).collect();
        out.push('…');
        out
    }
}

/// Sets one broker config.
pub fn apply_broker(
    cfg: &mut BrokerConfig,
    key: &str,
    value: &ConfigValue,
) -> Result<(), ConfigError> {
    let (k, parsed) = parse::prepare(Scope::Broker, key, value)?;
    setters::set_broker(cfg, k, parsed);
    Ok(())
}

/// Sets one topic-level override (`null` removes the override).
pub fn apply_topic(
    cfg: &mut TopicConfig,
    key: &str,
    value: &ConfigValue,
) -> Result<(), ConfigError> {
    let (k, parsed) = parse::prepare(Scope::Topic, key, value)?;
    setters::set_topic(cfg, k, parsed);
    Ok(())
}

/// Sets one producer config. Cross-field rules are checked by [`finish_producer`].
pub fn apply_producer(
    cfg: &mut ProducerConfig,
    key: &str,
    value: &ConfigValue,
) -> Result<(), ConfigError> {
    let (k, parsed) = parse::prepare(Scope::Producer, key, value)?;
    setters::set_producer(cfg, k, parsed);
    Ok(())
}

/// Sets one consumer config. Cross-field rules are checked by [`finish_consumer`].
pub fn apply_consumer(
    cfg: &mut ConsumerConfig,
    key: &str,
    value: &ConfigValue,
) -> Result<(), ConfigError> {
    let (k, parsed) = parse::prepare(Scope::Consumer, key, value)?;
    setters::set_consumer(cfg, k, parsed);
    Ok(())
}

/// Checks that Kafka lets `key` change on a running system (read-only broker configs do not);
/// unknown keys are errors too.
pub fn check_live_change(scope: Scope, key: &str) -> Result<(), ConfigError> {
    let k = parse::known(scope, key)?;
    if k.dynamic.is_live() {
        Ok(())
    } else {
        Err(ConfigError {
            scope,
            key: key.to_string(),
            value: None,
            kind: ConfigErrorKind::NotDynamic,
        })
    }
}

/// The current value of a modelled broker key, as Kafka would print it (`None` for unknown or
/// unmodelled keys).
pub fn get_broker(cfg: &BrokerConfig, key: &str) -> Option<String> {
    setters::get_broker(cfg, key)
}

/// The current override of a modelled topic key (`None` when inherited, unknown or unmodelled).
pub fn get_topic(cfg: &TopicConfig, key: &str) -> Option<String> {
    setters::get_topic(cfg, key)
}

/// The current value of a modelled producer key, as Kafka would print it.
pub fn get_producer(cfg: &ProducerConfig, key: &str) -> Option<String> {
    setters::get_producer(cfg, key)
}

/// The current value of a modelled consumer key, as Kafka would print it (`None` also for an
/// unset `group.instance.id`).
pub fn get_consumer(cfg: &ConsumerConfig, key: &str) -> Option<String> {
    setters::get_consumer(cfg, key)
}
