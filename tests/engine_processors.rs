//! Processors (issue 19): consume-transform-produce with the input offsets committed inside the
//! output transaction (KIP-98 / KIP-447) ends with every input record exactly once in the
//! committed output — under broker crashes, transaction and group coordinator crashes and a
//! paused member that wakes as a zombie — and the audit that says so can fail: a processor
//! that commits its offsets outside the transaction shows duplicates.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::ProducerConfig;
use kafka_sim::engine::group::offsets_partition_for;
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::ms;
use kafka_sim::engine::{Command, Engine};
use proptest::prelude::*;

/// Input records; the source stops at 10 s of its 5,000 records/s.
const RECORDS: u64 = 20_000;

fn pipeline(seed: u64, duration_ms: u64) -> Scenario {
    let mut s = Scenario::cluster(3, seed, duration_ms)
        .with_topic("orders", 3, 3)
        .with_topic("enriched", 3, 3)
        .with_producer("source", "orders", 2_000.0, 100, ProducerConfig::default())
        .with_processor("enrich", "orders", "enriched", 2, 300);
    s.producers[0].max_records = Some(RECORDS);
    s
}

/// The broker leading `topic`'s partition `p` now.
fn leader_of(e: &Engine, topic: &str, p: u32) -> Option<u32> {
    let t = e.topics().index_of(topic)?;
    e.view().partition(TopicPartition::new(t, p))?.state.leader
}

/// The brokers hosting the processor's group coordinator and member 0's transaction
/// coordinator now.
fn coordinators(e: &Engine) -> (Option<u32>, Option<u32>) {
    let offsets_n = e
        .topics()
        .index_of("__consumer_offsets")
        .map(|t| e.topics().partitions(t));
    let txn_n = e
        .topics()
        .index_of("__transaction_state")
        .map(|t| e.topics().partitions(t));
    let group = offsets_n.and_then(|n| {
        leader_of(
            e,
            "__consumer_offsets",
            offsets_partition_for("enrich-group", n),
        )
    });
    let txn = txn_n.and_then(|n| {
        leader_of(
            e,
            "__transaction_state",
            offsets_partition_for("enrich-0", n),
        )
    });
    (group, txn)
}

fn input_records(e: &Engine) -> u64 {
    let t = e.topics().index_of("orders").expect("topic");
    (0..3)
        .map(|p| {
            e.view()
                .partition(TopicPartition::new(t, p))
                .map(|p| p.high_watermark())
                .unwrap_or(0)
        })
        .sum()
}

