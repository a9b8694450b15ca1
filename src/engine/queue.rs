//! The event queue: a 4-ary heap of 16-byte `(time, seq · slot)` keys over a slab of payloads.
//!
//! Ordered by `(time, seq)`, so events at the same time come out first-in first-out and the run
//! is deterministic (as FoundationDB's sim2 and nexosim order theirs). An entry packs the
//! sequence number and the payload's slab slot into one word, sequence number on top, so one
//! 128-bit comparison orders it; payloads live in a slab whose slots are reused.

use super::quad_heap::QuadHeap;
use super::time::SimTime;

/// Bits of an entry's second word that hold the slab slot (the rest hold the sequence number).
const SLOT_BITS: u32 = 28;
const SLOT_MASK: u64 = (1 << SLOT_BITS) - 1;
/// Sequence numbers stay below this; past it, the pending entries are renumbered.
const SEQ_LIMIT: u64 = 1 << (64 - SLOT_BITS);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    time: SimTime,
    /// `seq << SLOT_BITS | slot`.
    seq_slot: u64,
}

impl Entry {
    /// `(time, seq)` as one number (with the slot below, which never decides: sequence numbers
    /// are unique).
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq_slot)
    }

    fn from_key(key: u128) -> Self {
        Entry {
            time: (key >> 64) as u64,
            seq_slot: key as u64,
        }
    }

    fn slot(&self) -> usize {
        (self.seq_slot & SLOT_MASK) as usize
    }

    fn seq(&self) -> u64 {
        self.seq_slot >> SLOT_BITS
    }
}

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
    heap: QuadHeap,
    slab: Vec<Option<T>>,
    free: Vec<u32>,
    /// The next entry's sequence number (renumbered with the pending entries near
    /// `seq_limit`).
    next_seq: u64,
    seq_limit: u64,
    /// Events ever scheduled.
    scheduled: u64,
}

impl<T> Default for EventQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> EventQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::with_seq_limit(SEQ_LIMIT)
    }

    fn with_seq_limit(seq_limit: u64) -> Self {
        EventQueue {
            heap: QuadHeap::new(),
            slab: Vec::new(),
            free: Vec::new(),
            next_seq: 0,
            seq_limit,
            scheduled: 0,
        }
    }

    /// Schedules `payload` at `time`. Returns its sequence number, which orders it after every
    /// event already pending at that time (numbers are unique among pending events).
    pub fn push(&mut self, time: SimTime, payload: T) -> u64 {
        let slot = match self.free.pop() {
            Some(s) => {
                self.slab[s as usize] = Some(payload);
                s
            }
            None => {
                // 2^28 pending events would be tens of gigabytes of payloads: never reached.
                assert!(self.slab.len() < SLOT_MASK as usize, "event queue full");
                self.slab.push(Some(payload));
                (self.slab.len() - 1) as u32
            }
        };
        if self.next_seq >= self.seq_limit {
            self.renumber();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.scheduled += 1;
        self.heap.push(
            Entry {
                time,
                seq_slot: (seq << SLOT_BITS) | u64::from(slot),
            }
            .key(),
        );
        seq
    }

    /// Gives the pending entries the sequence numbers 0, 1, … in their current order, so
    /// numbering can go on (after 2^36 events: hours of simulation at millions per second).
    fn renumber(&mut self) {
        let mut entries: Vec<Entry> = self
            .heap
            .drain_unordered()
            .into_iter()
            .map(Entry::from_key)
            .collect();
        entries.sort_unstable();
        for (seq, e) in entries.iter_mut().enumerate() {
            e.seq_slot = ((seq as u64) << SLOT_BITS) | (e.seq_slot & SLOT_MASK);
        }
        self.next_seq = entries.len() as u64;
        for e in entries {
            self.heap.push(e.key());
        }
    }

    /// Time of the earliest pending event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|k| Entry::from_key(k).time)
    }

    /// Removes and returns the earliest event as `(time, seq, payload)`.
    pub fn pop(&mut self) -> Option<(SimTime, u64, T)> {
        loop {
            let e = Entry::from_key(self.heap.pop()?);
            let payload = self.slab[e.slot()].take();
            self.free.push(e.slot() as u32);
            if let Some(p) = payload {
                return Some((e.time, e.seq(), p));
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

    /// Events ever scheduled.
    pub fn scheduled_total(&self) -> u64 {
        self.scheduled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for the test schedules.
    fn xorshift(x: &mut u64) {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
    }

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
            xorshift(&mut x);
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
    fn renumbering_keeps_the_order() {
        // A tiny sequence limit forces many renumberings; the pops must match a queue that
        // never renumbers.
        let (mut small, mut big) = (EventQueue::with_seq_limit(8), EventQueue::new());
        let mut x = 99u64;
        for round in 0..3_000u64 {
            xorshift(&mut x);
            let time = round / 5 + x % 7;
            small.push(time, round);
            big.push(time, round);
            if x % 2 == 0 {
                assert_eq!(
                    small.pop().map(|(t, _, p)| (t, p)),
                    big.pop().map(|(t, _, p)| (t, p))
                );
            }
        }
        while let Some((t, _, p)) = big.pop() {
            assert_eq!(small.pop().map(|(t, _, p)| (t, p)), Some((t, p)));
        }
        assert!(small.is_empty());
        assert_eq!(small.scheduled_total(), 3_000);
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
