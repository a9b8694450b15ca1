//! "Show the code": a simulated producer or consumer group written as the client program it
//! stands for, in kafka-python (the client of the article the project grew from) and in Java,
//! with the configs in effect, so a learner can carry a setting from the simulator to a real
//! client.
//!
//! What is written out:
//! - Java: every modelled key whose value differs from the Java client's 4.x default, and `acks`
//!   always (the one setting every lesson talks about).
//! - kafka-python: the producer's `acks`, `linger_ms`, `batch_size` and `enable_idempotence`
//!   always (kafka-python's defaults are not the Java client's: `linger_ms` is 0 there, 5 ms in
//!   Java 4.x, and older kafka-python versions defaulted to `acks=1` without idempotence), the
//!   group's `partition_assignment_strategy` always (kafka-python defaults to range +
//!   roundrobin, Java 4.x to range + cooperative-sticky), and every other key that differs from
//!   the Java default. A key kafka-python does not have is written as a comment saying so.
//!
//! Facts about kafka-python are from its 3.0 release (`KafkaProducer.DEFAULT_CONFIG`,
//! `KafkaConsumer.DEFAULT_CONFIG`, `DefaultPartitioner`).

use crate::engine::config::registry::{self, Scope};
use crate::engine::config::{AssignmentStrategy, ConsumerConfig, ProducerConfig};
use crate::engine::scenario::{GroupSpec, KeyDistribution, ProducerSpec, Workload};

/// Which client library to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientLang {
    /// kafka-python 3.x.
    Python,
    /// The Java client (`org.apache.kafka:kafka-clients` 4.x).
    Java,
}

/// The bootstrap address the programs use.
const BOOTSTRAP: &str = "localhost:9092";

/// Producer keys kafka-python 3.0 accepts (as `key_with_underscores`).
const PY_PRODUCER: &[&str] = &[
    "acks",
    "linger.ms",
    "batch.size",
    "max.in.flight.requests.per.connection",
    "retries",
    "retry.backoff.ms",
    "request.timeout.ms",
    "delivery.timeout.ms",
    "enable.idempotence",
    "max.block.ms",
    "max.request.size",
    "metadata.max.age.ms",
    "transactional.id",
    "transaction.timeout.ms",
];

/// Producer keys always written for kafka-python, whatever their value.
const PY_PRODUCER_ALWAYS: &[&str] = &["acks", "linger.ms", "batch.size", "enable.idempotence"];

/// Consumer keys kafka-python 3.0 accepts.
const PY_CONSUMER: &[&str] = &[
    "fetch.min.bytes",
    "fetch.max.wait.ms",
    "fetch.max.bytes",
    "max.partition.fetch.bytes",
    "max.poll.records",
    "max.poll.interval.ms",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "request.timeout.ms",
    "retry.backoff.ms",
    "isolation.level",
    "client.rack",
];

