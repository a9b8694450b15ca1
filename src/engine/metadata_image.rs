//! A broker's view of the cluster metadata: the metadata log replayed up to an offset (Kafka's
//! `MetadataImage`). Brokers keep it on disk, so a restarted broker resumes fetching the log
//! from where it stopped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ids::{BrokerId, TopicPartition};
use super::protocol::{MetadataRecord, PartitionState};

/// What the image knows of a broker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerImage {
    /// Broker epoch of its registration.
    pub broker_epoch: u64,
    /// Fenced.
    pub fenced: bool,
}

/// The metadata log applied up to `offset`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetadataImage {
    /// The offset of the next record to apply.
    pub offset: u64,
    /// Every partition's state.
    pub partitions: BTreeMap<TopicPartition, PartitionState>,
    /// Registered brokers.
    pub brokers: BTreeMap<BrokerId, BrokerImage>,
}

impl MetadataImage {
    /// Applies the record at `self.offset`; returns the partition it changed, if any.
    pub fn apply(&mut self, record: &MetadataRecord) -> Option<TopicPartition> {
        self.offset += 1;
        match record {
            MetadataRecord::RegisterBroker {
                broker,
                broker_epoch,
                ..
            } => {
                self.brokers.insert(
                    *broker,
                    BrokerImage {
                        broker_epoch: *broker_epoch,
                        fenced: true,
                    },
                );
                None
            }
            MetadataRecord::BrokerFencing { broker, fenced } => {
                self.brokers.entry(*broker).or_default().fenced = *fenced;
                None
            }
            MetadataRecord::Partition(st) => {
                self.partitions.insert(st.tp, st.clone());
                Some(st.tp)
            }
            // Configs are applied by the broker to the configs on its disk.
            MetadataRecord::BrokerConfig(_) | MetadataRecord::TopicConfig { .. } => None,
        }
    }

    /// Unfenced brokers, in id order.
    pub fn live_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|(_, b)| !b.fenced)
            .map(|(&id, _)| id)
            .collect()
    }

    /// Whether `broker` is registered and unfenced.
    pub fn is_live(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|b| !b.fenced)
    }
}
