//! Lessons 9 to 16: the high watermark, truncation on return (KIP-101), unclean election,
//! eligible leader replicas (KIP-966), the adaptive partitioner, retries and ordering, KRaft
//! fencing, and the questions of the article the project grew from.

use super::catalog::{acks, earliest, step};
use super::claims::{claim, Agg, Expect, Happening as H, Measure as M, Series};
use super::Lesson;
use crate::engine::config::{Acks, ConsumerConfig, HardwareProfile, ProducerConfig};
use crate::engine::scenario::Scenario;
use crate::engine::Command;

fn cut(s: Scenario, at_ms: u64, a: u32, b: u32) -> Scenario {
    s.with_fault(
        at_ms,
        Command::CutLink {
            from: a,
            to: b,
            one_way: false,
        },
    )
}

/// Lesson 9: The high watermark: a record is readable once every ISR member has it.
pub(super) fn high_watermark() -> Lesson {
    let mut s = Scenario::cluster(3, 9, 60_000)
        .with_topic("readings", 3, 3)
        .with_producer("sensor", "readings", 4_000.0, 500, acks(Acks::All))
        .with_group("dashboard", &["readings"], 1, earliest())
        .with_fault(
            10_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 1.0,
                nic_factor: 2_000.0,
            },
        );
    s.name = "lesson-high-watermark".into();
    s.cluster.config.replica_lag_time_max_ms = 8_000;
    Lesson {
        id: "high-watermark",
        title: "lesson.hw.title",
        scenario: s,
        steps: vec![
            step(9_000, "lesson.hw.1").look("cluster").claim(
                claim(
                    "records reach the consumer within a few ms (end-to-end p99)",
                    M::Sample(Series::E2eP99, Agg::Max),
                    Expect::AtMost(20.0),
                )
                .during(6_000, 9_000),
            ),
            step(17_000, "lesson.hw.2")
                .look("chart:throughput")
                .claim(
                    claim(
                        "with broker 3's network slow, acks=all waits for it (produce p99, ms)",
                        M::Sample(Series::AckP99, Agg::Max),
                        Expect::AtLeast(100.0),
                    )
                    .during(10_000, 17_000),
                )
                .claim(
                    claim(
                        "so does the consumer: it reads only below the high watermark (end-to-end p99, ms)",
                        M::Sample(Series::E2eP99, Agg::Max),
                        Expect::AtLeast(100.0),
                    )
                    .during(10_000, 17_000),
                ),
            step(19_000, "lesson.hw.3")
                .look("cluster")
                .claim(
                    claim(
                        "yet broker 3 stays in the ISR: each fetch catches up to where the leader was at the previous one",
                        M::Count(H::IsrShrink(None, Some(3))),
                        Expect::AtMost(0.0),
                    )
                    .during(10_000, 19_000),
                )
                .claim(
                    claim(
                        "latency keeps growing (end-to-end p99, ms)",
                        M::Sample(Series::E2eP99, Agg::Max),
                        Expect::AtLeast(1_000.0),
                    )
                    .during(17_000, 19_000),
                )
                .act(Command::SlowBroker {
                    broker: 3,
                    disk_factor: 1.0,
                    nic_factor: 1.0,
                }),
            step(40_000, "lesson.hw.4")
                .look("chart:latency")
                .claim(
                    claim(
                        "back to speed, broker 3 catches up: latency is low again (end-to-end p99, ms)",
                        M::Sample(Series::E2eP99, Agg::Max),
                        Expect::AtMost(30.0),
                    )
                    .during(35_000, 40_000),
                )
                .claim(
                    claim(
                        "no consumer ever read above the high watermark",
                        M::ReadAboveHw,
                        Expect::AtMost(0.0),
                    )
                    .during(0, 40_000),
                ),
        ],
    }
}

