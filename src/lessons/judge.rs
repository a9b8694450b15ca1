//! Runs a scenario while recording what claims are judged on, and judges them: a compact record
//! of the run's events (bulk ones reduced to counts), the log audit at every window boundary,
//! and the charts' samples.

use std::collections::{BTreeMap, BTreeSet};

use super::claims::{Agg, Claim, Happening, Measure, Part, Series, Verdict, Window};
use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::ids::TopicPartition;
use crate::engine::scenario::Scenario;
use crate::engine::time::{ms, MILLIS};
use crate::engine::Engine;

/// What happened, compacted: bulk events as counts, the rest as they are.
#[derive(Clone, Debug)]
enum Fact {
    /// A poll returned `records` of `tp` to a consumer of `group`.
    Consumed {
        group: u32,
        consumer: u32,
        records: u64,
    },
    /// A producer's batch was acknowledged.
    Acked {
        producer: u32,
        tp: TopicPartition,
        records: u64,
    },
    /// Anything else worth a claim.
    Event(SimEvent),
}

/// The log audit's figures at one moment.
#[derive(Clone, Debug, Default)]
struct AuditPoint {
    acked_lost: u64,
    duplicates: u64,
    out_of_order: u64,
    read_above_hw: u64,
    dups_by_producer: Vec<(u32, u64)>,
    /// Bytes across racks so far: consumer fetches, and every kind.
    cross_consume: u64,
    cross_total: u64,
    /// Transactions so far (committed, aborted, fenced producers) and aborted records read by a
    /// read_committed group.
    txn: [u64; 3],
    aborted_read: u64,
    /// The processors' exactly-once audit now: duplicates and missing input records.
    eos: [u64; 2],
}

/// A scenario running under observation for claims.
pub struct ClaimRun {
    /// The engine (actions of lesson steps are applied to it directly).
    pub engine: Engine,
    facts: Vec<(u64, Fact)>,
    audits: BTreeMap<u64, AuditPoint>,
    boundaries: BTreeSet<u64>,
}

impl ClaimRun {
    /// Starts `scenario`; the log is audited at each boundary (ms) it passes, so claims about
    /// lost, duplicate or reordered records can be judged on windows ending there.
    pub fn new(scenario: &Scenario, boundaries: impl IntoIterator<Item = u64>) -> Self {
        let mut engine = Engine::new(scenario);
        engine.set_record_bulk(true);
        let mut audits = BTreeMap::new();
        audits.insert(0, AuditPoint::default());
        ClaimRun {
            engine,
            facts: Vec::new(),
            audits,
            boundaries: boundaries.into_iter().collect(),
        }
    }

    /// Now, in simulated ms.
    pub fn now_ms(&self) -> u64 {
        self.engine.now() / MILLIS
    }

    /// Runs to `t_ms` in slices (the event buffer never overflows), auditing at boundaries.
    pub fn run_to(&mut self, t_ms: u64) {
        while self.now_ms() < t_ms {
            let now = self.now_ms();
            let boundary = self.boundaries.range(now + 1..).next().copied();
            let next = (now + 250).min(t_ms).min(boundary.unwrap_or(u64::MAX));
            self.engine.run_until(ms(next), u64::MAX);
            let events = self.engine.drain_events();
            self.record(events);
            if self.engine.stuck_clock().is_some() {
                break;
            }
            if self.boundaries.contains(&self.now_ms()) {
                self.audit_now();
            }
        }
        self.audit_now();
    }

    fn audit_now(&mut self) {
        self.engine.audit();
        let r = self.engine.invariants();
        let point = AuditPoint {
            acked_lost: r.acked_lost,
            duplicates: r.duplicates,
            out_of_order: r.out_of_order,
            read_above_hw: r.read_above_hw,
            dups_by_producer: self.engine.invariants_by_producer(),
            cross_consume: self
                .engine
                .traffic()
                .map_or(0, |t| t.cross(crate::engine::racks::TrafficKind::Consume)),
            cross_total: self.engine.traffic().map_or(0, |t| t.cross_total()),
            txn: self
                .engine
                .transactions_report()
                .map_or([0; 3], |t| [t.committed, t.aborted, t.fenced]),
            aborted_read: r.aborted_read,
            eos: [r.eos_duplicates.unwrap_or(0), r.eos_missing.unwrap_or(0)],
        };
        let t = self.now_ms();
        self.audits.insert(t, point);
    }

