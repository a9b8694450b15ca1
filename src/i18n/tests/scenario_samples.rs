//! Samples of every scenario error kind, with the parameters each must show.

use super::config_samples::cfg;
use crate::engine::config::registry::{ConfigErrorKind, Scope};
use crate::scenario_file::Detail;
use crate::scenario_file::{
    Duplicated, ExpectedJson, FixedReason, JsonType, Lookup, NotFound, ScenarioError,
    ScenarioReason,
};

pub(super) fn scenario_errors() -> Vec<(ScenarioError, Vec<&'static str>)> {
    let e = |path: &str, value: Option<&str>, reason| ScenarioError {
        path: path.into(),
        value: value.map(str::to_string),
        reason,
    };
    let wrong = |expected| ScenarioReason::WrongType {
        expected,
        got: JsonType::String,
    };
    let boxed = || {
        Box::new(cfg(
            Scope::Producer,
            "linger.ms",
            Some("-1"),
            ConfigErrorKind::OutOfRange {
                min: 0,
                max: 100,
                kafka_max: None,
            },
        ))
    };
    let mut v = vec![
        (
            e(
                "",
                None,
                ScenarioReason::FileTooLarge {
                    bytes: 2000000,
                    max: 1048576,
                },
            ),
            vec!["2000000", "1048576"],
        ),
        (e("", None, ScenarioReason::EmptyFile), vec!["\"cluster\""]),
        (
            e(
                "",
                None,
                ScenarioReason::InvalidJson {
                    detail: "EOF at line 1 column 1".into(),
                },
            ),
            vec!["EOF at line 1 column 1"],
        ),
        (
            e(
                "topics[0].partitions",
                Some("0"),
                ScenarioReason::OutOfRange {
                    min: "1".into(),
                    max: "1000".into(),
                },
            ),
            vec!["topics[0].partitions", "0", "1..=1000"],
        ),
        (
            e(
                "seed",
                Some("1.5"),
                ScenarioReason::NotWholeNumber { got: None },
            ),
            vec!["seed", "1.5"],
        ),
        (
            e(
                "seed",
                Some("\"x\""),
                ScenarioReason::NotWholeNumber {
                    got: Some(JsonType::String),
                },
            ),
            vec!["seed", "\"x\""],
        ),
        (
            e("a", Some("\"x\""), wrong(ExpectedJson::Number)),
            vec!["a"],
        ),
        (
            e("a", Some("\"x\""), wrong(ExpectedJson::Bool)),
            vec!["a", "true", "false"],
        ),
        (
            e(
                "a",
                Some("1"),
                ScenarioReason::WrongType {
                    expected: ExpectedJson::String,
                    got: JsonType::Number,
                },
            ),
            vec!["a"],
        ),
        (e("a", Some("\"x\""), wrong(ExpectedJson::Array)), vec!["a"]),
        (
            e(
                "a",
                Some("\"x\""),
                wrong(ExpectedJson::Object {
                    what: "a topic".into(),
                }),
            ),
            vec!["a", "JSON"],
        ),
        (
            e(
                "topics[0].partitons",
                None,
                ScenarioReason::UnknownField {
                    what: "a topic".into(),
                    suggestion: Some("partitions".into()),
                    known: vec![],
                },
            ),
            vec!["topics[0].partitons", "partitions"],
        ),
        (
            e(
                "cluster.x",
                None,
                ScenarioReason::UnknownField {
                    what: "the cluster".into(),
                    suggestion: None,
                    known: vec!["brokers".into(), "racks".into()],
                },
            ),
            vec!["cluster.x", "brokers, racks"],
        ),
        (
            e("topics[0].name", None, ScenarioReason::Required),
            vec!["topics[0].name"],
        ),
        (
            e(
                "cluster.brokers",
                None,
                ScenarioReason::RequiredWholeNumber { min: 1, max: 9 },
            ),
            vec!["cluster.brokers", "1..=9"],
        ),
        (
            e("name", Some("\"xxxx\""), ScenarioReason::TooLong { max: 3 }),
            vec!["name", "3"],
        ),
        (
            e("name", Some("\" \""), ScenarioReason::MustNotBeEmpty),
            vec!["name"],
        ),
        (
            e(
                "topics",
                None,
                ScenarioReason::TooManyEntries { len: 300, max: 200 },
            ),
            vec!["topics", "300", "200"],
        ),
        (
            e(
                "producers[0].config.linger.ms",
                Some("-1"),
                ScenarioReason::Config(boxed()),
            ),
            vec!["producers[0].config.linger.ms", "0..=100"],
        ),
        (
            e("faults[0].value", None, ScenarioReason::ConfigFull(boxed())),
            vec!["faults[0].value", "linger.ms", "-1", "0..=100"],
        ),
        (
            e(
                "a",
                Some("1"),
                ScenarioReason::WrongType {
                    expected: ExpectedJson::GroupId,
                    got: JsonType::Number,
                },
            ),
            vec!["a"],
        ),
        (
            e(
                "a",
                Some("1"),
                ScenarioReason::WrongType {
                    expected: ExpectedJson::TopicName,
                    got: JsonType::Number,
                },
            ),
            vec!["a"],
        ),
        (
            e(
                "a",
                Some("1"),
                ScenarioReason::WrongType {
                    expected: ExpectedJson::ActionName,
                    got: JsonType::Array,
                },
            ),
            vec!["a"],
        ),
        (
            e(
                "a",
                Some("{…}"),
                ScenarioReason::WrongType {
                    expected: ExpectedJson::ConfigValue,
                    got: JsonType::Object,
                },
            ),
            vec!["a", "{…}"],
        ),
        (
            e(
                "producers[1].id",
                Some("\"p\""),
                ScenarioReason::Duplicate {
                    what: Duplicated::ProducerId,
                    also: "producers[0]".into(),
                },
            ),
            vec!["producers[1].id", "producers[0]"],
        ),
        (
            e(
                "consumer_groups[1].group_id",
                None,
                ScenarioReason::Duplicate {
                    what: Duplicated::GroupId,
                    also: "consumer_groups[0]".into(),
                },
            ),
            vec!["consumer_groups[0]"],
        ),
        (
            e(
                "topics[1].name",
                None,
                ScenarioReason::Duplicate {
                    what: Duplicated::TopicName,
                    also: "topics[0]".into(),
                },
            ),
            vec!["topics[0]"],
        ),
        (
            e(
                "faults[0].broker",
                Some("9"),
                ScenarioReason::NoSuchBroker { max: 3 },
            ),
            vec!["faults[0].broker", "9", "1..=3"],
        ),
        (
            e(
                "faults[0].broker",
                None,
                ScenarioReason::BrokerRequired { max: 3 },
            ),
            vec!["1..=3"],
        ),
        (
            e(
                "consumer_groups[0].members",
                None,
                ScenarioReason::TooManyConsumers {
                    total: 1001,
                    max: 1000,
                },
            ),
            vec!["1001", "1000"],
        ),
    ];
    let nf = |what, suggestion: Option<&str>, known: &[&str]| {
        ScenarioReason::NotFound(NotFound {
            what,
            suggestion: suggestion.map(str::to_string),
            known: known.iter().map(|s| s.to_string()).collect(),
        })
    };
    for (what, sug, known, params) in [
        (
            Lookup::Topic,
            Some("orders"),
            vec!["orders"],
            vec!["orders"],
        ),
        (Lookup::Topic, None, vec![], vec![]),
        (Lookup::Topic, None, vec!["a", "b"], vec!["a, b"]),
        (
            Lookup::Group,
            Some("workers"),
            vec!["workers"],
            vec!["workers"],
        ),
        (Lookup::Group, None, vec!["g1", "g2"], vec!["[g1, g2]"]),
        (
            Lookup::Action,
            Some("crash_broker"),
            vec![],
            vec!["crash_broker"],
        ),
        (
            Lookup::Action,
            None,
            vec!["heal", "cut_link"],
            vec!["heal, cut_link"],
        ),
        (
            Lookup::Hardware,
            Some("cloud"),
            vec!["modest", "cloud"],
            vec!["modest, cloud", "`cloud`"],
        ),
        (
            Lookup::Hardware,
            None,
            vec!["modest", "cloud"],
            vec!["modest, cloud"],
        ),
    ] {
        let mut ps = vec!["x.y"];
        ps.extend(params);
        v.push((e("x.y", None, nf(what, sug, &known)), ps));
    }
    for (d, params) in details() {
        let mut ps = vec!["x.y"];
        ps.extend(params);
        v.push((e("x.y", None, ScenarioReason::Detail(Box::new(d))), ps));
    }
    for r in FixedReason::ALL {
        v.push((e("x.y", None, ScenarioReason::Fixed(r)), vec!["x.y"]));
    }
    v
}

