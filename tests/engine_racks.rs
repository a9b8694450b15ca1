//! Racks and zones (issue 20): rack-aware placement through the engine, fetch from follower
//! (KIP-392) end to end, and the accounting of traffic between racks and its price.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use kafka_sim::engine::config::{
    Acks, ConsumerConfig, OffsetReset, ProducerConfig, RACK_AWARE_SELECTOR,
};
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::racks::{monthly_usd, MONTH_NS};
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::ms;
use kafka_sim::engine::Engine;

fn consumer(rack: &str) -> ConsumerConfig {
    ConsumerConfig {
        auto_offset_reset: OffsetReset::Earliest,
        client_rack: rack.into(),
        ..ConsumerConfig::default()
    }
}

/// Three brokers in three zones, RF 3 / min ISR 2, a producer and a group in zone `b`.
fn three_zones(seed: u64, selector: bool) -> Scenario {
    let mut s = Scenario::cluster(3, seed, 12_000)
        .with_racks(&["a", "b", "c"])
        .with_topic("orders", 6, 3)
        .with_producer(
            "p",
            "orders",
            2_000.0,
            500,
            ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        )
        .with_group("readers", &["orders"], 2, consumer("b"));
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.replica_selector_class = selector.then(|| RACK_AWARE_SELECTOR.into());
    s
}

