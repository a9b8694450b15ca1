//! Broker unit tests, driving one broker by hand through its sans-IO interface.

use super::*;
use crate::engine::config::Acks;
use crate::engine::ctx::{OffsetStore, Outbox};
use crate::engine::ids::{TopicInfo, TopicTable};
use crate::engine::protocol::{RecordBatch, RecordIds};
use crate::engine::rng::SimRng;

struct Harness {
    broker: Broker,
    rng: SimRng,
    topics: TopicTable,
    offsets: OffsetStore,
    now: SimTime,
    timers: Vec<(SimTime, Timer)>,
    /// Events emitted by finished work, since the last `exchange`.
    events: Vec<SimEvent>,
}

impl Harness {
    fn new(min_isr: u32, isr: Vec<BrokerId>) -> Self {
        let config = BrokerConfig {
            min_insync_replicas: min_isr,
            ..BrokerConfig::default()
        };
        let mut h = Harness {
            broker: Broker::new(
                1,
                HardwareProfile::cloud(),
                config,
                vec![TopicConfig::default()],
            ),
            rng: SimRng::new(1),
            topics: TopicTable {
                topics: vec![TopicInfo {
                    name: "t".into(),
                    partitions: 1,
                    replication_factor: 2,
                    internal: false,
                }],
            },
            offsets: OffsetStore::default(),
            now: 0,
            timers: Vec::new(),
            events: Vec::new(),
        };
        h.deliver(
            CONTROLLER,
            Message::MetadataUpdate {
                live_brokers: vec![1, 2],
                partitions: vec![PartitionState {
                    tp: tp(),
                    leader: Some(1),
                    leader_epoch: 0,
                    partition_epoch: 0,
                    isr,
                    replicas: vec![1, 2],
                }],
            },
        );
        h
    }

    fn deliver(&mut self, from: NodeId, msg: Message) -> Outbox {
        let mut out = Outbox::default();
        let mut ctx = Ctx {
            now: self.now,
            me: NodeId(1),
            rng: &mut self.rng,
            topics: &self.topics,
            offsets: &mut self.offsets,
            out: &mut out,
        };
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
                    let mut ctx = Ctx {
                        now: self.now,
                        me: NodeId(1),
                        rng: &mut self.rng,
                        topics: &self.topics,
                        offsets: &mut self.offsets,
                        out: &mut out,
                    };
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
                last_create_time: 0,
            },
        }],
    }
}

fn follower_fetch(offset: u64) -> Message {
    Message::FetchRequest {
        correlation_id: 1,
        replica_id: Some(2),
        max_wait_ms: 0,
        min_bytes: 1,
        max_bytes: 1 << 20,
        partitions: vec![FetchPartition {
            tp: tp(),
            fetch_offset: offset,
            current_leader_epoch: 0,
            last_fetched_epoch: Some(0),
            partition_max_bytes: 1 << 20,
        }],
    }
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
    assert_eq!(h.broker.replicas[&tp()].log.high_watermark(), 0);
    h.deliver(NodeId(2), follower_fetch(10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::None]);
    assert_eq!(h.broker.replicas[&tp()].log.high_watermark(), 10);
}

#[test]
fn acks_one_answers_after_the_leader_append() {
    let mut h = Harness::new(2, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::One, 10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::None]);
    assert_eq!(h.broker.replicas[&tp()].log.log_end_offset(), 10);
    assert_eq!(h.broker.replicas[&tp()].log.high_watermark(), 0);
}

