//! `processors`: consume-transform-produce applications (exactly-once). Their `config` takes
//! Kafka client configs as Kafka Streams does: `producer.`- and `consumer.`-prefixed keys go to
//! that client; an unprefixed key goes to every client that knows it.

use serde_json::{Map, Value};

use super::json::{err, index, Ctx, Obj};
use super::parse::{apply_config, array, config_error, config_warnings, known_topic};
use super::{caps, Duplicated, FixedReason, ScenarioError, ScenarioReason};
use crate::engine::config::registry::{self, Scope};
use crate::engine::config::{BrokerConfig, ConsumerConfig, OffsetReset, ProducerConfig};
use crate::engine::scenario::{GroupSpec, ProcessorSpec, TopicSpec};

const PROCESSOR: &[&str] = &[
    "id",
    "group_id",
    "input",
    "output",
    "records_per_transaction",
    "members",
    "record_size",
    "config",
];

/// Most input records per transaction.
const MAX_RECORDS_PER_TRANSACTION: u64 = 1_000_000;
/// Most processors in a scenario.
const MAX_PROCESSORS: usize = 20;

/// Splits a processor's `config` into the producer's and the consumer's.
fn split_config(v: &Value) -> (Value, Value) {
    let (mut producer, mut consumer) = (Map::new(), Map::new());
    if let Value::Object(map) = v {
        for (k, val) in map {
            if let Some(k) = k.strip_prefix("producer.") {
                producer.insert(k.to_string(), val.clone());
            } else if let Some(k) = k.strip_prefix("consumer.") {
                consumer.insert(k.to_string(), val.clone());
            } else {
                let p = registry::lookup(Scope::Producer, k).is_some();
                let c = registry::lookup(Scope::Consumer, k).is_some();
                if p {
                    producer.insert(k.clone(), val.clone());
                }
                if c || !p {
                    // Unknown to both: the consumer's check names it.
                    consumer.insert(k.clone(), val.clone());
                }
            }
        }
    }
    (Value::Object(producer), Value::Object(consumer))
}

pub(super) fn processors(
    o: &Obj,
    topics: &[TopicSpec],
    groups: &[GroupSpec],
    broker: &BrokerConfig,
    ctx: &mut Ctx,
) -> Result<Vec<ProcessorSpec>, ScenarioError> {
    let mut out: Vec<ProcessorSpec> = Vec::new();
    for (i, v) in array(o, "processors", MAX_PROCESSORS)?.iter().enumerate() {
        let p = Obj::new(
            v,
            &index(&o.at("processors"), i),
            "a processor ({\"id\": \"enrich\", \"input\": \"orders\", \"output\": \"enriched\"})",
            PROCESSOR,
        )?;
        let id = p
            .ident("id", caps::MAX_ID)?
            .map(str::to_string)
            .unwrap_or_else(|| format!("processor-{}", i + 1));
        if let Some(j) = out.iter().position(|x| x.id == id) {
            return Err(err(
                &p.at("id"),
                Some(&Value::String(id)),
                ScenarioReason::Duplicate {
                    what: Duplicated::ProducerId,
                    also: format!("processors[{j}]"),
                },
            ));
        }
        let group_id = p
            .ident("group_id", caps::MAX_ID)?
            .map(str::to_string)
            .unwrap_or_else(|| id.clone());
        let taken = groups
            .iter()
            .position(|g| g.group_id == group_id)
            .map(|j| format!("consumer_groups[{j}]"))
            .or_else(|| {
                out.iter()
                    .position(|x| x.group_id == group_id)
                    .map(|j| format!("processors[{j}]"))
            });
        if let Some(also) = taken {
            return Err(err(
                &p.at("group_id"),
                Some(&Value::String(group_id)),
                ScenarioReason::Duplicate {
                    what: Duplicated::GroupId,
                    also,
                },
            ));
        }
        let required = |key: &str| {
            p.get(key)
                .ok_or_else(|| err(&p.at(key), None, ScenarioReason::Required))
        };
        let input = known_topic(required("input")?, &p.at("input"), topics)?;
        let output = known_topic(required("output")?, &p.at("output"), topics)?;
        if input == output {
            return Err(err(
                &p.at("output"),
                p.get("output"),
                FixedReason::ProcessorOutputIsInput,
            ));
        }
        let records_per_transaction =
            p.whole_req("records_per_transaction", 1, MAX_RECORDS_PER_TRANSACTION)?;
        let members = p.whole_or("members", 1, 1, caps::MAX_MEMBERS_PER_GROUP)? as u32;
        let record_size = p.whole_or(
            "record_size",
            super::clients::DEFAULT_RECORD_SIZE,
            1,
            caps::MAX_RECORD_SIZE,
        )? as u32;
        let path = p.at("config");
        let (pv, cv) = match p.get("config") {
            Some(v @ Value::Object(_)) => split_config(v),
            Some(v) => {
                // Not an object: the same error as any client's config.
                let mut c = ProducerConfig::default();
                apply_config(
                    Some(v),
                    &path,
                    Scope::Producer,
                    &mut c,
                    registry::apply_producer,
                    ctx,
                )?;
                (Value::Object(Map::new()), Value::Object(Map::new()))
            }
            None => (Value::Object(Map::new()), Value::Object(Map::new())),
        };
        let mut producer = ProducerConfig::default();
        let explicit = apply_config(
            Some(&pv),
            &path,
            Scope::Producer,
            &mut producer,
            registry::apply_producer,
            ctx,
        )?;
        // Each member's transactional.id is `{id}-{member}`; Kafka's rules for transactional
        // producers (acks=all, idempotence) are checked with it set.
        producer.transactional_id = Some(format!("{id}-0"));
        let w = registry::finish_producer(&mut producer, |k| {
            k == "transactional.id" || explicit.contains(k)
        })
        .map_err(|e| config_error(&path, e))?;
        config_warnings(&path, w, ctx);
        producer.transactional_id = None;
        // Kafka Streams' default: a pipeline reads its input from the start.
        let mut consumer = ConsumerConfig {
            auto_offset_reset: OffsetReset::Earliest,
            ..ConsumerConfig::default()
        };
        let explicit = apply_config(
            Some(&cv),
            &path,
            Scope::Consumer,
            &mut consumer,
            registry::apply_consumer,
            ctx,
        )?;
        let w = registry::finish_consumer(&consumer, broker, |k| explicit.contains(k))
            .map_err(|e| config_error(&path, e))?;
        config_warnings(&path, w, ctx);
        out.push(ProcessorSpec {
            id,
            group_id,
            input,
            output,
            records_per_transaction,
            members,
            record_size,
            producer,
            consumer,
        });
    }
    Ok(out)
}
