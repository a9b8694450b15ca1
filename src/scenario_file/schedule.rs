//! Replays a parsed fault schedule in time order to check what depends on state: consumer
//! member indexes, group sizes, and live config changes against the configs they meet.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::json::{err, index, Ctx};
use super::parse::config_warnings;
use super::{caps, Detail, FixedReason, ScenarioError, ScenarioReason};
use crate::engine::config::registry::{self, ConfigValue, Scope};
use crate::engine::scenario::{Scenario, ScheduledFault};
use crate::engine::Command;

/// Replays the schedule in time order (ties in file order) against copies of the configs and the
/// group sizes, so a change is checked against the state it meets.
pub(super) fn check_in_time_order(
    faults: &[ScheduledFault],
    s: &Scenario,
    producer_explicit: &[BTreeSet<String>],
    ctx: &mut Ctx,
) -> Result<(), ScenarioError> {
    let mut order: Vec<usize> = (0..faults.len()).collect();
    order.sort_by_key(|&i| faults[i].at_ms);
    let mut broker = s.cluster.config.clone();
    let mut topics: BTreeMap<&str, _> = s
        .topics
        .iter()
        .map(|t| (t.name.as_str(), (t.config.clone(), t.replication_factor)))
        .collect();
    let mut producers: BTreeMap<&str, _> = s
        .producers
        .iter()
        .zip(producer_explicit)
        .map(|(p, e)| (p.id.as_str(), (p.config.clone(), e.clone())))
        .collect();
    let mut groups: BTreeMap<&str, _> = s
        .consumer_groups
        .iter()
        .map(|g| (g.group_id.as_str(), (g.config.clone(), g.members)))
        .collect();
    let mut total_members: u64 = s.consumer_groups.iter().map(|g| u64::from(g.members)).sum();
    let mut down = BTreeSet::new();
    for i in order {
        let path = index("faults", i);
        let at = |k: &str| format!("{path}.{k}");
        match &faults[i].action {
            Command::CrashBroker { broker: b } if !down.insert(*b) => {
                ctx.warn(
                    at("broker"),
                    format!("broker {b} is already down at {} ms", faults[i].at_ms),
                );
            }
            Command::RestartBroker { broker: b } if !down.remove(b) => {
                ctx.warn(
                    at("broker"),
                    format!(
                        "broker {b} is not down at {} ms: restarting it does nothing",
                        faults[i].at_ms
                    ),
                );
            }
            Command::AddConsumer { group } => {
                total_members += 1;
                if total_members > caps::MAX_TOTAL_MEMBERS {
                    return Err(err(
                        &at("group"),
                        None,
                        ScenarioReason::TooManyConsumers {
                            total: total_members,
                            max: caps::MAX_TOTAL_MEMBERS,
                        },
                    ));
                }
                if let Some(g) = groups.get_mut(group.as_str()) {
                    if g.0.group_instance_id.is_some() {
                        return Err(err(&at("group"), None, FixedReason::SharedInstanceIdAdd));
                    }
                    g.1 += 1;
                }
            }
            Command::CrashConsumer { group, member }
            | Command::RestartConsumer { group, member } => {
                let started = groups.get(group.as_str()).map_or(0, |g| g.1);
                if *member >= started {
                    return Err(err(
                        &at("member"),
                        Some(&Value::from(*member)),
                        Detail::MemberNotStarted {
                            group: group.clone(),
                            started,
                            at_ms: faults[i].at_ms,
                        },
                    ));
                }
            }
            Command::SetConfig { target, key, value } => {
                let v = ConfigValue::from_str_value(value);
                let bad = |e: registry::ConfigError| match e.kind {
                    registry::ConfigErrorKind::UnknownKey { .. } => {
                        err(&at("key"), None, ScenarioReason::Config(Box::new(e)))
                    }
                    _ => err(&at("value"), None, ScenarioReason::ConfigFull(Box::new(e))),
                };
                let (kind, name) = target.split_once(':').unwrap_or((target, ""));
                match kind {
                    "broker" => {
                        registry::check_live_change(Scope::Broker, key).map_err(|e| {
                            err(&at("key"), None, ScenarioReason::Config(Box::new(e)))
                        })?;
                        registry::apply_broker(&mut broker, key, &v).map_err(bad)?;
                        registry::finish_broker(&broker).map_err(bad)?;
                    }
                    "topic" => {
                        if let Some((cfg, rf)) = topics.get_mut(name) {
                            registry::apply_topic(cfg, key, &v).map_err(bad)?;
                            config_warnings(&path, registry::check_topic(cfg, &broker, *rf), ctx);
                        }
                    }
                    "producer" => {
                        if let Some((cfg, explicit)) = producers.get_mut(name) {
                            registry::apply_producer(cfg, key, &v).map_err(bad)?;
                            explicit.insert(key.clone());
                            let w = registry::finish_producer(cfg, |k| explicit.contains(k))
                                .map_err(bad)?;
                            config_warnings(&path, w, ctx);
                        }
                    }
                    _ => {
                        if let Some((cfg, _)) = groups.get_mut(name) {
                            registry::apply_consumer(cfg, key, &v).map_err(bad)?;
                            let w = registry::finish_consumer(cfg, &broker, |k| k == key)
                                .map_err(bad)?;
                            config_warnings(&path, w, ctx);
                        }
                    }
                }
                let scope = match kind {
                    "broker" => Scope::Broker,
                    "topic" => Scope::Topic,
                    "producer" => Scope::Producer,
                    _ => Scope::Consumer,
                };
                if !registry::is_modelled(scope, key) {
                    ctx.warn(at("key"), format!("`{key}` is a valid Kafka {scope} config but KafkaSim does not model it: the change has no effect"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
