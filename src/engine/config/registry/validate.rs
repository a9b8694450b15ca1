//! Cross-field rules, as Kafka applies them when a client or broker starts.

use super::super::types::{Acks, BrokerConfig, ConsumerConfig, ProducerConfig, TopicConfig};
use super::{ConfigError, ConfigErrorKind, ConfigWarning, Conflict, Scope, WarningKind};

fn conflict(scope: Scope, key: &str, value: String, rule: Conflict) -> ConfigError {
    ConfigError {
        scope,
        key: key.to_string(),
        value: Some(value),
        kind: ConfigErrorKind::Conflict { rule },
    }
}

/// A conflict on a key whose value KafkaSim does not keep (an unmodelled key).
fn conflict_on_key(scope: Scope, key: &str, rule: Conflict) -> ConfigError {
    ConfigError {
        scope,
        key: key.to_string(),
        value: None,
        kind: ConfigErrorKind::Conflict { rule },
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
/// * `delivery.timeout.ms < linger.ms + request.timeout.ms` (with `linger.ms` capped at
///   `Integer.MAX_VALUE` as `KafkaProducer.lingerMs` does): error if set explicitly, else raised
///   to the sum, with a warning (`KafkaProducer.configureDeliveryTimeout`);
/// * `transactional.id` with idempotence off: error;
/// * `batch.size > buffer.memory`: error (Kafka accepts it, but `BufferPool.allocate` then
///   throws on every `send()`).
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
                return Err(conflict(
                    p,
                    "enable.idempotence",
                    "true".into(),
                    Conflict::IdempotenceNeedsRetries,
                ));
            }
            disable.push("retries = 0".to_string());
        }
        if cfg.acks != Acks::All {
            if user_set {
                return Err(conflict(
                    p,
                    "enable.idempotence",
                    "true".into(),
                    Conflict::IdempotenceNeedsAcksAll {
                        acks: cfg.acks.as_str().to_string(),
                    },
                ));
            }
            disable.push(format!("acks = {}", cfg.acks.as_str()));
        }
        let in_flight = cfg.max_in_flight_requests_per_connection;
        if in_flight > 5 {
            return Err(conflict(
                p,
                "max.in.flight.requests.per.connection",
                in_flight.to_string(),
                Conflict::InFlightWithIdempotence,
            ));
        }
        if !disable.is_empty() {
            cfg.enable_idempotence = false;
            warnings.push(ConfigWarning {
                key: "enable.idempotence",
                kind: WarningKind::IdempotenceOff { because: disable },
            });
        }
    }
    // `ProducerConfig.postProcessAndValidateIdempotenceConfigs`, after idempotence may have
    // been switched off: transactions need it.
    if explicit("transactional.id") && !cfg.enable_idempotence {
        return Err(conflict_on_key(
            p,
            "transactional.id",
            Conflict::TransactionalIdNeedsIdempotence,
        ));
    }
    // `BufferPool.allocate` refuses any allocation above `buffer.memory` (every batch takes at
    // least `batch.size`): such a producer can never send.
    if cfg.batch_size > cfg.buffer_memory {
        return Err(conflict(
            p,
            "batch.size",
            cfg.batch_size.to_string(),
            Conflict::BatchSizeAboveBufferMemory {
                buffer_memory: cfg.buffer_memory,
            },
        ));
    }
    let linger = cfg.linger_ms.min(i32::MAX as u64);
    let floor = (linger + cfg.request_timeout_ms).min(i32::MAX as u64);
    if cfg.delivery_timeout_ms < floor {
        if explicit("delivery.timeout.ms") {
            return Err(conflict(
                p,
                "delivery.timeout.ms",
                cfg.delivery_timeout_ms.to_string(),
                Conflict::DeliveryTimeoutTooLow {
                    linger_ms: cfg.linger_ms,
                    request_timeout_ms: cfg.request_timeout_ms,
                    floor,
                },
            ));
        }
        warnings.push(ConfigWarning {
            key: "delivery.timeout.ms",
            kind: WarningKind::DeliveryTimeoutRaised {
                from: cfg.delivery_timeout_ms,
                to: floor,
            },
        });
        cfg.delivery_timeout_ms = floor;
    }
    if cfg.retry_backoff_max_ms < cfg.retry_backoff_ms {
        warnings.push(ConfigWarning {
            key: "retry.backoff.max.ms",
            kind: WarningKind::BackoffMaxBelowBackoff {
                max: cfg.retry_backoff_max_ms,
                backoff: cfg.retry_backoff_ms,
            },
        });
    }
    Ok(warnings)
}

