//! Playing a lesson step forward at a pace a class can watch, instead of jumping to it.
//!
//! "Next" runs the simulation from the current step to the next step's time in about
//! [`STEP_WALL_MS`] of wall time (scaled by the page's speed control, 1× being the pace), and
//! holds for a beat ([`BEAT_MS`]) on the first event of each key kind — a broker crashing or
//! being fenced, a leader election, an ISR change, a rebalance starting or ending — so the
//! learner sees crash → fence → election happen one after another. "Skip" jumps straight to the
//! step. Pure state: the page's core feeds it the clock and the events the engine produced.

use crate::engine::events::SimEvent;
use crate::engine::time::{SimTime, MILLIS};

/// Wall time one step takes to play at 1×, ms.
pub const STEP_WALL_MS: f64 = 6_000.0;
/// Slowest simulated-per-wall pace of a step (a short step still moves visibly).
pub const MIN_RATE: f64 = 0.5;
/// Fastest simulated-per-wall pace of a step at 1× (a long step is not a wait).
pub const MAX_RATE: f64 = 20.0;
/// How long the playback holds on a key event at 1×, ms.
pub const BEAT_MS: f64 = 1_200.0;

/// The kind of a key event the playback holds on, `None` for the others. The kind is also the
/// suffix of its text key, `lesson.hold.KIND`.
pub fn key_kind(e: &SimEvent) -> Option<&'static str> {
    Some(match e {
        SimEvent::BrokerCrashed { .. } => "crash",
        SimEvent::BrokerRestarted { .. } => "restart",
        SimEvent::BrokerFenced { .. } => "fenced",
        SimEvent::BrokerUnfenced { .. } => "unfenced",
        SimEvent::LeaderChanged { .. } => "election",
        SimEvent::IsrChanged { .. } => "isr",
        SimEvent::LogTruncated { .. } => "truncated",
        SimEvent::ProduceRejected { .. } => "rejected",
        SimEvent::RebalanceStarted { .. } => "rebalance_start",
        SimEvent::RebalanceCompleted { .. } => "rebalance_end",
        SimEvent::NetworkChanged { .. } => "network",
        _ => return None,
    })
}

/// A step being played.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonPlay {
    /// Lesson index.
    pub lesson: usize,
    /// The step reached at the end.
    pub to_step: usize,
    /// Its simulated time.
    pub target: SimTime,
    /// Simulated ms per wall ms at 1×.
    rate: f64,
    /// Holding until this wall time (ms).
    hold_until: Option<f64>,
    /// The kind held on now.
    holding: Option<&'static str>,
    /// Kinds already held on in this step (one beat per kind).
    held: Vec<&'static str>,
}

impl LessonPlay {
    /// Plays from `now` to `target` (step `to_step` of lesson `lesson`).
    pub fn new(lesson: usize, to_step: usize, now: SimTime, target: SimTime) -> Self {
        let span_ms = target.saturating_sub(now) as f64 / MILLIS as f64;
        LessonPlay {
            lesson,
            to_step,
            target,
            rate: (span_ms / STEP_WALL_MS).clamp(MIN_RATE, MAX_RATE),
            hold_until: None,
            holding: None,
            held: Vec::new(),
        }
    }

    /// Where to run to in a frame `dt` wall ms long at wall time `ts`; `pace` is the page's
    /// speed (1.0 = 1×). `None` while holding on an event.
    pub fn frame_target(&mut self, now: SimTime, ts: f64, dt: f64, pace: f64) -> Option<SimTime> {
        if let Some(until) = self.hold_until {
            if ts < until {
                return None;
            }
            self.hold_until = None;
            self.holding = None;
        }
        let step = (dt.clamp(0.0, 100.0) * self.rate * pace * MILLIS as f64) as u64;
        Some(now.saturating_add(step.max(1)).min(self.target))
    }

    /// Whether the step's time is reached.
    pub fn arrived(&self, now: SimTime) -> bool {
        now >= self.target
    }

    /// Looks at the events of the last frame: holds on the first one of a key kind not held
    /// on yet in this step.
    pub fn notice<'a>(&mut self, events: impl Iterator<Item = &'a SimEvent>, ts: f64, pace: f64) {
        if self.hold_until.is_some() {
            return;
        }
        for kind in events.filter_map(key_kind) {
            if !self.held.contains(&kind) {
                self.held.push(kind);
                self.holding = Some(kind);
                self.hold_until = Some(ts + BEAT_MS / pace.max(0.1));
                return;
            }
        }
    }

    /// The key event being held on (its kind).
    pub fn holding(&self) -> Option<&'static str> {
        self.holding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crash() -> SimEvent {
        SimEvent::BrokerCrashed { broker: 2 }
    }

    #[test]
    fn a_step_takes_watchable_wall_time_and_lands_exactly_on_its_target() {
        let target = 30_000 * MILLIS;
        let mut p = LessonPlay::new(0, 1, 0, target);
        let (mut now, mut ts, mut frames) = (0, 0.0, 0);
        while !p.arrived(now) {
            ts += 16.0;
            now = p.frame_target(now, ts, 16.0, 1.0).unwrap_or(now);
            frames += 1;
            assert!(now <= target);
        }
        assert_eq!(now, target);
        let wall = frames as f64 * 16.0;
        assert!(
            (STEP_WALL_MS * 0.9..STEP_WALL_MS * 1.1).contains(&wall),
            "30 s step played in {wall} ms"
        );
        // Faster speed control, faster step.
        let mut fast = LessonPlay::new(0, 1, 0, target);
        let t10 = fast.frame_target(0, 16.0, 16.0, 10.0).unwrap();
        let t1 = LessonPlay::new(0, 1, 0, target)
            .frame_target(0, 16.0, 16.0, 1.0)
            .unwrap();
        assert_eq!(t10, t1 * 10);
    }

    #[test]
    fn short_and_long_steps_keep_their_pace_within_bounds() {
        let short = LessonPlay::new(0, 1, 0, 500 * MILLIS);
        assert_eq!(short.rate, MIN_RATE);
        let long = LessonPlay::new(0, 1, 0, 3_600_000 * MILLIS);
        assert_eq!(long.rate, MAX_RATE);
    }

    #[test]
    fn holds_once_per_kind_of_key_event() {
        let mut p = LessonPlay::new(0, 1, 0, 60_000 * MILLIS);
        let events = [crash(), crash()];
        p.notice(events.iter(), 100.0, 1.0);
        assert_eq!(p.holding(), Some("crash"));
        assert_eq!(p.frame_target(0, 100.0 + BEAT_MS - 1.0, 16.0, 1.0), None);
        assert!(p.frame_target(0, 100.0 + BEAT_MS, 16.0, 1.0).is_some());
        assert_eq!(p.holding(), None);
        // The same kind again: no second beat.
        p.notice([crash()].iter(), 2_000.0, 1.0);
        assert!(p.frame_target(0, 2_001.0, 16.0, 1.0).is_some());
        // Events that are not key events: none.
        let hw = SimEvent::HighWatermark {
            broker: 1,
            tp: crate::engine::ids::TopicPartition::new(0, 0),
            high_watermark: 5,
        };
        p.notice([hw].iter(), 3_000.0, 1.0);
        assert_eq!(p.holding(), None);
    }
}
