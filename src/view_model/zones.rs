//! What the page shows of racks and zones (issue 20): the brokers grouped by rack (a label per
//! zone on the cluster view), the cross-zone traffic per link class with its monthly price
//! (the engine's `cross_zone`, as in the report), and the scenario's risky settings with their
//! reasons (the same [`crate::scenario_file::risky_settings`] the CLI prints).

use crate::engine::racks::{BrokerRack, CrossZone};
use crate::engine::scenario::Scenario;
use crate::scenario_file::{risky_settings, ScenarioWarning};

/// Racks and their brokers, in the order the racks first appear among the brokers.
pub fn brokers_by_rack(racks: &[BrokerRack]) -> Vec<(String, Vec<u32>)> {
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for b in racks {
        match out.iter_mut().find(|(r, _)| *r == b.rack) {
            Some((_, ids)) => ids.push(b.id),
            None => out.push((b.rack.clone(), vec![b.id])),
        }
    }
    out
}

/// Bytes, short: `812 B`, `3.4 kB`, `12.0 MB`, `1.25 GB` (powers of 1000, as the price is per
/// GB of 10^9 bytes).
pub fn bytes_text(b: u64) -> String {
    let f = b as f64;
    if f >= 1e9 {
        format!("{:.2} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.1} kB", f / 1e3)
    } else {
        format!("{b} B")
    }
}

/// The cross-zone figures as rows (i18n key of the link class, bytes text, bytes): produce,
/// replication, consume, other.
pub fn cross_rows(c: &CrossZone) -> Vec<(&'static str, String, u64)> {
    [
        ("zones.produce", c.produce_bytes),
        ("zones.replication", c.replication_bytes),
        ("zones.consume", c.consume_bytes),
        ("zones.other", c.other_bytes),
    ]
    .into_iter()
    .map(|(k, b)| (k, bytes_text(b), b))
    .collect()
}

/// Dollars a month, `$1,234.56` style without separators: `$1234.56`.
pub fn usd_text(usd: f64) -> String {
    if usd >= 100.0 {
        format!("${usd:.0}")
    } else {
        format!("${usd:.2}")
    }
}

/// The scenario's risky settings (the CLI's function; reasons in English, as the CLI prints
/// them).
pub fn risks(s: &Scenario) -> Vec<ScenarioWarning> {
    risky_settings(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brokers_are_grouped_by_rack_in_order_of_appearance() {
        let r = |id, rack: &str| BrokerRack {
            id,
            rack: rack.into(),
        };
        let g = brokers_by_rack(&[r(1, "a"), r(2, "b"), r(3, "c"), r(4, "a"), r(5, "b")]);
        assert_eq!(
            g,
            vec![
                ("a".to_string(), vec![1, 4]),
                ("b".to_string(), vec![2, 5]),
                ("c".to_string(), vec![3])
            ]
        );
        assert!(brokers_by_rack(&[]).is_empty());
    }

    #[test]
    fn bytes_and_dollars_read_short() {
        assert_eq!(bytes_text(812), "812 B");
        assert_eq!(bytes_text(3_400), "3.4 kB");
        assert_eq!(bytes_text(12_000_000), "12.0 MB");
        assert_eq!(bytes_text(1_250_000_000), "1.25 GB");
        assert_eq!(usd_text(3.456), "$3.46");
        assert_eq!(usd_text(1234.4), "$1234");
        let c = CrossZone {
            produce_bytes: 1,
            replication_bytes: 2_000,
            ..CrossZone::default()
        };
        let rows = cross_rows(&c);
        assert_eq!(rows[1], ("zones.replication", "2.0 kB".to_string(), 2_000));
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn the_multi_zone_preset_and_a_risky_one_are_judged_by_the_clis_function() {
        let mut s = crate::scenario_file::presets::preset("multi-zone").expect("preset");
        assert_eq!(risks(&s), risky_settings(&s));
        s.cluster.config.unclean_leader_election_enable = true;
        assert!(
            risks(&s).iter().any(|w| w.path.contains("unclean")),
            "{:?}",
            risks(&s)
        );
    }
}
