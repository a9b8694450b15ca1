//! Client behaviours as Kafka's clients have them (issue 14), through whole runs: the consumer's
//! pipelined fetches, auto-commit of processed positions, record and batch size limits,
//! `buffer.memory` counted in bytes with `max.block.ms`, Poisson arrivals.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kafka_sim::engine::config::{ConsumerConfig, ProducerConfig};
use kafka_sim::engine::events::{SimEvent, TimedEvent};
use kafka_sim::engine::protocol::{ErrorCode, MessageKind};
use kafka_sim::engine::scenario::{Scenario, Workload};
use kafka_sim::engine::sim::NodeRole;
use kafka_sim::engine::time::{SimTime, MILLIS};
use kafka_sim::engine::Command;
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

/// `num_records` records of `record_size` bytes at `rate`, to a 3-partition topic, with
/// `config`; the topic accepts batches up to `max_message_bytes`.
fn sized_producer(
    record_size: u32,
    max_message_bytes: Option<u64>,
    config: ProducerConfig,
) -> Scenario {
    let mut s = Scenario::cluster(3, 5, 10_000)
        .with_topic("t", 3, 3)
        .with_producer("p", "t", 5_000.0, record_size, config);
    s.producers[0].max_records = Some(20_000);
    s.topics[0].config.max_message_bytes = max_message_bytes;
    s
}

fn produce_events(events: &[TimedEvent]) -> (u64, u64, Vec<ErrorCode>) {
    let (mut requests, mut rejected, mut failed_with) = (0, 0, Vec::new());
    for ev in events {
        match &ev.event {
            SimEvent::Flow {
                kind: MessageKind::Produce,
                ..
            } => requests += 1,
            SimEvent::ProduceRejected { .. } => rejected += 1,
            SimEvent::ProduceFailed { error, .. } if !failed_with.contains(error) => {
                failed_with.push(*error)
            }
            _ => {}
        }
    }
    (requests, rejected, failed_with)
}

/// Issue 14 item 3: a record larger than `max.request.size` fails in `send()` with
/// RecordTooLargeException (`KafkaProducer.ensureValidRecordSize`, checked against the record's
/// serialized upper bound, batch header included): nothing is sent. It was sent (alone in its
/// batch) and acknowledged.
#[test]
fn a_record_over_max_request_size_fails_in_send() {
    let config = ProducerConfig {
        max_request_size: 2_000,
        ..ProducerConfig::default()
    };
    // 1,990 value bytes + record overhead + the 61-byte batch header > 2,000.
    let mut e = Engine::new(&sized_producer(1_990, None, config.clone()));
    e.set_record_flows(true);
    let events = run_collect(&mut e, 10_000 * MILLIS);
    let r = e.report(0.0);
    let (requests, _, failed_with) = produce_events(&events);
    assert_eq!(r.produced.acked, 0);
    assert_eq!(r.produced.failed, 20_000);
    assert_eq!(
        requests, 0,
        "no produce request carries an oversized record"
    );
    assert_eq!(failed_with, vec![ErrorCode::MessageTooLarge]);
    // The same against buffer.memory.
    let config = ProducerConfig {
        buffer_memory: 1_500,
        ..ProducerConfig::default()
    };
    let mut e = Engine::new(&sized_producer(1_990, None, config));
    e.run_to_end();
    assert_eq!(e.report(0.0).produced.failed, 20_000);
    // One byte less fits: 1,920 + overhead + header <= 2,000.
    let config = ProducerConfig {
        max_request_size: 2_000,
        ..ProducerConfig::default()
    };
    let mut e = Engine::new(&sized_producer(1_920, None, config));
    e.run_to_end();
    let r = e.report(0.0);
    assert_eq!((r.produced.acked, r.produced.failed), (20_000, 0));
}

