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
    kafka_sim::scenario::presets::presets()
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
    let s = kafka_sim::scenario::parse_scenario(&preset_json("broker-failure-acks-all")).unwrap();
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
