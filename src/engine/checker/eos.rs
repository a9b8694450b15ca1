//! The exactly-once audit of processors: every input record a processor's group has committed
//! past must be in the processor's committed output exactly once, as a read_committed reader
//! sees the output (batches below the last stable offset, aborted transactions and markers
//! left out). `eos_duplicates` counts input records whose output appears more than once;
//! `eos_missing` counts input records below the group's committed offset (read_committed
//! records of the input log) with no committed output — not counting records whose output is
//! still undecided (at or above the output's LSO: its transaction is completing).
//!
//! Output records are traced back to input records through the processors'
//! [`SimEvent::ProcessorOutput`](crate::engine::events::SimEvent::ProcessorOutput) events
//! (observation only). The audit re-reads the logs at each sweep, so its counts are those of
//! the logs now (a record counted missing while a transaction is completing stops being so).

use std::collections::BTreeMap;

use crate::engine::ids::{TopicIdx, TopicPartition};
use crate::engine::log::PartitionLog;
use crate::engine::txn::client::AbortedFilter;

/// One processor as the audit knows it.
#[derive(Clone, Debug)]
pub struct EosProcessor {
    /// Processor id.
    pub id: String,
    /// `group.id`.
    pub group_id: String,
    /// Input topic.
    pub input: TopicIdx,
    /// Output topic.
    pub output: TopicIdx,
}

/// Output records `first..first + count` of one producer in one output partition came from
/// input records `in_from..` of `in_tp`.
#[derive(Clone, Copy, Debug)]
struct Mapping {
    first: u64,
    count: u32,
    in_tp: TopicPartition,
    in_from: u64,
}

/// What the processors wrote, and the counts of the last audit.
#[derive(Clone, Debug, Default)]
pub struct EosAudit {
    /// The processors.
    pub processors: Vec<EosProcessor>,
    /// Per (producer index, output partition): mappings, in record order.
    outputs: BTreeMap<(u32, TopicPartition), Vec<Mapping>>,
    /// Producer index → processor index.
    producer_processor: BTreeMap<u32, u32>,
    /// Per processor: duplicates and missing at the last audit, with a first example each.
    pub counts: Vec<(u64, u64, Option<String>, Option<String>)>,
}

/// The logs the audit reads of one processor: the current leader log of each input and output
/// partition (`None` while a partition has no leader: that processor is not audited then),
/// and the group's committed offsets.
pub struct EosLogs<'a> {
    /// Input partitions' leader logs.
    pub input: Vec<(TopicPartition, Option<&'a PartitionLog>)>,
    /// Output partitions' leader logs.
    pub output: Vec<(TopicPartition, Option<&'a PartitionLog>)>,
    /// The group's committed offsets.
    pub committed: BTreeMap<TopicPartition, u64>,
}

/// Total length and union length of intervals (sorted in place).
fn overlap(iv: &mut [(u64, u64)]) -> (u64, u64) {
    iv.sort_unstable();
    let total: u64 = iv.iter().map(|(a, b)| b - a).sum();
    let mut union = 0;
    let mut cur: Option<(u64, u64)> = None;
    for &(a, b) in iv.iter() {
        match cur {
            Some((ca, cb)) if a <= cb => cur = Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                union += cb - ca;
                cur = Some((a, b));
            }
            None => cur = Some((a, b)),
        }
    }
    if let Some((ca, cb)) = cur {
        union += cb - ca;
    }
    (total, union)
}

/// The first offset of `[from, to)` not covered by the (sorted, merged) `covered`, if any.
fn first_uncovered(from: u64, to: u64, covered: &[(u64, u64)]) -> (u64, Option<u64>) {
    let mut missing = 0;
    let mut first = None;
    let mut pos = from;
    for &(a, b) in covered {
        if b <= pos {
            continue;
        }
        if a >= to {
            break;
        }
        if a > pos {
            missing += a.min(to) - pos;
            first.get_or_insert(pos);
        }
        pos = pos.max(b);
        if pos >= to {
            break;
        }
    }
    if pos < to {
        missing += to - pos;
        first.get_or_insert(pos);
    }
    (missing, first)
}

