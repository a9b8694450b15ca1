//! Config errors and warnings as data: a kind plus its parameters, so the page can render them in
//! any language (see `crate::i18n::errors`). The `Display` impls are the English text the CLI
//! prints.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Scope;

/// What a valid value looks like, for a value of the wrong type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expected {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    WholeNumber,
    /// One of the listed strings.
    OneOf(Vec<String>),
    /// A JSON array of strings.
    ListOfStrings,
    /// A comma-separated list.
    CommaList,
    /// Any string.
    String,
    /// A string that is not empty.
    NonEmptyString,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Bool => f.write_str("true or false"),
            Expected::WholeNumber => f.write_str("a whole number"),
            Expected::OneOf(v) => write!(f, "one of {}", v.join(", ")),
            Expected::ListOfStrings => f.write_str("a list of strings"),
            Expected::CommaList => f.write_str("a comma-separated list"),
            Expected::String => f.write_str("a string"),
            Expected::NonEmptyString => f.write_str("a non-empty string"),
        }
    }
}

/// Extra advice for an unknown key: the same setting under its other-scope name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SynonymHint {
    /// A broker key used as a topic key: the topic-level name.
    TopicName(String),
    /// A topic key used as a broker key: the broker-level default.
    BrokerDefault(String),
}

impl fmt::Display for SynonymHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynonymHint::TopicName(k) => write!(f, "the topic-level name is `{k}`"),
            SynonymHint::BrokerDefault(k) => write!(f, "the broker-level default is `{k}`"),
        }
    }
}

/// Extra explanation for a value that is not one of the allowed ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllowedNote {
    /// `auto.offset.reset=by_duration:…` (KIP-1106) is not modelled.
    ByDuration,
    /// `group.protocol=consumer` (KIP-848) is not modelled.
    ConsumerProtocol,
    /// `acks`: `all` and `-1` are the same.
    AcksAllSame,
    /// A list item that is not allowed.
    NotOneOf(String),
    /// A list that names nothing.
    EmptyList,
}

impl fmt::Display for AllowedNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowedNote::ByDuration => {
                f.write_str("`by_duration:…` (KIP-1106) is not modelled by KafkaSim")
            }
            AllowedNote::ConsumerProtocol => f.write_str(
                "the KIP-848 `consumer` protocol is not modelled; KafkaSim models the classic protocol",
            ),
            AllowedNote::AcksAllSame => f.write_str("`all` and `-1` mean the same"),
            AllowedNote::NotOneOf(item) => write!(f, "`{item}` is not one of them"),
            AllowedNote::EmptyList => f.write_str("the list must name at least one"),
        }
    }
}

/// A combination of values Kafka rejects when a client or broker starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    /// `enable.idempotence=true` with `retries=0`.
    IdempotenceNeedsRetries,
    /// `enable.idempotence=true` with `acks` other than all.
    IdempotenceNeedsAcksAll {
        /// The `acks` value.
        acks: String,
    },
    /// More than 5 requests in flight with idempotence on.
    InFlightWithIdempotence,
    /// `delivery.timeout.ms` below `linger.ms + request.timeout.ms`.
    DeliveryTimeoutTooLow {
        /// `linger.ms`.
        linger_ms: u64,
        /// `request.timeout.ms`.
        request_timeout_ms: u64,
        /// Their sum (capped at `i32::MAX`).
        floor: u64,
    },
    /// `heartbeat.interval.ms` not below `session.timeout.ms`.
    HeartbeatNotBelowSession {
        /// `session.timeout.ms`.
        session_ms: u64,
    },
    /// `session.timeout.ms` outside the brokers' group session bounds.
    SessionOutsideBrokerBounds {
        /// `group.min.session.timeout.ms`.
        min: u64,
        /// `group.max.session.timeout.ms`.
        max: u64,
    },
    /// `replica.fetch.wait.max.ms` above `replica.lag.time.max.ms`.
    FetchWaitAboveLagTime {
        /// `replica.lag.time.max.ms`.
        lag_ms: u64,
    },
    /// `replica.fetch.wait.max.ms` above `replica.socket.timeout.ms`.
    FetchWaitAboveSocketTimeout {
        /// `replica.socket.timeout.ms`.
        socket_ms: u64,
    },
    /// `transactional.id` set while idempotence is off (explicitly, or switched off by `acks`
    /// or `retries`).
    TransactionalIdNeedsIdempotence,
    /// `batch.size` above `buffer.memory`: no batch can ever be allocated.
    BatchSizeAboveBufferMemory {
        /// `buffer.memory`.
        buffer_memory: u64,
    },
    /// `group.remote.assignor` with the classic group protocol.
    RemoteAssignorWithClassicProtocol,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::IdempotenceNeedsRetries => f.write_str(
                "the idempotent producer needs retries > 0, but retries = 0 (Kafka throws ConfigException); \
                 set retries > 0 or enable.idempotence=false"),
            Conflict::IdempotenceNeedsAcksAll { acks } => write!(f,
                "the idempotent producer needs acks=all, but acks = {acks} (Kafka throws ConfigException); \
                 set acks=all or enable.idempotence=false"),
            Conflict::InFlightWithIdempotence => f.write_str(
                "at most 5 with idempotence enabled (it is on by default; Kafka 4.0+ throws ConfigException); \
                 set enable.idempotence=false to allow more"),
            Conflict::DeliveryTimeoutTooLow { linger_ms, request_timeout_ms, floor } => write!(f,
                "must be >= linger.ms + request.timeout.ms = {linger_ms} + {request_timeout_ms} = {floor} (Kafka throws ConfigException)"),
            Conflict::HeartbeatNotBelowSession { session_ms } => write!(f,
                "must be lower than session.timeout.ms = {session_ms} (the Kafka consumer refuses to start)"),
            Conflict::SessionOutsideBrokerBounds { min, max } => write!(f,
                "outside the brokers' group.min.session.timeout.ms..=group.max.session.timeout.ms = \
                 {min}..={max}; every JoinGroup would fail with INVALID_SESSION_TIMEOUT"),
            Conflict::FetchWaitAboveLagTime { lag_ms } => write!(f,
                "must be <= replica.lag.time.max.ms = {lag_ms} (Kafka refuses to start: followers would keep \
                 dropping out of the ISR)"),
            Conflict::FetchWaitAboveSocketTimeout { socket_ms } => write!(f,
                "must be <= replica.socket.timeout.ms = {socket_ms} (Kafka refuses to start)"),
            Conflict::TransactionalIdNeedsIdempotence => f.write_str(
                "a transactional.id needs idempotence, which is off (Kafka throws ConfigException); \
                 remove transactional.id or enable idempotence (acks=all, retries > 0)"),
            Conflict::BatchSizeAboveBufferMemory { buffer_memory } => write!(f,
                "must be <= buffer.memory = {buffer_memory}: no batch could ever be allocated and every \
                 send() would throw (BufferPool.allocate)"),
            Conflict::RemoteAssignorWithClassicProtocol => f.write_str(
                "cannot be set with group.protocol=classic (Kafka throws ConfigException); KafkaSim models \
                 the classic protocol"),
        }
    }
}