    fn record(&mut self, events: Vec<TimedEvent>) {
        for e in events {
            let t = e.at / MILLIS;
            let fact = match e.event {
                SimEvent::Consumed {
                    group,
                    consumer,
                    from_offset,
                    to_offset,
                    ..
                } => Fact::Consumed {
                    group,
                    consumer,
                    records: to_offset.saturating_sub(from_offset),
                },
                SimEvent::ProduceAcked {
                    producer,
                    tp,
                    batch,
                    ..
                } => Fact::Acked {
                    producer,
                    tp,
                    records: u64::from(batch.record_count),
                },
                SimEvent::LeaderAppend { .. }
                | SimEvent::HighWatermark { .. }
                | SimEvent::Flow { .. }
                | SimEvent::RecordsSent { .. }
                | SimEvent::OffsetsCommitted { .. } => continue,
                other => Fact::Event(other),
            };
            self.facts.push((t, fact));
        }
    }

    fn tp(&self, p: Part) -> Option<TopicPartition> {
        let topic = self.engine.topics().index_of(p.0)?;
        Some(TopicPartition::new(topic, p.1))
    }

    fn group_index(&self, name: &str) -> Option<u32> {
        self.engine
            .groups()
            .iter()
            .position(|g| g.spec.group_id == name)
            .map(|i| i as u32)
    }

    fn in_window(&self, w: Window) -> impl Iterator<Item = &(u64, Fact)> {
        self.facts
            .iter()
            .filter(move |(t, _)| *t >= w.from_ms && *t < w.to_ms)
    }

    fn audit_at(&self, t: u64) -> AuditPoint {
        self.audits
            .range(..=t)
            .next_back()
            .map(|(_, a)| a.clone())
            .unwrap_or_default()
    }

    /// Judges a claim; `default` is the window used when the claim names none.
    pub fn judge(&self, c: &Claim, default: Window) -> Verdict {
        let w = c.window.unwrap_or(default);
        let measured = self.measure(&c.measure, w);
        Verdict {
            says: c.says.to_string(),
            window: w,
            expect: c.expect.describe(),
            measured,
            unit: c.measure.unit().to_string(),
            held: c.expect.holds(measured),
        }
    }

