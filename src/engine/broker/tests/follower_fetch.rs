//! The follower's side of replication (`ReplicaFetcherThread` / `AbstractFetcherThread`): one
//! fetch in flight per leader, answers matched to it by correlation id, the fetched records
//! appended (and fsynced under `flush.messages`) before the next fetch; and the leader-epoch
//! check before the role check when a replica answers a fetch (`Partition.getLocalLog`).

use super::*;
use crate::engine::config::HardwareProfile;

fn batch(base: u64, records: u32) -> RecordBatch {
    RecordBatch {
        base_offset: base,
        record_count: records,
        bytes: records * 100,
        producer_id: -1,
        producer_epoch: 0,
        base_sequence: -1,
        partition_leader_epoch: 1,
        attributes: 0,
        ids: RecordIds {
            producer: 0,
            first_record: base,
        },
        first_create_time: 0,
        last_create_time: 0,
    }
}

/// The leader's answer to the follower's fetch `seq`.
fn answer(seq: u64, high_watermark: u64, batches: Vec<RecordBatch>) -> Message {
    Message::FetchResponse {
        correlation_id: seq,
        partitions: vec![FetchPartitionData {
            tp: tp(),
            error: ErrorCode::None,
            high_watermark,
            log_start_offset: 0,
            batches,
            diverging_epoch: None,
            payloads: Vec::new(),
            preferred_read_replica: None,
            read_committed: None,
        }],
    }
}

/// The correlation id of the one fetch broker 1 sent to broker 2 in `sent`, if any.
fn fetch_to_leader(sent: &[(NodeId, Message)]) -> Option<u64> {
    let ids: Vec<u64> = sent
        .iter()
        .filter_map(|(to, m)| match m {
            Message::FetchRequest {
                correlation_id,
                replica_id: Some(1),
                ..
            } if *to == NodeId(2) => Some(*correlation_id),
            _ => None,
        })
        .collect();
    assert!(ids.len() <= 1, "one fetch at a time: {ids:?}");
    ids.first().copied()
}

/// Broker 1 becomes a follower of broker 2 at leader epoch 1; returns its first fetch's id.
fn follow_broker_2(h: &mut Harness) -> u64 {
    let sent = h.apply_leadership(vec![2, 1], 2, 1);
    fetch_to_leader(&sent).expect("the new follower fetches from the leader")
}

/// Fires the earliest pending `FollowerFetch` timer (moving the clock to it); returns its time
/// and what was sent.
fn fire_follower_fetch(h: &mut Harness) -> (SimTime, Vec<(NodeId, Message)>) {
    let i = h
        .timers
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| matches!(t, Timer::Broker(BrokerTimer::FollowerFetch { .. })))
        .min_by_key(|(_, (at, _))| *at)
        .map(|(i, _)| i)
        .expect("a FollowerFetch timer");
    let (at, t) = h.timers.remove(i);
    let Timer::Broker(bt) = t else { unreachable!() };
    h.now = h.now.max(at);
    let mut out = Outbox::default();
    let mut ctx = Ctx::new(h.now, NodeId(1), &mut h.rng, &h.topics, &mut out);
    h.broker.handle_timer(&mut ctx, bt);
    h.timers.append(&mut out.timers);
    (at, out.sends)
}

/// Delivers the leader's answer and returns when the follower sends its next fetch and that
/// fetch's id: at once, or when its `FollowerFetch` timer fires.
fn next_fetch_after(h: &mut Harness, msg: Message) -> (SimTime, u64) {
    let start = h.now;
    let mut sent = h.deliver(NodeId(2), msg).sends;
    sent.extend(h.finish_work());
    if let Some(seq) = fetch_to_leader(&sent) {
        return (start, seq);
    }
    let (at, sent) = fire_follower_fetch(h);
    (
        at,
        fetch_to_leader(&sent).expect("the follower fetches again"),
    )
}

fn log_end(h: &Harness) -> u64 {
    h.broker.disk.logs[&tp()].log_end_offset()
}