/// One setting: Kafka's key and its value as Kafka prints it.
type Setting = (&'static str, String);

/// The modelled keys of `scope` whose value in `cfg` differs from the default, plus `always`.
fn settings<T>(
    scope: Scope,
    cfg: &T,
    default: &T,
    get: fn(&T, &str) -> Option<String>,
    always: &[&str],
) -> Vec<Setting> {
    registry::keys(scope)
        .iter()
        .filter(|k| k.modelled)
        .filter_map(|k| {
            let mine = get(cfg, k.name)?;
            let differs = Some(&mine) != get(default, k.name).as_ref();
            (differs || always.contains(&k.name)).then_some((k.name, mine))
        })
        .collect()
}

/// A Kafka value as a Python literal for kafka-python.
fn py_value(key: &str, v: &str) -> String {
    match (key, v) {
        ("acks", "all") => "'all'".into(),
        (_, "true") => "True".into(),
        (_, "false") => "False".into(),
        _ if v.parse::<i64>().is_ok() => v.to_string(),
        _ => format!("'{v}'"),
    }
}

/// How the program picks each record's key, as a comment and an expression.
fn key_expr(keys: &KeyDistribution, lang: ClientLang) -> (String, &'static str) {
    match (keys, lang) {
        (KeyDistribution::None, ClientLang::Python) => (
            "no key: kafka-python puts each keyless record on a random partition; the Java \
             client (and the simulator) uses the sticky partitioner (KIP-480)"
                .into(),
            "None",
        ),
        (KeyDistribution::None, ClientLang::Java) => (
            "no key: the sticky partitioner (KIP-480) fills one partition's batch at a time".into(),
            "null",
        ),
        (KeyDistribution::Uniform { keys }, ClientLang::Python) => (
            format!("{keys} keys, equally likely; murmur2(key) picks the partition"),
            "f'key-{random.randrange(KEYS)}'.encode()",
        ),
        (KeyDistribution::Uniform { keys }, ClientLang::Java) => (
            format!("{keys} keys, equally likely; murmur2(key) picks the partition"),
            "\"key-\" + random.nextInt(KEYS)",
        ),
        (KeyDistribution::Zipf { keys, exponent }, ClientLang::Python) => (
            format!("{keys} keys, a few hot ones (Zipf, exponent {exponent}); murmur2(key) picks the partition"),
            "f'key-{random.choices(range(KEYS), weights=WEIGHTS)[0]}'.encode()",
        ),
        (KeyDistribution::Zipf { keys, exponent }, ClientLang::Java) => (
            format!("{keys} keys, a few hot ones (Zipf, exponent {exponent}); murmur2(key) picks the partition"),
            "\"key-\" + (zipf.sample() - 1)",
        ),
    }
}

fn key_count(keys: &KeyDistribution) -> Option<u32> {
    match keys {
        KeyDistribution::None => None,
        KeyDistribution::Uniform { keys } | KeyDistribution::Zipf { keys, .. } => Some(*keys),
    }
}

/// The producer's send rate in words.
fn rate_words(w: &Workload) -> String {
    match w {
        Workload::Rate { records_per_s } => format!("{records_per_s} records/s"),
        Workload::MaxRate => "as fast as it can (buffer.memory back-pressure)".into(),
        Workload::Bursts {
            burst_records,
            every_ms,
        } => format!("{burst_records} records every {every_ms} ms"),
    }
}

/// Records per transaction for a transactional producer (`transactional.id` set), else `None`.
fn transaction_size(p: &ProducerSpec, cfg: &ProducerConfig) -> Option<u64> {
    cfg.transactional_id.as_ref()?;
    Some(p.transactions.as_ref().map_or(100, |t| t.records))
}

/// The program of producer `p` with the config in effect `cfg`.
pub fn producer_code(p: &ProducerSpec, cfg: &ProducerConfig, lang: ClientLang) -> String {
    let always: &[&str] = match lang {
        ClientLang::Python => PY_PRODUCER_ALWAYS,
        ClientLang::Java => &["acks"],
    };
    // What the client actually runs with: Java turns idempotence off when it was left at its
    // default and acks is not `all`; kafka-python must be told.
    let mut cfg = cfg.clone();
    cfg.enable_idempotence = cfg.idempotence_effective();
    let set = settings(
        Scope::Producer,
        &cfg,
        &ProducerConfig::default(),
        registry::get_producer,
        always,
    );
    let (key_note, key) = key_expr(&p.keys, lang);
    let rate = rate_words(&p.workload);
    let size = p.record_size;
    let mut out = String::new();
    match lang {
        ClientLang::Python => {
            out.push_str(&format!(
                "# kafka-python 3.x: producer \"{}\" of this scenario\n",
                p.id
            ));
            if key_count(&p.keys).is_some() {
                out.push_str("import random\n");
            }
            out.push_str("from kafka import KafkaProducer\n\n");
            if let Some(n) = key_count(&p.keys) {
                out.push_str(&format!("KEYS = {n}\n"));
            }
            if let KeyDistribution::Zipf { exponent, .. } = p.keys {
                out.push_str(&format!(
                    "WEIGHTS = [1 / (k + 1) ** {exponent} for k in range(KEYS)]\n"
                ));
            }
            out.push_str("producer = KafkaProducer(\n");
            out.push_str(&format!("    bootstrap_servers='{BOOTSTRAP}',\n"));
            out.push_str(&format!("    client_id='{}',\n", p.id));
            let mut java_only = Vec::new();
            for (k, v) in &set {
                if PY_PRODUCER.contains(k) {
                    out.push_str(&format!(
                        "    {}={},\n",
                        k.replace('.', "_"),
                        py_value(k, v)
                    ));
                } else {
                    java_only.push(format!("{k}={v}"));
                }
            }
            out.push_str(")\n");
            for j in java_only {
                out.push_str(&format!(
                    "# Java client only (kafka-python has no such option): {j}\n"
                ));
            }
            out.push_str(&format!(
                "\n# {key_note}\n# sends {rate}, {size} bytes each\n"
            ));
            match transaction_size(p, &cfg) {
                Some(n) => {
                    out.push_str(
                        "producer.init_transactions()  # fences older instances of this id\n",
                    );
                    out.push_str("while True:\n    producer.begin_transaction()\n");
                    out.push_str(&format!("    for _ in range({n}):\n"));
                    out.push_str(&format!(
                        "        producer.send('{}', key={key}, value=b'x' * {size})\n",
                        p.topic
                    ));
                    out.push_str("    producer.commit_transaction()  # or abort_transaction()\n");
                }
                None => {
                    out.push_str("while True:\n");
                    out.push_str(&format!(
                        "    producer.send('{}', key={key}, value=b'x' * {size})\n",
                        p.topic
                    ));
                }
            }
        }
        ClientLang::Java => {
            out.push_str(&format!(
                "// kafka-clients 4.x: producer \"{}\" of this scenario\n",
                p.id
            ));
            out.push_str("Properties props = new Properties();\n");
            out.push_str(&format!(
                "props.put(\"bootstrap.servers\", \"{BOOTSTRAP}\");\n"
            ));
            out.push_str(&format!("props.put(\"client.id\", \"{}\");\n", p.id));
            out.push_str("props.put(\"key.serializer\", \"org.apache.kafka.common.serialization.StringSerializer\");\n");
            out.push_str("props.put(\"value.serializer\", \"org.apache.kafka.common.serialization.ByteArraySerializer\");\n");
            for (k, v) in &set {
                out.push_str(&format!("props.put(\"{k}\", \"{v}\");\n"));
            }
            out.push_str(&format!(
                "\n// {key_note}\n// sends {rate}, {size} bytes each\n"
            ));
            if let Some(n) = key_count(&p.keys) {
                out.push_str(&format!(
                    "final int KEYS = {n};\nRandom random = new Random();\n"
                ));
            }
            if let KeyDistribution::Zipf { exponent, .. } = p.keys {
                out.push_str(&format!(
                    "// org.apache.commons.math3.distribution.ZipfDistribution\nZipfDistribution zipf = new ZipfDistribution(KEYS, {exponent});\n"
                ));
            }
            out.push_str(
                "try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {\n",
            );
            let send = format!(
                "producer.send(new ProducerRecord<>(\"{}\", {key}, new byte[{size}]));",
                p.topic
            );
            match transaction_size(p, &cfg) {
                Some(n) => {
                    out.push_str(
                        "    producer.initTransactions(); // fences older instances of this id\n",
                    );
                    out.push_str("    while (true) {\n        producer.beginTransaction();\n");
                    out.push_str(&format!("        for (int i = 0; i < {n}; i++) {{\n            {send}\n        }}\n"));
                    out.push_str("        producer.commitTransaction(); // or abortTransaction()\n    }\n}\n");
                }
                None => {
                    out.push_str(&format!(
                        "    while (true) {{\n        {send}\n    }}\n}}\n"
                    ));
                }
            }
        }
    }
    out
}

/// Kafka's Java class of an assignor.
fn java_assignor(a: AssignmentStrategy) -> &'static str {
    match a {
        AssignmentStrategy::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
        AssignmentStrategy::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        AssignmentStrategy::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
        AssignmentStrategy::CooperativeSticky => {
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
        }
    }
}

