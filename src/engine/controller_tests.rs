//! The controller's validation of AlterPartition (KIP-497; Kafka's
//! `ReplicationControlManager.alterPartition`), driven through its messages: only the current
//! leader in the current leader epoch, at the current partition epoch, may change the ISR, and
//! only to a non-empty set of unfenced assigned replicas; a valid change is committed (partition
//! epoch + 1), announced and published. Also the broker registration's session check.

use crate::engine::config::{BrokerConfig, TopicConfig};
use crate::engine::controller::Controller;
use crate::engine::ctx::{Ctx, Outbox};
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicInfo, TopicPartition, TopicTable};
use crate::engine::protocol::{
    BrokerHeartbeat, ErrorCode, Message, MetadataRecord, PartitionState,
};
use crate::engine::rng::SimRng;
use crate::engine::time::{ms, SimTime};
use crate::engine::timer::{ControllerTimer, Timer};

struct Harness {
    controller: Controller,
    topics: TopicTable,
    rng: SimRng,
    now: SimTime,
}

impl Harness {
    fn new() -> Self {
        Self::with_topic(1, 3)
    }

    /// Four brokers and one topic of `partitions` partitions, `replication_factor` replicas.
    fn with_topic(partitions: u32, replication_factor: u32) -> Self {
        let topics = TopicTable {
            topics: vec![TopicInfo {
                name: "t".into(),
                partitions,
                replication_factor,
                internal: false,
            }],
        };
        let mut rng = SimRng::new(1);
        let controller = Controller::new(
            BrokerConfig::default(),
            4,
            &topics,
            vec![TopicConfig::default()],
            &mut rng,
        );
        Harness {
            controller,
            topics,
            rng,
            now: 0,
        }
    }

    fn run(&mut self, f: impl FnOnce(&mut Controller, &mut Ctx<ControllerTimer>)) -> Outbox {
        let mut out = Outbox::default();
        let mut ctx = Ctx::new(self.now, NodeId(0), &mut self.rng, &self.topics, &mut out);
        f(&mut self.controller, &mut ctx);
        out
    }

    fn state(&self) -> PartitionState {
        self.controller
            .partition(TopicPartition::new(0, 0))
            .unwrap()
            .clone()
    }

    /// Sends an AlterPartition from `from`; returns the answer's error and the outbox.
    fn alter(
        &mut self,
        from: BrokerId,
        leader_epoch: u32,
        partition_epoch: u32,
        isr: &[u32],
    ) -> (ErrorCode, Outbox) {
        let msg = Message::AlterPartitionRequest {
            tp: TopicPartition::new(0, 0),
            leader_epoch,
            partition_epoch,
            new_isr: isr.to_vec(),
        };
        let out = self.run(|c, ctx| c.handle_message(ctx, NodeId(from), msg));
        let error = out
            .sends
            .iter()
            .find_map(|(to, m)| match m {
                Message::AlterPartitionResponse { error, .. } if to.0 == from => Some(*error),
                _ => None,
            })
            .expect("an answer to the sender");
        (error, out)
    }
}

