#![cfg(not(target_arch = "wasm32"))]
//! No input makes the scenario parser, `set_field` or the share-link decoder panic; anything the
//! parser accepts survives `to_json` → parse unchanged.

use proptest::prelude::*;
use serde_json::{json, Value};

use kafka_sim::scenario_file::presets::presets;
use kafka_sim::scenario_file::{parse_scenario, parse_scenario_value, set_field, to_json};
use kafka_sim::share::{decode_share, encode_share};

/// Values that probe edges: types, signs, sizes, precision, names the parser knows.
fn interesting(n: u64) -> Value {
    let pick = [
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-1),
        json!(2),
        json!(3),
        json!(64),
        json!(65),
        json!(1000),
        json!(0.5),
        json!(-0.0),
        json!(1e300),
        json!(-1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(9_007_199_254_740_993u64),
        json!(2_147_483_648u64),
        json!(""),
        json!("all"),
        json!("max"),
        json!("none"),
        json!("orders"),
        json!("cloud"),
        json!("crash_broker"),
        json!("set_config"),
        json!("producer:p1"),
        json!("broker"),
        json!("linger.ms"),
        json!("x".repeat(300)),
        json!("🦀\u{0}\"\\"),
        json!([]),
        json!([1, 2]),
        json!([[1], [2, 3]]),
        json!({}),
        json!({"uniform": 5}),
        json!({"zipf": 5, "exponent": 2}),
        json!({"records": 5, "every_ms": 0}),
        json!({"linger.ms": 5, "acks": "1"}),
    ];
    pick[(n % pick.len() as u64) as usize].clone()
}

/// Every path in a document, as (pointer to parent, key-or-index).
fn paths(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            paths(
                c,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, c)| paths(c, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// Applies one mutation chosen by `(where, how, what)`.
fn mutate(doc: &mut Value, at: u64, how: u8, what: u64) {
    let mut all = Vec::new();
    paths(doc, String::new(), &mut all);
    let target = all[(at % all.len() as u64) as usize].clone();
    let Some(node) = doc.pointer_mut(&target) else {
        return;
    };
    match how % 6 {
        0 | 1 => *node = interesting(what),
        2 => match node {
            Value::Object(m) if !m.is_empty() => {
                let k = m
                    .keys()
                    .nth((what % m.len() as u64) as usize)
                    .cloned()
                    .unwrap_or_default();
                m.remove(&k);
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove((what % a.len() as u64) as usize);
            }
            _ => *node = Value::Null,
        },
        3 => match node {
            Value::Array(a) if !a.is_empty() => {
                let item = a[(what % a.len() as u64) as usize].clone();
                a.push(item);
            }
            Value::Object(m) => {
                let keys = [
                    "config",
                    "brokers",
                    "partitions",
                    "rate",
                    "bursts",
                    "members",
                    "acks",
                    "at_ms",
                    "zzz",
                ];
                m.insert(
                    keys[(what % keys.len() as u64) as usize].to_string(),
                    interesting(what / 7),
                );
            }
            _ => {}
        },
        4 => {
            if let Value::Number(_) = node {
                let f = node.as_f64().unwrap_or(0.0);
                *node = json!(f * (what % 1000) as f64 - 3.0);
            }
        }
        _ => {
            if let Value::String(s) = node {
                let mut s2 = s.clone();
                s2.insert(0, 'x');
                *node = Value::String(s2);
            }
        }
    }
}

fn check_round_trip(doc: &Value) {
    if let Ok((s, _)) = parse_scenario_value(doc) {
        let text = to_json(&s);
        let again =
            parse_scenario(&text).unwrap_or_else(|e| panic!("re-parse failed: {e}\n{text}"));
        assert_eq!(again, s, "round trip changed the scenario\n{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in ".{0,400}") {
        let _ = parse_scenario(&s);
        let _ = decode_share(&s);
        let _ = decode_share(&format!("v1.{s}"));
    }

    #[test]
    fn json_shaped_text_never_panics(s in r#"[\[\]{}":,0-9a-z_.\- e+]{0,200}"#) {
        let _ = parse_scenario(&s);
        let _ = parse_scenario(&format!("{{\"faults\": [{s}]}}"));
        let _ = parse_scenario(&format!("{{\"producers\": [{{\"config\": {{{s}}}}}]}}"));
    }

    #[test]
    fn mutated_presets_never_panic_and_round_trip(
        which in 0usize..8,
        muts in proptest::collection::vec((any::<u64>(), any::<u8>(), any::<u64>()), 1..6),
    ) {
        let all = presets();
        let (_, text) = all[which % all.len()];
        let mut doc: Value = serde_json::from_str(text).unwrap();
        for (at, how, what) in muts {
            mutate(&mut doc, at, how, what);
            check_round_trip(&doc);
        }
        let text = doc.to_string();
        let _ = parse_scenario(&text);
        prop_assert_eq!(decode_share(&encode_share(&text)).unwrap(), text);
    }

    #[test]
    fn set_field_never_panics(path in r#"[a-z_.\[\]0-9]{0,40}"#, value in ".{0,20}") {
        let (_, text) = presets()[0];
        let mut doc: Value = serde_json::from_str(text).unwrap();
        let _ = set_field(&mut doc, &path, &value);
        let _ = parse_scenario_value(&doc);
    }
}

#[test]
fn deep_nesting_and_huge_input_are_errors() {
    let deep = "[".repeat(100_000);
    assert!(parse_scenario(&deep).is_err());
    let deep_obj = format!("{{\"faults\": {}", "[".repeat(5_000));
    assert!(parse_scenario(&deep_obj).is_err());
    let huge = format!("{{\"description\": \"{}\"}}", "x".repeat(2 << 20));
    assert!(parse_scenario(&huge)
        .unwrap_err()
        .to_string()
        .contains("at most"));
}
