//! Messages in flight, for the animation: the network's flows kept for a moment, then sampled so
//! the picture stays readable (a few dots per link, a bounded total).

use std::collections::VecDeque;

use crate::engine::protocol::MessageKind;
use crate::engine::snapshot::Endpoint;
use crate::engine::time::SimTime;

/// A message on the wire.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flow {
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// Sent at.
    pub sent: SimTime,
    /// Arrives at.
    pub arrives: SimTime,
    /// What it carries.
    pub kind: MessageKind,
}

/// A dot to draw: a message `frac` of the way from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowDot {
    /// Sender.
    pub from: Endpoint,
    /// Receiver.
    pub to: Endpoint,
    /// 0 at the sender, 1 at the receiver.
    pub frac: f64,
    /// What it carries.
    pub kind: MessageKind,
}

/// Most flows remembered.
const KEEP: usize = 4_000;

/// Recent flows.
#[derive(Clone, Debug, Default)]
pub struct FlowBuffer {
    flows: VecDeque<Flow>,
}

impl FlowBuffer {
    /// Remembers a flow (forgetting the oldest past a bound).
    pub fn push(&mut self, f: Flow) {
        if self.flows.len() >= KEEP {
            self.flows.pop_front();
        }
        self.flows.push_back(f);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.flows.clear();
    }

    /// The dots at `now`. A message stays visible for at least `min_visible` of simulated time
    /// (so sub-millisecond hops can be followed by eye at the chosen speed); at most `per_link`
    /// dots per directed link and `total` in all, spread over the messages in flight.
    pub fn dots(
        &self,
        now: SimTime,
        min_visible: SimTime,
        per_link: usize,
        total: usize,
    ) -> Vec<FlowDot> {
        // Drop what finished long ago from the front (cheap: they are in send order).
        let live: Vec<(&Flow, SimTime)> = self
            .flows
            .iter()
            .map(|f| (f, (f.arrives - f.sent).max(min_visible).max(1)))
            .filter(|(f, vis)| f.sent <= now && now < f.sent + vis)
            .collect();
        let step = (live.len() / total.max(1)).max(1);
        let mut counts: Vec<((Endpoint, Endpoint), usize)> = Vec::new();
        let mut out = Vec::new();
        for (f, vis) in live.into_iter().step_by(step) {
            let key = (f.from, f.to);
            let n = match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => n,
                None => {
                    counts.push((key, 0));
                    &mut counts.last_mut().expect("just pushed").1
                }
            };
            if *n >= per_link {
                continue;
            }
            *n += 1;
            out.push(FlowDot {
                from: f.from,
                to: f.to,
                frac: ((now - f.sent) as f64 / vis as f64).clamp(0.0, 1.0),
                kind: f.kind,
            });
            if out.len() >= total {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_are_bounded_per_link_and_in_total() {
        let mut b = FlowBuffer::default();
        for i in 0..500u64 {
            b.push(Flow {
                from: Endpoint::Producer((i % 2) as u32),
                to: Endpoint::Broker(1),
                sent: i,
                arrives: i + 1_000,
                kind: MessageKind::Produce,
            });
        }
        let d = b.dots(600, 0, 3, 100);
        assert_eq!(d.len(), 6, "3 per link, 2 links");
        let d = b.dots(600, 0, 1000, 40);
        assert!(d.len() <= 40 && d.len() >= 30);
        assert!(d.iter().all(|x| (0.0..=1.0).contains(&x.frac)));
        assert!(b.dots(10_000, 0, 3, 100).is_empty(), "all arrived");
    }
}
