//! Consume-transform-produce processors (exactly-once, KIP-98 / KIP-447): each member of a
//! processor is an ordinary [`crate::engine::consumer::Consumer`] of the processor's group
//! (read_committed, no auto-commit) and an ordinary transactional
//! [`crate::engine::producer::Producer`] writing the output topic; this module is only the
//! application loop between them, as Kafka's own example `ExactlyOnceMessageProcessor` runs it:
//!
//! 1. `poll()` — the consumer returns records;
//! 2. for each input record, `send()` one output record with the same key (input partition
//!    `p` goes to output partition `p mod n`, as a key does between co-partitioned topics);
//!    the first send of a transaction begins it;
//! 3. after `records_per_transaction` records, or when `poll()` comes back empty with records
//!    in the transaction, `sendOffsetsToTransaction(positions, consumer.groupMetadata())` and
//!    `commitTransaction()` — the consumer does not poll until the outcome;
//! 4. if the transaction aborted (a failed send, a zombie's TxnOffsetCommit refused, a
//!    timeout), seek back to the committed offsets (`resetToLastCommittedPositions`); if the
//!    producer was fenced (`ProducerFencedException`), close it and `initTransactions()` again.
//!
//! The group metadata is taken when the transaction's first record is consumed, so records
//! of one transaction all belong to one generation: a rebalance in between makes the
//! coordinator refuse the offsets (`ILLEGAL_GENERATION`) and the transaction aborts.

use std::collections::BTreeMap;

use crate::engine::ids::{NodeId, TopicPartition};

/// The application state of one processor member.
#[derive(Clone, Debug)]
pub struct MemberLoop {
    /// Processor index.
    pub processor: u32,
    /// Member number.
    pub member: u32,
    /// Its consumer's index.
    pub consumer: usize,
    /// Its producer's index.
    pub producer: usize,
    /// Its consumer's node.
    pub consumer_node: NodeId,
    /// Its producer's node.
    pub producer_node: NodeId,
    /// `commitTransaction()` (or an abort) in progress: the consumer is held.
    pub ending: bool,
    /// Input records in the open transaction.
    pub records_in_txn: u64,
    /// Positions to commit with the transaction.
    pub offsets: BTreeMap<TopicPartition, u64>,
    /// The consumer's member id and generation when the transaction's first record came.
    pub group_metadata: Option<(String, i32)>,
}

impl MemberLoop {
    /// A member whose consumer and producer have the given indexes and nodes.
    pub fn new(
        processor: u32,
        member: u32,
        (consumer, consumer_node): (usize, NodeId),
        (producer, producer_node): (usize, NodeId),
    ) -> Self {
        MemberLoop {
            processor,
            member,
            consumer,
            producer,
            consumer_node,
            producer_node,
            ending: false,
            records_in_txn: 0,
            offsets: BTreeMap::new(),
            group_metadata: None,
        }
    }

    /// The transaction ended (or was given up): a fresh one starts with the next record.
    pub fn reset(&mut self) {
        self.ending = false;
        self.records_in_txn = 0;
        self.offsets.clear();
        self.group_metadata = None;
    }

    /// Whether `node` is this member's consumer or producer.
    pub fn runs_on(&self, node: NodeId) -> bool {
        node == self.consumer_node || node == self.producer_node
    }
}

/// The running processors: every member's loop.
#[derive(Clone, Debug, Default)]
pub struct Processors {
    /// Members of all processors.
    pub members: Vec<MemberLoop>,
    /// Input-to-output partition mapping per processor: output partition count.
    pub output_partitions: Vec<u32>,
    /// A member's loop is running (its calls into the consumer and producer must not re-enter).
    pub busy: bool,
    /// A deliberate bug, for tests that show the exactly-once audit can fail: offsets are
    /// committed with an ordinary OffsetCommit after the transaction instead of inside it.
    pub offsets_outside_transaction: bool,
}

impl Processors {
    /// The member running on `node`, if any.
    pub fn member_on(&self, node: NodeId) -> Option<usize> {
        self.members.iter().position(|m| m.runs_on(node))
    }
}
