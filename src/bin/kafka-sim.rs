//! `kafka-sim`: the native command line over the engine (see `kafka_sim::cli`).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(kafka_sim::cli::main_with_args(std::env::args_os()));
}

#[cfg(target_arch = "wasm32")]
fn main() {}
