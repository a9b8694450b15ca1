//! The Kafka protocol messages exchanged over the simulated network, and Kafka's error codes.
//!
//! Message shapes follow Kafka's RPCs (Produce, Fetch, Metadata, FindCoordinator, JoinGroup,
//! SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, ListOffsets, and the KRaft
//! BrokerHeartbeat / AlterPartition / metadata propagation), reduced to the fields the model uses.

use serde::{Deserialize, Serialize};

use super::config::Acks;
use super::ids::{BrokerId, TopicPartition};
use super::time::SimTime;

mod group;
mod internal;
mod kraft;
mod txn;

pub use group::{JoinGroup, JoinGroupResult, OffsetCommit, SyncGroup};
pub use internal::{InternalRecord, TxnLogValue};
pub use kraft::{
    BrokerHeartbeat, BrokerHeartbeatReply, BrokerRegistration, BrokerRegistrationReply,
    MetadataFetchReply, MetadataRecord,
};
pub use txn::{AbortedTxn, ReadCommittedData, TxnMessage, TxnState};

/// Kafka's protocol error codes (`org.apache.kafka.common.protocol.Errors`), with their numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(i16)]
pub enum ErrorCode {
    /// 0: success.
    None = 0,
    /// 1: fetch offset outside the log.
    OffsetOutOfRange = 1,
    /// 3: unknown topic or partition.
    UnknownTopicOrPartition = 3,
    /// 5: no leader right now (election in progress or partition offline).
    LeaderNotAvailable = 5,
    /// 6: this broker is not the leader (or follower) of the partition.
    NotLeaderOrFollower = 6,
    /// 7: the request timed out at the broker (e.g. acks=all waiting for the ISR).
    RequestTimedOut = 7,
    /// 10: batch larger than `max.message.bytes`.
    MessageTooLarge = 10,
    /// 13: the connection broke (client side).
    NetworkException = 13,
    /// 14: the coordinator is loading the group.
    CoordinatorLoadInProgress = 14,
    /// 15: no coordinator available.
    CoordinatorNotAvailable = 15,
    /// 16: this broker is not the group's coordinator.
    NotCoordinator = 16,
    /// 19: ISR smaller than `min.insync.replicas` (checked before append).
    NotEnoughReplicas = 19,
    /// 20: ISR shrank below `min.insync.replicas` after the append.
    NotEnoughReplicasAfterAppend = 20,
    /// 22: stale group generation.
    IllegalGeneration = 22,
    /// 23: no common assignment protocol.
    InconsistentGroupProtocol = 23,
    /// 25: the coordinator does not know the member.
    UnknownMemberId = 25,
    /// 26: session timeout outside the broker's allowed range.
    InvalidSessionTimeout = 26,
    /// 27: the group is rebalancing; rejoin.
    RebalanceInProgress = 27,
    /// 45: idempotent producer sequence gap.
    OutOfOrderSequenceNumber = 45,
    /// 47: the producer's epoch is older than the one the broker has for its producer id.
    InvalidProducerEpoch = 47,
    /// 46: idempotent producer retried a batch already written.
    DuplicateSequenceNumber = 46,
    /// 59: the broker has no state for this producer id.
    UnknownProducerId = 59,
    /// 74: the request's leader epoch is older than the broker's.
    FencedLeaderEpoch = 74,
    /// 75: the request's leader epoch is newer than the broker's.
    UnknownLeaderEpoch = 75,
    /// 77: the broker epoch has changed (a heartbeat of a replaced registration).
    StaleBrokerEpoch = 77,
    /// 79: a new member must rejoin with the member id it was given (KIP-394).
    MemberIdRequired = 79,
    /// 82: another member with the same `group.instance.id` took over.
    FencedInstanceId = 82,
    /// 95: AlterPartition based on a stale partition epoch.
    InvalidUpdateVersion = 95,
    /// 101: another incarnation of this broker id holds a valid session.
    DuplicateBrokerRegistration = 101,
    /// 107: a proposed ISR member is fenced or not a replica.
    IneligibleReplica = 107,
    /// 48: a transactional request in the wrong state (`INVALID_TXN_STATE`).
    InvalidTxnState = 48,
    /// 51: the coordinator is completing the previous transaction (`CONCURRENT_TRANSACTIONS`).
    ConcurrentTransactions = 51,
    /// 90: another instance with the same `transactional.id` took over (`PRODUCER_FENCED`).
    ProducerFenced = 90,
    /// 88: a transaction holds offsets of the partition not yet committed or aborted
    /// (`UNSTABLE_OFFSET_COMMIT`, KIP-447: a read_committed OffsetFetch waits for them).
    UnstableOffsetCommit = 88,
}

