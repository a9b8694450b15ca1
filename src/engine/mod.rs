//! The deterministic discrete-event engine: cluster, network, clients.
//!
//! No web dependencies, no wall clock, no global RNG, no hash-map iteration order in anything
//! observable.

pub mod assignor;
pub mod partitioner;
pub mod rng;
pub mod time;
