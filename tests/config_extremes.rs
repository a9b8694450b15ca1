//! Every numeric config key at the ends of its range (issue 14 items 4 and 10): a scenario
//! either is refused with an error naming the field, or runs — with no arithmetic overflow
//! (tests build with overflow checks, so a wrap panics here) and with simulated time moving
//! forward. Set at start-up and changed live.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::registry::{self, Scope, ValueType};
use kafka_sim::engine::time::MILLIS;
use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::parse_scenario;
use serde_json::{json, Value};

/// Simulated time each run must reach.
const RUN_MS: u64 = 3_000;
/// Most events a run may take to get there (a clock stuck at one instant would need more).
const EVENT_BUDGET: u64 = 3_000_000;

/// A small scenario touching every component: brokers with a crash and restart, a producer, a
/// consumer group; `config` goes into the object of `scope`, `live` becomes a `set_config` at
/// 1 s.
fn scenario(scope: Scope, config: Value, live: Option<(&str, String)>) -> Value {
    let mut s = json!({
        "name": "extremes",
        "duration_ms": RUN_MS,
        "cluster": {"brokers": 3, "config": {}},
        "topics": [{"name": "t", "partitions": 3, "replication_factor": 3, "config": {}}],
        "producers": [{"id": "p", "rate": 2000, "record_size": 100, "config": {}}],
        "consumer_groups": [{"group_id": "g", "members": 2, "config": {}}],
        "faults": [
            {"at_ms": 1500, "action": "crash_broker", "broker": 1},
            {"at_ms": 2200, "action": "restart_broker", "broker": 1}
        ]
    });
    let slot = match scope {
        Scope::Broker => &mut s["cluster"]["config"],
        Scope::Topic => &mut s["topics"][0]["config"],
        Scope::Producer => &mut s["producers"][0]["config"],
        Scope::Consumer => &mut s["consumer_groups"][0]["config"],
    };
    *slot = config;
    if let Some((key, value)) = live {
        let target = match scope {
            Scope::Broker => "broker",
            Scope::Topic => "topic:t",
            Scope::Producer => "producer:p",
            Scope::Consumer => "group:g",
        };
        s["faults"]
            .as_array_mut()
            .expect("faults")
            .push(json!({"at_ms": 1000, "action": "set_config", "target": target, "key": key, "value": value}));
    }
    s
}

/// Runs a scenario that parsed; returns why it failed, if it did.
fn run(text: &str) -> Result<(), String> {
    let s = match parse_scenario(text) {
        Ok(s) => s,
        // Refused at validation: fine, if the message names something.
        Err(e) => {
            let m = e.to_string();
            return if m.is_empty() {
                Err("an empty error".into())
            } else {
                Ok(())
            };
        }
    };
    let mut e = Engine::new(&s);
    let st = e.run_until(RUN_MS * MILLIS, EVENT_BUDGET);
    if !st.reached {
        return Err(format!(
            "simulated time stuck at {} ms after {} events",
            e.now() / MILLIS,
            st.events
        ));
    }
    Ok(())
}

#[test]
fn every_numeric_key_at_its_extremes_is_refused_or_runs() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for scope in Scope::ALL {
        for key in registry::keys(scope).iter().filter(|k| k.modelled) {
            let ValueType::Int { min, max, .. } = key.ty else {
                continue;
            };
            for v in [min, max] {
                for live in [false, true] {
                    let doc = if live {
                        scenario(scope, json!({}), Some((key.name, v.to_string())))
                    } else {
                        scenario(scope, json!({ key.name: v }), None)
                    };
                    let text = doc.to_string();
                    let outcome = std::panic::catch_unwind(|| run(&text)).unwrap_or_else(|p| {
                        Err(p
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panic".into()))
                    });
                    runs += 1;
                    if let Err(why) = outcome {
                        failures.push(format!(
                            "{scope} {} = {v}{}: {why}",
                            key.name,
                            if live { " (live)" } else { "" }
                        ));
                    }
                }
            }
        }
    }
    assert!(runs > 150, "only {runs} runs");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The scenario's own numeric fields at the ends of their ranges (rates, sizes, bursts, keys,
/// processing time, hardware, fault factors): refused or run, never a wrap or a stuck clock.
#[test]
fn every_numeric_scenario_field_at_its_extremes_is_refused_or_runs() {
    let edits: &[(&str, &[&str])] = &[
        ("producers.0.rate", &["1e-300", "0.001", "100000000"]),
        ("producers.0.record_size", &["1", "1048576"]),
        ("producers.0.num_records", &["1", "10000000000000"]),
        (
            "producers.0.keys",
            &[r#"{"uniform": 1}"#, r#"{"uniform": 1000000}"#],
        ),
        (
            "producers.0.keys",
            &[
                r#"{"zipf": 1000000, "exponent": 10}"#,
                r#"{"zipf": 2, "exponent": 1e-300}"#,
            ],
        ),
        ("consumer_groups.0.processing_us_per_record", &["10000000"]),
        ("consumer_groups.0.members", &["0", "500"]),
        ("cluster.hardware.nic_gbps", &["0.001", "1000"]),
        ("cluster.hardware.disk_write_mb_per_s", &["1", "100000"]),
        ("cluster.hardware.disk_read_mb_per_s", &["1", "100000"]),
        ("cluster.hardware.cpu_us_per_request", &["0", "1000000"]),
        ("cluster.hardware.cpu_ns_per_record", &["0", "1000000"]),
        ("cluster.hardware.net_latency_us", &["1", "10000000"]),
        ("cluster.hardware.net_jitter_us", &["0", "10000000"]),
        ("seed", &["0", "18446744073709551615"]),
    ];
    let mut failures = Vec::new();
    for (path, values) in edits {
        for v in *values {
            let mut doc = scenario(Scope::Producer, json!({}), None);
            kafka_sim::scenario_file::set_field(&mut doc, path, v).expect("a field path");
            let text = doc.to_string();
            let outcome =
                std::panic::catch_unwind(|| run(&text)).unwrap_or_else(|_| Err("panic".into()));
            if let Err(why) = outcome {
                failures.push(format!("{path} = {v}: {why}"));
            }
        }
    }
    // Bursts instead of a rate, at both ends.
    for (records, every) in [(1, 86_400_000), (10_000_000, 100), (1, 1)] {
        let mut doc = scenario(Scope::Producer, json!({}), None);
        let p = doc["producers"][0].as_object_mut().expect("producer");
        p.remove("rate");
        p.insert(
            "bursts".into(),
            json!({"records": records, "every_ms": every}),
        );
        let text = doc.to_string();
        let outcome =
            std::panic::catch_unwind(|| run(&text)).unwrap_or_else(|_| Err("panic".into()));
        if let Err(why) = outcome {
            failures.push(format!("bursts {records} every {every} ms: {why}"));
        }
    }
    // Slow-broker factors at both ends.
    for factor in [1, 10_000] {
        let mut doc = scenario(Scope::Producer, json!({}), None);
        doc["faults"].as_array_mut().expect("faults").push(json!(
            {"at_ms": 500, "action": "slow_broker", "broker": 2, "disk_factor": factor, "nic_factor": factor}));
        let text = doc.to_string();
        let outcome =
            std::panic::catch_unwind(|| run(&text)).unwrap_or_else(|_| Err("panic".into()));
        if let Err(why) = outcome {
            failures.push(format!("slow_broker {factor}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