/// Lesson 10: Truncation on return (KIP-101 / KIP-279): a returning leader drops what was never
/// committed; with acks=all nothing acknowledged goes.
pub(super) fn truncation() -> Lesson {
    let mut s = Scenario::cluster(3, 10, 60_000)
        .with_topic("audit", 3, 3)
        .with_producer("app", "audit", 5_000.0, 300, acks(Acks::All));
    s = cut(cut(s, 5_000, 1, 2), 5_000, 1, 3).with_fault(24_000, Command::HealNetwork);
    s.name = "lesson-truncation".into();
    s.cluster.config.min_insync_replicas = 2;
    Lesson {
        id: "truncation",
        title: "lesson.truncation.title",
        scenario: s,
        steps: vec![
            step(8_000, "lesson.truncation.1")
                .look("broker:1")
                .claim(
                    claim(
                        "broker 1 appends but cannot commit: nothing acknowledged on audit-0... while its followers are cut off",
                        M::AckRate(Some(("audit", 0))),
                        Expect::AtMost(0.0),
                    )
                    .during(6_000, 8_000),
                )
                .act(Command::CrashBroker { broker: 1 }),
            step(25_000, "lesson.truncation.2")
                .look("log")
                .claim(claim("the controller fences broker 1", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)))
                .claim(claim(
                    "followers that lack broker 1's last appends become leaders",
                    M::Count(H::Elected(None, false)),
                    Expect::AtLeast(1.0),
                ))
                .act(Command::RestartBroker { broker: 1 }),
            step(45_000, "lesson.truncation.3")
                .look("log")
                .claim(claim(
                    "broker 1 truncates the records only it had",
                    M::Count(H::TruncatedRecords(Some(1))),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "and rejoins the ISR",
                    M::Count(H::IsrExpand(None, Some(1))),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "none of the truncated records had been acknowledged",
                        M::AckedLost,
                        Expect::AtMost(0.0),
                    )
                    .during(0, 45_000),
                ),
        ],
    }
}

