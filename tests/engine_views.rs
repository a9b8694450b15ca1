//! What the page reads of the engine: the extended snapshot (followers as the leader knows
//! them, groups' committed offsets and positions with both lag definitions, links, slow
//! factors, fencing and heartbeats) and the per-producer request metrics.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::ProducerConfig;
use kafka_sim::engine::metrics::ProducerSample;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::snapshot::Endpoint;
use kafka_sim::engine::time::ms;
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;
use kafka_sim::scenario_file::presets::preset;

#[test]
fn leaders_know_their_followers_and_the_high_watermark_is_below_every_isr_follower() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(3_000), u64::MAX);
    let snap = e.snapshot();
    assert_eq!(snap.partitions.len(), 6);
    for p in &snap.partitions {
        assert_eq!(p.followers.len(), 2, "{}-{}", p.topic, p.partition);
        assert!(p.high_watermark > 0);
        for f in &p.followers {
            assert!(f.log_end_offset <= p.log_end_offset);
            if p.isr.contains(&f.broker) {
                assert!(p.high_watermark <= f.log_end_offset);
            }
        }
    }
}

#[test]
fn groups_show_committed_offsets_positions_and_both_lags() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(12_500), u64::MAX);
    let snap = e.snapshot();
    let g = &snap.groups[0];
    assert_eq!(g.group_id, "billing");
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.partitions.len(), 6);
    let mut committed_lag = 0;
    for p in &g.partitions {
        let owner = p.owner.expect("every partition owned");
        assert!(g.members.contains(&owner));
        let pos = p.position.unwrap();
        let committed = p.committed.expect("auto-committed every 5 s");
        assert!(committed <= pos && pos <= p.high_watermark);
        committed_lag += p.high_watermark - committed;
    }
    assert_eq!(g.committed_lag, committed_lag);
    // Committed offsets trail the positions (auto commit every 5 s): the two lags differ.
    assert!(
        g.committed_lag > g.records_lag,
        "{} vs {}",
        g.committed_lag,
        g.records_lag
    );
    assert_eq!(
        e.group_records_lags(),
        vec![("billing".to_string(), g.records_lag)]
    );
    assert_eq!(
        e.group_lags(),
        vec![("billing".to_string(), g.committed_lag)]
    );
}

#[test]
fn links_isolation_slow_factors_and_fencing_are_visible() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(1_000), u64::MAX);
    assert!(e.snapshot().cut_links.is_empty());
    e.apply(Command::CutLink {
        from: 1,
        to: 2,
        one_way: true,
    });
    e.apply(Command::SlowBroker {
        broker: 1,
        disk_factor: 20.0,
        nic_factor: 4.0,
    });
    let snap = e.snapshot();
    assert_eq!(snap.cut_links.len(), 1);
    let c = snap.cut_links[0];
    assert_eq!((c.a, c.b), (Endpoint::Broker(1), Endpoint::Broker(2)));
    assert!(c.a_to_b && !c.b_to_a);
    assert_eq!(snap.brokers[0].disk_factor, 20.0);
    assert!((snap.brokers[0].nic_factor - 4.0).abs() < 1e-6);
    assert!(snap.brokers[0].bytes_in > 0 && snap.brokers[0].bytes_out > 0);
    e.apply(Command::HealNetwork);
    e.apply(Command::IsolateBroker { broker: 3 });
    let snap = e.snapshot();
    assert!(snap.brokers[2].isolated && !snap.brokers[0].isolated);
    assert!(
        snap.cut_links.is_empty(),
        "an isolated broker's links are not listed one by one"
    );
    e.apply(Command::HealNetwork);
    let hb = e.snapshot().brokers[1].last_heartbeat;
    e.apply(Command::CrashBroker { broker: 2 });
    e.run_until(ms(1_000 + 12_000), u64::MAX);
    let snap = e.snapshot();
    let b2 = &snap.brokers[1];
    assert!(!b2.alive && b2.fenced);
    assert!(b2.last_heartbeat <= hb + ms(2_100));
    assert!(snap.brokers[0].last_heartbeat > ms(11_000));
    assert_eq!(snap.controller.session_timeout_ms, 9_000);
    // The crashed broker's metadata image stays on its disk; the controller's log moved on
    // (its fencing, the ISRs without it).
    assert!(b2.metadata_lag > 0, "{b2:?}");
    for b in &snap.brokers {
        assert_eq!(
            b.metadata_offset + b.metadata_lag,
            snap.controller.metadata_end_offset
        );
    }
}