impl ErrorCode {
    /// Kafka's error name, e.g. `NOT_ENOUGH_REPLICAS`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::None => "NONE",
            ErrorCode::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            ErrorCode::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            ErrorCode::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            ErrorCode::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            ErrorCode::RequestTimedOut => "REQUEST_TIMED_OUT",
            ErrorCode::MessageTooLarge => "MESSAGE_TOO_LARGE",
            ErrorCode::NetworkException => "NETWORK_EXCEPTION",
            ErrorCode::CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS",
            ErrorCode::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            ErrorCode::NotCoordinator => "NOT_COORDINATOR",
            ErrorCode::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            ErrorCode::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            ErrorCode::IllegalGeneration => "ILLEGAL_GENERATION",
            ErrorCode::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            ErrorCode::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            ErrorCode::InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            ErrorCode::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ErrorCode::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            ErrorCode::DuplicateSequenceNumber => "DUPLICATE_SEQUENCE_NUMBER",
            ErrorCode::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            ErrorCode::UnknownProducerId => "UNKNOWN_PRODUCER_ID",
            ErrorCode::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            ErrorCode::UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            ErrorCode::MemberIdRequired => "MEMBER_ID_REQUIRED",
            ErrorCode::FencedInstanceId => "FENCED_INSTANCE_ID",
            ErrorCode::StaleBrokerEpoch => "STALE_BROKER_EPOCH",
            ErrorCode::InvalidUpdateVersion => "INVALID_UPDATE_VERSION",
            ErrorCode::DuplicateBrokerRegistration => "DUPLICATE_BROKER_REGISTRATION",
            ErrorCode::IneligibleReplica => "INELIGIBLE_REPLICA",
            ErrorCode::InvalidTxnState => "INVALID_TXN_STATE",
            ErrorCode::ConcurrentTransactions => "CONCURRENT_TRANSACTIONS",
            ErrorCode::ProducerFenced => "PRODUCER_FENCED",
            ErrorCode::UnstableOffsetCommit => "UNSTABLE_OFFSET_COMMIT",
        }
    }

    /// Kafka's numeric code.
    pub fn code(self) -> i16 {
        self as i16
    }

    /// Whether Kafka's producer treats the error as retriable (`RetriableException`).
    pub fn is_retriable(self) -> bool {
        matches!(
            self,
            ErrorCode::LeaderNotAvailable
                | ErrorCode::NotLeaderOrFollower
                | ErrorCode::RequestTimedOut
                | ErrorCode::NetworkException
                | ErrorCode::NotEnoughReplicas
                | ErrorCode::NotEnoughReplicasAfterAppend
                | ErrorCode::UnknownTopicOrPartition
                | ErrorCode::FencedLeaderEpoch
                | ErrorCode::UnknownLeaderEpoch
                | ErrorCode::CoordinatorLoadInProgress
                | ErrorCode::CoordinatorNotAvailable
                | ErrorCode::NotCoordinator
                | ErrorCode::ConcurrentTransactions
                | ErrorCode::UnstableOffsetCommit
        )
    }
}

/// Which application records a batch carries: producer `producer` created records numbered
/// `first_record..first_record + record_count` for this partition (the invariant checker's
/// identity of a record, independent of idempotence).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordIds {
    /// Producer index (order in the scenario; consumers/UI map it back to its id).
    pub producer: u32,
    /// Number of the first record in this producer's stream for this partition.
    pub first_record: u64,
}

