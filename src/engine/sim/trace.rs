//! The trace hash: a word-at-a-time multiplicative hash (the FxHash mix) over the ordered stream
//! of deliveries, timers and events, fed with explicitly sized integers so native and wasm32 runs
//! hash identically. It runs on every event, so it mixes whole `u64`s rather than bytes.

use crate::engine::events::SimEvent;
use crate::engine::ids::NodeId;
use crate::engine::protocol::Message;
use crate::engine::time::SimTime;

/// A running 64-bit hash of what happened, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(u64);

/// The FxHash multiplier (2^64 / the golden ratio, odd).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Default for TraceHash {
    fn default() -> Self {
        Self::new()
    }
}

impl TraceHash {
    /// The starting value.
    pub fn new() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }

    fn u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(SEED);
    }

    /// A message delivery (`bytes` is its `wire_bytes()`).
    pub fn delivery(&mut self, at: SimTime, from: NodeId, to: NodeId, msg: &Message, bytes: u64) {
        self.u64(at);
        self.u64(((from.0 as u64) << 32) | to.0 as u64);
        self.u64(msg.kind() as u64);
        self.u64(bytes);
    }

    /// A timer firing.
    pub fn timer(&mut self, at: SimTime, node: NodeId) {
        self.u64(at);
        self.u64(0xffff_0000 | node.0 as u64);
    }

    /// An observable event (its kind and main numbers).
    pub fn event(&mut self, at: SimTime, e: &SimEvent) {
        self.u64(at);
        let (tag, a, b) = match e {
            SimEvent::LeaderChanged {
                tp,
                leader,
                leader_epoch,
                ..
            } => (
                1,
                ((tp.topic as u64) << 32) | tp.partition as u64,
                ((leader.unwrap_or(0) as u64) << 32) | *leader_epoch as u64,
            ),
            SimEvent::IsrChanged { tp, isr, .. } => (
                2,
                ((tp.topic as u64) << 32) | tp.partition as u64,
                isr.len() as u64,
            ),
            SimEvent::LeaderAppend { tp, batch, .. } => (
                3,
                ((tp.topic as u64) << 32) | tp.partition as u64,
                batch.base_offset,
            ),
            SimEvent::LogTruncated {
                broker, to_offset, ..
            } => (4, *broker as u64, *to_offset),
            SimEvent::ProduceAcked { batch, .. } => {
                (5, batch.base_offset, batch.record_count as u64)
            }
            SimEvent::Consumed {
                from_offset,
                to_offset,
                ..
            } => (6, *from_offset, *to_offset),
            SimEvent::BrokerCrashed { broker } => (7, *broker as u64, 0),
            SimEvent::BrokerFenced { broker } => (8, *broker as u64, 0),
            SimEvent::RebalanceCompleted { generation, .. } => (9, *generation as u64, 0),
            SimEvent::HighWatermark { high_watermark, .. } => (10, *high_watermark, 0),
            _ => (11, 0, 0),
        };
        self.u64(tag);
        self.u64(a);
        self.u64(b);
    }

    /// The hash so far.
    pub fn value(&self) -> u64 {
        self.0
    }
}
