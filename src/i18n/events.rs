//! The reasons carried by simulation events in any language, from the templates in the tables.
//! `localized(Lang::En)` equals the English `Display` (a test checks every variant).

use super::{t, tf, Lang};
use crate::engine::reasons::{
    CommandRefusal, LeaveReason, NetworkChange, RebalanceReason, RemovalCause,
};

/// Every key this module reads (the tests check each exists in both tables).
#[cfg(test)]
pub const KEYS: &[&str] = &[
    "reb.member_joined",
    "reb.member_rejoined",
    "reb.static_joined",
    "reb.static_changed",
    "reb.removed",
    "reb.emptied",
    "cause.left",
    "cause.session",
    "leave.poll_timeout",
    "net.isolated",
    "net.partitioned",
    "net.cut_both",
    "net.cut_one",
    "net.healed",
    "net.rack_isolated",
    "net.rack_healed",
    "refuse.no_broker",
    "refuse.no_group",
    "refuse.no_topic",
    "refuse.no_rack",
    "refuse.no_partition",
    "refuse.no_leader",
    "refuse.factor",
    "refuse.no_member",
    "refuse.member_down",
    "refuse.member_up",
    "refuse.too_many_consumers",
    "refuse.no_producer",
    "refuse.bad_target",
];

impl RemovalCause {
    /// The cause in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        t(
            lang,
            match self {
                RemovalCause::LeftGroup => "cause.left",
                RemovalCause::SessionExpired => "cause.session",
            },
        )
        .to_string()
    }
}

impl RebalanceReason {
    /// The reason in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            RebalanceReason::MemberJoined { member } => {
                tf(lang, "reb.member_joined", &[("member", member.clone())])
            }
            RebalanceReason::MemberRejoined { member } => {
                tf(lang, "reb.member_rejoined", &[("member", member.clone())])
            }
            RebalanceReason::StaticMemberJoined { instance } => {
                tf(lang, "reb.static_joined", &[("instance", instance.clone())])
            }
            RebalanceReason::StaticMemberChanged { instance } => tf(
                lang,
                "reb.static_changed",
                &[("instance", instance.clone())],
            ),
            RebalanceReason::MemberRemoved { cause, member } => tf(
                lang,
                "reb.removed",
                &[("cause", cause.localized(lang)), ("member", member.clone())],
            ),
            RebalanceReason::GroupEmptied { cause } => {
                tf(lang, "reb.emptied", &[("cause", cause.localized(lang))])
            }
        }
    }
}

impl LeaveReason {
    /// The reason in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            LeaveReason::PollTimeout {
                max_poll_interval_ms,
            } => tf(
                lang,
                "leave.poll_timeout",
                &[("ms", max_poll_interval_ms.to_string())],
            ),
        }
    }
}

impl NetworkChange {
    /// The change in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            NetworkChange::Isolated { broker } => {
                tf(lang, "net.isolated", &[("broker", broker.to_string())])
            }
            NetworkChange::Partitioned { groups } => tf(
                lang,
                "net.partitioned",
                &[("groups", format!("{groups:?}"))],
            ),
            NetworkChange::Cut {
                from,
                to,
                both_ways,
            } => tf(
                lang,
                if *both_ways {
                    "net.cut_both"
                } else {
                    "net.cut_one"
                },
                &[("from", from.to_string()), ("to", to.to_string())],
            ),
            NetworkChange::Healed => t(lang, "net.healed").into(),
            NetworkChange::RackIsolated { rack } => {
                tf(lang, "net.rack_isolated", &[("rack", rack.clone())])
            }
            NetworkChange::RackHealed { rack } => {
                tf(lang, "net.rack_healed", &[("rack", rack.clone())])
            }
        }
    }
}

impl CommandRefusal {
    /// The refusal in `lang`.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            CommandRefusal::NoSuchBroker { broker, max } => tf(
                lang,
                "refuse.no_broker",
                &[("broker", broker.to_string()), ("max", max.to_string())],
            ),
            CommandRefusal::NoSuchGroup { group } => {
                tf(lang, "refuse.no_group", &[("group", group.clone())])
            }
            CommandRefusal::NoSuchTopic { topic } => {
                tf(lang, "refuse.no_topic", &[("topic", topic.clone())])
            }
            CommandRefusal::NoSuchRack { rack } => {
                tf(lang, "refuse.no_rack", &[("rack", rack.clone())])
            }
            CommandRefusal::NoSuchPartition { topic, partition } => tf(
                lang,
                "refuse.no_partition",
                &[
                    ("topic", topic.clone()),
                    ("partition", partition.to_string()),
                ],
            ),
            CommandRefusal::NoLeader { topic, partition } => tf(
                lang,
                "refuse.no_leader",
                &[
                    ("topic", topic.clone()),
                    ("partition", partition.to_string()),
                ],
            ),
            CommandRefusal::FactorOutOfRange { name, value } => tf(
                lang,
                "refuse.factor",
                &[("name", name.clone()), ("value", value.to_string())],
            ),
            CommandRefusal::NoSuchMember {
                group,
                member,
                members,
            } => tf(
                lang,
                "refuse.no_member",
                &[
                    ("group", group.clone()),
                    ("member", member.to_string()),
                    ("members", members.to_string()),
                ],
            ),
            CommandRefusal::MemberAlreadyDown { group, member } => tf(
                lang,
                "refuse.member_down",
                &[("group", group.clone()), ("member", member.to_string())],
            ),
            CommandRefusal::MemberAlreadyUp { group, member } => tf(
                lang,
                "refuse.member_up",
                &[("group", group.clone()), ("member", member.to_string())],
            ),
            CommandRefusal::TooManyConsumers { max } => tf(
                lang,
                "refuse.too_many_consumers",
                &[("max", max.to_string())],
            ),
            CommandRefusal::NoSuchProducer { id } => {
                tf(lang, "refuse.no_producer", &[("id", id.clone())])
            }
            CommandRefusal::BadConfigTarget { target } => {
                tf(lang, "refuse.bad_target", &[("target", target.clone())])
            }
            CommandRefusal::Config(e) => e.localized(lang),
        }
    }
}
