//! Broker unit tests (issue 21): ISR timing against `replica.lag.time.max.ms`, the
//! AlterPartition response path, the maximal ISR (KIP-841), and produce errors.

use super::*;
use crate::engine::events::SimEvent;
use crate::engine::ids::CONTROLLER;
use crate::engine::time::ms;

impl Harness {
    /// Runs the leader's periodic ISR check at `at`; returns what it sent.
    fn isr_check_at(&mut self, at: SimTime) -> Vec<(NodeId, Message)> {
        self.now = at;
        let mut out = Outbox::default();
        let mut ctx = Ctx::new(self.now, NodeId(1), &mut self.rng, &self.topics, &mut out);
        self.broker.handle_timer(&mut ctx, BrokerTimer::IsrCheck);
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
            partition_epoch,
            isr,
            ..PartitionState::new(tp(), vec![1, 2])
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
    // Proposed, not committed: the HW still waits for broker 2. (Another client: a connection
    // is muted while its acks=all request waits.)
    let (sent, events) = h.exchange(NodeId(11), produce(Acks::All, 10));
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

/// `min.insync.replicas=2`, ISR {1, 2}: broker 2 silent for 31 s, the leader proposes {1}.
fn shrink_to_1_proposed() -> Harness {
    let mut h = Harness::new(2, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::All, 10));
    h.finish_work();
    assert_eq!(isr_proposals(&h.isr_check_at(ms(31_000))), vec![vec![1]]);
    h
}

/// An answer with an error does not commit the proposal (the ISR stays as it was); one that
/// reports a newer committed state applies it.
#[test]
fn a_refused_alter_partition_keeps_the_isr_and_a_newer_state_is_applied() {
    let mut h = shrink_to_1_proposed();
    // Refused, reporting the state the controller has: the proposal not applied, ISR {1, 2}
    // at the same partition epoch.
    h.exchange(
        CONTROLLER,
        alter_response(vec![1, 2], 0, ErrorCode::FencedLeaderEpoch),
    );
    let (sent, _) = h.exchange(NodeId(11), produce(Acks::All, 10));
    assert!(
        produce_errors(&sent).is_empty(),
        "ISR still {{1, 2}}: acks=all accepted and waiting, not NOT_ENOUGH_REPLICAS"
    );
    // A newer committed state (partition epoch 2, ISR {1}) replaces the leader's.
    h.exchange(
        CONTROLLER,
        alter_response(vec![1], 2, ErrorCode::FencedLeaderEpoch),
    );
    let (sent, _) = h.exchange(NodeId(12), produce(Acks::All, 10));
    assert_eq!(produce_errors(&sent), vec![ErrorCode::NotEnoughReplicas]);
}

/// `Partition.handleAlterPartitionUpdate` takes the controller's committed state only from the
/// leader's own leader epoch: a state of another epoch is another leader's, and the answer is
/// ignored even though its partition epoch is newer.
#[test]
fn an_alter_partition_answer_of_another_leader_epoch_is_ignored() {
    let mut h = shrink_to_1_proposed();
    let Message::AlterPartitionResponse { tp, error, state } =
        alter_response(vec![1], 2, ErrorCode::FencedLeaderEpoch)
    else {
        unreachable!()
    };
    let state = state.map(|mut st| {
        st.leader_epoch += 1;
        st
    });
    h.exchange(
        CONTROLLER,
        Message::AlterPartitionResponse { tp, error, state },
    );
    let (sent, _) = h.exchange(NodeId(11), produce(Acks::All, 10));
    assert!(
        produce_errors(&sent).is_empty(),
        "ISR still {{1, 2}}: acks=all accepted, not NOT_ENOUGH_REPLICAS: {sent:?}"
    );
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
        transactional_id: None,
    }
}

/// Only the leader appends: a follower, a broker without the partition and an unknown topic
/// answer with Kafka's errors (the producer refreshes its metadata) and write nothing.
#[test]
fn only_the_leader_appends_produces_to_others_get_errors() {
    let mut h = Harness::new(1, vec![1, 2]);
    // Broker 2 becomes leader (epoch 1): broker 1 follows.
    h.apply_metadata(PartitionState {
        leader: Some(2),
        leader_epoch: 1,
        partition_epoch: 1,
        ..PartitionState::new(tp(), vec![1, 2])
    });
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
    assert_eq!(h.broker.disk.logs[&tp()].log_end_offset(), 0);
}

