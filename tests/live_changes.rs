//! A live change in the page is recorded in the scenario as a fault at the next whole simulated
//! millisecond and applied with `Engine::apply_at`; replaying the recorded scenario from the
//! start gives the same run, bit for bit (the share link, export and autosave carry it).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::scenario::ScheduledFault;

use kafka_sim::engine::time::{ms, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::presets::preset;

/// The next whole millisecond strictly after `now` (ns).
fn next_ms(now: u64) -> u64 {
    now / MILLIS + 1
}

#[test]
fn live_changes_recorded_as_faults_replay_bit_for_bit() {
    let base = preset("quickstart").unwrap();
    let mut recorded = base.clone();
    let mut live = Engine::new(&base);
    // Odd stopping points (not whole milliseconds), as frames leave the engine.
    let plan: Vec<(u64, Command)> = vec![
        (
            1_234_567_891,
            Command::SetConfig {
                target: "producer:orders-app".into(),
                key: "acks".into(),
                value: "1".into(),
            },
        ),
        (
            2_000_000_000,
            Command::SetConfig {
                target: "producer:orders-app".into(),
                key: "linger.ms".into(),
                value: "77".into(),
            },
        ),
        (3_500_000_123, Command::CrashBroker { broker: 2 }),
        (
            4_100_000_007,
            Command::AddConsumer {
                group: "billing".into(),
            },
        ),
        (
            6_000_999_999,
            Command::CrashConsumer {
                group: "billing".into(),
                member: 3,
            },
        ),
        (7_777_777_777, Command::RestartBroker { broker: 2 }),
    ];
    for (t, cmd) in plan {
        live.run_until(t, u64::MAX);
        let at_ms = next_ms(live.now());
        live.apply_at(ms(at_ms), cmd.clone()).unwrap();
        assert_eq!(live.now(), ms(at_ms));
        recorded.faults.push(ScheduledFault { at_ms, action: cmd });
    }
    live.run_until(ms(12_000), u64::MAX);
    // The recorded scenario is valid (it goes through the same parser as a share link) …
    let json = kafka_sim::scenario_file::to_json(&recorded);
    let parsed = kafka_sim::scenario_file::parse_scenario(&json).unwrap();
    assert_eq!(parsed.faults, recorded.faults);
    // … and replays to the same trace.
    let mut replay = Engine::new(&parsed);
    replay.run_until(ms(12_000), u64::MAX);
    assert_eq!(live.trace_hash(), replay.trace_hash());
    assert_eq!(live.snapshot().producers[0].acks, "1");
    assert_eq!(live.snapshot().producers[0].linger_ms, 77);
}

#[test]
fn a_refused_live_change_is_reported_and_changes_nothing() {
    let base = preset("quickstart").unwrap();
    let mut e = Engine::new(&base);
    e.run_until(ms(500), u64::MAX);
    let r = e.apply_at(
        ms(501),
        Command::SetConfig {
            target: "producer:orders-app".into(),
            key: "linger.ms".into(),
            value: "-3".into(),
        },
    );
    assert!(r.is_err());
    assert_eq!(e.snapshot().producers[0].linger_ms, 5);
}
