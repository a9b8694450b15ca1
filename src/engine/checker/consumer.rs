//! The consumer-side audit: Kafka's at-least-once contract for consumer groups.
//!
//! A group's committed offset for a partition says "every record below this was processed by
//! some member". So a record below the committed offset that no member of the group ever
//! received was **skipped** (the contract is broken: e.g. a consumer committing position + 1,
//! or committing records it fetched but never returned from `poll()`). Records an
//! `auto.offset.reset` jumps over are not owed to the group (a new group starting at `latest`,
//! or a position that fell off the log), so they count as covered. A commit that moves the
//! committed offset backwards, other than after such a reset, is a **commit regression** (e.g.
//! a zombie member of an older generation whose commit the coordinator accepted: the group
//! re-reads records someone already processed, and a later skip becomes possible).
//!
//! Kafka: `ConsumerCoordinator.commitOffsetsSync` commits `position()`, "the offset of the next
//! record that will be fetched"; `GroupMetadataManager` / `OffsetMetadataManager`
//! (`validateOffsetCommit`) refuse commits from an unknown member or another generation.
//!
//! Memory: per group and partition, the offsets received are kept as intervals (one in a
//! healthy run, since members read contiguously), not per record.

use std::collections::BTreeMap;

use super::intervals;
use crate::engine::ids::{TopicPartition, TopicTable};
use crate::engine::time::{to_ms_f64, SimTime};

/// Most gaps remembered per group and partition. Beyond it the lowest gap is settled: counted as
/// skipped for good when it lies below the committed offset, taken as received otherwise.
const MAX_GAPS: usize = 256;

/// Most commits over a gap remembered per group and partition (for the first example only).
const MAX_SUSPECTS: usize = 16;

/// A commit: offset, consumer, when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Commit {
    offset: u64,
    consumer: u32,
    at: SimTime,
}

/// A commit seen above offsets nobody had received yet: the example to give if they never are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Suspect {
    gap: (u64, u64),
    commit: Commit,
}

/// What one group did with one partition.
#[derive(Clone, Debug, Default)]
struct GroupPartition {
    /// Offsets some member received, or that an offset reset passed over.
    covered: Vec<(u64, u64)>,
    /// Offset after the highest record delivered (redelivery below it).
    consumed_upto: u64,
    /// The last commit accepted.
    committed: Option<Commit>,
    /// Where an `auto.offset.reset` moved a member since the last commit.
    reset_to: Option<u64>,
    /// Skipped records whose gap was settled by [`MAX_GAPS`].
    settled_skipped: u64,
    /// Commits seen above gaps, oldest first.
    suspects: Vec<Suspect>,
}

impl GroupPartition {
    fn cover(&mut self, from: u64, to: u64) {
        intervals::insert(&mut self.covered, from, to);
        if self.covered.len() > MAX_GAPS {
            let gap = (self.covered[0].1, self.covered[1].0);
            if self.committed.is_some_and(|c| gap.1 <= c.offset) {
                self.settled_skipped += gap.1 - gap.0;
            }
            self.covered[1].0 = self.covered[0].0;
            self.covered.remove(0);
        }
        if !self.suspects.is_empty() {
            let covered = &self.covered;
            self.suspects.retain(|s| open(covered, s.gap));
        }
    }

    /// Records below the committed offset that no member received.
    fn skipped(&self) -> u64 {
        let below = self.committed.map_or(0, |c| c.offset);
        self.settled_skipped + intervals::uncovered_below(&self.covered, below)
    }
}

/// Whether some offset of `gap` is not covered.
fn open(covered: &[(u64, u64)], gap: (u64, u64)) -> bool {
    intervals::uncovered_below(covered, gap.1) > intervals::uncovered_below(covered, gap.0)
}

/// The consumer-side counters and their first examples.
#[derive(Clone, Debug, Default)]
pub(super) struct ConsumerAudit {
    parts: BTreeMap<(u32, TopicPartition), GroupPartition>,
    /// Records consumed again (consumer side, after a crash or rebalance).
    pub redelivered: u64,
    /// Commits that moved a committed offset backwards outside an offset reset.
    pub commit_regressions: u64,
    /// First commit regression, described.
    pub first_regression: Option<String>,
    /// `group.id` by group index, for the examples.
    pub group_names: Vec<String>,
}

impl ConsumerAudit {
    /// The name of group `g` (its `group.id`).
    pub fn group_name(&self, g: u32) -> String {
        self.group(g)
    }

    fn group(&self, g: u32) -> String {
        self.group_names
            .get(g as usize)
            .cloned()
            .unwrap_or_else(|| format!("#{g}"))
    }

