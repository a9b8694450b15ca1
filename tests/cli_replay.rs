//! `kafka-sim run --until-us`, `compare` and `follow` end to end (issue 17): exit codes,
//! messages naming the field, and reports that match the engine driven as the page drives it.
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

use kafka_sim::engine::time::MICROS;
use kafka_sim::engine::Engine;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("kafka-sim runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("JSON on stdout ({e}): {}{}", stdout(o), stderr(o)))
}

fn tmp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("kafka-sim-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn preset_json(name: &str) -> String {
    kafka_sim::scenario_file::presets::presets()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("preset")
        .1
        .to_string()
}

/// A page paused at an arbitrary moment (frames of uneven length, small event budgets, flows
/// recorded for the animation) is reproduced by `run --until-us` at its `simulated_us`.
#[test]
fn run_until_us_stops_where_the_page_paused_with_the_same_trace_hash() {
    let s =
        kafka_sim::scenario_file::parse_scenario(&preset_json("broker-failure-acks-all")).unwrap();
    let pause_us = 20_412_345u64; // just after the leader crash at 20 s
    let mut page = Engine::new(&s);
    page.set_record_flows(true);
    let mut target = 0;
    while page.now() < pause_us * MICROS {
        target = (target + 16_700 * MICROS).min(pause_us * MICROS);
        while !page.run_until(target, 5_000).reached {}
        page.drain_events();
    }
    let exported = page.report(0.0);
    assert_eq!(exported.simulated_us, pause_us);

    let o = run(&[
        "run",
        "broker-failure-acks-all",
        "--until-us",
        &pause_us.to_string(),
        "--json",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cli = json(&o);
    assert_eq!(cli["simulated_us"], pause_us);
    assert_eq!(cli["simulated_ms"], pause_us / 1000);
    assert_eq!(cli["trace_hash"], exported.trace_hash.as_str());
    assert_eq!(cli["events"], exported.events);
    assert_eq!(cli["produced"]["acked"], exported.produced.acked);

    // One microsecond earlier is a different moment of the same run.
    let o = run(&[
        "run",
        "broker-failure-acks-all",
        "--until-us",
        &(pause_us - 1).to_string(),
        "--json",
        "-",
    ]);
    let earlier = json(&o);
    assert_eq!(earlier["simulated_us"], pause_us - 1);
    assert!(earlier["events"].as_u64() <= cli["events"].as_u64());
}

#[test]
fn run_until_us_mid_millisecond_shows_microseconds_in_the_summary() {
    let o = run(&["run", "quickstart", "--until-us", "1234567"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("simulated 1.234567 s"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn run_until_us_bad_input_exits_2_naming_the_flag() {
    let o = run(&["run", "quickstart", "--until-us", "86400000001"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--until-us = 86400000001"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("0..=86400000000"), "{}", stderr(&o));
    let o = run(&["run", "quickstart", "--until-us", "-5"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "run",
        "quickstart",
        "--until-us",
        "1000",
        "--duration-ms",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--duration-ms"), "{}", stderr(&o));
}

/// The acks=1 data-loss preset against the same scenario with acks=all: same seed, same faults.
fn acks_pair() -> (String, String) {
    let a = preset_json("data-loss-acks-1");
    let b = a
        .replace(r#""acks": "1""#, r#""acks": "all""#)
        .replace(r#""name": "data-loss-acks-1""#, r#""name": "acks-all""#);
    assert_ne!(a, b);
    (tmp("acks-1.json", &a), tmp("acks-all.json", &b))
}

#[test]
fn compare_prints_both_reports_and_their_differences_as_json() {
    let (a, b) = acks_pair();
    let o = run(&["compare", &a, &b, "--json", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let (ra, rb) = (&v["a"], &v["b"]);
    assert_eq!(ra["scenario"], "data-loss-acks-1");
    assert_eq!(rb["scenario"], "acks-all");
    assert_eq!(ra["seed"], rb["seed"]);
    // acks=1 loses acknowledged records when the leader dies; acks=all does not.
    let lost_a = ra["invariants"]["acked_lost"].as_u64().unwrap();
    let lost_b = rb["invariants"]["acked_lost"].as_u64().unwrap();
    assert!(lost_a > 0 && lost_b == 0, "{lost_a} {lost_b}");
    let d = &v["diff"]["invariants.acked_lost"];
    assert_eq!(d["a"], lost_a);
    assert_eq!(d["b"], 0);
    assert_eq!(d["change"], -(lost_a as f64));
    assert_ne!(ra["trace_hash"], rb["trace_hash"]);
    assert!(v["diff"]["trace_hash"].is_object());
    // What measures the machine is not a difference.
    assert!(v["diff"].get("wall_ms").is_none());
    assert!(v["diff"].get("scenario").is_none());
    // A figure equal in both runs is not listed.
    assert!(v["diff"].get("seed").is_none());
}

#[test]
fn compare_of_a_scenario_with_itself_has_no_differences() {
    let o = run(&["compare", "quickstart", "quickstart"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("A: quickstart") && out.contains("B: quickstart"),
        "{out}"
    );
    assert!(out.contains("no differences"), "{out}");
}

#[test]
fn compare_of_files_that_differ_in_seed_explains_and_exits_2() {
    let a = preset_json("quickstart");
    let seed = serde_json::from_str::<serde_json::Value>(&a).unwrap()["seed"]
        .as_u64()
        .unwrap();
    let b = a.replacen(
        &format!(r#""seed": {seed}"#),
        &format!(r#""seed": {}"#, seed + 1),
        1,
    );
    assert_ne!(a, b, "the seed was changed");
    let (pa, pb) = (tmp("seed-a.json", &a), tmp("seed-b.json", &b));
    let o = run(&["compare", &pa, &pb, "--json", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("seed {seed}")) && e.contains(&format!("seed {}", seed + 1)),
        "{e}"
    );
    assert!(e.contains("same `seed`"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn compare_bad_input_exits_2_naming_the_file() {
    let broken = tmp("broken.json", r#"{"topcs": []}"#);
    let o = run(&["compare", "quickstart", &broken]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.json"), "{}", stderr(&o));
    let o = run(&["compare", "quickstart", "no-such-preset"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-preset"), "{}", stderr(&o));
    let o = run(&["compare", "quickstart"]);
    assert_eq!(o.status.code(), Some(2));
}

/// The acks=1 data-loss preset with keyed records (so a record can be followed by key).
fn keyed_acks_1() -> String {
    let s = preset_json("data-loss-acks-1")
        .replace(r#""keys": "none""#, r#""keys": { "uniform": 50 }"#);
    assert!(s.contains(r#""keys": { "uniform": 50 }"#));
    s
}

#[test]
fn follow_prints_a_record_journey_with_the_same_trace_hash_as_run() {
    let o = run(&[
        "follow",
        "quickstart",
        "--key",
        "key-3",
        "--nth",
        "200",
        "--json",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    for want in [
        "send",
        "produce_request",
        "leader_append",
        "replica_copy",
        "high_watermark",
        "acked",
        "consumed",
        "committed",
    ] {
        assert!(steps.contains(&want), "{want} missing in {steps:?}");
    }
    // In time order, and in Kafka's order: appended before copied, the HW passes it only after
    // every copy of the ISR (acks=all), acknowledged after that.
    let at: Vec<u64> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["at_ns"].as_u64().unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "{at:?}");
    let pos = |k: &str| steps.iter().position(|s| *s == k).unwrap();
    let last_copy = steps.iter().rposition(|s| *s == "replica_copy").unwrap();
    assert!(pos("send") < pos("produce_request"));
    assert!(pos("leader_append") < pos("replica_copy"));
    assert!(last_copy < pos("high_watermark") && pos("high_watermark") < pos("acked"));
    assert_eq!(steps.iter().filter(|s| **s == "replica_copy").count(), 2);
    assert_eq!(v["outcome"]["outcome"], "delivered");
    assert_eq!(v["key"], "key-3");
    assert_eq!(v["nth"], 200);
    let offset = v["steps"][pos("leader_append")]["offset"].clone();
    assert_eq!(v["steps"][pos("acked")]["offset"], offset);

    // Following a record changes nothing in the run.
    let o = run(&["run", "quickstart", "--json", "-"]);
    assert_eq!(json(&o)["trace_hash"], v["trace_hash"]);

    // The text form says the same.
    let o = run(&["follow", "quickstart", "--key", "key-3", "--nth", "200"]);
    let out = stdout(&o);
    assert!(out.contains("record 200 of"), "{out}");
    assert!(
        out.contains(&format!("appended it at offset {offset}")),
        "{out}"
    );
    assert!(out.contains("outcome at 30.000 s: delivered"), "{out}");
}

/// acks=1 and a leader crash: find, with the engine, a record of key-7 that was acknowledged
/// and lost; `follow` shows its journey ending in the loss, naming the broker that cut it.
#[test]
fn follow_shows_where_an_acknowledged_record_was_lost_with_acks_1() {
    use kafka_sim::engine::journey::{JourneyBook, Outcome};
    let text = keyed_acks_1();
    let s = kafka_sim::scenario_file::parse_scenario(&text).unwrap();
    let mut e = Engine::new(&s);
    e.follow_key("key-7").unwrap();
    let mut book = JourneyBook::new(vec!["analytics".into()]);
    while !e.run_until(50_000_000_000, 5_000).reached {
        e.drain_events().iter().for_each(|x| book.observe(x));
    }
    e.drain_events().iter().for_each(|x| book.observe(x));
    let lost = book
        .records()
        .iter()
        .position(|r| {
            matches!(
                book.outcome(r, &e.record_copies(r)),
                Some(Outcome::Lost { .. })
            )
        })
        .expect("acks=1 loses some record of key-7");
    let nth = (lost + 1).to_string();
    let path = tmp("keyed-acks-1.json", &text);
    let o = run(&[
        "follow", &path, "--key", "key-7", "--nth", &nth, "--json", "-",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["outcome"]["outcome"], "lost");
    let steps = v["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    let acked = kinds
        .iter()
        .position(|k| *k == "acked")
        .expect("acknowledged");
    let cut = kinds
        .iter()
        .rposition(|k| *k == "truncated")
        .expect("truncated");
    assert!(acked < cut, "{kinds:?}");
    // Acknowledged by the leader alone: no follower had copied it.
    assert!(!kinds[..acked].contains(&"replica_copy"), "{kinds:?}");
    assert_eq!(v["outcome"]["last_truncated_on"], steps[cut]["broker"]);
    let o = run(&["follow", &path, "--key", "key-7", "--nth", &nth]);
    assert!(stdout(&o).contains("LOST"), "{}", stdout(&o));
}

#[test]
fn follow_bad_input_exits_2_naming_the_field() {
    // A key the producers do not send.
    let o = run(&["follow", "quickstart", "--key", "key-100000"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--key = key-100000") && e.contains("producers[0].keys"),
        "{e}"
    );
    let o = run(&["follow", "quickstart", "--key", "customer-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--key = customer-1"), "{}", stderr(&o));
    // A keyless scenario.
    let o = run(&["follow", "data-loss-acks-1", "--key", "key-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("producers[].keys"), "{}", stderr(&o));
    // N past the end: the message says how many there were.
    let o = run(&[
        "follow",
        "quickstart",
        "--key",
        "key-3",
        "--nth",
        "100000",
        "--until-us",
        "2000000",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("--nth = 100000: key key-3 was sent"), "{e}");
    assert!(e.contains("allowed 1..="), "{e}");
    let o = run(&["follow", "quickstart", "--key", "key-3", "--nth", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--nth = 0"), "{}", stderr(&o));
    // Nothing sent yet at time zero.
    let o = run(&["follow", "quickstart", "--key", "key-3", "--until-us", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no record with this key"),
        "{}",
        stderr(&o)
    );
    let o = run(&["follow", "quickstart"]);
    assert_eq!(o.status.code(), Some(2));
}
