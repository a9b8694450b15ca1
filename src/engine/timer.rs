//! Timers, by owner. Each component defines its own timer enum; the engine routes a fired timer
//! back to the node that set it.

use serde::{Deserialize, Serialize};

use super::ids::TopicPartition;
use super::time::SimTime;

/// A timer of some component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Timer {
    /// A broker's timer.
    Broker(BrokerTimer),
    /// The controller's timer.
    Controller(ControllerTimer),
    /// A producer's timer.
    Producer(crate::engine::producer::ProducerTimer),
    /// A consumer's timer.
    Consumer(crate::engine::consumer::ConsumerTimer),
    /// A broker's group coordinator timer.
    Coordinator(crate::engine::group::CoordinatorTimer),
}

/// Broker timers. The engine drops a timer set by an earlier incarnation of the process, so
/// none carries one.
macro_rules! owned_by {
    ($($variant:ident($t:ty)),*) => {
        $(impl From<$t> for Timer {
            fn from(t: $t) -> Timer {
                Timer::$variant(t)
            }
        })*
    };
}

owned_by!(
    Broker(BrokerTimer),
    Controller(ControllerTimer),
    Producer(crate::engine::producer::ProducerTimer),
    Consumer(crate::engine::consumer::ConsumerTimer),
    Coordinator(crate::engine::group::CoordinatorTimer)
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerTimer {
    /// Send the next heartbeat to the controller (`broker.heartbeat.interval.ms`; every 10 ms
    /// while starting).
    Heartbeat,
    /// Register again (the last attempt was refused or went unanswered).
    RegistrationRetry,
    /// The metadata fetch in flight may have gone unanswered too long.
    MetadataFetchTimeout,
    /// Check followers' lag for ISR shrink (Kafka checks every `replica.lag.time.max.ms / 2`).
    IsrCheck,
    /// The earliest parked fetch (long poll) reached its `max_wait_ms`; one timer stands for
    /// all parked fetches (see [`DeadlineTimer`]).
    FetchWait,
    /// The earliest parked acks=all produce reached its timeout; one timer stands for all.
    ProduceTimeout,
    /// A request finished its CPU/disk work and its effect applies now.
    WorkDone {
        /// Id of the request in the broker's work table.
        id: u64,
    },
    /// The follower fetcher for a leader may send its next fetch (its backoff ended).
    FollowerFetch {
        /// Leader broker id.
        leader: u32,
    },
    /// Check whether the fetcher's in-flight fetch to `leader` went unanswered past
    /// `replica.socket.timeout.ms` + `replica.fetch.wait.max.ms`.
    FollowerFetchTimeout {
        /// Leader broker id.
        leader: u32,
    },
    /// The earliest parked coordinator write reached `offsets.commit.timeout.ms`.
    CoordinatorWriteTimeout,
    /// Retry an AlterPartition that got no answer.
    AlterPartitionRetry {
        /// Partition.
        tp: TopicPartition,
    },
    /// The transaction coordinator's periodic work: markers to (re)send, timed-out
    /// transactions to abort.
    TxnTick,
    /// A produce request waiting for its transaction coordinator (KIP-890): retry the
    /// AddPartitionsToTxn now, or give it up if it is still unanswered.
    TxnVerify {
        /// Id of the verification.
        id: u64,
    },
}

/// Controller timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControllerTimer {
    /// Check broker sessions (`broker.session.timeout.ms`).
    SessionCheck,
    /// Preferred leader election check (`leader.imbalance.check.interval.seconds`).
    LeaderImbalanceCheck,
    /// Unclean elections for leaderless partitions that allow them (every 5 minutes).
    UncleanElectionCheck,
    /// The earliest parked metadata fetch reached its wait limit.
    MetadataFetchWait,
}

/// One engine timer standing in for many deadlines of the same kind, as Kafka's purgatory
/// (`DelayedOperationPurgatory`) keeps one timing wheel rather than a thread per request.
///
/// Most requests finish long before their timeout (a produce waits milliseconds for acks, its
/// `request.timeout.ms` is 30 s), so a timer per request would fill the event queue with timers
/// that fire for nothing. Instead the owner keeps its deadlines and arms a single timer at the
/// earliest one; when it fires the owner expires what is overdue and re-arms for the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeadlineTimer {
    armed: Option<SimTime>,
}

impl DeadlineTimer {
    /// Asks for a wake-up at `deadline`. Returns `true` when the caller must schedule a timer at
    /// `deadline` (none is armed at or before it).
    pub fn arm(&mut self, deadline: SimTime) -> bool {
        match self.armed {
            Some(t) if t <= deadline => false,
            _ => {
                self.armed = Some(deadline);
                true
            }
        }
    }

    /// Forgets the armed timer (the owner restarted; its old timers are ignored).
    pub fn reset(&mut self) {
        self.armed = None;
    }

    /// A timer of this kind fired at `now`. Returns `true` when it is the armed one (the owner
    /// must now expire what is due and re-arm); a superseded timer returns `false`.
    pub fn fire(&mut self, now: SimTime) -> bool {
        if self.armed == Some(now) {
            self.armed = None;
            true
        } else {
            false
        }
    }
}

/// Ids of `entries` whose deadline is at or before `now`, in id (arrival) order: what a
/// [`DeadlineTimer`] owner expires when its timer fires.
pub fn due_ids<'a, V: 'a>(
    entries: impl Iterator<Item = (&'a u64, &'a V)>,
    now: SimTime,
    deadline: impl Fn(&V) -> SimTime,
) -> Vec<u64> {
    entries
        .filter(|(_, v)| deadline(v) <= now)
        .map(|(&id, _)| id)
        .collect()
}

/// The earliest deadline among `entries`: where a [`DeadlineTimer`] owner re-arms.
pub fn earliest_deadline<'a, V: 'a>(
    entries: impl Iterator<Item = (&'a u64, &'a V)>,
    deadline: impl Fn(&V) -> SimTime,
) -> Option<SimTime> {
    entries.map(|(_, v)| deadline(v)).min()
}

#[cfg(test)]
mod tests {
    use super::DeadlineTimer;

    #[test]
    fn arms_only_for_an_earlier_deadline_and_ignores_superseded_timers() {
        let mut t = DeadlineTimer::default();
        assert!(t.arm(100));
        assert!(
            !t.arm(150),
            "a later deadline is covered by the armed timer"
        );
        assert!(t.arm(50), "an earlier deadline needs its own timer");
        assert!(!t.fire(100), "the timer at 100 was superseded");
        assert!(t.fire(50));
        assert!(!t.fire(50), "fires once");
        assert!(t.arm(150));
    }
}
