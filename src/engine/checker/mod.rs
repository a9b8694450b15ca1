//! The invariant checker: observes events and leader logs, never influences the run. It counts
//! acknowledged records lost, duplicates and order violations in logs, reads above the high
//! watermark, two leaders in one epoch, records a consumer group skipped and commits that moved
//! a group's offset backwards (the consumer side, [`consumer`]), and consumer redeliveries,
//! keeping the first example of each.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::events::{SimEvent, TimedEvent};
use super::ids::{BrokerId, TopicPartition, TopicTable};
use super::protocol::RecordIds;
use super::time::{to_ms_f64, SimTime};

mod acked;
mod audit;
mod consumer;
pub mod eos;
mod intervals;
mod txn;

use acked::AckedBatches;
pub use audit::LeaderLog;
use audit::PartitionAudit;
use consumer::ConsumerAudit;

/// Most acknowledged batches remembered for the audit (beyond that, new ones are not tracked
/// and the report says so).
pub const MAX_TRACKED_ACKS: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Acked {
    ids: RecordIds,
    count: u32,
    at: SimTime,
    /// Leader epoch of the copy that was acknowledged.
    epoch: u32,
}

/// Counts and first examples.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InvariantReport {
    /// Acknowledged records (acks ≠ 0) not in the leader's log at their acknowledged offset.
    pub acked_lost: u64,
    /// Records present more than once in a leader's log.
    pub duplicates: u64,
    /// Records out of their producer's creation order in a leader's log.
    pub out_of_order: u64,
    /// Records returned to a consumer from at or above the high watermark.
    pub read_above_hw: u64,
    /// Leader elections that reused an epoch with a different leader.
    pub two_leaders_same_epoch: u64,
    /// Records consumed again (consumer side, after a crash or rebalance).
    pub redelivered: u64,
    /// Records below a group's committed offset that no member of the group ever received
    /// (at-least-once broken); offsets an `auto.offset.reset` jumped over are not owed.
    #[serde(default)]
    pub skipped: u64,
    /// Commits that moved a group's committed offset for a partition backwards, outside an
    /// offset reset.
    #[serde(default)]
    pub commit_regressions: u64,
    /// First example of each kind of violation.
    pub first_examples: Vec<String>,
    /// Acknowledged batches not tracked because of the memory cap.
    pub untracked_acks: u64,
    /// Records of aborted transactions a read_committed group received.
    #[serde(default)]
    pub aborted_read: u64,
    /// Records a read_committed group received at or above the fetch's last stable offset.
    #[serde(default)]
    pub uncommitted_read: u64,
    /// Input records a processor's committed output holds more than once (`None` without
    /// processors).
    #[serde(default)]
    pub eos_duplicates: Option<u64>,
    /// Input records below a processor group's committed offset missing from its committed
    /// output (`None` without processors).
    #[serde(default)]
    pub eos_missing: Option<u64>,
}

/// The checker.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    acked: AckedBatches,
    lost: BTreeSet<(TopicPartition, u64)>,
    epochs: BTreeMap<(TopicPartition, u32), BrokerId>,
    consumers: ConsumerAudit,
    first: BTreeMap<&'static str, String>,
    report: InvariantReport,
    topics: TopicTable,
    dups_by_producer: BTreeMap<u32, u64>,
    /// Per partition, what the log audit has covered.
    audits: BTreeMap<TopicPartition, PartitionAudit>,
    /// Acknowledgements received since the last sweep.
    unaudited: Vec<(TopicPartition, u64)>,
    /// Transactions read by read_committed groups.
    txn: txn::TxnAudit,
    /// The processors' exactly-once audit (`None` without processors).
    eos: Option<Box<eos::EosAudit>>,
}

impl InvariantChecker {
    /// A checker that names partitions with `topics`.
    pub fn new(topics: TopicTable) -> Self {
        InvariantChecker {
            topics,
            ..Self::default()
        }
    }

    /// Which consumer groups (by group index) read with `isolation.level=read_committed`.
    pub fn with_read_committed(mut self, groups: Vec<bool>) -> Self {
        self.txn.read_committed = groups;
        self
    }

