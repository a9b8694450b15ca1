//! Every translated error kind and event reason: the keys exist in both tables, the English
//! rendering is exactly the `Display` text, and the Chinese one differs and keeps the parameters.

mod config_samples;
mod scenario_samples;

use super::{en, errors, events, fill, scenario_errors, zh, Lang};
use crate::engine::config::registry::{self, ConfigErrorKind, ConfigValue, ConfigWarning};
use crate::engine::reasons::{
    CommandRefusal, LeaveReason, NetworkChange, RebalanceReason, RemovalCause,
};
use crate::scenario_file::ScenarioReason;
use crate::share::ShareError;
use config_samples::{config_errors, warnings};
use scenario_samples::scenario_errors;

/// One rendered sample: English `Display`, English and Chinese renderings, and the parameters
/// the Chinese text must contain.
struct Sample {
    display: String,
    en: String,
    zh: String,
    params: Vec<String>,
}

fn sample<T: std::fmt::Display>(
    v: &T,
    localized: impl Fn(Lang) -> String,
    params: &[&str],
) -> Sample {
    Sample {
        display: v.to_string(),
        en: localized(Lang::En),
        zh: localized(Lang::Zh),
        params: params.iter().map(|p| p.to_string()).collect(),
    }
}

/// Fails to compile when a variant is added without a sample below.
fn _all_variants_sampled(k: &ConfigErrorKind, r: &ScenarioReason, c: &CommandRefusal) {
    match k {
        ConfigErrorKind::UnknownKey { .. }
        | ConfigErrorKind::WrongType { .. }
        | ConfigErrorKind::OutOfRange { .. }
        | ConfigErrorKind::NotAllowed { .. }
        | ConfigErrorKind::NotDynamic
        | ConfigErrorKind::Conflict { .. } => {}
    }
    match r {
        ScenarioReason::FileTooLarge { .. }
        | ScenarioReason::EmptyFile
        | ScenarioReason::InvalidJson { .. }
        | ScenarioReason::OutOfRange { .. }
        | ScenarioReason::NotWholeNumber { .. }
        | ScenarioReason::WrongType { .. }
        | ScenarioReason::UnknownField { .. }
        | ScenarioReason::Required
        | ScenarioReason::RequiredWholeNumber { .. }
        | ScenarioReason::TooLong { .. }
        | ScenarioReason::MustNotBeEmpty
        | ScenarioReason::TooManyEntries { .. }
        | ScenarioReason::Config(_)
        | ScenarioReason::ConfigFull(_)
        | ScenarioReason::Fixed(_)
        | ScenarioReason::NotFound(_)
        | ScenarioReason::Duplicate { .. }
        | ScenarioReason::NoSuchBroker { .. }
        | ScenarioReason::BrokerRequired { .. }
        | ScenarioReason::TooManyConsumers { .. }
        | ScenarioReason::Detail(_) => {}
    }
    match c {
        CommandRefusal::NoSuchBroker { .. }
        | CommandRefusal::NoSuchGroup { .. }
        | CommandRefusal::NoSuchTopic { .. }
        | CommandRefusal::NoSuchRack { .. }
        | CommandRefusal::NoSuchPartition { .. }
        | CommandRefusal::NoLeader { .. }
        | CommandRefusal::FactorOutOfRange { .. }
        | CommandRefusal::NoSuchMember { .. }
        | CommandRefusal::MemberAlreadyDown { .. }
        | CommandRefusal::MemberAlreadyUp { .. }
        | CommandRefusal::TooManyConsumers { .. }
        | CommandRefusal::NoSuchProducer { .. }
        | CommandRefusal::BadConfigTarget { .. }
        | CommandRefusal::Config(_) => {}
    }
}

