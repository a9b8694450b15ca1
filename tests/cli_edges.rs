//! The command line's edges (issue 14 items 9 and 11): warnings on stderr, a byte-order mark,
//! perf-test that cannot send, topic names.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
}

fn tmp(name: &str, text: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("kafka-sim-cli-edges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out: Output = bin().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const UNMODELLED: &str = r#"{
  "duration_ms": 2000,
  "topics": [{"name": "t", "partitions": 3, "replication_factor": 3,
              "config": {"cleanup.policy": "compact"}}],
  "producers": [{"config": {"compression.type": "lz4"}}],
  "consumer_groups": [{"config": {"check.crcs": false, "client.rack": "az1"}}]
}"#;

/// Issue 14 item 9: `kafka-sim run` names every key it accepts but does not model, on stderr
/// (SCENARIOS.md promises it); the run still succeeds. They used to pass silently.
#[test]
fn run_warns_about_each_unmodelled_key() {
    let path = tmp("unmodelled.json", UNMODELLED.as_bytes());
    let (code, _, err) = run(&["run", &path]);
    assert_eq!(code, Some(0), "{err}");
    for (field, key) in [
        ("topics[0].config.cleanup.policy", "cleanup.policy"),
        ("producers[0].config.compression.type", "compression.type"),
        ("consumer_groups[0].config.check.crcs", "check.crcs"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(field))
            .unwrap_or_else(|| panic!("no warning for {key} in:\n{err}"));
        assert!(
            line.starts_with("kafka-sim: warning: ") && line.contains("does not model"),
            "{line}"
        );
    }
    // client.rack is modelled since issue 20 (KIP-392): without racks it is a warning of its own.
    assert!(
        err.contains(
            "kafka-sim: warning: consumer_groups[0].config.client.rack: `az1`: the cluster has no racks"
        ),
        "{err}"
    );
    // --quiet silences them with the rest.
    let (code, _, err) = run(&["run", &path, "--quiet"]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
}

/// Issue 14 item 11: a scenario file starting with a UTF-8 byte-order mark is read (the page's
/// file reader drops the mark, so the CLI does too). It was "not valid JSON".
#[test]
fn a_scenario_file_with_a_byte_order_mark_runs() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(br#"{"duration_ms": 500, "topics": [{"name": "t"}]}"#);
    let path = tmp("bom.json", &bytes);
    let (code, out, err) = run(&["run", &path]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("simulated 0.500 s"), "{out}");
}

fn perf(extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["perf-test", "--num-records", "2000", "--throughput", "1000"];
    args.extend_from_slice(extra);
    run(&args)
}

/// Issue 14 item 11: a perf-test that cannot send says why (exit 2), instead of "0 records
/// sent" with exit 0: records over `max.request.size`, a throughput too low for the run.
#[test]
fn perf_test_that_cannot_send_says_why() {
    let (code, out, err) = perf(&["--record-size", "1048576"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("--record-size") && err.contains("max.request.size = 1048576"),
        "{err}"
    );
    let (code, _, err) = perf(&[
        "--record-size",
        "2000",
        "--producer-props",
        "buffer.memory=1000",
        "batch.size=100",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("buffer.memory = 1000"), "{err}");
    let (code, out, err) = run(&["perf-test", "--num-records", "5", "--throughput", "0.0001"]);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("--throughput") && err.contains("10000 s"),
        "{err}"
    );
}

/// `--topic` follows Kafka's topic name rules, as scenario files do; `--producer-props` meets
/// Kafka's start-up rules and warns about keys it does not model.
#[test]
fn perf_test_validates_topic_and_props_as_scenarios_do() {
    for topic in ["__consumer_offsets", "a/b", ""] {
        let (code, _, err) = perf(&["--topic", topic]);
        assert_eq!(code, Some(2), "--topic {topic:?}: {err}");
        assert!(err.contains("--topic"), "{err}");
    }
    let (code, _, err) = perf(&["--producer-props", "delivery.timeout.ms=10"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--producer-props delivery.timeout.ms = 10: must be >= linger.ms"),
        "{err}"
    );
    let (code, out, err) = perf(&["--producer-props", "compression.type=gzip"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: --producer-props compression.type"),
        "{err}"
    );
    assert!(out.starts_with("2000 records sent"), "{out}");
}

/// MB/sec counts record values (`--record-size`), in MiB, as `ProducerPerformance` does (it
/// counted batch bytes, header and overheads included); `--producers N` runs N copies, each
/// sending `--num-records` at `--throughput`.
#[test]
fn perf_test_counts_value_bytes_and_runs_n_copies() {
    let (code, out, err) = perf(&["--record-size", "1000", "--producers", "3"]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for (i, l) in lines[..3].iter().enumerate() {
        assert!(
            l.starts_with(&format!("producer-{}: 2000 records sent", i + 1)),
            "{l}"
        );
    }
    let total = lines[3];
    assert!(total.starts_with("6000 records sent"), "{total}");
    let num = |after: &str, until: &str| -> f64 {
        let s = &total[total.find(after).unwrap() + after.len()..];
        s[..s.find(until).unwrap()].trim().parse().unwrap()
    };
    let rps = num("sent, ", " records/sec");
    let mbps = num("records/sec (", " MB/sec");
    assert!((2_900.0..3_100.0).contains(&rps), "{total}");
    assert!((mbps - rps * 1000.0 / 1_048_576.0).abs() < 0.01, "{total}");
}
