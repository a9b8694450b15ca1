//! What the engine tells about racks: each broker's rack, the traffic between racks and its
//! price (see `engine::racks`).

use super::{Engine, NodeRole};
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicPartition};
use crate::engine::racks::{BrokerRack, CrossZone, Traffic};
use crate::engine::reasons::{CommandRefusal, NetworkChange};

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

    /// The rack index of `node` (`None` without racks; the controller is in none of them).
    pub fn rack_of_node(&self, node: NodeId) -> Option<u16> {
        self.racks.as_deref().map(|r| r.rack(node))
    }

    /// The replica consumer `consumer` reads `tp` from when it is not the leader (KIP-392).
    pub fn consumer_read_replica(&self, consumer: usize, tp: TopicPartition) -> Option<BrokerId> {
        self.consumers.get(consumer)?.read_replica(tp)
    }
}

impl Engine {
    /// Puts consumer `c` (node `node`) in the rack its group's `client.rack` names, else spreads
    /// it over the racks by index; without racks, nothing.
    pub(super) fn place_consumer(&mut self, c: usize, node: NodeId) {
        let Some(r) = self.racks.as_deref_mut() else {
            return;
        };
        let g = self.consumers[c].group() as usize;
        let named = r.index_of(&self.groups[g].spec.config.client_rack);
        let rack = named.unwrap_or((c % r.names.len()) as u16);
        let n = node.0 as usize;
        if r.node.len() <= n {
            r.node.resize(n + 1, 0);
        }
        r.node[n] = rack;
        self.consumers[c].set_rack(named);
    }

    /// The index of rack `rack`, or the refusal naming it.
    pub(super) fn rack_index(&self, rack: &str) -> Result<u16, CommandRefusal> {
        self.racks
            .as_deref()
            .and_then(|r| r.index_of(rack))
            .ok_or_else(|| CommandRefusal::NoSuchRack {
                rack: rack.to_string(),
            })
    }

    /// A zone outage: the rack's brokers and consumers crash.
    pub(super) fn crash_rack(&mut self, rack: u16) {
        for i in 0..self.brokers.len() {
            if self.rack_of_node(NodeId(i as u32 + 1)) == Some(rack) {
                self.crash_broker(i);
            }
        }
        for n in 0..self.roles.len() {
            let NodeRole::Consumer(c) = self.roles[n] else {
                continue;
            };
            if self.rack_of_node(NodeId(n as u32)) == Some(rack) && self.consumers[c].is_alive() {
                self.consumers[c].crash();
                let group = self.consumers[c].group();
                self.push_event(SimEvent::ConsumerCrashed {
                    group,
                    consumer: c as u32,
                });
            }
        }
    }

    /// Cuts (or restores) every link between the rack's nodes and the nodes of other racks and
    /// the controller: KafkaSim's one controller stands for a KRaft quorum spread over the
    /// zones, whose majority is outside a zone cut off.
    pub(super) fn cut_rack(&mut self, rack: u16, cut: bool) {
        let Some(layout) = self.racks.as_deref() else {
            return;
        };
        let n = self.net.len() as u32;
        let inside: Vec<bool> = (0..n).map(|i| layout.rack(NodeId(i)) == rack).collect();
        let outside: Vec<bool> = (0..n).map(|i| layout.rack(NodeId(i)) != rack).collect();
        for a in 0..n {
            for b in 0..n {
                if inside[a as usize] && outside[b as usize] {
                    self.net.set_cut(NodeId(a), NodeId(b), cut);
                    self.net.set_cut(NodeId(b), NodeId(a), cut);
                }
            }
        }
        let name = layout.names[rack as usize].clone();
        self.push_event(SimEvent::NetworkChanged {
            description: if cut {
                NetworkChange::RackIsolated { rack: name }
            } else {
                NetworkChange::RackHealed { rack: name }
            },
        });
    }
}
