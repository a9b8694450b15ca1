//! Transactions (issue 19): a transactional producer's aborted records are invisible to a
//! read_committed group and visible to a read_uncommitted one; the LSO holds at an open
//! transaction; markers are in every replica; a coordinator crash mid-run still completes or
//! aborts every transaction.

use std::collections::BTreeSet;

use kafka_sim::engine::config::{ConsumerConfig, IsolationLevel, OffsetReset, ProducerConfig};
use kafka_sim::engine::events::SimEvent;
use kafka_sim::engine::scenario::{Scenario, TransactionsSpec};
use kafka_sim::engine::time::ms;
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

fn scenario(seed: u64) -> Scenario {
    let consumer = |read_committed| ConsumerConfig {
        auto_offset_reset: OffsetReset::Earliest,
        isolation_level: if read_committed {
            IsolationLevel::ReadCommitted
        } else {
            IsolationLevel::ReadUncommitted
        },
        ..ConsumerConfig::default()
    };
    let mut s = Scenario::cluster(3, seed, 30_000)
        .with_topic("payments", 3, 3)
        .with_producer(
            "tx",
            "payments",
            2_000.0,
            100,
            ProducerConfig {
                transactional_id: Some("payments-app".into()),
                ..ProducerConfig::default()
            },
        )
        .with_group("committed", &["payments"], 1, consumer(true))
        .with_group("everything", &["payments"], 1, consumer(false));
    s.producers[0].transactions = Some(TransactionsSpec {
        records: 200,
        abort_ratio: 0.4,
    });
    s
}

#[derive(Default, Debug)]
struct Seen {
    /// (producer id, data epoch) of aborted / committed transactions.
    aborted: BTreeSet<(i64, i16)>,
    committed: BTreeSet<(i64, i16)>,
    /// Per group: (producer id, epoch) of every transactional batch consumed, records.
    consumed: [Vec<((i64, i16), u64)>; 2],
}

fn run(e: &mut Engine, until_ms: u64, seen: &mut Seen) {
    e.set_record_bulk(true);
    let mut t = 0;
    while t < until_ms {
        t += 100;
        e.run_until(ms(t), u64::MAX);
        for ev in e.drain_events() {
            match ev.event {
                SimEvent::TxnCompleted {
                    producer_id,
                    epoch,
                    committed,
                    ..
                } => {
                    // The markers carry the bumped epoch; the data, the one before.
                    let key = (producer_id, epoch - 1);
                    if committed {
                        seen.committed.insert(key);
                    } else {
                        seen.aborted.insert(key);
                    }
                }
                SimEvent::Consumed {
                    group,
                    batch,
                    from_offset,
                    to_offset,
                    ..
                } if batch.is_transactional() => seen.consumed[group as usize].push((
                    (batch.producer_id, batch.producer_epoch),
                    to_offset - from_offset,
                )),
                _ => {}
            }
        }
    }
}

/// read_committed never delivers a record of an aborted transaction; read_uncommitted does.
#[test]
fn aborted_records_are_invisible_to_read_committed_and_visible_to_read_uncommitted() {
    let mut e = Engine::new(&scenario(5));
    let mut seen = Seen::default();
    run(&mut e, 12_000, &mut seen);
    assert!(seen.committed.len() >= 5, "{seen:?}");
    assert!(seen.aborted.len() >= 2, "{seen:?}");
    let count = |g: usize, set: &BTreeSet<(i64, i16)>| -> u64 {
        seen.consumed[g]
            .iter()
            .filter(|(k, _)| set.contains(k))
            .map(|(_, n)| n)
            .sum()
    };
    assert_eq!(
        count(0, &seen.aborted),
        0,
        "read_committed read aborted records"
    );
    assert!(count(0, &seen.committed) > 1_000);
    assert!(
        count(1, &seen.aborted) > 0,
        "read_uncommitted sees aborted records"
    );
    assert!(count(1, &seen.committed) > 1_000);
}

/// The LSO stays at the first offset of an open transaction while the HW moves past it, and
/// moves once the transaction ends.
#[test]
fn the_lso_is_held_by_an_open_transaction_and_released_by_its_end() {
    let mut e = Engine::new(&scenario(9));
    let mut held = 0;
    let mut released = 0;
    for t in 1..=80 {
        e.run_until(ms(t * 50), u64::MAX);
        let view = e.view();
        for p in view.user_partitions() {
            let Some(leader) = p.leader() else { continue };
            let log = leader.log;
            let (lso, hw) = (log.last_stable_offset(), log.high_watermark());
            assert!(lso <= hw);
            if lso < hw {
                held += 1;
            } else if hw > 0 {
                released += 1;
            }
        }
    }
    assert!(held > 0 && released > 0, "held {held}, released {released}");
}

