//! Replaying a run (issue 17): the trace hash depends only on the scenario and the simulated
//! time reached, not on how the run was driven (chunks, event budgets, what is recorded for the
//! page), so `kafka-sim run --until-us` reproduces a page paused at any moment.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::time::MICROS;
use kafka_sim::engine::Engine;

fn preset(name: &str) -> kafka_sim::engine::scenario::Scenario {
    let (_, json) = kafka_sim::scenario_file::presets::presets()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("preset");
    kafka_sim::scenario_file::parse_scenario(json).expect("valid preset")
}

/// The page records message flows for its animation at slow speeds only; turning that on or
/// off must not change the run's trace hash (it did: flows were hashed as events).
#[test]
fn recording_flows_for_the_animation_leaves_the_trace_hash_alone() {
    let s = preset("quickstart");
    let t = 2_500_000 * MICROS;
    let mut plain = Engine::new(&s);
    plain.run_until(t, u64::MAX);
    let mut animated = Engine::new(&s);
    animated.set_record_flows(true);
    animated.set_record_bulk(true);
    animated.run_until(t, u64::MAX);
    assert!(
        animated
            .drain_events()
            .iter()
            .any(|e| matches!(e.event, kafka_sim::engine::events::SimEvent::Flow { .. })),
        "flows were recorded"
    );
    assert_eq!(plain.events_processed(), animated.events_processed());
    assert_eq!(plain.trace_hash(), animated.trace_hash());
}

/// A page-like drive (frames of uneven simulated length, small event budgets, flows switched
/// on and off with the speed) reaches the same hash at time T as one call to `run_until(T)`.
#[test]
fn a_run_driven_frame_by_frame_reaches_the_same_hash_as_one_run_to_the_same_time() {
    let s = preset("broker-failure-acks-all");
    let t = 21_337_123 * MICROS;
    let mut one = Engine::new(&s);
    one.run_until(t, u64::MAX);

    let mut framed = Engine::new(&s);
    let mut target = 0;
    let mut frame = 0u64;
    while framed.now() < t {
        frame += 1;
        target = (target + 16_667 * MICROS * (1 + frame % 7)).min(t);
        framed.set_record_flows(frame % 3 == 0);
        while !framed.run_until(target, 997).reached {}
        framed.drain_events();
    }
    assert_eq!(framed.now(), t);
    assert_eq!(one.trace_hash(), framed.trace_hash());
    assert_eq!(one.report(0.0).simulated_us, 21_337_123);
}

/// Where a page's frame runs out of budget is where a person may pause and export; the CLI's
/// `run --until-us` of the export must reach the same state. So a run cut by its event budget
/// stops only between two simulated instants: the state after every call, reached or not, is
/// that of one run to `now()`. (A fresh-clone `make test` once failed its timeline check this
/// way: the page had paused between two events of the same microsecond.)
#[test]
fn a_run_cut_by_its_event_budget_stops_between_instants() {
    let s = preset("broker-failure-acks-all");
    let mut cut = Engine::new(&s);
    // Follows `cut`, always running everything up to its time: a run to `now()`.
    let mut whole = Engine::new(&s);
    let mut cuts = 0;
    for budget in [97u64, 13, 251, 7, 1009].into_iter().cycle() {
        if cut.run_until(6_000_000 * MICROS, budget).reached {
            break;
        }
        whole.run_until(cut.now(), u64::MAX);
        assert_eq!(
            (whole.events_processed(), whole.trace_hash()),
            (cut.events_processed(), cut.trace_hash()),
            "cut at {} µs after {} events",
            cut.now() / MICROS,
            cut.events_processed()
        );
        cuts += 1;
    }
    assert!(cuts > 100, "{cuts} cuts");
}
