//! Scenario reasons specific to one rule (caps over all topics, fault timing, `set_config`
//! targets, field paths). Each is an i18n key plus parameters; its English text is the English
//! table's, so `Display` and `localized(Lang::En)` are the same by construction.

use std::fmt;

use super::JsonType;
use crate::engine::config::registry::Scope;
use crate::i18n::{t, tf, Lang};

/// A rule-specific reason; see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// A replication factor above the number of brokers.
    RfAboveBrokers {
        /// Brokers in the cluster.
        brokers: u64,
    },
    /// No replication factor given, and the broker default is above the number of brokers.
    DefaultRfAboveBrokers {
        /// `default.replication.factor`.
        rf: u64,
        /// Brokers in the cluster.
        brokers: u64,
    },
    /// Too many partitions over all topics.
    TotalPartitions {
        /// The total with this topic.
        total: u64,
        /// The cap.
        max: u64,
    },
    /// Too many partition replicas over all topics.
    TotalReplicas {
        /// The total with this topic.
        total: u64,
        /// The cap.
        max: u64,
    },
    /// Brokers × partitions over the cap: every broker keeps every partition's metadata.
    BrokerPartitions {
        /// Brokers.
        brokers: u64,
        /// Partitions over all topics, with this topic.
        partitions: u64,
        /// The cap on their product.
        max: u64,
    },
    /// A producer rate outside `(0, max]`.
    RateRange {
        /// The cap, as printed.
        max: String,
    },
    /// Bursts averaging more than the rate cap.
    BurstRate {
        /// Records per burst.
        records: u64,
        /// Milliseconds between bursts.
        every_ms: u64,
        /// The cap, as printed.
        max: String,
    },
    /// A fault without `action`.
    ActionRequired {
        /// Every action.
        actions: Vec<String>,
    },
    /// A field the fault action does not take.
    ActionTakesNo {
        /// The action.
        action: String,
        /// The field given.
        key: String,
        /// The fields it takes (may be none).
        takes: Vec<String>,
    },
    /// A fault without `at_ms`.
    AtMsRequired {
        /// `duration_ms` of the run.
        duration: u64,
    },
    /// A fault after the end of the run.
    AfterEnd {
        /// `duration_ms` of the run.
        duration: u64,
    },
    /// A partition the topic does not have.
    PartitionRange {
        /// Topic name.
        topic: String,
        /// The highest partition.
        max: u32,
    },
    /// `set_config` without a target.
    TargetRequired,
    /// A `set_config` target of an unknown form.
    TargetExpected,
    /// A `set_config` target naming nothing in the scenario.
    NoSuchTarget {
        /// `broker`, `topic`, `producer` or `group`.
        kind: String,
    },
    /// `cluster.hardware` of the wrong type.
    ProfileOrObject {
        /// What was given.
        got: JsonType,
    },
    /// A `config` that is not an object.
    ConfigObjectExpected {
        /// Whose config.
        scope: Scope,
        /// A key of that scope, for the example.
        example: String,
        /// What was given.
        got: JsonType,
    },
    /// A scheduled crash of a member not started yet.
    MemberNotStarted {
        /// `group.id`.
        group: String,
        /// Members started by then.
        started: u32,
        /// When.
        at_ms: u64,
    },
    /// `--set` with an empty path segment.
    NotAFieldPath,
    /// `--set` with an index past the end.
    IndexRange {
        /// The array's path.
        walked: String,
        /// Its length.
        len: usize,
    },
    /// `--set` through a value that has no fields.
    NoFieldIn {
        /// The value's type.
        got: JsonType,
        /// The field asked for.
        key: String,
    },
    /// `cluster.broker_racks` not naming one rack per broker.
    BrokerRacksLength {
        /// Brokers in the cluster.
        brokers: u64,
        /// Names given.
        len: u64,
    },
}

