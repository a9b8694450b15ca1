//! Applying cluster metadata from the controller: role changes, ISR, leader epochs, and which
//! `__consumer_offsets` partitions (so which groups) this broker coordinates.

use super::*;
use crate::engine::ctx::Ctx;

impl BrokerProcess {
    /// Applies a metadata update from the controller: role changes, ISR, leader epochs.
    pub(super) fn apply_metadata(
        &mut self,
        ctx: &mut Ctx,
        live: Vec<BrokerId>,
        partitions: Vec<PartitionState>,
    ) {
        self.disk.live_brokers = live;
        let offsets_topic = ctx.topics.offsets_topic();
        let mut led_changed = false;
        for st in partitions {
            let tp = st.tp;
            self.disk.metadata.insert(tp, st.clone());
            if !st.replicas.contains(&self.id) {
                continue;
            }
            if Some(tp.topic) == offsets_topic {
                let leads = st.leader == Some(self.id);
                led_changed |= if leads {
                    self.led_offsets_partitions.insert(tp.partition)
                } else {
                    self.led_offsets_partitions.remove(&tp.partition)
                };
            }
            let internal = ctx
                .topics
                .get(tp.topic)
                .map(|t| t.internal)
                .unwrap_or(false);
            self.disk.logs.get_or_insert_with(tp, PartitionLog::new);
            let replica = self.replicas.get_or_insert_with(tp, ReplicaState::unknown);
            replica.replicas = st.replicas.clone();
            let new_epoch = st.leader_epoch != replica.leader_epoch;
            if st.leader == Some(self.id) {
                if replica.role != Role::Leader || new_epoch {
                    self.become_leader(ctx, tp, &st);
                } else {
                    // Same leadership: the controller committed an ISR change.
                    if let Some(r) = self.replicas.get_mut(&tp) {
                        if st.partition_epoch >= r.partition_epoch {
                            r.isr = st.isr.clone();
                            r.partition_epoch = st.partition_epoch;
                            r.pending_isr = None;
                        }
                    }
                    self.maybe_advance_hw(ctx, tp);
                }
            } else if replica.role != Role::Follower(st.leader) || new_epoch {
                self.become_follower(ctx, tp, &st, internal);
            } else if let Some(r) = self.replicas.get_mut(&tp) {
                r.isr = st.isr.clone();
                r.partition_epoch = st.partition_epoch;
            }
        }
        if led_changed {
            self.coordinator
                .on_leadership_change(ctx, &self.led_offsets_partitions);
        }
        self.kick_fetchers(ctx);
    }
}
