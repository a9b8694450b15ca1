//! The session: the engine running the page's scenario, and that scenario as the one source of
//! truth for what is running. Every intervention (a click, a live config change) is checked by
//! the scenario validator, applied at the next whole simulated millisecond
//! ([`Engine::apply_at`]) and recorded in the scenario as a fault at that time, so the share
//! link, the export and the autosave carry exactly what is running, and replaying the scenario
//! gives the same run.

use std::collections::VecDeque;

use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::reasons::CommandRefusal;
use crate::engine::scenario::{Scenario, ScheduledFault};
use crate::engine::sim::NodeRole;
use crate::engine::snapshot::Endpoint;
use crate::engine::time::{ms, to_ms_f64, SimTime, MILLIS};
use crate::engine::Command;
use crate::engine::Engine;
use crate::scenario_file::ScenarioError;

use super::event_log::of_internal_partition;
use super::flows::{Flow, FlowBuffer};
use super::slice::EventSlice;

/// Event-log entries kept.
pub const LOG_KEEP: usize = 200;
/// Most moments collected between two [`Session::take_moments`] calls.
const MOMENTS_PER_TAKE: usize = 256;

/// An event worth a line in the log, with its time.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// Simulated seconds.
    pub t: f64,
    /// The event.
    pub event: SimEvent,
}

/// Why an intervention was not applied.
#[derive(Clone, Debug, PartialEq)]
pub enum Refused {
    /// The scenario with the change recorded would not be valid (field and reason).
    Scenario(ScenarioError),
    /// The engine refused it in the state it is in.
    Engine(CommandRefusal),
}

/// The engine and the scenario it runs.
#[derive(Clone, Debug)]
pub struct Session {
    engine: Engine,
    scenario: Scenario,
    log: VecDeque<LogEntry>,
    /// Bumped whenever the log changes (so views redraw only then).
    log_version: u64,
    /// Entries ever logged (the log keeps only the newest).
    logged_total: u64,
    /// Commands applied (scenario faults and interventions): simulated seconds and command.
    markers: Vec<(f64, Command)>,
    flows: FlowBuffer,
    /// Commands of this run that the engine does not hold yet (a checkpoint restored by the
    /// timeline predates them): applied when the run reaches them. See [`super::replay`].
    pending: Vec<Replay>,
    /// The lesson's scripted actions applied so far, at the engine time they were applied.
    scripted: Vec<(SimTime, Command)>,
    /// Whole milliseconds at which a user's intervention was recorded (for the timeline's
    /// marker kinds).
    interventions: Vec<u64>,
    /// Moments for the timeline since the last [`Session::take_moments`].
    moments: Vec<Moment>,
    /// Events per clock reading in [`Session::advance`], adapted to what an event costs.
    slice: EventSlice,
}

/// What a timeline marker stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MomentKind {
    /// A fault of the scenario's schedule applied.
    Fault,
    /// A user's intervention applied.
    Intervention,
    /// The controller elected a leader (or took a partition offline).
    Election,
    /// A consumer group began a rebalance.
    Rebalance,
}

/// A moment of the run worth a marker on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// Simulated time.
    pub at: SimTime,
    /// What happened.
    pub kind: MomentKind,
}

/// A command to apply when the run reaches it (see [`Session::pending`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Replay {
    /// A scenario fault (or recorded intervention) at a whole millisecond: applied as
    /// [`Engine::apply_at`] applies it, before the run's own events of that time.
    Fault(ScheduledFault),
    /// A lesson's scripted action, applied after every event up to its time.
    Scripted(SimTime, Command),
}

impl Replay {
    /// Where the run stops to apply it, and whether that is before (0) or after (1) the
    /// events of that time.
    pub fn key(&self) -> (SimTime, u8) {
        match self {
            Replay::Fault(f) => (ms(f.at_ms), 0),
            Replay::Scripted(t, _) => (*t, 1),
        }
    }
}

/// The next whole simulated millisecond strictly after `now`.
pub fn next_whole_ms(now: SimTime) -> u64 {
    now / MILLIS + 1
}

impl Session {
    /// A session running `scenario` from time zero.
    pub fn new(scenario: Scenario) -> Self {
        Session {
            engine: Engine::new(&scenario),
            scenario,
            log: VecDeque::new(),
            log_version: 0,
            logged_total: 0,
            markers: Vec::new(),
            flows: FlowBuffer::default(),
            pending: Vec::new(),
            scripted: Vec::new(),
            interventions: Vec::new(),
            moments: Vec::new(),
            slice: EventSlice::default(),
        }
    }

