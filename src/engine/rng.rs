//! The one seeded random number generator of a run.
//!
//! xoshiro256** from `rand_xoshiro`, seeded by `SeedableRng::seed_from_u64` (SplitMix64, the
//! same seeding the engine used before it took the generator from the `rand` family): small,
//! fast, and bit-for-bit identical on every platform (native and wasm32), so the same scenario
//! and seed give the same run. The draws built on it (`below`, `unit_f64`, `exponential`) are
//! the engine's own, so every recorded trace hash stays valid.

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256StarStar;

/// Deterministic pseudo-random generator (xoshiro256**). `Clone` so engine checkpoints copy it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRng {
    inner: Xoshiro256StarStar,
}

impl SimRng {
    /// Seeds the generator; every seed (including 0) gives a valid, distinct stream.
    pub fn new(seed: u64) -> Self {
        SimRng {
            inner: Xoshiro256StarStar::seed_from_u64(seed),
        }
    }

    /// Next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform integer in `0..n` (Lemire's multiply-shift; `n == 0` returns 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        crate::engine::reciprocal::mul_hi(self.next_u64(), n)
    }

    /// Uniform float in `[0, 1)` with 53 random bits.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponentially distributed value with the given mean (for latency jitter).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        -mean * libm::log(1.0 - self.unit_f64())
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit_f64() < p
    }
}

/// `base^exp`, computed by the `libm` crate so it has the same bits natively and in wasm32
/// (the platform's `powf` does not: glibc and wasm's libm differ in the last bit).
pub fn powf(base: f64, exp: f64) -> f64 {
    libm::pow(base, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_different_seed_different_stream() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        let mut c = SimRng::new(43);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = SimRng::new(7);
        let mut seen = [0u32; 6];
        for _ in 0..6000 {
            let v = r.below(6) as usize;
            seen[v] += 1;
        }
        assert!(seen.iter().all(|&n| n > 800), "{seen:?}");
    }
}