#[test]
fn only_the_current_leader_may_change_the_isr_and_only_to_live_assigned_replicas() {
    let mut h = Harness::new();
    let st = h.state();
    let leader = st.leader.unwrap();
    let follower = st.replicas[1];
    let outsider = (1..=4).find(|b| !st.replicas.contains(b)).unwrap();
    let (le, pe) = (st.leader_epoch, st.partition_epoch);
    let shrunk: Vec<u32> = st
        .replicas
        .iter()
        .copied()
        .filter(|&b| b != follower)
        .collect();

    // Not the leader, or a stale leader or partition epoch: refused, nothing changes.
    assert_eq!(
        h.alter(follower, le, pe, &shrunk).0,
        ErrorCode::FencedLeaderEpoch
    );
    let (bumped_le, bumped_pe) = (le + 1, pe + 1);
    assert_eq!(
        h.alter(leader, bumped_le, pe, &shrunk).0,
        ErrorCode::FencedLeaderEpoch
    );
    assert_eq!(
        h.alter(leader, le, bumped_pe, &shrunk).0,
        ErrorCode::InvalidUpdateVersion
    );
    // Only a non-empty set of assigned, unfenced replicas (INELIGIBLE_REPLICA).
    assert_eq!(h.alter(leader, le, pe, &[]).0, ErrorCode::IneligibleReplica);
    let with_outsider = [leader, outsider];
    assert_eq!(
        h.alter(leader, le, pe, &with_outsider).0,
        ErrorCode::IneligibleReplica
    );
    assert_eq!(h.state(), st, "nothing committed");

    // A valid shrink is committed, announced and appended to the metadata log brokers fetch.
    let (error, out) = h.alter(leader, le, pe, &shrunk);
    assert_eq!(error, ErrorCode::None);
    let now = h.state();
    assert_eq!(
        (now.isr.clone(), now.partition_epoch),
        (shrunk.clone(), pe + 1)
    );
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e, SimEvent::IsrChanged { isr, shrink: true, .. } if *isr == shrunk)));
    let _ = out;
    let published = h
        .controller
        .metadata_log()
        .records()
        .iter()
        .filter(|r| matches!(r, MetadataRecord::Partition(p) if p.isr == shrunk))
        .count();
    assert_eq!(published, 1, "the new ISR is in the metadata log");
    // The old partition epoch is now stale.
    assert_eq!(
        h.alter(leader, le, pe, &st.isr).0,
        ErrorCode::InvalidUpdateVersion
    );

    // Fence the follower (no heartbeat for broker.session.timeout.ms): it may not rejoin.
    h.now = ms(10_000);
    for b in (1..=4).filter(|&b| b != follower) {
        h.run(|c, ctx| {
            c.handle_message(
                ctx,
                NodeId(b),
                Message::BrokerHeartbeatRequest(BrokerHeartbeat {
                    broker: b,
                    broker_epoch: c.brokers()[&b].broker_epoch,
                    metadata_offset: u64::MAX,
                    want_fence: false,
                }),
            )
        });
    }
    h.run(|c, ctx| {
        c.handle_timer(ctx, ControllerTimer::SessionCheck);
    });
    assert!(!h.controller.live_brokers().contains(&follower));
    let epochs = h.state();
    assert_eq!(
        h.alter(leader, epochs.leader_epoch, epochs.partition_epoch, &st.isr)
            .0,
        ErrorCode::IneligibleReplica,
        "a fenced replica is not eligible"
    );
}

/// Registers `broker` as process `incarnation`; returns the registration's events.
fn register(h: &mut Harness, broker: BrokerId, incarnation: u64) -> Vec<SimEvent> {
    let msg = Message::BrokerRegistrationRequest(crate::engine::protocol::BrokerRegistration {
        broker,
        incarnation,
    });
    h.run(|c, ctx| c.handle_message(ctx, NodeId(broker), msg))
        .events
}

/// `BrokerHeartbeatManager.hasValidSession` needs both: unfenced, and heard from within
/// `broker.session.timeout.ms`. A broker registered anew is fenced until it catches up; if its
/// process restarts again before that, the old session is not valid (fenced, though heard from
/// half a second ago), so the new incarnation registers at once instead of being refused with
/// DUPLICATE_BROKER_REGISTRATION.
#[test]
fn a_fenced_broker_restarting_again_registers_at_once() {
    let mut h = Harness::new();
    h.now = ms(20_000);
    let registered = |events: &[SimEvent]| {
        events
            .iter()
            .any(|e| matches!(e, SimEvent::BrokerRegistered { broker: 1, .. }))
    };
    assert!(
        registered(&register(&mut h, 1, 7)),
        "the first session expired long ago"
    );
    h.now = ms(20_500);
    let events = register(&mut h, 1, 8);
    assert!(
        registered(&events),
        "fenced since its registration: no valid session to protect: {events:?}"
    );
}