/// A record batch (Kafka's RecordBatch v2 header, without the payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBatch {
    /// First offset, assigned by the leader when it appends.
    pub base_offset: u64,
    /// Records in the batch.
    pub record_count: u32,
    /// Size on the wire and on disk, bytes (header included).
    pub bytes: u32,
    /// Idempotent producer id; `-1` when the producer is not idempotent.
    pub producer_id: i64,
    /// Producer epoch (0 here: no transactions).
    pub producer_epoch: i16,
    /// Sequence number of the first record; `-1` when not idempotent.
    pub base_sequence: i32,
    /// Leader epoch of the leader that appended it (stamped on append).
    pub partition_leader_epoch: u32,
    /// Application record ids (for the invariant checker).
    pub ids: RecordIds,
    /// Create time of the first record (producer's `send()` call).
    pub first_create_time: SimTime,
    /// Create time of the last record; records in between are spread evenly.
    pub last_create_time: SimTime,
    /// Kafka's batch attributes that the model uses: [`ATTR_TRANSACTIONAL`] (bit 4),
    /// [`ATTR_CONTROL`] (bit 5) and, for a control batch, [`ATTR_COMMIT`] (the control record's
    /// type, COMMIT rather than ABORT, kept in a spare bit here). 0 for ordinary batches.
    #[serde(default)]
    pub attributes: u8,
}

/// Batch attribute: part of a transaction (`RecordBatch.isTransactional`, bit 4).
pub const ATTR_TRANSACTIONAL: u8 = 0x10;
/// Batch attribute: a control batch holding one transaction marker (`isControlBatch`, bit 5).
pub const ATTR_CONTROL: u8 = 0x20;
/// A control batch's marker type is COMMIT (`ControlRecordType.COMMIT`), otherwise ABORT.
pub const ATTR_COMMIT: u8 = 0x01;

impl RecordBatch {
    /// Offset after the last record.
    pub fn next_offset(&self) -> u64 {
        self.base_offset + self.record_count as u64
    }
    /// Last offset in the batch.
    pub fn last_offset(&self) -> u64 {
        self.next_offset().saturating_sub(1)
    }
    /// Whether the batch belongs to a transaction (data or marker).
    pub fn is_transactional(&self) -> bool {
        self.attributes & ATTR_TRANSACTIONAL != 0
    }
    /// `Some(commit)` for a control batch (a COMMIT or ABORT marker), `None` for data.
    pub fn control(&self) -> Option<bool> {
        (self.attributes & ATTR_CONTROL != 0).then_some(self.attributes & ATTR_COMMIT != 0)
    }
}

/// One partition's batch in a produce request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducePartition {
    /// Destination partition.
    pub tp: TopicPartition,
    /// The batch (base_offset is 0 until the leader assigns it).
    pub batch: RecordBatch,
}

/// Per-partition result of a produce request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducePartitionResponse {
    /// Partition.
    pub tp: TopicPartition,
    /// Error, or `None`.
    pub error: ErrorCode,
    /// Offset assigned to the batch's first record (valid when `error` is `None`, or the original
    /// offset for `DUPLICATE_SEQUENCE_NUMBER`).
    pub base_offset: u64,
    /// Leader epoch stamped on the stored batch. Simulator bookkeeping, not in Kafka's
    /// response: the invariant checker uses it to tell the acknowledged copy of a batch from an
    /// older copy at the same offset that a restarted ex-leader truncates.
    pub leader_epoch: u32,
}

/// A partition in a fetch request. Requests are full fetch requests (every partition of the
/// session); the leader skips the partitions that are quiet in the follower's session
/// (`broker/fetch_session.rs`), so its work follows what changed, as KIP-227 sessions make a
/// response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FetchPartition {
    /// Partition.
    pub tp: TopicPartition,
    /// Next offset wanted.
    pub fetch_offset: u64,
    /// The fetcher's idea of the leader epoch (KIP-320 fencing).
    pub current_leader_epoch: u32,
    /// Epoch of the last batch the follower has (KIP-595/KIP-101 divergence check); `None` for
    /// consumers.
    pub last_fetched_epoch: Option<u32>,
    /// `max.partition.fetch.bytes` / `replica.fetch.max.bytes`.
    pub partition_max_bytes: u64,
}

/// Where a follower's log diverges from the leader's (KIP-101 leader-epoch truncation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivergingEpoch {
    /// The largest epoch the leader has that is ≤ the follower's last fetched epoch.
    pub epoch: u32,
    /// Leader's end offset for that epoch: the follower truncates to it.
    pub end_offset: u64,
}

