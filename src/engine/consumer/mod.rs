//! The consumer client (KafkaConsumer, classic group protocol): fetcher, poll loop, commits.

use serde::{Deserialize, Serialize};

/// Consumer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerTimer {
    /// Send the next heartbeat.
    Heartbeat,
}

use super::config::ConsumerConfig;
use super::ctx::Ctx;
use super::ids::{BrokerId, NodeId, TopicIdx};
use super::protocol::Message;
use super::scenario::GroupSpec;

/// Consumer client (PLACEHOLDER until the clients branch lands).
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Index.
    pub index: u32,
}

/// Consumer snapshot (placeholder).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConsumerSnapshot {
    /// Index.
    pub index: u32,
}

impl Consumer {
    /// New consumer.
    pub fn new(
        index: u32,
        _group: u32,
        _node: NodeId,
        _spec: &GroupSpec,
        _member_number: u32,
        _topics: Vec<TopicIdx>,
        _bootstrap: Vec<BrokerId>,
    ) -> Self {
        Consumer { index }
    }
    /// Start.
    pub fn start(&mut self, _ctx: &mut Ctx) {}
    /// Message.
    pub fn handle_message(&mut self, _ctx: &mut Ctx, _from: NodeId, _msg: Message) {}
    /// Unreachable.
    pub fn handle_unreachable(&mut self, _ctx: &mut Ctx, _to: NodeId, _msg: Message) {}
    /// Timer.
    pub fn handle_timer(&mut self, _ctx: &mut Ctx, _t: ConsumerTimer) {}
    /// Reconfigure.
    pub fn reconfigure(&mut self, _ctx: &mut Ctx, _new: ConsumerConfig) {}
    /// Crash.
    pub fn crash(&mut self) {}
    /// Snapshot.
    pub fn snapshot(&self) -> ConsumerSnapshot {
        ConsumerSnapshot { index: self.index }
    }
}

impl Consumer {
    /// Whether the process is running.
    pub fn is_alive(&self) -> bool {
        true
    }
}