/// Every [`Detail`] with the parameters its Chinese text must show.
#[rustfmt::skip]
fn details() -> Vec<(Detail, Vec<&'static str>)> {
    let d = |s: &str| s.to_string();
    vec![
        (Detail::RfAboveBrokers { brokers: 3 }, vec!["3", "1..=3"]),
        (Detail::DefaultRfAboveBrokers { rf: 5, brokers: 3 }, vec!["default.replication.factor = 5", "1..=3"]),
        (Detail::TotalPartitions { total: 5001, max: 5000 }, vec!["5001", "5000"]),
        (Detail::TotalReplicas { total: 15003, max: 15000 }, vec!["15003", "15000"]),
        (Detail::BrokerPartitions { brokers: 100, partitions: 20000, max: 1_000_000 }, vec!["100", "20000", "2000000", "1000000"]),
        (Detail::RateRange { max: d("100000000") }, vec!["100000000"]),
        (Detail::BurstRate { records: 900, every_ms: 1, max: d("100") }, vec!["900", "1 ms", "100"]),
        (Detail::ActionRequired { actions: vec![d("crash_broker"), d("heal_network")] }, vec!["crash_broker, heal_network"]),
        (Detail::ActionTakesNo { action: d("heal_network"), key: d("broker"), takes: vec![] }, vec!["`heal_network`", "`broker`"]),
        (Detail::ActionTakesNo { action: d("crash_broker"), key: d("topic"), takes: vec![d("broker")] }, vec!["`crash_broker`", "`topic`", "broker"]),
        (Detail::AtMsRequired { duration: 60000 }, vec!["0..=60000"]),
        (Detail::AfterEnd { duration: 60000 }, vec!["duration_ms = 60000", "0..=60000"]),
        (Detail::PartitionRange { topic: d("orders"), max: 5 }, vec!["`orders`", "0..=5"]),
        (Detail::TargetRequired, vec!["`topic:NAME`"]),
        (Detail::TargetExpected, vec!["`group:ID`"]),
        (Detail::NoSuchTarget { kind: d("producer") }, vec!["producer", "`producer:ID`"]),
        (Detail::ProfileOrObject { got: JsonType::Number }, vec!["\"modest\"", "nic_gbps"]),
        (Detail::ConfigObjectExpected { scope: Scope::Producer, example: d("linger.ms"), got: JsonType::Array }, vec!["{\"linger.ms\": …}"]),
        (Detail::MemberNotStarted { group: d("workers"), started: 1, at_ms: 500 }, vec!["`workers`", "500", "0..=0"]),
        (Detail::MemberNotStarted { group: d("workers"), started: 2, at_ms: 500 }, vec!["`workers`", "2", "0..=1"]),
        (Detail::NotAFieldPath, vec!["producers.0.config.linger.ms"]),
        (Detail::IndexRange { walked: d("topics"), len: 2 }, vec!["`topics`", "0..2"]),
        (Detail::NoFieldIn { got: JsonType::Number, key: d("x") }, vec!["`x`"]),
        (Detail::BrokerRacksLength { brokers: 3, len: 2 }, vec!["3", "2"]),
    ]
}
