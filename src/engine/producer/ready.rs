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
    /// Per partition: the open batch's (bytes, creation time).
    open: Vec<Option<(u64, SimTime)>>,
    /// Partitions with an open batch.
    open_set: PartitionSet,
    /// Drains so far, and the partitions they looked at in all (a window on a drain's cost).
    pub drains: u64,
    /// See `drains`.
    pub visited: u64,
}

impl ReadyIndex {
    /// An index over `n` empty queues.
    pub fn new(n: u32) -> Self {
        ReadyIndex {
            candidates: PartitionSet::new(n),
            parked: vec![None; n as usize],
            by_leader: Vec::new(),
            open: vec![None; n as usize],
            open_set: PartitionSet::new(n),
            drains: 0,
            visited: 0,
        }
    }

    /// Partition `p`'s queue changed in a way that may make it ready (a batch added after
    /// another, a batch closed, a batch put back for a retry): the Sender looks at it again.
    pub fn touch(&mut self, p: u32) {
        if let Some(slot) = self.parked.get_mut(p as usize) {
            *slot = None;
        }
        self.candidates.insert(p);
    }

    /// Every parked partition becomes a candidate again (leaders or `linger.ms` changed).
    pub fn touch_all(&mut self) {
        for p in 0..self.parked.len() as u32 {
            if self.parked[p as usize].is_some() {
                self.touch(p);
            }
        }
        self.by_leader.iter_mut().for_each(BinaryHeap::clear);
    }

    /// `p` lingers until `deadline` with `leader`: not a candidate until then.
    pub fn park(&mut self, p: u32, leader: BrokerId, deadline: SimTime) {
        self.candidates.remove(p);
        let slot = leader as usize;
        if slot >= self.by_leader.len() {
            self.by_leader.resize_with(slot + 1, BinaryHeap::new);
        }
        self.by_leader[slot].push(Reverse((deadline, p)));
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
    /// touch are dropped, so each leader's top is live afterwards.
    pub fn wake_due(&mut self, now: SimTime) {
        for leader in 0..self.by_leader.len() {
            while let Some(&Reverse((t, p))) = self.by_leader[leader].peek() {
                let live = self.live(leader, t, p);
                if live && t > now {
                    break;
                }
                self.by_leader[leader].pop();
                if live {
                    self.parked[p as usize] = None;
                    self.candidates.insert(p);
                }
            }
        }
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
    pub fn parked_deadline(&self, leader: usize) -> Option<SimTime> {
        self.by_leader
            .get(leader)
            .and_then(|h| h.peek())
            .map(|&Reverse((t, _))| t)
    }

    /// Records partition `p`'s open batch (`None`: no open batch) in the summaries.
    pub fn set_open(&mut self, p: u32, open: Option<(u64, SimTime)>) {
        let Some(slot) = self.open.get_mut(p as usize) else {
            return;
        };
        if slot.is_some() != open.is_some() {
            if open.is_some() {
                self.open_set.insert(p);
            } else {
                self.open_set.remove(p);
            }
        }
        *slot = open;
    }

    /// The largest open batch's bytes and the earliest open batch's creation time. Visits the
    /// open batches only: at most the records one `linger.ms` brings (one or two with the
    /// sticky partitioner), not every partition.
    pub fn open_summary(&self) -> Option<(u64, SimTime)> {
        let mut summary: Option<(u64, SimTime)> = None;
        for p in self.open_set.iter() {
            if let Some((bytes, created)) = self.open[p as usize] {
                summary = Some(match summary {
                    None => (bytes, created),
                    Some((b, c)) => (b.max(bytes), c.min(created)),
                });
            }
        }
        summary
    }
}