/// `BrokerHeartbeatManager`: a broker's session is valid while `lastContact + sessionTimeout`
/// is not past, so a broker silent for exactly `broker.session.timeout.ms` (9 s) is still
/// unfenced by the session check, and fenced once it is silent a moment longer.
#[test]
fn a_broker_is_fenced_only_after_its_session_timeout_has_passed() {
    let mut h = Harness::new();
    h.now = ms(1_000);
    let heartbeat = Message::BrokerHeartbeatRequest(BrokerHeartbeat {
        broker: 1,
        broker_epoch: h.controller.brokers()[&1].broker_epoch,
        metadata_offset: u64::MAX,
        want_fence: false,
    });
    h.run(|c, ctx| c.handle_message(ctx, NodeId(1), heartbeat));
    assert!(!h.controller.brokers()[&1].fenced);
    let check = |h: &mut Harness, at: SimTime| {
        h.now = at;
        h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::SessionCheck))
            .events
            .iter()
            .any(|e| matches!(e, SimEvent::BrokerFenced { broker: 1 }))
    };
    assert!(
        !check(&mut h, ms(10_000)),
        "silent for exactly 9 s: still in session"
    );
    assert!(check(&mut h, ms(10_000) + 1), "a nanosecond more: fenced");
}

/// Heartbeats `broker` in, caught up with the metadata log; returns the outbox.
fn heartbeat(h: &mut Harness, broker: BrokerId) -> Outbox {
    let msg = Message::BrokerHeartbeatRequest(BrokerHeartbeat {
        broker,
        broker_epoch: h.controller.brokers()[&broker].broker_epoch,
        metadata_offset: u64::MAX,
        want_fence: false,
    });
    h.run(|c, ctx| c.handle_message(ctx, NodeId(broker), msg))
}

/// Whether `out` arms an unclean-election run.
fn arms_unclean_check(out: &Outbox) -> bool {
    out.timers
        .iter()
        .any(|(_, t)| matches!(t, Timer::Controller(ControllerTimer::UncleanElectionCheck)))
}

/// `QuorumController.maybeScheduleNextElectUncleanLeaders`: the unclean-election run is
/// scheduled while some partition has no leader, and only then. The controller keeps a count
/// of leaderless partitions for this; once the partition has its leader back, the pending run
/// finds none and does not arm another.
#[test]
fn unclean_election_runs_stop_once_no_partition_is_leaderless() {
    let mut h = Harness::new();
    h.now = ms(20_000);
    let fenced = h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::SessionCheck));
    let st = h.state();
    assert_eq!(st.leader, None, "every broker silent: no leader");
    assert!(arms_unclean_check(&fenced), "a leaderless partition");
    h.now = ms(20_100);
    let again = h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::UncleanElectionCheck));
    assert!(
        arms_unclean_check(&again),
        "still leaderless: checked again"
    );

    // KIP-966: the last ISR member is kept in the ELR (or in the ISR without ELR).
    let last = *st.isr.first().or(st.elr.first()).unwrap();
    h.now = ms(20_200);
    heartbeat(&mut h, last);
    assert_eq!(
        h.state().leader,
        Some(last),
        "the last ISR member is back and elected"
    );
    h.now = ms(20_300);
    let pending = h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::UncleanElectionCheck));
    assert!(
        !arms_unclean_check(&pending),
        "no leaderless partition: no further run: {:?}",
        pending.timers
    );
}

/// KIP-966 (`ClusterControlManager.registerBroker` → `handleBrokerUncleanShutdown`): a broker
/// registering as a new process after an unclean shutdown leaves every ISR at once, before any
/// session check fences it, and the partition it led elects another leader.
#[test]
fn a_broker_registering_after_an_unclean_shutdown_leaves_every_isr() {
    let mut h = Harness::new();
    let st = h.state();
    let leader = st.leader.unwrap();
    h.now = ms(9_500);
    for b in st.replicas.iter().copied().filter(|&b| b != leader) {
        heartbeat(&mut h, b);
    }
    // The leader's session has expired (silent since 0) but no check has fenced it yet.
    h.now = ms(10_000);
    let events = register(&mut h, leader, 99);
    assert!(events
        .iter()
        .any(|e| matches!(e, SimEvent::BrokerRegistered { broker, .. } if *broker == leader)));
    let after = h.state();
    assert!(
        !after.isr.contains(&leader) && !after.elr.contains(&leader),
        "{after:?}"
    );
    assert!(
        after.leader.is_some() && after.leader != Some(leader),
        "another replica leads: {after:?}"
    );
}

