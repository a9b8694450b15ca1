//! The sans-IO plumbing: what a component receives with each input ([`Ctx`]) and what it hands
//! back ([`Outbox`]): messages to send, timers to set, events that happened.
//!
//! Components never touch the event queue or the network themselves; the engine loop drains the
//! outbox after every input and routes it (as quinn-proto and str0m do).

use std::marker::PhantomData;

use super::events::SimEvent;
use super::ids::{NodeId, TopicTable};
use super::protocol::Message;
use super::rng::SimRng;
use super::time::SimTime;
use super::timer::Timer;

/// Everything a component asked for while handling one input.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    /// Messages to send: `(destination, message)`; the sender is the handling node.
    pub sends: Vec<(NodeId, Message)>,
    /// Timers to set: `(deadline, timer)`. Stale timers are ignored by their owner when they fire.
    pub timers: Vec<(SimTime, Timer)>,
    /// Observable events (event log, metrics, invariant checker, animation).
    pub events: Vec<SimEvent>,
}

impl Outbox {
    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.sends.is_empty() && self.timers.is_empty() && self.events.is_empty()
    }
}

/// The input context of one `handle_*` call, typed by the timers its owner may set: a broker
/// handler gets a `Ctx<BrokerTimer>`, a producer's a `Ctx<ProducerTimer>`, so no component can
/// set another's timer; only the event loop wraps them into [`Timer`] (via `Into`) and routes
/// them back to the owner.
pub struct Ctx<'a, T> {
    /// Current simulated time.
    pub now: SimTime,
    /// The node handling the input.
    pub me: NodeId,
    /// The run's one RNG.
    pub rng: &'a mut SimRng,
    /// Every topic of the run.
    pub topics: &'a TopicTable,
    /// Where outputs go.
    pub out: &'a mut Outbox,
    owner: PhantomData<fn(T)>,
}

impl<'a, T> Ctx<'a, T> {
    /// The context of one input to `me` at `now`.
    pub fn new(
        now: SimTime,
        me: NodeId,
        rng: &'a mut SimRng,
        topics: &'a TopicTable,
        out: &'a mut Outbox,
    ) -> Self {
        Ctx {
            now,
            me,
            rng,
            topics,
            out,
            owner: PhantomData,
        }
    }

    /// The same input seen by a part of this node with its own timers (a broker's group
    /// coordinator).
    pub fn part<U>(&mut self) -> Ctx<'_, U> {
        Ctx::new(self.now, self.me, self.rng, self.topics, self.out)
    }

    /// Queues a message to `to`.
    pub fn send(&mut self, to: NodeId, msg: Message) {
        self.out.sends.push((to, msg));
    }

    /// Records an observable event.
    pub fn event(&mut self, event: SimEvent) {
        self.out.events.push(event);
    }
}

impl<T: Into<Timer>> Ctx<'_, T> {
    /// Sets a timer firing at `at` (never earlier than now).
    pub fn timer_at(&mut self, at: SimTime, timer: T) {
        self.out.timers.push((at.max(self.now), timer.into()));
    }

    /// Sets a timer firing after `delay`.
    pub fn timer_in(&mut self, delay: SimTime, timer: T) {
        self.out
            .timers
            .push((self.now.saturating_add(delay), timer.into()));
    }
}
