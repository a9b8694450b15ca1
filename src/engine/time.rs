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
    millis.saturating_mul(MILLIS)
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
