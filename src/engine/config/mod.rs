//! Typed Kafka configuration, with Kafka 4.x defaults.
//!
//! Field names are Kafka's dotted config names with dots replaced by underscores
//! (`linger.ms` → `linger_ms`). Parsing and validation of user-supplied config maps (unknown keys,
//! ranges, nearest-key suggestions) lives beside these types.

mod hardware;
pub mod registry;
mod types;

pub use hardware::*;
pub use types::*;
