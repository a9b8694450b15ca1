//! The `kafka-sim` binary end to end: exit codes, messages, reports.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("kafka-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn broken_scenarios_exit_2_with_a_message_naming_the_problem() {
    let t = r#""topics": [{"name": "orders", "partitions": 6, "replication_factor": 3}]"#;
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "empty"),
        ("not json".into(), "not valid JSON"),
        ("[1]".into(), "expected a scenario"),
        ("{\"name\": ".into(), "not valid JSON"),
        (r#"{"topcs": []}"#.into(), "did you mean `topics`"),
        (r#"{"seed": "x"}"#.into(), "seed"),
        (r#"{"seed": -5}"#.into(), "seed = -5"),
        (r#"{"duration_ms": 0}"#.into(), "duration_ms = 0"),
        (r#"{"duration_ms": 1e30}"#.into(), "duration_ms"),
        (
            r#"{"cluster": {"brokers": 0}}"#.into(),
            "cluster.brokers = 0",
        ),
        (r#"{"cluster": {"brokers": 999999}}"#.into(), "1..=100"),
        (
            r#"{"cluster": {"hardware": "quantum"}}"#.into(),
            "cluster.hardware",
        ),
        (
            r#"{"cluster": {"config": {"acks": "all"}}}"#.into(),
            "producer config",
        ),
        (
            r#"{"cluster": {"config": {"min.insync.replica": 2}}}"#.into(),
            "min.insync.replicas",
        ),
        (
            r#"{"cluster": {"brokers": 3}, "topics": [{"name": "o", "partitions": 3, "replication_factor": 5}]}"#.to_string(),
            "replication_factor = 5",
        ),
        (
            r#"{"topics": [{"name": "o", "partitions": 0}]}"#.into(),
            "partitions = 0",
        ),
        (
            r#"{"topics": [{"name": "o", "partitions": 1000000}]}"#.into(),
            "partitions",
        ),
        (
            r#"{"topics": [{"name": "", "partitions": 1}]}"#.into(),
            "name",
        ),
        (r#"{"topics": [{"name": "a"}, {"name": "a"}]}"#.into(), "a"),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "nope"}}]}}"#
            ),
            "nope",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "config": {{"acks": 2}}}}]}}"#
            ),
            "acks",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "config": {{"lingr.ms": 5}}}}]}}"#
            ),
            "linger.ms",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "config": {{"enable.idempotence": true, "acks": "1"}}}}]}}"#
            ),
            "enable.idempotence",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "record_size": 0}}]}}"#
            ),
            "record_size",
        ),
        // Start-up rules of Kafka's clients (issue 14 item 4): field and rule named.
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "config": {{"delivery.timeout.ms": 1000}}}}]}}"#
            ),
            "producers[0].config.delivery.timeout.ms = 1000: must be >= linger.ms + request.timeout.ms",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "config": {{"transactional.id": "tx", "acks": 1}}}}]}}"#
            ),
            "producers[0].config.transactional.id: a transactional.id needs idempotence",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "config": {{"buffer.memory": 1000}}}}]}}"#
            ),
            "producers[0].config.batch.size = 16384: must be <= buffer.memory = 1000",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "consumer_groups": [{{"config": {{"group.remote.assignor": "uniform"}}}}]}}"#
            ),
            "group.remote.assignor: cannot be set with group.protocol=classic",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "rate": -10}}]}}"#
            ),
            "rate",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "producers": [{{"id": "p", "topic": "orders", "rate": 1e12}}]}}"#
            ),
            "rate",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "consumer_groups": [{{"group_id": "g", "topics": ["zzz"]}}]}}"#
            ),
            "zzz",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "consumer_groups": [{{"group_id": "g", "topics": ["orders"], "config": {{"heartbeat.interval.ms": 60000}}}}]}}"#
            ),
            "heartbeat.interval.ms",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "faults": [{{"at_ms": 10, "action": "crash_broker", "broker": 9}}]}}"#
            ),
            "broker",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "faults": [{{"at_ms": 10, "action": "explode"}}]}}"#
            ),
            "explode",
        ),
        (
            format!(
                r#"{{"cluster": {{"brokers": 3}}, {t}, "faults": [{{"at_ms": 10, "action": "crash_leader", "topic": "orders", "partition": 99}}]}}"#
            ),
            "99",
        ),
    ];
    assert!(cases.len() >= 30);
    for (i, (json, needle)) in cases.iter().enumerate() {
        let path = tmp(&format!("bad-{i}.json"), json);
        let out = bin().args(["run", &path, "--quiet"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "case {i} {json}: {err}");
        assert!(
            err.contains(needle),
            "case {i}: {json}\n  stderr: {err}\n  wanted: {needle}"
        );
        assert!(!err.contains("panicked"), "case {i} panicked: {err}");
    }
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        vec!["run"],
        vec!["frobnicate"],
        vec!["run", "quickstart", "--duration-ms", "0"],
        vec!["partition", "--partitions", "0", "k"],
        vec!["preset", "no-such-preset"],
        vec![
            "perf-test",
            "--num-records",
            "10",
            "--throughput",
            "-1",
            "--replication-factor",
            "9",
        ],
        vec![
            "perf-test",
            "--num-records",
            "10",
            "--throughput",
            "5",
            "--producer-props",
            "acks=7",
        ],
        vec!["sweep", "quickstart", "--set", "nonsense", "--csv", "-"],
    ] {
        let out = bin().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn partition_prints_kafka_default_partitions() {
    let out = bin()
        .args(["partition", "--partitions", "6", "foo", "bar"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // murmur2("foo") and murmur2("bar"), toPositive, mod 6 (see tests/partitioner.rs).
    let expected = format!(
        "foo\t{}\nbar\t{}\n",
        kafka_sim::engine::partitioner::partition_for_key(b"foo", 6),
        kafka_sim::engine::partitioner::partition_for_key(b"bar", 6)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn every_preset_runs_and_its_report_is_reproducible() {
    let list = bin().arg("presets").output().unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(names.len() >= 6, "{names:?}");
    for name in names {
        let run = || {
            let out = bin()
                .args(["run", &name, "--duration-ms", "3000", "--json", "-"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for k in [
                "seed",
                "simulated_ms",
                "events",
                "wall_ms",
                "events_per_s",
                "trace_hash",
                "produced",
                "consumed",
                "invariants",
                "throughput",
                "latency_ms",
                "partitions",
                "groups",
            ] {
                assert!(v.get(k).is_some(), "{name}: report lacks {k}");
            }
            // Wall-clock figures differ between runs; everything else must not.
            v["wall_ms"] = 0.into();
            v["events_per_s"] = 0.into();
            v
        };
        assert_eq!(run(), run(), "{name}: a seeded run is reproducible");
    }
}

/// `lesson N --check` prints every claim with its measured value and exits 0 when all hold;
/// `--json -` is machine-readable; `run PRESET --check` judges the preset; a file has no
/// claims (exit 2).
#[test]
fn lesson_and_preset_checks_print_every_claim() {
    let out = bin().args(["lesson", "4", "--check"]).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("held") && text.contains("measured") && text.contains("0 failed"),
        "{text}"
    );
    let out = bin()
        .args(["lesson", "isr", "--check", "--json", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "isr");
    assert!(v[0]["steps"][1]["verdicts"].as_array().unwrap().len() >= 3);
    let out = bin()
        .args(["run", "isr-shrink", "--check"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("NOT_ENOUGH_REPLICAS"));
    let f = tmp(
        "nocheck.json",
        &String::from_utf8_lossy(
            &bin()
                .args(["preset", "quickstart"])
                .output()
                .unwrap()
                .stdout,
        ),
    );
    let out = bin().args(["run", &f, "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin().args(["lesson", "99", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `sweep --shard I/N`: the shards' CSVs, concatenated in order, are the unsharded CSV (issue 18).
#[test]
fn sweep_shards_concatenate_into_the_unsharded_csv() {
    let sweep = |shard: Option<&str>| {
        let mut args = vec![
            "sweep",
            "quickstart",
            "--set",
            "duration_ms=300",
            "--set",
            "producers.0.rate=1000,2000,3000,4000",
            "--set",
            "seed=1,2",
            "--csv",
            "-",
            "--jobs",
            "2",
        ];
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        let out = bin().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let whole = sweep(None);
    assert_eq!(whole.lines().count(), 9, "header + 8 runs:\n{whole}");
    let shards: Vec<String> = ["0/3", "1/3", "2/3"]
        .iter()
        .map(|s| sweep(Some(s)))
        .collect();
    assert!(shards.iter().all(|s| !s.is_empty()), "{shards:?}");
    assert_eq!(shards.concat(), whole);
    let bad = bin()
        .args([
            "sweep",
            "quickstart",
            "--set",
            "seed=1",
            "--csv",
            "-",
            "--shard",
            "3/3",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--shard 3/3"));
}
