//! A 4-ary min-heap of `u128` keys (with a payload word), for the event queue.
//!
//! Half the depth of a binary heap: a pop walks about log4(n) levels, each comparing four
//! siblings that sit next to each other in memory (64 bytes of 16-byte entries), instead of
//! log2(n) levels of dependent loads. The event loop pops once per event, so this is its
//! hottest loop.

/// Min-heap of `(key, value)` ordered by `key`; keys must be unique for a deterministic order
/// (the event queue's keys are: they carry a sequence number).
#[derive(Clone, Debug, Default)]
pub struct QuadHeap {
    keys: Vec<u128>,
}

impl QuadHeap {
    /// An empty heap.
    pub fn new() -> Self {
        QuadHeap { keys: Vec::new() }
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The smallest key.
    pub fn peek(&self) -> Option<u128> {
        self.keys.first().copied()
    }

    /// Adds `key`.
    pub fn push(&mut self, key: u128) {
        self.keys.push(key);
        self.sift_up(self.keys.len() - 1, key);
    }

    /// Moves `key` from the hole at `i` up past the parents larger than it.
    fn sift_up(&mut self, mut i: usize, key: u128) {
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.keys[parent] <= key {
                break;
            }
            self.keys[i] = self.keys[parent];
            i = parent;
        }
        self.keys[i] = key;
    }

    /// Removes and returns the smallest key: the hole left at the root goes down to a leaf
    /// along the smallest children, then the last key fills it and moves up (Floyd's method:
    /// the last key belongs near the bottom, so this compares less than sifting it down).
    pub fn pop(&mut self) -> Option<u128> {
        let last = self.keys.pop()?;
        let n = self.keys.len();
        if n == 0 {
            return Some(last);
        }
        let top = self.keys[0];
        let mut hole = 0;
        loop {
            let first = 4 * hole + 1;
            if first >= n {
                break;
            }
            let best = if first + 4 <= n {
                // All four children: a two-round tournament, no loop.
                let k = &self.keys[first..first + 4];
                let a = usize::from(k[1] < k[0]);
                let b = 2 + usize::from(k[3] < k[2]);
                first + if k[b] < k[a] { b } else { a }
            } else {
                let mut best = first;
                for c in first + 1..n {
                    if self.keys[c] < self.keys[best] {
                        best = c;
                    }
                }
                best
            };
            self.keys[hole] = self.keys[best];
            hole = best;
        }
        self.sift_up(hole, last);
        Some(top)
    }

    /// Removes everything, returning the keys in no particular order.
    pub fn drain_unordered(&mut self) -> Vec<u128> {
        std::mem::take(&mut self.keys)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    proptest! {
        /// Pops in the same order as the standard binary heap, for any mix of pushes and pops.
        #[test]
        fn pops_as_a_binary_heap(ops in prop::collection::vec(prop::option::of(0u128..64), 0..400)) {
            let (mut ours, mut std_heap) = (QuadHeap::new(), BinaryHeap::new());
            for (i, op) in ops.into_iter().enumerate() {
                match op {
                    // Unique keys, as the event queue's: the value in the high bits, a counter below.
                    Some(v) => {
                        let key = (v << 64) | i as u128;
                        ours.push(key);
                        std_heap.push(Reverse(key));
                    }
                    None => prop_assert_eq!(ours.pop(), std_heap.pop().map(|Reverse(k)| k)),
                }
                prop_assert_eq!(ours.len(), std_heap.len());
                prop_assert_eq!(ours.peek(), std_heap.peek().map(|Reverse(k)| *k));
            }
            while let Some(Reverse(k)) = std_heap.pop() {
                prop_assert_eq!(ours.pop(), Some(k));
            }
            prop_assert!(ours.is_empty());
        }
    }
}
