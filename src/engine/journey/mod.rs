//! Following one record (issue 17): its journey from `send()` to each consumer group's commit,
//! with simulated timestamps.
//!
//! Records travel in batches; a record is named by its producer, its partition and its number in
//! that producer's stream for that partition ([`RecordIds`] in every batch), so every batch event
//! (append, acknowledgement, truncation, delivery to a consumer) says whether it carried it.
//! What no event says — which key a record had, which produce request carried it, when a
//! follower copied it — the engine notes as [`FollowNote`]s, only while a key is followed
//! ([`crate::engine::Engine::follow_key`]) and outside the trace hash (following a record never
//! changes the run).

mod book;

use serde::{Deserialize, Serialize};

use super::ids::{BrokerId, TopicPartition};
use super::protocol::{ErrorCode, RecordBatch, RecordIds};

pub use book::JourneyBook;

/// One record: the producer (scenario order), its partition and its number in that producer's
/// stream to that partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    /// Producer index.
    pub producer: u32,
    /// Partition.
    pub tp: TopicPartition,
    /// Number of the record in the producer's stream to `tp`.
    pub record: u64,
}

impl RecordRef {
    /// The smallest record reference (a range bound).
    pub const MIN: RecordRef = RecordRef {
        producer: 0,
        tp: TopicPartition {
            topic: 0,
            partition: 0,
        },
        record: 0,
    };

    /// The record's offset in `batch`, if the batch carries it (`base_offset` as written).
    pub fn offset_in(&self, tp: TopicPartition, batch: &RecordBatch) -> Option<u64> {
        self.index_in(tp, batch.ids, batch.record_count)
            .map(|i| batch.base_offset + i)
    }

    /// The record's position in a run of `records` records starting at `ids`, on `tp`.
    pub fn index_in(&self, tp: TopicPartition, ids: RecordIds, records: u32) -> Option<u64> {
        (tp == self.tp
            && ids.producer == self.producer
            && self.record >= ids.first_record
            && self.record < ids.first_record + records as u64)
            .then(|| self.record - ids.first_record)
    }
}

/// What the engine notes about followed records (observation only: not hashed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FollowNote {
    /// The application's `send()` handed over a record with the followed key.
    KeyedSend {
        /// The record.
        record: RecordRef,
        /// Its key (`key-N`).
        key: String,
    },
    /// A produce request carrying the record's batch left the producer.
    RequestSent {
        /// The record.
        record: RecordRef,
        /// The broker it was sent to (the leader as the producer knew it).
        broker: BrokerId,
        /// The request's correlation id.
        correlation_id: u64,
        /// The batch: its first record number and size.
        batch_first_record: u64,
        /// Records in the batch.
        batch_records: u32,
        /// Idempotent sequence of the batch's first record (`-1`: not idempotent).
        base_sequence: i32,
    },
    /// A follower appended the record to its log (from a fetch response).
    ReplicaCopy {
        /// The record.
        record: RecordRef,
        /// The follower.
        broker: BrokerId,
        /// Offset in the follower's log.
        offset: u64,
    },
}

/// One step of a record's journey.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// `send()` returned: the record is in the producer's accumulator, in a batch for
    /// `partition`.
    Send {
        /// Its key.
        key: String,
    },
    /// A produce request carrying its batch was sent (again, after a retry).
    ProduceRequest {
        /// Destination broker.
        broker: BrokerId,
        /// Correlation id.
        correlation_id: u64,
        /// First record number of the batch.
        batch_first_record: u64,
        /// Records in the batch.
        batch_records: u32,
        /// Idempotent sequence (`-1`: not idempotent).
        base_sequence: i32,
    },
    /// The leader appended it: its offset.
    LeaderAppend {
        /// Leader.
        broker: BrokerId,
        /// Offset.
        offset: u64,
        /// The leader epoch stamped on the batch.
        leader_epoch: u32,
    },
    /// A follower copied it.
    ReplicaCopy {
        /// Follower.
        broker: BrokerId,
        /// Offset.
        offset: u64,
    },
    /// The leader's high watermark passed it: consumers may read it.
    HighWatermark {
        /// Leader.
        broker: BrokerId,
        /// The new high watermark.
        high_watermark: u64,
        /// The record's offset.
        offset: u64,
    },
    /// The producer got the acknowledgement (`acks=0`: considered sent, nothing confirmed).
    Acked {
        /// Offset the broker assigned (`None` for `acks=0`).
        offset: Option<u64>,
    },
    /// The batch failed and will be sent again.
    Retried {
        /// The error.
        error: ErrorCode,
    },
    /// The batch failed for good: the application's callback gets the error.
    Failed {
        /// The error.
        error: ErrorCode,
    },
    /// A replica cut it from its log (KIP-101 truncation to a new leader, unclean election).
    Truncated {
        /// The replica.
        broker: BrokerId,
        /// The offset it was at.
        offset: u64,
    },
    /// A consumer's poll returned it.
    Consumed {
        /// `group.id`.
        group: String,
        /// Consumer index.
        consumer: u32,
        /// Offset.
        offset: u64,
    },
    /// The group's committed offset passed it.
    Committed {
        /// `group.id`.
        group: String,
        /// The committing consumer.
        consumer: u32,
        /// The committed offset (the next record to read).
        committed: u64,
    },
}

/// A record's journey: every step with its simulated time (ns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    /// The record.
    pub record: RecordRef,
    /// Steps in time order.
    pub steps: Vec<(u64, Step)>,
}

/// How a followed record ended up, read from its journey and the logs at the end of the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Acknowledged and still in the log of the partition's replicas listed.
    Delivered {
        /// Replicas holding it, with its offset there.
        replicas: Vec<(BrokerId, u64)>,
    },
    /// Acknowledged, but no replica holds it any more: lost.
    Lost {
        /// Where it was last cut from, if a truncation was seen.
        last_truncated_on: Option<BrokerId>,
    },
    /// Written more than once (a retry of a batch that had been appended, without
    /// idempotence).
    Duplicated {
        /// Offsets of the copies in the current leader's log.
        offsets: Vec<u64>,
    },
    /// The producer gave up on it.
    Failed {
        /// The last error.
        error: ErrorCode,
    },
    /// Not acknowledged nor failed when the run stopped.
    InFlight {
        /// Replicas holding it, with its offset there.
        replicas: Vec<(BrokerId, u64)>,
    },
}

/// The key index of `key` (`key-N`) for producers drawing `keys` distinct keys.
pub fn key_index(key: &str) -> Option<u32> {
    let n = key.strip_prefix("key-")?;
    if n.is_empty() || (n.len() > 1 && n.starts_with('0')) || !n.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_key_n() {
        assert_eq!(key_index("key-0"), Some(0));
        assert_eq!(key_index("key-42"), Some(42));
        for bad in ["key-", "key-01", "key--1", "42", "key-x", "key-99999999999"] {
            assert_eq!(key_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_batch_carries_a_record_of_its_producer_and_partition_only() {
        let tp = TopicPartition::new(0, 1);
        let r = RecordRef {
            producer: 2,
            tp,
            record: 10,
        };
        let ids = RecordIds {
            producer: 2,
            first_record: 8,
        };
        assert_eq!(r.index_in(tp, ids, 3), Some(2));
        assert_eq!(r.index_in(tp, ids, 2), None);
        assert_eq!(r.index_in(TopicPartition::new(0, 2), ids, 3), None);
        let other = RecordIds { producer: 1, ..ids };
        assert_eq!(r.index_in(tp, other, 3), None);
    }
}