impl Detail {
    /// The i18n key and its parameters in `lang`.
    pub fn parts(&self, lang: Lang) -> (&'static str, Vec<(&'static str, String)>) {
        let ty = |j: &JsonType| t(lang, &format!("json.{}", j.code())).to_string();
        let s = |v: &dyn ToString| v.to_string();
        match self {
            Detail::RfAboveBrokers { brokers } => {
                ("err.d.rf_above_brokers", vec![("brokers", s(brokers))])
            }
            Detail::DefaultRfAboveBrokers { rf, brokers } => (
                "err.d.default_rf",
                vec![("rf", s(rf)), ("brokers", s(brokers))],
            ),
            Detail::TotalPartitions { total, max } => (
                "err.d.total_partitions",
                vec![("total", s(total)), ("max", s(max))],
            ),
            Detail::TotalReplicas { total, max } => (
                "err.d.total_replicas",
                vec![("total", s(total)), ("max", s(max))],
            ),
            Detail::BrokerPartitions {
                brokers,
                partitions,
                max,
            } => (
                "err.d.broker_partitions",
                vec![
                    ("brokers", s(brokers)),
                    ("partitions", s(partitions)),
                    ("total", s(&(brokers * partitions))),
                    ("max", s(max)),
                ],
            ),
            Detail::RateRange { max } => ("err.d.rate_range", vec![("max", max.clone())]),
            Detail::BurstRate {
                records,
                every_ms,
                max,
            } => (
                "err.d.burst_rate",
                vec![
                    ("records", s(records)),
                    ("every_ms", s(every_ms)),
                    ("max", max.clone()),
                ],
            ),
            Detail::ActionRequired { actions } => (
                "err.d.action_required",
                vec![("actions", actions.join(", "))],
            ),
            Detail::ActionTakesNo { action, key, takes } if takes.is_empty() => (
                "err.d.takes_no_fields",
                vec![("action", action.clone()), ("key", key.clone())],
            ),
            Detail::ActionTakesNo { action, key, takes } => (
                "err.d.takes_no",
                vec![
                    ("action", action.clone()),
                    ("key", key.clone()),
                    ("takes", takes.join(", ")),
                ],
            ),
            Detail::AtMsRequired { duration } => {
                ("err.d.at_ms_required", vec![("max", s(duration))])
            }
            Detail::AfterEnd { duration } => ("err.d.after_end", vec![("d", s(duration))]),
            Detail::PartitionRange { topic, max } => (
                "err.d.partition_range",
                vec![("topic", topic.clone()), ("max", s(max))],
            ),
            Detail::TargetRequired => ("err.d.target_required", vec![]),
            Detail::TargetExpected => ("err.d.target_expected", vec![]),
            Detail::NoSuchTarget { kind } => ("err.d.no_such_target", vec![("kind", kind.clone())]),
            Detail::ProfileOrObject { got } => ("err.d.profile_or_object", vec![("got", ty(got))]),
            Detail::ConfigObjectExpected {
                scope,
                example,
                got,
            } => (
                "err.d.config_object",
                vec![
                    (
                        "scope",
                        t(lang, &format!("cfg.scope.{}", scope.name())).to_string(),
                    ),
                    ("example", example.clone()),
                    ("got", ty(got)),
                ],
            ),
            Detail::MemberNotStarted {
                group,
                started,
                at_ms,
            } => (
                if *started == 1 {
                    "err.d.member_not_started_one"
                } else {
                    "err.d.member_not_started"
                },
                vec![
                    ("group", group.clone()),
                    ("started", s(started)),
                    ("at_ms", s(at_ms)),
                    ("max", s(&(i64::from(*started) - 1))),
                ],
            ),
            Detail::NotAFieldPath => ("err.d.not_a_field_path", vec![]),
            Detail::IndexRange { walked, len } => (
                "err.d.index_range",
                vec![("walked", walked.clone()), ("len", s(len))],
            ),
            Detail::NoFieldIn { got, key } => (
                "err.d.no_field_in",
                vec![("got", ty(got)), ("key", key.clone())],
            ),
            Detail::BrokerRacksLength { brokers, len } => (
                "err.d.broker_racks_len",
                vec![("brokers", s(brokers)), ("len", s(len))],
            ),
        }
    }

    /// The reason in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        let (key, params) = self.parts(lang);
        tf(lang, key, &params)
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localized(Lang::En))
    }
}
