//! A log-linear latency histogram (HDR-like): fixed memory, under 1% relative error, values in
//! nanoseconds from 0 to hours.

use super::reciprocal::{checked_mul, mul_wide, Reciprocal};

/// Sub-buckets per power of two (relative error ≤ 1/64).
const SUB: u64 = 64;
/// Values below this are exact.
const LINEAR: u64 = 2 * SUB;
const BUCKETS: usize = (LINEAR + (64 - 7) * SUB) as usize;

/// Counts of values by bucket.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
    min: u64,
    max: u64,
    sum: u128,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

fn index(v: u64) -> usize {
    if v < LINEAR {
        return v as usize;
    }
    let exp = 63 - v.leading_zeros() as u64; // ≥ 7
    let shift = exp - 6;
    let sub = (v >> shift) - SUB; // 0..64
    (LINEAR + (exp - 7) * SUB + sub) as usize
}

/// The `(value, count)` pairs standing for `n` values spread evenly over `[lo, hi]`: the
/// extremes exactly, the rest in up to 16 strata at their middle record's value.
fn spread(lo: u64, hi: u64, n: u64, mut out: impl FnMut(u64, u64)) {
    if n == 0 {
        return;
    }
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if n <= 2 {
        out(lo, 1);
        if n == 2 {
            out(hi, 1);
        }
        return;
    }
    out(lo, 1);
    out(hi, 1);
    let inner = n - 2;
    let strata = inner.min(16);
    let width = hi - lo;
    let denom = 2 * (n - 1);
    let by_denom = Reciprocal::new(denom);
    // Stratum s ends at b = (s + 1) * inner / strata, stepped without dividing: b grows by
    // `step` plus one whenever the remainders (s + 1) * (inner % strata) pass a multiple of
    // `strata`.
    let (step, rem) = (inner / strata, inner % strata);
    let mut carry = 0;
    let mut a = 0; // s * inner / strata, carried over from the previous stratum's end
    for _ in 0..strata {
        carry += rem;
        let mut b = a + step;
        if carry >= strata {
            carry -= strata;
            b += 1;
        }
        // Inner record i (0-based) is record i + 1 of n; twice its middle index:
        let mid2 = a + b + 1;
        let offset = match checked_mul(width, mid2) {
            Some(p) => by_denom.divide(p),
            None => (width as u128 * mid2 as u128 / denom as u128) as u64,
        };
        out(lo + offset, b - a);
        a = b;
    }
}

fn lower_bound(i: usize) -> u64 {
    let i = i as u64;
    if i < LINEAR {
        return i;
    }
    let exp = (i - LINEAR) / SUB + 7;
    let sub = (i - LINEAR) % SUB;
    (sub + SUB) << (exp - 6)
}

fn midpoint(i: usize) -> u64 {
    let lo = lower_bound(i);
    let hi = if i + 1 < BUCKETS {
        lower_bound(i + 1)
    } else {
        u64::MAX
    };
    lo + (hi - lo) / 2
}

impl LatencyHistogram {
    /// An empty histogram.
    pub fn new() -> Self {
        LatencyHistogram {
            counts: vec![0; BUCKETS],
            total: 0,
            min: u64::MAX,
            max: 0,
            sum: 0,
        }
    }

    /// Records `n` occurrences of `v`.
    pub fn record_n(&mut self, v: u64, n: u64) {
        if n == 0 {
            return;
        }
        self.counts[index(v)] += n;
        self.total += n;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.sum += mul_wide(v, n);
    }

    /// Records one value.
    pub fn record(&mut self, v: u64) {
        self.record_n(v, 1);
    }

    /// Records `n` values spread evenly over `[lo, hi]` (a batch's records). The extremes are recorded
    /// exactly and the rest in up to 16 strata, each weighted by its share of `n`.
    pub fn record_spread(&mut self, lo: u64, hi: u64, n: u64) {
        if n == 0 {
            return;
        }
        // The same as `record_n` for each stratum, with the totals updated once: every value
        // lies in [lo, hi] and both extremes are recorded (just `lo` when n = 1).
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        self.total += n;
        self.min = self.min.min(lo);
        self.max = self.max.max(if n == 1 { lo } else { hi });
        let (counts, sum) = (&mut self.counts, &mut self.sum);
        spread(lo, hi, n, |v, k| {
            counts[index(v)] += k;
            *sum += mul_wide(v, k);
        });
    }

    /// The buckets that can be non-zero: every recorded value lies in [min, max] (empty when
    /// nothing is recorded). Clearing, merging and percentiles touch only these, so a window
    /// histogram of a narrow latency band costs its band, not all of its 3,776 buckets.
    fn span(&self) -> std::ops::Range<usize> {
        if self.total == 0 {
            0..0
        } else {
            index(self.min)..index(self.max) + 1
        }
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &LatencyHistogram) {
        let r = other.span();
        for (a, b) in self.counts[r.clone()].iter_mut().zip(&other.counts[r]) {
            *a += b;
        }
        self.total += other.total;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
    }

