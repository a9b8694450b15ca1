//! The event queue: a binary heap of small `(time, seq, slot)` entries over a slab of payloads.
//!
//! Ordered by `(time, seq)`, so events at the same time come out first-in first-out and the run
//! is deterministic (as FoundationDB's sim2 and nexosim order theirs). Entries stay 24 bytes;
//! payloads live in a slab whose slots are reused.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::time::SimTime;

#[derive(Clone, Copy, Debug)]
struct Entry {
    time: SimTime,
    seq: u64,
    slot: u32,
}

impl Entry {
    /// `(time, seq)` as one number: sequence numbers are unique, so this orders entries
    /// completely, with one wide comparison instead of two branches.
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// A deterministic priority queue of payloads `T` keyed by simulated time.
#[derive(Clone, Debug)]
pub struct EventQueue<T> {
    heap: BinaryHeap<Reverse<Entry>>,
    slab: Vec<Option<T>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> EventQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slab: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
        }
    }

    /// Schedules `payload` at `time`. Returns its sequence number.
    pub fn push(&mut self, time: SimTime, payload: T) -> u64 {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(payload);
                s
            }
            None => {
                self.slab.push(Some(payload));
                (self.slab.len() - 1) as u32
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { time, seq, slot }));
        seq
    }

    /// Time of the earliest pending event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(e)| e.time)
    }

    /// Removes and returns the earliest event as `(time, seq, payload)`.
    pub fn pop(&mut self) -> Option<(SimTime, u64, T)> {
        loop {
            let Reverse(e) = self.heap.pop()?;
            let payload = self.slab[e.slot as usize].take();
            self.free.push(e.slot);
            if let Some(p) = payload {
                return Some((e.time, e.seq, p));
            }
        }
    }

    /// Pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Sequence numbers handed out so far (events ever scheduled).
    pub fn scheduled_total(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_fifo_within_a_time() {
        let mut q = EventQueue::new();
        q.push(30, "c");
        q.push(10, "a1");
        q.push(20, "b");
        q.push(10, "a2");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, _, p)| p)).collect();
        assert_eq!(order, vec!["a1", "a2", "b", "c"]);
    }

    #[test]
    fn pops_in_the_same_order_as_a_sorted_list() {
        // Many equal times (FIFO by seq) and random ones, with pops interleaved.
        let mut q = EventQueue::new();
        let mut reference: Vec<(SimTime, u64)> = Vec::new();
        let mut x = 12345u64;
        for round in 0..2_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let time = round / 3 + x % 50;
            let seq = q.push(time, round);
            reference.push((time, seq));
            if x % 3 == 0 {
                reference.sort_unstable();
                let expected = reference.remove(0);
                assert_eq!(q.pop().map(|(t, s, _)| (t, s)), Some(expected));
            }
            assert_eq!(q.peek_time(), reference.iter().min().map(|r| r.0));
        }
        reference.sort_unstable();
        for expected in reference {
            assert_eq!(q.pop().map(|(t, s, _)| (t, s)), Some(expected));
        }
        assert!(q.pop().is_none());
    }

    #[test]
    fn slots_are_reused() {
        let mut q = EventQueue::new();
        for i in 0..100u64 {
            q.push(i, i);
            q.pop();
        }
        assert_eq!(q.slab.len(), 1);
        assert_eq!(q.scheduled_total(), 100);
    }
}
