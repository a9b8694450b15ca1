//! The broker-side group coordinator (classic protocol) and the client-side assignors glue.

use serde::{Deserialize, Serialize};

/// Coordinator timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorTimer {
    /// A member's session expired check.
    SessionCheck,
}
