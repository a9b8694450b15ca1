//! The audit as the page shows it: every counter of the invariant checker's report, read from
//! the report's own fields (so a counter added to the checker appears without page code), and
//! each producer's delivery figures.

use crate::engine::checker::InvariantReport;
use crate::engine::snapshot::ClusterSnapshot;

/// One counter of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counter {
    /// The report's field name (`acked_lost`); the page's text key is `audit.{name}`.
    pub name: String,
    /// Its value.
    pub value: u64,
    /// A violation of a guarantee when non-zero (shown as an alert); otherwise informative.
    pub bad: bool,
}

/// Counters that are not violations (informative: redeliveries happen by design after a
/// crash or rebalance; untracked acknowledgements are bookkeeping). `skipped` (records below a
/// group's committed offset no member received) and `commit_regressions` break the consumer's
/// at-least-once contract, so they are violations (docs/SCENARIOS.md, "What the audit counts").
const INFORMATIVE: &[&str] = &["redelivered", "untracked_acks"];

/// The report's numeric fields (by name).
pub fn counters(report: &InvariantReport) -> Vec<Counter> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(report) else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(name, v)| {
            let value = v.as_u64()?;
            let bad = value > 0 && !INFORMATIVE.contains(&name.as_str());
            Some(Counter { name, value, bad })
        })
        .collect()
}

/// One producer's line of the audit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerAudit {
    /// `client.id`.
    pub client_id: String,
    /// Records acknowledged.
    pub acked: u64,
    /// Records failed for good.
    pub failed: u64,
    /// Batch retries.
    pub retries: u64,
    /// Duplicate records of this producer found in leader logs (as of the last audit).
    pub duplicates: u64,
}

/// Each producer's delivery figures and the duplicates the checker attributes to it.
pub fn per_producer(snap: &ClusterSnapshot, duplicates: &[(u32, u64)]) -> Vec<ProducerAudit> {
    snap.producers
        .iter()
        .enumerate()
        .map(|(i, p)| ProducerAudit {
            client_id: p.id.clone(),
            acked: p.acked,
            failed: p.failed,
            retries: p.retries,
            duplicates: duplicates
                .iter()
                .find(|(q, _)| *q as usize == i)
                .map(|(_, d)| *d)
                .unwrap_or(0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_field_of_the_report_is_a_counter() {
        let r = InvariantReport {
            acked_lost: 3,
            redelivered: 5,
            skipped: 2,
            commit_regressions: 1,
            ..InvariantReport::default()
        };
        let c = counters(&r);
        let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
        // Every u64 field of the report, and nothing else (first_examples is a list).
        let fields = serde_json::to_value(&r).unwrap();
        let numeric = fields
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v.is_u64())
            .count();
        assert_eq!(c.len(), numeric);
        assert!(names.contains(&"acked_lost") && !names.contains(&"first_examples"));
        assert!(c.iter().find(|c| c.name == "acked_lost").unwrap().bad);
        assert!(!c.iter().find(|c| c.name == "redelivered").unwrap().bad);
        assert!(!c.iter().find(|c| c.name == "duplicates").unwrap().bad);
        assert!(c.iter().find(|c| c.name == "skipped").unwrap().bad);
        assert!(
            c.iter()
                .find(|c| c.name == "commit_regressions")
                .unwrap()
                .bad
        );
    }
}
