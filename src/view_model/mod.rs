//! What the page shows, computed without a browser: client names, log-strip geometry, the
//! cluster's layout, chart series (smoothing, spike-proof scales, markers), the audit, CSV export,
//! and the session that owns the engine and records the user's interventions in the scenario.
//! The Yew components in [`crate::ui`] only draw what these return; everything here is tested
//! natively.

pub mod audit;
pub mod branch_link;
pub mod client_code;
pub mod compare;
pub mod csv;
pub mod event_log;
pub mod flows;
pub mod follow;
pub mod layout;
pub mod lesson_play;
pub mod links;
pub mod names;
pub mod series;
pub mod session;
pub mod slice;
pub mod slots;
pub mod strips;
pub mod timeline;
pub mod zones;
