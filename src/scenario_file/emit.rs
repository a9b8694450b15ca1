//! [`Scenario`] → JSON in the scenario file format. Every field is written out (no reliance on
//! defaults) except configs, which list only the keys that differ from Kafka's defaults, in
//! registry order. `parse_scenario(&to_json(&s)) == s` for every scenario the parser produced.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use super::hardware;
use crate::engine::config::registry::{self, ConfigKey, Scope, ValueType};
use crate::engine::config::{BrokerConfig, ConsumerConfig, ProducerConfig, TopicConfig};
use crate::engine::scenario::{Arrivals, KeyDistribution, Scenario, ScheduledFault, Workload};

/// Key-value pairs serialized as a JSON object in their given order.
struct Ordered(Vec<(&'static str, Value)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Ordered {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Serialize)]
struct File<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    seed: u64,
    duration_ms: u64,
    cluster: Cluster,
    topics: Vec<Topic<'a>>,
    producers: Vec<Producer<'a>>,
    consumer_groups: Vec<Group<'a>>,
    faults: &'a [ScheduledFault],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    processors: Vec<Value>,
}

#[derive(Serialize)]
struct Cluster {
    brokers: u32,
    hardware: Value,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    config: Ordered,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    racks: Vec<String>,
    #[serde(skip_serializing_if = "is_default_price")]
    cross_zone_usd_per_gb: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    broker_racks: Vec<String>,
}

fn is_default_price(p: &f64) -> bool {
    *p == crate::engine::scenario::default_cross_zone_usd_per_gb()
}

#[derive(Serialize)]
struct Topic<'a> {
    name: &'a str,
    partitions: u32,
    replication_factor: u32,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    config: Ordered,
}

#[derive(Serialize)]
struct Producer<'a> {
    id: &'a str,
    topic: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arrivals: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bursts: Option<Value>,
    record_size: u32,
    keys: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    num_records: Option<u64>,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    config: Ordered,
    #[serde(skip_serializing_if = "Option::is_none")]
    transactions: Option<Value>,
}

#[derive(Serialize)]
struct Group<'a> {
    group_id: &'a str,
    topics: &'a [String],
    members: u32,
    processing_us_per_record: u64,
    static_membership: bool,
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    config: Ordered,
}

/// A registry value string as typed JSON (numbers for integers, booleans for booleans).
fn typed(k: &ConfigKey, text: String) -> Value {
    match k.ty {
        ValueType::Int { .. } => text
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(text)),
        ValueType::Bool => Value::Bool(text == "true"),
        _ => Value::String(text),
    }
}

/// The modelled keys whose value differs from the default.
fn diff<T>(scope: Scope, cfg: &T, default: &T, get: fn(&T, &str) -> Option<String>) -> Ordered {
    let mut out = Vec::new();
    for k in registry::keys(scope).iter().filter(|k| k.modelled) {
        let mine = get(cfg, k.name);
        if mine != get(default, k.name) {
            if let Some(text) = mine {
                out.push((k.name, typed(k, text)));
            }
        }
    }
    Ordered(out)
}