    fn measure(&self, m: &Measure, w: Window) -> f64 {
        match m {
            Measure::Sample(series, agg) => self.sample(*series, *agg, w),
            Measure::Count(h) => self.count(h, w),
            Measure::ConsumeRate(g) => {
                let gi = g.and_then(|g| self.group_index(g));
                if g.is_some() && gi.is_none() {
                    return f64::NAN;
                }
                let n: u64 = self
                    .in_window(w)
                    .filter_map(|(_, f)| match f {
                        Fact::Consumed { group, records, .. } if gi.is_none_or(|x| x == *group) => {
                            Some(*records)
                        }
                        _ => None,
                    })
                    .sum();
                n as f64 / w.secs()
            }
            Measure::AckRate(p) => {
                let tp = p.and_then(|p| self.tp(p));
                let n: u64 = self
                    .in_window(w)
                    .filter_map(|(_, f)| match f {
                        Fact::Acked { tp: t, records, .. } if tp.is_none_or(|x| x == *t) => {
                            Some(*records)
                        }
                        _ => None,
                    })
                    .sum();
                n as f64 / w.secs()
            }
            Measure::RecordsPerBatch(p) | Measure::BatchesPerSec(p) => {
                let (mut batches, mut records) = (0u64, 0u64);
                for (_, f) in self.in_window(w) {
                    if let Fact::Acked {
                        producer,
                        records: r,
                        ..
                    } = f
                    {
                        if producer == p {
                            batches += 1;
                            records += r;
                        }
                    }
                }
                if matches!(m, Measure::BatchesPerSec(_)) {
                    batches as f64 / w.secs()
                } else if batches == 0 {
                    0.0
                } else {
                    records as f64 / batches as f64
                }
            }
            Measure::MaxRecordsPerPoll(g) => {
                let Some(gi) = self.group_index(g) else {
                    return f64::NAN;
                };
                // One poll hands over the records of all its partitions at one instant.
                let mut polls: BTreeMap<(u64, u32), u64> = BTreeMap::new();
                for (t, f) in self.in_window(w) {
                    if let Fact::Consumed {
                        group,
                        consumer,
                        records,
                    } = f
                    {
                        if *group == gi {
                            *polls.entry((*t, *consumer)).or_default() += records;
                        }
                    }
                }
                polls.values().copied().max().unwrap_or(0) as f64
            }
            Measure::IdleMembers(g) => self
                .in_window(w)
                .filter_map(|(_, f)| match f {
                    Fact::Event(SimEvent::RebalanceCompleted {
                        group_id,
                        assignment,
                        ..
                    }) if group_id == g => {
                        Some(assignment.iter().filter(|(_, p)| p.is_empty()).count())
                    }
                    _ => None,
                })
                .last()
                .map(|n| n as f64)
                .unwrap_or(f64::NAN),
            Measure::LongestConsumeGapMs(g) => self.longest_gap(g, w),
            Measure::LongestUnownedMs(g) => self.longest_unowned(g, w),
            Measure::IsrMin(p) => self.isr_min(*p, w),
            Measure::CrossZoneMbPerS(consume_only) => {
                let (a, b) = (self.audit_at(w.from_ms), self.audit_at(w.to_ms));
                let bytes = if *consume_only {
                    b.cross_consume.saturating_sub(a.cross_consume)
                } else {
                    b.cross_total.saturating_sub(a.cross_total)
                };
                let secs = w.to_ms.saturating_sub(w.from_ms) as f64 / 1000.0;
                if self.engine.traffic().is_none() || secs <= 0.0 {
                    f64::NAN
                } else {
                    bytes as f64 / secs / 1e6
                }
            }
            Measure::ReplicasOn(b) => self.replicas_on(*b),
            Measure::RacksSpannedMin => self.racks_spanned_min(),
            Measure::Transactions(outcome) => {
                let (a, b) = (self.audit_at(w.from_ms), self.audit_at(w.to_ms));
                let i = *outcome as usize;
                b.txn[i].saturating_sub(a.txn[i]) as f64
            }
            Measure::EosDuplicates => self.audit_at(w.to_ms).eos[0] as f64,
            Measure::EosMissing => self.audit_at(w.to_ms).eos[1] as f64,
            Measure::AbortedRead => {
                let (a, b) = (self.audit_at(w.from_ms), self.audit_at(w.to_ms));
                b.aborted_read.saturating_sub(a.aborted_read) as f64
            }
            Measure::AckedLost
            | Measure::Duplicates(_)
            | Measure::OutOfOrder
            | Measure::ReadAboveHw => {
                let (a, b) = (self.audit_at(w.from_ms), self.audit_at(w.to_ms));
                let dups = |x: &AuditPoint, p: u32| {
                    x.dups_by_producer
                        .iter()
                        .find(|(q, _)| *q == p)
                        .map(|(_, d)| *d)
                        .unwrap_or(0)
                };
                let (x, y) = match m {
                    Measure::AckedLost => (a.acked_lost, b.acked_lost),
                    Measure::Duplicates(None) => (a.duplicates, b.duplicates),
                    Measure::Duplicates(Some(p)) => (dups(&a, *p), dups(&b, *p)),
                    Measure::OutOfOrder => (a.out_of_order, b.out_of_order),
                    _ => (a.read_above_hw, b.read_above_hw),
                };
                y.saturating_sub(x) as f64
            }
        }
    }

