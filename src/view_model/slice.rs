//! How many events the page runs between two readings of the wall clock.
//!
//! The page gives the engine a few milliseconds of each frame and reads the clock between
//! slices of events. A fixed slice does not fit every cluster: 250 events take about 0.3 ms at
//! 3 brokers × 6 partitions but tens of milliseconds at 20 brokers × 50,000 partitions, where
//! one follower fetch covers hundreds of partitions — a frame's 8 ms budget was overrun to
//! ~80 ms. [`EventSlice`] sizes each slice from the cost per event measured on the previous
//! one, so a slice takes about [`SLICE_TARGET_MS`] whatever one event costs, and a frame ends at
//! most one slice after its budget.

/// Wall time one slice of events aims at, ms.
pub const SLICE_TARGET_MS: f64 = 0.5;

/// The size of the next slice of events, adapted to their measured cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventSlice {
    events: u64,
}

impl Default for EventSlice {
    fn default() -> Self {
        EventSlice { events: 1 }
    }
}

impl EventSlice {
    /// Events in the next slice, at most `max`.
    pub fn events(&self, max: u64) -> u64 {
        self.events.clamp(1, max.max(1))
    }

    /// Learns from a slice: `events` processed in `elapsed_ms` of wall time. The next slice
    /// aims at [`SLICE_TARGET_MS`]; it at most doubles at a time (one cheap slice, e.g. of
    /// idle timers, does not commit the next to thousands of costly events), and shrinks at
    /// once when events turn costly.
    pub fn observe(&mut self, events: u64, elapsed_ms: f64) {
        if events == 0 {
            return;
        }
        let per_event = (elapsed_ms / events as f64).max(1e-6);
        let fit = (SLICE_TARGET_MS / per_event).floor().max(1.0) as u64;
        self.events = fit.min(events.saturating_mul(2)).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_of_costly_events_fits_the_target() {
        let mut s = EventSlice::default();
        // Cheap events (1 µs): the slice doubles towards the cap.
        for _ in 0..20 {
            let n = s.events(250);
            s.observe(n, n as f64 * 0.001);
        }
        assert_eq!(s.events(250), 250);
        // Events of 0.2 ms each (a fetch over hundreds of partitions): 2 per slice at once.
        s.observe(250, 250.0 * 0.2);
        assert_eq!(s.events(250), 2);
        // Events of 5 ms: one at a time, never zero.
        s.observe(2, 10.0);
        assert_eq!(s.events(250), 1);
    }

    #[test]
    fn a_slice_grows_at_most_twofold() {
        let mut s = EventSlice::default();
        s.observe(4, 0.0);
        assert_eq!(s.events(1_000_000), 8);
        s.observe(8, 0.0001);
        assert_eq!(s.events(1_000_000), 16);
    }
}