fn file(s: &Scenario) -> File<'_> {
    let cluster = Cluster {
        brokers: s.cluster.brokers,
        hardware: hardware::emit(&s.cluster.hardware),
        config: diff(
            Scope::Broker,
            &s.cluster.config,
            &BrokerConfig::default(),
            registry::get_broker,
        ),
        racks: s.cluster.racks.clone(),
        cross_zone_usd_per_gb: s.cluster.cross_zone_usd_per_gb,
        broker_racks: s.cluster.broker_racks.clone(),
    };
    let topics = s
        .topics
        .iter()
        .map(|t| Topic {
            name: &t.name,
            partitions: t.partitions,
            replication_factor: t.replication_factor,
            config: diff(
                Scope::Topic,
                &t.config,
                &TopicConfig::default(),
                registry::get_topic,
            ),
        })
        .collect();
    let producers = s
        .producers
        .iter()
        .map(|p| {
            let (rate, bursts) = match &p.workload {
                Workload::Rate { records_per_s: r } if r.fract() == 0.0 && *r <= 9.0e15 => {
                    (Some(Value::from(*r as u64)), None)
                }
                Workload::Rate { records_per_s } => (Some(Value::from(*records_per_s)), None),
                Workload::MaxRate => (Some(Value::from("max")), None),
                Workload::Bursts {
                    burst_records,
                    every_ms,
                } => (
                    None,
                    Some(serde_json::json!({ "records": burst_records, "every_ms": every_ms })),
                ),
            };
            let keys = match &p.keys {
                KeyDistribution::None => Value::from("none"),
                KeyDistribution::Uniform { keys } => serde_json::json!({ "uniform": keys }),
                KeyDistribution::Zipf { keys, exponent } => {
                    serde_json::json!({ "zipf": keys, "exponent": exponent })
                }
            };
            let arrivals =
                matches!(p.workload, Workload::Rate { .. }).then_some(match p.arrivals {
                    Arrivals::Poisson => "poisson",
                    Arrivals::Fixed => "fixed",
                });
            Producer {
                id: &p.id,
                topic: &p.topic,
                rate,
                arrivals,
                bursts,
                record_size: p.record_size,
                keys,
                num_records: p.max_records,
                config: diff(
                    Scope::Producer,
                    &p.config,
                    &ProducerConfig::default(),
                    registry::get_producer,
                ),
                transactions: p.transactions.map(
                    |t| serde_json::json!({ "records": t.records, "abort_ratio": t.abort_ratio }),
                ),
            }
        })
        .collect();
    let consumer_groups = s
        .consumer_groups
        .iter()
        .map(|g| Group {
            group_id: &g.group_id,
            topics: &g.topics,
            members: g.members,
            processing_us_per_record: g.processing_us_per_record,
            static_membership: g.static_membership,
            config: diff(
                Scope::Consumer,
                &g.config,
                &ConsumerConfig::default(),
                registry::get_consumer,
            ),
        })
        .collect();
    File {
        name: &s.name,
        description: &s.description,
        seed: s.seed,
        duration_ms: s.duration_ms,
        cluster,
        topics,
        producers,
        consumer_groups,
        faults: &s.faults,
        processors: s.processors.iter().map(processor).collect(),
    }
}

/// A processor in the file format: its clients' configs that differ from the defaults, with
/// `producer.` / `consumer.` prefixes.
fn processor(p: &crate::engine::scenario::ProcessorSpec) -> Value {
    let mut config = serde_json::Map::new();
    let producer = diff(
        Scope::Producer,
        &p.producer,
        &ProducerConfig::default(),
        registry::get_producer,
    );
    let consumer_default = ConsumerConfig {
        auto_offset_reset: crate::engine::config::OffsetReset::Earliest,
        ..ConsumerConfig::default()
    };
    let consumer = diff(
        Scope::Consumer,
        &p.consumer,
        &consumer_default,
        registry::get_consumer,
    );
    for (prefix, entries) in [("producer.", producer), ("consumer.", consumer)] {
        if let Value::Object(m) = serde_json::to_value(&entries).unwrap_or(Value::Null) {
            for (k, v) in m {
                config.insert(format!("{prefix}{k}"), v);
            }
        }
    }
    serde_json::json!({
        "id": p.id,
        "group_id": p.group_id,
        "input": p.input,
        "output": p.output,
        "records_per_transaction": p.records_per_transaction,
        "members": p.members,
        "record_size": p.record_size,
        "config": config,
    })
}

/// Writes a scenario as pretty-printed JSON in the scenario file format.
pub fn to_json(s: &Scenario) -> String {
    serde_json::to_string_pretty(&file(s)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Writes a scenario as a JSON value (for editing with [`super::set_field`]).
pub fn to_json_value(s: &Scenario) -> Value {
    serde_json::to_value(file(s)).unwrap_or(Value::Null)
}
