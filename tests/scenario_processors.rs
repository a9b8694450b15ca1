//! Processors in scenario files (issue 19): `processors` parse, round-trip and run; bad input
//! names the field (CLI exit 2); `pause_client` takes a processor member.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command as Process;

use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::{parse_scenario, to_json};

fn scenario(processor: &str, faults: &str) -> String {
    format!(
        r#"{{"cluster": {{"brokers": 3}}, "duration_ms": 12000, "seed": 5,
        "topics": [{{"name": "orders", "partitions": 3, "replication_factor": 3}},
                   {{"name": "enriched", "partitions": 3, "replication_factor": 3}}],
        "producers": [{{"id": "source", "topic": "orders", "rate": 2000, "num_records": 10000}}],
        "consumer_groups": [{{"group_id": "audit", "topics": ["enriched"]}}],
        "processors": [{processor}],
        "faults": [{faults}]}}"#
    )
}

const OK: &str = r#"{"id": "enrich", "group_id": "enrich", "input": "orders", "output": "enriched",
    "records_per_transaction": 200, "members": 2,
    "config": {"producer.linger.ms": 10, "consumer.max.poll.records": 100, "request.timeout.ms": 20000}}"#;

#[test]
fn a_processor_parses_round_trips_and_runs_exactly_once() {
    let text = scenario(
        OK,
        r#"{"at_ms": 3000, "action": "pause_client", "processor": "enrich", "member": 1, "ms": 1000}"#,
    );
    let s = parse_scenario(&text).expect("valid");
    let p = &s.processors[0];
    assert_eq!((p.members, p.records_per_transaction), (2, 200));
    assert_eq!(p.producer.linger_ms, 10);
    assert_eq!(p.consumer.max_poll_records, 100);
    // Unprefixed: every client that knows the key.
    assert_eq!(p.producer.request_timeout_ms, 20_000);
    assert_eq!(p.consumer.request_timeout_ms, 20_000);
    assert_eq!(
        s.faults[0].action,
        kafka_sim::engine::Command::PauseClient {
            producer: "enrich-1".into(),
            ms: 1000
        }
    );
    assert_eq!(parse_scenario(&to_json(&s)).expect("round trip"), s);
    let mut e = Engine::new(&s);
    e.run_until(kafka_sim::engine::time::ms(12_000), u64::MAX);
    let r = e.report(0.0);
    assert!(r.transactions.as_ref().expect("transactions").committed > 10);
    assert_eq!(r.invariants.eos_duplicates, Some(0));
    assert_eq!(r.invariants.eos_missing, Some(0));
    let enrich = r
        .groups
        .iter()
        .find(|g| g.group_id == "enrich")
        .expect("group");
    assert_eq!(
        (enrich.lag, enrich.isolation_level.as_str()),
        (0, "read_committed")
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"eos_missing\":0"), "{json}");
}

#[test]
fn scenarios_without_processors_report_no_exactly_once_audit() {
    let s = parse_scenario(&scenario("", "")).expect("valid");
    let mut e = Engine::new(&s);
    e.run_until(kafka_sim::engine::time::ms(1_000), u64::MAX);
    let json = serde_json::to_string(&e.report(0.0)).unwrap();
    assert!(!json.contains("eos_"), "{json}");
}

fn bad_cases() -> Vec<(String, &'static [&'static str])> {
    let with = |from: &str, to: &str| scenario(&OK.replace(from, to), "");
    vec![
        (
            with(r#""input": "orders""#, r#""input": "ordres""#),
            &["processors[0].input", "orders"],
        ),
        (
            with(r#""output": "enriched""#, r#""output": "orders""#),
            &["processors[0].output"],
        ),
        (
            with(
                r#""records_per_transaction": 200"#,
                r#""records_per_transaction": 0"#,
            ),
            &["processors[0].records_per_transaction"],
        ),
        (
            with(r#""records_per_transaction": 200, "#, ""),
            &["processors[0].records_per_transaction"],
        ),
        (
            with(r#""group_id": "enrich""#, r#""group_id": "audit""#),
            &["processors[0].group_id", "consumer_groups[0]"],
        ),
        (
            with(r#""members": 2"#, r#""members": 0"#),
            &["processors[0].members"],
        ),
        (
            with(r#""producer.linger.ms": 10"#, r#""producer.acks": "1""#),
            &["acks"],
        ),
        (
            with(
                r#""producer.linger.ms": 10"#,
                r#""consumer.isolation.level": "read_commited""#,
            ),
            &["isolation.level", "read_committed"],
        ),
        (
            with(r#""producer.linger.ms": 10"#, r#""lingr.ms": 10"#),
            &["processors[0].config", "lingr.ms"],
        ),
        (
            scenario(
                OK,
                r#"{"at_ms": 10, "action": "pause_client", "processor": "nope", "ms": 5}"#,
            ),
            &["faults[0].processor"],
        ),
        (
            scenario(
                OK,
                r#"{"at_ms": 10, "action": "pause_client", "processor": "enrich", "member": 2, "ms": 5}"#,
            ),
            &["faults[0].member"],
        ),
    ]
}

#[test]
fn bad_processor_input_names_the_field() {
    for (text, needles) in bad_cases() {
        let e = parse_scenario(&text).expect_err(&text).to_string();
        for n in needles {
            assert!(e.contains(n), "{e:?} should name {n}");
        }
    }
}

#[test]
fn the_cli_exits_2_on_a_bad_processor() {
    let dir = std::env::temp_dir().join(format!("kafka-sim-processors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (text, needles) = &bad_cases()[0];
    let path = dir.join("bad.json");
    std::fs::write(&path, text).unwrap();
    let out = Process::new(env!("CARGO_BIN_EXE_kafka-sim"))
        .args(["run", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for n in *needles {
        assert!(err.contains(n), "{err}");
    }
}
