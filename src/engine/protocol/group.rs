//! Bodies of the larger group-protocol messages (JoinGroup, SyncGroup, OffsetCommit). They are
//! boxed inside [`Message`](super::Message) so that every message, and every event-queue entry
//! carrying one, stays small: produce and fetch traffic, the bulk of a run, is copied less.

use serde::{Deserialize, Serialize};

use super::ErrorCode;
use super::JoinGroupMember;
use crate::engine::config::AssignmentStrategy;
use crate::engine::ids::TopicPartition;

/// The body of a JoinGroupRequest (Member → coordinator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinGroup {
    /// Correlation id.
    pub correlation_id: u64,
    /// `group.id`.
    pub group_id: String,
    /// Empty for a new dynamic member.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// `session.timeout.ms`.
    pub session_timeout_ms: u64,
    /// `max.poll.interval.ms` (the rebalance timeout).
    pub rebalance_timeout_ms: u64,
    /// Supported assignors, in preference order.
    pub protocols: Vec<AssignmentStrategy>,
    /// Subscription.
    pub topics: Vec<String>,
    /// Partitions currently owned (cooperative).
    pub owned: Vec<TopicPartition>,
    /// Generation those were owned in.
    pub generation: Option<i32>,
}

/// The body of a JoinGroupResponse (Coordinator → member).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JoinGroupResult {
    /// Correlation id.
    pub correlation_id: u64,
    /// Error, or `None`.
    pub error: ErrorCode,
    /// New generation.
    pub generation: i32,
    /// Chosen assignor.
    pub protocol: Option<AssignmentStrategy>,
    /// The group leader's member id.
    pub leader: String,
    /// This member's id.
    pub member_id: String,
    /// All members (only for the leader, empty otherwise).
    pub members: Vec<JoinGroupMember>,
}

/// The body of a SyncGroupRequest (Member → coordinator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncGroup {
    /// Correlation id.
    pub correlation_id: u64,
    /// `group.id`.
    pub group_id: String,
    /// Generation.
    pub generation: i32,
    /// Member id.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The leader's computed assignment (empty from followers).
    pub assignments: Vec<(String, Vec<TopicPartition>)>,
}

/// The body of a OffsetCommitRequest (Member → coordinator).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OffsetCommit {
    /// Correlation id.
    pub correlation_id: u64,
    /// `group.id`.
    pub group_id: String,
    /// Generation (-1 for a simple, group-less commit).
    pub generation: i32,
    /// Member id.
    pub member_id: String,
    /// Offsets (the next offset to consume).
    pub offsets: Vec<(TopicPartition, u64)>,
}
