//! The eight lessons. Scenarios are built in code so they are always valid; every claim a step
//! makes is a [`Check`] the tests verify.

use super::claims::{claim, Agg, Claim, Expect, Happening as H, Measure as M, Series};
use super::{Lesson, Step};
use crate::engine::config::{
    Acks, AssignmentStrategy, ConsumerConfig, HardwareProfile, ProducerConfig,
};
use crate::engine::protocol::ErrorCode;
use crate::engine::scenario::{KeyDistribution, Scenario};
use crate::engine::Command;

fn step(at_ms: u64, text: &'static str) -> Step {
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
    fn look(mut self, selector: &'static str) -> Self {
        self.highlight = Some(selector);
        self
    }
    fn act(mut self, c: Command) -> Self {
        self.action = Some(c);
        self
    }
    fn ask(mut self, q: &'static str, a: &'static str) -> Self {
        self.question = Some((q, a));
        self
    }
    fn claim(mut self, c: Claim) -> Self {
        self.claims.push(c);
        self
    }
}

fn earliest() -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: crate::engine::config::OffsetReset::Earliest,
        ..ConsumerConfig::default()
    }
}

fn acks(a: Acks) -> ProducerConfig {
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
    Lesson {
        id: "keys",
        title: "lesson.keys.title",
        scenario: s,
        steps: vec![
            step(1_000, "lesson.keys.1").look(".cluster"),
            step(6_000, "lesson.keys.2")
                .look(".cluster-svg")
                .claim(claim(
                    "records are consumed",
                    M::ConsumeRate(None),
                    Expect::AtLeast(100.0),
                )),
            step(10_000, "lesson.keys.3").look(".log"),
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
                .look(".chart")
                .claim(claim(
                    "ack p50 is low",
                    M::Sample(Series::AckP50, Agg::Last),
                    Expect::AtMost(5.0),
                ))
                .ask("lesson.batching.q", "lesson.batching.a")
                .act(Command::SetConfig {
                    target: "producer:app".into(),
                    key: "linger.ms".into(),
                    value: "50".into(),
                }),
            step(12_000, "lesson.batching.2")
                .look(".chart")
                .claim(claim(
                    "ack p50 is high",
                    M::Sample(Series::AckP50, Agg::Last),
                    Expect::AtLeast(20.0),
                )),
        ],
    }
}

fn acks_and_loss() -> Lesson {
    let mut s = Scenario::cluster(3, 7, 60_000)
        .with_topic("clicks", 6, 3)
        .with_producer("web", "clicks", 40_000.0, 500, acks(Acks::One))
        .with_fault(
            10_000,
            Command::SlowBroker {
                broker: 2,
                disk_factor: 1.0,
                nic_factor: 8.0,
            },
        )
        .with_fault(
            10_000,
            Command::SlowBroker {
                broker: 3,
                disk_factor: 1.0,
                nic_factor: 8.0,
            },
        );
    s.name = "lesson-acks".into();
    s.cluster.hardware = HardwareProfile::modest();
    Lesson {
        id: "acks",
        title: "lesson.acks.title",
        scenario: s,
        steps: vec![
            step(5_000, "lesson.acks.1").look(".controls"),
            step(18_000, "lesson.acks.2")
                .look(".cluster-svg")
                .ask("lesson.acks.q", "lesson.acks.a")
                .act(Command::CrashBroker { broker: 1 }),
            step(40_000, "lesson.acks.3").look(".log").claim(claim(
                "acked lost",
                M::AckedLost,
                Expect::AtLeast(1.0),
            )),
        ],
    }
}

