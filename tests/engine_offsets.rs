//! Committed offsets live in `__consumer_offsets` (issue 13): a commit is a record appended to
//! the group's offsets partition and replicated; a coordinator that moves loads the group's
//! offsets from its copy of that log. They also run in headless Chromium as wasm.

use std::collections::BTreeMap;

use kafka_sim::engine::config::{ConsumerConfig, OffsetReset, ProducerConfig};
use kafka_sim::engine::events::SimEvent;
use kafka_sim::engine::group::offsets_partition_for;
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::protocol::InternalRecord;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SECONDS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

fn scenario() -> Scenario {
    let consumer = ConsumerConfig {
        auto_offset_reset: OffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    Scenario::cluster(3, 8, 60_000)
        .with_topic("orders", 6, 3)
        .with_producer("p", "orders", 1_000.0, 100, ProducerConfig::default())
        .with_group("billing", &["orders"], 2, consumer)
}

fn offsets_tp(e: &Engine) -> TopicPartition {
    let t = e
        .topics()
        .offsets_topic()
        .expect("__consumer_offsets exists");
    TopicPartition::new(
        t,
        offsets_partition_for("billing", e.topics().partitions(t)),
    )
}

/// Commits are records in the group's offsets partition, on every replica.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn commits_are_records_replicated_in_the_groups_offsets_partition() {
    let mut e = Engine::new(&scenario());
    e.run_until(ms(20_000), u64::MAX);
    let tp = offsets_tp(&e);
    let st = e.controller().partition(tp).unwrap().clone();
    assert_eq!(st.isr.len(), 3, "{st:?}");
    let commits_on = |b: u32| {
        e.brokers()[b as usize - 1].disk().logs[&tp]
            .payloads()
            .filter(|(_, r)| matches!(r, InternalRecord::OffsetCommits { group, .. } if group == "billing"))
            .count()
    };
    for &b in &st.replicas {
        assert!(commits_on(b) >= 3, "broker {b} holds the commits");
    }
    let hw = e.brokers()[st.leader.unwrap() as usize - 1].disk().logs[&tp].high_watermark();
    assert!(hw > 0);
}

/// The broker leading the group's offsets partition (its coordinator) crashes: the new leader
/// loads the group's offsets from its replica of the log, and the group goes on from them.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_new_coordinator_loads_the_committed_offsets_from_the_log() {
    let s = scenario();
    let mut e = Engine::new(&s);
    let tp = offsets_tp(&e);
    let coordinator = e.controller().partition(tp).unwrap().leader.unwrap();
    e.set_record_bulk(true);
    let mut last_commit: BTreeMap<TopicPartition, u64> = BTreeMap::new();
    while e.now() < ms(20_000) {
        e.run_for(SECONDS / 4, u64::MAX);
        for t in e.drain_events() {
            if let SimEvent::OffsetsCommitted { offsets, .. } = t.event {
                last_commit.extend(offsets);
            }
        }
    }
    assert!(!last_commit.is_empty(), "the group committed");
    e.apply(Command::CrashBroker {
        broker: coordinator,
    });
    e.run_until(ms(32_000), u64::MAX);
    let new_leader = e.controller().partition(tp).unwrap().leader.unwrap();
    assert_ne!(new_leader, coordinator);
    let loaded = e.brokers()[new_leader as usize - 1]
        .process()
        .unwrap()
        .coordinator
        .committed("billing")
        .cloned()
        .expect("the new coordinator loaded the group");
    for (tp, off) in &last_commit {
        assert!(
            loaded.get(tp).copied().unwrap_or(0) >= *off,
            "{tp:?}: committed {off} before the crash, loaded {:?}",
            loaded.get(tp)
        );
    }
    e.run_until(ms(60_000), u64::MAX);
    let r = e.report(0.0);
    // The group kept consuming from where it was: at most one auto-commit interval (5 s at
    // 1,000 records/s) is read twice.
    assert!(r.invariants.redelivered <= 5_000, "{:?}", r.invariants);
    assert!(r.consumed > 50_000, "consumed {}", r.consumed);
    let lag = r
        .groups
        .iter()
        .find(|g| g.group_id == "billing")
        .unwrap()
        .lag;
    assert!(lag < 10_000, "committed lag back to small: {lag}");
}
