//! A set of partition numbers kept as a two-level bitset: insert, remove and "next member at or
//! after p" cost O(1) words for up to 4,096 partitions and O(P / 4,096) beyond, and iteration is
//! in ascending order — so a component can visit only the partitions that changed, in the same
//! order a scan over every partition would have visited them (determinism).

/// Ascending set of partition numbers below the capacity given at construction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionSet {
    /// Bit `p % 64` of word `p / 64` is set when `p` is a member.
    words: Vec<u64>,
    /// Bit `w % 64` of summary word `w / 64` is set when `words[w]` is not zero.
    summary: Vec<u64>,
    len: u32,
    capacity: u32,
}

impl PartitionSet {
    /// An empty set for partitions `0..n`.
    pub fn new(n: u32) -> Self {
        let words = (n as usize).div_ceil(64);
        PartitionSet {
            words: vec![0; words],
            summary: vec![0; words.div_ceil(64)],
            len: 0,
            capacity: n,
        }
    }

    /// Members.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `p` is a member.
    pub fn contains(&self, p: u32) -> bool {
        self.words
            .get((p / 64) as usize)
            .is_some_and(|w| w & (1 << (p % 64)) != 0)
    }

    /// Adds `p` (ignored past the capacity); returns whether it was new.
    pub fn insert(&mut self, p: u32) -> bool {
        if p >= self.capacity {
            return false;
        }
        let w = (p / 64) as usize;
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        let bit = 1u64 << (p % 64);
        if *word & bit != 0 {
            return false;
        }
        *word |= bit;
        self.summary[w / 64] |= 1 << (w % 64);
        self.len += 1;
        true
    }

    /// Removes `p`; returns whether it was a member.
    pub fn remove(&mut self, p: u32) -> bool {
        let w = (p / 64) as usize;
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        let bit = 1u64 << (p % 64);
        if *word & bit == 0 {
            return false;
        }
        *word &= !bit;
        if *word == 0 {
            self.summary[w / 64] &= !(1 << (w % 64));
        }
        self.len -= 1;
        true
    }

    /// Adds every partition `0..n` of the capacity.
    pub fn insert_all(&mut self, n: u32) {
        for p in 0..n {
            self.insert(p);
        }
    }

    /// The smallest member `>= p`.
    pub fn next_from(&self, p: u32) -> Option<u32> {
        let mut w = (p / 64) as usize;
        let first = self.words.get(w)? & (u64::MAX << (p % 64));
        if first != 0 {
            return Some(w as u32 * 64 + first.trailing_zeros());
        }
        // The next non-zero word after `w`, through the summary.
        w += 1;
        let mut s = w / 64;
        let mut mask = if w % 64 == 0 {
            u64::MAX
        } else {
            u64::MAX << (w % 64)
        };
        while let Some(&sum) = self.summary.get(s) {
            let hit = sum & mask;
            if hit != 0 {
                let word = s * 64 + hit.trailing_zeros() as usize;
                return Some(word as u32 * 64 + self.words[word].trailing_zeros());
            }
            s += 1;
            mask = u64::MAX;
        }
        None
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.next_from(0);
        std::iter::from_fn(move || {
            let p = next?;
            next = p.checked_add(1).and_then(|q| self.next_from(q));
            Some(p)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_as_an_ordered_set() {
        let mut rng = crate::engine::rng::SimRng::new(7);
        for n in [1u32, 63, 64, 65, 4_095, 4_096, 4_097, 20_000] {
            let mut set = PartitionSet::new(n);
            let mut model = BTreeSet::new();
            for _ in 0..3_000 {
                let p = rng.below(n as u64) as u32;
                if rng.below(3) == 0 {
                    assert_eq!(set.remove(p), model.remove(&p));
                } else {
                    assert_eq!(set.insert(p), model.insert(p));
                }
                let from = rng.below(n as u64) as u32;
                assert_eq!(set.next_from(from), model.range(from..).next().copied());
            }
            assert_eq!(set.len() as usize, model.len());
            assert!(set.iter().eq(model.iter().copied()));
            assert!(!set.insert(n), "past the capacity");
        }
    }
}