fn isr() -> Lesson {
    let mut s = Scenario::cluster(3, 4, 90_000)
        .with_topic("payments", 3, 3)
        .with_producer("api", "payments", 5_000.0, 300, acks(Acks::All))
        .with_fault(
            3_000,
            Command::CutLink {
                from: 3,
                to: 1,
                one_way: false,
            },
        )
        .with_fault(
            3_000,
            Command::CutLink {
                from: 3,
                to: 2,
                one_way: false,
            },
        );
    s.name = "lesson-isr".into();
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_lag_time_max_ms = 5_000;
    Lesson {
        id: "isr",
        title: "lesson.isr.title",
        scenario: s,
        steps: vec![
            step(2_000, "lesson.isr.1").look(".cluster-svg"),
            step(15_000, "lesson.isr.2")
                .look(".cluster-svg")
                .claim(claim(
                    "isr shrank",
                    M::Count(H::IsrShrink(None, None)),
                    Expect::AtLeast(1.0),
                ))
                .ask("lesson.isr.q", "lesson.isr.a")
                .act(Command::CrashBroker { broker: 2 }),
            step(70_000, "lesson.isr.3").look(".log").claim(claim(
                "NER",
                M::Count(H::Refused(None, ErrorCode::NotEnoughReplicas)),
                Expect::AtLeast(1.0),
            )),
        ],
    }
}

fn election() -> Lesson {
    let mut s = Scenario::cluster(3, 5, 60_000)
        .with_topic("orders", 6, 3)
        .with_producer("shop", "orders", 10_000.0, 200, acks(Acks::All));
    s.name = "lesson-election".into();
    s.cluster.config.min_insync_replicas = 2;
    Lesson {
        id: "election",
        title: "lesson.election.title",
        scenario: s,
        steps: vec![
            step(3_000, "lesson.election.1")
                .look("[data-broker=\"1\"]")
                .ask("lesson.election.q", "lesson.election.a")
                .act(Command::CrashBroker { broker: 1 }),
            step(16_000, "lesson.election.2").look(".log").claim(claim(
                "elected",
                M::Count(H::Elected(None, false)),
                Expect::AtLeast(1.0),
            )),
            step(20_000, "lesson.election.3").claim(claim(
                "none lost",
                M::AckedLost,
                Expect::AtMost(0.0),
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
    Lesson {
        id: "groups",
        title: "lesson.groups.title",
        scenario: s,
        steps: vec![
            step(5_000, "lesson.groups.1").look(".cluster-svg"),
            step(25_000, "lesson.groups.2")
                .look(".chart")
                .claim(claim(
                    "lag",
                    M::Sample(Series::Lag("workers"), Agg::Last),
                    Expect::AtLeast(1_000.0),
                ))
                .act(Command::AddConsumer {
                    group: "workers".into(),
                }),
            step(40_000, "lesson.groups.3")
                .act(Command::AddConsumer {
                    group: "workers".into(),
                })
                .ask("lesson.groups.q", "lesson.groups.a"),
            step(41_000, "lesson.groups.4").act(Command::AddConsumer {
                group: "workers".into(),
            }),
            step(42_000, "lesson.groups.5").act(Command::AddConsumer {
                group: "workers".into(),
            }),
            step(43_000, "lesson.groups.6").act(Command::AddConsumer {
                group: "workers".into(),
            }),
            step(60_000, "lesson.groups.7").claim(claim(
                "idle",
                M::Count(H::RebalanceCompleted("workers")),
                Expect::AtLeast(1.0),
            )),
        ],
    }
}

fn rebalancing() -> Lesson {
    let eager = ConsumerConfig {
        partition_assignment_strategy: vec![AssignmentStrategy::Range],
        ..earliest()
    };
    let coop = ConsumerConfig {
        partition_assignment_strategy: vec![AssignmentStrategy::CooperativeSticky],
        ..earliest()
    };
    let mut s = Scenario::cluster(3, 8, 60_000)
        .with_topic("feed", 12, 3)
        .with_producer("src", "feed", 6_000.0, 200, ProducerConfig::default())
        .with_group("eager", &["feed"], 3, eager)
        .with_group("cooperative", &["feed"], 3, coop);
    s.name = "lesson-rebalancing".into();
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
                .look(".chart")
                .claim(claim(
                    "revoked",
                    M::Count(H::Revoked("eager")),
                    Expect::AtLeast(1.0),
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
                .ask("lesson.idempotence.q", "lesson.idempotence.a"),
            step(48_000, "lesson.idempotence.2")
                .look(".log")
                .claim(claim("dups", M::Duplicates(Some(1)), Expect::AtLeast(1.0))),
        ],
    }
}
