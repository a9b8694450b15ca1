//! Which partitions the Sender must look at, so that a drain costs what changed rather than the
//! number of partitions (issue 18).
//!
//! Kafka's `RecordAccumulator.ready()` walks every partition with a batch and computes, for the
//! ones not ready yet, `nextReadyCheckDelayMs` (the earliest linger or backoff deadline). Most of
//! them are *lingering*: one open batch, never sent, waiting for `linger.ms`. Nothing about them
//! changes until their deadline passes or a record closes or follows the batch, so they are
//! *parked* here under their leader with that deadline, and the Sender visits only the
//! *candidates* (every other partition whose queue may hold a batch), in ascending partition
//! order as a full scan would. The earliest deadline per leader gives the Sender's next wake-up.
//!
//! The open batches (the back of a queue, still taking records) are indexed too: the largest
//! one's bytes and the oldest one's creation time are what the application's next tick needs
//! (`Producer::next_rate_tick`), without a scan over every partition.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::engine::ids::BrokerId;
use crate::engine::partition_set::PartitionSet;
use crate::engine::time::SimTime;

/// A parked partition: its leader, and when its batch's `linger.ms` ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parked {
    leader: BrokerId,
    deadline: SimTime,
}

/// The Sender's index over the accumulator's queues. The heaps delete lazily: an entry that no
/// longer matches the per-partition record beside it is dropped when it reaches the top (each
/// entry is pushed and popped once, so the cost stays O(log n) per change).
#[derive(Clone, Debug, Default)]
pub struct ReadyIndex {
    /// Partitions whose queue may hold a batch and that are not parked.
    candidates: PartitionSet,
    /// Per partition: parked (lingering), with its leader and deadline.
    parked: Vec<Option<Parked>>,
    /// Per leader broker id: parked partitions by deadline, earliest first.
    by_leader: Vec<BinaryHeap<Reverse<(SimTime, u32)>>>,
    /// Every parked partition by deadline, earliest first: what is due is found here without
    /// looking at every leader.
    all: BinaryHeap<Reverse<(SimTime, u32)>>,
    /// Leaders whose heap may have a stale entry on top (a partition of theirs was touched or
    /// woken since), to be cleaned by the next `wake_due`; `dirty_flag` marks them.
    dirty: Vec<u32>,
    dirty_flag: Vec<bool>,
    /// Per partition, the open batch's (bytes, creation time), in a tree keeping the largest
    /// bytes and the earliest creation time of every subtree.
    open: OpenBatchTree,
    /// Drains so far, and the partitions they looked at in all (a window on a drain's cost).
    pub drains: u64,
    /// See `drains`.
    pub visited: u64,
    /// Leaders whose parked partitions a drain looked at, in all (cleaning a heap, or asking
    /// for its earliest deadline).
    pub leaders_looked_at: u64,
}

impl ReadyIndex {
    /// An index over `n` empty queues.
    pub fn new(n: u32) -> Self {
        ReadyIndex {
            candidates: PartitionSet::new(n),
            parked: vec![None; n as usize],
            by_leader: Vec::new(),
            all: BinaryHeap::new(),
            dirty: Vec::new(),
            dirty_flag: Vec::new(),
            open: OpenBatchTree::new(n),
            drains: 0,
            visited: 0,
            leaders_looked_at: 0,
        }
    }

    /// Partition `p`'s queue changed in a way that may make it ready (a batch added after
    /// another, a batch closed, a batch put back for a retry): the Sender looks at it again.
    pub fn touch(&mut self, p: u32) {
        if let Some(slot) = self.parked.get_mut(p as usize) {
            if let Some(was) = slot.take() {
                self.mark_dirty(was.leader);
            }
        }
        self.candidates.insert(p);
    }

