//! KIP-392 at the broker: a follower serves consumers below its own high watermark, with the
//! leader-epoch and range checks a leader makes; a leader with `RackAwareReplicaSelector`
//! points a consumer in another rack at an in-sync follower there.

use super::*;
use crate::engine::config::RACK_AWARE_SELECTOR;

fn batch(base: u64, records: u32, epoch: u32) -> RecordBatch {
    RecordBatch {
        base_offset: base,
        record_count: records,
        bytes: records * 100,
        producer_id: -1,
        producer_epoch: 0,
        base_sequence: -1,
        partition_leader_epoch: epoch,
        attributes: 0,
        ids: RecordIds {
            producer: 0,
            first_record: base,
        },
        first_create_time: 0,
        last_create_time: 0,
    }
}

fn consumer_fetch_at(offset: u64, epoch: u32, rack: Option<u16>) -> Message {
    let Message::FetchRequest {
        correlation_id,
        replica_id,
        max_wait_ms,
        min_bytes,
        max_bytes,
        mut partitions,
        ..
    } = consumer_fetch(offset)
    else {
        unreachable!()
    };
    partitions[0].current_leader_epoch = epoch;
    Message::FetchRequest {
        correlation_id,
        replica_id,
        max_wait_ms,
        min_bytes,
        max_bytes,
        partitions,
        rack_id: rack,
        read_committed: false,
    }
}

/// Broker 1 becomes a follower of broker 2 (leader epoch 1) and fetches two batches, 0..4 and
/// 4..10, with the leader's HW at 4.
fn follower_with_hw_4() -> Harness {
    let mut h = Harness::new(1, vec![1, 2]);
    let sent = h.apply_leadership(vec![2, 1], 2, 1);
    let seq = sent
        .iter()
        .find_map(|(to, m)| match m {
            Message::FetchRequest {
                correlation_id,
                replica_id: Some(1),
                ..
            } if *to == NodeId(2) => Some(*correlation_id),
            _ => None,
        })
        .expect("the new follower fetches from the leader");
    h.deliver(
        NodeId(2),
        Message::FetchResponse {
            correlation_id: seq,
            partitions: vec![FetchPartitionData {
                tp: tp(),
                error: ErrorCode::None,
                high_watermark: 4,
                log_start_offset: 0,
                batches: vec![batch(0, 4, 1), batch(4, 6, 1)],
                diverging_epoch: None,
                payloads: Vec::new(),
                preferred_read_replica: None,
                read_committed: None,
            }],
        },
    );
    h.finish_work();
    assert_eq!(h.broker.disk.logs[&tp()].log_end_offset(), 10);
    assert_eq!(h.broker.disk.logs[&tp()].high_watermark(), 4);
    h
}

#[test]
fn a_follower_serves_consumers_only_below_its_own_high_watermark() {
    let mut h = follower_with_hw_4();
    h.deliver(NodeId(20), consumer_fetch_at(0, 1, Some(0)));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()),
        (ErrorCode::None, 4, 4),
        "records 0..4 only: 4..10 are above the follower's HW"
    );
    h.deliver(NodeId(20), consumer_fetch_at(4, 1, Some(0)));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()),
        (ErrorCode::None, 4, 0),
        "at the HW: nothing yet"
    );
}

#[test]
fn a_follower_checks_the_leader_epoch_and_the_offset_range() {
    let mut h = follower_with_hw_4();
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, None));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()).0,
        ErrorCode::FencedLeaderEpoch
    );
    h.deliver(NodeId(20), consumer_fetch_at(0, 2, None));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()).0,
        ErrorCode::UnknownLeaderEpoch
    );
    h.deliver(NodeId(20), consumer_fetch_at(11, 1, None));
    assert_eq!(
        consumer_fetch_answer(&h.finish_work()).0,
        ErrorCode::OffsetOutOfRange,
        "beyond the follower's log end"
    );
}

/// The preferred replica of the one fetch response to node 20.
fn preferred(sent: &[(NodeId, Message)]) -> (Option<BrokerId>, u64) {
    sent.iter()
        .find_map(|(to, m)| match m {
            Message::FetchResponse { partitions, .. } if *to == NodeId(20) => Some((
                partitions[0].preferred_read_replica,
                partitions[0]
                    .batches
                    .iter()
                    .map(|b| b.record_count as u64)
                    .sum(),
            )),
            _ => None,
        })
        .expect("a fetch response")
}

#[test]
fn the_leader_points_a_consumer_at_an_in_sync_follower_in_its_rack() {
    let mut h = Harness::new(1, vec![1, 2]);
    h.broker.disk.config.replica_selector_class = Some(RACK_AWARE_SELECTOR.into());
    h.broker.disk.racks = vec![0, 1];
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    h.deliver(NodeId(2), follower_fetch(10));
    h.finish_work();
    // A consumer in rack 1 (broker 2's): read from broker 2, no records from the leader.
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, Some(1)));
    assert_eq!(preferred(&h.finish_work()), (Some(2), 0));
    // In the leader's rack, or without a rack: the leader serves.
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, Some(0)));
    assert_eq!(preferred(&h.finish_work()), (None, 10));
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, None));
    assert_eq!(preferred(&h.finish_work()), (None, 10));
    // A follower whose log end is below the fetch offset is not a candidate.
    h.deliver(NodeId(10), produce(Acks::One, 5));
    h.finish_work();
    h.deliver(NodeId(20), consumer_fetch_at(12, 0, Some(1)));
    assert_eq!(preferred(&h.finish_work()).0, None);
    // Without the selector, never.
    h.broker.disk.config.replica_selector_class = None;
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, Some(1)));
    assert_eq!(preferred(&h.finish_work()).0, None);
}

#[test]
fn an_out_of_sync_follower_is_not_preferred() {
    let mut h = Harness::new(1, vec![1]);
    h.broker.disk.config.replica_selector_class = Some(RACK_AWARE_SELECTOR.into());
    h.broker.disk.racks = vec![0, 1];
    h.deliver(NodeId(10), produce(Acks::One, 10));
    h.finish_work();
    h.deliver(NodeId(2), follower_fetch(10));
    h.finish_work();
    h.deliver(NodeId(20), consumer_fetch_at(0, 0, Some(1)));
    let (pref, _) = preferred(&h.finish_work());
    assert_eq!(pref, None, "broker 2 is not in the ISR");
}