/// A registration after an unclean shutdown changes only the partitions the broker was in
/// (its ISRs and ELRs). A leaderless partition of a topic that now allows unclean elections
/// waits for the controller's periodic unclean-election run
/// (`maybeScheduleNextElectUncleanLeaders`), whoever registers meanwhile.
#[test]
fn a_registration_elects_nothing_in_partitions_the_broker_is_not_in() {
    let mut h = Harness::new();
    h.now = ms(20_000);
    h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::SessionCheck));
    let st = h.state();
    let outsider = (1..=4).find(|b| !st.replicas.contains(b)).unwrap();
    let stale = *st
        .replicas
        .iter()
        .find(|b| !st.isr.contains(b) && !st.elr.contains(b))
        .expect("a replica outside the ISR and ELR");
    h.now = ms(20_100);
    heartbeat(&mut h, stale);
    assert_eq!(h.state().leader, None, "{stale} may not lead cleanly");
    h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::UncleanElectionCheck));
    assert_eq!(
        h.state().leader,
        None,
        "unclean.leader.election.enable=false: the periodic run elects nothing"
    );
    let unclean = TopicConfig {
        unclean_leader_election_enable: Some(true),
        ..TopicConfig::default()
    };
    h.run(|c, ctx| c.handle_config_change(ctx, None, Some((0, unclean))));
    h.now = ms(20_200);
    register(&mut h, outsider, 99);
    assert_eq!(
        h.state().leader,
        None,
        "broker {outsider} is no replica: its registration elects nothing"
    );
    h.now = ms(20_300);
    h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::UncleanElectionCheck));
    assert_eq!(h.state().leader, Some(stale), "the periodic run elects it");
}

/// `QuorumController.maybeBalancePartitionLeaders` moves at most
/// `MAX_ELECTIONS_PER_IMBALANCE` (1,000) leaders back to their preferred replica in one run;
/// the rest wait for the next run.
#[test]
fn one_leader_balancing_run_elects_at_most_a_thousand_preferred_leaders() {
    let partitions = 5_000;
    let mut h = Harness::with_topic(partitions, 2);
    let tps = || (0..partitions).map(|p| TopicPartition::new(0, p));
    let preferred_of = |h: &Harness, tp| h.controller.partition(tp).unwrap().replicas[0];
    let away = 1;
    // Every broker but `away` heartbeats; `away` is fenced and its partitions move.
    h.now = ms(9_500);
    for b in (1..=4).filter(|&b| b != away) {
        heartbeat(&mut h, b);
    }
    h.now = ms(10_000);
    h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::SessionCheck));
    heartbeat(&mut h, away);
    // The new leaders take `away` back into their ISRs.
    let mut moved = 0;
    for tp in tps() {
        let st = h.controller.partition(tp).unwrap().clone();
        if preferred_of(&h, tp) == away {
            let leader = st.leader.unwrap();
            assert_ne!(leader, away);
            let msg = Message::AlterPartitionRequest {
                tp,
                leader_epoch: st.leader_epoch,
                partition_epoch: st.partition_epoch,
                new_isr: vec![away, leader],
            };
            h.run(|c, ctx| c.handle_message(ctx, NodeId(leader), msg));
            moved += 1;
        }
    }
    assert!(moved > 1_000, "{moved} partitions led away from {away}");
    let preferred_elections = |out: &Outbox| {
        out.events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    SimEvent::LeaderChanged {
                        preferred: true,
                        ..
                    }
                )
            })
            .count()
    };
    let first = h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::LeaderImbalanceCheck));
    assert_eq!(preferred_elections(&first), 1_000);
    let second = h.run(|c, ctx| c.handle_timer(ctx, ControllerTimer::LeaderImbalanceCheck));
    assert_eq!(preferred_elections(&second), moved - 1_000);
    assert!(
        tps().all(|tp| h.controller.partition(tp).unwrap().leader == Some(preferred_of(&h, tp)))
    );
}