/// A partition's data in a fetch response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FetchPartitionData {
    /// Partition.
    pub tp: TopicPartition,
    /// Error, or `None`.
    pub error: ErrorCode,
    /// Leader's high watermark.
    pub high_watermark: u64,
    /// Leader's log start offset.
    pub log_start_offset: u64,
    /// Batches starting at the fetch offset.
    pub batches: Vec<RecordBatch>,
    /// Set when the follower must truncate first.
    pub diverging_epoch: Option<DivergingEpoch>,
    /// Payloads of internal-topic batches among `batches`, by base offset (empty for user
    /// topics, whose records are not modelled one by one).
    pub payloads: Vec<(u64, InternalRecord)>,
    /// KIP-392: the replica the consumer should fetch this partition from instead (the leader
    /// then sends no records).
    pub preferred_read_replica: Option<BrokerId>,
    /// For a read_committed fetch: the last stable offset and the aborted transactions.
    #[serde(default)]
    pub read_committed: Option<Box<ReadCommittedData>>,
}

/// A partition's state as the controller publishes it (KRaft `PartitionRecord` /
/// `PartitionChangeRecord`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionState {
    /// Partition.
    pub tp: TopicPartition,
    /// Current leader, `None` when offline.
    pub leader: Option<BrokerId>,
    /// Leader epoch (bumped on every leader change).
    pub leader_epoch: u32,
    /// Partition epoch (bumped on every change, incl. ISR).
    pub partition_epoch: u32,
    /// In-sync replicas.
    pub isr: Vec<BrokerId>,
    /// Assigned replicas; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    /// Eligible leader replicas (KIP-966): replicas that left the ISR while it was below
    /// `min.insync.replicas`, so they hold every committed record and may be elected cleanly
    /// when the ISR is empty.
    #[serde(default)]
    pub elr: Vec<BrokerId>,
    /// The last leader, remembered when ISR and ELR both become empty (KIP-966 `LastKnownElr`).
    #[serde(default)]
    pub last_known_elr: Vec<BrokerId>,
}

impl PartitionState {
    /// A new partition: every replica in the ISR, the first (preferred) one leading, epoch 0.
    pub fn new(tp: TopicPartition, replicas: Vec<BrokerId>) -> Self {
        PartitionState {
            tp,
            leader: replicas.first().copied(),
            leader_epoch: 0,
            partition_epoch: 0,
            isr: replicas.clone(),
            replicas,
            elr: Vec::new(),
            last_known_elr: Vec::new(),
        }
    }
}

/// One member in a JoinGroup response (sent to the leader only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinGroupMember {
    /// Member id.
    pub member_id: String,
    /// `group.instance.id`, for static members.
    pub group_instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Partitions the member owns (cooperative protocol, KIP-429).
    pub owned: Vec<TopicPartition>,
    /// Generation of its owned partitions.
    pub generation: Option<i32>,
}

