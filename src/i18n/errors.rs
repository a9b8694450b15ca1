//! Config, scenario and share-link errors in any language, from the templates in the tables.
//! `localized(Lang::En)` equals the English `Display` (a test checks every kind).

use super::{t, tf, Lang};
use crate::engine::config::registry::{
    AllowedNote, ConfigError, ConfigErrorKind, ConfigWarning, Conflict, Expected, Scope,
    SynonymHint, WarningKind,
};
use crate::share::ShareError;

/// Every key this module reads (the tests check each exists in both tables).
#[cfg(test)]
pub const KEYS: &[&str] = &[
    "cfg.scope.broker",
    "cfg.scope.topic",
    "cfg.scope.producer",
    "cfg.scope.consumer",
    "err.cfg.full",
    "err.cfg.unknown",
    "err.cfg.other_scope",
    "err.cfg.did_you_mean",
    "err.cfg.did_you_mean_scope",
    "err.cfg.hint.topic_name",
    "err.cfg.hint.broker_default",
    "err.cfg.wrong_type",
    "err.exp.bool",
    "err.exp.whole",
    "err.exp.one_of",
    "err.exp.list_of_strings",
    "err.exp.comma_list",
    "err.exp.string",
    "err.exp.non_empty_string",
    "err.out_of_range",
    "err.cfg.kafka_max",
    "err.cfg.not_allowed",
    "err.note.by_duration",
    "err.note.consumer_protocol",
    "err.note.acks_all_same",
    "err.note.not_one_of",
    "err.note.empty_list",
    "err.cfg.not_dynamic",
    "err.conflict.idempotence_retries",
    "err.conflict.idempotence_acks",
    "err.conflict.in_flight",
    "err.conflict.delivery_timeout",
    "err.conflict.heartbeat_session",
    "err.conflict.session_bounds",
    "err.conflict.fetch_wait_lag",
    "err.conflict.fetch_wait_socket",
    "err.conflict.transactional_id",
    "err.conflict.batch_size_buffer",
    "err.conflict.remote_assignor",
    "warn.idempotence_off",
    "warn.and",
    "warn.delivery_timeout_raised",
    "warn.backoff_max",
    "warn.heartbeat_third",
    "warn.broker_heartbeat_half",
    "warn.group_session_bounds",
    "warn.min_isr",
    "warn.min_isr_inherited",
    "err.stuck_clock",
    "err.stuck.generic",
    "err.stuck.controller",
    "err.stuck.broker",
    "err.stuck.producer",
    "err.stuck.consumer",
    "err.stuck.node",
    "share.unknown_version",
    "share.too_long",
    "share.base64",
    "share.inflate",
    "share.too_large",
    "share.not_utf8",
];

fn scope(lang: Lang, s: Scope) -> String {
    t(lang, &format!("cfg.scope.{}", s.name())).to_string()
}

fn expected(lang: Lang, e: &Expected) -> String {
    match e {
        Expected::Bool => t(lang, "err.exp.bool").into(),
        Expected::WholeNumber => t(lang, "err.exp.whole").into(),
        Expected::OneOf(v) => tf(lang, "err.exp.one_of", &[("list", v.join(", "))]),
        Expected::ListOfStrings => t(lang, "err.exp.list_of_strings").into(),
        Expected::CommaList => t(lang, "err.exp.comma_list").into(),
        Expected::String => t(lang, "err.exp.string").into(),
        Expected::NonEmptyString => t(lang, "err.exp.non_empty_string").into(),
    }
}

fn note(lang: Lang, n: &AllowedNote) -> String {
    match n {
        AllowedNote::ByDuration => t(lang, "err.note.by_duration").into(),
        AllowedNote::ConsumerProtocol => t(lang, "err.note.consumer_protocol").into(),
        AllowedNote::AcksAllSame => t(lang, "err.note.acks_all_same").into(),
        AllowedNote::NotOneOf(item) => tf(lang, "err.note.not_one_of", &[("item", item.clone())]),
        AllowedNote::EmptyList => t(lang, "err.note.empty_list").into(),
    }
}

