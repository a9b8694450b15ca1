//! KRaft: the cluster metadata log (`__cluster_metadata`) and what brokers exchange with the
//! controller about it — registration (`BrokerRegistration`, KIP-631), heartbeats
//! (`BrokerHeartbeat`) and fetching the log (brokers are observers of the metadata partition and
//! pull it from the controller, resuming from the offset they have).

use serde::{Deserialize, Serialize};

use super::{ErrorCode, PartitionState};
use crate::engine::config::{BrokerConfig, TopicConfig};
use crate::engine::ids::BrokerId;

/// A record of the metadata log, as the controller writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MetadataRecord {
    /// `RegisterBrokerRecord`: a broker incarnation registered. A new registration is fenced
    /// until the broker has caught up with the log (`ClusterControlManager.registerBroker`).
    RegisterBroker {
        /// Broker.
        broker: BrokerId,
        /// Broker epoch: the offset of this record.
        broker_epoch: u64,
        /// The process incarnation that registered.
        incarnation: u64,
    },
    /// `BrokerRegistrationChangeRecord`: a broker fenced or unfenced.
    BrokerFencing {
        /// Broker.
        broker: BrokerId,
        /// Fenced (`true`) or unfenced.
        fenced: bool,
    },
    /// `PartitionRecord` / `PartitionChangeRecord`: a partition's new state (leader, epochs,
    /// ISR, eligible leader replicas).
    Partition(PartitionState),
    /// `ConfigRecord` for the cluster-wide broker config (`kafka-configs.sh --entity-type
    /// brokers --entity-default`).
    BrokerConfig(Box<BrokerConfig>),
    /// `ConfigRecord` for a topic's overrides.
    TopicConfig {
        /// Topic index.
        topic: u32,
        /// Its overrides.
        config: Box<TopicConfig>,
    },
}

impl MetadataRecord {
    /// Approximate size in the log and on the wire, bytes.
    pub fn wire_bytes(&self) -> u64 {
        match self {
            MetadataRecord::Partition(st) => {
                40 + 4 * (st.isr.len() + st.replicas.len() + st.elr.len()) as u64
            }
            MetadataRecord::BrokerConfig(_) | MetadataRecord::TopicConfig { .. } => 64,
            _ => 32,
        }
    }
}

/// Broker → controller: `BrokerRegistrationRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerRegistration {
    /// Broker.
    pub broker: BrokerId,
    /// The incarnation id of the process (a new one at every start).
    pub incarnation: u64,
}

/// Controller → broker: `BrokerRegistrationResponse`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerRegistrationReply {
    /// `NONE`, or `DUPLICATE_BROKER_REGISTRATION` while another incarnation holds a valid
    /// session.
    pub error: ErrorCode,
    /// The broker epoch granted (the offset of the registration record).
    pub broker_epoch: u64,
}

/// Broker → controller: `BrokerHeartbeatRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerHeartbeat {
    /// Broker.
    pub broker: BrokerId,
    /// Broker epoch granted at registration.
    pub broker_epoch: u64,
    /// The offset of the metadata log the broker has applied.
    pub metadata_offset: u64,
    /// Whether the broker asks to stay fenced (until it has caught up after start).
    pub want_fence: bool,
}

/// Controller → broker: `BrokerHeartbeatResponse`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerHeartbeatReply {
    /// `NONE`, or `STALE_BROKER_EPOCH` for a heartbeat of a replaced registration.
    pub error: ErrorCode,
    /// The broker has caught up with the log up to its registration record.
    pub is_caught_up: bool,
    /// The controller considers the broker fenced.
    pub is_fenced: bool,
}

/// Controller → broker: records of the metadata log from the offset the broker asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetadataFetchReply {
    /// Offset of the first record.
    pub offset: u64,
    /// Records, in log order.
    pub records: Vec<MetadataRecord>,
    /// The log end offset at the controller when it answered.
    pub log_end_offset: u64,
}
