//! One name per client, everywhere (cluster view, event log, charts, action menus): Kafka's
//! `client.id` and, for a consumer, its `member.id`, plus a short label.
//!
//! A producer's `client.id` is its scenario id. A consumer's `client.id` is Kafka's default,
//! `consumer-{group.id}-{n}` (`ConsumerConfig`'s client-id sequence, counted from 1 within the
//! group here), and its short label `{group.id} #{n}`; its `member.id` is what the coordinator
//! assigned (KIP-394), empty until it joins.

use crate::engine::snapshot::ClusterSnapshot;

/// The names of one client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientName {
    /// Short label (`orders-app`, `billing #2`).
    pub label: String,
    /// `client.id`.
    pub client_id: String,
    /// `member.id` (consumers, once joined).
    pub member_id: Option<String>,
}

/// Every client's name, by producer index and by consumer index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// Producers by index.
    pub producers: Vec<ClientName>,
    /// Consumers by index.
    pub consumers: Vec<ClientName>,
}

/// A consumer's short label from its group and its member number (1-based, start order).
pub fn consumer_label(group_id: &str, n: usize) -> String {
    format!("{group_id} #{n}")
}

/// A consumer's default `client.id`.
pub fn consumer_client_id(group_id: &str, n: usize) -> String {
    format!("consumer-{group_id}-{n}")
}

impl Names {
    /// The names of the clients in a snapshot.
    pub fn of(snap: &ClusterSnapshot) -> Names {
        let producers = snap
            .producers
            .iter()
            .map(|p| ClientName {
                label: p.id.clone(),
                client_id: p.id.clone(),
                member_id: None,
            })
            .collect();
        let mut consumers: Vec<ClientName> = snap
            .consumers
            .iter()
            .map(|c| ClientName {
                label: format!("consumer {}", c.index),
                client_id: String::new(),
                member_id: None,
            })
            .collect();
        for g in &snap.groups {
            for (k, &c) in g.members.iter().enumerate() {
                if let Some(name) = consumers.get_mut(c as usize) {
                    name.label = consumer_label(&g.group_id, k + 1);
                    name.client_id = consumer_client_id(&g.group_id, k + 1);
                    let member = &snap.consumers[c as usize].member_id;
                    name.member_id = (!member.is_empty()).then(|| member.clone());
                }
            }
        }
        Names {
            producers,
            consumers,
        }
    }

    /// A consumer's label, or `consumer N` when unknown.
    pub fn consumer(&self, index: u32) -> String {
        self.consumers
            .get(index as usize)
            .map(|c| c.label.clone())
            .unwrap_or_else(|| format!("consumer {index}"))
    }

    /// A producer's label, or `producer N` when unknown.
    pub fn producer(&self, index: u32) -> String {
        self.producers
            .get(index as usize)
            .map(|c| c.label.clone())
            .unwrap_or_else(|| format!("producer {index}"))
    }

    /// A consumer's member number within its group (0-based, as `crash_consumer` counts).
    pub fn member_number(snap: &ClusterSnapshot, index: u32) -> Option<(String, u32)> {
        snap.groups.iter().find_map(|g| {
            g.members
                .iter()
                .position(|&c| c == index)
                .map(|k| (g.group_id.clone(), k as u32))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::ms;
    use crate::engine::Engine;

    #[test]
    fn consumers_are_named_by_group_and_start_order_with_their_member_id() {
        let mut e = Engine::new(&crate::scenario_file::presets::preset("quickstart").unwrap());
        e.run_until(ms(5_000), u64::MAX);
        let snap = e.snapshot();
        let names = Names::of(&snap);
        assert_eq!(names.producers[0].label, "orders-app");
        assert_eq!(names.consumer(1), "billing #2");
        assert_eq!(names.consumers[1].client_id, "consumer-billing-2");
        assert_eq!(
            names.consumers[1].member_id.as_deref(),
            Some(snap.consumers[1].member_id.as_str())
        );
        assert_eq!(
            Names::member_number(&snap, 2),
            Some(("billing".to_string(), 2))
        );
    }
}
