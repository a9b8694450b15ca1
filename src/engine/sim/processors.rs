//! Wiring of the processors ([`crate::engine::processor`]): their members are built as
//! ordinary consumers and producers (after the scenario's own), and after either of a
//! member's nodes has run, its application loop takes what the consumer returned, hands it to
//! the producer, and decides when to commit, rewind or re-initialize.

use super::{Engine, GroupRuntime, NodeRole};
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicPartition};
use crate::engine::processor::{MemberLoop, Processors};
use crate::engine::producer::{ProcessorProducerState, Producer};
use crate::engine::scenario::{
    Arrivals, GroupSpec, KeyDistribution, ProducerSpec, TransactionsSpec, Workload,
};
use crate::engine::time::ms;

impl Engine {
    /// Builds every processor member: a consumer in the processor's group and a transactional
    /// producer of the output topic.
    pub(super) fn add_processors(&mut self) {
        let specs = self.scenario.processors.clone();
        let hw = self.scenario.cluster.hardware.clone();
        let bootstrap: Vec<BrokerId> = (1..=self.brokers.len() as BrokerId).collect();
        for (pi, spec) in specs.iter().enumerate() {
            let out_topic = self.topics.index_of(&spec.output).unwrap_or(0);
            self.processors
                .output_partitions
                .push(self.topics.partitions(out_topic).max(1));
            let g = self.groups.len();
            let mut consumer = spec.consumer.clone();
            consumer.enable_auto_commit = false;
            consumer.isolation_level = crate::engine::config::IsolationLevel::ReadCommitted;
            self.groups.push(GroupRuntime {
                spec: GroupSpec {
                    group_id: spec.group_id.clone(),
                    topics: vec![spec.input.clone()],
                    members: spec.members,
                    processing_us_per_record: 0,
                    static_membership: false,
                    config: consumer,
                },
                members: Vec::new(),
            });
            for m in 0..spec.members {
                let mut config = spec.producer.clone();
                config.transactional_id = Some(spec.transactional_id(m));
                let pspec = ProducerSpec {
                    id: spec.transactional_id(m),
                    topic: spec.output.clone(),
                    workload: Workload::Rate { records_per_s: 1.0 },
                    arrivals: Arrivals::Fixed,
                    // The application sends only what it consumed.
                    max_records: Some(0),
                    record_size: spec.record_size,
                    keys: KeyDistribution::None,
                    config,
                    transactions: Some(TransactionsSpec {
                        records: spec.records_per_transaction,
                        abort_ratio: 0.0,
                    }),
                };
                let pnode = self.net.add_node(hw.nic_bits_per_s);
                let p_idx = self.producers.len();
                let mut producer = Producer::new(p_idx as u32, pnode, &pspec, out_topic, {
                    bootstrap.clone()
                });
                producer.set_send_cost(hw.client_ns_per_record);
                producer.set_processor_mode();
                self.producers.push(producer);
                self.roles.push(NodeRole::Producer(p_idx));
                self.incarnations.push(0);
                if let Some(r) = self.racks.as_deref_mut() {
                    let n = pnode.0 as usize;
                    if r.node.len() <= n {
                        r.node.resize(n + 1, 0);
                    }
                    r.node[n] = (p_idx % r.names.len()) as u16;
                }
                let c_idx = self.spawn_consumer(g);
                let cnode = self.consumers[c_idx].node();
                self.processors.members.push(MemberLoop::new(
                    pi as u32,
                    m,
                    (c_idx, cnode),
                    (p_idx, pnode),
                ));
            }
        }
    }

    /// Whether consumer group `g` is a processor's.
    pub(super) fn is_processor_group(&self, g: usize) -> bool {
        g >= self.scenario.consumer_groups.len()
    }

    /// Runs the application loop of the member on `node`, if `node` is a processor member's.
    #[inline(never)]
    pub(super) fn processor_step(&mut self, node: NodeId) {
        if self.processors.busy {
            return;
        }
        let Some(i) = self.processors.member_on(node) else {
            return;
        };
        self.processors.busy = true;
        self.member_loop(i);
        self.processors.busy = false;
    }

    fn member_loop(&mut self, i: usize) {
        let m = self.processors.members[i].clone();
        let (ci, pi) = (m.consumer, m.producer);
        if !self.consumers[ci].is_alive() {
            return;
        }
        let mut rewind = false;
        // A fenced producer: close it, start a new one with the same transactional.id.
        if self.producers[pi].processor_state() == ProcessorProducerState::Fenced {
            self.with_node(m.producer_node, |e, ctx| {
                e.producers[pi].processor_reinit(&mut ctx.part())
            });
            self.processors.members[i].reset();
            rewind = true;
        }
        for committed in self.producers[pi].take_outcomes() {
            if committed && self.processors.offsets_outside_transaction {
                // The injected bug: the offsets go in an ordinary commit, after the fact.
                let offsets: Vec<(TopicPartition, u64)> = self.processors.members[i]
                    .offsets
                    .clone()
                    .into_iter()
                    .collect();
                self.with_node(m.consumer_node, |e, ctx| {
                    e.consumers[ci].processor_commit_outside(&mut ctx.part(), offsets)
                });
            }
            self.processors.members[i].reset();
            if !committed {
                rewind = true;
            }
        }
        let state = self.producers[pi].processor_state();
        let delivered = self.consumers[ci].take_delivered();
        let idle = self.consumers[ci].take_idle_poll();
        if !delivered.is_empty() {
            self.take_records(i, state, delivered, &mut rewind);
        }
        let lp = &self.processors.members[i];
        let rpt = self.scenario.processors[lp.processor as usize].records_per_transaction;
        let commit_now = !lp.ending
            && lp.records_in_txn > 0
            && (lp.records_in_txn >= rpt || idle)
            && self.producers[pi].processor_state() == ProcessorProducerState::Open;
        if commit_now {
            self.commit_member(i);
        }
        let lp = &self.processors.members[i];
        let hold =
            lp.ending || self.producers[pi].processor_state() != ProcessorProducerState::Open;
        if rewind {
            self.with_node(m.consumer_node, |e, ctx| {
                e.consumers[ci].processor_rewind(&mut ctx.part())
            });
        }
        if hold {
            self.consumers[ci].processor_hold();
        } else if self.consumers[ci].processor_held() {
            self.with_node(m.consumer_node, |e, ctx| {
                e.consumers[ci].processor_release(&mut ctx.part())
            });
        }
    }

