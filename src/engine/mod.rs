//! The deterministic discrete-event engine: cluster, network, clients.
//!
//! No web dependencies, no wall clock, no global RNG, no hash-map iteration order in anything
//! observable.

pub mod rng;
pub mod time;
pub mod config;
pub mod scenario;
pub mod ids;
pub mod protocol;
pub mod consumer;
pub mod ctx;
pub mod events;
pub mod group;
pub mod producer;
pub mod timer;
pub mod queue;
pub mod network;
pub mod log;
pub mod controller;
pub mod broker;
