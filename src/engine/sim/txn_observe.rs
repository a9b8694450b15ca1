//! What the report says of transactions: the counts the metrics collected from the
//! coordinators' and producers' events, and each group's `isolation.level`.

use super::Engine;
use crate::engine::report::TransactionsReport;

impl Engine {
    /// `isolation.level` of group `group_id`'s members.
    pub fn isolation_level(&self, group_id: &str) -> &'static str {
        let committed = self
            .scenario()
            .consumer_groups
            .iter()
            .find(|g| g.group_id == group_id)
            .is_some_and(|g| g.config.read_committed())
            || self
                .scenario()
                .processors
                .iter()
                .any(|p| p.group_id == group_id);
        if committed {
            "read_committed"
        } else {
            "read_uncommitted"
        }
    }

    /// The transactions report, for a scenario with a transactional producer.
    pub fn transactions_report(&self) -> Option<TransactionsReport> {
        self.scenario()
            .producers
            .iter()
            .any(|p| p.config.transactional_id.is_some())
            .then(|| self.metrics.transactions.clone())
            .or_else(|| {
                // Processors' producers are transactional too.
                (!self.scenario().processors.is_empty()).then(|| self.metrics.transactions.clone())
            })
    }
}