/// Issue 14 item 3: a batch the broker rejects with MESSAGE_TOO_LARGE is split and its parts
/// retried (`Sender.completeBatch` → `RecordAccumulator.splitAndReenqueue`): first into
/// `batch.size` batches, then — a split batch rejected again — into halves (KAFKA-8350), until
/// they fit; sequence numbers stay in order, so nothing is lost, duplicated or reordered. Every
/// record of such a batch used to fail.
#[test]
fn a_batch_rejected_as_too_large_is_split_and_delivered() {
    // 16 KiB batches of 100-byte records (linger.ms=50 fills them) into a topic that takes at
    // most 6,000-byte batches.
    let config = ProducerConfig {
        linger_ms: 50,
        ..ProducerConfig::default()
    };
    let mut e = Engine::new(&sized_producer(100, Some(6_000), config));
    e.set_record_flows(true);
    let events = run_collect(&mut e, 10_000 * MILLIS);
    let r = e.report(0.0);
    let (_, rejected, failed_with) = produce_events(&events);
    assert!(rejected > 0, "the broker rejected the first big batches");
    assert_eq!(failed_with, vec![], "nothing failed");
    assert_eq!((r.produced.acked, r.produced.failed), (20_000, 0));
    assert_eq!(r.invariants.duplicates, 0);
    assert_eq!(r.invariants.out_of_order, 0);
    assert_eq!(r.invariants.acked_lost, 0);
    // A single record over the topic's limit cannot be split: it fails.
    let mut e = Engine::new(&sized_producer(
        7_000,
        Some(6_000),
        ProducerConfig::default(),
    ));
    e.set_record_flows(true);
    let events = run_collect(&mut e, 10_000 * MILLIS);
    let (_, rejected, failed_with) = produce_events(&events);
    assert!(rejected > 0);
    assert_eq!(failed_with, vec![ErrorCode::MessageTooLarge]);
    assert_eq!(e.report(0.0).produced.acked, 0);
}

/// Issue 14 item 5: `buffer.memory` counts bytes, as Kafka's `BufferPool` does — each batch
/// holds `max(batch.size, its first record's size)`, so `batch.size=0` (one record per batch)
/// no longer means "no memory used": bursts of a million records wait in the application
/// (blocked `send()`), not in an ever-growing accumulator.
#[test]
fn buffer_memory_bounds_the_accumulator_in_bytes() {
    let config = ProducerConfig {
        batch_size: 0,
        ..ProducerConfig::default()
    };
    let mut s = Scenario::cluster(3, 3, 4_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 1.0, 100, config.clone());
    s.producers[0].workload = Workload::Bursts {
        burst_records: 1_000_000,
        every_ms: 1_000,
    };
    let mut e = Engine::new(&s);
    // One record per batch: 61 + 108 bytes of buffer.memory each.
    let max_batches = config.buffer_memory / (61 + 100 + 8);
    let (mut peak_batches, mut peak_bytes) = (0u64, 0u64);
    while e.now() < 4_000 * MILLIS {
        e.run_until(e.now() + 20 * MILLIS, u64::MAX);
        let snap = e.producers()[0].snapshot();
        peak_batches = peak_batches.max(snap.queued.iter().map(|&q| q as u64).sum());
        peak_bytes = peak_bytes.max(snap.buffer_used);
    }
    assert!(
        peak_batches <= max_batches,
        "{peak_batches} batches queued, buffer.memory holds {max_batches}"
    );
    assert!(
        peak_bytes <= config.buffer_memory,
        "{peak_bytes} bytes used"
    );
    assert!(
        peak_batches > max_batches / 2,
        "the buffer did fill: {peak_batches}"
    );
    // One record per batch and one request at a time per connection: slow, but it flows.
    let r = e.report(0.0);
    assert!(r.produced.acked > 50_000, "acked {}", r.produced.acked);
}

/// `max.block.ms`: with the buffer full and nothing acknowledged (every broker down), the
/// application's `send()` blocks; each record it tries throws a TimeoutException after
/// `max.block.ms` (`BufferPool.allocate`), one after the other — not every due record at once.
#[test]
fn a_full_buffer_fails_one_send_per_max_block_ms() {
    let config = ProducerConfig {
        buffer_memory: 200_000,
        max_block_ms: 200,
        ..ProducerConfig::default()
    };
    let mut s = Scenario::cluster(3, 3, 9_000)
        .with_topic("t", 6, 3)
        .with_producer("p", "t", 2_000.0, 100, config);
    for b in 1..=3 {
        s = s.with_fault(1_000, Command::CrashBroker { broker: b });
    }
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, 9_000 * MILLIS);
    let timed_out: Vec<(SimTime, u32)> = events
        .iter()
        .filter_map(|ev| match ev.event {
            SimEvent::ProduceFailed {
                error: ErrorCode::RequestTimedOut,
                records,
                ..
            } if ev.at < 8_000 * MILLIS => Some((ev.at, records)),
            _ => None,
        })
        .collect();
    let failed: u32 = timed_out.iter().map(|x| x.1).sum();
    // The buffer fills about 1 s after the crash (2,000 records/s of 100 B in 16 KiB batches
    // that never leave), then one record fails every 200 ms until 8 s: about 30.
    assert!(
        (20..=40).contains(&failed),
        "{failed} records timed out in send(): {:?}",
        &timed_out[..timed_out.len().min(5)]
    );
}

