//! KIP-890 transaction version 2 at the leader: a transactional batch opening a transaction in
//! a partition waits until the coordinator added the partition; CONCURRENT_TRANSACTIONS is
//! retried for at most 100 ms; errors reach the producer translated.

use super::*;
use crate::engine::protocol::{ProducePartitionResponse, TxnMessage, ATTR_TRANSACTIONAL};
use crate::engine::time::ms;

const PID: i64 = 2_000_000_123;

impl Harness {
    /// A harness whose cluster has `__transaction_state` (one partition, led by broker 2).
    fn with_txn_coordinator() -> Self {
        let mut h = Harness::new(1, vec![1, 2]);
        h.topics.topics.push(crate::engine::ids::TopicInfo {
            name: crate::engine::txn::TXN_TOPIC.into(),
            partitions: 1,
            replication_factor: 2,
            internal: true,
        });
        let txn_tp = TopicPartition::new(1, 0);
        h.broker
            .disk
            .metadata
            .apply(&MetadataRecord::Partition(PartitionState::new(
                txn_tp,
                vec![2, 1],
            )));
        h
    }

    /// Delivers `msg` from the producer (node 10); returns what was sent once the work it
    /// scheduled (if any) is done.
    fn produce_txn(&mut self, msg: Message) -> Vec<(NodeId, Message)> {
        let out = self.deliver(NodeId(10), msg);
        let mut sent = out.sends;
        sent.extend(self.finish_work());
        sent
    }

    /// Fires the verification timers due by `at`, in order; returns what was sent.
    fn verify_timers_until(&mut self, at: SimTime) -> Vec<(NodeId, Message)> {
        let mut sent = Vec::new();
        loop {
            self.timers.sort_by_key(|(t, _)| *t);
            let Some(i) = self.timers.iter().position(|(t, timer)| {
                *t <= at && matches!(timer, Timer::Broker(BrokerTimer::TxnVerify { .. }))
            }) else {
                break;
            };
            let (t, timer) = self.timers.remove(i);
            self.now = self.now.max(t);
            let Timer::Broker(bt) = timer else {
                unreachable!()
            };
            let mut out = Outbox::default();
            let mut ctx = Ctx::new(self.now, NodeId(1), &mut self.rng, &self.topics, &mut out);
            self.broker.handle_timer(&mut ctx, bt);
            self.timers.append(&mut out.timers);
            sent.append(&mut out.sends);
        }
        sent.extend(self.finish_work());
        sent
    }
}

/// A transactional produce of `records` records with `base_sequence`, acks=1.
fn txn_produce(base_sequence: i32, records: u32) -> Message {
    let Message::ProduceRequest {
        correlation_id,
        timeout_ms,
        mut partitions,
        ..
    } = produce(Acks::One, records)
    else {
        unreachable!()
    };
    let b = &mut partitions[0].batch;
    b.producer_id = PID;
    b.producer_epoch = 0;
    b.base_sequence = base_sequence;
    b.attributes = ATTR_TRANSACTIONAL;
    Message::ProduceRequest {
        correlation_id,
        acks: Acks::One,
        timeout_ms,
        partitions,
        transactional_id: Some("payments-app".into()),
    }
}

