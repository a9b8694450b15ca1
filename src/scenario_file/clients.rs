//! Producers and consumer groups.

use std::collections::BTreeSet;

use serde_json::Value;

use super::json::{err, index, join, whole, Ctx, Obj};
use super::parse::{apply_config, array, config_error, config_warnings, known_topic, topic_ref};
use super::{caps, Detail, Duplicated, FixedReason, ScenarioError, ScenarioReason};
use crate::engine::config::registry::{self, Scope};
use crate::engine::config::{BrokerConfig, ConsumerConfig, ProducerConfig};
use crate::engine::scenario::{
    Arrivals, GroupSpec, KeyDistribution, ProducerSpec, TopicSpec, Workload,
};

/// Default producer `rate` (records per second).
pub const DEFAULT_RATE: f64 = 1_000.0;
/// Default producer `record_size` (bytes).
pub const DEFAULT_RECORD_SIZE: u64 = 100;

const PRODUCER: &[&str] = &[
    "id",
    "topic",
    "rate",
    "arrivals",
    "bursts",
    "record_size",
    "keys",
    "num_records",
    "config",
    "transactions",
];
const BURSTS: &[&str] = &["records", "every_ms"];
const TRANSACTIONS: &[&str] = &["records", "abort_ratio"];
/// Most records in one transaction.
const MAX_TXN_RECORDS: u64 = 1_000_000;
const GROUP: &[&str] = &[
    "group_id",
    "topics",
    "members",
    "processing_us_per_record",
    "static_membership",
    "config",
];

pub(super) fn producers(
    o: &Obj,
    topics: &[TopicSpec],
    broker: &BrokerConfig,
    explicit_out: &mut Vec<BTreeSet<String>>,
    ctx: &mut Ctx,
) -> Result<Vec<ProducerSpec>, ScenarioError> {
    let mut out: Vec<ProducerSpec> = Vec::new();
    for (i, v) in array(o, "producers", caps::MAX_PRODUCERS)?
        .iter()
        .enumerate()
    {
        let p = Obj::new(v, &index(&o.at("producers"), i), "a producer", PRODUCER)?;
        let id = p
            .ident("id", caps::MAX_ID)?
            .map(str::to_string)
            .unwrap_or_else(|| format!("producer-{}", i + 1));
        if let Some(j) = out.iter().position(|x| x.id == id) {
            return Err(err(
                &p.at("id"),
                Some(&Value::String(id)),
                ScenarioReason::Duplicate {
                    what: Duplicated::ProducerId,
                    also: format!("producers[{j}]"),
                },
            ));
        }
        let topic = topic_ref(&p, "topic", topics)?;
        let workload = workload(&p)?;
        let arrivals = arrivals(&p, &workload)?;
        let record_size =
            p.whole_or("record_size", DEFAULT_RECORD_SIZE, 1, caps::MAX_RECORD_SIZE)?;
        let keys = keys(&p)?;
        let max_records = match p.get("num_records") {
            Some(v) => Some(whole(v, &p.at("num_records"), 1, caps::MAX_NUM_RECORDS)?),
            None => None,
        };
        let mut config = ProducerConfig::default();
        let path = p.at("config");
        let explicit = apply_config(
            p.get("config"),
            &path,
            Scope::Producer,
            &mut config,
            registry::apply_producer,
            ctx,
        )?;
        let w = registry::finish_producer(&mut config, |k| explicit.contains(k))
            .map_err(|e| config_error(&path, e))?;
        config_warnings(&path, w, ctx);
        let transactions = match p.get("transactions") {
            Some(v) => {
                let o = Obj::new(
                    v,
                    &p.at("transactions"),
                    "transactions ({\"records\": 100, \"abort_ratio\": 0.2})",
                    TRANSACTIONS,
                )?;
                let records = o.whole_req("records", 1, MAX_TXN_RECORDS)?;
                let abort_ratio = o.real_or("abort_ratio", 0.0, 0.0, 1.0)?;
                if config.transactional_id.is_none() {
                    return Err(err(
                        &p.at("transactions"),
                        None,
                        FixedReason::TransactionsNeedTransactionalId,
                    ));
                }
                Some(crate::engine::scenario::TransactionsSpec {
                    records,
                    abort_ratio,
                })
            }
            None => None,
        };
        let t = topics.iter().find(|t| t.name == topic);
        let max_msg = t
            .and_then(|t| t.config.max_message_bytes)
            .unwrap_or(broker.message_max_bytes);
        let spec = ProducerSpec {
            id,
            topic,
            workload,
            arrivals,
            max_records,
            record_size: record_size as u32,
            keys,
            config,
            transactions,
        };
        size_warnings(&spec, &p, max_msg, ctx);
        explicit_out.push(explicit);
        out.push(spec);
    }
    Ok(out)
}

