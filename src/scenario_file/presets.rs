//! Built-in scenarios (`scenarios/*.json`, embedded in the binary and the page).

use crate::engine::scenario::Scenario;

/// Every preset as `(name, JSON)`, in the order the page lists them.
const PRESETS: &[(&str, &str)] = &[
    (
        "quickstart",
        include_str!("../../scenarios/quickstart.json"),
    ),
    (
        "broker-failure-acks-all",
        include_str!("../../scenarios/broker-failure-acks-all.json"),
    ),
    (
        "data-loss-acks-1",
        include_str!("../../scenarios/data-loss-acks-1.json"),
    ),
    (
        "batching-tradeoff",
        include_str!("../../scenarios/batching-tradeoff.json"),
    ),
    (
        "consumer-group-rebalance",
        include_str!("../../scenarios/consumer-group-rebalance.json"),
    ),
    (
        "slow-consumer-lag",
        include_str!("../../scenarios/slow-consumer-lag.json"),
    ),
    (
        "isr-shrink",
        include_str!("../../scenarios/isr-shrink.json"),
    ),
    (
        "idempotent-producer",
        include_str!("../../scenarios/idempotent-producer.json"),
    ),
    (
        "quick-restart",
        include_str!("../../scenarios/quick-restart.json"),
    ),
    (
        "last-replica-standing",
        include_str!("../../scenarios/last-replica-standing.json"),
    ),
    (
        "isolated-broker-heal",
        include_str!("../../scenarios/isolated-broker-heal.json"),
    ),
    (
        "rolling-restart",
        include_str!("../../scenarios/rolling-restart.json"),
    ),
    (
        "exactly-once",
        include_str!("../../scenarios/exactly-once.json"),
    ),
    (
        "big-cluster",
        include_str!("../../scenarios/big-cluster.json"),
    ),
    (
        "multi-zone",
        include_str!("../../scenarios/multi-zone.json"),
    ),
    (
        "exactly-once-pipeline",
        include_str!("../../scenarios/exactly-once-pipeline.json"),
    ),
    (
        "uneven-racks",
        include_str!("../../scenarios/uneven-racks.json"),
    ),
];

/// Every preset as `(name, JSON)`.
pub fn presets() -> Vec<(&'static str, &'static str)> {
    PRESETS.to_vec()
}

/// The preset called `name`, parsed (`None` if there is no such preset).
pub fn preset(name: &str) -> Option<Scenario> {
    let (_, json) = PRESETS.iter().find(|(n, _)| *n == name)?;
    super::parse_scenario(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario_file::{parse_scenario, parse_scenario_with_warnings, to_json};

    #[test]
    fn every_preset_parses_validates_and_round_trips() {
        for (name, json) in presets() {
            let (s, warnings) =
                parse_scenario_with_warnings(json).unwrap_or_else(|e| panic!("preset {name}: {e}"));
            assert_eq!(s.name, name, "a preset's name is its id");
            assert!(!s.description.is_empty(), "{name} needs a description");
            assert!(warnings.is_empty(), "{name}: {warnings:?}");
            let again = parse_scenario(&to_json(&s)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again, s, "{name} round-trip");
            assert_eq!(preset(name), Some(s));
        }
        assert_eq!(preset("nope"), None);
    }
}
