//! Poisson arrivals: an application whose `send()` calls come from many independent users has
//! exponentially distributed gaps between records (a Poisson process at the configured mean
//! rate), so batches fill unevenly, tails are real, and a crash does not land on a tick.
//!
//! Arrivals are drawn lazily: the next arrival time is always known (a tick can wake exactly
//! then), up to [`EXACT_PER_TICK`] arrivals a tick are drawn gap by gap, and any further ones
//! in the same interval are drawn as one Poisson count (the process is memoryless, so the next
//! arrival after `now` is again `now` plus an exponential gap). The cost per tick is bounded
//! whatever the rate.

use crate::engine::rng::SimRng;
use crate::engine::time::{SimTime, SECONDS};

/// Arrivals drawn one by one in a tick before the rest of the interval is drawn as a count.
pub const EXACT_PER_TICK: u64 = 64;

/// Arrivals due at a tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Due {
    /// How many records arrived.
    pub count: u64,
    /// When the first of them arrived.
    pub first: SimTime,
    /// When the last of them arrived (approximately, when they were drawn as a count).
    pub last: SimTime,
}

/// A Poisson arrival process at a mean rate.
#[derive(Clone, Debug, PartialEq)]
pub struct PoissonArrivals {
    /// Mean gap between arrivals, in nanoseconds.
    mean_gap_ns: f64,
    /// When the next record arrives.
    next: SimTime,
}

impl PoissonArrivals {
    /// A process of `records_per_s` on average whose first record arrives after one
    /// exponential gap from `start`.
    pub fn new(records_per_s: f64, start: SimTime, rng: &mut SimRng) -> Self {
        let mean_gap_ns = SECONDS as f64 / records_per_s.max(1e-12);
        let mut p = PoissonArrivals {
            mean_gap_ns,
            next: start,
        };
        p.next = p.after(start, rng);
        p
    }

    /// When the next record arrives.
    pub fn next_arrival(&self) -> SimTime {
        self.next
    }

    /// An exponential gap after `t` (saturating: a vanishing rate never wraps).
    fn after(&self, t: SimTime, rng: &mut SimRng) -> SimTime {
        let gap = rng.exponential(self.mean_gap_ns);
        t.saturating_add(if gap.is_finite() {
            gap as u64
        } else {
            u64::MAX
        })
    }

    /// The records arriving up to `now` (inclusive) since the last call.
    pub fn due(&mut self, now: SimTime, rng: &mut SimRng) -> Due {
        if self.next > now {
            return Due::default();
        }
        let first = self.next;
        let mut last = first;
        let mut count = 1;
        self.next = self.after(self.next, rng);
        while self.next <= now && count < EXACT_PER_TICK {
            last = self.next;
            count += 1;
            self.next = self.after(self.next, rng);
        }
        if self.next <= now {
            // The rest of (next, now]: one arrival at `next`, then a Poisson count over the
            // remaining span; the first arrival after `now` is an exponential gap from `now`.
            let span = (now - self.next) as f64;
            count += 1 + poisson(span / self.mean_gap_ns, rng);
            last = now;
            self.next = self.after(now, rng);
        }
        Due { count, first, last }
    }
}

/// A Poisson-distributed count with mean `lambda`: Knuth's product of uniforms below 10, and
/// Hörmann's transformed rejection with squeeze (PTRS, 1993) above; `libm` functions only, so
/// the draws are the same natively and in wasm32.
pub fn poisson(lambda: f64, rng: &mut SimRng) -> u64 {
    if lambda.is_nan() || lambda <= 0.0 {
        return 0;
    }
    if lambda < 10.0 {
        let limit = libm::exp(-lambda);
        let (mut k, mut p) = (0u64, 1.0);
        loop {
            p *= rng.unit_f64();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
    let slam = libm::sqrt(lambda);
    let loglam = libm::log(lambda);
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.unit_f64() - 0.5;
        let v = rng.unit_f64();
        let us = 0.5 - u.abs();
        let k = libm::floor((2.0 * a / us + b) * u + lambda + 0.43);
        if us >= 0.07 && v <= vr {
            return k as u64;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        let lhs = libm::log(v) + libm::log(inv_alpha) - libm::log(a / (us * us) + b);
        let rhs = -lambda + k * loglam - libm::lgamma(k + 1.0);
        if lhs <= rhs {
            return k as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_and_variance(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        (mean, var)
    }

    /// A Poisson count has variance equal to its mean, on both sides of the algorithm switch.
    #[test]
    fn poisson_counts_have_mean_and_variance_lambda() {
        let mut rng = SimRng::new(9);
        for lambda in [0.5, 3.0, 9.5, 10.0, 37.0, 1_000.0, 250_000.0] {
            let xs: Vec<f64> = (0..20_000)
                .map(|_| poisson(lambda, &mut rng) as f64)
                .collect();
            let (m, v) = mean_and_variance(&xs);
            assert!(
                (m - lambda).abs() < 0.05 * lambda.max(1.0),
                "λ {lambda}: mean {m}"
            );
            assert!(
                (v - lambda).abs() < 0.1 * lambda.max(1.0),
                "λ {lambda}: variance {v}"
            );
        }
        assert_eq!(poisson(0.0, &mut rng), 0);
        assert_eq!(poisson(f64::NAN, &mut rng), 0);
    }

    /// Counts per window of a Poisson process are Poisson: mean = variance = rate × window,
    /// whether ticks are frequent (gap by gap) or rare (counts), and nothing is lost between
    /// ticks.
    #[test]
    fn arrivals_per_window_are_poisson_whatever_the_tick() {
        for (rate, tick_ns) in [(1_000.0, 1_000_000u64), (1_000_000.0, 10_000_000)] {
            let mut rng = SimRng::new(4);
            let mut p = PoissonArrivals::new(rate, 0, &mut rng);
            let mut counts = Vec::new();
            let mut total = 0;
            for w in 1..=4_000u64 {
                let d = p.due(w * tick_ns, &mut rng);
                assert!(d.count == 0 || (d.first <= d.last && d.last <= w * tick_ns));
                counts.push(d.count as f64);
                total += d.count;
            }
            let expected = rate * tick_ns as f64 / 1e9;
            let (m, v) = mean_and_variance(&counts);
            assert!(
                (m - expected).abs() < 0.05 * expected,
                "{rate}/s: mean {m} vs {expected}"
            );
            assert!(
                (v - expected).abs() < 0.15 * expected,
                "{rate}/s: variance {v} vs {expected}"
            );
            assert_eq!(total as f64, counts.iter().sum::<f64>());
            assert!(p.next_arrival() > 4_000 * tick_ns);
        }
    }
}
