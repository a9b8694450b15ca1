//! `faults`: scheduled faults and live config changes, checked against the scenario they act on
//! (brokers, topics, producers and groups must exist; config changes must be valid and allowed
//! live, and are checked in time order together with Kafka's cross-field rules).

use std::collections::BTreeSet;

use serde_json::Value;

use super::json::{err, index, whole, wrong, Ctx, Obj};
use super::parse::known_topic;
use super::{
    caps, Detail, ExpectedJson, FixedReason, Lookup, NotFound, ScenarioError, ScenarioReason,
};
use crate::engine::config::registry;
use crate::engine::scenario::{Scenario, ScheduledFault};
use crate::engine::Command;

/// Every action and the fields it takes (besides `at_ms` and `action`).
pub const ACTIONS: &[(&str, &[&str])] = &[
    ("crash_broker", &["broker"]),
    ("restart_broker", &["broker"]),
    ("crash_leader", &["topic", "partition"]),
    ("isolate_broker", &["broker"]),
    ("partition_network", &["groups"]),
    ("cut_link", &["from", "to", "one_way"]),
    ("heal_network", &[]),
    ("slow_broker", &["broker", "disk_factor", "nic_factor"]),
    ("crash_consumer", &["group", "member"]),
    ("restart_consumer", &["group", "member"]),
    ("add_consumer", &["group"]),
    ("set_config", &["target", "key", "value"]),
    ("crash_rack", &["rack"]),
    ("restart_rack", &["rack"]),
    ("isolate_rack", &["rack"]),
    ("heal_rack", &["rack"]),
    ("pause_client", &["producer", "processor", "member", "ms"]),
];

const ALL_KEYS: &[&str] = &[
    "at_ms",
    "action",
    "broker",
    "topic",
    "partition",
    "groups",
    "from",
    "to",
    "one_way",
    "disk_factor",
    "nic_factor",
    "group",
    "member",
    "target",
    "key",
    "value",
    "rack",
    "producer",
    "ms",
    "processor",
];

pub(super) fn parse(
    v: Option<&Value>,
    s: &Scenario,
    producer_explicit: &[BTreeSet<String>],
    ctx: &mut Ctx,
) -> Result<Vec<ScheduledFault>, ScenarioError> {
    let items: &[Value] = match v {
        None => &[],
        Some(Value::Array(a)) if a.len() <= caps::MAX_FAULTS => a,
        Some(Value::Array(a)) => {
            return Err(err(
                "faults",
                None,
                ScenarioReason::TooManyEntries {
                    len: a.len(),
                    max: caps::MAX_FAULTS,
                },
            ));
        }
        Some(x) => return Err(err("faults", Some(x), wrong(ExpectedJson::Array, x))),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(one(item, &index("faults", i), s)?);
    }
    super::schedule::check_in_time_order(&out, s, producer_explicit, ctx)?;
    Ok(out)
}

fn broker_id(o: &Obj, key: &str, s: &Scenario) -> Result<u32, ScenarioError> {
    let n = u64::from(s.cluster.brokers);
    match o.get(key) {
        None => Err(err(
            &o.at(key),
            None,
            ScenarioReason::BrokerRequired { max: n },
        )),
        Some(v) => whole(v, &o.at(key), 0, u64::MAX).and_then(|b| {
            if (1..=n).contains(&b) {
                Ok(b as u32)
            } else {
                Err(err(
                    &o.at(key),
                    Some(v),
                    ScenarioReason::NoSuchBroker { max: n },
                ))
            }
        }),
    }
}

fn group_ref(o: &Obj, s: &Scenario) -> Result<String, ScenarioError> {
    let path = o.at("group");
    let v = o
        .get("group")
        .ok_or_else(|| err(&path, None, FixedReason::GroupIdRequired))?;
    let Value::String(g) = v else {
        return Err(err(&path, Some(v), wrong(ExpectedJson::GroupId, v)));
    };
    if s.consumer_groups.iter().any(|x| x.group_id == *g) {
        return Ok(g.clone());
    }
    let ids: Vec<&str> = s
        .consumer_groups
        .iter()
        .map(|x| x.group_id.as_str())
        .collect();
    let reason = NotFound {
        what: Lookup::Group,
        suggestion: registry::nearest(g, ids.iter().copied()).map(str::to_string),
        known: ids.iter().map(|s| s.to_string()).collect(),
    };
    Err(err(&path, Some(v), reason))
}

/// A JSON scalar as Kafka would read it from a properties file.
fn property_text(v: &Value, path: &str) -> Result<String, ScenarioError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Array(items) if items.iter().all(|i| i.is_string()) => Ok(items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(",")),
        _ => Err(err(path, Some(v), wrong(ExpectedJson::ConfigValue, v))),
    }
}