    fn sample(&self, series: Series, agg: Agg, w: Window) -> f64 {
        let values: Vec<f64> = self
            .engine
            .metrics()
            .samples()
            .iter()
            .filter(|s| {
                let t = (s.t * 1000.0).round() as u64;
                t > w.from_ms && t <= w.to_ms
            })
            .map(|s| match series {
                Series::AckP50 => s.ack_p50,
                Series::AckP99 => s.ack_p99,
                Series::E2eP99 => s.e2e_p99,
                Series::AckRate => s.ack_rps,
                Series::ConsumeRate => s.consume_rps,
                Series::UnderReplicated => f64::from(s.urp),
                Series::Offline => f64::from(s.offline),
                Series::IsrMin => f64::from(s.isr_min),
                Series::Lag(g) => s
                    .lag
                    .iter()
                    .find(|(id, _)| id == g)
                    .map(|(_, l)| *l as f64)
                    .unwrap_or(f64::NAN),
            })
            .collect();
        if values.is_empty() {
            return f64::NAN;
        }
        match agg {
            Agg::Max => values.iter().copied().fold(f64::MIN, f64::max),
            Agg::Min => values.iter().copied().fold(f64::MAX, f64::min),
            Agg::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Agg::Last => values[values.len() - 1],
        }
    }

    fn count(&self, h: &Happening, w: Window) -> f64 {
        let part =
            |p: &Option<Part>, tp: &TopicPartition| p.is_none_or(|p| self.tp(p) == Some(*tp));
        let group = |g: &str, idx: u32| self.group_index(g) == Some(idx);
        let mut n = 0u64;
        for (_, f) in self.in_window(w) {
            let Fact::Event(e) = f else { continue };
            n += match (h, e) {
                (Happening::Refused(p, code), SimEvent::ProduceRejected { tp, error, .. }) => {
                    u64::from(part(p, tp) && error == code)
                }
                (Happening::IsrShrink(p, b), SimEvent::IsrChanged { tp, isr, shrink }) => {
                    u64::from(*shrink && part(p, tp) && b.is_none_or(|b| !isr.contains(&b)))
                }
                (Happening::IsrExpand(p, b), SimEvent::IsrChanged { tp, isr, shrink }) => {
                    u64::from(!*shrink && part(p, tp) && b.is_none_or(|b| isr.contains(&b)))
                }
                (
                    Happening::Elected(p, unclean_only),
                    SimEvent::LeaderChanged {
                        tp,
                        leader: Some(_),
                        preferred: false,
                        unclean,
                        ..
                    },
                ) => u64::from(part(p, tp) && (!*unclean_only || *unclean)),
                (
                    Happening::WentOffline(p),
                    SimEvent::LeaderChanged {
                        tp, leader: None, ..
                    },
                ) => u64::from(part(p, tp)),
                (
                    Happening::PreferredElection,
                    SimEvent::LeaderChanged {
                        preferred: true, ..
                    },
                ) => 1,
                (Happening::Fenced(b), SimEvent::BrokerFenced { broker }) => u64::from(b == broker),
                (Happening::Unfenced(b), SimEvent::BrokerUnfenced { broker }) => {
                    u64::from(b == broker)
                }
                (
                    Happening::RegistrationRefused(b),
                    SimEvent::BrokerRegistrationRefused { broker, .. },
                ) => u64::from(b == broker),
                (Happening::Crashed(b), SimEvent::BrokerCrashed { broker }) => {
                    u64::from(b == broker)
                }
                (Happening::Restarted(b), SimEvent::BrokerRestarted { broker }) => {
                    u64::from(b == broker)
                }
                (
                    Happening::TruncatedRecords(b),
                    SimEvent::LogTruncated {
                        broker, removed, ..
                    },
                ) if b.is_none_or(|b| b == *broker) => {
                    removed.iter().map(|r| u64::from(r.record_count)).sum()
                }
                (Happening::RebalanceStarted(g), SimEvent::RebalanceStarted { group_id, .. }) => {
                    u64::from(group_id == g)
                }
                (
                    Happening::RebalanceCompleted(g),
                    SimEvent::RebalanceCompleted { group_id, .. },
                ) => u64::from(group_id == g),
                (
                    Happening::Revoked(g),
                    SimEvent::PartitionsRevoked {
                        group: gi,
                        partitions,
                        ..
                    },
                ) if group(g, *gi) => partitions.len() as u64,
                (
                    Happening::DeliveryFailed(p),
                    SimEvent::ProduceFailed {
                        producer, records, ..
                    },
                ) if p.is_none_or(|p| p == *producer) => u64::from(*records),
                (
                    Happening::Retried(p, code),
                    SimEvent::ProduceRetried {
                        producer, error, ..
                    },
                ) => {
                    u64::from(p.is_none_or(|p| p == *producer) && code.is_none_or(|c| c == *error))
                }
                (Happening::EpochBumped, SimEvent::ProducerEpochBumped { .. }) => 1,
                (Happening::ElrNonEmpty, SimEvent::ElrChanged { elr, .. }) => {
                    u64::from(!elr.is_empty())
                }
                (Happening::ConsumerLeft(g), SimEvent::ConsumerLeft { group: gi, .. }) => {
                    u64::from(group(g, *gi))
                }
                (
                    Happening::TxnAborted(id),
                    SimEvent::TxnCompleted {
                        transactional_id,
                        committed: false,
                        ..
                    },
                ) => u64::from(transactional_id == id),
                _ => 0,
            };
        }
        n as f64
    }

