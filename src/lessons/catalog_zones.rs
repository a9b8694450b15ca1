//! Lesson 18: racks and zones — a zone outage with RF 3 /
//! min.insync.replicas 2 over three racks, and fetch from follower (KIP-392) cutting the
//! cross-zone bill; then racks of different sizes (`cluster.broker_racks`).

use super::catalog::{acks, earliest, step};
use super::claims::{claim, Agg, Expect, Measure as M, Series};
use super::Lesson;
use crate::engine::config::{Acks, RACK_AWARE_SELECTOR};
use crate::engine::scenario::Scenario;
use crate::engine::Command;

/// Three zones, one broker each, RF 3 / min ISR 2, acks=all; readers in every zone.
pub(super) fn zones() -> Lesson {
    let mut s = Scenario::cluster(3, 17, 70_000)
        .with_racks(&["az-a", "az-b", "az-c"])
        .with_topic("orders", 6, 3)
        .with_producer("shop", "orders", 3_000.0, 500, acks(Acks::All))
        .with_group("readers", &["orders"], 3, earliest());
    s.name = "lesson-zones".into();
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_selector_class = Some(RACK_AWARE_SELECTOR.into());
    Lesson {
        id: "zones",
        title: "lesson.zones.title",
        scenario: s,
        steps: vec![
            step(10_000, "lesson.zones.1")
                .look("cluster")
                .claim(
                    claim(
                        "readers without client.rack fetch from leaders, often in other zones \
                         (consumer bytes across zones, MB/s, of 1.5 MB/s read)",
                        M::CrossZoneMbPerS(true),
                        Expect::AtLeast(0.3),
                    )
                    .during(4_000, 10_000),
                )
                .ask("lesson.zones.q", "lesson.zones.a")
                .act(Command::SetConfig {
                    target: "group:readers".into(),
                    key: "client.rack".into(),
                    value: "az-b".into(),
                }),
            step(22_000, "lesson.zones.2")
                .look("group:readers")
                .claim(
                    claim(
                        "with client.rack=az-b they read from the az-b replica: almost no \
                         consumer bytes cross zones (MB/s)",
                        M::CrossZoneMbPerS(true),
                        Expect::AtMost(0.05),
                    )
                    .during(16_000, 22_000),
                )
                .claim(
                    claim(
                        "and they keep up with the producer (records/s)",
                        M::ConsumeRate(Some("readers")),
                        Expect::AtLeast(2_500.0),
                    )
                    .during(16_000, 22_000),
                )
                .act(Command::CrashRack {
                    rack: "az-a".into(),
                }),
            step(42_000, "lesson.zones.3")
                .look("cluster")
                .claim(claim(
                    "losing zone az-a loses no acknowledged record",
                    M::AckedLost,
                    Expect::AtMost(0.0),
                ))
                .claim(
                    claim(
                        "acks=all writes go on with two zones (records/s)",
                        M::AckRate(None),
                        Expect::AtLeast(2_500.0),
                    )
                    .during(34_000, 42_000),
                )
                .claim(
                    claim(
                        "every partition keeps two in-sync replicas, min.insync.replicas",
                        M::IsrMin(("orders", 0)),
                        Expect::AtLeast(2.0),
                    )
                    .during(34_000, 42_000),
                )
                .act(Command::RestartRack {
                    rack: "az-a".into(),
                }),
            step(60_000, "lesson.zones.4")
                .look("chart:isr")
                .claim(
                    claim(
                        "az-a's broker catches up and rejoins the ISR",
                        M::IsrMin(("orders", 0)),
                        Expect::AtLeast(3.0),
                    )
                    .during(55_000, 60_000),
                )
                .claim(claim(
                    "still nothing acknowledged is lost",
                    M::AckedLost,
                    Expect::AtMost(0.0),
                )),
            // Uneven racks (cluster.broker_racks): placement goes by rack first, so a broker
            // alone in its rack holds a replica of every partition (the uneven-racks preset
            // shows it with racks a, a, b, b, b, c; its claims are checked like these).
            step(66_000, "lesson.zones.5")
                .look("broker:2")
                .claim(claim(
                    "every partition has a replica in each of the three zones",
                    M::RacksSpannedMin,
                    Expect::AtLeast(3.0),
                ))
                .claim(claim(
                    "broker 2, alone in az-b, holds a replica of all 6 partitions",
                    M::ReplicasOn(2),
                    Expect::Between(6.0, 6.0),
                ))
                .claim(
                    claim(
                        "with every zone back, each partition has its three in-sync replicas",
                        M::Sample(Series::IsrMin, Agg::Min),
                        Expect::AtLeast(3.0),
                    )
                    .during(60_000, 66_000),
                ),
        ],
    }
}