impl Conflict {
    /// The rule in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        let s = |v: &u64| v.to_string();
        match self {
            Conflict::IdempotenceNeedsRetries => t(lang, "err.conflict.idempotence_retries").into(),
            Conflict::IdempotenceNeedsAcksAll { acks } => tf(
                lang,
                "err.conflict.idempotence_acks",
                &[("acks", acks.clone())],
            ),
            Conflict::InFlightWithIdempotence => t(lang, "err.conflict.in_flight").into(),
            Conflict::DeliveryTimeoutTooLow {
                linger_ms,
                request_timeout_ms,
                floor,
            } => tf(
                lang,
                "err.conflict.delivery_timeout",
                &[
                    ("linger", s(linger_ms)),
                    ("request", s(request_timeout_ms)),
                    ("floor", s(floor)),
                ],
            ),
            Conflict::HeartbeatNotBelowSession { session_ms } => tf(
                lang,
                "err.conflict.heartbeat_session",
                &[("session", s(session_ms))],
            ),
            Conflict::SessionOutsideBrokerBounds { min, max } => tf(
                lang,
                "err.conflict.session_bounds",
                &[("min", s(min)), ("max", s(max))],
            ),
            Conflict::FetchWaitAboveLagTime { lag_ms } => {
                tf(lang, "err.conflict.fetch_wait_lag", &[("lag", s(lag_ms))])
            }
            Conflict::FetchWaitAboveSocketTimeout { socket_ms } => tf(
                lang,
                "err.conflict.fetch_wait_socket",
                &[("socket", s(socket_ms))],
            ),
            Conflict::TransactionalIdNeedsIdempotence => {
                t(lang, "err.conflict.transactional_id").into()
            }
            Conflict::BatchSizeAboveBufferMemory { buffer_memory } => tf(
                lang,
                "err.conflict.batch_size_buffer",
                &[("buffer", s(buffer_memory))],
            ),
            Conflict::RemoteAssignorWithClassicProtocol => {
                t(lang, "err.conflict.remote_assignor").into()
            }
        }
    }
}

impl ConfigError {
    /// The explanation without the `key = value` prefix, in `lang`.
    pub fn localized_reason(&self, lang: Lang) -> String {
        let key = || ("key", self.key.clone());
        let here = scope(lang, self.scope);
        match &self.kind {
            ConfigErrorKind::UnknownKey {
                suggestion,
                suggestion_scope,
                other_scope,
                hint,
            } => {
                let mut s = match other_scope {
                    Some(o) => tf(
                        lang,
                        "err.cfg.other_scope",
                        &[key(), ("other", scope(lang, *o)), ("scope", here)],
                    ),
                    None => tf(lang, "err.cfg.unknown", &[key(), ("scope", here)]),
                };
                match (suggestion, suggestion_scope) {
                    (Some(sug), Some(o)) => s.push_str(&tf(
                        lang,
                        "err.cfg.did_you_mean_scope",
                        &[("hint", sug.clone()), ("other", scope(lang, *o))],
                    )),
                    (Some(sug), None) => {
                        s.push_str(&tf(lang, "err.cfg.did_you_mean", &[("hint", sug.clone())]))
                    }
                    _ => {}
                }
                match hint {
                    Some(SynonymHint::TopicName(n)) => {
                        s.push_str(&tf(lang, "err.cfg.hint.topic_name", &[("name", n.clone())]))
                    }
                    Some(SynonymHint::BrokerDefault(n)) => s.push_str(&tf(
                        lang,
                        "err.cfg.hint.broker_default",
                        &[("name", n.clone())],
                    )),
                    None => {}
                }
                s
            }
            ConfigErrorKind::WrongType { expected: e } => tf(
                lang,
                "err.cfg.wrong_type",
                &[("expected", expected(lang, e))],
            ),
            ConfigErrorKind::OutOfRange {
                min,
                max,
                kafka_max,
            } => {
                let mut s = tf(
                    lang,
                    "err.out_of_range",
                    &[("min", min.to_string()), ("max", max.to_string())],
                );
                if let Some(k) = kafka_max {
                    s.push_str(&tf(
                        lang,
                        "err.cfg.kafka_max",
                        &[("kafka_max", k.to_string())],
                    ));
                }
                s
            }
            ConfigErrorKind::NotAllowed { allowed, note: n } => {
                let mut s = tf(
                    lang,
                    "err.cfg.not_allowed",
                    &[("allowed", allowed.join(", "))],
                );
                if let Some(n) = n {
                    s.push_str(&note(lang, n));
                }
                s
            }
            ConfigErrorKind::NotDynamic => tf(lang, "err.cfg.not_dynamic", &[key()]),
            ConfigErrorKind::Conflict { rule } => rule.localized(lang),
        }
    }

