//! Client behaviours as Kafka's clients have them (issue 14), through whole runs: the consumer's
//! pipelined fetches, auto-commit of processed positions, record and batch size limits,
//! `buffer.memory` counted in bytes with `max.block.ms`, Poisson arrivals.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::engine::config::{ConsumerConfig, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::protocol::MessageKind;
use kafka_sim::engine::scenario::{Command, Scenario};
use kafka_sim::engine::sim::NodeRole;
use kafka_sim::engine::time::{SimTime, MILLIS};
use kafka_sim::engine::Engine;

/// Runs to `until` in 250 ms steps, keeping every event (bulk ones too).
fn run_collect(e: &mut Engine, until: SimTime) -> Vec<TimedEvent> {
    e.set_record_bulk(true);
    let mut out = Vec::new();
    while e.now() < until {
        let next = (e.now() + 250 * MILLIS).min(until);
        e.run_until(next, u64::MAX);
        out.extend(e.drain_events());
    }
    out
}

/// One producer at 1,000 records/s into 6 partitions, one group of `members` consumers.
fn one_topic_with_group(members: u32) -> Scenario {
    Scenario::cluster(3, 7, 20_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 1_000.0, 100, ProducerConfig::default())
        .with_group("g", &["t"], members, ConsumerConfig::default())
}

/// Issue 14 item 1: Kafka's consumer sends its next fetch from `poll()` right after handing the
/// buffered records to the application (the pipelined `sendFetches` of the classic consumer), so
/// the partitions whose records were just returned are in it. One consumer of a 6-partition
/// topic at 1,000 records/s then sees a few milliseconds end to end, not a `fetch.max.wait.ms`
/// long-poll (it was 200–300 ms when those partitions were left out of the next fetch).
#[test]
fn one_consumer_of_six_partitions_sees_low_end_to_end_latency() {
    for members in [1, 3] {
        let mut e = Engine::new(&one_topic_with_group(members));
        e.run_to_end();
        let r = e.report(0.0);
        assert!(
            r.consumed > 10_000,
            "{members} members consumed {}",
            r.consumed
        );
        let p50 = r.latency_ms.end_to_end.p50;
        assert!(
            p50 < 10.0,
            "{members} members: end-to-end p50 {p50} ms (p99 {})",
            r.latency_ms.end_to_end.p99
        );
    }
}

/// At most one fetch in flight per broker (`AbstractFetch.nodesWithPendingFetchRequests`): the
/// consumer sends its next fetch to a broker only after the previous response from it arrived.
/// (Holds before and after the pipelining change; it keeps the change honest.)
#[test]
fn at_most_one_fetch_in_flight_per_broker() {
    let mut e = Engine::new(&one_topic_with_group(1));
    e.set_record_flows(true);
    let events = run_collect(&mut e, 8_000 * MILLIS);
    let consumer = e
        .roles()
        .iter()
        .position(|r| matches!(r, NodeRole::Consumer(0)))
        .expect("a consumer node") as u32;
    // Per broker: (request sent, response arrived) times in order.
    let mut sent: BTreeMap<u32, Vec<SimTime>> = BTreeMap::new();
    let mut answered: BTreeMap<u32, Vec<SimTime>> = BTreeMap::new();
    for ev in &events {
        if let SimEvent::Flow {
            from,
            to,
            kind,
            arrives,
            ..
        } = &ev.event
        {
            match kind {
                MessageKind::ConsumerFetch if from.0 == consumer => {
                    sent.entry(to.0).or_default().push(ev.at)
                }
                MessageKind::FetchData if to.0 == consumer => {
                    answered.entry(from.0).or_default().push(*arrives)
                }
                _ => {}
            }
        }
    }
    assert_eq!(sent.len(), 3, "fetches to every broker: {sent:?}");
    for (broker, times) in &sent {
        let answers = &answered[broker];
        assert!(times.len() > 20, "broker {broker}: {} fetches", times.len());
        for k in 1..times.len() {
            assert!(
                answers[k - 1] <= times[k],
                "broker {broker}: fetch {k} sent at {} before the answer to fetch {} arrived at {}",
                times[k],
                k - 1,
                answers[k - 1]
            );
        }
    }
}

/// A slow consumer group: `processing_us_per_record` 2000 and `max.poll.records` 100 make each
/// `poll()` hand out up to 100 records that take up to 200 ms to process (two members are 80%
/// busy at 800 records/s); auto-commit every 50 ms, so a commit schedule that ignored
/// processing would commit mid-batch.
fn slow_auto_commit_group(members: u32) -> Scenario {
    let mut s = Scenario::cluster(3, 11, 30_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 800.0, 100, ProducerConfig::default())
        .with_group(
            "g",
            &["t"],
            members,
            ConsumerConfig {
                max_poll_records: 100,
                auto_commit_interval_ms: 50,
                session_timeout_ms: 10_000,
                ..ConsumerConfig::default()
            },
        );
    s.consumer_groups[0].processing_us_per_record = 2_000;
    s
}

