//! Timers, by owner. Each component defines its own timer enum; the engine routes a fired timer
//! back to the node that set it.

use serde::{Deserialize, Serialize};

use super::ids::TopicPartition;

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

/// Broker timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerTimer {
    /// Send the next heartbeat to the controller (`broker.heartbeat.interval.ms`).
    Heartbeat {
        /// Broker epoch (incarnation) that set it; stale after a restart.
        incarnation: u64,
    },
    /// Check followers' lag for ISR shrink (Kafka checks every `replica.lag.time.max.ms / 2`).
    IsrCheck {
        /// Incarnation that set it.
        incarnation: u64,
    },
    /// A delayed fetch (long poll) reached its `max_wait_ms`.
    FetchWait {
        /// Id of the parked fetch.
        id: u64,
        /// Incarnation that set it.
        incarnation: u64,
    },
    /// A produce request waiting for acks=all reached its timeout.
    ProduceTimeout {
        /// Id of the parked produce.
        id: u64,
        /// Incarnation that set it.
        incarnation: u64,
    },
    /// A request finished its CPU/disk work and its effect applies now.
    WorkDone {
        /// Id of the request in the broker's work table.
        id: u64,
        /// Incarnation that set it.
        incarnation: u64,
    },
    /// The follower fetcher for a leader may send its next fetch (after a backoff), or its
    /// in-flight fetch timed out (`seq` identifies the fetch it was set for).
    FollowerFetch {
        /// Leader broker id.
        leader: u32,
        /// Fetch sequence number this timer belongs to.
        seq: u64,
        /// Incarnation that set it.
        incarnation: u64,
    },
    /// Retry an AlterPartition that got no answer.
    AlterPartitionRetry {
        /// Partition.
        tp: TopicPartition,
        /// Incarnation that set it.
        incarnation: u64,
    },
}

/// Controller timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControllerTimer {
    /// Check broker sessions (`broker.session.timeout.ms`).
    SessionCheck,
    /// Preferred leader election check (`leader.imbalance.check.interval.seconds`).
    LeaderImbalanceCheck,
}
