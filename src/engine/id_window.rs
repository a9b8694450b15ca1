//! A map from increasing `u64` ids to values, for work that completes roughly in the order it
//! was started (a broker's requests in its I/O threads). Values sit in a window that starts at
//! the oldest live id, so insert, lookup and removal are O(1) and nothing is allocated per entry.

use std::collections::VecDeque;

/// Values keyed by ids that are handed out in increasing order.
#[derive(Clone, Debug, Default)]
pub struct IdWindow<T> {
    /// Id of `slots[0]`.
    base: u64,
    slots: VecDeque<Option<T>>,
    len: usize,
}

impl<T> IdWindow<T> {
    /// An empty window.
    pub fn new() -> Self {
        IdWindow {
            base: 0,
            slots: VecDeque::new(),
            len: 0,
        }
    }

    /// Stores `value` under `id` (replacing any value there).
    pub fn insert(&mut self, id: u64, value: T) {
        if self.slots.is_empty() {
            self.base = id;
        }
        while id < self.base {
            self.slots.push_front(None);
            self.base -= 1;
        }
        let i = (id - self.base) as usize;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        if self.slots[i].replace(value).is_none() {
            self.len += 1;
        }
    }

    /// Removes and returns the value under `id`.
    pub fn remove(&mut self, id: u64) -> Option<T> {
        let i = usize::try_from(id.checked_sub(self.base)?).ok()?;
        let value = self.slots.get_mut(i)?.take()?;
        self.len -= 1;
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
        }
        Some(value)
    }

    /// Number of values stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.len = 0;
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Behaves as a `BTreeMap` for any mix of inserts (increasing or not) and removals.
        #[test]
        fn behaves_as_a_map(ops in prop::collection::vec((any::<bool>(), 0u64..64), 0..300)) {
            let (mut w, mut m) = (IdWindow::new(), BTreeMap::new());
            let mut next = 1000u64;
            for (insert, k) in ops {
                if insert {
                    // Mostly fresh increasing ids, sometimes an older one.
                    let id = if k % 5 == 0 { next.saturating_sub(k) } else { next += 1; next };
                    w.insert(id, k);
                    m.insert(id, k);
                } else {
                    let id = next.saturating_sub(k);
                    prop_assert_eq!(w.remove(id), m.remove(&id));
                }
                prop_assert_eq!(w.len(), m.len());
            }
            for (id, v) in m {
                prop_assert_eq!(w.remove(id), Some(v));
            }
            prop_assert!(w.is_empty());
            prop_assert!(w.slots.is_empty(), "the window shrinks back to nothing");
        }
    }
}