    fn mark_dirty(&mut self, leader: BrokerId) {
        let slot = leader as usize;
        if slot >= self.dirty_flag.len() {
            self.dirty_flag.resize(slot + 1, false);
        }
        if !self.dirty_flag[slot] {
            self.dirty_flag[slot] = true;
            self.dirty.push(leader);
        }
    }

    /// Every parked partition becomes a candidate again (leaders or `linger.ms` changed).
    pub fn touch_all(&mut self) {
        for p in 0..self.parked.len() as u32 {
            if self.parked[p as usize].is_some() {
                self.touch(p);
            }
        }
        self.by_leader.iter_mut().for_each(BinaryHeap::clear);
        self.all.clear();
        for leader in self.dirty.drain(..) {
            self.dirty_flag[leader as usize] = false;
        }
    }

    /// `p` lingers until `deadline` with `leader`: not a candidate until then.
    pub fn park(&mut self, p: u32, leader: BrokerId, deadline: SimTime) {
        self.candidates.remove(p);
        let slot = leader as usize;
        if slot >= self.by_leader.len() {
            self.by_leader.resize_with(slot + 1, BinaryHeap::new);
        }
        self.by_leader[slot].push(Reverse((deadline, p)));
        self.all.push(Reverse((deadline, p)));
        self.parked[p as usize] = Some(Parked { leader, deadline });
    }

    /// `p`'s queue is empty: not a candidate.
    pub fn forget(&mut self, p: u32) {
        self.candidates.remove(p);
    }

    /// Whether the heap entry `(deadline, p)` under `leader` is `p`'s current parking.
    fn live(&self, leader: usize, deadline: SimTime, p: u32) -> bool {
        self.parked[p as usize]
            == Some(Parked {
                leader: leader as BrokerId,
                deadline,
            })
    }

    /// Parked partitions whose deadline is `now` or past become candidates; entries left by a
    /// touch are dropped, so each leader's top is live afterwards, and so is the top of `all`.
    /// Costs what is due and what was touched, not the number of leaders.
    pub fn wake_due(&mut self, now: SimTime) {
        while let Some(&Reverse((t, p))) = self.all.peek() {
            let parked = self.parked[p as usize];
            let live = parked.is_some_and(|x| x.deadline == t);
            if live && t > now {
                break;
            }
            self.all.pop();
            if let (true, Some(x)) = (live, parked) {
                self.parked[p as usize] = None;
                self.candidates.insert(p);
                self.mark_dirty(x.leader);
            }
        }
        while let Some(leader) = self.dirty.pop() {
            self.leaders_looked_at += 1;
            let leader = leader as usize;
            self.dirty_flag[leader] = false;
            while let Some(&Reverse((t, p))) = self.by_leader[leader].peek() {
                if self.live(leader, t, p) {
                    break;
                }
                self.by_leader[leader].pop();
            }
        }
    }

    /// The earliest parked deadline of all and its partition's leader (live after `wake_due`).
    pub fn earliest_parked(&self) -> Option<(SimTime, BrokerId)> {
        let &Reverse((t, p)) = self.all.peek()?;
        self.parked[p as usize].map(|x| (t, x.leader))
    }

    /// The smallest candidate `>= p`.
    pub fn next_candidate(&self, p: u32) -> Option<u32> {
        self.candidates.next_from(p)
    }

    /// One more than the largest leader id with parkings (so far).
    pub fn leader_slots(&self) -> usize {
        self.by_leader.len()
    }

    /// The earliest deadline of `leader`'s parked partitions (live after `wake_due`).
    pub fn parked_deadline(&mut self, leader: usize) -> Option<SimTime> {
        self.leaders_looked_at += 1;
        self.by_leader
            .get(leader)
            .and_then(|h| h.peek())
            .map(|&Reverse((t, _))| t)
    }

    /// Records partition `p`'s open batch (`None`: no open batch) in the summaries.
    pub fn set_open(&mut self, p: u32, open: Option<(u64, SimTime)>) {
        self.open.set(p, open);
    }

