use super::*;
use crate::engine::config::registry::{apply_consumer, apply_producer, ConfigValue};
use crate::scenario_file::presets::preset;

/// The `props.put("k", "v")` lines of a Java program, skipping the ones that are not configs
/// the simulator models (serializers, bootstrap, ids).
fn java_props(code: &str) -> Vec<(String, String)> {
    code.lines()
        .filter_map(|l| l.strip_prefix("props.put(\""))
        .filter_map(|l| {
            let (k, rest) = l.split_once("\", \"")?;
            let v = rest.split_once("\")")?.0;
            Some((k.to_string(), v.to_string()))
        })
        .filter(|(k, _)| !k.ends_with("serializer") && !k.ends_with("deserializer"))
        .filter(|(k, _)| !matches!(k.as_str(), "bootstrap.servers" | "client.id" | "group.id"))
        .collect()
}

fn quickstart_producer() -> ProducerSpec {
    preset("quickstart").expect("quickstart").producers[0].clone()
}

#[test]
fn java_producer_carries_back_to_the_same_config() {
    let p = quickstart_producer();
    let mut cfg = ProducerConfig::default();
    for (k, v) in [
        ("acks", "1"),
        ("linger.ms", "20"),
        ("batch.size", "65536"),
        ("partitioner.adaptive.partitioning.enable", "false"),
        ("max.in.flight.requests.per.connection", "1"),
    ] {
        apply_producer(&mut cfg, k, &ConfigValue::from_str_value(v)).unwrap();
    }
    let code = producer_code(&p, &cfg, ClientLang::Java);
    let mut back = ProducerConfig::default();
    for (k, v) in java_props(&code) {
        apply_producer(&mut back, &k, &ConfigValue::from_str_value(&v)).unwrap();
    }
    // Java's rule: idempotence left at its default is off with acks=1; the program says so.
    assert!(
        code.contains("props.put(\"enable.idempotence\", \"false\");"),
        "{code}"
    );
    cfg.enable_idempotence = false;
    assert_eq!(back, cfg, "{code}");
}

#[test]
fn java_writes_only_what_differs_from_the_defaults_and_acks() {
    let p = quickstart_producer();
    let code = producer_code(&p, &ProducerConfig::default(), ClientLang::Java);
    assert_eq!(
        java_props(&code),
        vec![("acks".to_string(), "all".to_string())],
        "{code}"
    );
    assert!(code.contains(&format!("new ProducerRecord<>(\"{}\"", p.topic)));
}

#[test]
fn python_states_the_settings_whose_defaults_differ_between_clients() {
    let p = quickstart_producer();
    let code = producer_code(&p, &ProducerConfig::default(), ClientLang::Python);
    for line in [
        "    acks='all',",
        "    linger_ms=5,",
        "    batch_size=16384,",
        "    enable_idempotence=True,",
    ] {
        assert!(code.contains(line), "missing {line:?} in\n{code}");
    }
    assert!(code.contains("from kafka import KafkaProducer"));
}

#[test]
fn python_marks_java_only_settings_as_comments() {
    let p = quickstart_producer();
    let mut cfg = ProducerConfig::default();
    apply_producer(
        &mut cfg,
        "partitioner.adaptive.partitioning.enable",
        &ConfigValue::from_str_value("false"),
    )
    .unwrap();
    apply_producer(&mut cfg, "acks", &ConfigValue::from_str_value("0")).unwrap();
    let code = producer_code(&p, &cfg, ClientLang::Python);
    assert!(
        code.contains("# Java client only (kafka-python has no such option): partitioner.adaptive.partitioning.enable=false"),
        "{code}"
    );
    assert!(!code.contains("partitioner_adaptive"), "{code}");
    assert!(code.contains("    acks=0,"), "{code}");
    assert!(code.contains("    enable_idempotence=False,"), "{code}");
}