fn event_samples() -> Vec<Sample> {
    let mut out = Vec::new();
    let m = || "consumer-4-1".to_string();
    for (r, p) in [
        (
            RebalanceReason::MemberJoined { member: m() },
            vec!["consumer-4-1"],
        ),
        (
            RebalanceReason::MemberRejoined { member: m() },
            vec!["consumer-4-1"],
        ),
        (
            RebalanceReason::StaticMemberJoined {
                instance: "w-1".into(),
            },
            vec!["w-1"],
        ),
        (
            RebalanceReason::StaticMemberChanged {
                instance: "w-1".into(),
            },
            vec!["w-1"],
        ),
        (
            RebalanceReason::MemberRemoved {
                cause: RemovalCause::LeftGroup,
                member: m(),
            },
            vec!["consumer-4-1", "LeaveGroup"],
        ),
        (
            RebalanceReason::MemberRemoved {
                cause: RemovalCause::SessionExpired,
                member: m(),
            },
            vec!["consumer-4-1", "session.timeout.ms"],
        ),
        (
            RebalanceReason::GroupEmptied {
                cause: RemovalCause::SessionExpired,
            },
            vec!["session.timeout.ms"],
        ),
        (
            RebalanceReason::GroupEmptied {
                cause: RemovalCause::LeftGroup,
            },
            vec!["LeaveGroup"],
        ),
    ] {
        out.push(sample(&r, |l| r.localized(l), &p));
    }
    let r = LeaveReason::PollTimeout {
        max_poll_interval_ms: 300000,
    };
    out.push(sample(
        &r,
        |l| r.localized(l),
        &["max.poll.interval.ms", "300000"],
    ));
    for (n, p) in [
        (NetworkChange::Isolated { broker: 2 }, vec!["2"]),
        (
            NetworkChange::Partitioned {
                groups: vec![vec![1, 2], vec![3]],
            },
            vec!["[[1, 2], [3]]"],
        ),
        (
            NetworkChange::Cut {
                from: 1,
                to: 3,
                both_ways: true,
            },
            vec!["1 ↔ 3"],
        ),
        (
            NetworkChange::Cut {
                from: 1,
                to: 3,
                both_ways: false,
            },
            vec!["1 → 3"],
        ),
        (NetworkChange::Healed, vec![]),
        (
            NetworkChange::RackIsolated {
                rack: "az-b".into(),
            },
            vec!["az-b"],
        ),
        (
            NetworkChange::RackHealed {
                rack: "az-b".into(),
            },
            vec!["az-b"],
        ),
    ] {
        out.push(sample(&n, |l| n.localized(l), &p));
    }
    let g = || "workers".to_string();
    let bad_cfg = registry::apply_producer(
        &mut Default::default(),
        "linger.ms",
        &ConfigValue::Number("-1".into()),
    )
    .unwrap_err();
    for (c, p) in [
        (
            CommandRefusal::NoSuchBroker { broker: 7, max: 3 },
            vec!["7", "1..=3"],
        ),
        (CommandRefusal::NoSuchGroup { group: g() }, vec!["workers"]),
        (
            CommandRefusal::NoSuchRack {
                rack: "eu-west-1z".into(),
            },
            vec!["eu-west-1z"],
        ),
        (
            CommandRefusal::NoSuchTopic {
                topic: "orders".into(),
            },
            vec!["orders"],
        ),
        (
            CommandRefusal::NoSuchPartition {
                topic: "orders".into(),
                partition: 9,
            },
            vec!["orders-9"],
        ),
        (
            CommandRefusal::NoLeader {
                topic: "orders".into(),
                partition: 1,
            },
            vec!["orders-1", "leader"],
        ),
        (
            CommandRefusal::FactorOutOfRange {
                name: "disk_factor".into(),
                value: 0.5,
            },
            vec!["disk_factor", "0.5", "1..=10000"],
        ),
        (
            CommandRefusal::NoSuchMember {
                group: g(),
                member: 5,
                members: 2,
            },
            vec!["workers", "0..2", "5"],
        ),
        (
            CommandRefusal::MemberAlreadyDown {
                group: g(),
                member: 1,
            },
            vec!["workers", "1"],
        ),
        (
            CommandRefusal::MemberAlreadyUp {
                group: g(),
                member: 1,
            },
            vec!["workers", "1"],
        ),
        (CommandRefusal::TooManyConsumers { max: 1000 }, vec!["1000"]),
        (
            CommandRefusal::NoSuchProducer { id: "p9".into() },
            vec!["p9"],
        ),
        (
            CommandRefusal::BadConfigTarget {
                target: "host:1".into(),
            },
            vec!["host:1", "topic:NAME"],
        ),
        (
            CommandRefusal::Config(Box::new(bad_cfg)),
            vec!["linger.ms", "-1"],
        ),
    ] {
        out.push(sample(&c, |l| c.localized(l), &p));
    }
    out
}

fn all_samples() -> Vec<Sample> {
    let mut out = Vec::new();
    for (e, p) in config_errors() {
        out.push(sample(&e, |l| e.localized(l), &p));
    }
    for (k, p) in warnings() {
        let w = ConfigWarning { key: "k", kind: k };
        out.push(Sample {
            display: w.message(),
            en: w.localized(Lang::En),
            zh: w.localized(Lang::Zh),
            params: p.iter().map(|s| s.to_string()).collect(),
        });
    }
    for (e, p) in scenario_errors() {
        out.push(sample(&e, |l| e.localized(l), &p));
    }
    out.extend(event_samples());
    for s in [
        ShareError::UnknownVersion,
        ShareError::TooLong,
        ShareError::Base64,
        ShareError::Inflate,
        ShareError::TooLarge,
        ShareError::NotUtf8,
    ] {
        out.push(sample(&s, |l| s.localized(l), &[]));
    }
    out
}