/// kafka-python's assignor class and the module it is imported from.
fn py_assignor(a: AssignmentStrategy) -> (&'static str, &'static str) {
    match a {
        AssignmentStrategy::Range => (
            "RangePartitionAssignor",
            "kafka.coordinator.assignors.range",
        ),
        AssignmentStrategy::RoundRobin => (
            "RoundRobinPartitionAssignor",
            "kafka.coordinator.assignors.roundrobin",
        ),
        AssignmentStrategy::Sticky => (
            "StickyPartitionAssignor",
            "kafka.coordinator.assignors.sticky.sticky_assignor",
        ),
        AssignmentStrategy::CooperativeSticky => (
            "CooperativeStickyAssignor",
            "kafka.coordinator.assignors.cooperative_sticky",
        ),
    }
}

/// The program each member of group `g` runs, with the config in effect `cfg`.
pub fn group_code(g: &GroupSpec, cfg: &ConsumerConfig, lang: ClientLang) -> String {
    let set: Vec<Setting> = settings(
        Scope::Consumer,
        cfg,
        &ConsumerConfig::default(),
        registry::get_consumer,
        &[],
    )
    .into_iter()
    .filter(|(k, _)| *k != "partition.assignment.strategy" && *k != "group.instance.id")
    .collect();
    let strategies = &cfg.partition_assignment_strategy;
    let strategy_changed = *strategies != ConsumerConfig::default().partition_assignment_strategy;
    let topics = g.topics.clone();
    let members = g.members;
    let work = g.processing_us_per_record;
    let mut out = String::new();
    match lang {
        ClientLang::Python => {
            out.push_str(&format!(
                "# kafka-python 3.x: a member of group \"{}\" — run {members} copies of this program\n",
                g.group_id
            ));
            if g.static_membership {
                out.push_str("import sys\n");
            }
            out.push_str("from kafka import KafkaConsumer\n");
            for a in strategies {
                let (class, module) = py_assignor(*a);
                out.push_str(&format!("from {module} import {class}\n"));
            }
            let names: Vec<String> = topics.iter().map(|t| format!("'{t}'")).collect();
            out.push_str(&format!(
                "\nconsumer = KafkaConsumer(\n    {},\n",
                names.join(", ")
            ));
            out.push_str(&format!("    bootstrap_servers='{BOOTSTRAP}',\n"));
            out.push_str(&format!("    group_id='{}',\n", g.group_id));
            if g.static_membership {
                out.push_str(&format!(
                    "    group_instance_id='{}-' + sys.argv[1],  # static membership (KIP-345)\n",
                    g.group_id
                ));
            }
            let classes: Vec<&str> = strategies.iter().map(|a| py_assignor(*a).0).collect();
            out.push_str(&format!(
                "    partition_assignment_strategy=[{}],\n",
                classes.join(", ")
            ));
            for (k, v) in &set {
                if PY_CONSUMER.contains(k) {
                    out.push_str(&format!(
                        "    {}={},\n",
                        k.replace('.', "_"),
                        py_value(k, v)
                    ));
                } else {
                    out.push_str(&format!("    # Java client only: {k}={v}\n"));
                }
            }
            out.push_str(")\n\n");
            out.push_str("for record in consumer:\n");
            out.push_str(&if work > 0 {
                format!("    process(record)  # {work} µs of work per record in this scenario\n")
            } else {
                "    process(record)\n".to_string()
            });
        }
        ClientLang::Java => {
            out.push_str(&format!(
                "// kafka-clients 4.x: a member of group \"{}\" — run {members} copies of this program\n",
                g.group_id
            ));
            out.push_str("Properties props = new Properties();\n");
            out.push_str(&format!(
                "props.put(\"bootstrap.servers\", \"{BOOTSTRAP}\");\n"
            ));
            out.push_str(&format!("props.put(\"group.id\", \"{}\");\n", g.group_id));
            out.push_str("props.put(\"key.deserializer\", \"org.apache.kafka.common.serialization.StringDeserializer\");\n");
            out.push_str("props.put(\"value.deserializer\", \"org.apache.kafka.common.serialization.ByteArrayDeserializer\");\n");
            if g.static_membership {
                out.push_str(&format!(
                    "props.put(\"group.instance.id\", \"{}-\" + args[0]); // static membership (KIP-345)\n",
                    g.group_id
                ));
            }
            if strategy_changed {
                let classes: Vec<&str> = strategies.iter().map(|a| java_assignor(*a)).collect();
                out.push_str(&format!(
                    "props.put(\"partition.assignment.strategy\", \"{}\");\n",
                    classes.join(",")
                ));
            }
            for (k, v) in &set {
                out.push_str(&format!("props.put(\"{k}\", \"{v}\");\n"));
            }
            let names: Vec<String> = topics.iter().map(|t| format!("\"{t}\"")).collect();
            out.push_str(
                "\ntry (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {\n",
            );
            out.push_str(&format!(
                "    consumer.subscribe(List.of({}));\n",
                names.join(", ")
            ));
            out.push_str("    while (true) {\n");
            out.push_str(
                "        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {\n",
            );
            out.push_str(&if work > 0 {
                format!(
                    "            process(record); // {work} µs of work per record in this scenario\n"
                )
            } else {
                "            process(record);\n".to_string()
            });
            out.push_str("        }\n    }\n}\n");
        }
    }
    out
}

#[cfg(test)]
mod tests;
