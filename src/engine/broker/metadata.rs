//! Applying the metadata log: records fetched from the controller update the image on disk;
//! once the broker has caught up (see `lifecycle`), partition records change replica roles, ISR
//! and leader epochs, and which `__consumer_offsets` partitions (so which groups) this broker
//! coordinates — as Kafka's `BrokerMetadataPublisher` hands each delta to the `ReplicaManager`.

use super::lifecycle::BrokerState;
use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::protocol::MetadataRecord;
use crate::engine::timer::BrokerTimer;

impl BrokerProcess {
    /// Applies fetched records to the image; replica roles follow unless still starting.
    pub(super) fn apply_records(&mut self, ctx: &mut Ctx<BrokerTimer>, records: &[MetadataRecord]) {
        let mut changed: Vec<TopicPartition> = Vec::new();
        for r in records {
            match r {
                MetadataRecord::BrokerConfig(cfg) => self.disk.config = (**cfg).clone(),
                MetadataRecord::TopicConfig { topic, config } => {
                    if let Some(slot) = self.disk.topic_configs.get_mut(*topic as usize) {
                        *slot = (**config).clone();
                    }
                }
                _ => {}
            }
            if let Some(tp) = self.disk.metadata.apply(r) {
                changed.push(tp);
            }
        }
        if self.lifecycle.state == BrokerState::Starting {
            return; // the publisher is installed once the broker has caught up
        }
        changed.sort_unstable();
        changed.dedup();
        self.apply_partitions(ctx, &changed);
    }

    /// Applies every partition of the image (when the publisher is installed).
    pub(super) fn apply_whole_image(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let tps: Vec<TopicPartition> = self.disk.metadata.partitions.keys().copied().collect();
        self.apply_partitions(ctx, &tps);
    }

    /// Role changes, ISR and leader epochs for the partitions `tps` from the image.
    fn apply_partitions(&mut self, ctx: &mut Ctx<BrokerTimer>, tps: &[TopicPartition]) {
        let offsets_topic = ctx.topics.offsets_topic();
        let txn_topic = ctx.topics.txn_topic();
        let mut led_changed = false;
        let mut txn_led_changed = false;
        for &tp in tps {
            let Some(st) = self.disk.metadata.partitions.get(&tp).cloned() else {
                continue;
            };
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
            if Some(tp.topic) == txn_topic {
                let leads = st.leader == Some(self.id);
                txn_led_changed |= if leads {
                    self.led_txn_partitions.insert(tp.partition)
                } else {
                    self.led_txn_partitions.remove(&tp.partition)
                };
            }
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
                self.become_follower(ctx, tp, &st);
            } else if let Some(r) = self.replicas.get_mut(&tp) {
                r.isr = st.isr.clone();
                r.partition_epoch = st.partition_epoch;
            }
        }
        if led_changed {
            self.coordinator.on_leadership_change(
                &mut ctx.part(),
                &self.led_offsets_partitions,
                &self.disk.logs,
            );
            self.flush_coordinator_writes(ctx);
        }
        if let (true, Some(topic)) = (txn_led_changed, txn_topic) {
            self.txn_coordinator.on_leadership_change(
                ctx,
                &self.led_txn_partitions,
                topic,
                &self.disk.logs,
            );
            let sends = self.txn_coordinator.send_markers(ctx, &self.disk.metadata);
            self.dispatch_markers(ctx, sends);
            self.flush_txn_writes(ctx);
        }
        self.kick_fetchers(ctx);
    }
}
