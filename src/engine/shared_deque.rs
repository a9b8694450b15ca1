//! A double-ended queue of `Copy` items whose older part lives in shared, immutable chunks, so a
//! clone costs the newest items plus a pointer per chunk instead of a copy of everything.
//!
//! It holds a replica's record batches (`PartitionLog`). The page keeps checkpoints of the whole
//! engine for its timeline (issue 17); with a plain `VecDeque` every checkpoint was a full copy
//! of every log (a simulated hour of the reference workload: 262 MB for two checkpoints). A log
//! only grows at the end, loses batches at the front (retention) and, rarely, at the end
//! (KIP-101 truncation), so the items are kept as:
//!
//! - `chunks`: full chunks of [`CHUNK`] items behind `Arc`, never written again; a clone shares
//!   them. Retention moves `head` through the first chunk and drops it when it is used up; a
//!   truncation into a chunk copies that one chunk back into the tail (copy on write).
//! - `tail`: the newest items (fewer than [`CHUNK`]); appends go there, and a full tail becomes a
//!   chunk. A plain vector: removing at its front (only when there are no chunks, a log shorter
//!   than one chunk cut at the front) shifts fewer than [`CHUNK`] items.
//!
//! Indexing is a shift and a mask; a log shorter than a chunk is its tail alone.

use std::collections::VecDeque;
use std::sync::Arc;

/// Items per shared chunk (a power of two).
pub const CHUNK: usize = 1 << CHUNK_SHIFT;
const CHUNK_SHIFT: u32 = 8;
const MASK: usize = CHUNK - 1;

/// See the module documentation.
#[derive(Clone, Debug)]
pub struct SharedDeque<T: Copy> {
    chunks: VecDeque<Arc<[T]>>,
    /// Items of `chunks[0]` already removed from the front (0 when there are no chunks).
    head: usize,
    tail: Vec<T>,
}

impl<T: Copy> Default for SharedDeque<T> {
    fn default() -> Self {
        SharedDeque {
            chunks: VecDeque::new(),
            head: 0,
            tail: Vec::new(),
        }
    }
}

impl<T: Copy> SharedDeque<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        (self.chunks.len() << CHUNK_SHIFT) - self.head + self.tail.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `i` (0 is the front).
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<&T> {
        let p = self.head + i;
        let k = p >> CHUNK_SHIFT;
        if k < self.chunks.len() {
            Some(&self.chunks[k][p & MASK])
        } else {
            self.tail.get(p - (self.chunks.len() << CHUNK_SHIFT))
        }
    }

    /// The first item.
    pub fn front(&self) -> Option<&T> {
        self.get(0)
    }

    /// The last item.
    pub fn back(&self) -> Option<&T> {
        match self.tail.last() {
            Some(b) => Some(b),
            None => self.chunks.back().map(|c| &c[MASK]),
        }
    }

    /// Appends at the end; a tail that reaches [`CHUNK`] items becomes a shared chunk.
    pub fn push_back(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == CHUNK {
            let chunk: Arc<[T]> = Arc::from(&self.tail[..]);
            self.tail.clear();
            self.chunks.push_back(chunk);
        }
    }

    /// Removes the first item.
    pub fn pop_front(&mut self) -> Option<T> {
        if self.chunks.is_empty() {
            return (!self.tail.is_empty()).then(|| self.tail.remove(0));
        }
        let item = self.chunks[0][self.head];
        self.head += 1;
        if self.head == CHUNK {
            self.chunks.pop_front();
            self.head = 0;
        }
        Some(item)
    }

    /// Removes the last item. Reaching into a shared chunk copies it into the tail (only that
    /// chunk: the clones keep theirs).
    pub fn pop_back(&mut self) -> Option<T> {
        if self.tail.is_empty() {
            let chunk = self.chunks.pop_back()?;
            let from = if self.chunks.is_empty() {
                std::mem::take(&mut self.head)
            } else {
                0
            };
            self.tail.extend_from_slice(&chunk[from..]);
        }
        self.tail.pop()
    }

    /// The items from index `start` on, oldest first.
    pub fn iter_from(&self, start: usize) -> Iter<'_, T> {
        let back = self.len();
        Iter {
            deque: self,
            front: start.min(back),
            back,
            run: &[],
        }
    }

    /// The contiguous items from index `i` on (to the end of its chunk, or of the tail), at
    /// most `max` of them.
    #[inline]
    fn run_at(&self, i: usize, max: usize) -> &[T] {
        let p = self.head + i;
        let k = p >> CHUNK_SHIFT;
        let run = if k < self.chunks.len() {
            &self.chunks[k][p & MASK..]
        } else {
            &self.tail[(p - (self.chunks.len() << CHUNK_SHIFT)).min(self.tail.len())..]
        };
        &run[..run.len().min(max)]
    }

    /// All items, oldest first.
    pub fn iter(&self) -> Iter<'_, T> {
        self.iter_from(0)
    }

    /// The index of the first item for which `pred` is false, assuming `pred` is true for a
    /// prefix and false after it (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid).expect("in range")) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The shared chunks, as (an identity, the number of items), and the items held alone (the
    /// tail): what a memory estimate of several clones counts once per identity.
    pub fn sharing(&self) -> (impl Iterator<Item = usize> + '_, usize) {
        (
            self.chunks
                .iter()
                .map(|c| Arc::as_ptr(c) as *const T as usize),
            self.tail.len(),
        )
    }
}

