//! Transactions and exactly-once (KIP-98, KIP-447, KIP-890): the partition-side transaction
//! index (LSO, aborted transactions), the transaction coordinator hosted by the brokers leading
//! `__transaction_state`, and the transactional producer's state machine.

pub mod client;
pub mod coordinator;
pub mod index;
pub mod snapshot;

/// Name of Kafka's internal transaction log topic.
pub const TXN_TOPIC: &str = "__transaction_state";
