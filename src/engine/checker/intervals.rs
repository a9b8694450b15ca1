//! Sorted lists of disjoint half-open intervals `[start, end)`, as the checker keeps them for
//! record ids (duplicates) and for offsets a consumer group received (skipped records). Runs
//! are almost always contiguous, so the list stays one interval long and an insertion at its
//! end is O(1).

/// Adds `[a, z)` to `set` (sorted, disjoint, non-touching intervals), merging neighbours.
pub(super) fn insert(set: &mut Vec<(u64, u64)>, a: u64, z: u64) {
    if a >= z {
        return;
    }
    if let Some(last) = set.last_mut() {
        // The common case: the interval continues or overlaps the last one.
        if a >= last.0 && a <= last.1 {
            last.1 = last.1.max(z);
            return;
        }
        if a > last.1 {
            set.push((a, z));
            return;
        }
    }
    // Anywhere else: the intervals touching [a, z) collapse into one.
    let first = set.partition_point(|&(_, e)| e < a);
    let end = set.partition_point(|&(s, _)| s <= z);
    if first == end {
        set.insert(first, (a, z));
        return;
    }
    let merged = (a.min(set[first].0), z.max(set[end - 1].1));
    set[first] = merged;
    set.drain(first + 1..end);
}

/// How many of the offsets in `[0, below)` no interval of `set` covers.
pub(super) fn uncovered_below(set: &[(u64, u64)], below: u64) -> u64 {
    let covered: u64 = set
        .iter()
        .take_while(|&&(s, _)| s < below)
        .map(|&(s, e)| e.min(below) - s)
        .sum();
    below - covered
}

/// The first run of offsets in `[from, below)` that no interval of `set` covers.
pub(super) fn first_gap(set: &[(u64, u64)], from: u64, below: u64) -> Option<(u64, u64)> {
    let mut at = from;
    for &(s, e) in set {
        if at >= below {
            return None;
        }
        if e <= at {
            continue;
        }
        if s > at {
            return Some((at, s.min(below)));
        }
        at = e;
    }
    (at < below).then_some((at, below))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same set kept as one flag per offset.
    fn naive(set: &[(u64, u64)], n: u64) -> Vec<bool> {
        (0..n)
            .map(|o| set.iter().any(|&(s, e)| s <= o && o < e))
            .collect()
    }

    #[test]
    fn insert_keeps_sorted_disjoint_intervals_equal_to_a_flag_per_offset() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..200 {
            let (mut set, mut flags) = (Vec::new(), vec![false; 64]);
            for _ in 0..12 {
                let a = next(60);
                let z = a + next(6);
                insert(&mut set, a, z);
                for f in &mut flags[a as usize..z as usize] {
                    *f = true;
                }
                assert_eq!(naive(&set, 64), flags, "{set:?}");
                assert!(
                    set.windows(2).all(|w| w[0].1 < w[1].0),
                    "sorted, disjoint, not touching: {set:?}"
                );
                assert!(set.iter().all(|&(s, e)| s < e), "{set:?}");
                for below in [0, 1, 17, 40, 64] {
                    let missing = flags[..below as usize].iter().filter(|f| !**f).count();
                    assert_eq!(uncovered_below(&set, below), missing as u64);
                    for from in [0, 5, 33] {
                        let gap = first_gap(&set, from, below);
                        let first_missing = (from..below).find(|&o| !flags[o as usize]);
                        assert_eq!(gap.map(|g| g.0), first_missing, "{set:?} {from} {below}");
                        if let Some((s, e)) = gap {
                            assert!(
                                e <= below && flags[s as usize..e as usize].iter().all(|f| !*f)
                            );
                            assert!(e == below || flags[e as usize]);
                        }
                    }
                }
            }
        }
    }
}
