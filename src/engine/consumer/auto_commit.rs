//! Auto-commit as Kafka's classic consumer does it: from inside `poll()`, on the
//! `auto.commit.interval.ms` schedule, of the positions after the records the previous `poll()`
//! returned (`ConsumerCoordinator.maybeAutoCommitOffsetsAsync`, called by
//! `ConsumerCoordinator.poll`; `subscriptions.allConsumed()`), and before a rebalance
//! (`ConsumerCoordinator.onJoinPrepare`). The application has finished with those records by
//! then, so a crash between `poll()` and the end of processing redelivers them (at-least-once).

use super::*;
use crate::engine::time::ms;

impl Consumer {
    /// A new assignment: the schedule restarts from now (`ConsumerCoordinator.onJoinComplete`
    /// resets `nextAutoCommitTimer`).
    pub(super) fn reset_auto_commit(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        self.next_auto_commit = ctx
            .now
            .saturating_add(ms(self.config.auto_commit_interval_ms));
    }

    /// Whether the application is inside `poll()` rather than processing what the last `poll()`
    /// returned: only then are the consumed positions records it has finished with.
    fn app_idle(&self, now: SimTime) -> bool {
        self.processing_until <= now
    }

    /// `maybeAutoCommitOffsetsAsync`: commits the consumed positions when the interval is over
    /// (called at the start of every `poll()`, and when an idle `poll()` wakes up for it).
    pub(super) fn maybe_auto_commit(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if !self.config.enable_auto_commit || ctx.now < self.next_auto_commit {
            return;
        }
        self.next_auto_commit = ctx
            .now
            .saturating_add(ms(self.config.auto_commit_interval_ms));
        if self.positions_moved {
            self.commit(ctx);
        }
    }

    /// The application waits inside `poll()`: wake up when the next auto-commit is due, if
    /// there is anything to commit (`ConsumerCoordinator.timeToNextPoll`). Nothing is armed
    /// otherwise, so an idle consumer schedules nothing, and an interval of 0 cannot spin.
    pub(super) fn arm_auto_commit_while_idle(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.config.enable_auto_commit && self.positions_moved && !self.commit_timer_set {
            self.commit_timer_set = true;
            ctx.timer_at(self.next_auto_commit, ConsumerTimer::AutoCommit);
        }
    }

    pub(super) fn on_auto_commit_timer(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        self.commit_timer_set = false;
        // While processing, the next `poll()` commits (Kafka's application thread is not in
        // `poll()` then, so nothing commits before it returns there).
        if self.poll_waiting && self.app_idle(ctx.now) {
            self.maybe_auto_commit(ctx);
        }
    }

    /// `onJoinPrepare`: with auto-commit, the consumed positions are committed before joining
    /// a rebalance — only when the application is not processing (a join prompted while it
    /// is, from a response arriving, commits at the next `poll()` instead).
    pub(super) fn commit_before_rebalance(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.config.enable_auto_commit && self.app_idle(ctx.now) {
            self.commit(ctx);
        }
    }

    /// The coordinator asked this member to rejoin (a heartbeat answered
    /// REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID): Kafka's heartbeat thread
    /// only marks the rejoin needed; `poll()` performs it. Idle in `poll()`: now; processing:
    /// at the next `poll()`.
    pub(super) fn rejoin_when_polling(&mut self, ctx: &mut Ctx<ConsumerTimer>) {
        if self.app_idle(ctx.now) {
            self.join(ctx);
        } else {
            self.rejoin_pending = true;
        }
    }
}