/// `max.message.bytes` (broker `message.max.bytes`, 1048588 by default): a batch of exactly
/// that size is written, one byte more is refused with MESSAGE_TOO_LARGE (`LogValidator`).
#[test]
fn a_batch_over_max_message_bytes_is_refused_one_at_the_limit_is_written() {
    let mut h = Harness::new(1, vec![1, 2]);
    let limit = h.broker.disk.config.message_max_bytes as u32;
    let sized = |bytes: u32| {
        let Message::ProduceRequest {
            correlation_id,
            acks,
            timeout_ms,
            mut partitions,
            ..
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
            transactional_id: None,
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
    assert_eq!(h.broker.disk.logs[&tp()].log_end_offset(), 10);
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

/// KIP-841 (`Partition.maybeIncrementLeaderHW`): a follower in a pending ISR expansion (the
/// maximal ISR) holds the high watermark back however long the controller takes to answer,
/// even once it no longer counts as caught up by time (`replica.lag.time.max.ms`, 30 s).
#[test]
fn a_pending_isr_member_holds_the_high_watermark_back_past_the_lag_time() {
    let mut h = Harness::new(1, vec![1]);
    h.exchange(NodeId(10), produce(Acks::One, 10));
    let (sent, _) = h.exchange(NodeId(2), follower_fetch(10));
    assert_eq!(isr_proposals(&sent), vec![vec![1, 2]]);
    // No answer from the controller, no fetch from broker 2 for 31 s.
    h.now += ms(31_000);
    let (_, events) = h.exchange(NodeId(10), produce(Acks::One, 10));
    assert!(
        events
            .iter()
            .all(|e| !matches!(e, SimEvent::HighWatermark { .. })),
        "HW stays at 10 while broker 2 is in the maximal ISR: {events:?}"
    );
}

/// `Replica.isCaughtUp`: a follower at the leader's log end is in sync however long ago it last
/// fetched (an idle partition), only one that is behind is timed.
#[test]
fn a_follower_at_the_log_end_stays_in_sync_on_an_idle_partition() {
    let mut h = Harness::new(1, vec![1, 2]);
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    h.now = ms(1_000);
    h.deliver(NodeId(2), follower_fetch(10));
    h.finish_work();
    assert!(isr_proposals(&h.isr_check_at(ms(1_000 + 31_000))).is_empty());
    assert!(isr_proposals(&h.isr_check_at(ms(1_000 + 300_000))).is_empty());
}

/// `Partition.maybeIncrementLeaderHW`: the high watermark is the least log end of the leader,
/// the (maximal) ISR and caught-up followers about to join it; a follower outside the ISR can
/// hold it back, never push it up. Broker 3 (not in the ISR) catches up to the leader's log end
/// while ISR member 2 has only 4 of 10 records: the HW stays at 4.
#[test]
fn a_caught_up_follower_outside_the_isr_never_raises_the_high_watermark() {
    let mut h = Harness::with_replicas(
        1,
        vec![1, 2, 3],
        vec![1, 2],
        HardwareProfile::cloud(),
        TopicConfig::default(),
    );
    let hw = |h: &Harness| h.broker.disk.logs[&tp()].high_watermark();
    h.exchange(NodeId(10), produce(Acks::One, 10));
    h.exchange(NodeId(2), follower_fetch_from(2, 4, 0));
    assert_eq!(hw(&h), 4, "ISR member 2 has 4 records");
    h.exchange(NodeId(3), follower_fetch_from(3, 10, 0));
    assert_eq!(hw(&h), 4, "broker 3 has all 10, broker 2 still 4");
    h.exchange(NodeId(2), follower_fetch_from(2, 10, 0));
    assert_eq!(hw(&h), 10, "now every replica has them");
}

/// A leader that becomes a follower answers its parked acks=all produces at once with
/// NOT_LEADER_OR_FOLLOWER (`ReplicaManager.completeDelayedOperationsWhenNotPartitionLeader`
/// completes them, and `DelayedProduce` finds the partition no longer led here), so the producer
/// retries at the new leader instead of waiting out `request.timeout.ms`.
#[test]
fn a_demoted_leader_answers_its_parked_produces_at_once() {
    let mut h = Harness::new(2, vec![1, 2]);
    let (sent, _) = h.exchange(NodeId(10), produce(Acks::All, 10));
    assert!(
        produce_errors(&sent).is_empty(),
        "parked until broker 2 has the batch"
    );
    let sent = h.apply_leadership(vec![1, 2], 2, 1);
    assert_eq!(
        produce_errors(&sent),
        vec![ErrorCode::NotLeaderOrFollower],
        "answered when leadership moved: {sent:?}"
    );
}

/// A leader re-elected at a new leader epoch keeps its parked acks=all produces:
/// `Partition.makeLeader` fails no delayed request, so the produce completes once the follower
/// has the batch (no NOT_LEADER_OR_FOLLOWER, no retry, no duplicate).
#[test]
fn a_leader_keeps_its_parked_produces_across_a_new_leader_epoch() {
    let mut h = Harness::new(2, vec![1, 2]);
    let (sent, _) = h.exchange(NodeId(10), produce(Acks::All, 10));
    assert!(produce_errors(&sent).is_empty());
    let sent = h.apply_leadership(vec![1, 2], 1, 1);
    assert!(
        produce_errors(&sent).is_empty(),
        "still parked at epoch 1: {sent:?}"
    );
    let fetch = follower_fetch_from(2, 10, 1);
    let (sent, _) = h.exchange(NodeId(2), fetch);
    assert_eq!(
        produce_errors(&sent),
        vec![ErrorCode::None],
        "acknowledged once broker 2 has the batch"
    );
}