fn one(v: &Value, path: &str, s: &Scenario) -> Result<ScheduledFault, ScenarioError> {
    let o = Obj::new(v, path, "a fault", ALL_KEYS)?;
    let names: Vec<&str> = ACTIONS.iter().map(|(a, _)| *a).collect();
    let action = match o.get("action") {
        Some(Value::String(a)) => a.as_str(),
        Some(a) => {
            return Err(err(
                &o.at("action"),
                Some(a),
                wrong(ExpectedJson::ActionName, a),
            ))
        }
        None => {
            return Err(err(
                &o.at("action"),
                None,
                Detail::ActionRequired {
                    actions: names.iter().map(|s| s.to_string()).collect(),
                },
            ))
        }
    };
    let Some((_, fields)) = ACTIONS.iter().find(|(a, _)| *a == action) else {
        let reason = NotFound {
            what: Lookup::Action,
            suggestion: registry::nearest(action, names.iter().copied()).map(str::to_string),
            known: names.iter().map(|s| s.to_string()).collect(),
        };
        return Err(err(&o.at("action"), o.get("action"), reason));
    };
    for key in o.map.keys() {
        if key != "at_ms" && key != "action" && !fields.contains(&key.as_str()) {
            return Err(err(
                &o.at(key),
                None,
                Detail::ActionTakesNo {
                    action: action.to_string(),
                    key: key.clone(),
                    takes: fields.iter().map(|s| s.to_string()).collect(),
                },
            ));
        }
    }
    let at_ms = match o.get("at_ms") {
        None => {
            return Err(err(
                &o.at("at_ms"),
                None,
                Detail::AtMsRequired {
                    duration: s.duration_ms,
                },
            ))
        }
        Some(t) => whole(t, &o.at("at_ms"), 0, u64::MAX).and_then(|x| {
            if x <= s.duration_ms {
                Ok(x)
            } else {
                Err(err(
                    &o.at("at_ms"),
                    Some(t),
                    Detail::AfterEnd {
                        duration: s.duration_ms,
                    },
                ))
            }
        })?,
    };
    let action = match action {
        "crash_broker" => Command::CrashBroker {
            broker: broker_id(&o, "broker", s)?,
        },
        "restart_broker" => Command::RestartBroker {
            broker: broker_id(&o, "broker", s)?,
        },
        "isolate_broker" => Command::IsolateBroker {
            broker: broker_id(&o, "broker", s)?,
        },
        "heal_network" => Command::HealNetwork,
        "crash_leader" => {
            let tv = o
                .get("topic")
                .ok_or_else(|| err(&o.at("topic"), None, FixedReason::TopicNameRequired))?;
            let topic = known_topic(tv, &o.at("topic"), &s.topics)?;
            let parts = s
                .topics
                .iter()
                .find(|t| t.name == topic)
                .map_or(1, |t| t.partitions);
            let partition = match o.get("partition") {
                Some(pv) => whole(pv, &o.at("partition"), 0, u64::MAX).and_then(|p| {
                    if p < u64::from(parts) {
                        Ok(p as u32)
                    } else {
                        Err(err(
                            &o.at("partition"),
                            Some(pv),
                            Detail::PartitionRange {
                                topic: topic.clone(),
                                max: parts - 1,
                            },
                        ))
                    }
                })?,
                None => 0,
            };
            Command::CrashLeader { topic, partition }
        }
        "partition_network" => Command::PartitionNetwork {
            groups: network_groups(&o, s)?,
        },
        "cut_link" => {
            let (from, to) = (broker_id(&o, "from", s)?, broker_id(&o, "to", s)?);
            if from == to {
                return Err(err(&o.at("to"), o.get("to"), FixedReason::LinkSameBroker));
            }
            Command::CutLink {
                from,
                to,
                one_way: o.bool_or("one_way", false)?,
            }
        }
        "slow_broker" => {
            let broker = broker_id(&o, "broker", s)?;
            let disk_factor = o.real_or("disk_factor", 1.0, 1.0, caps::MAX_SLOW_FACTOR)?;
            let nic_factor = o.real_or("nic_factor", 1.0, 1.0, caps::MAX_SLOW_FACTOR)?;
            Command::SlowBroker {
                broker,
                disk_factor,
                nic_factor,
            }
        }
        "crash_consumer" => {
            let group = group_ref(&o, s)?;
            let member = o.whole_or("member", 0, 0, u64::from(u32::MAX))? as u32;
            Command::CrashConsumer { group, member }
        }
        "restart_consumer" => {
            let group = group_ref(&o, s)?;
            let member = o.whole_or("member", 0, 0, u64::from(u32::MAX))? as u32;
            Command::RestartConsumer { group, member }
        }
        "add_consumer" => Command::AddConsumer {
            group: group_ref(&o, s)?,
        },
        "crash_rack" => Command::CrashRack {
            rack: rack_ref(&o, s)?,
        },
        "restart_rack" => Command::RestartRack {
            rack: rack_ref(&o, s)?,
        },
        "isolate_rack" => Command::IsolateRack {
            rack: rack_ref(&o, s)?,
        },
        "heal_rack" => Command::HealRack {
            rack: rack_ref(&o, s)?,
        },
        "pause_client" if o.get("processor").is_some() => {
            // A processor member: its producer's id is `{processor}-{member}`.
            let path = o.at("processor");
            let name = o
                .text("processor", caps::MAX_ID)?
                .ok_or_else(|| err(&path, None, ScenarioReason::Required))?;
            let Some(p) = s.processors.iter().find(|p| p.id == name) else {
                let kind = "processor".to_string();
                return Err(err(
                    &path,
                    o.get("processor"),
                    Detail::NoSuchTarget { kind },
                ));
            };
            let member = o.whole_or("member", 0, 0, u64::from(p.members.max(1) - 1))? as u32;
            Command::PauseClient {
                producer: p.transactional_id(member),
                ms: o.whole_req("ms", 1, caps::MAX_DURATION_MS)?,
            }
        }
        "pause_client" => {
            let path = o.at("producer");
            let producer = o
                .text("producer", caps::MAX_ID)?
                .ok_or_else(|| err(&path, None, ScenarioReason::Required))?;
            let member_of_processor = s
                .processors
                .iter()
                .any(|p| (0..p.members).any(|m| p.transactional_id(m) == producer));
            if !member_of_processor && !s.producers.iter().any(|p| p.id == producer) {
                let kind = "producer".to_string();
                return Err(err(&path, o.get("producer"), Detail::NoSuchTarget { kind }));
            }
            Command::PauseClient {
                producer: producer.to_string(),
                ms: o.whole_req("ms", 1, caps::MAX_DURATION_MS)?,
            }
        }
        _ => set_config(&o, s)?,
    };
    Ok(ScheduledFault { at_ms, action })
}