/// Records every `send()` or the broker would refuse (the engine's own size estimate:
/// `KafkaProducer.ensureValidRecordSize` in `send()`, `max.message.bytes` at the broker).
fn size_warnings(spec: &ProducerSpec, p: &Obj, max_msg: u64, ctx: &mut Ctx) {
    let size = spec.record_size;
    let upper = crate::engine::producer::serialized_upper_bound(spec);
    let config = &spec.config;
    if upper > config.max_request_size {
        ctx.warn(p.at("record_size"), format!(
            "{size} bytes make {upper} serialized (batch header and record overhead included) > \
             max.request.size = {}: every send() fails with RecordTooLargeException", config.max_request_size));
    } else if upper > config.buffer_memory {
        ctx.warn(
            p.at("record_size"),
            format!(
            "{size} bytes make {upper} serialized > buffer.memory = {}: every send() fails with \
             RecordTooLargeException", config.buffer_memory),
        );
    } else if upper > max_msg {
        ctx.warn(
            p.at("record_size"),
            format!(
            "{size} bytes make {upper} serialized > the topic's max.message.bytes = {max_msg}: the \
             broker rejects every batch with MESSAGE_TOO_LARGE"),
        );
    }
}

fn workload(p: &Obj) -> Result<Workload, ScenarioError> {
    match (p.get("rate"), p.get("bursts")) {
        (Some(_), Some(b)) => Err(err(&p.at("bursts"), Some(b), FixedReason::RateOrBursts)),
        (Some(Value::String(s)), None) if s == "max" => Ok(Workload::MaxRate),
        (Some(v @ Value::Number(_)), None) => {
            let r = v.as_f64().unwrap_or(0.0);
            if r > 0.0 && r <= caps::MAX_RATE {
                Ok(Workload::Rate { records_per_s: r })
            } else {
                Err(err(
                    &p.at("rate"),
                    Some(v),
                    Detail::RateRange {
                        max: caps::MAX_RATE.to_string(),
                    },
                ))
            }
        }
        (Some(v), None) => Err(err(&p.at("rate"), Some(v), FixedReason::RateExpected)),
        (None, Some(b)) => {
            let o = Obj::new(
                b,
                &p.at("bursts"),
                "bursts ({\"records\": 5000, \"every_ms\": 1000})",
                BURSTS,
            )?;
            let burst_records = o.whole_req("records", 1, caps::MAX_BURST_RECORDS)?;
            let every_ms = o.whole_req("every_ms", 1, caps::MAX_DURATION_MS)?;
            if burst_records as f64 * 1000.0 / every_ms as f64 > caps::MAX_RATE {
                return Err(err(
                    &o.at("records"),
                    None,
                    Detail::BurstRate {
                        records: burst_records,
                        every_ms,
                        max: caps::MAX_RATE.to_string(),
                    },
                ));
            }
            Ok(Workload::Bursts {
                burst_records,
                every_ms,
            })
        }
        (None, None) => Ok(Workload::Rate {
            records_per_s: DEFAULT_RATE,
        }),
    }
}

/// `arrivals`: `"poisson"` (the default) or `"fixed"`, for a `rate` workload only.
fn arrivals(p: &Obj, workload: &Workload) -> Result<Arrivals, ScenarioError> {
    let Some(v) = p.get("arrivals") else {
        return Ok(Arrivals::Poisson);
    };
    let a = match v {
        Value::String(s) if s == "poisson" => Arrivals::Poisson,
        Value::String(s) if s == "fixed" => Arrivals::Fixed,
        _ => return Err(err(&p.at("arrivals"), Some(v), FixedReason::ArrivalsShape)),
    };
    if !matches!(workload, Workload::Rate { .. }) {
        return Err(err(
            &p.at("arrivals"),
            Some(v),
            FixedReason::ArrivalsNeedRate,
        ));
    }
    Ok(a)
}

