//! A map over a sorted vector: for the handful of entries a broker keeps per peer (followers
//! of a partition, replica fetchers by leader), where a binary search over one contiguous
//! vector beats a B-tree's node walk. Iterates in key order, as the `BTreeMap` it replaces.

/// Entries sorted by key; a `BTreeMap` with the same API subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord + Copy, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value for `key`, mutably.
    #[inline]
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets the value for `key`; returns the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value for `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes and returns the value for `key`.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Entries stored.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
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

impl<K: Ord + Copy, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// As `BTreeMap::from_iter`: a later entry for the same key replaces the earlier one.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = VecMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Behaves as a `BTreeMap` for any mix of inserts, removals and lookups.
        #[test]
        fn behaves_as_a_btree_map(ops in prop::collection::vec((0u8..4, 0u32..8, any::<u16>()), 0..100)) {
            let (mut map, mut reference) = (VecMap::new(), BTreeMap::new());
            for (op, k, v) in ops {
                match op {
                    0 => prop_assert_eq!(map.insert(k, v), reference.insert(k, v)),
                    1 => prop_assert_eq!(map.remove(&k), reference.remove(&k)),
                    2 if v % 2 == 0 => {
                        *map.get_or_insert_with(k, || v) ^= 1;
                        *reference.entry(k).or_insert(v) ^= 1;
                    }
                    _ => {
                        if let (Some(a), Some(b)) = (map.get_mut(&k), reference.get_mut(&k)) {
                            *a ^= v;
                            *b ^= v;
                        }
                    }
                }
                prop_assert_eq!(map.get(&k), reference.get(&k));
                prop_assert_eq!(map.len(), reference.len());
            }
            let ours: Vec<_> = map.iter().map(|(k, v)| (*k, *v)).collect();
            let theirs: Vec<_> = reference.iter().map(|(k, v)| (*k, *v)).collect();
            prop_assert_eq!(ours, theirs);
        }

        /// Collecting keeps the last value per key, as a `BTreeMap` does.
        #[test]
        fn collects_as_a_btree_map(pairs in prop::collection::vec((0u32..6, any::<u8>()), 0..30)) {
            let ours: VecMap<u32, u8> = pairs.iter().copied().collect();
            let theirs: BTreeMap<u32, u8> = pairs.iter().copied().collect();
            prop_assert!(ours.iter().map(|(k, v)| (*k, *v)).eq(theirs.into_iter()));
        }
    }
}
