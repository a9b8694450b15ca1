//! Processors (issue 19): consume-transform-produce with transactions and offsets committed in
//! the transaction end with every input record exactly once in the committed output.

use kafka_sim::engine::config::ProducerConfig;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::ms;
use kafka_sim::engine::Engine;

fn pipeline(seed: u64) -> Scenario {
    let mut s = Scenario::cluster(3, seed, 30_000)
        .with_topic("orders", 3, 3)
        .with_topic("enriched", 3, 3)
        .with_producer("source", "orders", 2_000.0, 100, ProducerConfig::default())
        .with_processor("enrich", "orders", "enriched", 2, 300);
    s.producers[0].max_records = Some(20_000);
    s
}

#[test]
fn a_processor_copies_every_input_record_once() {
    let s = pipeline(7);
    let mut e = Engine::new(&s);
    e.run_until(ms(30_000), u64::MAX);
    let r = e.report(0.0);
    eprintln!("{}", serde_json::to_string_pretty(&r.invariants).unwrap());
    eprintln!("{:?}", r.transactions);
    eprintln!("{:?}", r.groups);
    eprintln!("{:?}", r.partitions);
    assert_eq!(r.invariants.eos_duplicates, Some(0));
    assert_eq!(r.invariants.eos_missing, Some(0));
}

#[test]
fn debug_events() {
    use kafka_sim::engine::events::SimEvent;
    let s = pipeline(7);
    let mut e = Engine::new(&s);
    e.set_record_bulk(true);
    let mut counts = std::collections::BTreeMap::new();
    let mut shown = 0;
    for t in 1..=50 {
        e.run_until(ms(t * 100), u64::MAX);
        for ev in e.drain_events() {
            let name = format!("{:?}", ev.event);
            let k = name.split([' ', '{', '(']).next().unwrap().to_string();
            if shown < 40
                && matches!(
                    ev.event,
                    SimEvent::TxnCompleted { .. } | SimEvent::OffsetReset { .. }
                )
            {
                eprintln!("{} {}", ev.at / 1_000_000, &name[..name.len().min(300)]);
                shown += 1;
            }
            *counts.entry(k).or_insert(0u64) += 1;
        }
    }
    eprintln!("{counts:?}");
}
