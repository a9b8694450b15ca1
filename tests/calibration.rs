//! The calibration against the published benchmarks holds (issue 14): every row within ±35% of
//! the published figure, and the two ratios that matter most in their published shape (acks=all
//! roughly halves one producer; three producers reach roughly 2.5× one). Shortened runs; the
//! full table is `make calibration` (README).
#![cfg(not(target_arch = "wasm32"))]

#[test]
fn calibration_rows_stay_near_the_published_figures() {
    let rows = kafka_sim::cli::calibration::rows(0.2);
    assert_eq!(rows.len(), 11);
    let mut off = Vec::new();
    for r in &rows {
        if !(0.65..=1.35).contains(&r.ratio()) {
            off.push(r.markdown());
        }
    }
    assert!(
        off.is_empty(),
        "rows off by more than 35%:\n{}",
        off.join("\n")
    );
    let ratio = |what: &str| {
        rows.iter()
            .find(|r| r.what.starts_with(what))
            .map(|r| r.sim)
            .unwrap_or_else(|| panic!("no row {what}"))
    };
    let sync_vs_none = ratio("acks=all / no replication");
    let three_vs_one = ratio("3 producers / 1 producer");
    assert!(
        (0.4..=0.65).contains(&sync_vs_none),
        "acks=all / none {sync_vs_none}"
    );
    assert!(
        (2.0..=3.0).contains(&three_vs_one),
        "3 producers / 1 {three_vs_one}"
    );
}