#[test]
fn keys_follow_the_scenario() {
    let mut p = quickstart_producer();
    p.keys = KeyDistribution::Uniform { keys: 7 };
    let py = producer_code(&p, &ProducerConfig::default(), ClientLang::Python);
    assert!(
        py.contains("KEYS = 7") && py.contains("import random"),
        "{py}"
    );
    p.keys = KeyDistribution::None;
    let java = producer_code(&p, &ProducerConfig::default(), ClientLang::Java);
    assert!(java.contains(", null, new byte["), "{java}");
    assert!(java.contains("KIP-480"), "{java}");
}

#[test]
fn group_assignors_are_written_for_each_client() {
    let g = preset("quickstart").expect("quickstart").consumer_groups[0].clone();
    let default = ConsumerConfig::default();
    let py = group_code(&g, &default, ClientLang::Python);
    assert!(
        py.contains(
            "partition_assignment_strategy=[RangePartitionAssignor, CooperativeStickyAssignor],"
        ),
        "{py}"
    );
    assert!(py.contains(
        "from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor"
    ));
    let java = group_code(&g, &default, ClientLang::Java);
    assert!(java_props(&java).is_empty(), "{java}");
    assert!(
        java.contains(&format!("run {} copies", g.members)),
        "{java}"
    );

    let mut eager = default.clone();
    apply_consumer(
        &mut eager,
        "partition.assignment.strategy",
        &ConfigValue::from_str_value("roundrobin"),
    )
    .unwrap();
    apply_consumer(
        &mut eager,
        "max.poll.records",
        &ConfigValue::from_str_value("50"),
    )
    .unwrap();
    let java = group_code(&g, &eager, ClientLang::Java);
    assert_eq!(
        java_props(&java),
        vec![
            (
                "partition.assignment.strategy".to_string(),
                "org.apache.kafka.clients.consumer.RoundRobinAssignor".to_string()
            ),
            ("max.poll.records".to_string(), "50".to_string()),
        ],
        "{java}"
    );
    let py = group_code(&g, &eager, ClientLang::Python);
    assert!(py.contains("    max_poll_records=50,"), "{py}");
}

#[test]
fn every_preset_client_is_written_in_both_languages() {
    for (name, _) in crate::scenario_file::presets::presets() {
        let s = preset(name).unwrap();
        for p in &s.producers {
            for lang in [ClientLang::Python, ClientLang::Java] {
                let code = producer_code(p, &p.config, lang);
                assert!(code.contains(&p.topic), "{name}/{}: {code}", p.id);
            }
        }
        for g in &s.consumer_groups {
            for lang in [ClientLang::Python, ClientLang::Java] {
                let code = group_code(g, &g.config, lang);
                assert!(code.contains(&g.group_id), "{name}/{}: {code}", g.group_id);
            }
        }
    }
}

#[test]
fn a_transactional_producer_is_written_with_its_transactions() {
    let mut p = quickstart_producer();
    p.transactions = Some(crate::engine::scenario::TransactionsSpec {
        records: 50,
        abort_ratio: 0.1,
    });
    let mut cfg = ProducerConfig::default();
    apply_producer(
        &mut cfg,
        "transactional.id",
        &ConfigValue::from_str_value("tx-1"),
    )
    .unwrap();
    let java = producer_code(&p, &cfg, ClientLang::Java);
    assert!(
        java.contains("props.put(\"transactional.id\", \"tx-1\");"),
        "{java}"
    );
    assert!(
        java.contains("producer.initTransactions();") && java.contains("i < 50;"),
        "{java}"
    );
    let py = producer_code(&p, &cfg, ClientLang::Python);
    assert!(
        py.contains("    transactional_id='tx-1',") && py.contains("range(50)"),
        "{py}"
    );
    // Without a transactional.id: no transactions.
    let plain = producer_code(&p, &ProducerConfig::default(), ClientLang::Java);
    assert!(!plain.contains("Transaction"), "{plain}");
}