    /// The scenario running now, with every intervention recorded.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The engine (read-only).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, for what only observes (reports, audits, lesson checks).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Applies `cmd` as a user's intervention: validated with the scenario validator as a
    /// fault at the next whole millisecond, applied then, and recorded.
    pub fn intervene(&mut self, cmd: Command) -> Result<(), Refused> {
        let at_ms = next_whole_ms(self.engine.now());
        let mut candidate = self.scenario.clone();
        // Faults at the same millisecond replay in file order: this one was applied before any
        // scheduled fault still waiting at that millisecond, so it goes before them.
        let pos = candidate
            .faults
            .iter()
            .position(|f| f.at_ms >= at_ms)
            .unwrap_or(candidate.faults.len());
        candidate.faults.insert(
            pos,
            ScheduledFault {
                at_ms,
                action: cmd.clone(),
            },
        );
        let checked =
            crate::scenario_file::parse_scenario(&crate::scenario_file::to_json(&candidate))
                .map_err(Refused::Scenario)?;
        let result = self
            .engine
            .apply_at(ms(at_ms), cmd)
            .map_err(Refused::Engine);
        if result.is_ok() {
            self.scenario = checked;
            self.interventions.push(at_ms);
        }
        self.absorb();
        result
    }

    /// Applies a lesson's scripted action (part of the lesson, not recorded in the scenario;
    /// kept with its time so the timeline can replay it).
    pub fn apply_scripted(&mut self, cmd: Command) {
        self.scripted.push((self.engine.now(), cmd.clone()));
        self.engine.apply(cmd);
        self.absorb();
    }

    /// Runs towards `target` until it is reached or `budget_ms` of wall time (read with
    /// `clock`, ms) is spent, in slices of at most `chunk` events sized to take about
    /// [`SLICE_TARGET_MS`](super::slice::SLICE_TARGET_MS) each (see [`EventSlice`]), so the
    /// budget is overrun by at most one slice. Returns whether the target was reached.
    pub fn advance(
        &mut self,
        target: SimTime,
        budget_ms: f64,
        chunk: u64,
        clock: &mut dyn FnMut() -> f64,
    ) -> bool {
        let start = clock();
        let mut last = start;
        loop {
            if self.engine.stuck_clock().is_some() {
                return false; // the run stopped for good (the page shows why)
            }
            // A pending command on the way: run up to it, then apply it.
            let stop = self.pending.first().map(Replay::key);
            let until = match stop {
                Some((t, 0)) if t <= target => t.saturating_sub(1).max(self.engine.now()),
                Some((t, _)) if t <= target => t,
                _ => target,
            };
            let run = self.engine.run_until(until, self.slice.events(chunk));
            let now = clock();
            self.slice.observe(run.events, now - last);
            last = now;
            if run.reached {
                if until == target && stop.is_none_or(|(t, _)| t > target) {
                    return true;
                }
                self.apply_next_pending();
                continue;
            }
            if now - start >= budget_ms {
                return false;
            }
        }
    }

