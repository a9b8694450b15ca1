//! `kafka-sim`: the native command line over the engine.
fn main() {
    println!("kafka-sim {}", env!("CARGO_PKG_VERSION"));
}
