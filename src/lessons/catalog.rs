//! Lessons 1 to 8 (the basics). Scenarios are built in code and validated like files; every
//! claim a step makes is a [`Claim`] judged on the run (`tests/lessons.rs`).

use super::claims::{claim, Agg, Claim, Expect, Happening as H, Measure as M, Series};
use super::{Lesson, Step};
use crate::engine::config::{
    Acks, AssignmentStrategy, ConsumerConfig, HardwareProfile, ProducerConfig,
};
use crate::engine::protocol::ErrorCode;
use crate::engine::scenario::{KeyDistribution, Scenario};
use crate::engine::Command;

pub(super) fn step(at_ms: u64, text: &'static str) -> Step {
    Step {
        at_ms,
        text,
        highlight: None,
        action: None,
        question: None,
        claims: Vec::new(),
    }
}

impl Step {
    pub(super) fn look(mut self, selector: &'static str) -> Self {
        self.highlight = Some(selector);
        self
    }
    pub(super) fn act(mut self, c: Command) -> Self {
        self.action = Some(c);
        self
    }
    pub(super) fn ask(mut self, q: &'static str, a: &'static str) -> Self {
        self.question = Some((q, a));
        self
    }
    pub(super) fn claim(mut self, c: Claim) -> Self {
        self.claims.push(c);
        self
    }
}

pub(super) fn earliest() -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: crate::engine::config::OffsetReset::Earliest,
        ..ConsumerConfig::default()
    }
}

pub(super) fn acks(a: Acks) -> ProducerConfig {
    ProducerConfig {
        acks: a,
        enable_idempotence: a == Acks::All,
        ..ProducerConfig::default()
    }
}

/// All lessons, in teaching order. Their scenarios are built in code and checked by the same
/// rules as a scenario file ([`Scenario::validate`]; `tests/lessons.rs`).
pub fn lessons() -> Vec<Lesson> {
    vec![
        keys(),
        batching(),
        acks_and_loss(),
        isr(),
        election(),
        groups(),
        rebalancing(),
        idempotence(),
        super::catalog_more::high_watermark(),
        super::catalog_more::truncation(),
        super::catalog_more::unclean(),
        super::catalog_more::elr(),
        super::catalog_more::adaptive(),
        super::catalog_more::retries(),
        super::catalog_more::fencing(),
        super::catalog_more::article(),
        super::catalog_static::static_membership(),
        super::catalog_zones::zones(),
        super::catalog_txn::transactions(),
    ]
}

fn keys() -> Lesson {
    let mut s = Scenario::cluster(3, 1, 60_000)
        .with_topic("orders", 6, 3)
        .with_producer("keyed", "orders", 2_000.0, 200, ProducerConfig::default())
        .with_producer("no-key", "orders", 2_000.0, 200, ProducerConfig::default())
        .with_group("readers", &["orders"], 3, earliest());
    s.name = "lesson-keys".into();
    s.producers[0].keys = KeyDistribution::Uniform { keys: 6 };
    let every_partition = |p: u32, says: &'static str| {
        claim(
            says,
            M::AckRate(Some(("orders", p))),
            Expect::AtLeast(100.0),
        )
    };
    Lesson {
        id: "keys",
        title: "lesson.keys.title",
        scenario: s,
        steps: vec![
            step(1_000, "lesson.keys.1").look("cluster"),
            step(6_000, "lesson.keys.2")
                .look("producer:keyed producer:no-key")
                .claim(every_partition(0, "partition orders-0 receives records"))
                .claim(every_partition(5, "partition orders-5 receives records"))
                .claim(claim(
                    "the group reads what is written (about 4,000 records/s)",
                    M::ConsumeRate(Some("readers")),
                    Expect::AtLeast(3_000.0),
                )),
            step(10_000, "lesson.keys.3")
                .look("log")
                .claim(claim(
                    "no record is out of its producer's order in any partition",
                    M::OutOfOrder,
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "no record is duplicated",
                    M::Duplicates(None),
                    Expect::AtMost(0.0),
                )),
        ],
    }
}

