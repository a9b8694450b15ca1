//! The `pause_client` fault: a producer application stops for a while (a long GC pause); a
//! transactional one is replaced meanwhile by a new instance with the same `transactional.id`,
//! which fences it (`InitProducerId` bumps the epoch), so when it wakes it is a zombie.

use super::{Engine, NodeRole};
use crate::engine::ids::BrokerId;
use crate::engine::producer::Producer;
use crate::engine::reasons::CommandRefusal;
use crate::engine::time::ms;

/// Most producers a run may have, replacements included.
const MAX_PRODUCERS: usize = 1_000;

impl Engine {
    pub(super) fn pause_producer(&mut self, id: &str, pause_ms: u64) -> Result<(), CommandRefusal> {
        let i = self
            .producers
            .iter()
            .position(|p| p.id() == id)
            .ok_or_else(|| CommandRefusal::NoSuchProducer { id: id.to_string() })?;
        let until = self.now.saturating_add(ms(pause_ms));
        let node = self.node_of(NodeRole::Producer(i));
        self.with_node(node, |e, ctx| e.producers[i].pause(&mut ctx.part(), until));
        if self.pause_processor_member(i, pause_ms) {
            // A processor member: its consumer stops too; the group, not a replacement,
            // takes its partitions over (KIP-447 fences it by generation).
            return Ok(());
        }
        let spec = self.scenario.producers.get(i).cloned();
        if let Some(mut spec) = spec.filter(|s| s.config.transactional_id.is_some()) {
            if self.producers.len() < MAX_PRODUCERS {
                spec.id = format!("{}-replacement", spec.id);
                self.spawn_producer(spec);
            }
        }
        Ok(())
    }

    fn spawn_producer(&mut self, spec: crate::engine::scenario::ProducerSpec) {
        let hw = self.scenario.cluster.hardware.clone();
        let node = self.net.add_node(hw.nic_bits_per_s);
        let idx = self.producers.len();
        let topic = self.topics.index_of(&spec.topic).unwrap_or(0);
        let bootstrap: Vec<BrokerId> = (1..=self.brokers.len() as BrokerId).collect();
        let mut p = Producer::new(idx as u32, node, &spec, topic, bootstrap);
        p.set_send_cost(hw.client_ns_per_record);
        self.producers.push(p);
        self.roles.push(NodeRole::Producer(idx));
        self.incarnations.push(0);
        self.with_node(node, |e, ctx| e.producers[idx].start(&mut ctx.part()));
    }
}