    /// Applies the first pending command (the run has reached it).
    fn apply_next_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        match self.pending.remove(0) {
            Replay::Fault(f) => {
                let _ = self.engine.apply_at(ms(f.at_ms), f.action);
            }
            Replay::Scripted(t, cmd) => {
                self.engine.run_until(t, u64::MAX);
                self.engine.apply(cmd);
            }
        }
    }

    /// Runs to `t` with no budget (lesson steps, the step button, the timeline).
    pub fn run_to(&mut self, t: SimTime) {
        while let Some((at, _)) = self.pending.first().map(Replay::key) {
            if at > t {
                break;
            }
            self.apply_next_pending();
        }
        self.engine.run_until(t, u64::MAX);
        self.absorb();
    }

    /// Commands of this run the engine does not hold yet.
    pub fn pending(&self) -> &[Replay] {
        &self.pending
    }

    /// The lesson's scripted actions applied so far.
    pub fn scripted(&self) -> &[(SimTime, Command)] {
        &self.scripted
    }

    /// The faults the engine holds (queued or applied): the scenario's less the pending ones.
    pub fn known_faults(&self) -> Vec<ScheduledFault> {
        let mut known = self.scenario.faults.clone();
        for p in &self.pending {
            if let Replay::Fault(f) = p {
                if let Some(i) = known.iter().position(|k| k == f) {
                    known.remove(i);
                }
            }
        }
        known
    }

    /// This session (a restored checkpoint) made to continue as `head` runs: `head`'s scenario,
    /// and every command of `head` this engine does not hold yet made pending.
    pub fn continue_as(&mut self, head: &Session) {
        let mut known = self.known_faults();
        let mut pending: Vec<Replay> = Vec::new();
        for f in &head.scenario.faults {
            match known.iter().position(|k| k == f) {
                Some(i) => {
                    known.remove(i);
                }
                None => pending.push(Replay::Fault(f.clone())),
            }
        }
        for (t, c) in head.scripted.iter().skip(self.scripted.len()) {
            pending.push(Replay::Scripted(*t, c.clone()));
        }
        // Stable: same-time faults keep the file's order.
        pending.sort_by_key(Replay::key);
        self.pending = pending;
        self.scenario = head.scenario.clone();
        self.scripted = head.scripted.clone();
        self.interventions = head.interventions.clone();
    }

    /// Drops what the run had not reached yet (a new branch starts here): pending commands and
    /// recorded interventions after now leave the scenario.
    pub fn drop_future(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            match p {
                Replay::Fault(f) => {
                    if let Some(i) = self.scenario.faults.iter().position(|k| *k == f) {
                        self.scenario.faults.remove(i);
                    }
                    self.interventions.retain(|&m| m != f.at_ms);
                }
                Replay::Scripted(..) => {
                    self.scripted.pop();
                }
            }
        }
    }

    /// The timeline's moments since the last call.
    pub fn take_moments(&mut self) -> Vec<Moment> {
        std::mem::take(&mut self.moments)
    }

    /// Records messages on the wire for the animation (costly: only at slow speeds).
    pub fn set_animate(&mut self, on: bool) {
        self.engine.set_record_flows(on);
        if !on {
            self.flows.clear();
        }
    }

    /// Takes the engine's new events into the log, the markers and the flows.
    pub fn absorb(&mut self) {
        let roles = self.engine.roles().to_vec();
        let endpoint = |n: crate::engine::ids::NodeId| match roles.get(n.0 as usize)? {
            NodeRole::Controller => Some(Endpoint::Controller),
            NodeRole::Broker(i) => Some(Endpoint::Broker(*i as u32 + 1)),
            NodeRole::Producer(i) => Some(Endpoint::Producer(*i as u32)),
            NodeRole::Consumer(i) => Some(Endpoint::Consumer(*i as u32)),
        };
        let mut logged = false;
        for TimedEvent { at, event } in self.engine.drain_events() {
            if let SimEvent::Flow {
                from,
                to,
                kind,
                arrives,
                ..
            } = &event
            {
                if let (Some(f), Some(t)) = (endpoint(*from), endpoint(*to)) {
                    self.flows.push(Flow {
                        from: f,
                        to: t,
                        sent: at,
                        arrives: *arrives,
                        kind: *kind,
                    });
                }
                continue;
            }
            let t = to_ms_f64(at) / 1000.0;
            if let SimEvent::CommandApplied { command } = &event {
                self.markers.push((t, command.clone()));
            }
            let kind = match &event {
                SimEvent::CommandApplied { .. } => Some(
                    if at % MILLIS == 0 && self.interventions.contains(&(at / MILLIS)) {
                        MomentKind::Intervention
                    } else {
                        MomentKind::Fault
                    },
                ),
                SimEvent::LeaderChanged { .. } => Some(MomentKind::Election),
                SimEvent::RebalanceStarted { .. } => Some(MomentKind::Rebalance),
                _ => None,
            };
            if let Some(kind) = kind {
                // One marker per kind and simulated 100 ms (a crash elects many leaders).
                let near = self
                    .moments
                    .iter()
                    .rev()
                    .take(8)
                    .any(|m| m.kind == kind && at - m.at.min(at) < 100 * MILLIS);
                if !near && self.moments.len() < MOMENTS_PER_TAKE {
                    self.moments.push(Moment { at, kind });
                }
            }
            if loggable(&event) && !of_internal_partition(self.engine.topics(), &event) {
                self.log.push_back(LogEntry { t, event });
                self.logged_total += 1;
                logged = true;
            }
        }
        while self.log.len() > LOG_KEEP {
            self.log.pop_front();
        }
        if logged {
            self.log_version += 1;
        }
    }

    /// The event log (oldest first) and its version.
    pub fn log(&self) -> (&VecDeque<LogEntry>, u64) {
        (&self.log, self.log_version)
    }

    /// The entries logged since `total` entries had been logged (oldest first; at most what the
    /// log keeps), and the total now.
    pub fn logged_since(&self, total: u64) -> (impl Iterator<Item = &LogEntry>, u64) {
        let new = (self.logged_total.saturating_sub(total) as usize).min(self.log.len());
        (
            self.log.iter().skip(self.log.len() - new),
            self.logged_total,
        )
    }

    /// Commands applied so far (simulated seconds).
    pub fn markers(&self) -> &[(f64, Command)] {
        &self.markers
    }

    /// Messages in flight.
    pub fn flows(&self) -> &FlowBuffer {
        &self.flows
    }
}

