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
