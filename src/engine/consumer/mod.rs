//! The consumer client (KafkaConsumer, classic group protocol): fetcher, poll loop, commits.

use serde::{Deserialize, Serialize};

/// Consumer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerTimer {
    /// Send the next heartbeat.
    Heartbeat,
}
