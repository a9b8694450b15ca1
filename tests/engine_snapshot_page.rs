//! What the page draws on the producer and broker nodes, read from the engine's snapshot:
//! a transactional producer's state (issue 19: open transaction, committing/aborting, fenced)
//! and each broker's rack (issue 20).
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::time::ms;
use kafka_sim::engine::txn::snapshot::TxnState;
use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::presets::preset;

#[test]
fn a_transactional_producer_shows_its_open_transaction_its_ends_and_its_fencing() {
    let mut e = Engine::new(&preset("exactly-once").unwrap());
    let mut seen = Vec::new();
    let mut open_with_partitions = 0;
    let mut t = 0;
    while t < 30_000 {
        t += 50;
        e.run_until(ms(t), u64::MAX);
        let snap = e.snapshot();
        for p in &snap.producers {
            let x = p
                .transaction
                .as_ref()
                .expect("transactional producers have a state");
            assert_eq!(x.transactional_id, "payments-app");
            if !seen.contains(&x.state) {
                seen.push(x.state);
            }
            if x.state == TxnState::Open && !x.partitions.is_empty() {
                open_with_partitions += 1;
                assert!(x.producer_id >= 0 && x.records <= 200, "{x:?}");
                assert!(x.partitions.iter().all(|&q| q < 3));
                assert_eq!(x.number, x.committed + x.aborted + 1);
            }
        }
    }
    for s in [
        TxnState::Open,
        TxnState::Committing,
        TxnState::Aborting,
        TxnState::Fenced,
    ] {
        assert!(seen.contains(&s), "{s:?} never seen: {seen:?}");
    }
    assert!(open_with_partitions > 20, "{open_with_partitions}");
    let snap = e.snapshot();
    let fenced: Vec<_> = snap
        .producers
        .iter()
        .filter_map(|p| p.transaction.as_ref())
        .filter(|x| x.state == TxnState::Fenced)
        .collect();
    assert_eq!(fenced.len(), 1, "the zombie");
    let live = snap
        .producers
        .iter()
        .filter_map(|p| p.transaction.as_ref())
        .find(|x| x.state != TxnState::Fenced)
        .expect("the replacement");
    assert!(live.epoch > fenced[0].epoch, "{live:?} {:?}", fenced[0]);
}

#[test]
fn producers_without_transactional_id_have_no_transaction() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(2_000), u64::MAX);
    assert!(e
        .snapshot()
        .producers
        .iter()
        .all(|p| p.transaction.is_none()));
}

#[test]
fn a_processors_producer_names_the_group_whose_offsets_it_commits() {
    let mut e = Engine::new(&preset("exactly-once-pipeline").unwrap());
    let mut named = false;
    let mut t = 0;
    while t < 20_000 && !named {
        t += 100;
        e.run_until(ms(t), u64::MAX);
        named = e
            .snapshot()
            .producers
            .iter()
            .filter_map(|p| p.transaction.as_ref())
            .any(|x| x.offsets_group.is_some());
    }
    assert!(
        named,
        "no processor transaction carried its group's offsets"
    );
}

#[test]
fn brokers_carry_their_rack_and_none_without_racks() {
    let e = Engine::new(&preset("multi-zone").unwrap());
    let racks: Vec<_> = e
        .snapshot()
        .brokers
        .iter()
        .map(|b| b.rack.clone().unwrap_or_default())
        .collect();
    assert_eq!(racks, ["az-a", "az-b", "az-c", "az-a", "az-b", "az-c"]);
    let e = Engine::new(&preset("quickstart").unwrap());
    assert!(e.snapshot().brokers.iter().all(|b| b.rack.is_none()));
}