/// Applies the consumer's startup rules and the broker-side session timeout bounds:
/// `heartbeat.interval.ms` must be below `session.timeout.ms` (the consumer refuses to start),
/// and `session.timeout.ms` must lie within the brokers' `group.min.session.timeout.ms ..=
/// group.max.session.timeout.ms` (else every JoinGroup fails with INVALID_SESSION_TIMEOUT).
/// `group.remote.assignor` set explicitly is an error with the classic protocol, the only one
/// KafkaSim models (`ConsumerConfig.postProcessParsedConfig`).
pub fn finish_consumer(
    cfg: &ConsumerConfig,
    broker: &BrokerConfig,
    explicit: impl Fn(&str) -> bool,
) -> Result<Vec<ConfigWarning>, ConfigError> {
    let c = Scope::Consumer;
    if explicit("group.remote.assignor") {
        return Err(conflict_on_key(
            c,
            "group.remote.assignor",
            Conflict::RemoteAssignorWithClassicProtocol,
        ));
    }
    let (hb, session) = (cfg.heartbeat_interval_ms, cfg.session_timeout_ms);
    if hb >= session {
        return Err(conflict(
            c,
            "heartbeat.interval.ms",
            hb.to_string(),
            Conflict::HeartbeatNotBelowSession {
                session_ms: session,
            },
        ));
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
            Conflict::SessionOutsideBrokerBounds { min, max },
        ));
    }
    let mut warnings = Vec::new();
    if hb.saturating_mul(3) > session {
        warnings.push(ConfigWarning {
            key: "heartbeat.interval.ms",
            kind: WarningKind::HeartbeatOverThird {
                heartbeat_ms: hb,
                session_ms: session,
            },
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
            Conflict::FetchWaitAboveLagTime {
                lag_ms: cfg.replica_lag_time_max_ms,
            },
        ));
    }
    if wait > REPLICA_SOCKET_TIMEOUT_MS {
        return Err(conflict(
            b,
            "replica.fetch.wait.max.ms",
            wait.to_string(),
            Conflict::FetchWaitAboveSocketTimeout {
                socket_ms: REPLICA_SOCKET_TIMEOUT_MS,
            },
        ));
    }
    let mut warnings = Vec::new();
    if cfg.broker_heartbeat_interval_ms.saturating_mul(2) > cfg.broker_session_timeout_ms {
        warnings.push(ConfigWarning {
            key: "broker.heartbeat.interval.ms",
            kind: WarningKind::BrokerHeartbeatOverHalf {
                heartbeat_ms: cfg.broker_heartbeat_interval_ms,
                session_ms: cfg.broker_session_timeout_ms,
            },
        });
    }
    if cfg.group_min_session_timeout_ms > cfg.group_max_session_timeout_ms {
        warnings.push(ConfigWarning {
            key: "group.min.session.timeout.ms",
            kind: WarningKind::GroupSessionBoundsInverted {
                min: cfg.group_min_session_timeout_ms,
                max: cfg.group_max_session_timeout_ms,
            },
        });
    }
    Ok(warnings)
}

/// Checks a topic against the broker defaults it inherits. Kafka lets a topic have
/// `min.insync.replicas` above its replication factor and caps it at the replication factor
/// (`Partition.effectiveMinIsr`); KafkaSim does the same and warns.
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
        warnings.push(ConfigWarning {
            key: "min.insync.replicas",
            kind: WarningKind::MinIsrAboveReplication {
                min_isr,
                inherited: topic.min_insync_replicas.is_none(),
                replication_factor,
            },
        });
    }
    warnings
}
