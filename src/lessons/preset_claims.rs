//! What each built-in preset's description claims, as checks over its run
//! (`kafka-sim run PRESET --check`; `tests/claims.rs` judges them all).

use super::claims::{claim, Agg, Claim, Expect, Happening as H, Measure as M, Series};
use crate::engine::protocol::ErrorCode;

/// The claims of the preset called `name` (empty for an unknown name).
pub fn preset_claims(name: &str) -> Vec<Claim> {
    match name {
        "quickstart" => vec![claim(
            "nothing acknowledged is lost",
            M::AckedLost,
            Expect::AtMost(0.0),
        )],
        _ => Vec::new(),
    }
}
