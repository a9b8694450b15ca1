//! Broker unit tests, driving one broker by hand through its sans-IO interface.

use super::*;
use crate::engine::config::Acks;
use crate::engine::ctx::{Ctx, Outbox};
use crate::engine::events::SimEvent;
use crate::engine::ids::NodeId;
use crate::engine::ids::{TopicInfo, TopicTable};
use crate::engine::protocol::{
    ErrorCode, FetchPartition, FetchPartitionData, Message, MetadataRecord, PartitionState,
    ProducePartition,
};
use crate::engine::protocol::{RecordBatch, RecordIds};
use crate::engine::rng::SimRng;
use crate::engine::timer::{BrokerTimer, Timer};

struct Harness {
    broker: BrokerProcess,
    rng: SimRng,
    topics: TopicTable,
    now: SimTime,
    timers: Vec<(SimTime, Timer)>,
    /// Events emitted by finished work, since the last `exchange`.
    events: Vec<SimEvent>,
}

impl Harness {
    fn new(min_isr: u32, isr: Vec<BrokerId>) -> Self {
        Self::with(
            min_isr,
            isr,
            HardwareProfile::cloud(),
            TopicConfig::default(),
        )
    }

    /// Broker 1 of two on `hardware`, hosting topic `t` (one partition, led by broker 1 at
    /// leader epoch 0) configured as `topic`.
    fn with(
        min_isr: u32,
        isr: Vec<BrokerId>,
        hardware: HardwareProfile,
        topic: TopicConfig,
    ) -> Self {
        Self::with_replicas(min_isr, vec![1, 2], isr, hardware, topic)
    }

    /// Broker 1 of `replicas` (broker 1 first: the leader at leader epoch 0).
    fn with_replicas(
        min_isr: u32,
        replicas: Vec<BrokerId>,
        isr: Vec<BrokerId>,
        hardware: HardwareProfile,
        topic: TopicConfig,
    ) -> Self {
        let config = BrokerConfig {
            min_insync_replicas: min_isr,
            ..BrokerConfig::default()
        };
        let mut h = Harness {
            broker: BrokerProcess::open(BrokerDisk::new(1, hardware, config, vec![topic]), 0),
            rng: SimRng::new(1),
            topics: TopicTable {
                topics: vec![TopicInfo {
                    name: "t".into(),
                    partitions: 1,
                    replication_factor: replicas.len() as u32,
                    internal: false,
                }],
            },
            now: 0,
            timers: Vec::new(),
            events: Vec::new(),
        };
        let mut st = PartitionState::new(tp(), replicas.clone());
        st.isr = isr;
        let mut image = crate::engine::metadata_image::MetadataImage::default();
        for &b in &replicas {
            image.apply(&MetadataRecord::RegisterBroker {
                broker: b,
                broker_epoch: 0,
                incarnation: 0,
            });
            image.apply(&MetadataRecord::BrokerFencing {
                broker: b,
                fenced: false,
            });
        }
        image.apply(&MetadataRecord::Partition(st));
        h.broker.disk.metadata = image;
        let mut out = Outbox::default();
        let mut ctx = Ctx::new(h.now, NodeId(1), &mut h.rng, &h.topics, &mut out);
        h.broker.start(&mut ctx, true);
        h
    }

    /// The controller makes `leader` the partition's leader at `leader_epoch`, every one of
    /// `replicas` in the ISR; returns what the broker sends, its queued work done.
    fn apply_leadership(
        &mut self,
        replicas: Vec<BrokerId>,
        leader: BrokerId,
        leader_epoch: u32,
    ) -> Vec<(NodeId, Message)> {
        let mut st = PartitionState::new(tp(), replicas.clone());
        st.leader = Some(leader);
        st.leader_epoch = leader_epoch;
        st.isr = replicas;
        let mut sent = self.apply_metadata(st).sends;
        sent.extend(self.finish_work());
        sent
    }

    /// The controller publishes `st`: the broker fetches it as the next metadata record.
    fn apply_metadata(&mut self, st: PartitionState) -> Outbox {
        let offset = self.broker.disk.metadata.offset;
        let seq = self.broker.lifecycle_fetch_in_flight();
        self.deliver(
            crate::engine::ids::CONTROLLER,
            Message::MetadataFetchResponse {
                correlation_id: seq,
                reply: Box::new(crate::engine::protocol::MetadataFetchReply {
                    offset,
                    records: vec![MetadataRecord::Partition(st)],
                    log_end_offset: offset + 1,
                }),
            },
        )
    }

    fn deliver(&mut self, from: NodeId, msg: Message) -> Outbox {
        let mut out = Outbox::default();
        let mut ctx = Ctx::new(self.now, NodeId(1), &mut self.rng, &self.topics, &mut out);
        self.broker.handle_message(&mut ctx, from, msg);
        self.timers.append(&mut out.timers.clone());
        out
    }

    /// Fires every pending WorkDone timer; returns what was sent.
    fn finish_work(&mut self) -> Vec<(NodeId, Message)> {
        let mut sent = Vec::new();
        let timers = std::mem::take(&mut self.timers);
        for (at, t) in timers {
            match t {
                Timer::Broker(bt @ BrokerTimer::WorkDone { .. }) => {
                    self.now = self.now.max(at);
                    let mut out = Outbox::default();
                    let mut ctx =
                        Ctx::new(self.now, NodeId(1), &mut self.rng, &self.topics, &mut out);
                    self.broker.handle_timer(&mut ctx, bt);
                    self.timers.append(&mut out.timers);
                    sent.append(&mut out.sends);
                    self.events.append(&mut out.events);
                }
                other => self.timers.push((at, other)),
            }
        }
        sent
    }
}

