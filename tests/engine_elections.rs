//! Preferred-leader election (issue 21): a broker that lost every one of its preferred
//! leaderships gets them back once it is in the ISR again, and never while it is out of the
//! ISR. Written to hold under KRaft's rule (every partition whose preferred replica is unfenced
//! and in the ISR is balanced, `ReplicationControlManager.maybeBalancePartitionLeaders`) as
//! under the older `leader.imbalance.per.broker.percentage` rule: the broker here lost 100%.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::engine::config::{Acks, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::ids::TopicPartition;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::time::{ms, SimTime, MILLIS};
use kafka_sim::engine::Command;
use kafka_sim::engine::Engine;

/// Runs to `until` in 250 ms steps, keeping every event but the bulk ones.
fn run_collect(e: &mut Engine, until: SimTime) -> Vec<TimedEvent> {
    let mut out = Vec::new();
    while e.now() < until {
        let next = (e.now() + 250 * MILLIS).min(until);
        e.run_until(next, u64::MAX);
        out.extend(e.drain_events());
    }
    out
}

/// 3 brokers, 6 partitions RF 3, acks=all; the controller checks leader balance every 5 s.
/// Broker 1 is killed at 2 s (fenced ~9 s later: it loses both partitions it prefers) and
/// restarted at 16 s.
fn lost_preferred(duration_ms: u64) -> Scenario {
    let mut s = Scenario::cluster(3, 71, duration_ms)
        .with_topic("orders", 6, 3)
        .with_producer(
            "p",
            "orders",
            5_000.0,
            200,
            ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        )
        .with_fault(2_000, Command::CrashBroker { broker: 1 })
        .with_fault(16_000, Command::RestartBroker { broker: 1 });
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.leader_imbalance_check_interval_seconds = 5;
    s
}

/// Partitions of `orders` whose preferred (first) replica is `broker`.
fn preferred_by(e: &Engine, broker: u32) -> Vec<TopicPartition> {
    e.controller()
        .partitions()
        .filter(|p| p.tp.topic == 0 && p.replicas.first() == Some(&broker))
        .map(|p| p.tp)
        .collect()
}

