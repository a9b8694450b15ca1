//! [`Scenario::validate`]: the engine's input checked by the same rules as a scenario file.
//!
//! A scenario built in code (a lesson, the calibration runs, a test) is written out in the file
//! format and read back, so every limit in [`crate::engine::limits`] and every Kafka start-up
//! rule the parser enforces applies to it too, with the same error naming the field and its
//! allowed range. One set of rules, not two that drift apart.

use super::{emit, parse_scenario_value, ScenarioError};
use crate::engine::scenario::Scenario;

impl Scenario {
    /// Checks this scenario against the engine's limits and Kafka's config rules, as a scenario
    /// file is checked; the error names the field (its JSON path) and the allowed range.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        parse_scenario_value(&emit::to_json_value(self)).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::ProducerConfig;
    use crate::engine::scenario::Scenario;

    #[test]
    fn a_built_scenario_is_checked_as_a_file_would_be() {
        let ok = Scenario::cluster(3, 1, 10_000)
            .with_topic("t", 6, 3)
            .with_producer("p", "t", 1_000.0, 100, ProducerConfig::default());
        assert_eq!(ok.validate(), Ok(()));

        // Over the engine's limits: named, with the allowed range.
        let too_many = Scenario::cluster(3, 1, 10_000).with_topic("t", 100_000, 3);
        let e = too_many
            .validate()
            .expect_err("100,000 partitions is over the limit");
        assert!(e.path.contains("partitions"), "{e}");

        // A Kafka start-up rule: an explicit delivery.timeout.ms must be at least linger.ms +
        // request.timeout.ms (a default one is raised to it, as Kafka's ProducerConfig does).
        let cfg = ProducerConfig {
            linger_ms: 200_000,
            delivery_timeout_ms: 150_000,
            ..ProducerConfig::default()
        };
        let bad = Scenario::cluster(3, 1, 10_000)
            .with_topic("t", 6, 3)
            .with_producer("p", "t", 1_000.0, 100, cfg);
        let e = bad
            .validate()
            .expect_err("linger.ms over delivery.timeout.ms");
        assert!(e.to_string().contains("delivery.timeout.ms"), "{e}");
    }
}
