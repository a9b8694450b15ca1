//! The panel beside the cluster: the lesson or the scenario's description, the audit, the
//! consumer groups' lag (both definitions), the charts' event log, and the live configuration
//! and cluster-shape forms.

mod audit;
mod config;
mod event_log;
mod follow;
mod groups;
mod lesson;
mod note;
mod shape;
mod zones;

pub use audit::AuditPanel;
pub use config::ConfigPanel;
pub use event_log::EventLog;
pub use follow::FollowPanel;
pub use groups::GroupsPanel;
pub use lesson::LessonPanel;
pub use note::ScenarioNote;
pub use shape::ShapePanel;
pub use zones::ZonesPanel;
