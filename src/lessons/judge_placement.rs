//! Claims about replica placement ([`Measure::ReplicasOn`](super::Measure::ReplicasOn),
//! [`Measure::RacksSpannedMin`](super::Measure::RacksSpannedMin)), read from the controller's
//! assignments when judged: how Kafka's `StripedReplicaPlacer` spread the replicas over brokers
//! and racks (`broker.rack`, KIP-36).

use super::judge::ClaimRun;
use crate::engine::ids::BrokerId;

impl ClaimRun {
    /// Replicas of user topics assigned to broker `b`.
    pub(super) fn replicas_on(&self, b: BrokerId) -> f64 {
        self.engine
            .view()
            .user_partitions()
            .filter(|p| p.state.replicas.contains(&b))
            .count() as f64
    }

    /// The fewest racks a user partition's replicas span (`NaN` without racks).
    pub(super) fn racks_spanned_min(&self) -> f64 {
        let cluster = &self.engine.scenario().cluster;
        if cluster.racks.is_empty() {
            return f64::NAN;
        }
        self.engine
            .view()
            .user_partitions()
            .map(|p| {
                let mut racks: Vec<&str> = p
                    .state
                    .replicas
                    .iter()
                    .filter_map(|&b| cluster.rack_of(b))
                    .collect();
                racks.sort_unstable();
                racks.dedup();
                racks.len() as f64
            })
            .reduce(f64::min)
            .unwrap_or(f64::NAN)
    }
}