#[test]
fn acks_all_below_min_insync_is_not_enough_replicas() {
    let mut h = Harness::new(2, vec![1]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    let sent = h.finish_work();
    assert_eq!(produce_errors(&sent), vec![ErrorCode::NotEnoughReplicas]);
    assert_eq!(
        h.broker.replicas[&tp()].log.log_end_offset(),
        0,
        "nothing appended"
    );
    // acks=1 is not subject to min.insync.replicas.
    h.deliver(NodeId(10), produce(Acks::One, 10));
    assert_eq!(produce_errors(&h.finish_work()), vec![ErrorCode::None]);
}

fn consumer_fetch(offset: u64) -> Message {
    Message::FetchRequest {
        correlation_id: 3,
        replica_id: None,
        max_wait_ms: 0,
        min_bytes: 1,
        max_bytes: 1 << 20,
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

// ----- ISR timing and the AlterPartition response path (issue 21) -----

impl Harness {
    /// Runs the leader's periodic ISR check at `at`; returns what it sent.
    fn isr_check_at(&mut self, at: SimTime) -> Vec<(NodeId, Message)> {
        self.now = at;
        let mut out = Outbox::default();
        let mut ctx = Ctx {
            now: self.now,
            me: NodeId(1),
            rng: &mut self.rng,
            topics: &self.topics,
            offsets: &mut self.offsets,
            out: &mut out,
        };
        let incarnation = self.broker.incarnation;
        self.broker
            .handle_timer(&mut ctx, BrokerTimer::IsrCheck { incarnation });
        out.sends
    }

    /// Delivers `msg` at the current time, runs the work it schedules; returns every message
    /// sent and every event emitted.
    fn exchange(&mut self, from: NodeId, msg: Message) -> (Vec<(NodeId, Message)>, Vec<SimEvent>) {
        self.events.clear();
        let out = self.deliver(from, msg);
        let (mut sent, mut events) = (out.sends, out.events);
        sent.extend(self.finish_work());
        events.append(&mut self.events);
        (sent, events)
    }
}

/// The ISRs the leader proposed to the controller.
fn isr_proposals(sent: &[(NodeId, Message)]) -> Vec<Vec<BrokerId>> {
    sent.iter()
        .filter_map(|(to, m)| match m {
            Message::AlterPartitionRequest { new_isr, .. } if *to == CONTROLLER => {
                Some(new_isr.clone())
            }
            _ => None,
        })
        .collect()
}

fn alter_response(isr: Vec<BrokerId>, partition_epoch: u32, error: ErrorCode) -> Message {
    Message::AlterPartitionResponse {
        tp: tp(),
        error,
        state: Some(Box::new(PartitionState {
            tp: tp(),
            leader: Some(1),
            leader_epoch: 0,
            partition_epoch,
            isr,
            replicas: vec![1, 2],
        })),
    }
}

/// `Partition.getOutOfSyncReplicas`: a follower leaves the ISR when it has not caught up for
/// more than `replica.lag.time.max.ms` (30 s by default), not a moment earlier.
#[test]
fn a_follower_leaves_the_isr_only_after_replica_lag_time_max_ms_without_catching_up() {
    let mut h = Harness::new(1, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    // The follower catches up at 1 s (fetching at the log end), then stops fetching.
    h.now = ms(1_000);
    h.deliver(NodeId(2), follower_fetch(10));
    h.finish_work(); // handled once the request's CPU work is done
    let caught_up = h.now;
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    let lag = ms(30_000);
    assert!(isr_proposals(&h.isr_check_at(caught_up + lag / 2)).is_empty());
    assert!(
        isr_proposals(&h.isr_check_at(caught_up + lag)).is_empty(),
        "exactly replica.lag.time.max.ms behind is still in sync"
    );
    assert_eq!(
        isr_proposals(&h.isr_check_at(caught_up + lag + 1)),
        vec![vec![1]],
        "just over it: out"
    );
}

/// A follower fetching steadily but never reaching the log end stays in the ISR while each
/// fetch reaches the log end of the leader at its previous fetch (`Replica.updateFetchState`).
#[test]
fn a_follower_reaching_the_previous_log_end_at_each_fetch_stays_in_sync() {
    let mut h = Harness::new(1, vec![1, 2]);
    let mut leo = 0;
    for second in 1..=70u64 {
        h.now = ms(second * 1_000);
        h.deliver(NodeId(10), produce(Acks::One, 10));
        h.finish_work();
        // Behind the log end (leo + 10), at the log end it saw at its previous fetch.
        h.deliver(NodeId(2), follower_fetch(leo));
        h.finish_work();
        leo += 10;
        assert!(
            isr_proposals(&h.isr_check_at(ms(second * 1_000 + 500))).is_empty(),
            "at {second} s"
        );
    }
    // It stops fetching: out after the lag time from its last fetch.
    assert!(isr_proposals(&h.isr_check_at(ms(70_000 + 29_000))).is_empty());
    assert_eq!(
        isr_proposals(&h.isr_check_at(ms(70_000 + 31_000))),
        vec![vec![1]]
    );
}

/// The controller's AlterPartition answer commits the shrink at the leader: the high watermark
/// no longer waits for the removed follower (acks=all requests complete), and the leader can
/// propose the next change (the follower's return) at once.
#[test]
fn the_alter_partition_answer_commits_the_shrink_and_frees_the_next_proposal() {
    let mut h = Harness::new(1, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    assert!(
        produce_errors(&h.finish_work()).is_empty(),
        "waits for the follower"
    );
    assert_eq!(isr_proposals(&h.isr_check_at(ms(31_000))), vec![vec![1]]);
    // Proposed, not committed: the HW still waits for broker 2.
    let (sent, events) = h.exchange(NodeId(10), produce(Acks::All, 10));
    assert!(produce_errors(&sent).is_empty());
    assert!(events
        .iter()
        .all(|e| !matches!(e, SimEvent::HighWatermark { .. })));
    let (sent, events) = h.exchange(CONTROLLER, alter_response(vec![1], 1, ErrorCode::None));
    assert!(
        events.iter().any(|e| matches!(
            e,
            SimEvent::HighWatermark {
                high_watermark: 20,
                ..
            }
        )),
        "HW to the log end once the ISR is {{1}}: {events:?}"
    );
    assert_eq!(
        produce_errors(&sent),
        vec![ErrorCode::None, ErrorCode::None],
        "both acks=all requests answered"
    );
    // Broker 2 catches up: the expansion is proposed right away.
    let (sent, _) = h.exchange(NodeId(2), follower_fetch(20));
    assert_eq!(isr_proposals(&sent), vec![vec![1, 2]]);
}

/// An answer with an error does not commit the proposal (the ISR stays as it was); one that
/// reports a newer committed state applies it.
#[test]
fn a_refused_alter_partition_keeps_the_isr_and_a_newer_state_is_applied() {
    let mut h = Harness::new(2, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    h.finish_work();
    assert_eq!(isr_proposals(&h.isr_check_at(ms(31_000))), vec![vec![1]]);
    // Refused, reporting the state the controller has (the proposal not applied).
    h.exchange(
        CONTROLLER,
        alter_response(vec![1], 0, ErrorCode::FencedLeaderEpoch),
    );
    let (sent, _) = h.exchange(NodeId(10), produce(Acks::All, 10));
    assert!(
        produce_errors(&sent).is_empty(),
        "ISR still {{1, 2}}: acks=all accepted and waiting, not NOT_ENOUGH_REPLICAS"
    );
    // A newer committed state (partition epoch 2, ISR {1}) replaces the leader's.
    h.exchange(
        CONTROLLER,
        alter_response(vec![1], 2, ErrorCode::FencedLeaderEpoch),
    );
    let (sent, _) = h.exchange(NodeId(10), produce(Acks::All, 10));
    assert_eq!(produce_errors(&sent), vec![ErrorCode::NotEnoughReplicas]);
}

fn produce_to(tp: TopicPartition, acks: Acks) -> Message {
    let Message::ProduceRequest {
        correlation_id,
        timeout_ms,
        mut partitions,
        ..
    } = produce(acks, 10)
    else {
        unreachable!()
    };
    partitions[0].tp = tp;
    Message::ProduceRequest {
        correlation_id,
        acks,
        timeout_ms,
        partitions,
    }
}

/// Only the leader appends: a follower, a broker without the partition and an unknown topic
/// answer with Kafka's errors (the producer refreshes its metadata) and write nothing.
#[test]
fn only_the_leader_appends_produces_to_others_get_errors() {
    let mut h = Harness::new(1, vec![1, 2]);
    // Broker 2 becomes leader (epoch 1): broker 1 follows.
    h.deliver(
        CONTROLLER,
        Message::MetadataUpdate {
            live_brokers: vec![1, 2],
            partitions: vec![PartitionState {
                tp: tp(),
                leader: Some(2),
                leader_epoch: 1,
                partition_epoch: 1,
                isr: vec![1, 2],
                replicas: vec![1, 2],
            }],
        },
    );
    for (target, expected) in [
        (tp(), ErrorCode::NotLeaderOrFollower),
        (TopicPartition::new(0, 7), ErrorCode::NotLeaderOrFollower),
        (
            TopicPartition::new(5, 0),
            ErrorCode::UnknownTopicOrPartition,
        ),
    ] {
        for acks in [Acks::One, Acks::All] {
            let (sent, events) = h.exchange(NodeId(10), produce_to(target, acks));
            assert_eq!(produce_errors(&sent), vec![expected], "{target:?} {acks:?}");
            assert!(
                events
                    .iter()
                    .all(|e| !matches!(e, SimEvent::LeaderAppend { .. })),
                "{target:?}: nothing appended"
            );
        }
    }
    assert_eq!(h.broker.replicas[&tp()].log.log_end_offset(), 0);
}

/// `max.message.bytes` (broker `message.max.bytes`, 1048588 by default): a batch of exactly
/// that size is written, one byte more is refused with MESSAGE_TOO_LARGE (`LogValidator`).
#[test]
fn a_batch_over_max_message_bytes_is_refused_one_at_the_limit_is_written() {
    let mut h = Harness::new(1, vec![1, 2]);
    let limit = h.broker.config.message_max_bytes as u32;
    let sized = |bytes: u32| {
        let Message::ProduceRequest {
            correlation_id,
            acks,
            timeout_ms,
            mut partitions,
        } = produce(Acks::One, 10)
        else {
            unreachable!()
        };
        partitions[0].batch.bytes = bytes;
        Message::ProduceRequest {
            correlation_id,
            acks,
            timeout_ms,
            partitions,
        }
    };
    let (sent, events) = h.exchange(NodeId(10), sized(limit + 1));
    assert_eq!(produce_errors(&sent), vec![ErrorCode::MessageTooLarge]);
    assert!(events.iter().any(|e| matches!(
        e,
        SimEvent::ProduceRejected {
            error: ErrorCode::MessageTooLarge,
            ..
        }
    )));
    let (sent, _) = h.exchange(NodeId(10), sized(limit));
    assert_eq!(produce_errors(&sent), vec![ErrorCode::None]);
    assert_eq!(h.broker.replicas[&tp()].log.log_end_offset(), 10);
}

/// KIP-841: while the leader's proposal to add a caught-up follower back to the ISR is in
/// flight, the high watermark already waits for that follower (the maximal ISR), so when the
/// controller commits it, it has everything below the HW.
#[test]
fn a_follower_being_added_to_the_isr_holds_the_high_watermark_back_already() {
    let mut h = Harness::new(1, vec![1]);
    let (_, events) = h.exchange(NodeId(10), produce(Acks::One, 10));
    assert!(events.iter().any(|e| matches!(
        e,
        SimEvent::HighWatermark {
            high_watermark: 10,
            ..
        }
    )));
    // Broker 2 reaches the HW: the expansion is proposed, not yet committed.
    let (sent, _) = h.exchange(NodeId(2), follower_fetch(10));
    assert_eq!(isr_proposals(&sent), vec![vec![1, 2]]);
    let (_, events) = h.exchange(NodeId(10), produce(Acks::One, 10));
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, SimEvent::HighWatermark { .. })),
        "HW stays at 10 until broker 2 has the new records: {events:?}"
    );
    h.exchange(CONTROLLER, alter_response(vec![1, 2], 1, ErrorCode::None));
    let (_, events) = h.exchange(NodeId(2), follower_fetch(20));
    assert!(events.iter().any(|e| matches!(
        e,
        SimEvent::HighWatermark {
            high_watermark: 20,
            ..
        }
    )));
}
