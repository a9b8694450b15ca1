//! Samples of every config error kind and warning, with the parameters each must show.

use crate::engine::config::registry::{
    AllowedNote, ConfigError, ConfigErrorKind, Conflict, Expected, Scope, SynonymHint, WarningKind,
};

pub(super) fn cfg(
    scope: Scope,
    key: &str,
    value: Option<&str>,
    kind: ConfigErrorKind,
) -> ConfigError {
    ConfigError {
        scope,
        key: key.into(),
        value: value.map(str::to_string),
        kind,
    }
}

pub(super) fn config_errors() -> Vec<(ConfigError, Vec<&'static str>)> {
    let unknown = |suggestion: Option<&str>, sscope, other, hint| ConfigErrorKind::UnknownKey {
        suggestion: suggestion.map(str::to_string),
        suggestion_scope: sscope,
        other_scope: other,
        hint,
    };
    let p = Scope::Producer;
    let mut v = vec![
        (
            cfg(
                p,
                "lingr.ms",
                None,
                unknown(Some("linger.ms"), None, None, None),
            ),
            vec!["lingr.ms", "linger.ms"],
        ),
        (
            cfg(
                p,
                "session.timeout.mz",
                None,
                unknown(
                    Some("session.timeout.ms"),
                    Some(Scope::Consumer),
                    None,
                    None,
                ),
            ),
            vec!["session.timeout.mz", "session.timeout.ms"],
        ),
        (
            cfg(
                p,
                "group.id",
                None,
                unknown(None, None, Some(Scope::Consumer), None),
            ),
            vec!["group.id"],
        ),
        (
            cfg(
                Scope::Topic,
                "message.max.bytes",
                None,
                unknown(
                    None,
                    None,
                    Some(Scope::Broker),
                    Some(SynonymHint::TopicName("max.message.bytes".into())),
                ),
            ),
            vec!["message.max.bytes", "max.message.bytes"],
        ),
        (
            cfg(
                Scope::Broker,
                "max.message.bytes",
                None,
                unknown(
                    None,
                    None,
                    Some(Scope::Topic),
                    Some(SynonymHint::BrokerDefault("message.max.bytes".into())),
                ),
            ),
            vec!["max.message.bytes", "message.max.bytes"],
        ),
        (
            cfg(
                p,
                "linger.ms",
                Some("-1"),
                ConfigErrorKind::OutOfRange {
                    min: 0,
                    max: 2147483647,
                    kafka_max: None,
                },
            ),
            vec!["linger.ms", "-1", "0", "2147483647"],
        ),
        (
            cfg(
                p,
                "batch.size",
                Some("9999999999"),
                ConfigErrorKind::OutOfRange {
                    min: 0,
                    max: 16777216,
                    kafka_max: Some(2147483647),
                },
            ),
            vec!["batch.size", "16777216", "2147483647"],
        ),
        (
            cfg(
                p,
                "acks",
                Some("\"2\""),
                ConfigErrorKind::NotAllowed {
                    allowed: vec!["all".into(), "-1".into(), "0".into(), "1".into()],
                    note: Some(AllowedNote::AcksAllSame),
                },
            ),
            vec!["acks", "all, -1, 0, 1"],
        ),
        (
            cfg(
                Scope::Broker,
                "num.io.threads",
                None,
                ConfigErrorKind::NotDynamic,
            ),
            vec!["num.io.threads"],
        ),
    ];
    for (e, params) in [
        (Expected::Bool, vec!["true", "false"]),
        (Expected::WholeNumber, vec![]),
        (
            Expected::OneOf(vec!["range".into(), "roundrobin".into()]),
            vec!["range, roundrobin"],
        ),
        (Expected::ListOfStrings, vec![]),
        (Expected::CommaList, vec![]),
        (Expected::String, vec![]),
        (Expected::NonEmptyString, vec![]),
    ] {
        let mut ps = vec!["enable.idempotence", "\"x\""];
        ps.extend(params);
        v.push((
            cfg(
                p,
                "enable.idempotence",
                Some("\"x\""),
                ConfigErrorKind::WrongType { expected: e },
            ),
            ps,
        ));
    }
    for (n, params) in [
        (AllowedNote::ByDuration, vec!["by_duration", "KIP-1106"]),
        (AllowedNote::ConsumerProtocol, vec!["KIP-848", "consumer"]),
        (AllowedNote::NotOneOf("zstd9".into()), vec!["zstd9"]),
        (AllowedNote::EmptyList, vec![]),
    ] {
        let mut ps = vec!["auto.offset.reset", "earliest, latest, none"];
        ps.extend(params);
        let kind = ConfigErrorKind::NotAllowed {
            allowed: vec!["earliest".into(), "latest".into(), "none".into()],
            note: Some(n),
        };
        v.push((
            cfg(Scope::Consumer, "auto.offset.reset", Some("\"x\""), kind),
            ps,
        ));
    }
    for (rule, params) in [
        (
            Conflict::IdempotenceNeedsRetries,
            vec!["retries", "enable.idempotence=false"],
        ),
        (
            Conflict::IdempotenceNeedsAcksAll { acks: "1".into() },
            vec!["acks = 1", "acks=all"],
        ),
        (
            Conflict::InFlightWithIdempotence,
            vec!["5", "enable.idempotence=false"],
        ),
        (
            Conflict::DeliveryTimeoutTooLow {
                linger_ms: 5,
                request_timeout_ms: 30000,
                floor: 30005,
            },
            vec!["linger.ms", "5", "30000", "30005"],
        ),
        (
            Conflict::HeartbeatNotBelowSession { session_ms: 45000 },
            vec!["session.timeout.ms", "45000"],
        ),
        (
            Conflict::SessionOutsideBrokerBounds {
                min: 6000,
                max: 1800000,
            },
            vec!["6000..=1800000", "INVALID_SESSION_TIMEOUT"],
        ),
        (
            Conflict::FetchWaitAboveLagTime { lag_ms: 30000 },
            vec!["replica.lag.time.max.ms", "30000"],
        ),
        (
            Conflict::FetchWaitAboveSocketTimeout { socket_ms: 30000 },
            vec!["replica.socket.timeout.ms", "30000"],
        ),
        (
            Conflict::TransactionalIdNeedsIdempotence,
            vec!["transactional.id", "ConfigException"],
        ),
        (
            Conflict::BatchSizeAboveBufferMemory {
                buffer_memory: 1000,
            },
            vec!["buffer.memory", "1000", "BufferPool.allocate"],
        ),
        (
            Conflict::RemoteAssignorWithClassicProtocol,
            vec!["group.protocol=classic", "ConfigException"],
        ),
    ] {
        let mut ps = vec!["some.key", "7"];
        ps.extend(params);
        v.push((
            cfg(p, "some.key", Some("7"), ConfigErrorKind::Conflict { rule }),
            ps,
        ));
    }
    v
}

