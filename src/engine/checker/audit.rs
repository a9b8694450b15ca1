//! The log audit: acknowledged batches that are no longer in the leader's log, and duplicate or
//! out-of-order records in leader logs.
//!
//! The audit is incremental. A leader's log only grows while the same broker leads in the same
//! leader epoch (a leader never truncates its own log; retention only drops old batches), so each
//! partition remembers which copy it audited (leader broker and epoch) and how far; the next
//! sweep scans only the batches appended since and checks only the acknowledgements received
//! since. When the leader or its epoch changes, or the audited tail is gone, the partition is
//! audited again from scratch, so the result equals a full rescan of the current leader logs.

use std::collections::BTreeMap;

use super::{Acked, InvariantChecker};
use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::log::PartitionLog;
use crate::engine::protocol::RecordBatch;
use crate::engine::time::SimTime;

/// The copy of a partition the audit reads: the current leader's log.
#[derive(Clone, Debug)]
pub struct LeaderLog<'a> {
    /// The partition.
    pub tp: TopicPartition,
    /// The broker that leads it.
    pub leader: BrokerId,
    /// Its leader epoch.
    pub epoch: u32,
    /// The leader's log.
    pub log: &'a PartitionLog,
    /// Every assigned replica's log (the leader's included). An acknowledged batch that all of
    /// them hold, the same copy at the same offset, can never be lost: every possible leader has
    /// it, and KIP-101 truncation never cuts below a batch the leader shares. The audit forgets
    /// such batches so the checker's memory stays bounded. Empty: forget nothing.
    pub copies: Vec<&'a PartitionLog>,
}

/// What the audit knows of one partition's leader log.
#[derive(Clone, Debug, Default)]
pub(super) struct PartitionAudit {
    /// `(leader, epoch)` of the copy audited.
    copy: Option<(BrokerId, u32)>,
    /// The last batch scanned, to see that the audited tail is still there.
    last: Option<RecordBatch>,
    /// Offset up to which batches were scanned.
    scanned_to: u64,
    /// Record-id intervals seen per producer index.
    seen: BTreeMap<u32, Vec<(u64, u64)>>,
    /// Duplicate records found, per producer index.
    dups: BTreeMap<u32, u64>,
    /// Out-of-order records found.
    out_of_order: u64,
}

impl PartitionAudit {
    /// Whether `view` continues the copy audited so far (only appended to since).
    fn continues(&self, view: &LeaderLog) -> bool {
        self.copy == Some((view.leader, view.epoch))
            && view.log.log_end_offset() >= self.scanned_to
            && match self.last {
                None => true,
                Some(b) => {
                    b.base_offset < view.log.log_start_offset()
                        || view.log.batch_at(b.base_offset) == Some(&b)
                }
            }
    }
}

impl InvariantChecker {
    /// Audits the current leaders' logs: acknowledged batches missing at their offset are lost;
    /// duplicate and out-of-order records are counted over the leader logs. Partitions without a
    /// leader (offline) are left out: unavailable, not (yet) lost.
    pub fn sweep<'a>(&mut self, now: SimTime, leaders: impl Iterator<Item = LeaderLog<'a>>) {
        let mut views: Vec<LeaderLog> = leaders.collect();
        views.sort_by_key(|v| v.tp);
        let mut missing = Vec::new();
        // Partitions audited whole in this sweep, in `tp` order (as `views`).
        let mut fresh = Vec::new();
        for view in &views {
            let state = self.audits.entry(view.tp).or_default();
            if state.continues(view) {
                continue;
            }
            *state = PartitionAudit {
                copy: Some((view.leader, view.epoch)),
                ..PartitionAudit::default()
            };
            fresh.push(view.tp);
            for (base, a) in self.acked.partition(view.tp) {
                if let Some(m) = check_ack(&self.lost, view.log, view.tp, base, a) {
                    missing.push(m);
                }
            }
        }
        let mut offline = Vec::new();
        for (tp, base) in std::mem::take(&mut self.unaudited) {
            if fresh.binary_search(&tp).is_ok() {
                continue; // checked with its whole partition above
            }
            let Ok(i) = views.binary_search_by_key(&tp, |v| v.tp) else {
                offline.push((tp, base)); // checked when the partition has a leader again
                continue;
            };
            if let Some(m) = self
                .acked
                .get(tp, base)
                .and_then(|a| check_ack(&self.lost, views[i].log, tp, base, a))
            {
                missing.push(m);
            }
        }
        self.unaudited = offline;
        missing.sort_by_key(|m| (m.0, m.1));
        missing.dedup_by_key(|m| (m.0, m.1));
        for (tp, base, a, why) in missing {
            self.lose(now, tp, base, a, why);
        }
        for view in &views {
            self.forget_settled(view);
        }
        let mut examples = Vec::new();
        for view in &views {
            let state = self.audits.get_mut(&view.tp).expect("entered above");
            scan_new_batches(state, view, &mut examples);
        }
        for (kind, tp, producer, records, offset) in examples {
            let name = self.topics.display(tp);
            let text = if kind == "duplicates" {
                format!("{records} records of producer {producer} repeated in {name} at offset {offset}")
            } else {
                format!("records {records} of producer {producer} after later ones in {name} at offset {offset}")
            };
            self.note(kind, now, text);
        }
        self.dups_by_producer.clear();
        let (mut dups, mut ooo) = (0, 0);
        for view in &views {
            let state = &self.audits[&view.tp];
            for (&p, &d) in &state.dups {
                dups += d;
                *self.dups_by_producer.entry(p).or_insert(0) += d;
            }
            ooo += state.out_of_order;
        }
        self.report.duplicates = dups;
        self.report.out_of_order = ooo;
    }
}