/// The ISR of each partition as the controller's events tell it, checked at every preferred
/// election: the new leader is its preferred replica and in the ISR at that moment.
fn preferred_elections(e: &Engine, events: &[TimedEvent]) -> Vec<(SimTime, TopicPartition, u32)> {
    let mut isr: BTreeMap<TopicPartition, Vec<u32>> = e
        .controller()
        .partitions()
        .map(|p| (p.tp, p.replicas.clone()))
        .collect();
    let mut out = Vec::new();
    for t in events {
        match &t.event {
            SimEvent::IsrChanged { tp, isr: now, .. } => {
                isr.insert(*tp, now.clone());
            }
            SimEvent::LeaderChanged {
                tp,
                leader: Some(l),
                preferred: true,
                ..
            } => {
                let st = e.controller().partition(*tp).unwrap();
                assert_eq!(
                    st.replicas.first(),
                    Some(l),
                    "{tp:?}: a preferred election elects the first replica"
                );
                assert!(
                    isr[tp].contains(l),
                    "{tp:?} at {} ms: preferred replica {l} elected outside the ISR {:?}",
                    t.at / MILLIS,
                    isr[tp]
                );
                out.push((t.at, *tp, *l));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn a_broker_back_in_the_isr_gets_its_preferred_leaderships_back() {
    let mut e = Engine::new(&lost_preferred(45_000));
    e.run_until(ms(1_900), u64::MAX);
    let mine = preferred_by(&e, 1);
    assert_eq!(mine.len(), 2, "broker 1 prefers 2 of 6");
    for tp in &mine {
        assert_eq!(e.controller().partition(*tp).unwrap().leader, Some(1));
    }
    let events = run_collect(&mut e, ms(45_000));
    // Back in the ISR of every partition after the restart (it catches up from 16 s).
    let rejoined = mine
        .iter()
        .map(|tp| {
            events
                .iter()
                .find(|t| {
                    t.at > ms(16_000)
                        && matches!(&t.event, SimEvent::IsrChanged { tp: q, isr, .. } if q == tp && isr.contains(&1))
                })
                .unwrap_or_else(|| panic!("{tp:?}: broker 1 never rejoined the ISR"))
                .at
        })
        .max()
        .unwrap();
    let elections = preferred_elections(&e, &events);
    let mut back: Vec<TopicPartition> = elections.iter().map(|x| x.1).collect();
    back.sort_unstable();
    assert_eq!(
        back, mine,
        "exactly broker 1's preferred partitions move back: {elections:?}"
    );
    for (at, tp, _) in &elections {
        // By the first balance check (every 5 s) after broker 1 is back in every ISR.
        assert!(
            *at <= rejoined + ms(5_000) + 500 * MILLIS,
            "{tp:?} moved back at {} ms, broker 1 in the ISR from {} ms",
            at / MILLIS,
            rejoined / MILLIS
        );
    }
    for tp in &mine {
        let st = e.controller().partition(*tp).unwrap();
        assert_eq!(st.leader, Some(1), "{tp:?}");
        assert!(st.isr.contains(&1));
    }
    // Every partition is led by its preferred replica again.
    for st in e.controller().partitions().filter(|p| p.tp.topic == 0) {
        assert_eq!(st.leader, st.replicas.first().copied(), "{:?}", st.tp);
    }
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert_eq!(r.invariants.two_leaders_same_epoch, 0);
    assert!(r.produced.acked > 150_000, "{}", r.produced.acked);
}

#[test]
fn a_preferred_replica_out_of_the_isr_is_not_elected_until_it_catches_up() {
    // Broker 1 restarts cut off from brokers 2 and 3: it heartbeats to the controller (live,
    // unfenced) but cannot fetch, so it stays out of the ISR until the network heals at 35 s.
    let s = lost_preferred(60_000)
        .with_fault(
            15_000,
            Command::CutLink {
                from: 1,
                to: 2,
                one_way: false,
            },
        )
        .with_fault(
            15_000,
            Command::CutLink {
                from: 1,
                to: 3,
                one_way: false,
            },
        )
        .with_fault(35_000, Command::HealNetwork);
    let mut e = Engine::new(&s);
    e.run_until(ms(1_900), u64::MAX);
    let mine = preferred_by(&e, 1);
    let events = run_collect(&mut e, ms(35_000));
    assert!(
        e.controller().live_brokers().contains(&1),
        "broker 1 is live (unfenced) while cut off"
    );
    for st in e.controller().partitions().filter(|p| p.tp.topic == 0) {
        assert!(
            !st.isr.contains(&1),
            "{:?}: 1 cannot fetch: {:?}",
            st.tp,
            st.isr
        );
        assert_ne!(st.leader, Some(1), "{:?}", st.tp);
    }
    let moved_to_1 = events.iter().find(|t| {
        t.at > ms(2_000)
            && matches!(
                t.event,
                SimEvent::LeaderChanged {
                    leader: Some(1),
                    ..
                }
            )
    });
    assert!(
        moved_to_1.is_none(),
        "elected out of the ISR: {moved_to_1:?}"
    );
    // Healed: it catches up, rejoins, and the balance check gives its partitions back.
    let later = run_collect(&mut e, ms(60_000));
    assert_eq!(preferred_elections(&e, &later).len(), mine.len());
    for tp in &mine {
        assert_eq!(e.controller().partition(*tp).unwrap().leader, Some(1));
    }
}

/// KRaft's partition records: every change of a partition's leader or ISR — data topics and
/// `__consumer_offsets` alike — bumps its partition epoch, a new leader bumps its leader epoch,
/// and neither ever goes back (`PartitionChangeBuilder`). Checked on the controller's state
/// every 50 ms through crashes, a restart, an isolation and a heal.
#[test]
fn every_leader_or_isr_change_bumps_the_partition_epoch() {
    let s = lost_preferred(40_000)
        .with_group("g", &["orders"], 2, Default::default())
        .with_fault(22_000, Command::IsolateBroker { broker: 3 })
        .with_fault(32_000, Command::HealNetwork);
    let mut e = Engine::new(&s);
    type View = (Option<u32>, Vec<u32>, u32, u32);
    let view = |e: &Engine| -> BTreeMap<TopicPartition, View> {
        e.controller()
            .partitions()
            .map(|p| {
                let mut isr = p.isr.clone();
                isr.sort_unstable();
                (p.tp, (p.leader, isr, p.leader_epoch, p.partition_epoch))
            })
            .collect()
    };
    let mut before = view(&e);
    let (mut changes, mut internal_changes) = (0, 0);
    while e.now() < ms(40_000) {
        e.run_until(e.now() + 50 * MILLIS, u64::MAX);
        e.drain_events();
        let now = view(&e);
        for (tp, (leader, isr, le, pe)) in &now {
            let (l0, isr0, le0, pe0) = &before[tp];
            let at = e.now() / MILLIS;
            assert!(
                le >= le0 && pe >= pe0,
                "{tp:?} at {at} ms: epochs went back"
            );
            if leader != l0 {
                assert!(
                    le > le0,
                    "{tp:?} at {at} ms: new leader, same leader epoch {le}"
                );
            }
            if leader != l0 || isr != isr0 {
                assert!(
                    pe > pe0,
                    "{tp:?} at {at} ms: changed, same partition epoch {pe}"
                );
                changes += 1;
                if e.topics().get(tp.topic).is_some_and(|t| t.internal) {
                    internal_changes += 1;
                }
            }
        }
        before = now;
    }
    assert!(changes > 30, "{changes} changes seen");
    assert!(
        internal_changes > 10,
        "{internal_changes} changes of __consumer_offsets"
    );
}

/// RF 3, min.insync.replicas 2, acks=all: brokers 2, 3 then 1 die, so every partition of
/// `orders` is offline with ISR {1} (KRaft keeps the last member in the ISR).
fn all_replicas_down(unclean: bool) -> Scenario {
    let mut s = Scenario::cluster(3, 31, 60_000)
        .with_topic("orders", 6, 3)
        .with_producer(
            "p",
            "orders",
            5_000.0,
            200,
            ProducerConfig {
                acks: Acks::All,
                ..ProducerConfig::default()
            },
        )
        .with_fault(2_000, Command::CrashBroker { broker: 2 })
        .with_fault(14_000, Command::CrashBroker { broker: 3 })
        .with_fault(26_000, Command::CrashBroker { broker: 1 })
        // Broker 2 returns after broker 1 is fenced (~35 s): out of sync.
        .with_fault(40_000, Command::RestartBroker { broker: 2 });
    s.cluster.config.min_insync_replicas = 2;
    s.cluster.config.unclean_leader_election_enable = unclean;
    // Without eligible leader replicas (KIP-966), so the last ISR member stays in the ISR.
    s.cluster.config.eligible_leader_replicas_version = 0;
    s
}

/// Partition, leader, ISR, leader epoch, partition epoch.
type State = (TopicPartition, Option<u32>, Vec<u32>, u32, u32);

/// The controller's state of every `orders` partition.
fn states(e: &Engine) -> Vec<State> {
    e.controller()
        .partitions()
        .filter(|p| p.tp.topic == 0)
        .map(|p| {
            (
                p.tp,
                p.leader,
                p.isr.clone(),
                p.leader_epoch,
                p.partition_epoch,
            )
        })
        .collect()
}

#[test]
fn an_offline_partition_waits_for_its_last_isr_member_and_elects_it_cleanly() {
    // Broker 2 (out of sync) returns at 40 s: still offline. Broker 1 (the ISR) at 48 s.
    let s = all_replicas_down(false).with_fault(48_000, Command::RestartBroker { broker: 1 });
    let mut e = Engine::new(&s);
    e.run_until(ms(47_000), u64::MAX);
    let offline = states(&e);
    for (tp, leader, isr, ..) in &offline {
        assert_eq!(
            (leader, isr),
            (&None, &vec![1]),
            "{tp:?} offline, ISR {{1}}"
        );
    }
    let acked_before = e.report(0.0).produced.acked;
    e.drain_events();
    let events = run_collect(&mut e, ms(60_000));
    for ((tp, _, _, le0, pe0), (_, leader, isr, le, pe)) in offline.iter().zip(states(&e)) {
        assert_eq!(leader, Some(1), "{tp:?}: the returning ISR member leads");
        assert!(isr.contains(&1), "{tp:?}: {isr:?}");
        assert!(
            le > *le0 && pe > *pe0,
            "{tp:?}: epochs {le0}/{pe0} -> {le}/{pe}"
        );
        let elected = events.iter().find_map(|t| match t.event {
            SimEvent::LeaderChanged {
                tp: q,
                leader: Some(l),
                unclean,
                ..
            } if q == *tp => Some((l, unclean)),
            _ => None,
        });
        assert_eq!(
            elected,
            Some((1, false)),
            "{tp:?}: elected cleanly, never broker 2"
        );
    }
    let r = e.report(0.0);
    assert_eq!(
        r.invariants.acked_lost, 0,
        "{:?}",
        r.invariants.first_examples
    );
    assert!(r.produced.acked > acked_before + 10_000, "writes resume");
}

#[test]
fn with_unclean_election_the_first_replica_back_leads_alone() {
    let mut e = Engine::new(&all_replicas_down(true));
    e.run_until(ms(39_000), u64::MAX);
    let offline = states(&e);
    for (tp, leader, isr, ..) in &offline {
        assert_eq!(
            (leader, isr),
            (&None, &vec![1]),
            "{tp:?} offline, ISR {{1}}"
        );
    }
    let events = run_collect(&mut e, ms(50_000));
    for ((tp, _, _, le0, pe0), (_, leader, isr, le, pe)) in offline.iter().zip(states(&e)) {
        assert_eq!(leader, Some(2), "{tp:?}: the out-of-sync replica leads");
        assert_eq!(isr, vec![2], "{tp:?}: the ISR is reset to the new leader");
        assert!(
            le > *le0 && pe > *pe0,
            "{tp:?}: epochs {le0}/{pe0} -> {le}/{pe}"
        );
        assert!(
            events.iter().any(|t| matches!(
                t.event,
                SimEvent::LeaderChanged { tp: q, leader: Some(2), unclean: true, .. } if q == *tp
            )),
            "{tp:?}: announced as unclean"
        );
    }
    let r = e.report(0.0);
    assert!(r.invariants.acked_lost > 0, "what broker 2 missed is lost");
}

/// `unclean.leader.election.enable` turned on for the topic while its partitions are offline:
/// the out-of-sync replica that returns afterwards is elected (uncleanly).
#[test]
fn enabling_unclean_election_live_lets_the_returning_replica_lead() {
    let s = all_replicas_down(false).with_fault(
        38_000,
        Command::SetConfig {
            target: "topic:orders".into(),
            key: "unclean.leader.election.enable".into(),
            value: "true".into(),
        },
    );
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, ms(50_000));
    assert!(
        events
            .iter()
            .any(|t| matches!(&t.event, SimEvent::CommandApplied { .. })),
        "the config change was applied"
    );
    for (tp, leader, isr, ..) in states(&e) {
        assert_eq!((leader, isr), (Some(2), vec![2]), "{tp:?}");
    }
}
