//! Follower truncation after unclean elections (issue 13.4): a returning replica finds where its
//! log diverges by leader epoch, in as many round trips as it takes (KIP-279), then catches up
//! and rejoins the ISR. They also run in headless Chromium as wasm.

use kafka_sim::engine::config::{Acks, ProducerConfig};
use kafka_sim::engine::events::SimEvent;
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SECONDS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

fn run_to(e: &mut Engine, at_ms: u64, log: &mut Vec<SimEvent>) {
    while e.now() < ms(at_ms) {
        let next = (e.now() + SECONDS / 4).min(ms(at_ms));
        e.run_until(next, u64::MAX);
        log.extend(e.drain_events().into_iter().map(|t| t.event));
    }
}

/// One partition, three replicas, unclean election on, acks=1. Leadership goes A (epoch 0) →
/// L (epoch 1, A down) → A again (epoch 2, unclean: L and the third are down) → L again (epoch
/// 3, unclean, A down). When A returns, its last epoch is 2, which L never had; L's answer
/// (epoch 1) is an epoch A never had. A must truncate to the end of its epoch 0 and ask again.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_replica_whose_epochs_the_leader_never_had_converges_and_rejoins_the_isr() {
    let producer = ProducerConfig {
        acks: Acks::One,
        enable_idempotence: false,
        ..ProducerConfig::default()
    };
    let mut s = Scenario::cluster(3, 17, 90_000)
        .with_topic("orders", 1, 3)
        .with_producer("p", "orders", 500.0, 100, producer);
    s.cluster.config.unclean_leader_election_enable = true;
    s.cluster.config.eligible_leader_replicas_version = 0;
    let mut e = Engine::new(&s);
    let tp = TopicPartition::new(0, 0);
    let st = e.controller().partition(tp).unwrap().clone();
    let a = st.leader.unwrap();
    let mut log = Vec::new();
    let crash = |b| Command::CrashBroker { broker: b };
    let restart = |b| Command::RestartBroker { broker: b };

    run_to(&mut e, 2_000, &mut log);
    e.apply(crash(a));
    run_to(&mut e, 15_000, &mut log);
    let l = e
        .controller()
        .partition(tp)
        .unwrap()
        .leader
        .expect("a new leader, epoch 1");
    assert_ne!(l, a);
    let third = st
        .replicas
        .iter()
        .copied()
        .find(|&b| b != a && b != l)
        .unwrap();
    e.apply(crash(l));
    e.apply(crash(third));
    run_to(&mut e, 26_000, &mut log);
    e.apply(restart(a));
    run_to(&mut e, 35_000, &mut log);
    assert_eq!(
        e.controller().partition(tp).unwrap().leader,
        Some(a),
        "A leads again (unclean)"
    );
    e.apply(crash(a));
    run_to(&mut e, 46_000, &mut log);
    e.apply(restart(l));
    run_to(&mut e, 50_000, &mut log);
    assert_eq!(
        e.controller().partition(tp).unwrap().leader,
        Some(l),
        "L leads again (unclean)"
    );
    e.apply(restart(a));
    run_to(&mut e, 55_000, &mut log);
    e.apply(restart(third));
    run_to(&mut e, 90_000, &mut log);

    let final_state = e.controller().partition(tp).unwrap().clone();
    assert!(
        final_state.isr.contains(&a),
        "A rejoined the ISR: {:?}",
        final_state
    );
    assert_eq!(final_state.isr.len(), 3, "{final_state:?}");
    let truncations = log
        .iter()
        .filter(|ev| matches!(ev, SimEvent::LogTruncated { broker, removed, .. } if *broker == a && !removed.is_empty()))
        .count();
    assert!(truncations >= 1, "A truncated its epoch-2 records");
    // Every replica ends with the leader's log.
    let leader_log: Vec<_> = e.brokers()[l as usize - 1].disk().logs[&tp]
        .batches()
        .map(|b| (b.base_offset, b.partition_leader_epoch))
        .collect();
    let a_log: Vec<_> = e.brokers()[a as usize - 1].disk().logs[&tp]
        .batches()
        .map(|b| (b.base_offset, b.partition_leader_epoch))
        .collect();
    let n = a_log.len().min(leader_log.len());
    assert!(n > 0);
    assert_eq!(
        a_log[..n],
        leader_log[..n],
        "A's log is a prefix of the leader's"
    );
}

/// The idempotent producer after data loss (issue 13.5). acks=all with min.insync.replicas=1:
/// once brokers 2 and 3 are fenced the leader acknowledges alone; it crashes, and broker 2
/// returns and is elected uncleanly without those batches. The producer's next sequence is
/// then past a gap the new leader cannot fill: `OUT_OF_ORDER_SEQUENCE_NUMBER` for the batch that
/// follows the last acknowledged one. KIP-360: the producer bumps its epoch, restarts the
/// partition's sequences at 0 and carries on — instead of retrying the same sequence until
/// `delivery.timeout.ms`.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_idempotent_producer_bumps_its_epoch_after_an_unclean_election_and_carries_on() {
    let mut s = Scenario::cluster(3, 23, 70_000)
        .with_topic("orders", 1, 3)
        .with_producer("p", "orders", 500.0, 100, ProducerConfig::default());
    s.cluster.config.unclean_leader_election_enable = true;
    s.cluster.config.eligible_leader_replicas_version = 0;
    let mut e = Engine::new(&s);
    let tp = TopicPartition::new(0, 0);
    let st = e.controller().partition(tp).unwrap().clone();
    let a = st.leader.unwrap();
    let others: Vec<u32> = st.replicas.iter().copied().filter(|&b| b != a).collect();
    let mut log = Vec::new();
    run_to(&mut e, 5_000, &mut log);
    for &b in &others {
        e.apply(Command::CrashBroker { broker: b });
    }
    run_to(&mut e, 20_000, &mut log);
    e.apply(Command::CrashBroker { broker: a });
    run_to(&mut e, 22_000, &mut log);
    e.apply(Command::RestartBroker { broker: others[0] });
    run_to(&mut e, 40_000, &mut log);
    let elected = e.controller().partition(tp).unwrap().leader;
    assert_eq!(
        elected,
        Some(others[0]),
        "unclean election of the returning broker"
    );
    let acked_at_40 = e.report(0.0).produced.acked;
    run_to(&mut e, 70_000, &mut log);
    let r = e.report(0.0);
    assert!(
        r.produced.acked > acked_at_40 + 10_000,
        "acknowledgements resume after the bump: {} then {}",
        acked_at_40,
        r.produced.acked
    );
    let bumped = log
        .iter()
        .any(|ev| matches!(ev, SimEvent::ProducerEpochBumped { epoch: 1, .. }));
    assert!(bumped, "the producer bumped its epoch");
    assert!(
        r.invariants.acked_lost > 0,
        "the unclean election lost records"
    );
    assert_eq!(
        r.invariants.duplicates, 0,
        "{:?}",
        r.invariants.first_examples
    );
}