/// Equal when they hold the same items in the same order (however they are chunked).
impl<T: Copy + PartialEq> PartialEq for SharedDeque<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Copy + Eq> Eq for SharedDeque<T> {}

impl<T: Copy> std::ops::Index<usize> for SharedDeque<T> {
    type Output = T;

    #[inline]
    fn index(&self, i: usize) -> &T {
        self.get(i).expect("index within the deque")
    }
}

/// Iterator over a [`SharedDeque`]'s items (both ends). Forward, it walks a chunk (or the tail)
/// as a slice.
#[derive(Clone, Debug)]
pub struct Iter<'a, T: Copy> {
    deque: &'a SharedDeque<T>,
    /// Index of the next item from the front; `run` starts there.
    front: usize,
    /// One past the next item from the back.
    back: usize,
    /// The contiguous items from `front` on (a prefix of what is left; empty: look it up).
    run: &'a [T],
}

impl<'a, T: Copy> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        if self.run.is_empty() {
            if self.front >= self.back {
                return None;
            }
            self.run = self.deque.run_at(self.front, self.back - self.front);
        }
        let (item, rest) = self.run.split_first()?;
        self.run = rest;
        self.front += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<&'a T> {
        if n < self.run.len() {
            self.run = &self.run[n..];
            self.front += n;
        } else {
            self.front = self.front.saturating_add(n).min(self.back);
            self.run = &[];
        }
        self.next()
    }
}

impl<T: Copy> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        let left = self.back - self.front;
        if self.run.len() > left {
            self.run = &self.run[..left];
        }
        self.deque.get(self.back)
    }
}

impl<T: Copy> ExactSizeIterator for Iter<'_, T> {}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Push,
        PopFront,
        PopBack,
        Clone,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => Just(Op::Push),
            2 => Just(Op::PopFront),
            1 => Just(Op::PopBack),
            1 => Just(Op::Clone),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any sequence of appends, front and back removals and clones leaves it equal to a
        /// `VecDeque` given the same operations, item for item, and every clone taken along the
        /// way still equal to the copy taken at the same moment (sharing never leaks a change).
        #[test]
        fn behaves_as_a_vecdeque_and_clones_stay_frozen(
            ops in prop::collection::vec(op(), 0..800),
            bursts in prop::collection::vec(1usize..600, 1..8),
        ) {
            let mut shared = SharedDeque::new();
            let mut model = VecDeque::new();
            let mut frozen: Vec<(SharedDeque<u64>, VecDeque<u64>)> = Vec::new();
            let mut next = 0u64;
            let mut burst = bursts.iter().cycle();
            for op in &ops {
                match op {
                    Op::Push => {
                        for _ in 0..*burst.next().expect("cycle") {
                            shared.push_back(next);
                            model.push_back(next);
                            next += 1;
                        }
                    }
                    Op::PopFront => {
                        for _ in 0..*burst.next().expect("cycle") {
                            prop_assert_eq!(shared.pop_front(), model.pop_front());
                        }
                    }
                    Op::PopBack => {
                        for _ in 0..*burst.next().expect("cycle") {
                            prop_assert_eq!(shared.pop_back(), model.pop_back());
                        }
                    }
                    Op::Clone => frozen.push((shared.clone(), model.clone())),
                }
                prop_assert_eq!(shared.len(), model.len());
                prop_assert_eq!(shared.front(), model.front());
                prop_assert_eq!(shared.back(), model.back());
            }
            prop_assert!(shared.iter().eq(model.iter()));
            prop_assert!(shared.iter().rev().eq(model.iter().rev()));
            let mid = model.len() / 3;
            prop_assert!(shared.iter_from(mid).eq(model.range(mid..)));
            prop_assert!(shared.iter().skip(mid).eq(model.iter().skip(mid)));
            // Both ends of one iterator, alternately, with a skip in between.
            let (mut a, mut b) = (shared.iter_from(mid / 2), model.range(mid / 2..));
            for step in 0..model.len() {
                let (x, y) = match step % 3 {
                    0 => (a.next(), b.next()),
                    1 => (a.next_back(), b.next_back()),
                    _ => (a.nth(2), b.nth(2)),
                };
                prop_assert_eq!(x, y);
            }
            let cut = next / 2;
            prop_assert_eq!(
                shared.partition_point(|&x| x < cut),
                model.partition_point(|&x| x < cut)
            );
            for (s, m) in &frozen {
                prop_assert!(s.iter().eq(m.iter()));
            }
        }
    }

    #[test]
    fn a_clone_shares_the_full_chunks_and_copies_only_the_tail() {
        let mut d = SharedDeque::new();
        for i in 0..(3 * CHUNK + 5) as u64 {
            d.push_back(i);
        }
        let c = d.clone();
        let (mine, my_tail) = d.sharing();
        let (theirs, their_tail) = c.sharing();
        assert_eq!(mine.collect::<Vec<_>>(), theirs.collect::<Vec<_>>());
        assert_eq!((my_tail, their_tail), (5, 5));
        // Truncating into a shared chunk copies that chunk only; the clone keeps its items.
        for _ in 0..10 {
            d.pop_back();
        }
        assert_eq!(d.sharing().0.count(), 2);
        assert_eq!(c.len(), 3 * CHUNK + 5);
        assert_eq!(c.back(), Some(&((3 * CHUNK + 4) as u64)));
        assert_eq!(d.back(), Some(&((3 * CHUNK - 6) as u64)));
    }
}