/// Why a config key or value was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigErrorKind {
    /// The key does not exist in this scope.
    UnknownKey {
        /// Nearest known key, if one is close (same scope first).
        suggestion: Option<String>,
        /// The scope of the suggested key when it is not this one.
        suggestion_scope: Option<Scope>,
        /// The scope the key really belongs to, if it exists elsewhere.
        other_scope: Option<Scope>,
        /// Extra advice (the other-scope name of the same setting).
        hint: Option<SynonymHint>,
    },
    /// The value has the wrong type (`expected` says what is wanted).
    WrongType {
        /// What a valid value looks like.
        expected: Expected,
    },
    /// A number outside the valid range.
    OutOfRange {
        /// Smallest valid value.
        min: i64,
        /// Largest accepted value.
        max: i64,
        /// Kafka's own upper bound when KafkaSim's is lower.
        kafka_max: Option<i64>,
    },
    /// A string that is not one of the allowed values.
    NotAllowed {
        /// The allowed values.
        allowed: Vec<String>,
        /// Extra explanation.
        note: Option<AllowedNote>,
    },
    /// A live change of a broker config Kafka only reads at startup.
    NotDynamic,
    /// A combination of values Kafka rejects.
    Conflict {
        /// Which rule, with the other values involved.
        rule: Conflict,
    },
}

/// A rejected config key or value: names the key, the value and what would be valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigError {
    /// Scope of the key.
    pub scope: Scope,
    /// The key as given.
    pub key: String,
    /// The value as given, rendered (`None` for unknown keys).
    pub value: Option<String>,
    /// What is wrong.
    pub kind: ConfigErrorKind,
}

impl ConfigError {
    /// The explanation without the `key = value` prefix (English).
    pub fn reason(&self) -> String {
        let scope = self.scope;
        match &self.kind {
            ConfigErrorKind::UnknownKey {
                suggestion,
                suggestion_scope,
                other_scope,
                hint,
            } => {
                let mut s = match other_scope {
                    Some(o) => format!("`{}` is a {o} config, not a {scope} config", self.key),
                    None => format!("unknown {scope} config `{}`", self.key),
                };
                match (suggestion, suggestion_scope) {
                    (Some(sug), Some(o)) => {
                        s.push_str(&format!(" (did you mean the {o} config `{sug}`?)"))
                    }
                    (Some(sug), None) => s.push_str(&format!(" (did you mean `{sug}`?)")),
                    _ => {}
                }
                if let Some(h) = hint {
                    s.push_str(&format!("; {h}"));
                }
                s
            }
            ConfigErrorKind::WrongType { expected } => format!("expected {expected}"),
            ConfigErrorKind::OutOfRange {
                min,
                max,
                kafka_max,
            } => {
                let mut s = format!("out of range, allowed {min}..={max}");
                if let Some(k) = kafka_max {
                    s.push_str(&format!(
                        " (Kafka allows up to {k}; KafkaSim caps it to keep the simulation small)"
                    ));
                }
                s
            }
            ConfigErrorKind::NotAllowed { allowed, note } => {
                let mut s = format!("allowed values are {}", allowed.join(", "));
                if let Some(n) = note {
                    s.push_str(&format!("; {n}"));
                }
                s
            }
            ConfigErrorKind::NotDynamic => format!(
                "`{}` is a read-only broker config in Kafka: it cannot change on a running \
                 cluster (kafka-configs --alter rejects it; it needs a broker restart)",
                self.key
            ),
            ConfigErrorKind::Conflict { rule } => rule.to_string(),
        }
    }