fn batching() -> Lesson {
    let mut p = ProducerConfig {
        linger_ms: 0,
        ..ProducerConfig::default()
    };
    p.batch_size = 16_384;
    let mut s = Scenario::cluster(3, 2, 60_000)
        .with_topic("events", 6, 3)
        .with_producer("app", "events", 2_000.0, 100, p);
    s.name = "lesson-batching".into();
    Lesson {
        id: "batching",
        title: "lesson.batching.title",
        scenario: s,
        steps: vec![
            step(5_000, "lesson.batching.1")
                .look("chart:latency")
                .claim(
                    claim(
                        "with linger.ms=0 the median produce latency is a few ms",
                        M::Sample(Series::AckP50, Agg::Mean),
                        Expect::AtMost(5.0),
                    )
                    .during(1_000, 5_000),
                )
                .claim(
                    claim(
                        "batches are small (records per batch)",
                        M::RecordsPerBatch(0),
                        Expect::AtMost(10.0),
                    )
                    .during(1_000, 5_000),
                )
                .ask("lesson.batching.q", "lesson.batching.a")
                .act(Command::SetConfig {
                    target: "producer:app".into(),
                    key: "linger.ms".into(),
                    value: "50".into(),
                }),
            step(12_000, "lesson.batching.2")
                .look("chart:latency")
                .claim(
                    claim(
                        "with linger.ms=50 the median produce latency is tens of ms",
                        M::Sample(Series::AckP50, Agg::Mean),
                        Expect::AtLeast(20.0),
                    )
                    .during(7_000, 12_000),
                )
                .claim(
                    claim(
                        "batches hold more records",
                        M::RecordsPerBatch(0),
                        Expect::AtLeast(15.0),
                    )
                    .during(7_000, 12_000),
                )
                .claim(
                    claim(
                        "the same records/s take fewer produce requests (batches/s)",
                        M::BatchesPerSec(0),
                        Expect::AtMost(150.0),
                    )
                    .during(7_000, 12_000),
                ),
        ],
    }
}

fn cut_off(s: Scenario, at_ms: u64, b: u32) -> Scenario {
    let others: Vec<u32> = (1..=3).filter(|x| *x != b).collect();
    others.into_iter().fold(s, |s, o| {
        s.with_fault(
            at_ms,
            Command::CutLink {
                from: b,
                to: o,
                one_way: false,
            },
        )
    })
}

