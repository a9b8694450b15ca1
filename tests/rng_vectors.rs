//! The random numbers of a run, checked natively against the constants that `tests/web.rs`
//! checks in the browser: together they show native and wasm32 draw the same numbers.

#[path = "support/rng_vectors.rs"]
mod rng_vectors;

#[test]
fn rng_streams_and_jitter_match_the_recorded_vectors() {
    rng_vectors::check();
}

#[test]
fn ln_and_powf_bits_match_the_recorded_vectors() {
    rng_vectors::check_float_bits();
}

/// Prints the vectors in the form of `tests/support/rng_vectors.rs` (run with `--ignored`).
#[test]
#[ignore = "prints new constants after an intended change of the generator"]
fn print_vectors() {
    use rng_vectors::*;
    let hex = |xs: &[u64]| {
        let items: Vec<String> = xs.iter().map(|x| format!("0x{x:016x}")).collect();
        format!("[{}]", items.join(", "))
    };
    println!("NEXT_U64_SEED_42 = {}", hex(&next_u64s::<8>(42)));
    println!("NEXT_U64_SEED_0 = {}", hex(&next_u64s::<4>(0)));
    println!("BELOW_6_SEED_7 = {:?}", belows::<16>(7, 6));
    println!("UNIT_F64_BITS_SEED_1 = {}", hex(&unit_f64_bits::<4>(1)));
    println!(
        "EXPONENTIAL_BITS_SEED_2024 = {}",
        hex(&exponential_bits::<8>(2024, 1000.0))
    );
    println!(
        "JITTER_NS_DIGEST_SEED_9 = 0x{:016x}",
        jitter_ns_digest(9, &JITTER_MEANS, 100_000)
    );
    println!(
        "EXPONENTIAL_BITS_DIGEST_SEED_9 = 0x{:016x}",
        exponential_bits_digest(9, 250.0, 100_000)
    );
    println!("POWF_DIGEST = 0x{:016x}", powf_digest(5000));
}
