//! `docs/SCENARIOS.md` documents every modelled config key and every fault action.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::config::registry::{keys, Scope};
use kafka_sim::scenario_file::FAULT_ACTIONS;

#[test]
fn scenario_doc_covers_every_key_and_action() {
    let doc = include_str!("../docs/SCENARIOS.md");
    for scope in Scope::ALL {
        for k in keys(scope) {
            assert!(
                doc.contains(&format!("`{}`", k.name)),
                "docs/SCENARIOS.md lacks {scope} key `{}`",
                k.name
            );
        }
    }
    for (action, fields) in FAULT_ACTIONS {
        assert!(
            doc.contains(&format!("| `{action}` |")),
            "docs/SCENARIOS.md lacks action {action}"
        );
        for f in *fields {
            assert!(
                doc.contains(&format!("`{f}`")),
                "docs/SCENARIOS.md lacks field {f} of {action}"
            );
        }
    }
}