fn placeholders(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn every_error_and_reason_key_is_in_both_tables_with_the_same_placeholders() {
    let get = |table: &[(&'static str, &'static str)], k: &str| {
        table.iter().find(|(x, _)| *x == k).map(|(_, v)| *v)
    };
    let sc_keys = scenario_errors::keys();
    let all: Vec<&str> = errors::KEYS
        .iter()
        .chain(events::KEYS)
        .copied()
        .chain(sc_keys.iter().copied())
        .collect();
    for key in &all {
        let e = get(en::TEXT, key).unwrap_or_else(|| panic!("`{key}` missing in en"));
        let z = get(zh::TEXT, key).unwrap_or_else(|| panic!("`{key}` missing in zh"));
        assert!(
            !e.trim().is_empty() && !z.trim().is_empty(),
            "`{key}` is empty"
        );
        // The English kind of object (`a topic`) is left out of the Chinese: the path names it.
        let mut en_ph = placeholders(e);
        if ["err.sc.exp.object", "err.sc.unknown_field"].contains(key) {
            en_ph.retain(|p| *p != "what");
        }
        assert_eq!(en_ph, placeholders(z), "placeholders of `{key}` differ");
    }
    let prefixes = [
        "err.",
        "warn.",
        "reb.",
        "cause.",
        "leave.",
        "net.",
        "refuse.",
        "json.",
        "share.",
        "cfg.scope.",
    ];
    for (k, _) in en::TEXT.iter().chain(zh::TEXT) {
        if prefixes.iter().any(|p| k.starts_with(p)) {
            assert!(all.contains(k), "`{k}` is in a table but never used");
        }
    }
}

#[test]
fn english_rendering_is_exactly_the_display_text() {
    for s in all_samples() {
        assert_eq!(s.en, s.display);
    }
}

#[test]
fn chinese_rendering_differs_and_keeps_the_parameters() {
    let samples = all_samples();
    assert!(samples.len() > 70, "only {} samples", samples.len());
    for s in samples {
        assert!(!s.zh.trim().is_empty(), "empty Chinese for {}", s.display);
        assert_ne!(s.zh, s.en, "not translated: {}", s.display);
        assert!(
            s.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "no Chinese in {}",
            s.zh
        );
        for p in &s.params {
            assert!(
                s.zh.contains(p.as_str()),
                "`{p}` missing from Chinese `{}`",
                s.zh
            );
        }
    }
}

#[test]
fn real_parser_errors_render_in_chinese_with_field_and_range() {
    let e = crate::scenario_file::parse_scenario(
        r#"{"cluster": {"brokers": 3}, "topics": [{"name": "t", "partitions": 0}]}"#,
    )
    .unwrap_err();
    let zh = e.localized(Lang::Zh);
    assert_eq!(e.localized(Lang::En), e.to_string());
    assert!(
        zh.contains("topics[0].partitions") && zh.contains("超出允许范围"),
        "{zh}"
    );
    let e = crate::scenario_file::parse_scenario(
        r#"{"topics": [{"name": "t"}], "producers": [{"topic": "t", "config": {"lingr.ms": 5}}]}"#,
    )
    .unwrap_err();
    let zh = e.localized(Lang::Zh);
    assert!(
        zh.contains("lingr.ms") && zh.contains("linger.ms") && zh.contains("未知"),
        "{zh}"
    );
}

#[test]
fn fill_does_not_rescan_inserted_text() {
    let args = [("a", "{b}".to_string()), ("b", "x".to_string())];
    assert_eq!(fill("{a} {b} {c} {", &args), "{b} x {c} {");
}

/// The stuck-clock error (issue 14 item 10) reads the same in English as the CLI prints it,
/// and the Chinese keeps every value.
#[test]
fn stuck_clock_error_in_both_languages() {
    use crate::engine::ids::NodeId;
    use crate::engine::sim::{StuckClock, Who};
    for (who, configs) in [
        (Who::Producer(2), vec!["request.timeout.ms"]),
        (Who::Broker(3), vec![]),
        (Who::Controller, vec![]),
        (
            Who::Consumer(0),
            vec!["retry.backoff.ms", "heartbeat.interval.ms"],
        ),
        (Who::Node(9), vec![]),
    ] {
        let s = StuckClock {
            at_ms: 1234,
            events: 1_000_000,
            node: NodeId(7),
            who,
            what: "timer X".into(),
            configs: configs.clone(),
        };
        assert_eq!(s.localized(Lang::En), s.to_string());
        let zh = s.localized(Lang::Zh);
        for part in ["1234", "1000000", "timer X"].into_iter().chain(configs) {
            assert!(zh.contains(part), "{zh} lacks {part}");
        }
    }
}