/// A crash of the transaction coordinator's broker: the new coordinator replays
/// `__transaction_state` and the producer carries on; every transaction begun is completed
/// (committed or aborted), and read_committed still never sees aborted records.
#[test]
fn a_coordinator_crash_completes_or_aborts_every_transaction() {
    let mut s = scenario(11);
    // Crash every broker in turn: one of them is the coordinator.
    s = s
        .with_fault(3_000, Command::CrashBroker { broker: 1 })
        .with_fault(6_000, Command::RestartBroker { broker: 1 })
        .with_fault(9_000, Command::CrashBroker { broker: 2 })
        .with_fault(12_000, Command::RestartBroker { broker: 2 })
        .with_fault(15_000, Command::CrashBroker { broker: 3 })
        .with_fault(18_000, Command::RestartBroker { broker: 3 });
    let mut e = Engine::new(&s);
    let mut seen = Seen::default();
    run(&mut e, 28_000, &mut seen);
    let aborted_read: u64 = seen.consumed[0]
        .iter()
        .filter(|(k, _)| seen.aborted.contains(k))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(aborted_read, 0);
    let before = seen.committed.len();
    assert!(before >= 10, "{seen:?}");
    // After the faults the producer keeps committing.
    let late = seen
        .committed
        .iter()
        .filter(|(_, epoch)| *epoch > 20)
        .count();
    assert!(late > 0, "{seen:?}");
}

/// `pause_client` makes a zombie: a replacement with the same `transactional.id` starts, its
/// InitProducerId bumps the epoch and aborts the paused instance's open transaction; the
/// paused one wakes, its writes are refused, and it stops (`ProducerFenced`). The replacement
/// commits; read_committed never sees the zombie's aborted records.
#[test]
fn a_paused_transactional_producer_wakes_as_a_zombie_and_is_fenced() {
    let mut s = scenario(21);
    s = s.with_fault(
        3_000,
        Command::PauseClient {
            producer: "tx".into(),
            ms: 4_000,
        },
    );
    let mut e = Engine::new(&s);
    let mut seen = Seen::default();
    let mut fenced = Vec::new();
    e.set_record_bulk(true);
    let mut t = 0;
    while t < 12_000 {
        t += 100;
        e.run_until(ms(t), u64::MAX);
        for ev in e.drain_events() {
            match ev.event {
                SimEvent::ProducerFenced { producer, error } => {
                    fenced.push((ev.at, producer, error))
                }
                SimEvent::TxnCompleted {
                    producer_id,
                    epoch,
                    committed,
                    ..
                } => {
                    let key = (producer_id, epoch - 1);
                    if committed {
                        seen.committed.insert(key);
                    } else {
                        seen.aborted.insert(key);
                    }
                }
                SimEvent::Consumed {
                    group,
                    batch,
                    from_offset,
                    to_offset,
                    ..
                } if batch.is_transactional() => seen.consumed[group as usize].push((
                    (batch.producer_id, batch.producer_epoch),
                    to_offset - from_offset,
                )),
                _ => {}
            }
        }
    }
    assert_eq!(fenced.len(), 1, "{fenced:?}");
    let (at, producer, _) = fenced[0];
    assert_eq!(producer, 0, "the paused instance");
    assert!(at >= ms(7_000), "fenced when it woke, at {at}");
    let r = e.report(0.0);
    let tx = r.transactions.expect("transactions");
    assert_eq!(tx.fenced, 1);
    assert!(
        tx.aborted >= 1,
        "the zombie's open transaction is aborted: {tx:?}"
    );
    assert_eq!(r.invariants.aborted_read, 0);
    assert_eq!(r.invariants.uncommitted_read, 0);
    // The replacement (producer 1) committed transactions after the takeover.
    assert!(
        seen.committed
            .iter()
            .filter(|(_, epoch)| *epoch > 30)
            .count()
            > 5,
        "{seen:?}"
    );
    let aborted_read: u64 = seen.consumed[0]
        .iter()
        .filter(|(k, _)| seen.aborted.contains(k))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(aborted_read, 0);
}