/// Batch sizes of a one-partition topic at 2,000 records/s with `linger.ms=20`, from a scenario
/// file with the given `arrivals` (none: the default): (mean, variance, records acknowledged,
/// events the run took).
fn linger_batches(arrivals: Option<&str>) -> (f64, f64, u64, u64) {
    let arrivals = arrivals.map_or(String::new(), |a| format!(r#""arrivals": "{a}","#));
    let text = format!(
        r#"{{"duration_ms": 20000, "topics": [{{"name": "t", "partitions": 1, "replication_factor": 3}}],
            "producers": [{{"rate": 2000, {arrivals} "record_size": 100, "config": {{"linger.ms": 20}}}}]}}"#
    );
    let s = kafka_sim::scenario_file::parse_scenario(&text).expect("valid scenario");
    let mut e = Engine::new(&s);
    let events = run_collect(&mut e, 20_000 * MILLIS);
    let sizes: Vec<f64> = events
        .iter()
        .filter_map(|ev| match &ev.event {
            SimEvent::ProduceAcked { batch, .. } if ev.at > 1_000 * MILLIS => {
                Some(batch.record_count as f64)
            }
            _ => None,
        })
        .collect();
    let n = sizes.len() as f64;
    let mean = sizes.iter().sum::<f64>() / n;
    let var = sizes.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (
        mean,
        var,
        e.report(0.0).produced.acked,
        e.events_processed(),
    )
}

/// Issue 14 item 8: Poisson arrivals (exponential gaps; the default of scenario files) make a
/// lingering batch hold 1 + Poisson(rate × linger) records — variance about the mean — where
/// evenly spaced records (`"arrivals": "fixed"`) fill every batch alike. The mean rate is the
/// configured one either way.
#[test]
fn poisson_arrivals_vary_batch_sizes_around_the_same_mean() {
    let (fixed_mean, fixed_var, fixed_acked, fixed_events) = linger_batches(Some("fixed"));
    let (mean, var, acked, events) = linger_batches(None);
    assert_eq!(
        linger_batches(Some("poisson")).1,
        var,
        "poisson is the default"
    );
    assert!(
        fixed_var < 2.0,
        "fixed arrivals: batch sizes {fixed_mean} ± {fixed_var}"
    );
    // 20 ms of arrivals at 2,000/s after the first record: 1 + Poisson(40).
    assert!((35.0..47.0).contains(&mean), "Poisson: mean batch {mean}");
    assert!(
        (20.0..65.0).contains(&var),
        "Poisson: batch size variance {var}"
    );
    for a in [fixed_acked, acked] {
        assert!((38_000..=42_000).contains(&a), "acked {a} of ~40,000");
    }
    assert!(
        events < fixed_events * 3 / 2,
        "{events} events with Poisson arrivals, {fixed_events} with fixed"
    );
}

/// Drawing arrivals costs about what fixed ticks cost, also while batches wait for a leader (a
/// broker crash): the application wakes when a record arrives or a batch needs it, never in
/// between. (An overdue batch once made a Poisson producer wake every nanosecond: 600,000
/// events where fixed arrivals took 7,000.)
#[test]
fn poisson_arrivals_cost_about_what_fixed_arrivals_cost() {
    let events = |arrivals: &str| {
        let text = format!(
            r#"{{"duration_ms": 3000, "topics": [{{"name": "t", "partitions": 3, "replication_factor": 3}}],
                "producers": [{{"rate": 2000, "arrivals": "{arrivals}"}}],
                "faults": [{{"at_ms": 1500, "action": "crash_broker", "broker": 1}},
                           {{"at_ms": 2200, "action": "restart_broker", "broker": 1}}]}}"#
        );
        let mut e = Engine::new(&kafka_sim::scenario_file::parse_scenario(&text).expect("valid"));
        e.run_to_end();
        e.events_processed()
    };
    let (poisson, fixed) = (events("poisson"), events("fixed"));
    assert!(
        poisson < fixed * 3 / 2,
        "{poisson} events with Poisson arrivals, {fixed} with fixed"
    );
}
