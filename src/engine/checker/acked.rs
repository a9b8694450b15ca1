//! The acknowledged batches the checker still tracks: per partition, in offset order.
//!
//! Acknowledgements for a partition arrive almost always in offset order, and the audit drops
//! settled ones from the low end, so a sorted deque per partition does both in O(1) where a
//! map keyed by `(partition, offset)` paid a tree search (and rebalancing) for each.

use std::collections::VecDeque;

use super::Acked;
use crate::engine::ids::TopicPartition;
use crate::engine::tp_map::TpMap;

/// Tracked acknowledgements by partition, each partition's sorted by base offset.
#[derive(Clone, Debug, Default)]
pub(super) struct AckedBatches {
    parts: TpMap<VecDeque<(u64, Acked)>>,
    len: usize,
}

impl AckedBatches {
    /// Batches tracked, over all partitions.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Tracks the batch acknowledged at `base` (replacing one already tracked there).
    pub fn insert(&mut self, tp: TopicPartition, base: u64, acked: Acked) {
        let q = self.parts.get_or_insert_with(tp, VecDeque::new);
        match q.back() {
            Some(&(last, _)) if last >= base => {
                let i = q.partition_point(|&(b, _)| b < base);
                if q.get(i).is_some_and(|&(b, _)| b == base) {
                    q[i].1 = acked;
                    return;
                }
                q.insert(i, (base, acked));
            }
            _ => q.push_back((base, acked)),
        }
        self.len += 1;
    }

    /// The batch tracked at `base`.
    pub fn get(&self, tp: TopicPartition, base: u64) -> Option<&Acked> {
        let q = self.parts.get(&tp)?;
        let i = q.partition_point(|&(b, _)| b < base);
        q.get(i).filter(|&&(b, _)| b == base).map(|(_, a)| a)
    }

    /// The partition's batches based below `below`, in offset order.
    pub fn below(
        &self,
        tp: TopicPartition,
        below: u64,
    ) -> impl Iterator<Item = (u64, &Acked)> + '_ {
        let q = self.parts.get(&tp);
        let end = q.map_or(0, |q| q.partition_point(|&(b, _)| b < below));
        q.into_iter()
            .flat_map(move |q| q.range(..end))
            .map(|(b, a)| (*b, a))
    }

    /// All of the partition's batches, in offset order.
    pub fn partition(&self, tp: TopicPartition) -> impl Iterator<Item = (u64, &Acked)> + '_ {
        self.parts
            .get(&tp)
            .into_iter()
            .flatten()
            .map(|(b, a)| (*b, a))
    }

    /// Stops tracking the partition's batches at `bases` (ascending).
    pub fn remove_all(&mut self, tp: TopicPartition, bases: &[u64]) {
        let Some(q) = self.parts.get_mut(&tp) else {
            return;
        };
        let before = q.len();
        let mut next = bases.iter().peekable();
        q.retain(|&(b, _)| {
            while next.next_if(|&&x| x < b).is_some() {}
            next.next_if(|&&x| x == b).is_none()
        });
        self.len -= before - q.len();
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::protocol::RecordIds;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn acked(n: u32) -> Acked {
        Acked {
            ids: RecordIds {
                producer: n,
                first_record: u64::from(n),
            },
            count: n,
            at: 0,
            epoch: 0,
        }
    }

    proptest! {
        /// Behaves as the `BTreeMap<(TopicPartition, u64), _>` it replaces.
        #[test]
        fn behaves_as_a_map_keyed_by_partition_and_offset(
            ops in prop::collection::vec((0u8..3, 0u32..3, 0u64..40, 0u32..9), 0..150)
        ) {
            let (mut ours, mut map) = (AckedBatches::default(), BTreeMap::new());
            for (op, p, base, n) in ops {
                let tp = TopicPartition::new(0, p);
                match op {
                    0 => {
                        ours.insert(tp, base, acked(n));
                        map.insert((tp, base), acked(n));
                    }
                    1 => {
                        let below = base;
                        let got: Vec<_> = ours.below(tp, below).map(|(b, a)| (b, *a)).collect();
                        let want: Vec<_> = map
                            .range((tp, 0)..(tp, below))
                            .map(|(&(_, b), a)| (b, *a))
                            .collect();
                        prop_assert_eq!(got, want);
                    }
                    _ => {
                        let bases: Vec<u64> =
                            (0..40).filter(|b| b % (u64::from(n) + 2) == 0).collect();
                        ours.remove_all(tp, &bases);
                        for b in &bases {
                            map.remove(&(tp, *b));
                        }
                    }
                }
                prop_assert_eq!(ours.len(), map.len());
                prop_assert_eq!(ours.get(tp, base).copied(), map.get(&(tp, base)).copied());
                let all: Vec<_> = ours.partition(tp).map(|(b, a)| (b, *a)).collect();
                let want: Vec<_> = map
                    .range((tp, 0)..=(tp, u64::MAX))
                    .map(|(&(_, b), a)| (b, *a))
                    .collect();
                prop_assert_eq!(all, want);
            }
        }
    }
}
