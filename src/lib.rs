//! KafkaSim: Apache Kafka, simulated and visualized.
//!
//! [`engine`] is a deterministic discrete-event model of a Kafka 4.x (KRaft) cluster and its
//! clients; it has no web dependencies and runs natively (the `kafka-sim` CLI) and as
//! WebAssembly (the page in [`ui`], compiled only for `wasm32`). [`scenario`] reads and writes
//! scenario files (JSON) and holds the built-in presets; [`share`] packs a scenario into a link.

pub mod engine;
pub mod scenario_file;
pub mod share;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

pub mod i18n;
pub mod lessons;
pub mod view_model;
pub mod wasm_heap;

/// In the wasm build the heap grows in large steps (see [`wasm_heap`]).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: wasm_heap::GeometricHeap = wasm_heap::GeometricHeap;
