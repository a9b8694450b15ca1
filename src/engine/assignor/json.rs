//! `kafka-sim assign INPUT.json`: runs an assignor on a JSON description of a group.
//!
//! Input:
//! `{"strategy": "range"|"roundrobin"|"sticky"|"cooperative-sticky", "topics": {"t": 3},
//!   "members": [{"id": "c1", "group_instance_id": null, "topics": ["t"], "owned": ["t-0"],
//!   "generation": 1}]}` (`group_instance_id`, `owned` and `generation` optional).
//! Output: `{"assignment": {"c1": ["t-0", ...], ...}}`, each list sorted by topic then
//! partition.

use super::{assign, AssignorKind, MemberSubscription, TopicPartition};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    strategy: String,
    topics: BTreeMap<String, u32>,
    members: Vec<MemberInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberInput {
    id: String,
    #[serde(default)]
    group_instance_id: Option<String>,
    topics: Vec<String>,
    #[serde(default)]
    owned: Vec<String>,
    #[serde(default)]
    generation: Option<i32>,
}

/// Parses the JSON input, runs the assignor and renders the output JSON; errors are
/// human-readable and name the offending field (e.g. `members[1].owned[0]`).
pub fn assign_json(input: &str) -> Result<String, String> {
    let input: Input = serde_json::from_str(input).map_err(|e| format!("invalid input: {e}"))?;
    let kind: AssignorKind = input
        .strategy
        .parse()
        .map_err(|e| format!("strategy: {e}"))?;
    for (topic, &count) in &input.topics {
        if topic.is_empty() {
            return Err("topics: empty topic name".to_string());
        }
        if count == 0 {
            return Err(format!(
                "topics.{topic}: a topic needs at least 1 partition"
            ));
        }
    }
    let mut ids = BTreeSet::new();
    let mut members = Vec::with_capacity(input.members.len());
    for (i, m) in input.members.iter().enumerate() {
        if m.id.is_empty() {
            return Err(format!("members[{i}].id: empty member id"));
        }
        if !ids.insert(m.id.as_str()) {
            return Err(format!("members[{i}].id: duplicate member id {:?}", m.id));
        }
        for (j, t) in m.topics.iter().enumerate() {
            if !input.topics.contains_key(t) {
                return Err(format!(
                    "members[{i}].topics[{j}]: unknown topic {t:?} (not in \"topics\")"
                ));
            }
        }
        let mut owned = Vec::with_capacity(m.owned.len());
        for (j, s) in m.owned.iter().enumerate() {
            let tp: TopicPartition = s
                .parse()
                .map_err(|e| format!("members[{i}].owned[{j}]: {e}"))?;
            match input.topics.get(&tp.topic) {
                None => {
                    return Err(format!(
                        "members[{i}].owned[{j}]: unknown topic {:?} (not in \"topics\")",
                        tp.topic
                    ))
                }
                Some(&n) if tp.partition >= n => {
                    return Err(format!(
                    "members[{i}].owned[{j}]: {tp} does not exist (topic {:?} has {n} partitions)",
                    tp.topic
                ))
                }
                Some(_) => owned.push(tp),
            }
        }
        members.push(MemberSubscription {
            member_id: m.id.clone(),
            group_instance_id: m.group_instance_id.clone(),
            topics: m.topics.clone(),
            owned_partitions: owned,
            generation: m.generation,
        });
    }
    let assignment = assign(kind, &input.topics, &members).map_err(|e| e.to_string())?;
    let rendered: BTreeMap<&String, Vec<String>> = assignment
        .iter()
        .map(|(m, tps)| (m, tps.iter().map(ToString::to_string).collect()))
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "assignment": rendered }))
        .map_err(|e| e.to_string())
}