    /// Hands what `poll()` returned to the producer, one output record per input record.
    fn take_records(
        &mut self,
        i: usize,
        state: ProcessorProducerState,
        delivered: Vec<(TopicPartition, u64, u64)>,
        rewind: &mut bool,
    ) {
        let m = self.processors.members[i].clone();
        let (ci, pi) = (m.consumer, m.producer);
        let meta = self.consumers[ci].group_metadata();
        let stale = m.group_metadata.as_ref().is_some_and(|g| *g != meta);
        if state != ProcessorProducerState::Open || m.ending || stale {
            // The records cannot join a transaction (none can be open, or the open one
            // belongs to an older generation): give the open one up and read them again.
            if state == ProcessorProducerState::Open && m.records_in_txn > 0 {
                self.with_node(m.producer_node, |e, ctx| {
                    e.producers[pi].processor_abort(&mut ctx.part())
                });
                self.processors.members[i].ending = true;
            } else if !m.ending {
                self.processors.members[i].reset();
            }
            *rewind = true;
            return;
        }
        if m.group_metadata.is_none() {
            self.processors.members[i].group_metadata = Some(meta);
        }
        let out_n = self.processors.output_partitions[m.processor as usize];
        let out_topic = self.producers[pi].topic_index();
        for (tp, from, to) in delivered {
            let n = (to.saturating_sub(from)).min(u32::MAX as u64) as u32;
            if n == 0 {
                continue;
            }
            let out_p = tp.partition % out_n;
            let processor = m.processor;
            let sent = std::cell::Cell::new(None);
            self.with_node(m.producer_node, |e, ctx| {
                let mut pctx = ctx.part();
                let r = e.producers[pi].processor_send(&mut pctx, out_p, n);
                if let Some((first, got)) = r {
                    if got > 0 {
                        pctx.event(SimEvent::ProcessorOutput {
                            processor,
                            producer: pi as u32,
                            in_tp: tp,
                            in_from: from,
                            out_tp: TopicPartition::new(out_topic, out_p),
                            first_record: first,
                            count: got,
                        });
                    }
                }
                sent.set(r);
            });
            let lp = &mut self.processors.members[i];
            match sent.get() {
                Some((_, got)) if got == n => {
                    lp.records_in_txn += got as u64;
                    lp.offsets.insert(tp, to);
                }
                _ => {
                    // Not all sent: the producer aborts this transaction; read them again.
                    lp.ending = true;
                    *rewind = true;
                    return;
                }
            }
        }
    }

    /// `sendOffsetsToTransaction` + `commitTransaction()`.
    fn commit_member(&mut self, i: usize) {
        let m = self.processors.members[i].clone();
        let pi = m.producer;
        let spec = &self.scenario.processors[m.processor as usize];
        let group_id = spec.group_id.clone();
        let (member_id, generation) = m.group_metadata.clone().unwrap_or((String::new(), -1));
        let mut offsets: Vec<(TopicPartition, u64)> = m.offsets.into_iter().collect();
        if self.processors.offsets_outside_transaction {
            offsets.clear();
        }
        self.processors.members[i].ending = true;
        self.with_node(m.producer_node, |e, ctx| {
            e.producers[pi].processor_commit(
                &mut ctx.part(),
                group_id,
                member_id,
                generation,
                offsets,
            )
        });
    }

    /// `pause_client` on a processor member: its consumer and producer stop for `pause_ms`.
    pub(super) fn pause_processor_member(&mut self, producer: usize, pause_ms: u64) -> bool {
        let Some(m) = self
            .processors
            .members
            .iter()
            .find(|m| m.producer == producer)
            .cloned()
        else {
            return false;
        };
        let until = self.now.saturating_add(ms(pause_ms));
        let ci = m.consumer;
        self.with_node(m.consumer_node, |e, ctx| {
            e.consumers[ci].pause_processor(&mut ctx.part(), until)
        });
        true
    }

    /// Injects a bug for tests that must see the exactly-once audit fail: processors commit
    /// their input offsets with an ordinary OffsetCommit after each transaction, outside it.
    #[doc(hidden)]
    pub fn inject_offsets_outside_transaction(&mut self) {
        self.processors.offsets_outside_transaction = true;
    }

    /// The processors' state, for tests and reports.
    pub fn processors(&self) -> &Processors {
        &self.processors
    }
}
