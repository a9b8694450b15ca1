//! KIP-392 fetch from follower, the leader's side: which replica a consumer in a given rack
//! should read from (`ReplicaManager.findPreferredReadReplica` with
//! `RackAwareReplicaSelector.select`, Kafka 4.x).
//!
//! Candidates are the leader and every follower that is in the ISR and whose log end offset
//! has reached the consumer's fetch offset. Among the candidates in the consumer's rack the
//! leader wins if it is one; otherwise the most caught-up follower (highest log end offset,
//! then the most recently caught up, then the highest id). No candidate in the rack, no
//! `client.rack`, or no selector configured: the leader serves the fetch itself (no preferred
//! replica is sent).

use super::*;
use crate::engine::protocol::FetchPartitionData;
use crate::engine::time::SimTime;

impl BrokerProcess {
    /// The partitions of a follower fetch response: while consumers wait at this broker (KIP-392:
    /// a follower serves consumers below its HW), their parked fetches watching these
    /// partitions are looked at again after the append, as the HW may have moved.
    #[cold]
    pub(super) fn partitions_of(partitions: &[FetchPartitionData]) -> Vec<TopicPartition> {
        partitions.iter().map(|d| d.tp).collect()
    }
}

impl BrokerDisk {
    /// The rack index of broker `b`, if the cluster has racks.
    pub fn rack_of(&self, b: BrokerId) -> Option<u16> {
        self.racks.get((b as usize).checked_sub(1)?).copied()
    }
}

/// The replica the consumer in `rack` should fetch `state`'s partition from, when it is not
/// `me` (the leader); `None` means "fetch from the leader".
pub(super) fn preferred_read_replica(
    disk: &BrokerDisk,
    sessions: &super::fetch_session::FollowerSessions,
    me: BrokerId,
    state: &ReplicaState,
    rack: Option<u16>,
    fetch_offset: u64,
) -> Option<BrokerId> {
    if !disk.config.rack_aware_selector() || state.role != Role::Leader {
        return None;
    }
    let rack = rack?;
    if disk.rack_of(me) == Some(rack) {
        return None;
    }
    // (log end offset, last caught-up time, id): the greatest wins, as `ReplicaView.comparator`
    // orders (the most recently caught up has the smallest time since).
    let mut best: Option<(u64, SimTime, BrokerId)> = None;
    for (&b, f) in state.followers.iter() {
        let eligible = state.isr.contains(&b) && f.leo >= fetch_offset;
        if eligible && disk.rack_of(b) == Some(rack) {
            let key = (
                f.leo,
                super::fetch_session::caught_up_time(sessions, b, f),
                b,
            );
            if best.is_none_or(|k| key > k) {
                best = Some(key);
            }
        }
    }
    best.map(|(_, _, b)| b)
}
