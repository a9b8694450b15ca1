//! `RoundRobinAssignor` ("roundrobin").
//!
//! All partitions of all subscribed topics, topics in name order and partitions in index
//! order, are dealt to the members in `MemberInfo` order (static members by
//! `group.instance.id` first, then dynamic members by member id) with one circular cursor: for
//! each partition the cursor skips members not subscribed to its topic, assigns, and advances.

use super::{Group, TopicPartition};

/// Round-robin assignment; one partition list per member of `group.members`.
pub(crate) fn assign(group: &Group) -> Vec<Vec<TopicPartition>> {
    let mut out = vec![Vec::new(); group.members.len()];
    let order = group.member_info_order();
    if order.is_empty() {
        return out;
    }
    let mut cursor = 0usize;
    for (topic, &count) in &group.partitions_per_topic {
        for p in 0..count {
            // Some member subscribes to every topic here, so at most one lap is needed.
            let Some(skip) = (0..order.len()).find(|k| {
                group.members[order[(cursor + k) % order.len()]]
                    .topics
                    .contains(topic)
            }) else {
                continue;
            };
            let m = order[(cursor + skip) % order.len()];
            out[m].push(TopicPartition::new(topic.clone(), p));
            cursor = (cursor + skip + 1) % order.len();
        }
    }
    out
}
