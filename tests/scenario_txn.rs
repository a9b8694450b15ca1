//! Transactions in scenario files (issue 19): the `transactions` workload, `isolation.level`,
//! the errors Kafka gives for a transactional producer without idempotence, and the report's
//! transaction fields.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::{parse_scenario, to_json};

fn scenario(producer_extra: &str, group_config: &str) -> String {
    format!(
        r#"{{"cluster": {{"brokers": 3}}, "duration_ms": 8000, "seed": 3,
        "topics": [{{"name": "orders", "partitions": 3, "replication_factor": 3}}],
        "producers": [{{"id": "p1", "topic": "orders", "rate": 2000{producer_extra}}}],
        "consumer_groups": [{{"group_id": "g1", "topics": ["orders"],
            "config": {{"auto.offset.reset": "earliest"{group_config}}}}}]}}"#
    )
}

const TXN: &str = r#", "config": {"transactional.id": "orders-app"},
    "transactions": {"records": 100, "abort_ratio": 0.3}"#;

#[test]
fn a_transactional_scenario_parses_round_trips_and_reports_transactions() {
    let text = scenario(TXN, r#", "isolation.level": "read_committed""#);
    let s = parse_scenario(&text).expect("valid");
    let t = s.producers[0].transactions.expect("transactions");
    assert_eq!((t.records, t.abort_ratio), (100, 0.3));
    assert!(s.consumer_groups[0].config.read_committed());
    // The file form keeps both.
    let again = parse_scenario(&to_json(&s)).expect("round trip");
    assert_eq!(again, s);
    let mut e = Engine::new(&s);
    e.run_until(kafka_sim::engine::time::ms(8_000), u64::MAX);
    let r = e.report(0.0);
    let tx = r
        .transactions
        .expect("a transactional scenario reports transactions");
    assert!(tx.committed > 10 && tx.aborted > 3, "{tx:?}");
    assert_eq!((tx.timed_out, tx.fenced), (0, 0));
    assert_eq!(r.groups[0].isolation_level, "read_committed");
    assert_eq!(r.invariants.aborted_read, 0);
    assert_eq!(r.invariants.uncommitted_read, 0);
    assert!(r.consumed > 5_000, "{}", r.consumed);
    for p in r.partitions.iter().filter(|p| p.topic == "orders") {
        assert!(p.last_stable_offset <= p.high_watermark);
    }
}

#[test]
fn a_pause_client_fault_round_trips() {
    let text = scenario(TXN, "").replace(
        r#""consumer_groups""#,
        r#""faults": [{"at_ms": 1000, "action": "pause_client", "producer": "p1", "ms": 3000}], "consumer_groups""#,
    );
    let s = parse_scenario(&text).expect("valid");
    assert_eq!(
        s.faults[0].action,
        kafka_sim::engine::Command::PauseClient {
            producer: "p1".into(),
            ms: 3000
        }
    );
    assert_eq!(parse_scenario(&to_json(&s)).expect("round trip"), s);
}

#[test]
fn a_non_transactional_report_has_no_transactions_section() {
    let s = parse_scenario(&scenario("", "")).unwrap();
    let mut e = Engine::new(&s);
    e.run_until(kafka_sim::engine::time::ms(1_000), u64::MAX);
    let r = e.report(0.0);
    assert!(r.transactions.is_none());
    assert_eq!(r.groups[0].isolation_level, "read_uncommitted");
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"transactions\""));
}

#[test]
fn bad_transactional_input_names_the_field() {
    let cases: Vec<(String, &[&str])> = vec![
        (
            scenario(
                r#", "config": {"transactional.id": "x"}, "transactions": {"records": 10, "abort_ratio": 1.5}"#,
                "",
            ),
            &["abort_ratio"],
        ),
        (
            scenario(
                r#", "config": {"transactional.id": "x"}, "transactions": {"records": 0}"#,
                "",
            ),
            &["records"],
        ),
        (
            scenario(r#", "transactions": {"records": 10}"#, ""),
            &["transactions", "transactional.id"],
        ),
        (
            scenario(r#", "config": {"transactional.id": "x", "acks": "1"}"#, ""),
            &["transactional.id", "idempotence"],
        ),
        (
            scenario(
                r#", "config": {"transactional.id": "x", "enable.idempotence": false}"#,
                "",
            ),
            &["transactional.id"],
        ),
        (
            scenario("", r#", "isolation.level": "read_commited""#),
            &["isolation.level", "read_committed"],
        ),
        (
            scenario("", "").replace(
                r#""consumer_groups""#,
                r#""faults": [{"at_ms": 10, "action": "pause_client", "producer": "nope", "ms": 5}], "consumer_groups""#,
            ),
            &["faults[0].producer"],
        ),
        (
            scenario("", "").replace(
                r#""consumer_groups""#,
                r#""faults": [{"at_ms": 10, "action": "pause_client", "producer": "p1"}], "consumer_groups""#,
            ),
            &["faults[0].ms"],
        ),
    ];
    for (text, needles) in cases {
        let e = parse_scenario(&text).expect_err(&text).to_string();
        for n in needles {
            assert!(e.contains(n), "{e:?} should name {n}");
        }
    }
}
