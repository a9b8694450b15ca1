//! Simulated time: an integer count of nanoseconds since the start of the run.
//!
//! The engine never reads a wall clock. Every component receives `now` as an argument.

/// A point in simulated time, in nanoseconds since the run started.
pub type SimTime = u64;
/// A span of simulated time, in nanoseconds.
pub type SimDuration = u64;

/// One nanosecond.
pub const NANOS: SimDuration = 1;
/// One microsecond in nanoseconds.
pub const MICROS: SimDuration = 1_000;
/// One millisecond in nanoseconds.
pub const MILLIS: SimDuration = 1_000_000;
/// One second in nanoseconds.
pub const SECONDS: SimDuration = 1_000_000_000;

/// Converts Kafka-style milliseconds (a config value) to simulated nanoseconds, saturating.
pub fn ms(millis: u64) -> SimDuration {
    // Compared against the bound rather than `saturating_mul`, which in wasm is a call to a
    // 128-bit multiply.
    if millis > u64::MAX / MILLIS {
        u64::MAX
    } else {
        millis * MILLIS
    }
}

/// `now` plus a config's milliseconds, saturating: config values reach `i64::MAX` ms, which no
/// deadline may wrap around (a wrapped deadline would fire at once).
pub fn after_ms(now: SimTime, millis: u64) -> SimTime {
    now.saturating_add(ms(millis))
}

/// Converts simulated nanoseconds to fractional milliseconds for display and reports.
pub fn to_ms_f64(t: SimDuration) -> f64 {
    t as f64 / MILLIS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_saturates_exactly_past_the_largest_representable() {
        let top = u64::MAX / MILLIS;
        assert_eq!(ms(top), top * MILLIS);
        assert_eq!(ms(top + 1), u64::MAX);
        assert_eq!(ms(u64::MAX), u64::MAX);
        assert_eq!(ms(0), 0);
        assert_eq!(after_ms(5, u64::MAX), u64::MAX);
    }
}
