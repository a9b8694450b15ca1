//! The consumer of a consume-transform-produce processor ([`crate::engine::processor`]): it
//! does not commit offsets itself (they go into the producer's transaction), returns to
//! `poll()` only when the application is done with the records, reads committed offsets with
//! `requireStable` (KIP-447: an `UNSTABLE_OFFSET_COMMIT` answer is retried after
//! `retry.backoff.ms`), and after an aborted transaction seeks back to the committed offsets
//! (as Kafka's exactly-once examples do: `resetToLastCommittedPositions`).

use super::*;
use crate::engine::time::ms;

/// What the processor glue exchanges with its consumer.
#[derive(Clone, Debug, Default)]
pub(super) struct ProcessorSide {
    /// Records returned by `poll()` and not yet taken by the application: partition and
    /// offsets `[from, to)`.
    pub delivered: Vec<(TopicPartition, u64, u64)>,
    /// A `poll()` returned nothing since the last look.
    pub idle_poll: bool,
    /// Paused (`pause_client`) until this time.
    pub paused_until: SimTime,
    /// What arrived during the pause, in order.
    pub deferred: Vec<Deferred>,
}

/// An input that arrived during a pause (handled in order when the member wakes, as a JVM
/// resuming from a long GC pause finds its sockets and overdue timers).
#[derive(Clone, Debug)]
pub(super) enum Deferred {
    Message(NodeId, Message),
    Timer(ConsumerTimer),
    Unreachable(NodeId, Message),
    Disconnect(NodeId),
}

impl Consumer {
    /// Makes this member a processor's consumer.
    pub fn set_processor_mode(&mut self) {
        self.processor = Some(Box::default());
    }

    /// Pauses the member until `until` (`pause_client` on a processor): no heartbeat, no
    /// poll; its session expires and the group moves its partitions to other members.
    pub fn pause_processor(&mut self, ctx: &mut Ctx<ConsumerTimer>, until: SimTime) {
        let Some(p) = self.processor.as_mut() else {
            return;
        };
        if until > p.paused_until {
            p.paused_until = until;
            ctx.timer_at(until, ConsumerTimer::Resume);
        }
    }

    /// Keeps `input` for later if paused (returns `None`); otherwise gives it back.
    pub(super) fn defer_if_paused(&mut self, now: SimTime, input: Deferred) -> Option<Deferred> {
        match self.processor.as_mut() {
            Some(p) if now < p.paused_until => {
                p.deferred.push(input);
                None
            }
            _ => Some(input),
        }
    }

    /// The pause ended: what arrived meanwhile is handled, in order.
    pub(super) fn resume_processor(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        let Some(p) = self.processor.as_mut() else {
            return;
        };
        if ctx.now < p.paused_until {
            return;
        }
        for input in std::mem::take(&mut p.deferred) {
            match input {
                Deferred::Message(from, msg) => self.handle_message(ctx, from, msg),
                Deferred::Timer(t) => self.handle_timer(ctx, t),
                Deferred::Unreachable(to, msg) => self.handle_unreachable(ctx, to, msg),
                Deferred::Disconnect(peer) => self.handle_disconnect(ctx, peer),
            }
        }
    }

    /// Records `poll()` returned since the last call: partition and offsets `[from, to)`.
    pub fn take_delivered(&mut self) -> Vec<(TopicPartition, u64, u64)> {
        self.processor
            .as_mut()
            .map(|p| std::mem::take(&mut p.delivered))
            .unwrap_or_default()
    }

    /// Whether a `poll()` returned nothing since the last call.
    pub fn take_idle_poll(&mut self) -> bool {
        self.processor
            .as_mut()
            .is_some_and(|p| std::mem::take(&mut p.idle_poll))
    }

    /// The application is busy (committing its transaction): no `poll()` until released.
    pub fn processor_hold(&mut self) {
        self.processing_until = SimTime::MAX;
        self.poll_gen += 1;
    }

    /// Whether the application is held outside `poll()`.
    pub fn processor_held(&self) -> bool {
        self.processing_until == SimTime::MAX
    }

    /// The application returns to `poll()`.
    pub fn processor_release(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if !self.alive || self.processing_until != SimTime::MAX {
            return;
        }
        self.processing_until = ctx.now;
        self.poll_waiting = false;
        self.poll_gen += 1;
        ctx.timer_at(ctx.now, ConsumerTimer::Poll { gen: self.poll_gen });
    }

    /// After an aborted transaction: forget the positions and the buffered records, and read
    /// the committed offsets again (then `poll()` resumes).
    pub fn processor_rewind(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if !self.alive {
            return;
        }
        self.buffer.clear();
        if let Some(p) = self.processor.as_mut() {
            p.delivered.clear();
        }
        for a in self.assigned.values_mut() {
            a.fetch_position = None;
            a.consumed_position = None;
        }
        self.refetch_unpositioned(ctx);
        self.processor_release(ctx);
    }

    /// An ordinary OffsetCommit of `offsets` (only for the injected bug
    /// [`crate::engine::Engine::inject_offsets_outside_transaction`]).
    pub fn processor_commit_outside(
        &mut self,
        ctx: &mut Ctx<ConsumerTimer>,
        offsets: Vec<(TopicPartition, u64)>,
    ) {
        let parts: Vec<TopicPartition> = offsets.iter().map(|(tp, _)| *tp).collect();
        for (tp, off) in offsets {
            if let Some(a) = self.assigned.get_mut(&tp) {
                a.consumed_position = Some(off);
            }
        }
        self.commit_only(ctx, &parts);
    }

    /// The consumer's group metadata (`consumer.groupMetadata()`): member id and generation.
    pub fn group_metadata(&self) -> (String, i32) {
        (self.member_id.clone(), self.generation)
    }

    /// Whether this member is in a stable generation.
    pub fn is_stable(&self) -> bool {
        self.state == MemberState::Stable
    }

    /// Asks for the committed offsets of assigned partitions without a position, unless such
    /// a request is in flight.
    pub(super) fn refetch_unpositioned(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.state != MemberState::Stable || self.coordinator.is_none() {
            return;
        }
        if self
            .pending
            .values()
            .any(|p| matches!(p, Pending::OffsetFetch | Pending::ListOffsets))
        {
            return;
        }
        let parts: Vec<TopicPartition> = self
            .assigned
            .iter()
            .filter(|(_, a)| a.fetch_position.is_none())
            .map(|(tp, _)| *tp)
            .collect();
        if !parts.is_empty() {
            self.fetch_committed(ctx, parts);
        }
    }

    /// OffsetFetch answered `UNSTABLE_OFFSET_COMMIT`: a transaction holds offsets of these
    /// partitions; ask again after `retry.backoff.ms`.
    pub(super) fn on_unstable_offsets(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        ctx.timer_in(
            ms(self.config.retry_backoff_ms.max(1)),
            ConsumerTimer::Retry,
        );
    }
}