    fn txn_violation(&mut self, v: txn::TxnViolation) {
        let txn::TxnViolation::AbortedRead {
            records,
            group,
            tp,
            producer_id,
            at,
        } = v;
        self.report.aborted_read += records;
        let name = self.topics.display(tp);
        let g = self.consumers.group_name(group);
        self.note(
            "aborted_read",
            at,
            format!(
                "read_committed group {g} received {records} records of {name} from an \
                 aborted transaction of producer id {producer_id}"
            ),
        );
    }

    /// Names consumer groups (by group index) in the examples.
    pub fn with_group_names(mut self, names: Vec<String>) -> Self {
        self.consumers.group_names = names;
        self
    }

    fn note(&mut self, kind: &'static str, at: SimTime, text: String) {
        self.first
            .entry(kind)
            .or_insert_with(|| format!("{kind} at {:.3} s: {text}", to_ms_f64(at) / 1000.0));
    }

    fn lose(&mut self, at: SimTime, tp: TopicPartition, base: u64, a: Acked, why: &str) {
        if self.lost.insert((tp, base)) {
            self.report.acked_lost += a.count as u64;
            let name = self.topics.display(tp);
            self.note(
                "acked_lost",
                at,
                format!(
                    "{} records acknowledged at {:.3} s at {name} offset {base} {why}",
                    a.count,
                    to_ms_f64(a.at) / 1000.0
                ),
            );
        }
    }

    /// Observes one event.
    pub fn observe(&mut self, e: &TimedEvent) {
        self.observe_at(e.at, &e.event);
    }

    /// Notes a processor's output records (the exactly-once audit's map back to inputs).
    #[cold]
    #[inline(never)]
    fn processor_output(&mut self, event: &SimEvent) {
        if let (
            Some(e),
            SimEvent::ProcessorOutput {
                processor,
                producer,
                in_tp,
                in_from,
                out_tp,
                first_record,
                count,
            },
        ) = (self.eos.as_mut(), event)
        {
            e.output(
                *processor,
                *producer,
                *out_tp,
                *first_record,
                *count,
                *in_tp,
                *in_from,
            );
        }
    }

    /// Audits processors (scenarios with `processors`).
    pub fn set_processors(
        &mut self,
        specs: &[crate::engine::scenario::ProcessorSpec],
        topics: &TopicTable,
    ) {
        let processors = specs
            .iter()
            .map(|p| eos::EosProcessor {
                id: p.id.clone(),
                group_id: p.group_id.clone(),
                input: topics.index_of(&p.input).unwrap_or(0),
                output: topics.index_of(&p.output).unwrap_or(0),
            })
            .collect();
        let mut audit = eos::EosAudit::default();
        audit.processors = processors;
        self.eos = Some(Box::new(audit));
    }

    /// The processors audited (empty without processors).
    pub fn eos_processors(&self) -> &[eos::EosProcessor] {
        self.eos.as_ref().map_or(&[], |e| &e.processors)
    }

    /// Runs the exactly-once audit of processor `k` against `logs`.
    pub fn eos_sweep(&mut self, now: SimTime, k: usize, logs: &eos::EosLogs) {
        let topics = &self.topics;
        let Some(e) = self.eos.as_mut() else {
            return;
        };
        e.audit(k, logs, |tp| topics.display(tp));
        let (_, _, dup, missing) = e.totals();
        if let Some(x) = dup {
            self.note("eos_duplicates", now, x);
        }
        if let Some(x) = missing {
            self.note("eos_missing", now, x);
        }
    }