fn keys(p: &Obj) -> Result<KeyDistribution, ScenarioError> {
    let path = p.at("keys");
    let Some(v) = p.get("keys") else {
        return Ok(KeyDistribution::None);
    };
    let shape = FixedReason::KeysShape;
    match v {
        Value::String(s) if s == "none" => Ok(KeyDistribution::None),
        Value::Object(m) if m.contains_key("uniform") => {
            let o = Obj::new(v, &path, "a key distribution", &["uniform"])?;
            let keys = o.whole_req("uniform", 1, caps::MAX_KEYS)? as u32;
            Ok(KeyDistribution::Uniform { keys })
        }
        Value::Object(m) if m.contains_key("zipf") => {
            let o = Obj::new(v, &path, "a key distribution", &["zipf", "exponent"])?;
            let keys = o.whole_req("zipf", 1, caps::MAX_KEYS)? as u32;
            let exponent = o.real_or("exponent", 1.0, 0.0, caps::MAX_ZIPF_EXPONENT)?;
            if exponent <= 0.0 {
                return Err(err(
                    &o.at("exponent"),
                    o.get("exponent"),
                    FixedReason::ExponentPositive,
                ));
            }
            Ok(KeyDistribution::Zipf { keys, exponent })
        }
        _ => Err(err(&path, Some(v), shape)),
    }
}

pub(super) fn groups(
    o: &Obj,
    topics: &[TopicSpec],
    broker: &BrokerConfig,
    ctx: &mut Ctx,
) -> Result<Vec<GroupSpec>, ScenarioError> {
    let mut out: Vec<GroupSpec> = Vec::new();
    let mut total = 0;
    for (i, v) in array(o, "consumer_groups", caps::MAX_GROUPS)?
        .iter()
        .enumerate()
    {
        let g = Obj::new(
            v,
            &index(&o.at("consumer_groups"), i),
            "a consumer group",
            GROUP,
        )?;
        let group_id = g
            .ident("group_id", caps::MAX_ID)?
            .map(str::to_string)
            .unwrap_or_else(|| format!("group-{}", i + 1));
        if let Some(j) = out.iter().position(|x| x.group_id == group_id) {
            return Err(err(
                &g.at("group_id"),
                Some(&Value::String(group_id)),
                ScenarioReason::Duplicate {
                    what: Duplicated::GroupId,
                    also: format!("consumer_groups[{j}]"),
                },
            ));
        }
        let tpath = g.at("topics");
        let mut subscribed: Vec<String> = Vec::new();
        match g.get("topics") {
            None => subscribed.push(topic_ref(&g, "topics", topics)?),
            Some(v @ Value::String(_)) => subscribed.push(known_topic(v, &tpath, topics)?),
            Some(Value::Array(a)) if !a.is_empty() => {
                for (j, tv) in a.iter().enumerate().take(caps::MAX_TOPICS) {
                    let name = known_topic(tv, &index(&tpath, j), topics)?;
                    if subscribed.contains(&name) {
                        return Err(err(
                            &index(&tpath, j),
                            Some(tv),
                            FixedReason::TopicListedTwice,
                        ));
                    }
                    subscribed.push(name);
                }
            }
            Some(v) => return Err(err(&tpath, Some(v), FixedReason::TopicNamesExpected)),
        }
        let members = g.whole_or("members", 1, 0, caps::MAX_MEMBERS_PER_GROUP)?;
        total += members;
        if total > caps::MAX_TOTAL_MEMBERS {
            return Err(err(
                &g.at("members"),
                None,
                ScenarioReason::TooManyConsumers {
                    total,
                    max: caps::MAX_TOTAL_MEMBERS,
                },
            ));
        }
        let processing_us_per_record =
            g.whole_or("processing_us_per_record", 0, 0, caps::MAX_PROCESSING_US)?;
        let static_membership = g.bool_or("static_membership", false)?;
        let mut config = ConsumerConfig::default();
        let path = g.at("config");
        let explicit = apply_config(
            g.get("config"),
            &path,
            Scope::Consumer,
            &mut config,
            registry::apply_consumer,
            ctx,
        )?;
        if config.group_instance_id.is_some() && (members > 1 || static_membership) {
            return Err(err(
                &join(&path, "group.instance.id"),
                None,
                FixedReason::SharedInstanceId,
            ));
        }
        let w = registry::finish_consumer(&config, broker, |k| explicit.contains(k))
            .map_err(|e| config_error(&path, e))?;
        config_warnings(&path, w, ctx);
        out.push(GroupSpec {
            group_id,
            topics: subscribed,
            members: members as u32,
            processing_us_per_record,
            static_membership,
            config,
        });
    }
    Ok(out)
}