/// The AddPartitionsToTxn requests sent: (to, correlation id, partitions).
fn add_partitions(sent: &[(NodeId, Message)]) -> Vec<(NodeId, u64, Vec<TopicPartition>)> {
    sent.iter()
        .filter_map(|(to, m)| match m {
            Message::Txn(t) => match &**t {
                TxnMessage::AddPartitions {
                    correlation_id,
                    producer_id,
                    epoch,
                    partitions,
                    transactional_id,
                } => {
                    assert_eq!((*producer_id, *epoch), (PID, 0));
                    assert_eq!(transactional_id, "payments-app");
                    Some((*to, *correlation_id, partitions.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn answer(correlation_id: u64, error: ErrorCode) -> Message {
    Message::Txn(Box::new(TxnMessage::AddPartitionsResponse {
        correlation_id,
        error,
    }))
}

fn responses(sent: &[(NodeId, Message)]) -> Vec<ProducePartitionResponse> {
    sent.iter()
        .filter_map(|(_, m)| match m {
            Message::ProduceResponse { partitions, .. } => Some(partitions.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The first batch of a transaction in a partition is held until the coordinator (the leader
/// of the id's `__transaction_state` partition, broker 2) added the partition; the next batch
/// of the same transaction goes straight to the log.
#[test]
fn the_leader_adds_the_partition_before_appending_the_first_batch() {
    let mut h = Harness::with_txn_coordinator();
    let sent = h.produce_txn(txn_produce(0, 10));
    let asks = add_partitions(&sent);
    assert_eq!(asks.len(), 1, "{sent:?}");
    assert_eq!(asks[0].0, NodeId(2));
    assert_eq!(asks[0].2, vec![tp()]);
    assert!(responses(&sent).is_empty(), "held: {sent:?}");
    assert_eq!(h.broker.disk.logs.get(&tp()).unwrap().log_end_offset(), 0);

    let out = h.deliver(NodeId(2), answer(asks[0].1, ErrorCode::None));
    let mut sent = out.sends;
    sent.extend(h.finish_work());
    let r = responses(&sent);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].error, ErrorCode::None);
    assert_eq!(h.broker.disk.logs.get(&tp()).unwrap().log_end_offset(), 10);

    let sent = h.produce_txn(txn_produce(10, 5));
    assert!(add_partitions(&sent).is_empty(), "open: {sent:?}");
    assert_eq!(responses(&sent)[0].error, ErrorCode::None);
    assert_eq!(h.broker.disk.logs.get(&tp()).unwrap().log_end_offset(), 15);
}

/// CONCURRENT_TRANSACTIONS (the previous transaction's markers are being written) is retried
/// by the leader every 20 ms for at most 100 ms, then the producer gets NOT_ENOUGH_REPLICAS
/// (retriable) and nothing is appended.
#[test]
fn concurrent_transactions_is_retried_for_100_ms_then_not_enough_replicas() {
    let mut h = Harness::with_txn_coordinator();
    let start = h.now;
    let mut asks = add_partitions(&h.produce_txn(txn_produce(0, 10)));
    let mut attempts = Vec::new();
    let mut last = Vec::new();
    while let Some((_, c, _)) = asks.pop() {
        attempts.push(h.now - start);
        h.deliver(NodeId(2), answer(c, ErrorCode::ConcurrentTransactions));
        last = h.verify_timers_until(h.now + ms(20));
        asks = add_partitions(&last);
    }
    assert_eq!(
        attempts,
        (0..=5).map(|i| ms(20 * i)).collect::<Vec<_>>(),
        "sent at 0, 20, .., 100 ms"
    );
    // The sixth answer ends it: the producer gets its response.
    let r = responses(&last);
    assert_eq!(r.len(), 1, "{last:?}");
    assert_eq!(r[0].error, ErrorCode::NotEnoughReplicas);
    assert_eq!(h.broker.disk.logs.get(&tp()).unwrap().log_end_offset(), 0);
}

/// A fenced producer's batch is refused with INVALID_PRODUCER_EPOCH (the coordinator's
/// PRODUCER_FENCED, translated), INVALID_TXN_STATE is passed on, and a coordinator that goes
/// away is a retriable NOT_ENOUGH_REPLICAS.
#[test]
fn verification_errors_reach_the_producer_translated() {
    for (error, expected) in [
        (ErrorCode::ProducerFenced, ErrorCode::InvalidProducerEpoch),
        (ErrorCode::InvalidTxnState, ErrorCode::InvalidTxnState),
        (ErrorCode::NotCoordinator, ErrorCode::NotEnoughReplicas),
    ] {
        let mut h = Harness::with_txn_coordinator();
        let asks = add_partitions(&h.produce_txn(txn_produce(0, 10)));
        let out = h.deliver(NodeId(2), answer(asks[0].1, error));
        let mut sent = out.sends;
        sent.extend(h.finish_work());
        let r = responses(&sent);
        assert_eq!(r.len(), 1, "{error:?}: {sent:?}");
        assert_eq!(r[0].error, expected, "{error:?}");
        assert_eq!(h.broker.disk.logs.get(&tp()).unwrap().log_end_offset(), 0);
    }
    let mut h = Harness::with_txn_coordinator();
    add_partitions(&h.produce_txn(txn_produce(0, 10)));
    let mut out = Outbox::default();
    let mut ctx = Ctx::new(h.now, NodeId(1), &mut h.rng, &h.topics, &mut out);
    h.broker.handle_disconnect(&mut ctx, NodeId(2));
    h.timers.append(&mut out.timers);
    let sent = h.finish_work();
    assert_eq!(responses(&sent)[0].error, ErrorCode::NotEnoughReplicas);
}
