//! Producer behaviour seen in whole runs: the idempotent producer numbers each partition's
//! batches consecutively from 0 under one producer id (KIP-98, `TransactionManager`
//! sequences), a plain producer sends no id or sequence, and without faults what is handed to
//! `send()` is written and acknowledged, bar what is still in flight.

use std::collections::BTreeMap;

use crate::engine::config::{Acks, ProducerConfig};
use crate::engine::events::SimEvent;
use crate::engine::ids::TopicPartition;
use crate::engine::protocol::RecordBatch;
use crate::engine::scenario::Scenario;
use crate::engine::time::{ms, MILLIS};
use crate::engine::Engine;

/// Two producers (0 idempotent, 1 plain) on a 3-partition topic for 3 s; the batches each
/// leader appended, per producer and partition, and the run's produce counters.
fn appended() -> (BTreeMap<(u32, TopicPartition), Vec<RecordBatch>>, u64, u64) {
    let idempotent = ProducerConfig {
        acks: Acks::All,
        enable_idempotence: true,
        ..ProducerConfig::default()
    };
    let plain = ProducerConfig {
        acks: Acks::One,
        enable_idempotence: false,
        ..ProducerConfig::default()
    };
    let s = Scenario::cluster(3, 5, 3_000)
        .with_topic("t", 3, 3)
        .with_producer("idem", "t", 8_000.0, 100, idempotent)
        .with_producer("plain", "t", 8_000.0, 100, plain);
    let mut e = Engine::new(&s);
    e.set_record_bulk(true);
    let mut out: BTreeMap<(u32, TopicPartition), Vec<RecordBatch>> = BTreeMap::new();
    while e.now() < ms(3_000) {
        e.run_until(e.now() + 250 * MILLIS, u64::MAX);
        for t in e.drain_events() {
            if let SimEvent::LeaderAppend { tp, batch, .. } = t.event {
                out.entry((batch.ids.producer, tp)).or_default().push(batch);
            }
        }
    }
    (out, e.metrics().sent, e.metrics().acked)
}

#[test]
fn idempotent_batches_carry_consecutive_sequences_per_partition_plain_ones_none() {
    let (appended, _, _) = appended();
    let mut ids = Vec::new();
    for p in 0..3 {
        let tp = TopicPartition::new(0, p);
        let idem = &appended[&(0, tp)];
        assert!(idem.len() > 10, "t-{p}: {} batches", idem.len());
        let mut next = 0;
        for b in idem {
            assert_eq!(
                b.base_sequence, next,
                "t-{p}: gap or repeat at offset {}",
                b.base_offset
            );
            next += b.record_count as i32;
            ids.push((b.producer_id, b.producer_epoch));
        }
        for b in &appended[&(1, tp)] {
            assert_eq!(
                (b.producer_id, b.base_sequence),
                (-1, -1),
                "plain: no id, no sequence"
            );
        }
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one producer id and epoch: {ids:?}");
    assert!(ids[0].0 >= 0);
}

#[test]
fn records_sent_are_written_and_acknowledged_without_faults() {
    let (appended, sent, acked) = appended();
    let written: u64 = appended
        .values()
        .flatten()
        .map(|b| b.record_count as u64)
        .sum();
    assert!(sent > 40_000, "{sent}");
    // What is still in the accumulator or in flight at 3 s is at most a few batches.
    assert!(
        acked <= sent && sent - acked < 2_000,
        "sent {sent}, acked {acked}"
    );
    assert_eq!(
        written, acked,
        "every acknowledged record written exactly once"
    );
}
