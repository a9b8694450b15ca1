//! Exact integer division by a divisor that stays fixed over many divisions (a latency
//! histogram's strata, a NIC's bandwidth): one multiply by a precomputed reciprocal and at most
//! two corrections instead of a hardware division each time. The quotient is exactly `x / d`.

/// Divides by a fixed `d` (at least 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reciprocal {
    d: u64,
    m: u64,
}

impl Reciprocal {
    /// For divisor `d` (0 is taken as 1).
    pub fn new(d: u64) -> Self {
        let d = d.max(1);
        Reciprocal { d, m: u64::MAX / d }
    }

    /// The divisor.
    pub fn divisor(&self) -> u64 {
        self.d
    }

    /// `x / d`, rounded down. The estimate `x * m / 2^64` is at most `x / d` and less than
    /// two below it, so `x - q * d` cannot underflow and two steps correct it.
    #[inline]
    pub fn divide(&self, x: u64) -> u64 {
        let mut q = ((u128::from(x) * u128::from(self.m)) >> 64) as u64;
        let mut r = x - q * self.d;
        while r >= self.d {
            q += 1;
            r -= self.d;
        }
        q
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The reciprocal gives the hardware quotient for any divisor and dividend.
        #[test]
        fn reciprocal_division_is_exact(
            d in prop_oneof![1u64..64, any::<u64>().prop_map(|d| d.max(1))],
            x in prop_oneof![0u64..1_000_000, any::<u64>(), Just(u64::MAX)],
        ) {
            prop_assert_eq!(Reciprocal::new(d).divide(x), x / d);
            prop_assert_eq!(Reciprocal::new(d).divide(x / d * d), x / d);
        }
    }

    #[test]
    fn exact_at_the_edges() {
        for d in [
            1u64,
            2,
            3,
            7,
            1_000_000_007,
            u64::MAX / 3,
            u64::MAX - 1,
            u64::MAX,
        ] {
            for x in [
                0u64,
                1,
                d - 1,
                d,
                d.saturating_add(1),
                u64::MAX - 1,
                u64::MAX,
            ] {
                assert_eq!(Reciprocal::new(d).divide(x), x / d, "{x} / {d}");
            }
        }
    }
}
