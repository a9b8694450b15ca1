//! The invariant checker: observes events and leader logs, never influences the run. It counts
//! acknowledged records lost, duplicates and order violations in logs, reads above the high
//! watermark, two leaders in one epoch, and (separately) consumer redeliveries, keeping the
//! first example of each.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::events::{SimEvent, TimedEvent};
use super::ids::{BrokerId, TopicPartition, TopicTable};
use super::log::PartitionLog;
use super::protocol::RecordIds;
use super::time::{to_ms_f64, SimTime};

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
    /// First example of each kind of violation.
    pub first_examples: Vec<String>,
    /// Acknowledged batches not tracked because of the memory cap.
    pub untracked_acks: u64,
}

/// The checker.
#[derive(Clone, Debug, Default)]
pub struct InvariantChecker {
    acked: BTreeMap<(TopicPartition, u64), Acked>,
    lost: BTreeSet<(TopicPartition, u64)>,
    epochs: BTreeMap<(TopicPartition, u32), BrokerId>,
    consumed_upto: BTreeMap<(u32, TopicPartition), u64>,
    first: BTreeMap<&'static str, String>,
    report: InvariantReport,
    topics: TopicTable,
    dups_by_producer: BTreeMap<u32, u64>,
}

impl InvariantChecker {
    /// A checker that names partitions with `topics`.
    pub fn new(topics: TopicTable) -> Self {
        InvariantChecker {
            topics,
            ..Self::default()
        }
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
        match &e.event {
            SimEvent::ProduceAcked {
                tp,
                batch,
                acks_zero: false,
                ..
            } if batch.base_offset != u64::MAX => {
                if self.acked.len() < MAX_TRACKED_ACKS {
                    self.acked.insert(
                        (*tp, batch.base_offset),
                        Acked {
                            ids: batch.ids,
                            count: batch.record_count,
                            at: e.at,
                            epoch: batch.partition_leader_epoch,
                        },
                    );
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
                    if let Some(a) = self.acked.get(&(*tp, b.base_offset)).copied() {
                        // The acknowledged copy itself, not an older copy of the same records
                        // that a new leader took again (a retry) at the same offset.
                        if a.ids == b.ids && a.epoch == b.partition_leader_epoch {
                            self.lose(
                                e.at,
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
                ..
            } => {
                if to_offset > high_watermark {
                    let n = to_offset - (*from_offset).max(*high_watermark);
                    self.report.read_above_hw += n;
                    let name = self.topics.display(*tp);
                    self.note(
                        "read_above_hw",
                        e.at,
                        format!("{n} records of {name} read above HW {high_watermark}"),
                    );
                }
                let upto = self.consumed_upto.entry((*group, *tp)).or_insert(0);
                if *from_offset < *upto {
                    let n = (*to_offset).min(*upto) - from_offset;
                    self.report.redelivered += n;
                }
                *upto = (*upto).max(*to_offset);
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
                            e.at,
                            format!("{name} epoch {leader_epoch}: brokers {prev} and {l}"),
                        );
                    }
                } else {
                    self.epochs.insert((*tp, *leader_epoch), *l);
                }
            }
            _ => {}
        }
    }

    /// Audits the current leaders' logs: acknowledged batches missing at their offset are lost;
    /// duplicate and out-of-order records are counted afresh.
    pub fn sweep<'a>(
        &mut self,
        now: SimTime,
        leaders: impl Iterator<Item = (TopicPartition, &'a PartitionLog)>,
    ) {
        let logs: BTreeMap<TopicPartition, &PartitionLog> = leaders.collect();
        let mut missing = Vec::new();
        for (&(tp, base), a) in &self.acked {
            if self.lost.contains(&(tp, base)) {
                continue;
            }
            let Some(log) = logs.get(&tp) else {
                continue; // offline: unavailable, not (yet) lost
            };
            if base < log.log_start_offset() {
                continue;
            }
            match log.batch_at(base) {
                Some(b) if b.ids == a.ids => {}
                Some(_) => missing.push((tp, base, *a, "were overwritten by other records")),
                None if base >= log.log_end_offset() => {
                    missing.push((tp, base, *a, "are beyond the leader's log end"))
                }
                None => missing.push((tp, base, *a, "are missing from the leader's log")),
            }
        }
        for (tp, base, a, why) in missing {
            self.lose(now, tp, base, a, why);
        }
        let (mut dups, mut ooo) = (0u64, 0u64);
        self.dups_by_producer.clear();
        let mut examples = Vec::new();
        for (&tp, log) in &logs {
            let mut seen: BTreeMap<u32, Vec<(u64, u64)>> = BTreeMap::new();
            for b in log.batches() {
                let (a, z) = (
                    b.ids.first_record,
                    b.ids.first_record + b.record_count as u64,
                );
                let set = seen.entry(b.ids.producer).or_default();
                let overlap: u64 = set
                    .iter()
                    .map(|&(s, e)| e.min(z).saturating_sub(s.max(a)))
                    .sum();
                if overlap > 0 {
                    dups += overlap;
                    *self.dups_by_producer.entry(b.ids.producer).or_insert(0) += overlap;
                    examples.push((
                        "duplicates",
                        format!(
                            "{} records of producer {} repeated in {} at offset {}",
                            overlap,
                            b.ids.producer,
                            self.topics.display(tp),
                            b.base_offset
                        ),
                    ));
                } else if set.last().map(|&(_, e)| a < e).unwrap_or(false) {
                    ooo += b.record_count as u64;
                    examples.push((
                        "out_of_order",
                        format!(
                            "records {a}..{z} of producer {} after later ones in {} at offset {}",
                            b.ids.producer,
                            self.topics.display(tp),
                            b.base_offset
                        ),
                    ));
                }
                insert_interval(set, a, z);
            }
        }
        for (k, text) in examples {
            self.note(k, now, text);
        }
        self.report.duplicates = dups;
        self.report.out_of_order = ooo;
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
        r.first_examples = self.first.values().cloned().collect();
        r
    }
}

/// Adds `[a, z)` to a sorted list of disjoint intervals, merging neighbours.
fn insert_interval(set: &mut Vec<(u64, u64)>, a: u64, z: u64) {
    if let Some(last) = set.last_mut() {
        if last.1 == a {
            last.1 = z;
            return;
        }
    }
    let i = set.partition_point(|&(s, _)| s < a);
    set.insert(i, (a, z));
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(set.len());
    for &(s, e) in set.iter() {
        match merged.last_mut() {
            Some(m) if s <= m.1 => m.1 = m.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    *set = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::TopicInfo;
    use crate::engine::protocol::RecordBatch;

    fn tp() -> TopicPartition {
        TopicPartition::new(0, 0)
    }

    fn batch(first: u64, n: u32) -> RecordBatch {
        RecordBatch {
            base_offset: 0,
            record_count: n,
            bytes: 100,
            producer_id: -1,
            producer_epoch: 0,
            base_sequence: -1,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: 0,
                first_record: first,
            },
            first_create_time: 0,
            last_create_time: 0,
        }
    }

    fn checker() -> InvariantChecker {
        InvariantChecker::new(TopicTable {
            topics: vec![TopicInfo {
                name: "t".into(),
                partitions: 1,
                replication_factor: 3,
                internal: false,
            }],
        })
    }

    fn ack(c: &mut InvariantChecker, b: RecordBatch) {
        c.observe(&TimedEvent {
            at: 1,
            event: SimEvent::ProduceAcked {
                producer: 0,
                tp: tp(),
                batch: b,
                acks_zero: false,
            },
        });
    }

    #[test]
    fn acks_one_loss_found_by_truncation_and_by_sweep() {
        let mut c = checker();
        let mut old_leader = PartitionLog::new();
        let b = old_leader.append_as_leader(batch(0, 10), 0);
        ack(&mut c, b);
        // The new leader never got it and wrote other records at offset 0.
        let mut new_leader = PartitionLog::new();
        new_leader.append_as_leader(batch(10, 5), 1);
        c.sweep(5, std::iter::once((tp(), &new_leader)));
        assert_eq!(c.report().acked_lost, 10);
        // The old leader truncating later does not count the same records twice.
        let removed = old_leader.truncate_to(0);
        c.observe(&TimedEvent {
            at: 9,
            event: SimEvent::LogTruncated {
                broker: 1,
                tp: tp(),
                to_offset: 0,
                removed,
            },
        });
        assert_eq!(c.report().acked_lost, 10);
        assert!(c.report().first_examples[0].contains("acked_lost"));
    }

    #[test]
    fn truncating_an_older_copy_of_a_batch_the_new_leader_took_again_loses_nothing() {
        // Replays acks_all_in_the_same_schedule_loses_nothing (tests/engine_replication.rs,
        // seed 7): the crashed leader of epoch 0 held batch X at offset 0, unacknowledged; the
        // producer retried X and the leader of epoch 1 stored and acknowledged it at the same
        // offset. The old leader truncating its own copy on restart is not a loss.
        let mut c = checker();
        let mut old_leader = PartitionLog::new();
        old_leader.append_as_leader(batch(0, 10), 0);
        let mut new_leader = PartitionLog::new();
        let acked = new_leader.append_as_leader(batch(0, 10), 1);
        ack(&mut c, acked);
        let removed = old_leader.truncate_to(0);
        c.observe(&TimedEvent {
            at: 9,
            event: SimEvent::LogTruncated {
                broker: 1,
                tp: tp(),
                to_offset: 0,
                removed,
            },
        });
        assert_eq!(c.report().acked_lost, 0);
        c.sweep(10, std::iter::once((tp(), &new_leader)));
        assert_eq!(c.report().acked_lost, 0);
        // Had the acknowledged copy (epoch 1) been the one truncated, it would count.
        let removed = new_leader.truncate_to(0);
        c.observe(&TimedEvent {
            at: 11,
            event: SimEvent::LogTruncated {
                broker: 2,
                tp: tp(),
                to_offset: 0,
                removed,
            },
        });
        assert_eq!(c.report().acked_lost, 10);
    }

    #[test]
    fn non_idempotent_retry_is_a_duplicate_but_reappend_after_truncation_is_not() {
        let mut c = checker();
        let mut log = PartitionLog::new();
        log.append_as_leader(batch(0, 10), 0);
        log.append_as_leader(batch(0, 10), 0); // a retry written twice
        c.sweep(1, std::iter::once((tp(), &log)));
        assert_eq!(c.report().duplicates, 10);
        let mut clean = PartitionLog::new();
        clean.append_as_leader(batch(0, 10), 0);
        clean.truncate_to(0);
        clean.append_as_leader(batch(0, 10), 1);
        c.sweep(2, std::iter::once((tp(), &clean)));
        assert_eq!(c.report().duplicates, 0);
        assert_eq!(c.report().acked_lost, 0);
    }

    #[test]
    fn redelivery_and_reads_above_hw_are_counted() {
        let mut c = checker();
        let consumed = |from, to, hw| TimedEvent {
            at: 1,
            event: SimEvent::Consumed {
                group: 0,
                consumer: 0,
                tp: tp(),
                batch: batch(0, 100),
                from_offset: from,
                to_offset: to,
                high_watermark: hw,
            },
        };
        c.observe(&consumed(0, 50, 100));
        c.observe(&consumed(30, 60, 100)); // after a crash, from the committed offset 30
        assert_eq!(c.report().redelivered, 20);
        c.observe(&consumed(60, 80, 70));
        assert_eq!(c.report().read_above_hw, 10);
    }
}
