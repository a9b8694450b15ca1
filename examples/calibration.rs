//! `make calibration`: prints the published figure, KafkaSim's and their ratio for every row of
//! the two benchmarks KafkaSim is calibrated against (`kafka_sim::cli::calibration`). Native
//! only (the CLI module is not part of the wasm build).

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("| test bed | test | published | KafkaSim | KafkaSim / published |");
    println!("|---|---|---:|---:|---:|");
    for row in kafka_sim::cli::calibration::rows(1.0) {
        println!("{}", row.markdown());
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