fn network_groups(o: &Obj, s: &Scenario) -> Result<Vec<Vec<u32>>, ScenarioError> {
    let path = o.at("groups");
    let shape = FixedReason::GroupsShape;
    let Some(Value::Array(gs)) = o.get("groups") else {
        return Err(err(&path, o.get("groups"), shape));
    };
    let n = u64::from(s.cluster.brokers);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, g) in gs.iter().enumerate().take(caps::MAX_BROKERS as usize + 1) {
        let Value::Array(ids) = g else {
            return Err(err(&index(&path, i), Some(g), shape));
        };
        let mut group = Vec::new();
        for (j, idv) in ids.iter().enumerate().take(caps::MAX_BROKERS as usize + 1) {
            let p = format!("{path}[{i}][{j}]");
            let id = whole(idv, &p, 0, u64::MAX)?;
            if !(1..=n).contains(&id) {
                return Err(err(&p, Some(idv), ScenarioReason::NoSuchBroker { max: n }));
            }
            if !seen.insert(id) {
                return Err(err(&p, Some(idv), FixedReason::BrokerInTwoGroups));
            }
            group.push(id as u32);
        }
        if !group.is_empty() {
            out.push(group);
        }
    }
    if out.len() < 2 {
        return Err(err(
            &path,
            o.get("groups"),
            FixedReason::PartitionNeedsTwoGroups,
        ));
    }
    Ok(out)
}

fn set_config(o: &Obj, s: &Scenario) -> Result<Command, ScenarioError> {
    let target = o
        .text("target", 600)?
        .ok_or_else(|| err(&o.at("target"), None, Detail::TargetRequired))?;
    let tv = o.get("target");
    let (kind, name) = target.split_once(':').unwrap_or((target, ""));
    let exists = match kind {
        "broker" => name.is_empty(),
        "topic" => s.topics.iter().any(|t| t.name == name),
        "producer" => s.producers.iter().any(|p| p.id == name),
        "group" => s.consumer_groups.iter().any(|g| g.group_id == name),
        _ => return Err(err(&o.at("target"), tv, Detail::TargetExpected)),
    };
    if !exists {
        return Err(err(
            &o.at("target"),
            tv,
            Detail::NoSuchTarget {
                kind: kind.to_string(),
            },
        ));
    }
    let key = o
        .ident("key", 300)?
        .ok_or_else(|| err(&o.at("key"), None, FixedReason::ConfigKeyRequired))?;
    let vv = o
        .get("value")
        .ok_or_else(|| err(&o.at("value"), None, FixedReason::ConfigValueRequired))?;
    let value = property_text(vv, &o.at("value"))?;
    Ok(Command::SetConfig {
        target: target.to_string(),
        key: key.to_string(),
        value,
    })
}

/// The `rack` field: a rack of `cluster.racks`.
fn rack_ref(o: &Obj, s: &Scenario) -> Result<String, ScenarioError> {
    let path = o.at("rack");
    let v = o
        .get("rack")
        .ok_or_else(|| err(&path, None, ScenarioReason::Required))?;
    let Value::String(name) = v else {
        return Err(err(&path, Some(v), wrong(ExpectedJson::String, v)));
    };
    if name.trim().is_empty() {
        return Err(err(&path, Some(v), ScenarioReason::MustNotBeEmpty));
    }
    if !s.cluster.racks.contains(name) {
        let known = s.cluster.racks.clone();
        let reason = NotFound {
            what: Lookup::Rack,
            suggestion: registry::nearest(name, known.iter().map(String::as_str))
                .map(str::to_string),
            known,
        };
        return Err(err(&path, Some(v), reason));
    }
    Ok(name.clone())
}
