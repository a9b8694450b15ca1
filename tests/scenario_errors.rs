//! Broken scenarios must be rejected with a message that names the field and, where it applies,
//! the allowed range or values; valid scenarios get Kafka 4.x defaults.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::{Acks, AssignmentStrategy, OffsetReset};
use kafka_sim::engine::scenario::{KeyDistribution, Workload};
use kafka_sim::engine::Command;
use kafka_sim::scenario_file::{parse_scenario, parse_scenario_with_warnings, set_field, to_json};

/// A small valid scenario the cases below break in one place.
const BASE_TOPICS: &str =
    r#""topics": [{"name": "orders", "partitions": 6, "replication_factor": 3}]"#;

fn with(extra: &str) -> String {
    format!(r#"{{"cluster": {{"brokers": 3}}, {BASE_TOPICS}{extra}}}"#)
}

fn producer(fields: &str) -> String {
    with(&format!(
        r#", "producers": [{{"id": "p1", "topic": "orders"{fields}}}]"#
    ))
}

fn group(fields: &str) -> String {
    with(&format!(
        r#", "consumer_groups": [{{"group_id": "g1", "topics": ["orders"]{fields}}}]"#
    ))
}

fn fault(fields: &str) -> String {
    with(&format!(
        r#", "consumer_groups": [{{"group_id": "g1"}}], "producers": [{{"id": "p1"}}], "faults": [{{{fields}}}]"#
    ))
}

#[test]
fn broken_scenarios_name_the_field_and_the_allowed_values() {
    let cases: Vec<(String, &[&str])> = vec![
        // Document level.
        ("".into(), &["empty"]),
        ("   \n ".into(), &["empty"]),
        ("{\"name\": ".into(), &["not valid JSON", "line 1"]),
        ("not json".into(), &["not valid JSON"]),
        ("[1, 2]".into(), &["expected a scenario", "got an array"]),
        ("42".into(), &["expected a scenario", "got a number"]),
        (r#"{"topcs": []}"#.into(), &["topcs", "did you mean `topics`?"]),
        (r#"{"seed": "abc"}"#.into(), &["seed", "expected a whole number", "got a string"]),
        (r#"{"seed": -1}"#.into(), &["seed = -1", "out of range"]),
        (r#"{"duration_ms": 0}"#.into(), &["duration_ms = 0", "1..=86400000"]),
        (r#"{"duration_ms": 1e20}"#.into(), &["duration_ms", "1..=86400000"]),
        (r#"{"duration_ms": 2.5}"#.into(), &["duration_ms = 2.5", "whole number"]),
        (r#"{"name": 5}"#.into(), &["name = 5", "expected a string"]),
        // Cluster.
        (r#"{"cluster": {"brokers": 0}}"#.into(), &["cluster.brokers = 0", "1..=100"]),
        (r#"{"cluster": {"brokers": 100000}}"#.into(), &["cluster.brokers = 100000", "1..=100"]),
        (r#"{"cluster": {"brokers": 3, "hardware": "fast"}}"#.into(), &["cluster.hardware = \"fast\"", "modest, cloud"]),
        (r#"{"cluster": {"hardware": {"profile": "modest", "nic_gbps": 0}}}"#.into(), &["cluster.hardware.nic_gbps = 0", "0.001..=1000"]),
        (r#"{"cluster": {"config": {"acks": "all"}}}"#.into(), &["cluster.config.acks", "is a producer config, not a broker config"]),
        (r#"{"cluster": {"config": {"min.insync.replica": 2}}}"#.into(), &["cluster.config.min.insync.replica", "did you mean `min.insync.replicas`?"]),
        (r#"{"cluster": {"config": {"min.insync.replicas": 0}}}"#.into(), &["cluster.config.min.insync.replicas = 0", "1..=2147483647"]),
        (r#"{"cluster": {"config": {"replica.fetch.wait.max.ms": 20000, "replica.lag.time.max.ms": 10000}}}"#.into(), &["cluster.config.replica.fetch.wait.max.ms = 20000", "replica.lag.time.max.ms = 10000"]),
        (r#"{"cluster": {"config": {"offsets.topic.num.partitions": 100000}}}"#.into(), &["offsets.topic.num.partitions = 100000", "1..=1000", "KafkaSim caps"]),
        (r#"{"cluster": {"config": "min.insync.replicas=2"}}"#.into(), &["cluster.config", "expected an object of Kafka broker configs"]),
        // Topics.
        (r#"{"cluster": {"brokers": 3}, "topics": [{"name": "t", "replication_factor": 5}]}"#.into(), &["topics[0].replication_factor = 5", "the cluster has 3 brokers (allowed 1..=3)"]),
        (r#"{"topics": [{"name": "t", "partitions": 0}]}"#.into(), &["topics[0].partitions = 0", "1..=10000"]),
        (r#"{"topics": [{"name": "t", "partitions": 50000}]}"#.into(), &["topics[0].partitions = 50000", "1..=10000"]),
        (r#"{"topics": [{"name": "a", "partitions": 10000}, {"name": "b", "partitions": 10000}, {"name": "c", "partitions": 10000}, {"name": "d", "partitions": 10000}, {"name": "e", "partitions": 10000}, {"name": "f", "partitions": 1}]}"#.into(), &["topics[5].partitions", "50001", "at most 50000"]),
        (r#"{"cluster": {"brokers": 100}, "topics": [{"name": "a", "partitions": 10000}, {"name": "b", "partitions": 1}]}"#.into(), &["topics[1].partitions", "100 brokers × 10001 partitions = 1000100", "at most 1000000"]),
        (r#"{"topics": [{"name": "t"}, {"name": "t"}]}"#.into(), &["topics[1].name = \"t\"", "duplicate", "topics[0]"]),
        (r#"{"topics": [{"partitions": 3}]}"#.into(), &["topics[0].name", "required"]),
        (r#"{"topics": [{"name": "bad name!"}]}"#.into(), &["topics[0].name", "legal Kafka topic name"]),
        (r#"{"topics": [{"name": "t", "config": {"message.max.bytes": 10}}]}"#.into(), &["topics[0].config.message.max.bytes", "max.message.bytes"]),
        (r#"{"topics": [{"name": "t", "partitons": 3}]}"#.into(), &["topics[0].partitons", "did you mean `partitions`?"]),
        (r#"{"topics": {"name": "t"}}"#.into(), &["topics", "expected an array", "got an object"]),
        // Producers.
        (producer(r#", "config": {"lingr.ms": 5}"#), &["producers[0].config.lingr.ms", "did you mean `linger.ms`?"]),
        (producer(r#", "config": {"acks": 2}"#), &["producers[0].config.acks = 2", "all, -1, 0, 1"]),
        (producer(r#", "config": {"acks": "1", "enable.idempotence": true}"#), &["producers[0].config.enable.idempotence", "acks=all", "ConfigException"]),
        (producer(r#", "config": {"retries": 0, "enable.idempotence": "true"}"#), &["producers[0].config.enable.idempotence", "retries > 0"]),
        (producer(r#", "config": {"max.in.flight.requests.per.connection": 10}"#), &["producers[0].config.max.in.flight.requests.per.connection = 10", "at most 5"]),
        (producer(r#", "config": {"delivery.timeout.ms": 1000}"#), &["producers[0].config.delivery.timeout.ms = 1000", "linger.ms + request.timeout.ms"]),
        (producer(r#", "config": {"linger.ms": -5}"#), &["producers[0].config.linger.ms = -5", "0..=9223372036854775807"]),
        (producer(r#", "config": {"batch.size": "16k"}"#), &["producers[0].config.batch.size = \"16k\"", "whole number"]),
        (producer(r#", "config": {"session.timeout.ms": 10000}"#), &["producers[0].config.session.timeout.ms", "consumer config, not a producer config"]),
        (producer(r#", "rate": -10"#), &["producers[0].rate = -10", "more than 0"]),
        (producer(r#", "rate": 1e12"#), &["producers[0].rate", "100000000"]),
        (producer(r#", "rate": "fast""#), &["producers[0].rate = \"fast\"", "\"max\""]),
        (producer(r#", "rate": 10, "bursts": {"records": 5, "every_ms": 10}"#), &["producers[0].bursts", "either `rate` or `bursts`"]),
        (producer(r#", "record_size": 0"#), &["producers[0].record_size = 0", "1..=1048576"]),
        (producer(r#", "record_size": 2000000"#), &["producers[0].record_size = 2000000", "1..=1048576"]),
        (producer(r#", "keys": "random""#), &["producers[0].keys = \"random\"", "uniform"]),
        (producer(r#", "keys": {"zipf": 100, "exponent": 0}"#), &["producers[0].keys.exponent", "more than 0"]),
        (producer(r#", "num_records": 0"#), &["producers[0].num_records = 0", "1..="]),
        (with(r#", "producers": [{"topic": "order"}]"#), &["producers[0].topic = \"order\"", "did you mean `orders`?"]),
        (with(r#", "producers": [{"id": "a"}, {"id": "a"}]"#), &["producers[1].id", "duplicate"]),
        // Consumer groups.
        (group(r#", "config": {"heartbeat.interval.ms": 50000}"#), &["consumer_groups[0].config.heartbeat.interval.ms = 50000", "session.timeout.ms = 45000"]),
        (group(r#", "config": {"session.timeout.ms": 3000, "heartbeat.interval.ms": 1000}"#), &["consumer_groups[0].config.session.timeout.ms = 3000", "6000..=1800000"]),
        (group(r#", "config": {"partition.assignment.strategy": "fair"}"#), &["partition.assignment.strategy", "cooperative-sticky"]),
        (group(r#", "config": {"auto.offset.reset": "smallest"}"#), &["auto.offset.reset = \"smallest\"", "latest, earliest, none"]),
        (group(r#", "config": {"group.id": "x"}"#), &["consumer_groups[0].config.group.id", "group_id"]),
        (group(r#", "members": 3, "config": {"group.instance.id": "x"}"#), &["group.instance.id", "static_membership"]),
        (group(r#", "members": -1"#), &["consumer_groups[0].members = -1", "0..=500"]),
        (with(r#", "consumer_groups": [{"group_id": "g", "topics": ["nope"]}]"#), &["consumer_groups[0].topics[0] = \"nope\"", "no such topic"]),
        (with(r#", "consumer_groups": [{"group_id": "g", "topics": []}]"#), &["consumer_groups[0].topics", "non-empty"]),
        // Faults.
        (fault(r#""at_ms": 1000, "action": "crash_broker", "broker": 7"#), &["faults[0].broker = 7", "brokers 1..=3"]),
        (fault(r#""at_ms": 1000, "action": "crash_brokr", "broker": 1"#), &["faults[0].action", "did you mean `crash_broker`?"]),
        (fault(r#""at_ms": 1000, "action": "crash_broker""#), &["faults[0].broker", "required"]),
        (fault(r#""at_ms": 999999, "action": "heal_network""#), &["faults[0].at_ms = 999999", "after the end of the run"]),
        (fault(r#""action": "heal_network""#), &["faults[0].at_ms", "required"]),
        (fault(r#""at_ms": 1, "action": "crash_broker", "broker": 1, "topic": "orders""#), &["faults[0].topic", "takes no `topic`"]),
        (fault(r#""at_ms": 1, "action": "crash_leader", "topic": "orders", "partition": 6"#), &["faults[0].partition = 6", "partitions 0..=5"]),
        (fault(r#""at_ms": 1, "action": "crash_consumer", "group": "g2""#), &["faults[0].group = \"g2\"", "no such consumer group"]),
        (fault(r#""at_ms": 1, "action": "crash_consumer", "group": "g1", "member": 1"#), &["faults[0].member = 1", "started 1 member by"]),
        (fault(r#""at_ms": 1, "action": "partition_network", "groups": [[1, 2], [2, 3]]"#), &["faults[0].groups[1][0] = 2", "two groups"]),
        (fault(r#""at_ms": 1, "action": "cut_link", "from": 1, "to": 1"#), &["faults[0].to = 1", "two different brokers"]),
        (fault(r#""at_ms": 1, "action": "slow_broker", "broker": 1, "disk_factor": 0.5"#), &["faults[0].disk_factor = 0.5", "1..=10000"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "producer:p2", "key": "linger.ms", "value": 5"#), &["faults[0].target", "no such producer"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "producer:p1", "key": "linger.ms", "value": "soon""#), &["faults[0].value", "linger.ms", "whole number"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "broker", "key": "replica.lag.time.max.ms", "value": 5"#), &["faults[0].key", "read-only"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "group:g1", "key": "heartbeat.interval.ms", "value": 60000"#), &["faults[0]", "session.timeout.ms"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "producer:p1", "key": "acks", "value": "1"}, {"at_ms": 2, "action": "set_config", "target": "producer:p1", "key": "enable.idempotence", "value": true"#), &["faults[1].value", "acks=all"]),
        (fault(r#""at_ms": 1, "action": "set_config", "target": "topic:orders", "key": "linger.ms", "value": 1"#), &["faults[0].key", "producer config, not a topic config"]),
    ];
    assert!(cases.len() >= 30);
    for (json, expected) in &cases {
        let e = match parse_scenario(json) {
            Ok(_) => panic!("accepted: {json}"),
            Err(e) => e.to_string(),
        };
        for want in *expected {
            assert!(
                e.contains(want),
                "error for {json}\n  was: {e}\n  missing: {want}"
            );
        }
    }
}

#[test]
fn defaults_are_kafka_4() {
    let s = parse_scenario(&with(
        r#", "producers": [{}], "consumer_groups": [{}], "faults": [{"at_ms": 0, "action": "heal_network"}]"#,
    ))
    .unwrap();
    assert_eq!(
        (s.seed, s.duration_ms, s.name.as_str()),
        (42, 60_000, "untitled")
    );
    assert_eq!(s.cluster.hardware.name, "cloud");
    let b = &s.cluster.config;
    assert_eq!(b.min_insync_replicas, 1);
    assert_eq!(b.replica_lag_time_max_ms, 30_000);
    assert!(!b.unclean_leader_election_enable);
    assert_eq!(
        (
            b.group_min_session_timeout_ms,
            b.group_max_session_timeout_ms
        ),
        (6_000, 1_800_000)
    );
    assert_eq!(b.group_initial_rebalance_delay_ms, 3_000);
    assert_eq!(b.broker_session_timeout_ms, 9_000);
    assert_eq!(b.message_max_bytes, 1_048_588);
    let p = &s.producers[0];
    assert_eq!((p.id.as_str(), p.topic.as_str()), ("producer-1", "orders"));
    assert_eq!(
        p.workload,
        Workload::Rate {
            records_per_s: 1000.0
        }
    );
    assert_eq!(
        (p.record_size, p.max_records, &p.keys),
        (100, None, &KeyDistribution::None)
    );
    let c = &p.config;
    assert_eq!(c.acks, Acks::All);
    assert_eq!((c.linger_ms, c.batch_size), (5, 16_384));
    assert!(c.enable_idempotence && c.idempotence_effective());
    assert_eq!(c.max_in_flight_requests_per_connection, 5);
    assert_eq!(c.retries, 2_147_483_647);
    assert_eq!(
        (c.request_timeout_ms, c.delivery_timeout_ms),
        (30_000, 120_000)
    );
    assert_eq!(c.buffer_memory, 33_554_432);
    let g = &s.consumer_groups[0];
    assert_eq!(
        (g.group_id.as_str(), g.members, g.static_membership),
        ("group-1", 1, false)
    );
    assert_eq!(g.topics, vec!["orders".to_string()]);
    let c = &g.config;
    assert_eq!(
        (c.session_timeout_ms, c.heartbeat_interval_ms),
        (45_000, 3_000)
    );
    assert_eq!((c.max_poll_records, c.max_poll_interval_ms), (500, 300_000));
    assert_eq!(c.auto_offset_reset, OffsetReset::Latest);
    assert!(c.enable_auto_commit);
    assert_eq!(
        c.partition_assignment_strategy,
        vec![
            AssignmentStrategy::Range,
            AssignmentStrategy::CooperativeSticky
        ]
    );
    assert_eq!(s.faults[0].action, Command::HealNetwork);
    // A topic without partitions / replication factor gets the broker's num.partitions and
    // default.replication.factor (both 1 in Kafka).
    let s = parse_scenario(r#"{"topics": [{"name": "t"}]}"#).unwrap();
    assert_eq!(
        (s.topics[0].partitions, s.topics[0].replication_factor),
        (1, 1)
    );
    assert_eq!(s.cluster.brokers, 3);
}

#[test]
fn warnings_explain_what_kafka_does_silently() {
    let json =
        producer(r#", "config": {"acks": "1", "compression.type": "zstd", "linger.ms": 200000}"#);
    let (s, w) = parse_scenario_with_warnings(&json).unwrap();
    let text: Vec<String> = w.iter().map(ToString::to_string).collect();
    let all = text.join("\n");
    assert!(
        all.contains("producers[0].config.enable.idempotence: idempotence is off because acks = 1"),
        "{all}"
    );
    assert!(
        all.contains("producers[0].config.compression.type"),
        "{all}"
    );
    assert!(
        all.contains("producers[0].config.delivery.timeout.ms"),
        "{all}"
    );
    assert!(!s.producers[0].config.enable_idempotence);
    assert_eq!(s.producers[0].config.delivery_timeout_ms, 230_000);
    let json = r#"{"topics": [{"name": "t", "replication_factor": 1, "config": {"min.insync.replicas": 2}}]}"#;
    let (_, w) = parse_scenario_with_warnings(json).unwrap();
    assert!(w[0].to_string().contains("effectiveMinIsr"), "{w:?}");
    // Round trip keeps the silently changed values.
    let again = parse_scenario(&to_json(&s)).unwrap();
    assert_eq!(again, s);
}

#[test]
fn accepted_spellings() {
    let s = parse_scenario(&group(
        r#", "config": {"partition.assignment.strategy": ["org.apache.kafka.clients.consumer.RangeAssignor", "cooperative-sticky"], "max.poll.records": "100", "enable.auto.commit": "false"}"#,
    ))
    .unwrap();
    let c = &s.consumer_groups[0].config;
    assert_eq!(c.max_poll_records, 100);
    assert!(!c.enable_auto_commit);
    let s = parse_scenario(&producer(
        r#", "rate": "max", "keys": {"zipf": 10}, "config": {"acks": -1}"#,
    ))
    .unwrap();
    assert_eq!(s.producers[0].workload, Workload::MaxRate);
    assert_eq!(
        s.producers[0].keys,
        KeyDistribution::Zipf {
            keys: 10,
            exponent: 1.0
        }
    );
    let s = parse_scenario(
        r#"{"duration_ms": 6e4, "cluster": {"hardware": {"profile": "modest", "nic_gbps": 10}}}"#,
    )
    .unwrap();
    assert_eq!(s.duration_ms, 60_000);
    assert_eq!(s.cluster.hardware.nic_bits_per_s, 10_000_000_000);
    assert_eq!(parse_scenario(&to_json(&s)).unwrap(), s);
}

#[test]
fn set_field_edits_paths_with_dotted_config_keys() {
    let mut v: serde_json::Value = serde_json::from_str(&producer("")).unwrap();
    set_field(&mut v, "producers.0.config.linger.ms", "50").unwrap();
    set_field(&mut v, "producers[0].config.acks", "1").unwrap();
    set_field(&mut v, "producers.0.config.enable.idempotence", "false").unwrap();
    set_field(&mut v, "topics.0.partitions", "12").unwrap();
    set_field(&mut v, "cluster.brokers", "5").unwrap();
    set_field(&mut v, "cluster.config.min.insync.replicas", "2").unwrap();
    set_field(&mut v, "cluster.hardware.nic_gbps", "10").unwrap();
    set_field(&mut v, "description", "swept").unwrap();
    let s = parse_scenario(&v.to_string()).unwrap();
    let p = &s.producers[0].config;
    assert_eq!(
        (p.linger_ms, p.acks, p.enable_idempotence),
        (50, Acks::One, false)
    );
    assert_eq!((s.topics[0].partitions, s.cluster.brokers), (12, 5));
    assert_eq!(s.cluster.config.min_insync_replicas, 2);
    assert_eq!(s.cluster.hardware.nic_bits_per_s, 10_000_000_000);
    assert_eq!(s.description, "swept");
    // "all" is not JSON: it is taken as a string.
    set_field(&mut v, "producers.0.config.acks", "all").unwrap();
    assert_eq!(v["producers"][0]["config"]["acks"], "all");
    for bad in [
        "producers.5.rate",
        "producers.x.rate",
        "",
        "a..b",
        "producers.0.rate.x",
    ] {
        let mut v2 = v.clone();
        if bad == "producers.0.rate.x" {
            set_field(&mut v2, "producers.0.rate", "5").unwrap();
        }
        assert!(set_field(&mut v2, bad, "1").is_err(), "{bad}");
    }
    let mut v3: serde_json::Value = serde_json::from_str(r#"{"seed": 1}"#).unwrap();
    let e = set_field(&mut v3, "seed.x", "1").unwrap_err().to_string();
    assert!(e.contains("seed") && e.contains("a number"), "{e}");
}

/// The page's "restart with these values" form: edits go through the validator, an invalid one
/// comes back as an error naming the field and the allowed range, a valid one gives the new
/// shape.
#[test]
fn shape_edits_are_validated_as_a_whole() {
    use kafka_sim::scenario_file::{presets::preset, with_edits};
    let base = preset("quickstart").expect("quickstart preset");
    let edit = |p: &str, v: &str| vec![(p.to_string(), v.to_string())];
    let s = with_edits(&base, &edit("topics.0.partitions", "12")).expect("valid");
    assert_eq!(s.topics[0].partitions, 12);
    assert_eq!(s.producers, base.producers);
    let s = with_edits(&base, &edit("cluster.brokers", "5")).expect("valid");
    assert_eq!(s.cluster.brokers, 5);
    let e = with_edits(&base, &edit("topics.0.replication_factor", "9"))
        .expect_err("RF above the broker count")
        .to_string();
    assert!(
        e.contains("topics[0].replication_factor") && e.contains("1..="),
        "{e}"
    );
    let e = with_edits(&base, &edit("cluster.brokers", "0"))
        .expect_err("no brokers")
        .to_string();
    assert!(
        e.contains("cluster.brokers") && e.contains("1..=100"),
        "{e}"
    );
    let e = with_edits(&base, &edit("producers.0.rate", "fast"))
        .expect_err("not a number")
        .to_string();
    assert!(e.contains("producers[0].rate"), "{e}");
}