pub(super) fn warnings() -> Vec<(WarningKind, Vec<&'static str>)> {
    vec![
        (
            WarningKind::IdempotenceOff {
                because: vec!["retries = 0".into(), "acks = 1".into()],
            },
            vec!["retries = 0", "acks = 1"],
        ),
        (
            WarningKind::DeliveryTimeoutRaised {
                from: 120000,
                to: 130000,
            },
            vec!["120000", "130000"],
        ),
        (
            WarningKind::BackoffMaxBelowBackoff {
                max: 10,
                backoff: 100,
            },
            vec!["10", "100", "retry.backoff.ms"],
        ),
        (
            WarningKind::HeartbeatOverThird {
                heartbeat_ms: 20000,
                session_ms: 45000,
            },
            vec!["20000", "45000"],
        ),
        (
            WarningKind::BrokerHeartbeatOverHalf {
                heartbeat_ms: 6000,
                session_ms: 9000,
            },
            vec!["6000", "9000"],
        ),
        (
            WarningKind::GroupSessionBoundsInverted { min: 9, max: 8 },
            vec!["9", "8"],
        ),
        (
            WarningKind::MinIsrAboveReplication {
                min_isr: 3,
                inherited: true,
                replication_factor: 2,
            },
            vec!["3", "2", "effectiveMinIsr"],
        ),
        (
            WarningKind::MinIsrAboveReplication {
                min_isr: 4,
                inherited: false,
                replication_factor: 2,
            },
            vec!["4", "2"],
        ),
    ]
}