    /// Empties it.
    pub fn clear(&mut self) {
        let r = self.span();
        self.counts[r].fill(0);
        self.total = 0;
        self.min = u64::MAX;
        self.max = 0;
        self.sum = 0;
    }

    /// Values recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Largest value (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// Smallest value (0 when empty).
    pub fn min(&self) -> u64 {
        if self.total == 0 {
            0
        } else {
            self.min
        }
    }

    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// The value at quantile `q` (0..=1), within the bucket resolution, clamped to [min, max].
    pub fn percentile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        let r = self.span();
        for (i, &c) in self.counts[r.clone()].iter().enumerate() {
            seen += c;
            if seen >= rank {
                return midpoint(r.start + i).clamp(self.min, self.max);
            }
        }
        self.max
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn percentiles_are_within_two_percent_of_the_sorted_truth(mut vals in prop::collection::vec(0u64..10_000_000_000, 1..400), q in 0.0f64..1.0) {
            let mut h = LatencyHistogram::new();
            for &v in &vals { h.record(v); }
            vals.sort_unstable();
            let rank = ((q * vals.len() as f64).ceil() as usize).max(1);
            let truth = vals[rank - 1];
            let got = h.percentile(q);
            let err = (got as f64 - truth as f64).abs();
            prop_assert!(err <= truth as f64 * 0.02 + 1.0, "q {} truth {} got {}", q, truth, got);
        }
    }

    proptest! {
        /// Merging, clearing and percentiles over the recorded band equal the same over every
        /// bucket: a merge equals recording both sets into one histogram, a cleared histogram
        /// equals a new one.
        #[test]
        fn band_limited_operations_equal_whole_ones(
            a in prop::collection::vec(0u64..u64::MAX / 4, 0..20),
            b in prop::collection::vec(0u64..50_000_000, 0..20),
            q in 0.0f64..=1.0,
        ) {
            let (mut ha, mut hb, mut all) =
                (LatencyHistogram::new(), LatencyHistogram::new(), LatencyHistogram::new());
            for &v in &a { ha.record(v); all.record(v); }
            for &v in &b { hb.record(v); all.record(v); }
            ha.merge(&hb);
            prop_assert_eq!(&ha, &all);
            // Percentile over every bucket, the way it was computed before.
            let naive = if all.total == 0 { 0 } else {
                let rank = ((q * all.total as f64).ceil() as u64).max(1);
                let mut seen = 0;
                let mut out = all.max;
                for (i, &c) in all.counts.iter().enumerate() {
                    seen += c;
                    if seen >= rank { out = midpoint(i).clamp(all.min, all.max); break; }
                }
                out
            };
            prop_assert_eq!(all.percentile(q), naive);
            all.clear();
            prop_assert_eq!(all, LatencyHistogram::new());
        }

        /// The fast path equals recording each stratum one by one.
        #[test]
        fn record_spread_equals_recording_each_stratum(
            pre in prop::collection::vec(0u64..5_000_000, 0..4),
            lo in 0u64..u64::MAX / 2,
            width in prop::sample::select(vec![0u64, 1, 7, 1_000, 3_000_000, u64::MAX / 2]),
            n in prop::sample::select(vec![1u64, 2, 3, 5, 17, 18, 1_000, 1 << 40]),
            swap in any::<bool>(),
        ) {
            let (a, b) = if swap { (lo + width, lo) } else { (lo, lo + width) };
            let (mut fast, mut slow) = (LatencyHistogram::new(), LatencyHistogram::new());
            for &v in &pre {
                fast.record(v);
                slow.record(v);
            }
            fast.record_spread(a, b, n);
            spread(a, b, n, |v, k| slow.record_n(v, k));
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn strata_follow_the_closed_form() {
        // Stratum s covers inner records [s·inner/strata, (s+1)·inner/strata) and sits at its
        // middle record's value.
        for (lo, hi, n) in [
            (0u64, 0u64, 3u64),
            (5, 900, 17),
            (1_000, 2_000_000, 1_000),
            (7, 8, 40),
        ] {
            let mut got = Vec::new();
            spread(lo, hi, n, |v, k| got.push((v, k)));
            let (inner, width, denom) = (n - 2, hi - lo, 2 * (n - 1));
            let strata = inner.min(16);
            let mut want = vec![(lo, 1), (hi, 1)];
            for s in 0..strata {
                let (a, b) = (s * inner / strata, (s + 1) * inner / strata);
                want.push((lo + width * (a + b + 1) / denom, b - a));
            }
            assert_eq!(got, want, "lo {lo} hi {hi} n {n}");
        }
    }

    #[test]
    fn spread_covers_the_range() {
        let mut h = LatencyHistogram::new();
        h.record_spread(1_000_000, 2_000_000, 1000);
        assert_eq!(h.count(), 1000);
        let p50 = h.percentile(0.5) as f64;
        assert!((p50 - 1_500_000.0).abs() < 40_000.0, "{p50}");
        assert!(h.max() >= 1_990_000 && h.min() <= 1_010_000);
    }
}
