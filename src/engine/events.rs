//! What happened: the observable event stream of a run.
//!
//! The event log, the metrics, the invariant checker and the page's animation all read these;
//! none of them feeds back into the simulation.

use serde::{Deserialize, Serialize};

use super::ids::{BrokerId, NodeId, TopicPartition};
use super::journey::FollowNote;
use super::protocol::{ErrorCode, MessageKind, RecordBatch};
use super::reasons::{CommandRefusal, LeaveReason, NetworkChange, RebalanceReason};
use super::sim::Command;
use super::time::SimTime;

/// An event with its simulated time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedEvent {
    /// When it happened.
    pub at: SimTime,
    /// What happened.
    pub event: SimEvent,
}

/// Something observable that happened in the simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SimEvent {
    // ----- faults and commands -----
    /// A command (fault, config change) was applied.
    CommandApplied {
        /// The command.
        command: Command,
    },
    /// A command could not be applied (unknown broker, invalid config...).
    CommandRejected {
        /// The command.
        command: Command,
        /// Why.
        reason: CommandRefusal,
    },
    /// A broker process died.
    BrokerCrashed {
        /// Broker.
        broker: BrokerId,
    },
    /// A broker process started again.
    BrokerRestarted {
        /// Broker.
        broker: BrokerId,
    },
    /// The controller fenced a broker (session expired): its leaderships move.
    BrokerFenced {
        /// Broker.
        broker: BrokerId,
    },
    /// The controller unfenced a broker (it heartbeats again and has caught up).
    BrokerUnfenced {
        /// Broker.
        broker: BrokerId,
    },
    /// The controller registered a new incarnation of a broker (fenced until it catches up).
    BrokerRegistered {
        /// Broker.
        broker: BrokerId,
        /// Its new broker epoch.
        broker_epoch: u64,
    },
    /// The controller refused a broker's registration (e.g. `DUPLICATE_BROKER_REGISTRATION`
    /// while the previous incarnation's session is still valid).
    BrokerRegistrationRefused {
        /// Broker.
        broker: BrokerId,
        /// Kafka error.
        error: ErrorCode,
    },
    /// A restarted broker was unfenced and opened its listeners.
    BrokerServing {
        /// Broker.
        broker: BrokerId,
    },

    // ----- replication and leadership -----
    /// The controller changed a partition's leader (or took it offline when `leader` is `None`).
    LeaderChanged {
        /// Partition.
        tp: TopicPartition,
        /// New leader, `None` = offline.
        leader: Option<BrokerId>,
        /// New leader epoch.
        leader_epoch: u32,
        /// Elected from outside the ISR (`unclean.leader.election.enable`).
        unclean: bool,
        /// A preferred-replica election (leader moved back to the first replica).
        preferred: bool,
    },
    /// A partition's ISR changed.
    IsrChanged {
        /// Partition.
        tp: TopicPartition,
        /// New ISR.
        isr: Vec<BrokerId>,
        /// `true` for a shrink, `false` for an expansion or a controller change.
        shrink: bool,
    },
    /// A partition's eligible leader replicas changed (KIP-966).
    ElrChanged {
        /// Partition.
        tp: TopicPartition,
        /// New ELR.
        elr: Vec<BrokerId>,
    },
    /// A leader appended a batch to its log (offsets assigned).
    LeaderAppend {
        /// Leader.
        broker: BrokerId,
        /// Partition.
        tp: TopicPartition,
        /// The batch as written.
        batch: RecordBatch,
    },
    /// A replica truncated its log (KIP-101 divergence, or unclean leader).
    LogTruncated {
        /// Broker.
        broker: BrokerId,
        /// Partition.
        tp: TopicPartition,
        /// New log end offset.
        to_offset: u64,
        /// Batches removed.
        removed: Vec<RecordBatch>,
    },
    /// A leader advanced its high watermark.
    HighWatermark {
        /// Leader.
        broker: BrokerId,
        /// Partition.
        tp: TopicPartition,
        /// New high watermark.
        high_watermark: u64,
    },
    /// A leader refused a produce (e.g. `NOT_ENOUGH_REPLICAS`).
    ProduceRejected {
        /// Broker.
        broker: BrokerId,
        /// Partition.
        tp: TopicPartition,
        /// Kafka error.
        error: ErrorCode,
        /// Records in the refused batch.
        records: u32,
    },

    // ----- producer -----
    /// The application handed records to `send()`.
    RecordsSent {
        /// Producer index.
        producer: u32,
        /// Records.
        records: u64,
        /// Bytes.
        bytes: u64,
    },
    /// A batch was acknowledged (for acks=0: considered sent).
    ProduceAcked {
        /// Producer index.
        producer: u32,
        /// Partition.
        tp: TopicPartition,
        /// The batch, `base_offset` as the broker assigned it (`u64::MAX` for acks=0: unknown).
        batch: RecordBatch,
        /// The producer's `acks` was 0 (nothing confirmed).
        acks_zero: bool,
    },
    /// A batch failed for good (retries exhausted, `delivery.timeout.ms`, fatal error).
    ProduceFailed {
        /// Producer index.
        producer: u32,
        /// Partition.
        tp: TopicPartition,
        /// Records lost to the application.
        records: u32,
        /// Last error.
        error: ErrorCode,
        /// Number of the batch's first record in the producer's stream to `tp` (`None`: failed
        /// in `send()`, before the records had one).
        #[serde(default)]
        first_record: Option<u64>,
    },
    /// The idempotent producer bumped its epoch after a sequence gap on a partition (KIP-360):
    /// that partition's sequences restart at 0.
    ProducerEpochBumped {
        /// Producer index.
        producer: u32,
        /// The partition with the gap.
        tp: TopicPartition,
        /// The new producer epoch.
        epoch: i16,
    },
    /// A batch is retried after an error.
    ProduceRetried {
        /// Producer index.
        producer: u32,
        /// Partition.
        tp: TopicPartition,
        /// The error.
        error: ErrorCode,
        /// Number of the batch's first record in the producer's stream to `tp`.
        #[serde(default)]
        first_record: u64,
        /// Records in the batch.
        #[serde(default)]
        records: u32,
    },

    // ----- consumer groups -----
    /// A poll returned records to the application.
    Consumed {
        /// Group index.
        group: u32,
        /// Member (consumer) index within all consumers.
        consumer: u32,
        /// Partition.
        tp: TopicPartition,
        /// The batch the records came from.
        batch: RecordBatch,
        /// First offset delivered.
        from_offset: u64,
        /// Offset after the last delivered.
        to_offset: u64,
        /// Leader's high watermark in the fetch response that carried them.
        high_watermark: u64,
        /// Leader's last stable offset in that response.
        #[serde(default)]
        last_stable_offset: u64,
    },
    /// A consumer reset its position by `auto.offset.reset` (no committed offset, or
    /// `OFFSET_OUT_OF_RANGE`): the records it jumps over are not owed to the group, and a commit
    /// below the group's previous one is not a regression (the checker's consumer audit).
    OffsetReset {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
        /// Partition.
        tp: TopicPartition,
        /// The consumed position before the reset (`None`: the partition had none yet).
        from: Option<u64>,
        /// The new position (log start for `earliest`, high watermark for `latest`).
        to: u64,
    },
    /// A consumer's offset commit was accepted by the group coordinator (emitted when the
    /// successful response arrives).
    OffsetsCommitted {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
        /// Offsets.
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// A group began a rebalance (emitted by the coordinator).
    RebalanceStarted {
        /// `group.id`.
        group_id: String,
        /// Why (member joined, left, session timeout...).
        reason: RebalanceReason,
    },
    /// A group finished a rebalance (emitted by the coordinator when SyncGroup completes).
    RebalanceCompleted {
        /// `group.id`.
        group_id: String,
        /// New generation.
        generation: i32,
        /// Assignor used.
        protocol: String,
        /// Partitions per member, by the member's node.
        assignment: Vec<(NodeId, Vec<TopicPartition>)>,
    },
    /// A consumer gave up partitions (eager: all; cooperative: only the moved ones).
    PartitionsRevoked {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
        /// Partitions.
        partitions: Vec<TopicPartition>,
    },
    /// A consumer got partitions.
    PartitionsAssigned {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
        /// Partitions.
        partitions: Vec<TopicPartition>,
    },
    /// A consumer left its group (crash detected, max.poll.interval.ms, shutdown).
    ConsumerLeft {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
        /// Why.
        reason: LeaveReason,
    },
    /// A consumer joined (started).
    ConsumerStarted {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
    },
    /// A consumer process died.
    ConsumerCrashed {
        /// Group index.
        group: u32,
        /// Consumer index.
        consumer: u32,
    },

    // ----- network -----
    /// A message was put on the wire (only when flow recording is on: for animation).
    Flow {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Kind.
        kind: MessageKind,
        /// Bytes.
        bytes: u64,
        /// Records carried (produce / fetch data).
        records: u64,
        /// When it arrives (it was sent at the event's time).
        arrives: SimTime,
    },
    /// The network changed (cut, heal, isolation).
    NetworkChanged {
        /// What changed.
        description: NetworkChange,
    },
    /// Something about a followed record that no other event says (only while a key is
    /// followed: [`crate::engine::Engine::follow_key`]; not part of the trace hash).
    Follow {
        /// What.
        note: FollowNote,
    },
    /// A transaction coordinator wrote CompleteCommit / CompleteAbort: every marker is in.
    TxnCompleted {
        /// `transactional.id`.
        transactional_id: String,
        /// Producer id.
        producer_id: i64,
        /// The epoch the markers carried.
        epoch: i16,
        /// COMMIT (true) or ABORT.
        committed: bool,
        /// Aborted by `transaction.timeout.ms`.
        timed_out: bool,
    },
    /// A transactional producer was fenced (`ProducerFencedException`): another instance with
    /// its `transactional.id` bumped the epoch; this one stops.
    ProducerFenced {
        /// Producer index.
        producer: u32,
        /// The error that fenced it (`PRODUCER_FENCED`, `INVALID_PRODUCER_EPOCH`).
        error: ErrorCode,
    },
    /// A processor's TxnOffsetCommit was refused by the group coordinator (KIP-447: the
    /// consumer's generation or member id is stale — a zombie): its transaction aborts.
    TxnOffsetCommitRejected {
        /// Producer index (the processor member's producer).
        producer: u32,
        /// `ILLEGAL_GENERATION`, `UNKNOWN_MEMBER_ID`, ...
        error: ErrorCode,
    },
    /// A processor member wrote `count` output records for input records
    /// `in_from..in_from + count` of `in_tp`: its producer's records numbered
    /// `first_record..` in `out_tp` (what the exactly-once audit maps output back with).
    ProcessorOutput {
        /// Processor index.
        processor: u32,
        /// Producer index of the member.
        producer: u32,
        /// Input partition.
        in_tp: TopicPartition,
        /// First input offset.
        in_from: u64,
        /// Output partition.
        out_tp: TopicPartition,
        /// First output record number (the batch's `RecordIds::first_record` space).
        first_record: u64,
        /// Records.
        count: u32,
    },
    /// A consumer passed over offsets that hold no record for it: a transaction marker, or
    /// (read_committed) a batch of an aborted transaction.
    TxnPassedOver {
        /// Group index.
        group: u32,
        /// Partition.
        tp: TopicPartition,
        /// First offset passed over.
        from: u64,
        /// Offset after the last.
        to: u64,
    },
}

/// A message kind a [`SimEvent::Flow`] can carry, as a short label.
pub fn flow_label(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Produce => "produce",
        MessageKind::ProduceAck => "ack",
        MessageKind::ReplicaFetch => "replica fetch",
        MessageKind::ConsumerFetch => "fetch",
        MessageKind::FetchData => "data",
        MessageKind::Group => "group",
        MessageKind::Metadata => "metadata",
        MessageKind::Controller => "controller",
        MessageKind::Transaction => "transaction",
    }
}