    /// The whole message in `lang` (what `Display` prints in English).
    pub fn localized(&self, lang: Lang) -> String {
        match &self.value {
            Some(v) if !self.bare() => tf(
                lang,
                "err.cfg.full",
                &[
                    ("scope", scope(lang, self.scope)),
                    ("key", self.key.clone()),
                    ("value", v.clone()),
                    ("reason", self.localized_reason(lang)),
                ],
            ),
            _ => self.localized_reason(lang),
        }
    }
}

impl WarningKind {
    /// What happens, in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        let s = |v: &u64| v.to_string();
        match self {
            WarningKind::IdempotenceOff { because } => tf(
                lang,
                "warn.idempotence_off",
                &[("because", because.join(t(lang, "warn.and")))],
            ),
            WarningKind::DeliveryTimeoutRaised { from, to } => tf(
                lang,
                "warn.delivery_timeout_raised",
                &[("from", s(from)), ("to", s(to))],
            ),
            WarningKind::BackoffMaxBelowBackoff { max, backoff } => tf(
                lang,
                "warn.backoff_max",
                &[("max", s(max)), ("backoff", s(backoff))],
            ),
            WarningKind::HeartbeatOverThird {
                heartbeat_ms,
                session_ms,
            } => tf(
                lang,
                "warn.heartbeat_third",
                &[("hb", s(heartbeat_ms)), ("session", s(session_ms))],
            ),
            WarningKind::BrokerHeartbeatOverHalf {
                heartbeat_ms,
                session_ms,
            } => tf(
                lang,
                "warn.broker_heartbeat_half",
                &[("hb", s(heartbeat_ms)), ("session", s(session_ms))],
            ),
            WarningKind::GroupSessionBoundsInverted { min, max } => tf(
                lang,
                "warn.group_session_bounds",
                &[("min", s(min)), ("max", s(max))],
            ),
            WarningKind::MinIsrAboveReplication {
                min_isr,
                inherited,
                replication_factor,
            } => tf(
                lang,
                if *inherited {
                    "warn.min_isr_inherited"
                } else {
                    "warn.min_isr"
                },
                &[
                    ("min_isr", min_isr.to_string()),
                    ("rf", replication_factor.to_string()),
                ],
            ),
        }
    }
}

impl ConfigWarning {
    /// What happens, in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        self.kind.localized(lang)
    }
}

impl ShareError {
    /// The message in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        t(
            lang,
            match self {
                ShareError::UnknownVersion => "share.unknown_version",
                ShareError::TooLong => "share.too_long",
                ShareError::Base64 => "share.base64",
                ShareError::Inflate => "share.inflate",
                ShareError::TooLarge => "share.too_large",
                ShareError::NotUtf8 => "share.not_utf8",
            },
        )
        .to_string()
    }
}

impl crate::engine::sim::StuckClock {
    /// The stuck-clock error in `lang` (what the CLI prints in English, the page's banner).
    pub fn localized(&self, lang: Lang) -> String {
        use crate::engine::sim::Who;
        let who = match self.who {
            Who::Controller => t(lang, "err.stuck.controller").to_string(),
            Who::Broker(n) => tf(lang, "err.stuck.broker", &[("n", n.to_string())]),
            Who::Producer(n) => tf(lang, "err.stuck.producer", &[("n", n.to_string())]),
            Who::Consumer(n) => tf(lang, "err.stuck.consumer", &[("n", n.to_string())]),
            Who::Node(n) => tf(lang, "err.stuck.node", &[("n", n.to_string())]),
        };
        let configs = if self.configs.is_empty() {
            t(lang, "err.stuck.generic").to_string()
        } else {
            self.configs.join(", ")
        };
        tf(
            lang,
            "err.stuck_clock",
            &[
                ("t", self.at_ms.to_string()),
                ("n", self.events.to_string()),
                ("what", self.what.clone()),
                ("who", who),
                ("configs", configs),
            ],
        )
    }
}