fn acks_and_loss() -> Lesson {
    let mut s = Scenario::cluster(3, 7, 60_000)
        .with_topic("clicks", 6, 3)
        .with_producer("web", "clicks", 20_000.0, 500, acks(Acks::One));
    s = cut_off(s, 10_000, 1).with_fault(31_000, Command::HealNetwork);
    s.name = "lesson-acks".into();
    s.cluster.hardware = HardwareProfile::modest();
    Lesson {
        id: "acks",
        title: "lesson.acks.title",
        scenario: s,
        steps: vec![
            step(5_000, "lesson.acks.1").look("producer:web").claim(
                claim(
                    "acks=1 answers fast: produce p99 under 10 ms",
                    M::Sample(Series::AckP99, Agg::Max),
                    Expect::AtMost(10.0),
                )
                .during(1_000, 5_000),
            ),
            step(18_000, "lesson.acks.2")
                .look("broker:1")
                .claim(
                    claim(
                        "broker 1 keeps acknowledging writes to clicks-1 after its followers lost it",
                        M::AckRate(Some(("clicks", 1))),
                        Expect::AtLeast(1_000.0),
                    )
                    .during(11_000, 18_000),
                )
                .claim(
                    claim(
                        "and still answers fast (p99 under 10 ms)",
                        M::Sample(Series::AckP99, Agg::Max),
                        Expect::AtMost(10.0),
                    )
                    .during(11_000, 18_000),
                )
                .ask("lesson.acks.q", "lesson.acks.a")
                .act(Command::CrashBroker { broker: 1 }),
            step(32_000, "lesson.acks.3")
                .look("broker:1")
                .claim(claim("the controller fences broker 1", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)))
                .claim(claim(
                    "a follower becomes leader of clicks-1",
                    M::Count(H::Elected(Some(("clicks", 1)), false)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "acknowledged records are lost",
                    M::AckedLost,
                    Expect::AtLeast(1.0),
                ))
                .act(Command::RestartBroker { broker: 1 }),
            step(45_000, "lesson.acks.4")
                .look("audit log")
                .claim(claim(
                    "broker 1 returns and truncates the records only it had",
                    M::Count(H::TruncatedRecords(Some(1))),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim("it is unfenced", M::Count(H::Unfenced(1)), Expect::AtLeast(1.0))),
            // The timeline (issue 17): go back to just before the crash and replay it.
            step(50_000, "lesson.acks.5").look("timeline").claim(
                claim(
                    "the producer goes on being acknowledged after broker 1's return",
                    M::AckRate(None),
                    Expect::AtLeast(1_000.0),
                )
                .during(45_000, 50_000),
            ),
        ],
    }
}

fn isr() -> Lesson {
    let mut s = Scenario::cluster(3, 4, 90_000)
        .with_topic("payments", 3, 3)
        .with_producer("api", "payments", 5_000.0, 300, acks(Acks::All));
    s = cut_off(s, 3_000, 3);
    s.name = "lesson-isr".into();
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    Lesson {
        id: "isr",
        title: "lesson.isr.title",
        scenario: s,
        steps: vec![
            step(2_000, "lesson.isr.1").look("broker:3").claim(claim(
                "acks=all writes are acknowledged (about 5,000 records/s)",
                M::AckRate(None),
                Expect::AtLeast(4_000.0),
            ).during(500, 2_000)),
            step(15_000, "lesson.isr.2")
                .look("cluster")
                .claim(
                    claim(
                        "no write is acknowledged while the cut-off follower still counts in the ISR",
                        M::AckRate(None),
                        Expect::AtMost(0.0),
                    )
                    .during(4_000, 9_000),
                )
                .claim(claim(
                    "the leader of payments-0 drops broker 3 from the ISR",
                    M::Count(H::IsrShrink(Some(("payments", 0)), Some(3))),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "payments-2, led by the cut-off broker 3, shrinks to ISR [3]",
                    M::IsrMin(("payments", 2)),
                    Expect::AtMost(1.0),
                ))
                .claim(
                    claim(
                        "payments-2 acknowledges nothing (its ISR is below min.insync.replicas)",
                        M::AckRate(Some(("payments", 2))),
                        Expect::AtMost(0.0),
                    )
                    .during(11_000, 15_000),
                )
                .claim(
                    claim(
                        "the other partitions take all the writes again",
                        M::AckRate(None),
                        Expect::AtLeast(4_000.0),
                    )
                    .during(11_000, 15_000),
                )
                .ask("lesson.isr.q", "lesson.isr.a")
                .act(Command::CrashBroker { broker: 2 }),
            step(70_000, "lesson.isr.3")
                .look("log")
                .claim(
                    claim(
                        "no write is acknowledged after broker 2 crashes",
                        M::AckRate(None),
                        Expect::AtMost(0.0),
                    )
                    .during(16_000, 70_000),
                )
                .claim(claim(
                    "leaders refuse writes with NOT_ENOUGH_REPLICAS",
                    M::Count(H::Refused(None, ErrorCode::NotEnoughReplicas)),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim("nothing acknowledged is lost", M::AckedLost, Expect::AtMost(0.0))
                        .during(0, 70_000),
                ),
        ],
    }
}

fn election() -> Lesson {
    let mut s = Scenario::cluster(3, 5, 60_000)
        .with_topic("orders", 6, 3)
        .with_producer("shop", "orders", 10_000.0, 200, acks(Acks::All));
    s.name = "lesson-election".into();
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.leader_imbalance_check_interval_seconds = 10;
    Lesson {
        id: "election",
        title: "lesson.election.title",
        scenario: s,
        steps: vec![
            step(3_000, "lesson.election.1")
                .look("broker:1")
                .ask("lesson.election.q", "lesson.election.a")
                .act(Command::CrashBroker { broker: 1 }),
            step(16_000, "lesson.election.2")
                .look("log")
                .claim(
                    claim(
                        "writes stall until the controller notices (nothing acknowledged)",
                        M::AckRate(None),
                        Expect::AtMost(0.0),
                    )
                    .during(4_000, 11_000),
                )
                .claim(claim(
                    "the controller fences broker 1",
                    M::Count(H::Fenced(1)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "new leaders are elected from the ISR",
                    M::Count(H::Elected(None, false)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "no election is unclean",
                    M::Count(H::Elected(None, true)),
                    Expect::AtMost(0.0),
                )),
            step(20_000, "lesson.election.3")
                .claim(claim(
                    "writes flow again at the produced rate",
                    M::AckRate(None),
                    Expect::AtLeast(9_000.0),
                ))
                .claim(
                    claim(
                        "nothing acknowledged is lost",
                        M::AckedLost,
                        Expect::AtMost(0.0),
                    )
                    .during(0, 20_000),
                )
                .act(Command::RestartBroker { broker: 1 }),
            step(45_000, "lesson.election.4")
                .look("broker:1")
                .claim(claim(
                    "broker 1 is unfenced",
                    M::Count(H::Unfenced(1)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "it rejoins the ISR",
                    M::Count(H::IsrExpand(None, Some(1))),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "a preferred-replica election gives its leaderships back",
                    M::Count(H::PreferredElection),
                    Expect::AtLeast(1.0),
                )),
        ],
    }
}

fn groups() -> Lesson {
    let mut s = Scenario::cluster(3, 6, 90_000)
        .with_topic("tasks", 6, 3)
        .with_producer("jobs", "tasks", 3_000.0, 200, ProducerConfig::default())
        .with_group("workers", &["tasks"], 2, earliest());
    s.name = "lesson-groups".into();
    s.consumer_groups[0].processing_us_per_record = 900;
    let join = || Command::AddConsumer {
        group: "workers".into(),
    };
    Lesson {
        id: "groups",
        title: "lesson.groups.title",
        scenario: s,
        steps: vec![
            step(5_000, "lesson.groups.1").look("group:workers"),
            step(25_000, "lesson.groups.2")
                .look("chart:lag")
                .claim(claim(
                    "two members consume about 2,200 records/s",
                    M::ConsumeRate(Some("workers")),
                    Expect::Between(1_900.0, 2_500.0),
                ))
                .claim(claim(
                    "lag grows past 5,000 records",
                    M::Sample(Series::Lag("workers"), Agg::Last),
                    Expect::AtLeast(5_000.0),
                ))
                .act(join()),
            step(40_000, "lesson.groups.3")
                .claim(claim(
                    "the join triggers a rebalance",
                    M::Count(H::RebalanceCompleted("workers")),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "three members consume faster than records arrive",
                        M::ConsumeRate(Some("workers")),
                        Expect::AtLeast(3_000.0),
                    )
                    .during(30_000, 40_000),
                )
                .act(join())
                .ask("lesson.groups.q", "lesson.groups.a"),
            step(41_000, "lesson.groups.4").act(join()),
            step(42_000, "lesson.groups.5").act(join()),
            step(43_000, "lesson.groups.6").act(join()),
            step(60_000, "lesson.groups.7")
                .claim(claim(
                    "with 7 members and 6 partitions one member gets nothing",
                    M::IdleMembers("workers"),
                    Expect::AtLeast(1.0),
                ))
                .claim(
                    claim(
                        "six busy members consume well above the 3,000 records/s produced: lag drains",
                        M::ConsumeRate(Some("workers")),
                        Expect::AtLeast(4_000.0),
                    )
                    .during(45_000, 55_000),
                ),
        ],
    }
}

fn rebalancing() -> Lesson {
    let slow = |strategy| ConsumerConfig {
        partition_assignment_strategy: vec![strategy],
        ..earliest()
    };
    let mut s = Scenario::cluster(3, 8, 60_000)
        .with_topic("feed", 12, 3)
        .with_producer("src", "feed", 1_200.0, 200, ProducerConfig::default())
        .with_group("eager", &["feed"], 3, slow(AssignmentStrategy::Range))
        .with_group(
            "cooperative",
            &["feed"],
            3,
            slow(AssignmentStrategy::CooperativeSticky),
        );
    s.name = "lesson-rebalancing".into();
    for g in &mut s.consumer_groups {
        g.processing_us_per_record = 2_000;
    }
    Lesson {
        id: "rebalancing",
        title: "lesson.rebalancing.title",
        scenario: s,
        steps: vec![
            step(10_000, "lesson.rebalancing.1")
                .ask("lesson.rebalancing.q", "lesson.rebalancing.a")
                .act(Command::AddConsumer {
                    group: "eager".into(),
                }),
            step(10_001, "lesson.rebalancing.2").act(Command::AddConsumer {
                group: "cooperative".into(),
            }),
            step(25_000, "lesson.rebalancing.3")
                .look("log chart:throughput")
                .claim(claim(
                    "the eager group revokes all 12 partitions",
                    M::Count(H::Revoked("eager")),
                    Expect::AtLeast(12.0),
                ))
                .claim(claim(
                    "the cooperative group revokes only the 3 that move",
                    M::Count(H::Revoked("cooperative")),
                    Expect::AtMost(3.0),
                ))
                .claim(claim(
                    "some eager partition has no owner for a visible while (ms)",
                    M::LongestUnownedMs("eager"),
                    Expect::AtLeast(100.0),
                ))
                .claim(claim(
                    "the eager group stops consuming for a visible while (longest gap, ms)",
                    M::LongestConsumeGapMs("eager"),
                    Expect::AtLeast(100.0),
                )),
        ],
    }
}

fn idempotence() -> Lesson {
    let safe = ProducerConfig {
        request_timeout_ms: 5_000,
        ..ProducerConfig::default()
    };
    let plain = ProducerConfig {
        enable_idempotence: false,
        ..safe.clone()
    };
    let mut s = Scenario::cluster(3, 17, 60_000)
        .with_topic("ledger", 3, 3)
        .with_producer("safe", "ledger", 20_000.0, 200, safe)
        .with_producer("plain", "ledger", 20_000.0, 200, plain)
        .with_fault(20_000, Command::IsolateBroker { broker: 1 })
        .with_fault(35_000, Command::HealNetwork);
    s.name = "lesson-idempotence".into();
    s.cluster.config.min_insync_replicas = 2;
    for p in &mut s.producers {
        p.keys = KeyDistribution::Uniform { keys: 1_000 };
    }
    Lesson {
        id: "idempotence",
        title: "lesson.idempotence.title",
        scenario: s,
        steps: vec![
            step(15_000, "lesson.idempotence.1")
                .ask("lesson.idempotence.q", "lesson.idempotence.a")
                .claim(claim(
                    "no duplicates before the fault",
                    M::Duplicates(None),
                    Expect::AtMost(0.0),
                )),
            step(48_000, "lesson.idempotence.2")
                .look("audit log")
                .claim(claim(
                    "both producers retry",
                    M::Count(H::Retried(Some(0), None)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "the plain producer's retries leave duplicates",
                    M::Duplicates(Some(1)),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "the idempotent producer leaves none",
                    M::Duplicates(Some(0)),
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "records land out of order (plain: no sequence numbers, 5 requests in flight)",
                    M::OutOfOrder,
                    Expect::AtLeast(1.0),
                )),
        ],
    }
}
