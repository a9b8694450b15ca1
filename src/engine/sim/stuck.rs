//! Stuck-clock detection: a discrete-event engine whose components keep scheduling work at the
//! current instant never reaches the next one, and a browser tab or the CLI would spin (and
//! grow) forever. Every timer a component re-arms moves time forward, and config values that
//! could not are refused or capped, so this should never trigger; if it does, the run stops with
//! a clear error naming what kept firing and the configs that drive it, instead of hanging.
//!
//! The check costs one test per event on the event counter the loop keeps anyway: every
//! [`CLOCK_CHECK_EVERY`] events it compares simulated time with the previous check's; no
//! movement means all those events were at one instant.

use std::fmt;

use super::NodeRole;
use crate::engine::ids::NodeId;
use crate::engine::timer::Timer;

/// Events between two clock checks (2^20, about a million): a clock that did not move over
/// that many events is stuck. Real runs stay far below it at any instant (a whole cluster
/// starting at time zero takes a few thousand).
pub const CLOCK_CHECK_EVERY: u64 = 1 << 20;

/// A node as the stuck-clock message names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The KRaft controller.
    Controller,
    /// Broker with this id.
    Broker(u32),
    /// Producer with this index.
    Producer(u32),
    /// Consumer with this index.
    Consumer(u32),
    /// A node id with no role.
    Node(u32),
}

impl fmt::Display for Who {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Who::Controller => f.write_str("the controller"),
            Who::Broker(b) => write!(f, "broker {b}"),
            Who::Producer(p) => write!(f, "producer {p}"),
            Who::Consumer(c) => write!(f, "consumer {c}"),
            Who::Node(n) => write!(f, "node {n}"),
        }
    }
}

/// Why a run stopped: simulated time stopped moving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StuckClock {
    /// The instant time stuck at, in simulated milliseconds.
    pub at_ms: u64,
    /// Events processed at that instant (at least).
    pub events: u64,
    /// The node whose event was processed last.
    pub node: NodeId,
    /// What that node is.
    pub who: Who,
    /// What kept firing (the timer or message, as the engine names it).
    pub what: String,
    /// Config keys that set its period, most likely first (empty when not known).
    pub configs: Vec<&'static str>,
}

impl StuckClock {
    /// Describes the event that crossed the threshold.
    pub(super) fn new(
        at: u64,
        events: u64,
        node: NodeId,
        role: Option<NodeRole>,
        what: String,
        timer: Option<&Timer>,
    ) -> Self {
        let who = match role {
            Some(NodeRole::Controller) => Who::Controller,
            Some(NodeRole::Broker(i)) => Who::Broker(i as u32 + 1),
            Some(NodeRole::Producer(i)) => Who::Producer(i as u32),
            Some(NodeRole::Consumer(i)) => Who::Consumer(i as u32),
            None => Who::Node(node.0),
        };
        let configs = match timer {
            Some(Timer::Producer(t)) => t.config_keys().to_vec(),
            Some(Timer::Consumer(t)) => t.config_keys().to_vec(),
            _ => Vec::new(),
        };
        StuckClock {
            at_ms: at / crate::engine::time::MILLIS,
            events,
            node,
            who,
            what,
            configs,
        }
    }
}

impl fmt::Display for StuckClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "simulated time is stuck at {} ms: {} events at that instant, the last one {} on {}; \
             the likely cause is a config of 0 or too small: ",
            self.at_ms, self.events, self.what, self.who
        )?;
        if self.configs.is_empty() {
            f.write_str("a timeout, interval or backoff of 0")
        } else {
            f.write_str(&self.configs.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ProducerConfig;
    use crate::engine::producer::ProducerTimer;
    use crate::engine::scenario::Scenario;
    use crate::engine::sim::{Engine, Pending};
    use crate::engine::time::MILLIS;

    /// Issue 14 item 10: a component that keeps re-arming a timer at the same instant stops the
    /// run with an error naming it and its config, instead of spinning forever; further runs do
    /// nothing. (Simulated here by a flood of timers at 5 ms, since every real timer now moves
    /// time forward: see tests/config_extremes.rs.)
    #[test]
    fn a_clock_stuck_at_one_instant_stops_the_run_and_names_the_timer() {
        let s = Scenario::cluster(1, 1, 1_000)
            .with_topic("t", 1, 1)
            .with_producer("p", "t", 10.0, 100, ProducerConfig::default());
        let mut e = Engine::new(&s);
        let producer = e
            .roles
            .iter()
            .position(|r| matches!(r, NodeRole::Producer(0)))
            .expect("producer node");
        for _ in 0..3 * CLOCK_CHECK_EVERY {
            e.queue.push(
                5 * MILLIS,
                Pending::Timer {
                    incarnation: 0,
                    node: NodeId(producer as u32),
                    timer: Timer::Producer(ProducerTimer::MetadataTimeout {
                        correlation_id: u64::MAX,
                    }),
                },
            );
        }
        let st = e.run_until(10 * MILLIS, u64::MAX);
        assert!(!st.reached);
        assert_eq!(e.now(), 5 * MILLIS);
        let stuck = e.stuck_clock().expect("stuck").clone();
        assert_eq!((stuck.at_ms, stuck.who), (5, Who::Producer(0)));
        assert_eq!(stuck.configs, vec!["request.timeout.ms"]);
        let text = stuck.to_string();
        assert!(
            text.contains("stuck at 5 ms")
                && text.contains("MetadataTimeout")
                && text.contains("producer 0")
                && text.contains("request.timeout.ms"),
            "{text}"
        );
        let again = e.run_until(10 * MILLIS, u64::MAX);
        assert_eq!((again.events, again.reached), (0, false));
    }

    /// Many events at one instant, fewer than a check period, then time moving on, is not
    /// stuck.
    #[test]
    fn a_busy_instant_that_ends_is_not_stuck() {
        let s = Scenario::cluster(1, 1, 1_000)
            .with_topic("t", 1, 1)
            .with_producer("p", "t", 10.0, 100, ProducerConfig::default());
        let mut e = Engine::new(&s);
        for _ in 0..CLOCK_CHECK_EVERY / 2 {
            e.queue.push(
                5 * MILLIS,
                Pending::Timer {
                    incarnation: 0,
                    node: NodeId(2),
                    timer: Timer::Producer(ProducerTimer::MetadataTimeout {
                        correlation_id: u64::MAX,
                    }),
                },
            );
        }
        for _ in 0..4 {
            let st = e.run_until(e.now() + 500 * MILLIS, u64::MAX);
            assert!(st.reached && e.stuck_clock().is_none());
        }
    }
}