    /// The largest open batch's bytes and the earliest open batch's creation time: the root of
    /// the tree, so the application's tick costs the same at 6 partitions or 10,000.
    pub fn open_summary(&self) -> Option<(u64, SimTime)> {
        self.open.summary()
    }
}

/// A tree over the partitions (leaves) whose inner nodes hold the largest bytes and the
/// earliest creation time below them: O(log n) to change a partition's open batch, O(1) to ask
/// for both figures over all of them. Up to [`SCAN_LEAVES`] leaves the inner nodes are not
/// kept and a summary scans the leaves (cheaper there: a batch changes on every append, the
/// summary is asked once per tick).
#[derive(Clone, Debug, Default)]
struct OpenBatchTree {
    /// Leaves start at `leaves`; node `i`'s children are `2i` and `2i + 1`; index 0 unused.
    nodes: Vec<(u64, SimTime)>,
    leaves: usize,
    /// Up to [`SCAN_LEAVES`] leaves: which of them hold an open batch.
    open_mask: u64,
}

/// Most leaves summarized by a scan of the open ones (a bit mask) rather than the tree.
const SCAN_LEAVES: usize = 64;

/// A node with no open batch below it.
const NO_OPEN: (u64, SimTime) = (0, SimTime::MAX);

impl OpenBatchTree {
    fn new(n: u32) -> Self {
        let leaves = (n as usize).max(1).next_power_of_two();
        OpenBatchTree {
            nodes: vec![NO_OPEN; 2 * leaves],
            leaves,
            open_mask: 0,
        }
    }

    fn set(&mut self, p: u32, open: Option<(u64, SimTime)>) {
        let mut i = self.leaves + p as usize;
        if i >= self.nodes.len() {
            return;
        }
        let value = open.unwrap_or(NO_OPEN);
        if self.nodes[i] == value {
            return;
        }
        self.nodes[i] = value;
        if self.leaves <= SCAN_LEAVES {
            if value == NO_OPEN {
                self.open_mask &= !(1 << p);
            } else {
                self.open_mask |= 1 << p;
            }
            return;
        }
        while i > 1 {
            i /= 2;
            let (a, b) = (self.nodes[2 * i], self.nodes[2 * i + 1]);
            let merged = (a.0.max(b.0), a.1.min(b.1));
            if self.nodes[i] == merged {
                break; // nothing above changes either
            }
            self.nodes[i] = merged;
        }
    }

    fn summary(&self) -> Option<(u64, SimTime)> {
        let root = if self.leaves <= SCAN_LEAVES {
            let mut mask = self.open_mask;
            let mut acc = NO_OPEN;
            while mask != 0 {
                let b = self.nodes[self.leaves + mask.trailing_zeros() as usize];
                acc = (acc.0.max(b.0), acc.1.min(b.1));
                mask &= mask - 1;
            }
            acc
        } else {
            self.nodes.get(1).copied().unwrap_or(NO_OPEN)
        };
        (root != NO_OPEN).then_some(root)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The tree's summary equals a scan over every partition's open batch, after any
        /// sequence of changes.
        #[test]
        fn the_open_batch_summary_equals_a_scan(
            n in 1u32..140,
            changes in prop::collection::vec((0u32..140, prop::option::of((1u64..20_000, 0u64..1_000_000))), 0..300),
        ) {
            let mut index = ReadyIndex::new(n);
            let mut open = vec![None; n as usize];
            for (p, batch) in changes {
                let p = p % n;
                index.set_open(p, batch);
                open[p as usize] = batch;
                let scan = open.iter().flatten().fold(None, |acc: Option<(u64, SimTime)>, &(b, c)| {
                    Some(match acc {
                        None => (b, c),
                        Some((mb, mc)) => (mb.max(b), mc.min(c)),
                    })
                });
                prop_assert_eq!(index.open_summary(), scan);
            }
        }
    }
}
