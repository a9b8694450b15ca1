//! The metadata log (`__cluster_metadata`) at the controller, and the brokers' long-polling
//! fetches of it. Brokers are observers of the metadata partition: each fetches from the offset
//! it has, so a broker that was cut off or down catches up from where it stopped
//! (KIP-500 / KIP-631).

use crate::engine::ids::{BrokerId, NodeId};
use crate::engine::protocol::{MetadataFetchReply, MetadataRecord};
use crate::engine::time::SimTime;
use crate::engine::vec_map::VecMap;

/// Longest a metadata fetch waits at the controller for new records (the Raft client's fetch
/// max wait, 500 ms).
pub const METADATA_FETCH_MAX_WAIT_MS: u64 = 500;

/// Most records in one fetch response.
pub const MAX_RECORDS_PER_FETCH: usize = 10_000;

/// A fetch waiting for records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParkedMetadataFetch {
    /// The broker's node.
    pub node: NodeId,
    /// Correlation id.
    pub correlation_id: u64,
    /// The offset it wants.
    pub offset: u64,
    /// When it is answered even without new records.
    pub deadline: SimTime,
}

/// The log and the fetches parked on it.
#[derive(Clone, Debug, Default)]
pub struct MetadataLog {
    records: Vec<MetadataRecord>,
    parked: VecMap<BrokerId, ParkedMetadataFetch>,
}

impl MetadataLog {
    /// Appends a record; returns its offset.
    pub fn append(&mut self, record: MetadataRecord) -> u64 {
        self.records.push(record);
        self.records.len() as u64 - 1
    }

    /// The offset of the next record.
    pub fn end_offset(&self) -> u64 {
        self.records.len() as u64
    }

    /// Every record, in order.
    pub fn records(&self) -> &[MetadataRecord] {
        &self.records
    }

    /// The reply to a fetch from `offset`.
    pub fn read(&self, offset: u64) -> MetadataFetchReply {
        let from = (offset as usize).min(self.records.len());
        let to = (from + MAX_RECORDS_PER_FETCH).min(self.records.len());
        MetadataFetchReply {
            offset: from as u64,
            records: self.records[from..to].to_vec(),
            log_end_offset: self.end_offset(),
        }
    }

    /// Parks a fetch of `broker` (replacing an older one of the same broker).
    pub fn park(&mut self, broker: BrokerId, fetch: ParkedMetadataFetch) {
        self.parked.insert(broker, fetch);
    }

    /// Removes and returns the parked fetches that can be answered now: records past their
    /// offset, or their wait is over.
    pub fn take_ready(&mut self, now: SimTime) -> Vec<ParkedMetadataFetch> {
        let end = self.end_offset();
        let ready: Vec<BrokerId> = self
            .parked
            .iter()
            .filter(|(_, f)| f.offset < end || f.deadline <= now)
            .map(|(&b, _)| b)
            .collect();
        ready
            .into_iter()
            .filter_map(|b| self.parked.remove(&b))
            .collect()
    }

    /// The earliest deadline of a parked fetch.
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.parked.values().map(|f| f.deadline).min()
    }
}