fn merged(mut iv: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    iv.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (a, b) in iv {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

impl EosAudit {
    /// Notes a processor output.
    #[allow(clippy::too_many_arguments)]
    pub fn output(
        &mut self,
        processor: u32,
        producer: u32,
        out_tp: TopicPartition,
        first: u64,
        count: u32,
        in_tp: TopicPartition,
        in_from: u64,
    ) {
        self.producer_processor.insert(producer, processor);
        self.outputs
            .entry((producer, out_tp))
            .or_default()
            .push(Mapping {
                first,
                count,
                in_tp,
                in_from,
            });
    }

    /// The input intervals output records `[r0, r1)` of `producer` in `out_tp` came from.
    fn inputs_of(
        &self,
        producer: u32,
        out_tp: TopicPartition,
        r0: u64,
        r1: u64,
        into: &mut BTreeMap<TopicPartition, Vec<(u64, u64)>>,
    ) {
        let Some(maps) = self.outputs.get(&(producer, out_tp)) else {
            return;
        };
        let start = maps.partition_point(|m| m.first + m.count as u64 <= r0);
        for m in &maps[start..] {
            if m.first >= r1 {
                break;
            }
            let a = r0.max(m.first);
            let b = r1.min(m.first + m.count as u64);
            if a < b {
                let from = m.in_from + (a - m.first);
                into.entry(m.in_tp)
                    .or_default()
                    .push((from, from + (b - a)));
            }
        }
    }

    /// Audits processor `k` against `logs`.
    pub fn audit(&mut self, k: usize, logs: &EosLogs, names: impl Fn(TopicPartition) -> String) {
        if self.counts.len() < self.processors.len() {
            self.counts
                .resize(self.processors.len(), (0, 0, None, None));
        }
        if logs
            .input
            .iter()
            .chain(&logs.output)
            .any(|(_, l)| l.is_none())
        {
            return;
        }
        let mut committed_out: BTreeMap<TopicPartition, Vec<(u64, u64)>> = BTreeMap::new();
        let mut pending_out: BTreeMap<TopicPartition, Vec<(u64, u64)>> = BTreeMap::new();
        for (tp, log) in &logs.output {
            let log = log.expect("checked");
            let lso = log.last_stable_offset();
            let mut filter = AbortedFilter::new(log.aborted_between(0, lso));
            for b in log.batches() {
                if self.producer_processor.get(&b.ids.producer) != Some(&(k as u32)) {
                    if b.base_offset < lso && b.attributes != 0 {
                        filter.skip(b);
                    }
                    continue;
                }
                let r0 = b.ids.first_record;
                let r1 = r0 + b.record_count as u64;
                if b.base_offset >= lso {
                    self.inputs_of(b.ids.producer, *tp, r0, r1, &mut pending_out);
                } else if !(b.attributes != 0 && filter.skip(b)) {
                    self.inputs_of(b.ids.producer, *tp, r0, r1, &mut committed_out);
                }
            }
        }
        let (mut dups, mut missing) = (0u64, 0u64);
        let (mut dup_example, mut missing_example) = (None, None);
        for (tp, iv) in committed_out.iter_mut() {
            let (total, union) = overlap(iv);
            if total > union {
                dups += total - union;
                dup_example.get_or_insert_with(|| {
                    format!(
                        "eos_duplicates: processor {} wrote output for input records of {} more than once",
                        self.processors[k].id,
                        names(*tp)
                    )
                });
            }
        }
        for (tp, log) in &logs.input {
            let log = log.expect("checked");
            let upto = logs
                .committed
                .get(tp)
                .copied()
                .unwrap_or(0)
                .min(log.last_stable_offset());
            let mut covered = committed_out.remove(tp).unwrap_or_default();
            covered.extend(pending_out.remove(tp).unwrap_or_default());
            let covered = merged(covered);
            let mut filter = AbortedFilter::new(log.aborted_between(0, upto));
            for b in log.batches() {
                if b.base_offset >= upto {
                    break;
                }
                if b.attributes != 0 && filter.skip(b) {
                    continue;
                }
                let to = b.next_offset().min(upto);
                let (n, first) = first_uncovered(b.base_offset, to, &covered);
                missing += n;
                if let Some(o) = first {
                    missing_example.get_or_insert_with(|| {
                        format!(
                            "eos_missing: input record {} offset {o} is below group {}'s committed offset but not in processor {}'s committed output",
                            names(*tp),
                            self.processors[k].group_id,
                            self.processors[k].id
                        )
                    });
                }
            }
        }
        self.counts[k] = (dups, missing, dup_example, missing_example);
    }

    /// Totals over the processors, with the first examples.
    pub fn totals(&self) -> (u64, u64, Option<String>, Option<String>) {
        let mut t = (0, 0, None, None);
        for (d, m, de, me) in &self.counts {
            t.0 += d;
            t.1 += m;
            if t.2.is_none() {
                t.2 = de.clone();
            }
            if t.3.is_none() {
                t.3 = me.clone();
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts_records_covered_twice() {
        let mut iv = vec![(0, 10), (5, 8), (20, 30)];
        assert_eq!(overlap(&mut iv), (23, 20));
    }

    #[test]
    fn first_uncovered_finds_gaps() {
        let covered = merged(vec![(0, 5), (7, 10)]);
        assert_eq!(first_uncovered(0, 12, &covered), (4, Some(5)));
        assert_eq!(first_uncovered(0, 5, &covered), (0, None));
    }
}
