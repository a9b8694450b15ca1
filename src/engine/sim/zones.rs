//! What the engine tells about racks: each broker's rack, the traffic between racks and its
//! price (see `engine::racks`).

use super::Engine;
use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::racks::{BrokerRack, CrossZone, Traffic};

impl Engine {
    /// Every broker and its rack; empty for a cluster without racks.
    pub fn broker_racks(&self) -> Vec<BrokerRack> {
        let c = &self.scenario.cluster;
        (1..=c.brokers)
            .filter_map(|id| {
                c.rack_of(id).map(|r| BrokerRack {
                    id,
                    rack: r.to_string(),
                })
            })
            .collect()
    }

    /// Cross-rack traffic so far and its monthly price; `None` without racks.
    pub fn cross_zone(&self) -> Option<CrossZone> {
        let r = self.racks.as_deref()?;
        Some(r.cross_zone(self.now, self.scenario.cluster.cross_zone_usd_per_gb))
    }

    /// Bytes sent so far on every link, by kind; `None` without racks.
    pub fn traffic(&self) -> Option<&Traffic> {
        self.racks.as_deref().map(|r| &r.traffic)
    }

    /// The rack index of `node` (`None` without racks).
    pub fn rack_of_node(&self, node: crate::engine::ids::NodeId) -> Option<u16> {
        self.racks.as_deref().map(|r| r.rack(node))
    }

    /// The replica consumer `consumer` reads `tp` from when it is not the leader (KIP-392).
    pub fn consumer_read_replica(&self, consumer: usize, tp: TopicPartition) -> Option<BrokerId> {
        self.consumers.get(consumer)?.read_replica(tp)
    }
}