/// Whether an event gets a line in the log (the bulk of appends, acks and fetches does not).
fn loggable(e: &SimEvent) -> bool {
    !matches!(
        e,
        SimEvent::LeaderAppend { .. }
            | SimEvent::HighWatermark { .. }
            | SimEvent::Consumed { .. }
            | SimEvent::ProduceAcked { .. }
            | SimEvent::RecordsSent { .. }
            | SimEvent::OffsetsCommitted { .. }
            | SimEvent::ProduceRetried { .. }
            | SimEvent::ProduceFailed { .. }
            | SimEvent::Flow { .. }
            | SimEvent::PartitionsAssigned { .. }
            | SimEvent::ConsumerStarted { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quickstart() -> Scenario {
        crate::scenario_file::presets::preset("quickstart").unwrap()
    }

    #[test]
    fn an_intervention_is_recorded_at_the_next_whole_millisecond_and_logged() {
        let mut s = Session::new(quickstart());
        s.run_to(1_234_567_000);
        s.intervene(Command::SetConfig {
            target: "producer:orders-app".into(),
            key: "acks".into(),
            value: "1".into(),
        })
        .unwrap();
        let f = s.scenario().faults.last().unwrap();
        assert_eq!(f.at_ms, 1_235);
        assert_eq!(s.engine().now(), ms(1_235));
        assert_eq!(s.engine().snapshot().producers[0].acks, "1");
        assert!(s
            .log()
            .0
            .iter()
            .any(|e| matches!(e.event, SimEvent::CommandApplied { .. })));
        assert_eq!(s.markers().len(), 1);
    }

    #[test]
    fn a_change_the_validator_refuses_is_neither_applied_nor_recorded() {
        let mut s = Session::new(quickstart());
        s.run_to(ms(100));
        let r = s.intervene(Command::SetConfig {
            target: "producer:orders-app".into(),
            key: "linger.ms".into(),
            value: "-1".into(),
        });
        assert!(matches!(r, Err(Refused::Scenario(_))), "{r:?}");
        assert!(s.scenario().faults.is_empty());
        assert_eq!(s.engine().snapshot().producers[0].linger_ms, 5);
        // The engine's own refusal (a consumer already down) is not recorded either.
        s.intervene(Command::CrashConsumer {
            group: "billing".into(),
            member: 0,
        })
        .unwrap();
        let again = s.intervene(Command::CrashConsumer {
            group: "billing".into(),
            member: 0,
        });
        assert!(matches!(again, Err(Refused::Engine(_))), "{again:?}");
        assert_eq!(s.scenario().faults.len(), 1);
    }

    /// Regression (CI, e2e crash check): after a broker crash the offsets topic's dozens of
    /// leader and ISR changes filled the lines the page shows and pushed "broker 1 crashed" out
    /// of the log within ~90 ms of wall time at 100×. They are not logged now, so the crash
    /// stays among the newest lines after the controller fences the broker.
    #[test]
    fn a_crash_stays_in_the_log_after_the_offsets_topic_moves() {
        let mut s = Session::new(quickstart());
        s.run_to(ms(2_500));
        s.intervene(Command::CrashBroker { broker: 1 }).unwrap();
        s.run_to(ms(15_000));
        let log = &s.log().0;
        assert!(log
            .iter()
            .any(|e| matches!(e.event, SimEvent::BrokerFenced { broker: 1 })));
        let topics = s.engine().topics();
        assert!(log.iter().all(|e| !of_internal_partition(topics, &e.event)));
        let newest: Vec<_> = log.iter().rev().take(40).collect();
        assert!(
            newest
                .iter()
                .any(|e| matches!(e.event, SimEvent::BrokerCrashed { broker: 1 })),
            "{newest:?}"
        );
    }

    #[test]
    fn an_intervention_goes_before_a_scheduled_fault_of_the_same_millisecond() {
        let mut sc = quickstart();
        sc.faults.push(ScheduledFault {
            at_ms: 501,
            action: Command::CrashBroker { broker: 1 },
        });
        let mut s = Session::new(sc);
        s.run_to(ms(500) + 10);
        s.intervene(Command::CrashBroker { broker: 2 }).unwrap();
        let order: Vec<_> = s
            .scenario()
            .faults
            .iter()
            .map(|f| f.action.clone())
            .collect();
        assert_eq!(
            order,
            vec![
                Command::CrashBroker { broker: 2 },
                Command::CrashBroker { broker: 1 }
            ]
        );
        s.run_to(ms(3_000));
        let mut replay = Engine::new(s.scenario());
        replay.run_until(ms(3_000), u64::MAX);
        assert_eq!(replay.trace_hash(), s.engine().trace_hash());
    }

    #[test]
    fn every_lesson_scenario_accepts_recorded_interventions() {
        for lesson in crate::lessons::lessons() {
            let json = crate::scenario_file::to_json(&lesson.scenario);
            crate::scenario_file::parse_scenario(&json)
                .unwrap_or_else(|e| panic!("lesson {}: {e}", lesson.id));
        }
    }
}