/// Every message on the simulated network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Message {
    // ----- produce / fetch -----
    /// Producer → leader.
    ProduceRequest {
        /// Correlation id (echoed in the response).
        correlation_id: u64,
        /// `acks`.
        acks: Acks,
        /// `request.timeout.ms` as sent in the request (broker-side ack wait limit).
        timeout_ms: u64,
        /// One batch per partition.
        partitions: Vec<ProducePartition>,
        /// The producer's `transactional.id` (`ProduceRequest.TransactionalId`), `None` for
        /// other producers: the leader needs it to add a partition to the transaction at its
        /// coordinator (KIP-890 transaction version 2).
        transactional_id: Option<Box<str>>,
    },
    /// Leader → producer.
    ProduceResponse {
        /// Correlation id of the request.
        correlation_id: u64,
        /// Per-partition results.
        partitions: Vec<ProducePartitionResponse>,
    },
    /// Follower or consumer → leader.
    FetchRequest {
        /// Correlation id.
        correlation_id: u64,
        /// Follower's broker id, `None` for a consumer.
        replica_id: Option<BrokerId>,
        /// `fetch.max.wait.ms` / `replica.fetch.wait.max.ms`.
        max_wait_ms: u64,
        /// `fetch.min.bytes` / `replica.fetch.min.bytes`.
        min_bytes: u64,
        /// `fetch.max.bytes` / `replica.fetch.response.max.bytes`.
        max_bytes: u64,
        /// `isolation.level=read_committed`: read up to the LSO, with the aborted transactions.
        read_committed: bool,
        /// Partitions wanted.
        partitions: Vec<FetchPartition>,
        /// The consumer's `client.rack` as a rack index (KIP-392 `rack_id`); `None` for
        /// followers and consumers without a rack.
        rack_id: Option<u16>,
    },
    /// Leader → fetcher.
    FetchResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Data per partition.
        partitions: Vec<FetchPartitionData>,
    },
    /// Consumer → a partition leader: `ListOffsets` for `auto.offset.reset`.
    ListOffsetsRequest {
        /// Correlation id.
        correlation_id: u64,
        /// Partition.
        tp: TopicPartition,
        /// `true` = earliest (log start), `false` = latest (high watermark).
        earliest: bool,
    },
    /// Leader → consumer.
    ListOffsetsResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Partition.
        tp: TopicPartition,
        /// Error, or `None`.
        error: ErrorCode,
        /// The offset.
        offset: u64,
    },

    // ----- metadata -----
    /// Client → any broker.
    MetadataRequest {
        /// Correlation id.
        correlation_id: u64,
    },
    /// Broker → client: that broker's metadata cache.
    MetadataResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Brokers the broker believes alive (unfenced).
        brokers: Vec<BrokerId>,
        /// Every partition's leader and replicas.
        partitions: Vec<PartitionState>,
    },

    // ----- group coordination (classic protocol) -----
    /// Client → any broker.
    FindCoordinatorRequest {
        /// Correlation id.
        correlation_id: u64,
        /// `group.id`.
        group_id: String,
    },
    /// Broker → client.
    FindCoordinatorResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
        /// Coordinator broker (leader of the group's `__consumer_offsets` partition).
        coordinator: BrokerId,
    },
    /// Member → coordinator.
    JoinGroupRequest(Box<JoinGroup>),
    /// Coordinator → member.
    JoinGroupResponse(Box<JoinGroupResult>),
    /// Member → coordinator.
    SyncGroupRequest(Box<SyncGroup>),
    /// Coordinator → member.
    SyncGroupResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
        /// This member's partitions.
        assignment: Vec<TopicPartition>,
    },
    /// Member → coordinator.
    HeartbeatRequest {
        /// Correlation id.
        correlation_id: u64,
        /// `group.id`.
        group_id: String,
        /// Generation.
        generation: i32,
        /// Member id.
        member_id: String,
    },
    /// Coordinator → member.
    HeartbeatResponse {
        /// Correlation id.
        correlation_id: u64,
        /// `None`, `REBALANCE_IN_PROGRESS`, `UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`…
        error: ErrorCode,
    },
    /// Member → coordinator.
    LeaveGroupRequest {
        /// Correlation id.
        correlation_id: u64,
        /// `group.id`.
        group_id: String,
        /// Member id.
        member_id: String,
    },
    /// Coordinator → member.
    LeaveGroupResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
    },
    /// Member → coordinator.
    OffsetCommitRequest(Box<OffsetCommit>),
    /// Coordinator → member.
    OffsetCommitResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None` (one code for all partitions here).
        error: ErrorCode,
        /// Committed offsets echoed back.
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// Member → coordinator.
    OffsetFetchRequest {
        /// Correlation id.
        correlation_id: u64,
        /// `group.id`.
        group_id: String,
        /// Partitions asked about.
        partitions: Vec<TopicPartition>,
    },
    /// Coordinator → member.
    OffsetFetchResponse {
        /// Correlation id.
        correlation_id: u64,
        /// Error, or `None`.
        error: ErrorCode,
        /// Committed offset per partition, `None` when the group has none.
        offsets: Vec<(TopicPartition, Option<u64>)>,
    },

    // ----- KRaft controller <-> brokers -----
    /// Broker → controller, when its process starts (and again after an error).
    BrokerRegistrationRequest(BrokerRegistration),
    /// Controller → broker.
    BrokerRegistrationResponse(BrokerRegistrationReply),
    /// Broker → controller, every `broker.heartbeat.interval.ms`.
    BrokerHeartbeatRequest(BrokerHeartbeat),
    /// Controller → broker.
    BrokerHeartbeatResponse(BrokerHeartbeatReply),
    /// Leader → controller (KIP-497 AlterPartition): propose a new ISR.
    AlterPartitionRequest {
        /// Partition.
        tp: TopicPartition,
        /// Leader's epoch.
        leader_epoch: u32,
        /// Partition epoch the proposal is based on.
        partition_epoch: u32,
        /// Proposed ISR.
        new_isr: Vec<BrokerId>,
    },
    /// Controller → leader.
    AlterPartitionResponse {
        /// Partition.
        tp: TopicPartition,
        /// Error, or `None`.
        error: ErrorCode,
        /// Committed state (boxed: rare, and it would double every message's size).
        state: Option<Box<PartitionState>>,
    },
    /// Broker → controller: fetch the metadata log from `offset` (long poll).
    MetadataFetchRequest {
        /// Correlation id.
        correlation_id: u64,
        /// Fetching broker.
        broker: BrokerId,
        /// Next offset wanted.
        offset: u64,
    },
    /// Controller → broker.
    MetadataFetchResponse {
        /// Correlation id.
        correlation_id: u64,
        /// The records (boxed: rare next to produce and fetch traffic).
        reply: Box<MetadataFetchReply>,
    },

    // ----- transactions (KIP-98) -----
    /// Transactional producer ↔ transaction coordinator, coordinator ↔ partition leaders.
    Txn(Box<TxnMessage>),
}

impl Message {
    /// Whether the message is a request (sent on a connection the sender opened), as opposed
    /// to a response.
    pub fn is_request(&self) -> bool {
        use Message::*;
        matches!(
            self,
            ProduceRequest { .. }
                | FetchRequest { .. }
                | ListOffsetsRequest { .. }
                | MetadataRequest { .. }
                | FindCoordinatorRequest { .. }
                | JoinGroupRequest(_)
                | SyncGroupRequest(_)
                | HeartbeatRequest { .. }
                | LeaveGroupRequest { .. }
                | OffsetCommitRequest(_)
                | OffsetFetchRequest { .. }
                | BrokerRegistrationRequest(_)
                | BrokerHeartbeatRequest(_)
                | AlterPartitionRequest { .. }
                | MetadataFetchRequest { .. }
        ) || matches!(self, Txn(t) if t.is_request())
    }

    /// Short Kafka-style name of the message kind (for logs and animation).
    pub fn kind(&self) -> MessageKind {
        use Message::*;
        match self {
            ProduceRequest { .. } => MessageKind::Produce,
            ProduceResponse { .. } => MessageKind::ProduceAck,
            FetchRequest {
                replica_id: Some(_),
                ..
            } => MessageKind::ReplicaFetch,
            FetchRequest { .. } => MessageKind::ConsumerFetch,
            FetchResponse { .. } => MessageKind::FetchData,
            BrokerRegistrationRequest(_)
            | BrokerRegistrationResponse(_)
            | BrokerHeartbeatRequest(_)
            | BrokerHeartbeatResponse(_)
            | AlterPartitionRequest { .. }
            | AlterPartitionResponse { .. }
            | MetadataFetchRequest { .. }
            | MetadataFetchResponse { .. } => MessageKind::Controller,
            MetadataRequest { .. } | MetadataResponse { .. } => MessageKind::Metadata,
            ListOffsetsRequest { .. } | ListOffsetsResponse { .. } => MessageKind::Metadata,
            Txn(_) => MessageKind::Transaction,
            _ => MessageKind::Group,
        }
    }

    /// Approximate size on the wire, bytes: headers plus record batches.
    pub fn wire_bytes(&self) -> u64 {
        use Message::*;
        match self {
            ProduceRequest { partitions, .. } => {
                64 + partitions
                    .iter()
                    .map(|p| 16 + p.batch.bytes as u64)
                    .sum::<u64>()
            }
            FetchResponse { partitions, .. } => {
                32 + partitions
                    .iter()
                    .map(|p| 32 + p.batches.iter().map(|b| b.bytes as u64).sum::<u64>())
                    .sum::<u64>()
            }
            FetchRequest { partitions, .. } => 48 + 24 * partitions.len() as u64,
            MetadataResponse { partitions, .. } => 64 + 32 * partitions.len() as u64,
            MetadataFetchResponse { reply, .. } => {
                64 + reply.records.iter().map(|r| r.wire_bytes()).sum::<u64>()
            }
            ProduceResponse { partitions, .. } => 32 + 24 * partitions.len() as u64,
            _ => 96,
        }
    }
}

/// Coarse message kinds, for animation colours and counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// Producer → leader.
    Produce,
    /// Leader → producer.
    ProduceAck,
    /// Follower → leader fetch.
    ReplicaFetch,
    /// Consumer → leader fetch.
    ConsumerFetch,
    /// Fetch response with data.
    FetchData,
    /// Group coordination.
    Group,
    /// Client metadata.
    Metadata,
    /// Controller traffic.
    Controller,
    /// Transaction coordination and markers.
    Transaction,
}
