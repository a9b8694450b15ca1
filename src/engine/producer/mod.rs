//! The producer client (KafkaProducer): partitioner, RecordAccumulator, Sender, idempotence.

use serde::{Deserialize, Serialize};

/// Producer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProducerTimer {
    /// The application produces its next records.
    AppTick,
}

use super::config::ProducerConfig;
use super::ctx::Ctx;
use super::ids::{BrokerId, NodeId, TopicIdx};
use super::protocol::Message;
use super::scenario::ProducerSpec;

/// Producer client (PLACEHOLDER until the clients branch lands).
#[derive(Clone, Debug)]
pub struct Producer {
    /// Scenario id.
    pub id: String,
}

/// Producer snapshot (placeholder).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProducerSnapshot {
    /// Scenario id.
    pub id: String,
}

impl Producer {
    /// New producer.
    pub fn new(
        _index: u32,
        _node: NodeId,
        spec: &ProducerSpec,
        _topic: TopicIdx,
        _bootstrap: Vec<BrokerId>,
    ) -> Self {
        Producer {
            id: spec.id.clone(),
        }
    }
    /// Start.
    pub fn start(&mut self, _ctx: &mut Ctx) {}
    /// Message.
    pub fn handle_message(&mut self, _ctx: &mut Ctx, _from: NodeId, _msg: Message) {}
    /// Unreachable.
    pub fn handle_unreachable(&mut self, _ctx: &mut Ctx, _to: NodeId, _msg: Message) {}
    /// Timer.
    pub fn handle_timer(&mut self, _ctx: &mut Ctx, _t: ProducerTimer) {}
    /// Reconfigure.
    pub fn reconfigure(&mut self, _ctx: &mut Ctx, _new: ProducerConfig) {}
    /// Snapshot.
    pub fn snapshot(&self) -> ProducerSnapshot {
        ProducerSnapshot {
            id: self.id.clone(),
        }
    }
}