    /// The longest time in `w` between two polls of `g` that returned records (the window's
    /// edges count as edges of a gap).
    fn longest_gap(&self, g: &str, w: Window) -> f64 {
        let Some(gi) = self.group_index(g) else {
            return f64::NAN;
        };
        let mut last = w.from_ms;
        let mut longest = 0;
        for (t, f) in self.in_window(w) {
            if let Fact::Consumed { group, records, .. } = f {
                if *group == gi && *records > 0 {
                    longest = longest.max(t - last);
                    last = *t;
                }
            }
        }
        longest.max(w.to_ms - last) as f64
    }

    /// The longest time in `w` one partition of `g` spent revoked (or owned by a crashed
    /// member) before a member was assigned it again.
    fn longest_unowned(&self, g: &str, w: Window) -> f64 {
        let Some(gi) = self.group_index(g) else {
            return f64::NAN;
        };
        let mut owner: BTreeMap<TopicPartition, u32> = BTreeMap::new();
        let mut since: BTreeMap<TopicPartition, u64> = BTreeMap::new();
        let mut longest = 0u64;
        let overlap = |s: u64, e: u64| e.min(w.to_ms).saturating_sub(s.max(w.from_ms));
        for (t, f) in self.facts.iter().filter(|(t, _)| *t < w.to_ms) {
            let Fact::Event(e) = f else { continue };
            match e {
                SimEvent::PartitionsAssigned {
                    group,
                    consumer,
                    partitions,
                } if *group == gi => {
                    for tp in partitions {
                        owner.insert(*tp, *consumer);
                        if let Some(s) = since.remove(tp) {
                            longest = longest.max(overlap(s, *t));
                        }
                    }
                }
                SimEvent::PartitionsRevoked {
                    group,
                    consumer,
                    partitions,
                } if *group == gi => {
                    for tp in partitions {
                        if owner.get(tp) == Some(consumer) {
                            owner.remove(tp);
                            since.insert(*tp, *t);
                        }
                    }
                }
                SimEvent::ConsumerCrashed { group, consumer } if *group == gi => {
                    let lost: Vec<TopicPartition> = owner
                        .iter()
                        .filter(|(_, c)| *c == consumer)
                        .map(|(tp, _)| *tp)
                        .collect();
                    for tp in lost {
                        owner.remove(&tp);
                        since.insert(tp, *t);
                    }
                }
                _ => {}
            }
        }
        for s in since.values() {
            longest = longest.max(overlap(*s, w.to_ms));
        }
        longest as f64
    }

    /// The smallest ISR of `p` in `w` (its size when `w` starts, then every change in it).
    fn isr_min(&self, p: Part, w: Window) -> f64 {
        let Some(tp) = self.tp(p) else {
            return f64::NAN;
        };
        let rf = self
            .engine
            .topics()
            .get(tp.topic)
            .map(|t| t.replication_factor)
            .unwrap_or(0) as usize;
        let mut size = rf;
        let mut min = usize::MAX;
        for (t, f) in self.facts.iter().filter(|(t, _)| *t < w.to_ms) {
            if let Fact::Event(SimEvent::IsrChanged { tp: x, isr, .. }) = f {
                if *x == tp {
                    if *t >= w.from_ms {
                        min = min.min(size.min(isr.len()));
                    }
                    size = isr.len();
                }
            }
        }
        min.min(size) as f64
    }
}