/// Each broker's metadata offset is the one of the `MetadataImage` on its disk, and its lag the
/// distance to the controller's metadata log end: an isolated broker falls behind, and after
/// the heal catches up (issue 13: the page shows both).
#[test]
fn metadata_offsets_and_lag_follow_the_metadata_log() {
    let mut e = Engine::new(&preset("isolated-broker-heal").unwrap());
    e.run_until(ms(4_000), u64::MAX);
    let before = e.snapshot();
    assert!(before.controller.metadata_end_offset > 0);
    for (i, b) in before.brokers.iter().enumerate() {
        assert_eq!(b.metadata_offset, e.brokers()[i].disk().metadata.offset);
        assert_eq!(b.metadata_lag, 0, "broker {} before the fault", b.id);
    }
    e.run_until(ms(15_000), u64::MAX);
    let cut = e.snapshot();
    let end = e.controller().metadata_log().end_offset();
    assert_eq!(cut.controller.metadata_end_offset, end);
    let b3 = &cut.brokers[2];
    assert!(b3.fenced && b3.isolated);
    assert_eq!(b3.metadata_offset, e.brokers()[2].disk().metadata.offset);
    assert_eq!(b3.metadata_lag, end - b3.metadata_offset);
    assert!(b3.metadata_lag > 0, "isolated broker 3 behind: {b3:?}");
    assert!(cut.brokers[0].metadata_offset > b3.metadata_offset);
    e.run_until(ms(40_000), u64::MAX);
    let healed = e.snapshot();
    assert!(healed.brokers[2].metadata_offset > b3.metadata_offset);
    for b in &healed.brokers {
        assert_eq!(b.metadata_lag, 0, "broker {} after the heal", b.id);
        assert_eq!(b.metadata_offset, healed.controller.metadata_end_offset);
    }
}

#[test]
fn request_metrics_per_producer_show_batching() {
    let eager = ProducerConfig {
        linger_ms: 0,
        ..ProducerConfig::default()
    };
    let lingering = ProducerConfig {
        linger_ms: 50,
        ..ProducerConfig::default()
    };
    let s = Scenario::cluster(3, 7, 60_000)
        .with_topic("events", 6, 3)
        .with_producer("eager", "events", 2_000.0, 100, eager)
        .with_producer("lingering", "events", 2_000.0, 100, lingering);
    let mut e = Engine::new(&s);
    e.run_until(ms(6_000), u64::MAX);
    let m = e.metrics();
    // Averages over the last two seconds of samples.
    let recent: Vec<_> = m.samples().iter().filter(|x| x.t > 4.0).collect();
    let avg = |f: fn(&ProducerSample) -> f64, p: usize| {
        recent.iter().map(|x| f(&x.producers[p])).sum::<f64>() / recent.len() as f64
    };
    let rate: fn(&ProducerSample) -> f64 = |x| x.request_rate;
    let rpr: fn(&ProducerSample) -> f64 = |x| x.records_per_request_avg;
    let bsz: fn(&ProducerSample) -> f64 = |x| x.batch_size_avg;
    let p50: fn(&ProducerSample) -> f64 = |x| x.ack_p50;
    let acked: fn(&ProducerSample) -> f64 = |x| x.ack_rps;
    assert!(
        avg(rate, 0) > 3.0 * avg(rate, 1),
        "request-rate {} vs {}",
        avg(rate, 0),
        avg(rate, 1)
    );
    assert!(avg(rpr, 1) > 3.0 * avg(rpr, 0));
    assert!(avg(bsz, 1) > 3.0 * avg(bsz, 0));
    assert!(
        avg(p50, 1) > avg(p50, 0) + 20.0,
        "p50 {} vs {}",
        avg(p50, 0),
        avg(p50, 1)
    );
    for p in 0..2 {
        assert!(
            (avg(acked, p) - 2_000.0).abs() < 300.0,
            "acked/s of {p}: {}",
            avg(acked, p)
        );
    }
    let totals = e.snapshot().producers[1].requests;
    assert!(totals.requests > 0 && totals.records >= totals.requests);
}

