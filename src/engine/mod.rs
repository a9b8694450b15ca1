//! The deterministic discrete-event engine: cluster, network, clients.
//!
//! No web dependencies, no wall clock, no global RNG, no hash-map iteration order in anything
//! observable.

pub mod assignor;
pub mod broker;
pub mod checker;
pub mod config;
pub mod consumer;
pub mod controller;
#[cfg(test)]
mod controller_tests;
pub mod ctx;
pub mod events;
pub mod golden;
pub mod group;
pub mod histogram;
pub mod id_window;
pub mod ids;
pub mod journey;
pub mod limits;
pub mod log;
pub mod metadata_image;
pub mod metrics;
pub mod network;
pub mod partition_set;
pub mod partitioner;
pub mod processor;
pub mod producer;
pub mod protocol;
pub mod quad_heap;
pub mod queue;
pub mod racks;
pub mod reasons;
pub mod reciprocal;
pub mod report;
pub mod rng;
pub mod scenario;
mod scenario_builder;
pub mod shared_deque;
pub mod sim;
pub mod snapshot;
pub mod time;
pub mod timer;
pub mod tp_map;
pub mod txn;
pub mod vec_map;
pub mod view;

pub use sim::{Command, Engine, RunStatus};