/// Lesson 11: Unclean leader election: availability bought with acknowledged records.
pub(super) fn unclean() -> Lesson {
    let mut s = Scenario::cluster(3, 11, 60_000)
        .with_topic("metrics", 3, 3)
        .with_producer("agent", "metrics", 5_000.0, 300, acks(Acks::All));
    s = cut(cut(s, 5_000, 1, 2), 5_000, 1, 3);
    s.name = "lesson-unclean".into();
    s.cluster.config.min_insync_replicas = 1;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    s.cluster.config.unclean_leader_election_enable = true;
    s.cluster.config.eligible_leader_replicas_version = 0;
    Lesson {
        id: "unclean",
        title: "lesson.unclean.title",
        scenario: s,
        steps: vec![
            step(20_000, "lesson.unclean.1")
                .look("cluster")
                .claim(claim(
                    "broker 1's partitions shrink to ISR [1]",
                    M::IsrMin(("metrics", 0)),
                    Expect::AtMost(1.0),
                ))
                .claim(
                    claim(
                        "with min.insync.replicas=1 broker 1 alone acknowledges acks=all writes",
                        M::AckRate(Some(("metrics", 0))),
                        Expect::AtLeast(500.0),
                    )
                    .during(12_000, 20_000),
                )
                .ask("lesson.unclean.q", "lesson.unclean.a")
                .act(Command::CrashBroker { broker: 1 }),
            step(40_000, "lesson.unclean.2")
                .look("log")
                .claim(claim(
                    "an out-of-sync replica is elected (unclean)",
                    M::Count(H::Elected(None, true)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "acknowledged records are lost",
                    M::AckedLost,
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "writes flow again",
                        M::AckRate(None),
                        Expect::AtLeast(4_000.0),
                    )
                    .during(35_000, 40_000),
                ),
        ],
    }
}

/// Lesson 12: Eligible leader replicas (KIP-966): a clean election after the ISR shrank to one.
pub(super) fn elr() -> Lesson {
    let mut s = Scenario::cluster(3, 12, 60_000)
        .with_topic("accounts", 3, 3)
        .with_producer("bank", "accounts", 5_000.0, 300, acks(Acks::All));
    s = cut(cut(s, 5_000, 1, 2), 5_000, 1, 3);
    s.name = "lesson-elr".into();
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    Lesson {
        id: "elr",
        title: "lesson.elr.title",
        scenario: s,
        steps: vec![
            step(20_000, "lesson.elr.1")
                .look("cluster")
                .claim(claim(
                    "broker 1's partitions shrink to ISR [1]",
                    M::IsrMin(("accounts", 0)),
                    Expect::AtMost(1.0),
                ))
                .claim(claim(
                    "brokers 2 and 3 become eligible leader replicas",
                    M::Count(H::ElrNonEmpty),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "below min.insync.replicas nothing is committed there",
                        M::AckRate(Some(("accounts", 0))),
                        Expect::AtMost(0.0),
                    )
                    .during(12_000, 20_000),
                )
                .act(Command::CrashBroker { broker: 1 }),
            step(40_000, "lesson.elr.2")
                .look("log")
                .claim(claim(
                    "an eligible replica is elected cleanly",
                    M::Count(H::Elected(Some(("accounts", 0)), false)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "no election is unclean",
                    M::Count(H::Elected(None, true)),
                    Expect::AtMost(0.0),
                ))
                .claim(
                    claim(
                        "nothing acknowledged is lost",
                        M::AckedLost,
                        Expect::AtMost(0.0),
                    )
                    .during(0, 40_000),
                ),
        ],
    }
}

/// Lesson 13: The adaptive partitioner (KIP-794) steers keyless records away from a slow broker.
pub(super) fn adaptive() -> Lesson {
    let fixed = ProducerConfig {
        partitioner_adaptive_partitioning_enable: false,
        ..ProducerConfig::default()
    };
    let mut s = Scenario::cluster(3, 13, 60_000)
        .with_topic("adaptive", 3, 3)
        .with_topic("uniform", 3, 3)
        .with_producer("smart", "adaptive", 6_000.0, 500, acks(Acks::One))
        .with_producer(
            "even",
            "uniform",
            6_000.0,
            500,
            ProducerConfig {
                acks: Acks::One,
                enable_idempotence: false,
                ..fixed
            },
        )
        .with_fault(
            5_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 1.0,
                nic_factor: 30.0,
            },
        );
    s.name = "lesson-adaptive".into();
    s.cluster.hardware = HardwareProfile::modest();
    Lesson {
        id: "adaptive",
        title: "lesson.adaptive.title",
        scenario: s,
        steps: vec![
            step(4_000, "lesson.adaptive.1").look("cluster").claim(
                claim(
                    "both producers spread records over their 3 partitions (adaptive-0, records/s)",
                    M::AckRate(Some(("adaptive", 0))),
                    Expect::AtLeast(1_000.0),
                )
                .during(1_000, 4_000),
            ),
            step(20_000, "lesson.adaptive.2")
                .look("chart:throughput")
                .claim(
                    claim(
                        "the adaptive producer sends little to the partition the slow broker leads",
                        M::AckRate(Some(("adaptive", 2))),
                        Expect::AtMost(1_000.0),
                    )
                    .during(8_000, 20_000),
                )
                .claim(
                    claim(
                        "the other producer keeps a third of its records there",
                        M::AckRate(Some(("uniform", 2))),
                        Expect::AtLeast(1_500.0),
                    )
                    .during(8_000, 20_000),
                )
                .claim(
                    claim(
                        "the adaptive producer's healthy partitions take the rest",
                        M::AckRate(Some(("adaptive", 0))),
                        Expect::AtLeast(2_500.0),
                    )
                    .during(8_000, 20_000),
                ),
        ],
    }
}

/// Lesson 14: Retries, delivery.timeout.ms and ordering with max.in.flight.
pub(super) fn retries() -> Lesson {
    let ordered = ProducerConfig {
        request_timeout_ms: 3_000,
        delivery_timeout_ms: 6_000,
        ..ProducerConfig::default()
    };
    let loose = ProducerConfig {
        enable_idempotence: false,
        ..ordered.clone()
    };
    let mut s = Scenario::cluster(3, 14, 60_000)
        .with_topic("trades", 3, 3)
        .with_producer("ordered", "trades", 8_000.0, 200, ordered)
        .with_producer("loose", "trades", 8_000.0, 200, loose)
        .with_fault(10_000, Command::IsolateBroker { broker: 1 })
        .with_fault(30_000, Command::HealNetwork);
    s.name = "lesson-retries".into();
    s.cluster.config.min_insync_replicas = 2;
    Lesson {
        id: "retries",
        title: "lesson.retries.title",
        scenario: s,
        steps: vec![
            step(8_000, "lesson.retries.1").look("config").claim(claim(
                "nothing is retried while the cluster is healthy",
                M::Count(H::Retried(None, None)),
                Expect::AtMost(0.0),
            )),
            step(40_000, "lesson.retries.2")
                .look("log")
                .claim(claim(
                    "both producers retry batches that time out",
                    M::Count(H::Retried(Some(1), None)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "batches older than delivery.timeout.ms fail for good (records)",
                    M::Count(H::DeliveryFailed(None)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "the non-idempotent producer's retries leave duplicates",
                    M::Duplicates(Some(1)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "the idempotent one leaves none",
                    M::Duplicates(Some(0)),
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "records out of order",
                    M::OutOfOrder,
                    Expect::AtLeast(0.0),
                )),
        ],
    }
}

/// Lesson 15: KRaft fencing: a quick restart must wait for the old session to expire.
pub(super) fn fencing() -> Lesson {
    let mut s = Scenario::cluster(3, 15, 60_000)
        .with_topic("events", 3, 3)
        .with_producer("app", "events", 5_000.0, 300, acks(Acks::All))
        .with_fault(5_000, Command::CrashBroker { broker: 2 })
        .with_fault(6_000, Command::RestartBroker { broker: 2 });
    s.name = "lesson-fencing".into();
    s.cluster.config.min_insync_replicas = 2;
    Lesson {
        id: "fencing",
        title: "lesson.fencing.title",
        scenario: s,
        steps: vec![
            step(4_000, "lesson.fencing.1").look("broker:2"),
            step(16_000, "lesson.fencing.2")
                .look("log")
                .claim(claim(
                    "the restarted broker 2 is refused (DUPLICATE_BROKER_REGISTRATION)",
                    M::Count(H::RegistrationRefused(2)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "until its old session expires and it is fenced",
                    M::Count(H::Fenced(2)),
                    Expect::AtLeast(1.0),
                )),
            step(30_000, "lesson.fencing.3")
                .look("broker:2")
                .claim(claim(
                    "then it registers, catches up and is unfenced",
                    M::Count(H::Unfenced(2)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "and rejoins the ISR",
                    M::Count(H::IsrExpand(None, Some(2))),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "nothing acknowledged is lost",
                        M::AckedLost,
                        Expect::AtMost(0.0),
                    )
                    .during(0, 30_000),
                ),
        ],
    }
}

/// Lesson 16: The article's three questions, answered in the simulator, and why throughput is measured.
pub(super) fn article() -> Lesson {
    let producer = ProducerConfig {
        linger_ms: 100,
        batch_size: 16_384,
        ..ProducerConfig::default()
    };
    let consumer = ConsumerConfig {
        max_poll_records: 100,
        ..earliest()
    };
    // The consumer handles 16,600 records/s of the 20,000 produced: it is always behind, so
    // every poll is as full as max.poll.records allows.
    let mut s = Scenario::cluster(3, 16, 60_000)
        .with_topic("test_topic", 4, 2)
        .with_producer("app", "test_topic", 20_000.0, 500, producer)
        .with_group("readers", &["test_topic"], 1, consumer);
    s.name = "lesson-article".into();
    s.consumer_groups[0].processing_us_per_record = 60;
    Lesson {
        id: "article",
        title: "lesson.article.title",
        scenario: s,
        steps: vec![
            step(6_000, "lesson.article.1")
                .look("chart:latency")
                .claim(
                    claim(
                        "batches are cut by batch.size (16384 B = at most 32 records of 500 B), not by linger.ms",
                        M::RecordsPerBatch(0),
                        Expect::Between(20.0, 32.0),
                    )
                    .during(2_000, 6_000),
                )
                .claim(
                    claim(
                        "so records wait far less than linger.ms=100 (produce p50, ms)",
                        M::Sample(Series::AckP50, Agg::Mean),
                        Expect::AtMost(50.0),
                    )
                    .during(2_000, 6_000),
                ),
            step(12_000, "lesson.article.2")
                .look("chart:isr")
                .claim(claim(
                    "a poll hands the application at most max.poll.records=100 records",
                    M::MaxRecordsPerPoll("readers"),
                    Expect::Between(90.0, 100.0),
                ))
                .claim(claim(
                    "the topic has 2 replicas per partition, both in sync",
                    M::IsrMin(("test_topic", 3)),
                    Expect::AtLeast(2.0),
                ))
                .act(Command::SetConfig {
                    target: "producer:app".into(),
                    key: "batch.size".into(),
                    value: "65536".into(),
                }),
            step(24_000, "lesson.article.3")
                .look("chart:throughput")
                .claim(
                    claim(
                        "four times the batch size: batches grow",
                        M::RecordsPerBatch(0),
                        Expect::AtLeast(40.0),
                    )
                    .during(14_000, 24_000),
                )
                .claim(
                    claim(
                        "but throughput stays what the producer sends (records/s), not 4x",
                        M::AckRate(None),
                        Expect::Between(19_000.0, 21_000.0),
                    )
                    .during(14_000, 24_000),
                )
                .claim(
                    claim(
                        "and the median produce latency stays a few ms (records arrive fast enough to fill them)",
                        M::Sample(Series::AckP50, Agg::Mean),
                        Expect::AtMost(10.0),
                    )
                    .during(14_000, 24_000),
                ),
        ],
    }
}