#[test]
fn a_processor_copies_every_input_record_once() {
    let s = pipeline(7, 30_000);
    let mut e = Engine::new(&s);
    e.run_until(ms(30_000), u64::MAX);
    let r = e.report(0.0);
    assert_eq!(input_records(&e), RECORDS);
    let t = r.transactions.expect("transactions report");
    assert!(t.committed >= 2 * RECORDS / 500, "{t:?}");
    assert_eq!(r.groups[0].lag, 0, "every input record processed");
    assert_eq!(r.groups[0].isolation_level, "read_committed");
    assert_eq!(
        r.invariants.eos_duplicates,
        Some(0),
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(
        r.invariants.eos_missing,
        Some(0),
        "{:?}",
        r.invariants.first_examples
    );
}

/// A fault plan: `(at_ms, kind, broker)`; kind 0 crashes a broker, 1 the group coordinator's,
/// 2 the transaction coordinator's, 3 pauses member `broker % 2` for 50 s (past the 45 s
/// session timeout: the group moves its partitions, it wakes as a zombie). Each crashed broker
/// restarts 6 s later.
fn run_with_faults(seed: u64, plan: &[(u64, u8, u32)]) -> (Engine, u64) {
    let duration = 120_000;
    let s = pipeline(seed, duration);
    let mut e = Engine::new(&s);
    let mut plan: Vec<(u64, u8, u32)> = plan.to_vec();
    plan.sort();
    let mut restarts: Vec<(u64, u32)> = Vec::new();
    let mut paused = false;
    let mut t = 0;
    while t < duration {
        t += 500;
        e.run_until(ms(t), u64::MAX);
        for &(at, kind, b) in plan.iter().filter(|f| f.0 > t - 500 && f.0 <= t) {
            let (group, txn) = coordinators(&e);
            let target = match kind {
                0 => Some(b),
                1 => group,
                2 => txn,
                _ => {
                    if !paused {
                        paused = true;
                        e.apply(Command::PauseClient {
                            producer: format!("enrich-{}", b % 2),
                            ms: 50_000,
                        });
                    }
                    None
                }
            };
            if let Some(broker) = target {
                if restarts.iter().all(|r| r.1 != broker) {
                    e.apply(Command::CrashBroker { broker });
                    restarts.push((at + 6_000, broker));
                }
            }
        }
        restarts.retain(|&(at, broker)| {
            if at <= t {
                e.apply(Command::RestartBroker { broker });
                false
            } else {
                true
            }
        });
    }
    let input = input_records(&e);
    (e, input)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn exactly_once_holds_under_crashes_and_a_zombie(
        seed in 0u64..1_000_000,
        plan in prop::collection::vec((1_000u64..40_000, 0u8..4, 1u32..=3), 1..5),
    ) {
        let (mut e, input) = run_with_faults(seed, &plan);
        let r = e.report(0.0);
        prop_assert_eq!(r.invariants.eos_duplicates, Some(0), "{:?}", r.invariants.first_examples);
        prop_assert_eq!(r.invariants.eos_missing, Some(0), "{:?}", r.invariants.first_examples);
        // Liveness: after the faults heal, the pipeline drains.
        prop_assert_eq!(input, RECORDS);
        prop_assert_eq!(r.groups[0].lag, 0, "{:?}", r.groups);
    }
}

#[test]
fn a_zombie_is_fenced_and_nothing_is_duplicated() {
    let (mut e, input) = run_with_faults(11, &[(8_000, 3, 0)]);
    let r = e.report(0.0);
    assert_eq!(input, RECORDS);
    let t = r.transactions.expect("transactions");
    assert!(t.aborted >= 1, "the zombie's transaction aborts: {t:?}");
    assert_eq!(
        r.invariants.eos_duplicates,
        Some(0),
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(
        r.invariants.eos_missing,
        Some(0),
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(r.groups[0].lag, 0);
}

/// The audit can fail: with the offsets committed outside the transaction (after it), the
/// zombie's output commits while its offsets are refused (ILLEGAL_GENERATION), and the member
/// that took its partitions over processes the same records again.
#[test]
fn offsets_outside_the_transaction_duplicate_records() {
    let s = pipeline(11, 120_000);
    let mut e = Engine::new(&s);
    e.inject_offsets_outside_transaction();
    e.run_until(ms(8_000), u64::MAX);
    e.apply(Command::PauseClient {
        producer: "enrich-0".into(),
        ms: 50_000,
    });
    e.run_until(ms(120_000), u64::MAX);
    let r = e.report(0.0);
    let dups = r.invariants.eos_duplicates.expect("audited");
    eprintln!("offsets outside the transaction: eos_duplicates {dups}");
    assert!(dups > 0, "{:?}", r.invariants);
    assert!(
        r.invariants
            .first_examples
            .iter()
            .any(|x| x.contains("eos_duplicates")),
        "{:?}",
        r.invariants.first_examples
    );
}

/// The zombie's transaction is aborted because the group coordinator refuses its offsets
/// (KIP-447), and the event log says so in both languages.
#[test]
fn the_zombies_offsets_are_refused_and_the_event_log_says_so() {
    use kafka_sim::engine::events::SimEvent;
    use kafka_sim::engine::protocol::ErrorCode;
    use kafka_sim::i18n::Lang;
    use kafka_sim::view_model::event_log::describe;
    use kafka_sim::view_model::names::Names;
    let s = pipeline(11, 120_000);
    let mut e = Engine::new(&s);

    e.run_until(ms(8_000), u64::MAX);
    e.apply(Command::PauseClient {
        producer: "enrich-0".into(),
        ms: 50_000,
    });
    let mut refused = Vec::new();
    while e.now() < ms(120_000) {
        let next = e.now() + ms(1_000);
        e.run_until(next, u64::MAX);
        for ev in e.drain_events() {
            if let SimEvent::TxnOffsetCommitRejected { producer, error } = ev.event {
                refused.push((producer, error, ev.event.clone()));
            }
        }
    }
    assert!(
        !refused.is_empty(),
        "the zombie's TxnOffsetCommit is refused"
    );
    let (producer, error, event) = refused[0].clone();
    assert_eq!(producer, 1, "enrich-0 is producer 1 (after the source)");
    assert!(matches!(
        error,
        ErrorCode::IllegalGeneration | ErrorCode::UnknownMemberId
    ));
    let names = Names::of(&e.snapshot());
    for lang in [Lang::En, Lang::Zh] {
        let (text, highlighted) = describe(e.topics(), &names, &event, lang).expect("logged");
        assert!(highlighted && text.contains(error.name()), "{text}");
    }
}
