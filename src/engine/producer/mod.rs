//! The producer client (KafkaProducer): partitioner, RecordAccumulator, Sender, idempotence.

use serde::{Deserialize, Serialize};

/// Producer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProducerTimer {
    /// The application produces its next records.
    AppTick,
}