    /// A poll returned offsets `[from, to)` of `tp` to a member of `group`.
    pub fn consumed(&mut self, group: u32, tp: TopicPartition, from: u64, to: u64) {
        let p = self.parts.entry((group, tp)).or_default();
        if from < p.consumed_upto {
            self.redelivered += to.min(p.consumed_upto) - from;
        }
        p.consumed_upto = p.consumed_upto.max(to);
        p.cover(from, to);
    }

    /// A member of `group` passed over offsets `[from, to)` of `tp` that hold no record for
    /// it (transaction markers; under read_committed, aborted transactions): not owed.
    pub fn passed_over(&mut self, group: u32, tp: TopicPartition, from: u64, to: u64) {
        self.parts.entry((group, tp)).or_default().cover(from, to);
    }

    /// A member of `group` reset its position of `tp` from `from` to `to`.
    pub fn reset(&mut self, group: u32, tp: TopicPartition, from: Option<u64>, to: u64) {
        let p = self.parts.entry((group, tp)).or_default();
        p.cover(from.unwrap_or(0), to);
        p.reset_to = Some(to);
    }

    /// The coordinator accepted `consumer`'s commit of `offset` for `tp` in `group`.
    pub fn committed(
        &mut self,
        topics: &TopicTable,
        at: SimTime,
        group: u32,
        consumer: u32,
        tp: TopicPartition,
        offset: u64,
    ) {
        let name = self.group(group);
        let p = self.parts.entry((group, tp)).or_default();
        let commit = Commit {
            offset,
            consumer,
            at,
        };
        let since = p.committed.map_or(0, |c| c.offset);
        if let Some(prev) = p.committed {
            let after_reset = p.reset_to.is_some_and(|r| r <= offset);
            if offset < prev.offset && !after_reset {
                self.commit_regressions += 1;
                if self.first_regression.is_none() {
                    self.first_regression = Some(format!(
                        "commit_regressions at {:.3} s: group {name} consumer {consumer} committed {} offset {offset}, below offset {} committed by consumer {} at {:.3} s",
                        to_ms_f64(at) / 1000.0,
                        topics.display(tp),
                        prev.offset,
                        prev.consumer,
                        to_ms_f64(prev.at) / 1000.0
                    ));
                }
            }
        }
        p.committed = Some(commit);
        p.reset_to = None;
        if p.suspects.len() < MAX_SUSPECTS {
            if let Some(gap) = intervals::first_gap(&p.covered, since.min(offset), offset) {
                if !p.suspects.iter().any(|s| s.gap.0 == gap.0) {
                    p.suspects.push(Suspect { gap, commit });
                }
            }
        }
    }

    /// The most intervals one group and partition holds (memory bound, for tests).
    #[cfg(test)]
    pub fn intervals_held(&self) -> usize {
        self.parts
            .values()
            .map(|p| p.covered.len())
            .max()
            .unwrap_or(0)
    }

    /// Records below their group's committed offset that no member received, and the first
    /// example (the earliest commit over a gap still open).
    pub fn skipped(&self, topics: &TopicTable) -> (u64, Option<String>) {
        let mut total = 0;
        let mut first: Option<(SimTime, String)> = None;
        for (&(group, tp), p) in &self.parts {
            let n = p.skipped();
            if n == 0 {
                continue;
            }
            total += n;
            let below = p.committed.map_or(0, |c| c.offset);
            let example = p
                .suspects
                .iter()
                .find(|s| s.gap.1 <= below && open(&p.covered, s.gap));
            let (at, text) = match (example, p.committed) {
                (Some(s), _) => (
                    s.commit.at,
                    format!(
                        "group {} consumer {} committed {} offset {}, but offsets {}..{} were never delivered to a member",
                        self.group(group),
                        s.commit.consumer,
                        topics.display(tp),
                        s.commit.offset,
                        s.gap.0,
                        s.gap.1
                    ),
                ),
                (None, c) => {
                    let c = c.expect("skipped records lie below a commit");
                    (
                        c.at,
                        format!(
                            "group {}: {n} records of {} below committed offset {} were never delivered to a member",
                            self.group(group),
                            topics.display(tp),
                            c.offset
                        ),
                    )
                }
            };
            if first.as_ref().is_none_or(|f| at < f.0) {
                first = Some((at, text));
            }
        }
        let example =
            first.map(|(at, text)| format!("skipped at {:.3} s: {text}", to_ms_f64(at) / 1000.0));
        (total, example)
    }
}