    /// Whether `Display` prints the reason alone (no `scope `key` = value:` prefix).
    pub fn bare(&self) -> bool {
        matches!(
            self.kind,
            ConfigErrorKind::UnknownKey { .. } | ConfigErrorKind::NotDynamic
        ) || self.value.is_none()
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) if !self.bare() => {
                write!(f, "{} `{}` = {v}: {}", self.scope, self.key, self.reason())
            }
            _ => f.write_str(&self.reason()),
        }
    }
}

impl std::error::Error for ConfigError {}

/// What a [`ConfigWarning`] is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WarningKind {
    /// Idempotence switched off silently because of the listed settings (`retries = 0`,
    /// `acks = 1`).
    IdempotenceOff {
        /// The settings that switched it off.
        because: Vec<String>,
    },
    /// `delivery.timeout.ms` raised to `linger.ms + request.timeout.ms`.
    DeliveryTimeoutRaised {
        /// The default it had.
        from: u64,
        /// The value it now has.
        to: u64,
    },
    /// `retry.backoff.max.ms` below `retry.backoff.ms`.
    BackoffMaxBelowBackoff {
        /// `retry.backoff.max.ms`.
        max: u64,
        /// `retry.backoff.ms`.
        backoff: u64,
    },
    /// `heartbeat.interval.ms` above a third of `session.timeout.ms`.
    HeartbeatOverThird {
        /// `heartbeat.interval.ms`.
        heartbeat_ms: u64,
        /// `session.timeout.ms`.
        session_ms: u64,
    },
    /// `broker.heartbeat.interval.ms` above half of `broker.session.timeout.ms`.
    BrokerHeartbeatOverHalf {
        /// `broker.heartbeat.interval.ms`.
        heartbeat_ms: u64,
        /// `broker.session.timeout.ms`.
        session_ms: u64,
    },
    /// `group.min.session.timeout.ms` above `group.max.session.timeout.ms`.
    GroupSessionBoundsInverted {
        /// The minimum.
        min: u64,
        /// The maximum.
        max: u64,
    },
    /// `min.insync.replicas` above the replication factor.
    MinIsrAboveReplication {
        /// The effective `min.insync.replicas`.
        min_isr: u32,
        /// Whether it comes from the broker default.
        inherited: bool,
        /// The topic's replication factor.
        replication_factor: u32,
    },
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::IdempotenceOff { because } => write!(f,
                "idempotence is off because {} (Kafka disables it silently when \
                 enable.idempotence is not set): retries may write duplicates", because.join(" and ")),
            WarningKind::DeliveryTimeoutRaised { from, to } => write!(f,
                "raised from the default {from} to linger.ms + request.timeout.ms = {to}, as Kafka does"),
            WarningKind::BackoffMaxBelowBackoff { max, backoff } => write!(f,
                "{max} < retry.backoff.ms = {backoff}: exponential backoff is effectively off (Kafka warns)"),
            WarningKind::HeartbeatOverThird { heartbeat_ms, session_ms } => write!(f,
                "{heartbeat_ms} is more than a third of session.timeout.ms = {session_ms}; Kafka recommends at \
                 most a third, so a few lost heartbeats do not expire the session"),
            WarningKind::BrokerHeartbeatOverHalf { heartbeat_ms, session_ms } => write!(f,
                "{heartbeat_ms} is more than half of broker.session.timeout.ms = {session_ms}: brokers may be fenced \
                 between heartbeats (Kafka logs an error)"),
            WarningKind::GroupSessionBoundsInverted { min, max } => write!(f,
                "{min} > group.max.session.timeout.ms = {max}: no consumer can join a group"),
            WarningKind::MinIsrAboveReplication { min_isr, inherited, replication_factor } => write!(f,
                "{min_isr}{} is above the replication factor {replication_factor}: Kafka caps \
                 it at {replication_factor} (effectiveMinIsr), so acks=all needs every replica in sync",
                if *inherited { " (the broker default)" } else { "" }),
        }
    }
}

/// Something Kafka accepts but a person should know about (it logs a warning, silently changes a
/// value, or the combination cannot work at run time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The key the warning is about.
    pub key: &'static str,
    /// What happens.
    pub kind: WarningKind,
}

impl ConfigWarning {
    /// What happens, in English.
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}
