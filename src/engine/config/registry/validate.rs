//! Cross-field rules, as Kafka applies them when a client or broker starts.

use super::super::types::{Acks, BrokerConfig, ConsumerConfig, ProducerConfig, TopicConfig};
use super::{ConfigError, ConfigErrorKind, Scope};

/// Something Kafka accepts but a person should know about (it logs a warning, silently changes a
/// value, or the combination cannot work at run time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// The key the warning is about.
    pub key: &'static str,
    /// What happens.
    pub message: String,
}

fn conflict(scope: Scope, key: &str, value: String, message: String) -> ConfigError {
    ConfigError {
        scope,
        key: key.to_string(),
        value: Some(value),
        kind: ConfigErrorKind::Conflict { message },
    }
}

/// Kafka `replica.socket.timeout.ms` default (not modelled; Kafka requires it to be at least
/// `replica.fetch.wait.max.ms`).
const REPLICA_SOCKET_TIMEOUT_MS: u64 = 30_000;

/// Applies the producer's startup rules (Kafka 4.x `ProducerConfig` / `KafkaProducer`).
/// `explicit(key)` says whether the user set `key` (Kafka treats a default and an explicit value
/// differently). May change the config the way Kafka does:
///
/// * idempotence on (default or explicit) with `max.in.flight.requests.per.connection > 5`:
///   error (Kafka 4.0+, KAFKA-17927);
/// * `enable.idempotence=true` set explicitly with `acks` ≠ all or `retries=0`: error;
///   not set explicitly: idempotence is switched off, with a warning;
/// * `delivery.timeout.ms < linger.ms + request.timeout.ms`: error if set explicitly, else raised
///   to the sum, with a warning.
pub fn finish_producer(
    cfg: &mut ProducerConfig,
    explicit: impl Fn(&str) -> bool,
) -> Result<Vec<ConfigWarning>, ConfigError> {
    let mut warnings = Vec::new();
    let p = Scope::Producer;
    if cfg.enable_idempotence {
        let user_set = explicit("enable.idempotence");
        let mut disable = Vec::new();
        if cfg.retries == 0 {
            if user_set {
                return Err(conflict(p, "enable.idempotence", "true".into(),
                    "the idempotent producer needs retries > 0, but retries = 0 (Kafka throws ConfigException); \
                     set retries > 0 or enable.idempotence=false".into()));
            }
            disable.push("retries = 0".to_string());
        }
        if cfg.acks != Acks::All {
            if user_set {
                return Err(conflict(p, "enable.idempotence", "true".into(), format!(
                    "the idempotent producer needs acks=all, but acks = {} (Kafka throws ConfigException); \
                     set acks=all or enable.idempotence=false", cfg.acks.as_str())));
            }
            disable.push(format!("acks = {}", cfg.acks.as_str()));
        }
        let in_flight = cfg.max_in_flight_requests_per_connection;
        if in_flight > 5 {
            return Err(conflict(p, "max.in.flight.requests.per.connection", in_flight.to_string(),
                "at most 5 with idempotence enabled (it is on by default; Kafka 4.0+ throws ConfigException); \
                 set enable.idempotence=false to allow more".into()));
        }
        if !disable.is_empty() {
            cfg.enable_idempotence = false;
            warnings.push(ConfigWarning {
                key: "enable.idempotence",
                message: format!(
                    "idempotence is off because {} (Kafka disables it silently when \
                     enable.idempotence is not set): retries may write duplicates",
                    disable.join(" and ")
                ),
            });
        }
    }
    let linger = cfg.linger_ms.min(i32::MAX as u64);
    let floor = (linger + cfg.request_timeout_ms).min(i32::MAX as u64);
    if cfg.delivery_timeout_ms < floor {
        if explicit("delivery.timeout.ms") {
            return Err(conflict(p, "delivery.timeout.ms", cfg.delivery_timeout_ms.to_string(), format!(
                "must be >= linger.ms + request.timeout.ms = {} + {} = {floor} (Kafka throws ConfigException)",
                cfg.linger_ms, cfg.request_timeout_ms)));
        }
        warnings.push(ConfigWarning {
            key: "delivery.timeout.ms",
            message: format!(
                "raised from the default {} to linger.ms + request.timeout.ms = {floor}, as Kafka does",
                cfg.delivery_timeout_ms
            ),
        });
        cfg.delivery_timeout_ms = floor;
    }
    if cfg.retry_backoff_max_ms < cfg.retry_backoff_ms {
        warnings.push(ConfigWarning {
            key: "retry.backoff.max.ms",
            message: format!(
                "{} < retry.backoff.ms = {}: exponential backoff is effectively off (Kafka warns)",
                cfg.retry_backoff_max_ms, cfg.retry_backoff_ms
            ),
        });
    }
    Ok(warnings)
}

