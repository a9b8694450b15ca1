//! JSON → [`Scenario`]: the document, cluster and topics, and helpers shared with
//! `clients.rs` (producers, groups) and `faults.rs`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::clients::{groups, producers};
use super::json::{err, index, join, whole, wrong, Ctx, Obj};
use super::{
    caps, faults, hardware, Detail, Duplicated, ExpectedJson, FixedReason, JsonType, Lookup,
    NotFound, ScenarioError, ScenarioReason,
};
use crate::engine::config::registry::{
    self, ConfigError, ConfigErrorKind, ConfigValue, ConfigWarning, Scope,
};
use crate::engine::config::{BrokerConfig, TopicConfig};
use crate::engine::scenario::{ClusterSpec, Scenario, TopicSpec};

const TOP: &[&str] = &[
    "name",
    "description",
    "seed",
    "duration_ms",
    "cluster",
    "topics",
    "producers",
    "consumer_groups",
    "faults",
    "processors",
];
const CLUSTER: &[&str] = &[
    "brokers",
    "hardware",
    "config",
    "racks",
    "cross_zone_usd_per_gb",
    "broker_racks",
];
const TOPIC: &[&str] = &["name", "partitions", "replication_factor", "config"];

/// Default `seed`.
pub const DEFAULT_SEED: u64 = 42;
/// Default `duration_ms`.
pub const DEFAULT_DURATION_MS: u64 = 60_000;

pub(super) fn scenario(root: &Value, ctx: &mut Ctx) -> Result<Scenario, ScenarioError> {
    let o = Obj::new(root, "", "a scenario", TOP)?;
    let name = o
        .text("name", caps::MAX_NAME)?
        .unwrap_or("untitled")
        .to_string();
    let description = o
        .text("description", caps::MAX_DESCRIPTION)?
        .unwrap_or("")
        .to_string();
    let seed = o.whole_or("seed", DEFAULT_SEED, 0, u64::MAX)?;
    let duration_ms = o.whole_or("duration_ms", DEFAULT_DURATION_MS, 1, caps::MAX_DURATION_MS)?;
    let cluster = cluster(o.get("cluster"), ctx)?;
    let topics = topics(&o, &cluster, ctx)?;
    let mut producer_explicit = Vec::new();
    let producers = producers(&o, &topics, &cluster.config, &mut producer_explicit, ctx)?;
    let consumer_groups = groups(&o, &topics, &cluster.config, ctx)?;
    let processors =
        super::processors::processors(&o, &topics, &consumer_groups, &cluster.config, ctx)?;
    let mut s = Scenario {
        name,
        description,
        seed,
        duration_ms,
        cluster,
        topics,
        producers,
        consumer_groups,
        faults: Vec::new(),
        processors,
    };
    s.faults = faults::parse(o.get("faults"), &s, &producer_explicit, ctx)?;
    super::racks::client_rack_warnings(&s, ctx);
    Ok(s)
}

/// Array field: `None` when absent, error when not an array or longer than `max`.
pub(super) fn array<'a>(o: &Obj<'a>, key: &str, max: usize) -> Result<&'a [Value], ScenarioError> {
    match o.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) if a.len() <= max => Ok(a),
        Some(Value::Array(a)) => Err(err(
            &o.at(key),
            None,
            ScenarioReason::TooManyEntries { len: a.len(), max },
        )),
        Some(v) => Err(err(&o.at(key), Some(v), wrong(ExpectedJson::Array, v))),
    }
}

/// A config error at `path` (the config object's path).
pub(super) fn config_error(path: &str, e: ConfigError) -> ScenarioError {
    let unknown = matches!(e.kind, ConfigErrorKind::UnknownKey { .. });
    ScenarioError {
        path: join(path, &e.key),
        value: if unknown { None } else { e.value.clone() },
        reason: ScenarioReason::Config(Box::new(e)),
    }
}

pub(super) fn config_warnings(path: &str, warnings: Vec<ConfigWarning>, ctx: &mut Ctx) {
    for w in warnings {
        ctx.warn(join(path, w.key), w.message());
    }
}