#[test]
fn the_overview_agrees_with_the_detailed_snapshot() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(12_500), u64::MAX);
    e.apply(Command::CrashBroker { broker: 1 });
    e.run_until(ms(13_000), u64::MAX);
    let (snap, over) = (e.snapshot(), e.overview());
    assert_eq!(over.topics.len(), 1);
    assert_eq!(over.topics[0].name, "orders");
    for p in &snap.partitions {
        let c = over.topics[0].partitions[p.partition as usize];
        assert_eq!(c.leader, p.leader);
        assert_eq!(c.isr as usize, p.isr.len());
        assert_eq!(c.high_watermark, p.high_watermark);
        assert_eq!(c.log_end_offset, p.log_end_offset);
        let gp = &snap.groups[0].partitions[p.partition as usize];
        assert_eq!(
            c.committed_lag,
            gp.high_watermark - gp.committed.unwrap_or(0)
        );
    }
    assert_eq!(over.under_replicated, snap.under_replicated);
    assert_eq!(over.offline, snap.offline);
    assert_eq!(over.groups[0].committed_lag, snap.groups[0].committed_lag);
    assert_eq!(over.groups[0].records_lag, snap.groups[0].records_lag);
    assert_eq!(over.groups[0].members.len(), 3);
    assert!(over.groups[0].partitions.is_empty());
    assert_eq!(over.brokers, snap.brokers);
}

#[test]
fn the_light_snapshot_is_the_snapshot_without_partitions() {
    let mut e = Engine::new(&preset("quickstart").unwrap());
    e.run_until(ms(12_500), u64::MAX);
    let (full, light) = (e.snapshot(), e.snapshot_light());
    assert!(light.partitions.is_empty() && light.groups[0].partitions.is_empty());
    assert_eq!(light.brokers, full.brokers);
    assert_eq!(light.consumers, full.consumers);
    assert_eq!(
        (light.under_replicated, light.offline),
        (full.under_replicated, full.offline)
    );
    assert_eq!(light.groups[0].committed_lag, full.groups[0].committed_lag);
    assert_eq!(light.groups[0].records_lag, full.groups[0].records_lag);
    // Leaders are counted over user topics only.
    let led: u32 = full.brokers.iter().map(|b| b.leaders).sum();
    assert_eq!(
        led as usize,
        full.partitions
            .iter()
            .filter(|p| p.leader.is_some())
            .count()
    );
}

/// Issue 16: a follower's tooltip showed "LEO 5046, HW 5099". No replica shown by the page may
/// have a high watermark above its own log end, in any preset, at any moment sampled (crashes,
/// truncation and restarts included).
#[test]
fn no_replica_shows_a_high_watermark_above_its_log_end() {
    for (name, _) in kafka_sim::scenario_file::presets::presets() {
        let s = preset(name).unwrap();
        if s.cluster.brokers > 12 {
            continue; // the big-cluster presets are covered by the scale tests
        }
        let mut e = Engine::new(&s);
        let end = s.duration_ms.min(30_000);
        let mut t = 0;
        while t < end {
            t += 1_500;
            e.run_until(ms(t), u64::MAX);
            for p in &e.snapshot().partitions {
                for r in &p.replica_states {
                    assert!(
                        r.high_watermark <= r.log_end_offset,
                        "{name} at {t} ms: {}-{} on broker {}: HW {} > LEO {}",
                        p.topic,
                        p.partition,
                        r.broker,
                        r.high_watermark,
                        r.log_end_offset
                    );
                }
            }
        }
    }
}