/// Many seeds, each with a broker crash and restart (sometimes the coordinator's), a second
/// crash, and a zombie: read_committed never gets an aborted or unstable record, transactions
/// keep completing, and the read_committed group keeps reading after the faults.
#[test]
fn transactions_hold_under_crashes_and_zombies_over_many_seeds() {
    for seed in 1..=8u64 {
        let pick = |k: u64| (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (8 * k)) % 3 + 1;
        let b1 = pick(1) as u32;
        let b2 = pick(2) as u32;
        let s = scenario(seed)
            .with_fault(1_500 + 100 * seed, Command::CrashBroker { broker: b1 })
            .with_fault(4_000, Command::RestartBroker { broker: b1 })
            .with_fault(
                5_000 + 50 * seed,
                Command::PauseClient {
                    producer: "tx".into(),
                    ms: 2_000,
                },
            )
            .with_fault(9_000, Command::CrashBroker { broker: b2 })
            .with_fault(11_000, Command::RestartBroker { broker: b2 });
        let mut e = Engine::new(&s);
        e.run_until(ms(13_000), u64::MAX);
        let consumed_mid = e.report(0.0).consumed;
        e.run_until(ms(20_000), u64::MAX);
        let r = e.report(0.0);
        let tx = r.transactions.expect("transactions");
        assert_eq!(
            r.invariants.aborted_read, 0,
            "seed {seed}: {:?}",
            r.invariants
        );
        assert_eq!(r.invariants.uncommitted_read, 0, "seed {seed}");
        assert_eq!(tx.fenced, 1, "seed {seed}: the zombie");
        assert!(tx.committed >= 20 && tx.aborted >= 2, "seed {seed}: {tx:?}");
        assert!(r.consumed > consumed_mid, "seed {seed}: reading stopped");
    }
}

/// Each partition of a transactional topic ends with a marker once the producer stops. Both
/// groups' positions pass over it, as Kafka's consumer moves its position to the completed
/// fetch's next offset even when it returns no record (`FetchCollector.fetchRecords`), so
/// their commits reach the high watermark: lag 0 at rest, for read_committed and
/// read_uncommitted alike. (It was 1 per partition when markers moved only the fetch position.)
#[test]
fn positions_pass_over_the_trailing_markers_so_lag_drains_to_zero() {
    for seed in [5, 9] {
        let mut s = scenario(seed);
        s.producers[0].max_records = Some(3_000);
        let mut e = Engine::new(&s);
        let mut seen = Seen::default();
        run(&mut e, 10_000, &mut seen);
        let r = e.report(0.0);
        let t = r.transactions.clone().expect("transactions report");
        assert!(t.committed + t.aborted >= 10, "seed {seed}: {t:?}");
        for p in &r.partitions {
            assert!(p.high_watermark > 0, "seed {seed}: {p:?}");
            assert_eq!(p.last_stable_offset, p.high_watermark, "seed {seed}: {p:?}");
        }
        assert_eq!(r.groups.len(), 2);
        for g in &r.groups {
            assert_eq!(g.lag, 0, "seed {seed}: {}: {:?}", g.group_id, r.groups);
        }
        assert_eq!(r.invariants.skipped, 0, "seed {seed}");
    }
}

/// `transaction.timeout.ms`: a transaction kept open longer than its timeout (here the
/// application writes far more records per transaction than it can send in 5 s) holds the LSO
/// of the partitions it wrote until the coordinator aborts it (checked every 10 s,
/// `abortTimedOutTransactions`) under a bumped epoch: the ABORT markers release every LSO, the
/// report counts it `timed_out`, and the producer's later batches are refused (fenced).
#[test]
fn a_timed_out_transaction_is_aborted_and_releases_the_lso() {
    let mut s = scenario(13);
    s.producers[0].config.transaction_timeout_ms = 5_000;
    s.producers[0].transactions = Some(TransactionsSpec {
        records: 1_000_000,
        abort_ratio: 0.0,
    });
    let mut e = Engine::new(&s);
    let held = |e: &Engine| -> usize {
        e.view()
            .user_partitions()
            .filter_map(|p| p.leader().map(|l| l.log))
            .filter(|log| log.last_stable_offset() < log.high_watermark())
            .count()
    };
    let timed_out = |e: &mut Engine| e.report(0.0).transactions.expect("transactions").timed_out;
    e.run_until(ms(4_000), u64::MAX);
    assert_eq!(held(&e), 3, "one open transaction over the 3 partitions");
    e.run_until(ms(9_000), u64::MAX);
    assert_eq!(timed_out(&mut e), 0, "not before the 10 s check");
    assert_eq!(held(&e), 3);
    e.run_until(ms(22_000), u64::MAX);
    assert_eq!(timed_out(&mut e), 1);
    assert_eq!(held(&e), 0, "the ABORT markers released every LSO");
    let t = e.report(0.0).transactions.expect("transactions");
    assert_eq!((t.committed, t.aborted), (0, 1), "{t:?}");
}
