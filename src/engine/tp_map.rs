//! A map keyed by [`TopicPartition`], stored densely by topic index and partition number.
//!
//! Topics are numbered from 0 and partitions from 0, so a broker's replicas fit a small table:
//! a lookup is two indexings instead of a B-tree search, and iteration still runs in
//! `(topic, partition)` order, the order of a `BTreeMap<TopicPartition, _>` (which this
//! replaces on the engine's hot paths, so nothing observable changes).

use std::ops::Index;

use super::ids::TopicPartition;

/// No entry in a slot.
const NONE: u32 = u32::MAX;

/// Values by topic-partition; iterates in `(topic, partition)` order.
///
/// The entries sit in one vector sorted by key, and a dense table of 4-byte slots per topic
/// (`slots[t][p]`: the entry's index) finds them: a broker hosting a few hundred of a topic's
/// 10,000 partitions pays 40 KB of slots, not 10,000 empty entries (issue 18). Inserting in key
/// order, as replicas are created, appends; inserting or removing elsewhere re-indexes the
/// entries after it (rare: a reassignment).
#[derive(Clone, Debug, PartialEq)]
pub struct TpMap<V> {
    slots: Vec<Vec<u32>>,
    entries: Vec<(TopicPartition, V)>,
}

impl<V> Default for TpMap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V> TpMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        TpMap {
            slots: Vec::new(),
            entries: Vec::new(),
        }
    }

    #[inline]
    fn index_of(&self, tp: &TopicPartition) -> Option<usize> {
        let i = *self
            .slots
            .get(tp.topic as usize)?
            .get(tp.partition as usize)?;
        (i != NONE).then_some(i as usize)
    }

    fn reindex_from(&mut self, from: usize) {
        for j in from..self.entries.len() {
            let k = self.entries[j].0;
            self.slots[k.topic as usize][k.partition as usize] = j as u32;
        }
    }

    /// The value for `tp`.
    #[inline]
    pub fn get(&self, tp: &TopicPartition) -> Option<&V> {
        self.index_of(tp).map(|i| &self.entries[i].1)
    }

    /// The value for `tp`, mutably.
    #[inline]
    pub fn get_mut(&mut self, tp: &TopicPartition) -> Option<&mut V> {
        self.index_of(tp).map(|i| &mut self.entries[i].1)
    }

    /// Whether `tp` has a value.
    pub fn contains_key(&self, tp: &TopicPartition) -> bool {
        self.index_of(tp).is_some()
    }

    /// Sets the value for `tp`; returns the one it replaces.
    pub fn insert(&mut self, tp: TopicPartition, value: V) -> Option<V> {
        if let Some(i) = self.index_of(&tp) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        let (t, p) = (tp.topic as usize, tp.partition as usize);
        if self.slots.len() <= t {
            self.slots.resize_with(t + 1, Vec::new);
        }
        if self.slots[t].len() <= p {
            self.slots[t].resize(p + 1, NONE);
        }
        let at = if self.entries.last().is_none_or(|(k, _)| *k < tp) {
            self.entries.len()
        } else {
            self.entries.partition_point(|(k, _)| *k < tp)
        };
        self.entries.insert(at, (tp, value));
        self.reindex_from(at);
        None
    }

    /// The value for `tp`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, tp: TopicPartition, make: impl FnOnce() -> V) -> &mut V {
        if !self.contains_key(&tp) {
            self.insert(tp, make());
        }
        self.get_mut(&tp).expect("just inserted")
    }

    /// Removes and returns the value for `tp`.
    pub fn remove(&mut self, tp: &TopicPartition) -> Option<V> {
        let i = self.index_of(tp)?;
        self.slots[tp.topic as usize][tp.partition as usize] = NONE;
        let (_, v) = self.entries.remove(i);
        self.reindex_from(i);
        Some(v)
    }

    /// Entries stored.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in `(topic, partition)` order.
    pub fn iter(&self) -> impl Iterator<Item = (&TopicPartition, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Entries in `(topic, partition)` order, values mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&TopicPartition, &mut V)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &TopicPartition> {
        self.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in key order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<V> Index<&TopicPartition> for TpMap<V> {
    type Output = V;

    fn index(&self, tp: &TopicPartition) -> &V {
        self.get(tp).expect("no entry for this topic-partition")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Behaves as a `BTreeMap<TopicPartition, _>` for any mix of inserts and removals,
        /// iteration order included.
        #[test]
        fn behaves_as_a_btree_map(
            ops in prop::collection::vec((any::<bool>(), 0u32..4, 0u32..12, any::<u16>()), 0..200)
        ) {
            let (mut map, mut reference) = (TpMap::new(), BTreeMap::new());
            for (insert, t, p, v) in ops {
                let tp = TopicPartition::new(t, p);
                if insert {
                    prop_assert_eq!(map.insert(tp, v), reference.insert(tp, v));
                } else {
                    prop_assert_eq!(map.remove(&tp), reference.remove(&tp));
                }
                prop_assert_eq!(map.len(), reference.len());
                prop_assert_eq!(map.get(&tp), reference.get(&tp));
            }
            let ours: Vec<_> = map.iter().map(|(k, v)| (*k, *v)).collect();
            let theirs: Vec<_> = reference.iter().map(|(k, v)| (*k, *v)).collect();
            prop_assert_eq!(ours, theirs);
            for v in map.values_mut() {
                *v = v.wrapping_add(1);
            }
            let bumped: Vec<_> = map.values().copied().collect();
            let expected: Vec<_> = reference.values().map(|v| v.wrapping_add(1)).collect();
            prop_assert_eq!(bumped, expected);
        }
    }

    #[test]
    fn get_or_insert_with_inserts_once() {
        let mut map = TpMap::new();
        let tp = TopicPartition::new(1, 3);
        *map.get_or_insert_with(tp, || 5) += 1;
        *map.get_or_insert_with(tp, || 100) += 1;
        assert_eq!(map[&tp], 7);
        assert_eq!(map.len(), 1);
        assert!(!map.contains_key(&TopicPartition::new(0, 3)));
    }
}
