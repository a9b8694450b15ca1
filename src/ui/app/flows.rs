//! Messages in flight, for the cluster view's animation.

use std::rc::Rc;

use super::{App, SPEEDS};

/// A message in flight, for the animation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flow {
    /// Where it comes from.
    pub from: Slot,
    /// Where it goes.
    pub to: Slot,
    /// Sent at.
    pub sent: u64,
    /// Arrives at.
    pub arrives: u64,
    /// Kind (colour).
    pub kind: crate::engine::protocol::MessageKind,
}

/// A place in the cluster drawing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slot {
    /// Producer by index.
    Producer(usize),
    /// Broker by id.
    Broker(u32),
    /// Consumer by index.
    Consumer(usize),
}

impl App {
    /// Messages in flight now, as (from, to, fraction travelled, kind), at most 150 (a sample).
    /// A message stays visible for at least 0.3 s of wall time at the chosen speed, so that
    /// sub-millisecond hops can be followed by eye; its position is still in simulated time.
    pub(super) fn flow_view(
        &self,
    ) -> Rc<Vec<(Slot, Slot, f64, crate::engine::protocol::MessageKind)>> {
        let now = self.engine.now();
        let min_visible = (0.3 * SPEEDS[self.speed].max(0.1) * 1e9) as u64;
        let live: Vec<(&Flow, u64)> = self
            .flows
            .iter()
            .map(|f| (f, (f.arrives - f.sent).max(min_visible)))
            .filter(|(f, vis)| f.sent <= now && now < f.sent + vis)
            .collect();
        let step = (live.len() / 150).max(1);
        Rc::new(
            live.into_iter()
                .step_by(step)
                .map(|(f, vis)| {
                    let frac = (now - f.sent) as f64 / vis.max(1) as f64;
                    (f.from, f.to, frac.clamp(0.0, 1.0), f.kind)
                })
                .collect(),
        )
    }
}