/// Applies a `config` object; returns the keys set explicitly.
pub(super) fn apply_config<T>(
    v: Option<&Value>,
    path: &str,
    scope: Scope,
    cfg: &mut T,
    apply: fn(&mut T, &str, &ConfigValue) -> Result<(), ConfigError>,
    ctx: &mut Ctx,
) -> Result<BTreeSet<String>, ScenarioError> {
    let mut explicit = BTreeSet::new();
    let Some(v) = v else { return Ok(explicit) };
    let Value::Object(map) = v else {
        return Err(err(
            path,
            Some(v),
            Detail::ConfigObjectExpected {
                scope,
                example: registry::keys(scope)[0].name.to_string(),
                got: JsonType::of(v),
            },
        ));
    };
    for (key, val) in map {
        apply(cfg, key, &ConfigValue::from_json(val)).map_err(|e| config_error(path, e))?;
        if !registry::is_modelled(scope, key) {
            let hint = match (scope, key.as_str()) {
                (Scope::Consumer, "group.id") => {
                    return Err(err(&join(path, key), Some(val), FixedReason::GroupIdField));
                }
                (Scope::Producer, "client.id") => " (KafkaSim names the producer by its `id`)",
                _ => "",
            };
            ctx.warn(join(path, key), format!(
                "`{key}` is a valid Kafka {scope} config but KafkaSim does not model it: it has no effect{hint}"));
        }
        explicit.insert(key.clone());
    }
    Ok(explicit)
}

fn cluster(v: Option<&Value>, ctx: &mut Ctx) -> Result<ClusterSpec, ScenarioError> {
    let empty = Value::Object(Default::default());
    let o = Obj::new(v.unwrap_or(&empty), "cluster", "the cluster", CLUSTER)?;
    let brokers = o.whole_or("brokers", 3, 1, caps::MAX_BROKERS)? as u32;
    let hardware = hardware::parse(o.get("hardware"), &o.at("hardware"))?;
    let mut config = BrokerConfig::default();
    let path = o.at("config");
    let explicit = apply_config(
        o.get("config"),
        &path,
        Scope::Broker,
        &mut config,
        registry::apply_broker,
        ctx,
    )?;
    let w = registry::finish_broker(&config).map_err(|e| config_error(&path, e))?;
    config_warnings(&path, w, ctx);
    if explicit.contains("offsets.topic.replication.factor")
        && config.offsets_topic_replication_factor > brokers
    {
        ctx.warn(join(&path, "offsets.topic.replication.factor"), format!(
            "{} > {brokers} brokers: Kafka could not create __consumer_offsets and groups would never \
             find a coordinator; KafkaSim uses {brokers}", config.offsets_topic_replication_factor));
    }
    let racks = super::racks::parse(&o)?;
    let cross_zone_usd_per_gb = super::racks::price(&o)?;
    let (racks, broker_racks) = super::racks::broker_racks(&o, brokers, racks)?;
    Ok(ClusterSpec {
        brokers,
        hardware,
        config,
        racks,
        broker_racks,
        cross_zone_usd_per_gb,
    })
}

/// Kafka's topic name rule: 1..=249 of `[a-zA-Z0-9._-]`, not `.` or `..`.
fn check_topic_name(name: &str, path: &str, v: &Value) -> Result<(), ScenarioError> {
    let legal = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !legal || name == "." || name == ".." {
        return Err(err(path, Some(v), FixedReason::IllegalTopicName));
    }
    if name.starts_with("__") {
        return Err(err(path, Some(v), FixedReason::ReservedTopicName));
    }
    Ok(())
}