impl InvariantChecker {
    /// Drops the acknowledgements of `view.tp` that every replica holds, the acknowledged copy
    /// itself (same records, same leader epoch) at the acknowledged offset. Only batches below
    /// the smallest high watermark are looked at: above it some replica is still catching up.
    fn forget_settled(&mut self, view: &LeaderLog) {
        let Some(below) = view.copies.iter().map(|l| l.high_watermark()).min() else {
            return;
        };
        let tp = view.tp;
        let mut candidates = self.acked.below(tp, below).peekable();
        let Some(&(first, _)) = candidates.peek() else {
            return;
        };
        // One cursor per copy, walked forward in step with the candidates (both ascend by
        // offset): no search per acknowledgement.
        let mut cursors: Vec<_> = view
            .copies
            .iter()
            .map(|log| log.batches_from(first).peekable())
            .collect();
        let mut settled = Vec::new();
        for (base, a) in candidates {
            if base + a.count as u64 > below || self.lost.contains(&(tp, base)) {
                continue;
            }
            let held_by_all = cursors.iter_mut().all(|cursor| {
                while cursor.next_if(|b| b.base_offset < base).is_some() {}
                cursor.peek().is_some_and(|b| {
                    b.base_offset == base && b.ids == a.ids && b.partition_leader_epoch == a.epoch
                })
            });
            if held_by_all {
                settled.push(base);
            }
        }
        self.acked.remove_all(tp, &settled);
    }
}

type Missing = (TopicPartition, u64, Acked, &'static str);

/// Whether the acknowledged batch at `base` is still in `log`; `None` if it is (or was already
/// counted lost, or was deleted by retention).
fn check_ack(
    lost: &std::collections::BTreeSet<(TopicPartition, u64)>,
    log: &PartitionLog,
    tp: TopicPartition,
    base: u64,
    a: &Acked,
) -> Option<Missing> {
    if base < log.log_start_offset() || lost.contains(&(tp, base)) {
        return None;
    }
    match log.batch_at(base) {
        Some(b) if b.ids == a.ids => None,
        Some(_) => Some((tp, base, *a, "were overwritten by other records")),
        None if base >= log.log_end_offset() => {
            Some((tp, base, *a, "are beyond the leader's log end"))
        }
        None => Some((tp, base, *a, "are missing from the leader's log")),
    }
}

/// An example found by the scan: kind, partition, producer, records (a count for duplicates,
/// a range for order violations), offset.
type Example = (&'static str, TopicPartition, u32, String, u64);

/// Scans the batches of `view` not scanned yet for duplicate and out-of-order records.
fn scan_new_batches(state: &mut PartitionAudit, view: &LeaderLog, examples: &mut Vec<Example>) {
    let from = state.scanned_to.max(view.log.log_start_offset());
    for b in view.log.batches_from(from) {
        if b.control().is_some() {
            continue; // a transaction marker holds no application record
        }
        let (a, z) = (
            b.ids.first_record,
            b.ids.first_record + b.record_count as u64,
        );
        let set = state.seen.entry(b.ids.producer).or_default();
        let overlap: u64 = set
            .iter()
            .map(|&(s, e)| e.min(z).saturating_sub(s.max(a)))
            .sum();
        if overlap > 0 {
            *state.dups.entry(b.ids.producer).or_insert(0) += overlap;
            examples.push((
                "duplicates",
                view.tp,
                b.ids.producer,
                overlap.to_string(),
                b.base_offset,
            ));
        } else if set.last().map(|&(_, e)| a < e).unwrap_or(false) {
            state.out_of_order += b.record_count as u64;
            examples.push((
                "out_of_order",
                view.tp,
                b.ids.producer,
                format!("{a}..{z}"),
                b.base_offset,
            ));
        }
        super::intervals::insert(set, a, z);
        state.last = Some(*b);
    }
    state.scanned_to = view.log.log_end_offset();
}