/// Applies the consumer's startup rules and the broker-side session timeout bounds:
/// `heartbeat.interval.ms` must be below `session.timeout.ms` (the consumer refuses to start),
/// and `session.timeout.ms` must lie within the brokers' `group.min.session.timeout.ms ..=
/// group.max.session.timeout.ms` (else every JoinGroup fails with INVALID_SESSION_TIMEOUT).
pub fn finish_consumer(
    cfg: &ConsumerConfig,
    broker: &BrokerConfig,
) -> Result<Vec<ConfigWarning>, ConfigError> {
    let c = Scope::Consumer;
    let (hb, session) = (cfg.heartbeat_interval_ms, cfg.session_timeout_ms);
    if hb >= session {
        return Err(conflict(c, "heartbeat.interval.ms", hb.to_string(), format!(
            "must be lower than session.timeout.ms = {session} (the Kafka consumer refuses to start)")));
    }
    let (min, max) = (
        broker.group_min_session_timeout_ms,
        broker.group_max_session_timeout_ms,
    );
    if session < min || session > max {
        return Err(conflict(
            c,
            "session.timeout.ms",
            session.to_string(),
            format!(
            "outside the brokers' group.min.session.timeout.ms..=group.max.session.timeout.ms = \
             {min}..={max}; every JoinGroup would fail with INVALID_SESSION_TIMEOUT"),
        ));
    }
    let mut warnings = Vec::new();
    if hb.saturating_mul(3) > session {
        warnings.push(ConfigWarning {
            key: "heartbeat.interval.ms",
            message: format!(
                "{hb} is more than a third of session.timeout.ms = {session}; Kafka recommends at \
                 most a third, so a few lost heartbeats do not expire the session"
            ),
        });
    }
    Ok(warnings)
}

/// Applies the broker's startup rules: `replica.fetch.wait.max.ms` must be ≤
/// `replica.lag.time.max.ms` and ≤ `replica.socket.timeout.ms` (30000, not modelled); Kafka
/// refuses to start otherwise. Warns about combinations Kafka only logs.
pub fn finish_broker(cfg: &BrokerConfig) -> Result<Vec<ConfigWarning>, ConfigError> {
    let b = Scope::Broker;
    let wait = cfg.replica_fetch_wait_max_ms;
    if wait > cfg.replica_lag_time_max_ms {
        return Err(conflict(
            b,
            "replica.fetch.wait.max.ms",
            wait.to_string(),
            format!(
            "must be <= replica.lag.time.max.ms = {} (Kafka refuses to start: followers would keep \
             dropping out of the ISR)", cfg.replica_lag_time_max_ms),
        ));
    }
    if wait > REPLICA_SOCKET_TIMEOUT_MS {
        return Err(conflict(b, "replica.fetch.wait.max.ms", wait.to_string(), format!(
            "must be <= replica.socket.timeout.ms = {REPLICA_SOCKET_TIMEOUT_MS} (Kafka refuses to start)")));
    }
    let mut warnings = Vec::new();
    if cfg.broker_heartbeat_interval_ms.saturating_mul(2) > cfg.broker_session_timeout_ms {
        warnings.push(ConfigWarning {
            key: "broker.heartbeat.interval.ms",
            message: format!(
                "{} is more than half of broker.session.timeout.ms = {}: brokers may be fenced \
                 between heartbeats (Kafka logs an error)",
                cfg.broker_heartbeat_interval_ms, cfg.broker_session_timeout_ms
            ),
        });
    }
    if cfg.group_min_session_timeout_ms > cfg.group_max_session_timeout_ms {
        warnings.push(ConfigWarning {
            key: "group.min.session.timeout.ms",
            message: format!(
                "{} > group.max.session.timeout.ms = {}: no consumer can join a group",
                cfg.group_min_session_timeout_ms, cfg.group_max_session_timeout_ms
            ),
        });
    }
    Ok(warnings)
}

/// Checks a topic against the broker defaults it inherits. Kafka lets a topic have
/// `min.insync.replicas` above its replication factor; KafkaSim allows it too (it is a good way
/// to see NOT_ENOUGH_REPLICAS) but warns, since every acks=all write to it fails.
pub fn check_topic(
    topic: &TopicConfig,
    broker: &BrokerConfig,
    replication_factor: u32,
) -> Vec<ConfigWarning> {
    let min_isr = topic
        .min_insync_replicas
        .unwrap_or(broker.min_insync_replicas);
    let mut warnings = Vec::new();
    if min_isr > replication_factor {
        let origin = if topic.min_insync_replicas.is_some() {
            ""
        } else {
            " (the broker default)"
        };
        warnings.push(ConfigWarning {
            key: "min.insync.replicas",
            message: format!(
                "{min_isr}{origin} is above the replication factor {replication_factor}: every \
                 acks=all write to this topic fails with NOT_ENOUGH_REPLICAS"
            ),
        });
    }
    warnings
}