/// Checks every `OffsetsCommitted` against the records each consumer had finished processing:
/// a poll at time t handing out n records is processed at t + n × `processing_us_per_record`;
/// a commit (seen when its response arrives) may not cover records whose processing had not
/// ended by then. Returns how many commits were checked.
fn assert_commits_cover_only_processed_records(events: &[TimedEvent], processing_us: u64) -> usize {
    // Per consumer: its polls in order, each (time, records, [(partition, to_offset)]).
    type Poll = (SimTime, u64, Vec<(u32, u64)>);
    let mut polls: BTreeMap<u32, Vec<Poll>> = BTreeMap::new();
    let mut checked = 0;
    for ev in events {
        match &ev.event {
            SimEvent::Consumed {
                consumer,
                tp,
                from_offset,
                to_offset,
                ..
            } => {
                let list = polls.entry(*consumer).or_default();
                if list.last().map(|p| p.0) != Some(ev.at) {
                    list.push((ev.at, 0, Vec::new()));
                }
                let p = list.last_mut().expect("just pushed");
                p.1 += to_offset - from_offset;
                p.2.push((tp.partition, *to_offset));
            }
            SimEvent::OffsetsCommitted {
                consumer, offsets, ..
            } => {
                let done = |p: &&Poll| p.0 + p.1 * processing_us * 1_000 <= ev.at;
                for (tp, off) in offsets {
                    let handed: Vec<u64> = polls
                        .get(consumer)
                        .into_iter()
                        .flatten()
                        .flat_map(|p| p.2.iter().filter(|x| x.0 == tp.partition).map(|x| x.1))
                        .collect();
                    let processed = polls
                        .get(consumer)
                        .into_iter()
                        .flatten()
                        .filter(done)
                        .flat_map(|p| p.2.iter().filter(|x| x.0 == tp.partition).map(|x| x.1))
                        .max();
                    if let Some(latest) = handed.iter().max() {
                        assert!(
                            processed.is_some_and(|p| *off <= p),
                            "consumer {consumer} committed {}-{} at {} ms, but had processed only up to {processed:?} (handed out up to {latest})",
                            tp.partition,
                            off,
                            ev.at / MILLIS
                        );
                        checked += 1;
                    }
                }
            }
            _ => {}
        }
    }
    checked
}

/// Issue 14 item 2: auto-commit stores the positions of records the application has finished
/// with. Kafka commits `subscriptions.allConsumed()` from inside `poll()`
/// (`ConsumerCoordinator.maybeAutoCommitOffsetsAsync`, called by `poll` on the
/// `auto.commit.interval.ms` schedule; `onJoinPrepare` before a rebalance), so the records the
/// previous `poll()` returned are processed by then. A commit timer firing mid-processing broke
/// at-least-once delivery.
#[test]
fn auto_commit_covers_only_processed_records() {
    let mut s = slow_auto_commit_group(2);
    // Rebalances while members are busy: one more member, then a crash.
    s = s
        .with_fault(9_000, Command::AddConsumer { group: "g".into() })
        .with_fault(
            17_000,
            Command::CrashConsumer {
                group: "g".into(),
                member: 0,
            },
        );
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, 30_000 * MILLIS);
    let checked = assert_commits_cover_only_processed_records(&events, 2_000);
    assert!(checked > 100, "only {checked} commits checked");
}

/// At-least-once, as Kafka promises with auto-commit: a consumer that crashes while processing
/// a `poll()`'s records has those records delivered again to the member that takes its
/// partitions over (none of them was committed, since the next `poll()` never came).
#[test]
fn a_crash_mid_processing_redelivers_the_unprocessed_records() {
    let mut e = Engine::new(&slow_auto_commit_group(2));
    e.set_record_bulk(true);
    e.run_until(12_000 * MILLIS, u64::MAX);
    e.drain_events();
    // Step on until member 0 is well into processing a big poll, then crash it.
    let (mut poll_at, mut poll_records) = (0, 0u64);
    loop {
        e.run_for(MILLIS, u64::MAX);
        for ev in e.drain_events() {
            if let SimEvent::Consumed {
                consumer: 0,
                from_offset,
                to_offset,
                ..
            } = ev.event
            {
                if ev.at != poll_at {
                    (poll_at, poll_records) = (ev.at, 0);
                }
                poll_records += to_offset - from_offset;
            }
        }
        // Past one auto-commit interval (50 ms) into the processing, ten records still to go.
        let busy_until = poll_at + poll_records * 2 * MILLIS;
        if e.now() >= poll_at + 60 * MILLIS && e.now() + 20 * MILLIS < busy_until {
            break;
        }
        assert!(e.now() < 20_000 * MILLIS, "member 0 never had a big poll");
    }
    e.apply(Command::CrashConsumer {
        group: "g".into(),
        member: 0,
    });
    e.run_until(30_000 * MILLIS, u64::MAX);
    let r = e.report(0.0);
    assert!(
        r.invariants.redelivered >= poll_records,
        "{poll_records} records were being processed at the crash, {} redelivered",
        r.invariants.redelivered
    );
}