fn tp() -> TopicPartition {
    TopicPartition::new(0, 0)
}

fn produce(acks: Acks, records: u32) -> Message {
    Message::ProduceRequest {
        correlation_id: 7,
        acks,
        timeout_ms: 30_000,
        partitions: vec![ProducePartition {
            tp: tp(),
            batch: RecordBatch {
                base_offset: 0,
                record_count: records,
                bytes: records * 100,
                producer_id: -1,
                producer_epoch: 0,
                base_sequence: -1,
                partition_leader_epoch: 0,
                ids: RecordIds {
                    producer: 0,
                    first_record: 0,
                },
                first_create_time: 0,
                attributes: 0,
                last_create_time: 0,
            },
        }],
        transactional_id: None,
    }
}

fn follower_fetch(offset: u64) -> Message {
    Message::FetchRequest {
        read_committed: false,
        correlation_id: 1,
        replica_id: Some(2),
        max_wait_ms: 0,
        min_bytes: 1,
        max_bytes: 1 << 20,
        rack_id: None,
        partitions: vec![FetchPartition {
            tp: tp(),
            fetch_offset: offset,
            current_leader_epoch: 0,
            last_fetched_epoch: Some(0),
            partition_max_bytes: 1 << 20,
        }],
    }
}

/// `follower_fetch(offset)` sent by `replica` with leader epoch `epoch`.
fn follower_fetch_from(replica: BrokerId, offset: u64, epoch: u32) -> Message {
    let mut m = follower_fetch(offset);
    if let Message::FetchRequest {
        replica_id,
        partitions,
        ..
    } = &mut m
    {
        *replica_id = Some(replica);
        partitions[0].current_leader_epoch = epoch;
    }
    m
}

fn produce_errors(sent: &[(NodeId, Message)]) -> Vec<ErrorCode> {
    sent.iter()
        .filter_map(|(_, m)| match m {
            Message::ProduceResponse { partitions, .. } => Some(partitions[0].error),
            _ => None,
        })
        .collect()
}

#[test]
fn acks_all_waits_for_the_follower_then_answers() {
    let mut h = Harness::new(2, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    let sent = h.finish_work();
    assert!(
        produce_errors(&sent).is_empty(),
        "no answer before the follower has it"
    );
    assert_eq!(h.broker.disk.logs[&tp()].high_watermark(), 0);
    h.deliver(NodeId(2), follower_fetch(10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::None]);
    assert_eq!(h.broker.disk.logs[&tp()].high_watermark(), 10);
}

#[test]
fn acks_one_answers_after_the_leader_append() {
    let mut h = Harness::new(2, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::One, 10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::None]);
    assert_eq!(h.broker.disk.logs[&tp()].log_end_offset(), 10);
    assert_eq!(h.broker.disk.logs[&tp()].high_watermark(), 0);
}

#[test]
fn acks_all_below_min_insync_is_not_enough_replicas() {
    let mut h = Harness::new(2, vec![1]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::NotEnoughReplicas]);
    assert_eq!(
        h.broker.disk.logs[&tp()].log_end_offset(),
        0,
        "nothing appended"
    );
    // acks=1 is not subject to min.insync.replicas.
    h.deliver(NodeId(10), produce(Acks::One, 10));
    assert_eq!(produce_errors(&h.finish_work()), vec![ErrorCode::None]);
}

fn consumer_fetch(offset: u64) -> Message {
    Message::FetchRequest {
        read_committed: false,
        correlation_id: 3,
        replica_id: None,
        max_wait_ms: 0,
        min_bytes: 1,
        max_bytes: 1 << 20,
        rack_id: None,
        partitions: vec![FetchPartition {
            tp: tp(),
            fetch_offset: offset,
            current_leader_epoch: 0,
            last_fetched_epoch: None,
            partition_max_bytes: 1 << 20,
        }],
    }
}

/// The one fetch response to the consumer (node 20): (error, high watermark, records).
fn consumer_fetch_answer(sent: &[(NodeId, Message)]) -> (ErrorCode, u64, u64) {
    let answers: Vec<_> = sent
        .iter()
        .filter_map(|(to, m)| match m {
            Message::FetchResponse { partitions, .. } if *to == NodeId(20) => Some(partitions),
            _ => None,
        })
        .collect();
    assert_eq!(answers.len(), 1, "one fetch response: {sent:?}");
    let p = &answers[0][0];
    let records = p.batches.iter().map(|b| b.record_count as u64).sum();
    (p.error, p.high_watermark, records)
}

#[test]
fn consumers_never_read_above_the_high_watermark() {
    let mut h = Harness::new(1, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    h.deliver(NodeId(20), consumer_fetch(0));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()),
        (ErrorCode::None, 0, 0),
        "HW is 0 until the follower fetches: an empty answer"
    );
    // The follower has the 10 records: the HW moves and the consumer reads them.
    h.deliver(NodeId(2), follower_fetch(10));
    h.finish_work();
    h.deliver(NodeId(10), produce(Acks::One, 5));
    h.finish_work();
    h.deliver(NodeId(20), consumer_fetch(0));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()),
        (ErrorCode::None, 10, 10),
        "the 10 records below the HW, not the 5 above it"
    );
}

// ISR timing, the AlterPartition response path, produce errors (issue 21).
mod isr_and_produce;

// KIP-392 fetch from follower: the leader's preferred read replica, the follower's reads.
mod read_replica;

// The follower's fetcher: stale answers, the fetch after an append or an fsync, error order.
mod follower_fetch;

// KIP-890 transaction version 2: the leader adds partitions to the transaction.
mod txn_verify;
