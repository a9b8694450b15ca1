//! Exact integer division by a divisor that stays fixed over many divisions (a latency
//! histogram's strata, a NIC's bandwidth): one multiply by a precomputed reciprocal and at most
//! two corrections instead of a hardware division each time. The quotient is exactly `x / d`.
//! Also the 64 × 64 → 128-bit multiply the engine's exact arithmetic uses.

/// `a × b` exactly, as 128 bits. Natively the hardware's widening multiply; in wasm, which has
/// no 128-bit type, four 32 × 32-bit multiplies inline: Rust's `u128` multiply (and a `u64`
/// `checked_mul`, which LLVM widens) is a call to `__multi3`, a general 128 × 128 multiply,
/// about 4% of the engine's time in wasm on the benchmark workload.
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> u128 {
    #[cfg(target_arch = "wasm32")]
    {
        mul_wide_by_halves(a, b)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        u128::from(a) * u128::from(b)
    }
}

/// The wasm way of [`mul_wide`] (tested natively against the hardware's).
#[inline(always)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn mul_wide_by_halves(a: u64, b: u64) -> u128 {
    let (a0, a1) = (a & 0xffff_ffff, a >> 32);
    let (b0, b1) = (b & 0xffff_ffff, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // At most 3 · (2^32 - 1): no overflow.
    let mid = (p00 >> 32) + (p01 & 0xffff_ffff) + (p10 & 0xffff_ffff);
    let lo = (p00 & 0xffff_ffff) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    (u128::from(hi) << 64) | u128::from(lo)
}

/// `a × b` when it fits 64 bits (`u64::checked_mul` without the wasm library call).
#[inline(always)]
pub fn checked_mul(a: u64, b: u64) -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        let p = mul_wide(a, b);
        if p >> 64 == 0 {
            Some(p as u64)
        } else {
            None
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        a.checked_mul(b)
    }
}

/// `a × b`, or `u64::MAX` when it does not fit (`u64::saturating_mul` without the wasm
/// library call).
#[inline(always)]
pub fn saturating_mul(a: u64, b: u64) -> u64 {
    checked_mul(a, b).unwrap_or(u64::MAX)
}

/// The high 64 bits of `a × b`.
#[inline(always)]
pub fn mul_hi(a: u64, b: u64) -> u64 {
    (mul_wide(a, b) >> 64) as u64
}

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
        let mut q = mul_hi(x, self.m);
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
        /// The widening multiply is exact, the wasm way included.
        #[test]
        fn mul_wide_is_exact(
            a in prop_oneof![0u64..1 << 33, any::<u64>(), Just(u64::MAX)],
            b in prop_oneof![0u64..1 << 33, any::<u64>(), Just(u64::MAX)],
        ) {
            let exact = u128::from(a) * u128::from(b);
            prop_assert_eq!(mul_wide(a, b), exact);
            prop_assert_eq!(mul_wide_by_halves(a, b), exact);
            prop_assert_eq!(checked_mul(a, b), a.checked_mul(b));
            prop_assert_eq!(saturating_mul(a, b), a.saturating_mul(b));
            prop_assert_eq!(mul_hi(a, b), (exact >> 64) as u64);
        }

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
