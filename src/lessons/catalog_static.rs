//! Lesson 17: static membership (KIP-345): a member restarted within `session.timeout.ms`
//! takes its old place under its `group.instance.id` without a rebalance, where a dynamic
//! member comes back as a stranger and stops the whole (eager) group until the dead member's
//! session expires (`GroupCoordinator`/`GroupMetadataManager`: a static member rejoining a
//! stable group with unchanged metadata gets the current assignment back).

use super::catalog::{earliest, step};
use super::claims::{claim, Expect, Happening as H, Measure as M};
use super::Lesson;
use crate::engine::config::ProducerConfig;
use crate::engine::scenario::Scenario;
use crate::engine::Command;

/// Lesson 17: static membership and a rolling restart.
pub(super) fn static_membership() -> Lesson {
    let mut s = Scenario::cluster(3, 17, 90_000)
        .with_topic("events", 6, 3)
        .with_producer("app", "events", 3_000.0, 300, ProducerConfig::default())
        .with_group("static-app", &["events"], 3, earliest())
        .with_group("dynamic-app", &["events"], 3, earliest());
    for g in ["static-app", "dynamic-app"] {
        let (group, member) = (g.to_string(), 1);
        s = s
            .with_fault(
                20_000,
                Command::CrashConsumer {
                    group: group.clone(),
                    member,
                },
            )
            .with_fault(26_000, Command::RestartConsumer { group, member });
    }
    s.name = "lesson-static-membership".into();
    s.consumer_groups[0].static_membership = true;
    Lesson {
        id: "static-membership",
        title: "lesson.static.title",
        scenario: s,
        steps: vec![
            step(15_000, "lesson.static.1")
                .look("group:static-app group:dynamic-app")
                .ask("lesson.static.q", "lesson.static.a")
                .claim(claim(
                    "static-app consumes (records/s)",
                    M::ConsumeRate(Some("static-app")),
                    Expect::AtLeast(2_000.0),
                ))
                .claim(claim(
                    "dynamic-app consumes (records/s)",
                    M::ConsumeRate(Some("dynamic-app")),
                    Expect::AtLeast(2_000.0),
                )),
            step(25_000, "lesson.static.2")
                .look("log")
                .claim(claim(
                    "a crash sends no LeaveGroup: the dead member is still in dynamic-app",
                    M::Count(H::ConsumerLeft("dynamic-app")),
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "no rebalance yet in dynamic-app: the dead member is still in the group",
                    M::Count(H::RebalanceStarted("dynamic-app")),
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "no rebalance in static-app",
                    M::Count(H::RebalanceStarted("static-app")),
                    Expect::AtMost(0.0),
                )),
            step(80_000, "lesson.static.3")
                .look("log chart:throughput")
                .claim(claim(
                    "static-app: the restarted member takes its place, no rebalance",
                    M::Count(H::RebalanceStarted("static-app")),
                    Expect::AtMost(0.0),
                ))
                .claim(claim(
                    "static-app never stops consuming (longest gap, ms)",
                    M::LongestConsumeGapMs("static-app"),
                    Expect::AtMost(1_000.0),
                ))
                .claim(claim(
                    "dynamic-app: the restarted member joins as a new one and starts a rebalance",
                    M::Count(H::RebalanceStarted("dynamic-app")),
                    Expect::AtLeast(1.0),
                ))
                .claim(claim(
                    "dynamic-app stops consuming until the dead member's session expires (longest gap, ms)",
                    M::LongestConsumeGapMs("dynamic-app"),
                    Expect::AtLeast(20_000.0),
                )),
        ],
    }
}
