//! A paused producer application (the `pause_client` fault: a long stop-the-world GC pause).
//! Nothing it receives or schedules is handled until it wakes; then everything is handled in
//! the order it arrived, as a JVM that resumes finds its sockets' buffers and overdue timers.

use super::*;

/// An input that arrived during a pause.
#[derive(Clone, Debug)]
pub(super) enum Deferred {
    Message(NodeId, Message),
    Timer(ProducerTimer),
    Unreachable(NodeId, Message),
    Disconnect(NodeId),
}

impl Producer {
    /// Pauses the producer until `until`.
    pub fn pause(&mut self, ctx: &mut Ctx<ProducerTimer>, until: SimTime) {
        if until > self.paused_until {
            self.paused_until = until;
            ctx.timer_at(until, ProducerTimer::Resume);
        }
    }

    /// Whether it is paused now; if so, `input` is kept for when it wakes.
    pub(super) fn defer(&mut self, now: SimTime, input: impl FnOnce() -> Deferred) -> bool {
        if now < self.paused_until {
            self.deferred.push(input());
            true
        } else {
            false
        }
    }

    /// The pause ended: everything that arrived meanwhile is handled, in order.
    pub(super) fn resume(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        if ctx.now < self.paused_until {
            return;
        }
        for input in std::mem::take(&mut self.deferred) {
            match input {
                Deferred::Message(from, msg) => self.handle_message(ctx, from, msg),
                Deferred::Timer(t) => self.handle_timer(ctx, t),
                Deferred::Unreachable(to, msg) => self.handle_unreachable(ctx, to, msg),
                Deferred::Disconnect(peer) => self.handle_disconnect(ctx, peer),
            }
        }
    }
}