    /// [`observe`](Self::observe) for an event at `at` not wrapped in a [`TimedEvent`].
    pub fn observe_at(&mut self, at: SimTime, event: &SimEvent) {
        match event {
            SimEvent::ProduceAcked {
                tp,
                batch,
                acks_zero: false,
                ..
            } if batch.base_offset != u64::MAX => {
                if self.acked.len() < MAX_TRACKED_ACKS {
                    self.acked.insert(
                        *tp,
                        batch.base_offset,
                        Acked {
                            ids: batch.ids,
                            count: batch.record_count,
                            at,
                            epoch: batch.partition_leader_epoch,
                        },
                    );
                    self.unaudited.push((*tp, batch.base_offset));
                } else {
                    self.report.untracked_acks += 1;
                }
            }
            SimEvent::LogTruncated {
                tp,
                removed,
                broker,
                ..
            } => {
                for b in removed {
                    if let Some(a) = self.acked.get(*tp, b.base_offset).copied() {
                        // The acknowledged copy itself, not an older copy of the same records
                        // that a new leader took again (a retry) at the same offset.
                        if a.ids == b.ids && a.epoch == b.partition_leader_epoch {
                            self.lose(
                                at,
                                *tp,
                                b.base_offset,
                                a,
                                &format!("were truncated from broker {broker}"),
                            );
                        }
                    }
                }
            }
            SimEvent::Consumed {
                group,
                tp,
                from_offset,
                to_offset,
                high_watermark,
                batch,
                last_stable_offset,
                ..
            } => {
                self.consumers
                    .consumed(*group, *tp, *from_offset, *to_offset);
                if self.txn.committed_only(*group) {
                    if to_offset > last_stable_offset {
                        let n = to_offset - (*from_offset).max(*last_stable_offset);
                        self.report.uncommitted_read += n;
                        let name = self.topics.display(*tp);
                        self.note(
                            "uncommitted_read",
                            at,
                            format!(
                                "{n} records of {name} read by a read_committed group above \
                                 the LSO {last_stable_offset}"
                            ),
                        );
                    }
                    if batch.is_transactional() {
                        let n = to_offset - from_offset;
                        if let Some(v) = self.txn.consumed(at, *group, *tp, batch, n) {
                            self.txn_violation(v);
                        }
                    }
                }
                if to_offset > high_watermark {
                    let n = to_offset - (*from_offset).max(*high_watermark);
                    self.report.read_above_hw += n;
                    let name = self.topics.display(*tp);
                    self.note(
                        "read_above_hw",
                        at,
                        format!("{n} records of {name} read above HW {high_watermark}"),
                    );
                }
            }
            SimEvent::OffsetReset {
                group,
                tp,
                from,
                to,
                ..
            } => self.consumers.reset(*group, *tp, *from, *to),
            SimEvent::OffsetsCommitted {
                group,
                consumer,
                offsets,
            } => {
                for &(tp, offset) in offsets {
                    self.consumers
                        .committed(&self.topics, at, *group, *consumer, tp, offset);
                }
            }
            SimEvent::LeaderChanged {
                tp,
                leader: Some(l),
                leader_epoch,
                ..
            } => {
                if let Some(&prev) = self.epochs.get(&(*tp, *leader_epoch)) {
                    if prev != *l {
                        self.report.two_leaders_same_epoch += 1;
                        let name = self.topics.display(*tp);
                        self.note(
                            "two_leaders_same_epoch",
                            at,
                            format!("{name} epoch {leader_epoch}: brokers {prev} and {l}"),
                        );
                    }
                } else {
                    self.epochs.insert((*tp, *leader_epoch), *l);
                }
            }
            SimEvent::TxnPassedOver {
                group,
                tp,
                from,
                to,
            } => self.consumers.passed_over(*group, *tp, *from, *to),
            SimEvent::TxnCompleted {
                producer_id,
                epoch,
                committed,
                ..
            } => {
                for v in self.txn.completed(*producer_id, *epoch, *committed) {
                    self.txn_violation(v);
                }
            }
            SimEvent::ProcessorOutput { .. } => self.processor_output(event),
            _ => {}
        }
    }

    /// Duplicate records per producer index, as of the last sweep.
    pub fn duplicates_by_producer(&self) -> Vec<(u32, u64)> {
        self.dups_by_producer
            .iter()
            .map(|(&p, &d)| (p, d))
            .collect()
    }

    /// The counts so far (call [`sweep`](Self::sweep) first for the log audits).
    pub fn report(&self) -> InvariantReport {
        let mut r = self.report.clone();
        let mut first = self.first.clone();
        r.redelivered = self.consumers.redelivered;
        r.commit_regressions = self.consumers.commit_regressions;
        if let Some(x) = &self.consumers.first_regression {
            first.insert("commit_regressions", x.clone());
        }
        if let Some(e) = &self.eos {
            let (d, m, _, _) = e.totals();
            r.eos_duplicates = Some(d);
            r.eos_missing = Some(m);
        }
        let (skipped, example) = self.consumers.skipped(&self.topics);
        r.skipped = skipped;
        if let Some(x) = example {
            first.insert("skipped", x);
        }
        r.first_examples = first.into_values().collect();
        r
    }
}

#[cfg(test)]
mod consumer_tests;
#[cfg(test)]
mod tests;
