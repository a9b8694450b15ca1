//! `RangeAssignor` ("range"), without rack awareness.
//!
//! Topic by topic: the topic's subscribers are sorted as `MemberInfo` sorts them (static members
//! by `group.instance.id` first, then dynamic members by member id), the partitions laid out in
//! order, and each subscriber takes a contiguous range of `partitions / subscribers`
//! partitions, the first `partitions % subscribers` of them one more.

use super::{Group, TopicPartition};

/// Range assignment; one partition list per member of `group.members`.
pub(crate) fn assign(group: &Group) -> Vec<Vec<TopicPartition>> {
    let mut out = vec![Vec::new(); group.members.len()];
    let order = group.member_info_order();
    for (topic, &count) in &group.partitions_per_topic {
        let subscribers: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&m| group.members[m].topics.contains(topic))
            .collect();
        if subscribers.is_empty() {
            continue;
        }
        let n = subscribers.len() as u32;
        let (per_member, extra) = (count / n, count % n);
        let mut next = 0u32;
        for (i, &m) in subscribers.iter().enumerate() {
            let take = per_member + u32::from((i as u32) < extra);
            out[m].extend((next..next + take).map(|p| TopicPartition::new(topic.clone(), p)));
            next += take;
        }
    }
    out
}
