//! The broker-side group coordinator for the classic consumer group protocol (Kafka's
//! `ClassicGroup` / `GroupMetadataManager`): JoinGroup / SyncGroup / Heartbeat / LeaveGroup,
//! member sessions (`session.timeout.ms`), rebalance timeouts (`max.poll.interval.ms`),
//! `group.initial.rebalance.delay.ms`, KIP-394 member ids, KIP-345 static membership, and
//! offset commits.
//!
//! A group lives on the broker leading its `__consumer_offsets` partition. Group metadata and
//! offsets are kept in the durable [`OffsetStore`](crate::engine::ctx::OffsetStore), as Kafka
//! keeps them in that replicated topic, so a new coordinator after a failover loads the group
//! and its members keep their assignment.

mod coordinator;

pub use coordinator::txn_offsets;
pub use coordinator::{
    CoordinatorWrite, GroupCoordinator, GroupRecord, GroupSnapshot, GroupState, MemberRecord,
};

use serde::{Deserialize, Serialize};

/// Coordinator timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorTimer {
    /// Check member sessions and rebalance deadlines of every group (periodic).
    Tick,
}

/// Java's `String.hashCode` over UTF-16 code units (wrapping 32-bit arithmetic).
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// Kafka's `Utils.abs`: `Integer.MIN_VALUE` maps to 0, other values to their absolute value.
pub fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// The `__consumer_offsets` partition holding a group: `abs(groupId.hashCode) % partitions`
/// (`GroupCoordinator.partitionFor`).
pub fn offsets_partition_for(group_id: &str, num_partitions: u32) -> u32 {
    if num_partitions == 0 {
        return 0;
    }
    (kafka_abs(java_string_hash(group_id)) as u32) % num_partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_hash_code_matches_the_jdk() {
        // Values of "".hashCode(), "a".hashCode(), "hello".hashCode() in Java.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        // "polygenelubricants".hashCode() is Integer.MIN_VALUE: Utils.abs maps it to 0.
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(offsets_partition_for("polygenelubricants", 50), 0);
    }

    #[test]
    fn partition_for_is_in_range() {
        for g in ["g1", "billing", "analytics", "消费组"] {
            assert!(offsets_partition_for(g, 50) < 50);
        }
    }
}

#[cfg(test)]
mod fencing_tests;
#[cfg(test)]
mod txn_offsets_tests;

#[cfg(test)]
mod coordinator_tests {
    use std::collections::BTreeSet;

    use crate::engine::config::{AssignmentStrategy, BrokerConfig};
    use crate::engine::ctx::{Ctx, Outbox};
    use crate::engine::ids::{NodeId, TopicInfo, TopicTable, OFFSETS_TOPIC};
    use crate::engine::protocol::{ErrorCode, JoinGroup, Message};
    use crate::engine::rng::SimRng;

    use super::GroupCoordinator;

    fn join(session_timeout_ms: u64) -> Vec<(NodeId, Message)> {
        let topics = TopicTable {
            topics: vec![TopicInfo {
                name: OFFSETS_TOPIC.into(),
                partitions: 1,
                replication_factor: 1,
                internal: true,
            }],
        };
        let (mut rng, mut out) = (SimRng::new(1), Outbox::default());
        let mut ctx = Ctx::new(0, NodeId(1), &mut rng, &topics, &mut out);
        let request = Message::JoinGroupRequest(Box::new(JoinGroup {
            correlation_id: 7,
            group_id: "g".into(),
            member_id: String::new(),
            group_instance_id: None,
            session_timeout_ms,
            rebalance_timeout_ms: 300_000,
            protocols: vec![AssignmentStrategy::Range],
            topics: vec!["t".into()],
            owned: Vec::new(),
            generation: None,
        }));
        let led: BTreeSet<u32> = [0].into();
        GroupCoordinator::new(1).handle_request(
            &mut ctx,
            NodeId(9),
            request,
            &BrokerConfig::default(),
            &led,
        );
        std::mem::take(&mut out.sends)
    }

    fn join_error(sends: &[(NodeId, Message)]) -> ErrorCode {
        match sends {
            [(NodeId(9), Message::JoinGroupResponse(r))] if r.correlation_id == 7 => r.error,
            other => panic!("expected one JoinGroupResponse to the member, got {other:?}"),
        }
    }

    #[test]
    fn join_with_a_session_timeout_outside_the_broker_range_is_refused() {
        // group.min.session.timeout.ms = 6 s and group.max.session.timeout.ms = 30 min.
        assert_eq!(join_error(&join(5_999)), ErrorCode::InvalidSessionTimeout);
        assert_eq!(
            join_error(&join(1_800_001)),
            ErrorCode::InvalidSessionTimeout
        );
        // In range, a new dynamic member first gets its id (KIP-394); both bounds are in range.
        assert_eq!(join_error(&join(45_000)), ErrorCode::MemberIdRequired);
        assert_eq!(join_error(&join(6_000)), ErrorCode::MemberIdRequired);
        assert_eq!(join_error(&join(1_800_000)), ErrorCode::MemberIdRequired);
    }
}