#[test]
fn the_engine_places_replicas_over_racks_and_reports_them() {
    for (brokers, racks, rf) in [(6, 3, 3), (4, 2, 3), (5, 3, 2), (9, 3, 3), (6, 2, 2)] {
        let names: Vec<String> = (0..racks).map(|i| format!("z{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let s = Scenario::cluster(brokers, 5, 100)
            .with_racks(&refs)
            .with_topic("t", 12, rf);
        let mut e = Engine::new(&s);
        e.run_to_end();
        let r = e.report(0.0);
        assert_eq!(r.brokers.len(), brokers as usize);
        for b in &r.brokers {
            assert_eq!(b.rack, names[(b.id as usize - 1) % racks]);
        }
        for p in &r.partitions {
            let spanned: BTreeSet<_> = p
                .replicas
                .iter()
                .map(|&b| names[(b as usize - 1) % racks].clone())
                .collect();
            assert_eq!(
                spanned.len(),
                (rf as usize).min(racks),
                "{brokers} brokers, {racks} racks, RF {rf}: {:?}",
                p.replicas
            );
        }
    }
}

#[test]
fn without_racks_the_report_has_no_rack_fields() {
    let s = Scenario::cluster(3, 5, 100).with_topic("t", 3, 3);
    let mut e = Engine::new(&s);
    e.run_to_end();
    let r = e.report(0.0);
    assert!(r.brokers.is_empty());
    assert!(r.cross_zone.is_none());
    assert!(e.traffic().is_none());
}

#[test]
fn consumers_read_from_an_in_sync_replica_in_their_rack() {
    let mut e = Engine::new(&three_zones(3, true));
    e.run_to_end();
    let r = e.report(0.0);
    assert!(r.consumed > 10_000, "consumed {}", r.consumed);
    assert_eq!(r.invariants.read_above_hw, 0);
    assert_eq!(r.invariants.skipped, 0);
    // Every partition not led by broker 2 (the only broker in rack b) is read from broker 2.
    let mut from_follower = 0;
    for p in &r.partitions {
        let tp = TopicPartition::new(0, p.partition);
        let readers: Vec<_> = (0..2)
            .filter_map(|c| e.consumer_read_replica(c, tp))
            .collect();
        if p.leader == Some(2) {
            assert!(
                readers.is_empty(),
                "p{}: the leader is in rack b",
                p.partition
            );
        } else {
            assert_eq!(readers, vec![2], "p{} (leader {:?})", p.partition, p.leader);
            from_follower += 1;
        }
    }
    assert!(
        from_follower >= 3,
        "{from_follower} partitions read from a follower"
    );
}

#[test]
fn fetch_from_follower_cuts_the_cross_zone_consume_bytes() {
    let run = |selector| {
        let mut e = Engine::new(&three_zones(3, selector));
        e.run_to_end();
        e.report(0.0)
    };
    let (off, on) = (run(false), run(true));
    let (x_off, x_on) = (off.cross_zone.unwrap(), on.cross_zone.unwrap());
    assert!(
        x_on.consume_bytes * 5 < x_off.consume_bytes,
        "consume bytes across racks: {} with KIP-392, {} without",
        x_on.consume_bytes,
        x_off.consume_bytes
    );
    assert!(x_on.usd_per_month < x_off.usd_per_month);
    // Consumers in rack b get as much either way.
    assert!(
        on.consumed * 10 > off.consumed * 9,
        "{} vs {}",
        on.consumed,
        off.consumed
    );
}

#[test]
fn link_bytes_add_up_to_what_each_node_sent_and_the_price_follows_the_formula() {
    let mut e = Engine::new(&three_zones(9, false));
    e.run_until(ms(7_000), u64::MAX);
    let t = e.traffic().expect("racks configured").clone();
    let mut by_sender = vec![0u64; t.sent.len()];
    for (&(from, _to), kinds) in &t.links {
        by_sender[from as usize] += kinds.iter().sum::<u64>();
    }
    assert_eq!(
        by_sender, t.sent,
        "links summed per sender = what each node sent"
    );
    let all: u64 = t.sent.iter().sum();
    let by_kind: u64 = t.by_kind.iter().flatten().sum();
    assert_eq!(all, by_kind);
    // Cross-rack bytes are those of the links whose ends are in different racks.
    let mut cross = 0u64;
    for (&(from, to), kinds) in &t.links {
        let (rf, rt) = (
            e.rack_of_node(kafka_sim::engine::ids::NodeId(from)),
            e.rack_of_node(kafka_sim::engine::ids::NodeId(to)),
        );
        if rf != rt {
            cross += kinds.iter().sum::<u64>();
        }
    }
    let x = e.cross_zone().unwrap();
    assert_eq!(cross, t.cross_total());
    assert_eq!(
        x.produce_bytes + x.replication_bytes + x.consume_bytes + x.other_bytes,
        cross
    );
    assert_eq!(x.same_zone_bytes + cross, all);
    assert!(x.replication_bytes > 0 && x.produce_bytes > 0);
    // The price: GB across × $/GB × (30 days / simulated time).
    let gb = cross as f64 / 1e9;
    assert!((x.total_gb - gb).abs() < 1e-12);
    let expected = gb * 0.02 * (MONTH_NS / ms(7_000) as f64);
    assert!((x.usd_per_month - expected).abs() <= expected * 1e-12);
    assert_eq!(monthly_usd(cross, ms(7_000), 0.02), x.usd_per_month);
    // RF 3 over three racks: each follower's copy crosses a rack, so replication moves about
    // twice the produced bytes across racks.
    assert!(
        x.replication_bytes > x.produce_bytes,
        "replication {} vs produce {}",
        x.replication_bytes,
        x.produce_bytes
    );
}

/// RF 3 / min ISR 2 over three racks, acks=all: a zone outage loses nothing, every partition
/// keeps a leader outside the lost zone, and acks=all writes go on during the outage.
#[test]
fn a_zone_outage_with_rf3_min_isr2_over_three_racks_loses_nothing_and_stays_writable() {
    use kafka_sim::engine::Command;
    for (seed, rack) in [(1, "a"), (2, "b"), (3, "c"), (4, "a")] {
        let mut s = three_zones(seed, false);
        s.duration_ms = 40_000;
        let s = s
            .with_fault(5_000, Command::CrashRack { rack: rack.into() })
            .with_fault(25_000, Command::RestartRack { rack: rack.into() });
        let lost: u32 = match rack {
            "a" => 1,
            "b" => 2,
            _ => 3,
        };
        let mut e = Engine::new(&s);
        // The controller fences the lost brokers after broker.session.timeout.ms (9 s).
        e.run_until(ms(16_000), u64::MAX);
        let mid = e.report(0.0);
        for p in &mid.partitions {
            assert!(
                p.leader.is_some() && p.leader != Some(lost),
                "seed {seed}: p{} leader {:?} during the outage of rack {rack}",
                p.partition,
                p.leader
            );
        }
        e.run_until(ms(22_000), u64::MAX);
        let later = e.report(0.0);
        assert!(
            later.produced.acked > mid.produced.acked + 5_000,
            "seed {seed}: acks=all writes go on without rack {rack}: {} then {}",
            mid.produced.acked,
            later.produced.acked
        );
        e.run_to_end();
        let r = e.report(0.0);
        assert_eq!(
            r.invariants.acked_lost, 0,
            "seed {seed}: {:?}",
            r.invariants
        );
        assert_eq!(r.invariants.read_above_hw, 0);
        assert!(
            r.partitions.iter().all(|p| p.isr.len() == 3),
            "{:?}",
            r.partitions
        );
        // restart_rack brings the zone's consumers back too (the group lives in rack b).
        assert!(
            e.consumers().iter().all(|c| c.is_alive()),
            "seed {seed}: every consumer runs after restart_rack {rack}"
        );
    }
}

/// The same outage with every replica in one rack (the racks list names the lost zone for
/// brokers 1–3 alike): the partitions go offline. The test above could fail.
#[test]
fn replicas_sharing_the_lost_rack_go_offline() {
    use kafka_sim::engine::Command;
    let mut s = three_zones(1, false);
    s.cluster.racks = vec!["a".into(), "a".into(), "a".into()];
    s.cluster.racks.dedup();
    let s = s.with_fault(5_000, Command::CrashRack { rack: "a".into() });
    let mut e = Engine::new(&s);
    e.run_until(ms(16_000), u64::MAX);
    let r = e.report(0.0);
    assert!(
        r.partitions.iter().all(|p| p.leader.is_none()),
        "{:?}",
        r.partitions
    );
}

#[test]
fn zone_faults_and_racks_are_checked_in_scenario_files() {
    use kafka_sim::scenario_file::parse_scenario;
    let base = |racks: &str, fault: &str| {
        format!(
            r#"{{"cluster": {{"brokers": 3{racks}}}, "topics": [{{"name": "t", "partitions": 3, "replication_factor": 3}}],
               "faults": [{fault}]}}"#
        )
    };
    let e = parse_scenario(&base(
        r#", "racks": ["a", "b", "c"]"#,
        r#"{"at_ms": 10, "action": "crash_rack", "rack": "d"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.path, "faults[0].rack");
    assert!(
        e.to_string().contains("no such rack; racks: a, b, c"),
        "{e}"
    );
    let e = parse_scenario(&base(
        "",
        r#"{"at_ms": 10, "action": "isolate_rack", "rack": "a"}"#,
    ))
    .unwrap_err();
    assert_eq!(e.path, "faults[0].rack");
    assert!(e.to_string().contains("has no racks"), "{e}");
    let e = parse_scenario(&base(r#", "racks": ["a", " "]"#, "")).unwrap_err();
    assert_eq!(e.path, "cluster.racks[1]");
    let e = parse_scenario(&base(r#", "racks": ["a", "a"]"#, "")).unwrap_err();
    assert_eq!(e.path, "cluster.racks[1]");
    let s = parse_scenario(&base(
        r#", "racks": ["a", "b", "c"]"#,
        r#"{"at_ms": 10, "action": "isolate_rack", "rack": "b"}, {"at_ms": 20, "action": "heal_rack", "rack": "b"}"#,
    ))
    .unwrap();
    assert_eq!(s.faults.len(), 2);
    // Written back and read again: the same scenario.
    let again = parse_scenario(&kafka_sim::scenario_file::to_json(&s)).unwrap();
    assert_eq!(again, s);
}

#[test]
fn an_isolated_rack_loses_its_leaderships_and_rejoins_after_heal_rack() {
    use kafka_sim::engine::Command;
    let mut s = three_zones(6, false);
    s.duration_ms = 40_000;
    let s = s
        .with_fault(5_000, Command::IsolateRack { rack: "a".into() })
        .with_fault(22_000, Command::HealRack { rack: "a".into() });
    let mut e = Engine::new(&s);
    e.run_until(ms(18_000), u64::MAX);
    let mid = e.report(0.0);
    assert!(
        mid.partitions
            .iter()
            .all(|p| p.leader.is_some() && p.leader != Some(1) && !p.isr.contains(&1)),
        "{:?}",
        mid.partitions
    );
    e.run_to_end();
    let r = e.report(0.0);
    assert_eq!(r.invariants.acked_lost, 0);
    assert!(
        r.partitions.iter().all(|p| p.isr.contains(&1)),
        "{:?}",
        r.partitions
    );
}

fn cli(args: &[&str], file: &str, json: &str) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("kafka-sim-racks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(file);
    std::fs::write(&path, json).unwrap();
    let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    a.insert(1, path.to_string_lossy().into_owned());
    std::process::Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
        .args(&a)
        .output()
        .unwrap()
}

#[test]
fn the_cli_refuses_bad_racks_with_exit_2_and_prints_risks_and_warnings() {
    let bad = r#"{"cluster": {"brokers": 3, "racks": ["a", "b", "c"]},
        "topics": [{"name": "t", "partitions": 3, "replication_factor": 3}],
        "faults": [{"at_ms": 10, "action": "crash_rack", "rack": "z"}]}"#;
    let out = cli(&["run"], "bad.json", bad);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("faults[0].rack"), "{err}");
    let risky = r#"{"duration_ms": 200, "cluster": {"brokers": 3, "config": {"min.insync.replicas": 2}},
        "topics": [{"name": "t", "partitions": 3, "replication_factor": 2}],
        "consumer_groups": [{"group_id": "g", "topics": ["t"], "config": {"client.rack": "a"}}]}"#;
    let out = cli(&["run"], "risky.json", risky);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "kafka-sim: risk: topics[0].replication_factor: RF 2 with min.insync.replicas 2"
        ),
        "{err}"
    );
    assert!(
        err.contains("kafka-sim: warning: consumer_groups[0].config.client.rack: `a`: the cluster has no racks"),
        "{err}"
    );
}

/// `cluster.broker_racks`: each broker's `broker.rack` by hand, brokers sharing racks. The
/// report names them, placement still spans min(RF, racks) racks, and a zone fault takes the
/// brokers of that zone only.
#[test]
fn brokers_placed_by_hand_share_racks_and_placement_and_zone_faults_follow() {
    let layout = ["a", "a", "b", "b", "b", "c"];
    let mut s = Scenario::cluster(6, 7, 3_000)
        .with_broker_racks(&layout)
        .with_topic("t", 12, 3);
    assert_eq!(s.cluster.racks, vec!["a", "b", "c"]);
    s.faults.push(kafka_sim::engine::scenario::ScheduledFault {
        at_ms: 1_000,
        action: kafka_sim::engine::Command::CrashRack { rack: "b".into() },
    });
    let mut e = Engine::new(&s);
    e.run_until(ms(500), u64::MAX);
    let r = e.report(0.0);
    let racks: Vec<&str> = r.brokers.iter().map(|b| b.rack.as_str()).collect();
    assert_eq!(racks, layout);
    for p in &r.partitions {
        let spanned: BTreeSet<_> = p.replicas.iter().map(|&b| layout[b as usize - 1]).collect();
        assert_eq!(spanned.len(), 3, "{:?}", p.replicas);
    }
    e.run_until(ms(2_000), u64::MAX);
    let down: Vec<u32> = e
        .brokers()
        .iter()
        .filter(|b| b.process().is_none())
        .map(|b| b.id())
        .collect();
    assert_eq!(down, vec![3, 4, 5], "zone b is brokers 3, 4 and 5");
}

#[test]
fn broker_racks_in_scenario_files() {
    use kafka_sim::scenario_file::parse_scenario;
    let with = |cluster: &str| {
        format!(
            r#"{{"cluster": {{"brokers": 3{cluster}}}, "topics": [{{"name": "t", "partitions": 3, "replication_factor": 2}}]}}"#
        )
    };
    // Without `racks`: the racks are the names, in order of first appearance.
    let s = parse_scenario(&with(r#", "broker_racks": ["z2", "z1", "z2"]"#)).unwrap();
    assert_eq!(s.cluster.racks, vec!["z2", "z1"]);
    assert_eq!(s.cluster.rack_of(3), Some("z2"));
    let again = parse_scenario(&kafka_sim::scenario_file::to_json(&s)).unwrap();
    assert_eq!(again, s);
    // With `racks`: every name must be one of them.
    let s = parse_scenario(&with(
        r#", "racks": ["a", "b"], "broker_racks": ["b", "b", "a"]"#,
    ))
    .unwrap();
    assert_eq!(s.cluster.rack_of(1), Some("b"));
    let e = parse_scenario(&with(
        r#", "racks": ["a", "b"], "broker_racks": ["a", "b", "bb"]"#,
    ))
    .unwrap_err();
    assert_eq!(e.path, "cluster.broker_racks[2]");
    assert!(e.to_string().contains("no such rack"), "{e}");
    // One name per broker.
    let e = parse_scenario(&with(r#", "broker_racks": ["a", "b"]"#)).unwrap_err();
    assert_eq!(e.path, "cluster.broker_racks");
    assert!(e.to_string().contains("2 names for 3 brokers"), "{e}");
    let e = parse_scenario(&with(r#", "broker_racks": ["a", "", "b"]"#)).unwrap_err();
    assert_eq!(e.path, "cluster.broker_racks[1]");
    let e = parse_scenario(&with(r#", "broker_racks": ["a", 2, "b"]"#)).unwrap_err();
    assert_eq!(e.path, "cluster.broker_racks[1]");
}
