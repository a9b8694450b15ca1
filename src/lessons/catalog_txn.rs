//! Lesson 19: transactions and exactly-once — read_uncommitted and read_committed on the same
//! aborted transactions, then a consume-transform-produce processor (KIP-98 / KIP-447) under a
//! broker crash and a zombie, with no input record duplicated or missing.

use super::catalog::{earliest, step};
use super::claims::{claim, Expect, Happening as H, Measure as M, TxnOutcome};
use super::Lesson;
use crate::engine::config::{ConsumerConfig, IsolationLevel, ProducerConfig};
use crate::engine::scenario::{Scenario, TransactionsSpec};
use crate::engine::Command;

/// A transactional producer aborting 30% of its transactions read by a read_committed and a
/// read_uncommitted group; a source and a 3-instance processor beside them.
pub(super) fn transactions() -> Lesson {
    let committed = ConsumerConfig {
        isolation_level: IsolationLevel::ReadCommitted,
        ..earliest()
    };
    let mut s = Scenario::cluster(3, 19, 100_000)
        .with_topic("payments", 3, 3)
        .with_topic("orders", 6, 3)
        .with_topic("enriched", 6, 3)
        .with_producer(
            "payments-app",
            "payments",
            2_000.0,
            200,
            ProducerConfig {
                transactional_id: Some("payments-app".into()),
                ..ProducerConfig::default()
            },
        )
        .with_producer("source", "orders", 1_000.0, 200, ProducerConfig::default())
        .with_group("ledger", &["payments"], 1, committed)
        .with_group("raw", &["payments"], 1, earliest())
        .with_processor("enrich", "orders", "enriched", 3, 500);
    s.name = "lesson-transactions".into();
    s.cluster.config.min_insync_replicas = 2;
    s.producers[0].transactions = Some(TransactionsSpec {
        records: 200,
        abort_ratio: 0.3,
    });
    Lesson {
        id: "transactions",
        title: "lesson.txn.title",
        scenario: s,
        steps: vec![
            step(10_000, "lesson.txn.1")
                .look("group:ledger group:raw")
                .ask("lesson.txn.q1", "lesson.txn.a1")
                .claim(
                    claim(
                        "payments-app aborts some of its transactions",
                        M::Transactions(TxnOutcome::Aborted),
                        Expect::AtLeast(5.0),
                    )
                    .during(4_000, 10_000),
                )
                .claim(
                    claim(
                        "raw (read_uncommitted) receives every record, aborted ones included (records/s)",
                        M::ConsumeRate(Some("raw")),
                        Expect::AtLeast(1_800.0),
                    )
                    .during(5_000, 10_000),
                )
                .claim(
                    claim(
                        "ledger (read_committed) receives only the committed ~70% (records/s)",
                        M::ConsumeRate(Some("ledger")),
                        Expect::Between(900.0, 1_700.0),
                    )
                    .during(5_000, 10_000),
                )
                .claim(claim(
                    "ledger never receives a record of an aborted transaction",
                    M::AbortedRead,
                    Expect::AtMost(0.0),
                ))
                .act(Command::CrashBroker { broker: 2 }),
            step(20_000, "lesson.txn.2")
                .look("cluster")
                .ask("lesson.txn.q2", "lesson.txn.a2")
                .claim(
                    claim(
                        "transactions commit again once the coordinators have failed over",
                        M::Transactions(TxnOutcome::Committed),
                        Expect::AtLeast(10.0),
                    )
                    .during(15_000, 20_000),
                )
                .claim(
                    claim(
                        "the processor keeps up with the 1,000 orders/s (records/s)",
                        M::ConsumeRate(Some("enrich-group")),
                        Expect::AtLeast(800.0),
                    )
                    .during(15_000, 20_000),
                )
                .claim(claim(
                    "no order is in the committed output twice",
                    M::EosDuplicates,
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "no order the group committed past is missing from the output",
                    M::EosMissing,
                    Expect::AtMost(0.0),
                ))
                .act(Command::RestartBroker { broker: 2 }),
            step(30_000, "lesson.txn.3")
                .look("cluster")
                .ask("lesson.txn.q3", "lesson.txn.a3")
                .act(Command::PauseClient {
                    producer: "enrich-0".into(),
                    ms: 50_000,
                }),
            step(100_000, "lesson.txn.4")
                .look("audit")
                .claim(
                    claim(
                        "the group moves the frozen instance's partitions (a rebalance)",
                        M::Count(H::RebalanceStarted("enrich-group")),
                        Expect::AtLeast(1.0),
                    )
                    .during(30_000, 100_000),
                )
                .claim(
                    claim(
                        "the zombie's transaction is aborted when it wakes (its offsets carry an old generation)",
                        M::Count(H::TxnAborted("enrich-0")),
                        Expect::AtLeast(1.0),
                    )
                    .during(30_000, 100_000),
                )
                .claim(claim(
                    "still no order twice in the committed output",
                    M::EosDuplicates,
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "and none missing",
                    M::EosMissing,
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "ledger still never received an aborted record",
                    M::AbortedRead,
                    Expect::AtMost(0.0),
                )),
        ],
    }
}