fn topics(o: &Obj, cluster: &ClusterSpec, ctx: &mut Ctx) -> Result<Vec<TopicSpec>, ScenarioError> {
    let mut out: Vec<TopicSpec> = Vec::new();
    let (mut total, mut replicas) = (0u64, 0u64);
    for (i, v) in array(o, "topics", caps::MAX_TOPICS)?.iter().enumerate() {
        let t = Obj::new(v, &index(&o.at("topics"), i), "a topic", TOPIC)?;
        let name = t
            .ident("name", caps::MAX_TOPIC_NAME)?
            .ok_or_else(|| err(&t.at("name"), None, ScenarioReason::Required))?;
        let name_v = t.get("name").unwrap_or(&Value::Null);
        check_topic_name(name, &t.at("name"), name_v)?;
        if let Some(j) = out.iter().position(|x| x.name == name) {
            return Err(err(
                &t.at("name"),
                Some(name_v),
                ScenarioReason::Duplicate {
                    what: Duplicated::TopicName,
                    also: format!("topics[{j}]"),
                },
            ));
        }
        let partitions = t.whole_or(
            "partitions",
            cluster.config.num_partitions.into(),
            1,
            caps::MAX_PARTITIONS_PER_TOPIC,
        )?;
        let rf_path = t.at("replication_factor");
        let max_rf = u64::from(cluster.brokers);
        let rf = match t.get("replication_factor") {
            Some(rv) => whole(rv, &rf_path, 1, u64::MAX).and_then(|rf| {
                if rf > max_rf {
                    Err(err(
                        &rf_path,
                        Some(rv),
                        Detail::RfAboveBrokers { brokers: max_rf },
                    ))
                } else {
                    Ok(rf)
                }
            })?,
            None => {
                let rf = u64::from(cluster.config.default_replication_factor);
                if rf > max_rf {
                    return Err(err(
                        &rf_path,
                        None,
                        Detail::DefaultRfAboveBrokers {
                            rf,
                            brokers: max_rf,
                        },
                    ));
                }
                rf
            }
        };
        total += partitions;
        replicas += partitions * rf;
        if total > caps::MAX_TOTAL_PARTITIONS {
            return Err(err(
                &t.at("partitions"),
                None,
                Detail::TotalPartitions {
                    total,
                    max: caps::MAX_TOTAL_PARTITIONS,
                },
            ));
        }
        let brokers = u64::from(cluster.brokers);
        if total.saturating_mul(brokers) > caps::MAX_BROKER_PARTITIONS {
            return Err(err(
                &t.at("partitions"),
                None,
                Detail::BrokerPartitions {
                    brokers,
                    partitions: total,
                    max: caps::MAX_BROKER_PARTITIONS,
                },
            ));
        }
        if replicas > caps::MAX_TOTAL_REPLICAS {
            return Err(err(
                &rf_path,
                None,
                Detail::TotalReplicas {
                    total: replicas,
                    max: caps::MAX_TOTAL_REPLICAS,
                },
            ));
        }
        let mut config = TopicConfig::default();
        let path = t.at("config");
        apply_config(
            t.get("config"),
            &path,
            Scope::Topic,
            &mut config,
            registry::apply_topic,
            ctx,
        )?;
        let w = registry::check_topic(&config, &cluster.config, rf as u32);
        config_warnings(&path, w, ctx);
        out.push(TopicSpec {
            name: name.to_string(),
            partitions: partitions as u32,
            replication_factor: rf as u32,
            config,
        });
    }
    Ok(out)
}

/// Resolves a topic reference (or the only topic when absent).
pub(super) fn topic_ref(o: &Obj, key: &str, topics: &[TopicSpec]) -> Result<String, ScenarioError> {
    match o.get(key) {
        None if topics.len() == 1 => Ok(topics[0].name.clone()),
        None => Err(err(&o.at(key), None, FixedReason::TopicRequiredSeveral)),
        Some(v) => known_topic(v, &o.at(key), topics),
    }
}

pub(super) fn known_topic(
    v: &Value,
    path: &str,
    topics: &[TopicSpec],
) -> Result<String, ScenarioError> {
    let Value::String(s) = v else {
        return Err(err(path, Some(v), wrong(ExpectedJson::TopicName, v)));
    };
    if topics.iter().any(|t| t.name == *s) {
        return Ok(s.clone());
    }
    let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    let reason = NotFound {
        what: Lookup::Topic,
        suggestion: registry::nearest(s, names.iter().copied()).map(str::to_string),
        known: names.iter().map(|s| s.to_string()).collect(),
    };
    Err(err(path, Some(v), reason))
}