/// An answer is taken only for the fetch in flight: a second copy of an answer already handled
/// (or a late one to a fetch given up) is dropped, as Kafka's `NetworkClient` drops a response
/// whose correlation id is not the request's. Each fetch has its own id.
#[test]
fn a_follower_takes_only_the_answer_to_its_fetch_in_flight() {
    let mut h = Harness::new(1, vec![1, 2]);
    let first = follow_broker_2(&mut h);
    let (_, second) = next_fetch_after(&mut h, answer(first, 4, vec![batch(0, 4)]));
    assert_eq!(log_end(&h), 4);
    assert_ne!(second, first, "every fetch has a new correlation id");

    // The first answer again, now with more records: not the fetch in flight.
    let sent = h
        .deliver(NodeId(2), answer(first, 10, vec![batch(4, 6)]))
        .sends;
    h.finish_work();
    assert_eq!(log_end(&h), 4, "an answer to an earlier fetch is dropped");
    assert_eq!(fetch_to_leader(&sent), None, "and sends no fetch");

    next_fetch_after(&mut h, answer(second, 10, vec![batch(4, 6)]));
    assert_eq!(
        log_end(&h),
        10,
        "the answer to the fetch in flight is appended"
    );
}

/// With `flush.messages=1` the follower fsyncs what it fetched before fetching again (Kafka's
/// fetcher thread appends, and `UnifiedLog` flushes, synchronously): the next fetch waits for
/// the dirty bytes to reach the disk. 1,000 records of 100 B on the `modest` disk (120 MB/s):
/// about 0.8 ms later than without the flush.
#[test]
fn a_follower_fsyncs_fetched_records_before_fetching_again_under_flush_messages() {
    let at = |flush_messages: Option<u64>| {
        let topic = TopicConfig {
            flush_messages,
            ..TopicConfig::default()
        };
        let mut h = Harness::with(1, vec![1, 2], HardwareProfile::modest(), topic);
        let first = follow_broker_2(&mut h);
        let start = h.now;
        let (at, _) = next_fetch_after(&mut h, answer(first, 0, vec![batch(0, 1000)]));
        assert_eq!(log_end(&h), 1000);
        at - start
    };
    let (plain, flushed) = (at(None), at(Some(1)));
    let write_back = 100_000 * crate::engine::time::SECONDS / 120_000_000;
    assert!(
        flushed >= plain + write_back,
        "next fetch {plain} ns after the answer without the flush, {flushed} ns with it \
         (the flush alone takes {write_back} ns)"
    );
}

/// An answer with no records costs the follower no append: it fetches again at once, even on
/// hardware whose per-request CPU time (40 µs, `modest`) would otherwise delay the next fetch.
#[test]
fn an_empty_answer_is_followed_by_the_next_fetch_at_once() {
    let mut h = Harness::with(
        1,
        vec![1, 2],
        HardwareProfile::modest(),
        TopicConfig::default(),
    );
    let first = follow_broker_2(&mut h);
    let start = h.now;
    let (at, second) = next_fetch_after(&mut h, answer(first, 0, Vec::new()));
    assert_ne!(second, first);
    assert_eq!(at, start, "no append time for an empty answer");
}

/// Broker 1 led the partition at epoch 0 and follows broker 2 at epoch 1. A follower fetch
/// with the old epoch is FENCED_LEADER_EPOCH (the epoch is checked first, as
/// `Partition.getLocalLog` does); with the current epoch it is NOT_LEADER_OR_FOLLOWER, since
/// only the leader serves followers; a newer epoch is UNKNOWN_LEADER_EPOCH.
#[test]
fn a_replica_checks_the_fetch_epoch_before_its_role() {
    let mut h = Harness::new(1, vec![1, 2]);
    follow_broker_2(&mut h);
    let error_for = |h: &mut Harness, epoch: u32| {
        let mut req = follower_fetch_from(3, 0, epoch);
        if let Message::FetchRequest { correlation_id, .. } = &mut req {
            *correlation_id = 77;
        }
        let mut sent = h.deliver(NodeId(3), req).sends;
        sent.extend(h.finish_work());
        let errors: Vec<ErrorCode> = sent
            .iter()
            .filter_map(|(to, m)| match m {
                Message::FetchResponse {
                    correlation_id: 77,
                    partitions,
                } if *to == NodeId(3) => Some(partitions[0].error),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), 1, "one answer: {sent:?}");
        errors[0]
    };
    assert_eq!(error_for(&mut h, 0), ErrorCode::FencedLeaderEpoch);
    assert_eq!(error_for(&mut h, 1), ErrorCode::NotLeaderOrFollower);
    assert_eq!(error_for(&mut h, 2), ErrorCode::UnknownLeaderEpoch);
}
