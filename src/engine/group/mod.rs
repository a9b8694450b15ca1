//! The broker-side group coordinator (classic protocol). PLACEHOLDER until the clients branch
//! lands: same signatures, no behaviour.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::config::BrokerConfig;
use super::ctx::Ctx;
use super::ids::{BrokerId, NodeId};
use super::protocol::Message;

/// Coordinator timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorTimer {
    /// A member's session expired check.
    SessionCheck,
}

/// Partition of `__consumer_offsets` holding a group (placeholder).
pub fn offsets_partition_for(_group_id: &str, _num_partitions: u32) -> u32 {
    0
}

/// Group coordinator (placeholder).
#[derive(Clone, Debug)]
pub struct GroupCoordinator;

impl GroupCoordinator {
    /// New coordinator.
    pub fn new(_broker: BrokerId) -> Self {
        GroupCoordinator
    }
    /// Handles a group request.
    pub fn handle_request(
        &mut self,
        _ctx: &mut Ctx,
        _from: NodeId,
        _msg: Message,
        _cfg: &BrokerConfig,
        _led: &BTreeSet<u32>,
    ) {
    }
    /// Handles a timer.
    pub fn handle_timer(&mut self, _ctx: &mut Ctx, _t: CoordinatorTimer, _cfg: &BrokerConfig) {}
    /// Leadership of offsets partitions changed.
    pub fn on_leadership_change(&mut self, _ctx: &mut Ctx, _led: &BTreeSet<u32>) {}
    /// Process died.
    pub fn crash(&mut self) {}
}
