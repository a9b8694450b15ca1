use super::*;
use crate::engine::config::{Acks, AssignmentStrategy, OffsetReset};

fn s(v: &str) -> ConfigValue {
    ConfigValue::from_str_value(v)
}

fn json(v: serde_json::Value) -> ConfigValue {
    ConfigValue::from_json(&v)
}

/// Applying every modelled key's documented default to `Default` changes nothing, and the getter
/// prints the default back: the table and `types.rs` agree on Kafka's defaults.
#[test]
fn table_defaults_match_struct_defaults() {
    for k in keys(Scope::Broker).iter().filter(|k| k.modelled) {
        let mut c = BrokerConfig::default();
        apply_broker(&mut c, k.name, &s(k.default)).unwrap();
        assert_eq!(c, BrokerConfig::default(), "{}", k.name);
        assert_eq!(
            get_broker(&c, k.name).as_deref(),
            Some(k.default),
            "{}",
            k.name
        );
    }
    for k in keys(Scope::Producer).iter().filter(|k| k.modelled) {
        let mut c = ProducerConfig::default();
        apply_producer(&mut c, k.name, &s(k.default)).unwrap();
        assert_eq!(c, ProducerConfig::default(), "{}", k.name);
        // A key whose default is unset (`transactional.id`) reads back as unset.
        let expected = (k.default != "null").then_some(k.default);
        assert_eq!(get_producer(&c, k.name).as_deref(), expected, "{}", k.name);
    }
    for k in keys(Scope::Consumer).iter().filter(|k| k.modelled) {
        let mut c = ConsumerConfig::default();
        apply_consumer(&mut c, k.name, &ConfigValue::Null).unwrap();
        assert_eq!(c, ConsumerConfig::default(), "{}", k.name);
        if k.default != "null" {
            apply_consumer(&mut c, k.name, &s(k.default)).unwrap();
            assert_eq!(c, ConsumerConfig::default(), "{}", k.name);
            assert_eq!(
                get_consumer(&c, k.name).as_deref(),
                Some(k.default),
                "{}",
                k.name
            );
        }
    }
    // Topic defaults are the broker's.
    for k in keys(Scope::Topic).iter().filter(|k| k.modelled) {
        let synonym = match k.name {
            "max.message.bytes" => "message.max.bytes",
            "flush.messages" => "log.flush.interval.messages",
            _ => k.name,
        };
        assert_eq!(lookup(Scope::Broker, synonym).unwrap().default, k.default);
    }
}

/// Every field of the config structs has a modelled key (field name = key with `_` for `.`).
#[test]
fn every_struct_field_has_a_key() {
    let fields = |v: serde_json::Value| -> Vec<String> {
        v.as_object()
            .unwrap()
            .keys()
            .map(|k| k.replace('_', "."))
            .collect()
    };
    let cases = [
        (
            Scope::Broker,
            serde_json::to_value(BrokerConfig::default()).unwrap(),
        ),
        (
            Scope::Topic,
            serde_json::to_value(TopicConfig::default()).unwrap(),
        ),
        (
            Scope::Producer,
            serde_json::to_value(ProducerConfig::default()).unwrap(),
        ),
        (
            Scope::Consumer,
            serde_json::to_value(ConsumerConfig::default()).unwrap(),
        ),
    ];
    for (scope, v) in cases {
        let f = fields(v);
        for name in &f {
            assert!(
                is_modelled(scope, name),
                "{scope} field {name} has no registry key"
            );
        }
        let modelled = keys(scope).iter().filter(|k| k.modelled).count();
        assert_eq!(modelled, f.len(), "{scope}: modelled keys vs fields");
    }
}

#[test]
fn names_are_unique_per_scope() {
    for scope in Scope::ALL {
        let ks = keys(scope);
        for (i, k) in ks.iter().enumerate() {
            assert!(
                ks[i + 1..].iter().all(|o| o.name != k.name),
                "{scope} {}",
                k.name
            );
            assert_eq!(k.scope, scope);
        }
    }
}

#[test]
fn values_are_read_like_kafka_properties() {
    let mut p = ProducerConfig::default();
    apply_producer(&mut p, "acks", &s("1")).unwrap();
    assert_eq!(p.acks, Acks::One);
    apply_producer(&mut p, "acks", &json(serde_json::json!(-1))).unwrap();
    assert_eq!(p.acks, Acks::All);
    apply_producer(&mut p, "acks", &json(serde_json::json!(0))).unwrap();
    assert_eq!(p.acks, Acks::Zero);
    apply_producer(&mut p, "linger.ms", &s(" 50 ")).unwrap();
    assert_eq!(p.linger_ms, 50);
    apply_producer(&mut p, "linger.ms", &json(serde_json::json!(7))).unwrap();
    assert_eq!(p.linger_ms, 7);
    apply_producer(&mut p, "enable.idempotence", &s("FALSE")).unwrap();
    assert!(!p.enable_idempotence);
    apply_producer(&mut p, "enable.idempotence", &json(serde_json::json!(true))).unwrap();
    assert!(p.enable_idempotence);
    apply_producer(&mut p, "linger.ms", &ConfigValue::Null).unwrap();
    assert_eq!(p.linger_ms, 5);
    apply_producer(&mut p, "compression.type", &s("zstd")).unwrap();
    assert!(!is_modelled(Scope::Producer, "compression.type"));
}

#[test]
fn assignment_strategy_accepts_names_classes_and_lists() {
    let mut c = ConsumerConfig::default();
    apply_consumer(
        &mut c,
        "partition.assignment.strategy",
        &s("cooperative-sticky"),
    )
    .unwrap();
    assert_eq!(
        c.partition_assignment_strategy,
        vec![AssignmentStrategy::CooperativeSticky]
    );
    let v = s("org.apache.kafka.clients.consumer.RoundRobinAssignor, range");
    apply_consumer(&mut c, "partition.assignment.strategy", &v).unwrap();
    assert_eq!(
        c.partition_assignment_strategy,
        vec![AssignmentStrategy::RoundRobin, AssignmentStrategy::Range]
    );
    let v = json(serde_json::json!([
        "sticky",
        "org.apache.kafka.clients.consumer.StickyAssignor"
    ]));
    apply_consumer(&mut c, "partition.assignment.strategy", &v).unwrap();
    assert_eq!(
        c.partition_assignment_strategy,
        vec![AssignmentStrategy::Sticky]
    );
    let e = apply_consumer(&mut c, "partition.assignment.strategy", &s("fair")).unwrap_err();
    assert!(e.to_string().contains("cooperative-sticky"), "{e}");
    let e = apply_consumer(&mut c, "partition.assignment.strategy", &s("")).unwrap_err();
    assert!(e.to_string().contains("at least one"), "{e}");
    apply_consumer(&mut c, "auto.offset.reset", &s("earliest")).unwrap();
    assert_eq!(c.auto_offset_reset, OffsetReset::Earliest);
}

#[test]
fn errors_name_key_value_and_allowed() {
    let mut p = ProducerConfig::default();
    let e = apply_producer(&mut p, "acks", &json(serde_json::json!(2))).unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("acks") && m.contains('2') && m.contains("all, -1, 0, 1"),
        "{m}"
    );
    let e = apply_producer(&mut p, "linger.ms", &s("-5")).unwrap_err();
    assert!(e.to_string().contains("0..=9223372036854775807"), "{e}");
    let e = apply_producer(&mut p, "linger.ms", &s("5.5")).unwrap_err();
    assert!(e.to_string().contains("whole number"), "{e}");
    let e = apply_producer(&mut p, "batch.size", &s("99999999999999999999999")).unwrap_err();
    assert!(e.to_string().contains("out of range"), "{e}");
    let e = apply_producer(&mut p, "lingr.ms", &s("5")).unwrap_err();
    assert!(e.to_string().contains("did you mean `linger.ms`?"), "{e}");
    let mut b = BrokerConfig::default();
    let e = apply_broker(&mut b, "acks", &s("all")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`acks` is a producer config, not a broker config"
    );
    let e = apply_broker(&mut b, "max.message.bytes", &s("5")).unwrap_err();
    assert!(e.to_string().contains("`message.max.bytes`"), "{e}");
    let e = apply_broker(&mut b, "offsets.topic.num.partitions", &s("5000")).unwrap_err();
    assert!(e.to_string().contains("KafkaSim caps"), "{e}");
    let e = check_live_change(Scope::Broker, "replica.lag.time.max.ms").unwrap_err();
    assert!(e.to_string().contains("read-only"), "{e}");
    check_live_change(Scope::Broker, "min.insync.replicas").unwrap();
    let e = apply_broker(&mut b, "LINGER_MS", &s("5")).unwrap_err();
    assert!(e.to_string().contains("producer config"), "{e}");
    let mut t = TopicConfig::default();
    apply_topic(&mut t, "min.insync.replicas", &s("2")).unwrap();
    assert_eq!(t.min_insync_replicas, Some(2));
    apply_topic(&mut t, "min.insync.replicas", &ConfigValue::Null).unwrap();
    assert_eq!(t.min_insync_replicas, None);
}

#[test]
fn idempotence_rules_follow_kafka_4() {
    let none = |_: &str| false;
    let all = |k: &str| k != "transactional.id";
    // Implicit idempotence + acks=1: silently off.
    let mut p = ProducerConfig {
        acks: Acks::One,
        ..Default::default()
    };
    let w = finish_producer(&mut p, none).unwrap();
    assert!(!p.enable_idempotence && w.len() == 1, "{w:?}");
    // Explicit idempotence + acks=1: ConfigException.
    let mut p = ProducerConfig {
        acks: Acks::One,
        ..Default::default()
    };
    let e = finish_producer(&mut p, |k| k == "enable.idempotence").unwrap_err();
    assert!(e.to_string().contains("acks=all"), "{e}");
    let mut p = ProducerConfig {
        retries: 0,
        ..Default::default()
    };
    assert!(finish_producer(&mut p, all).is_err());
    // In-flight > 5 with idempotence on (even by default) is an error in Kafka 4.
    let mut p = ProducerConfig {
        max_in_flight_requests_per_connection: 6,
        ..Default::default()
    };
    let e = finish_producer(&mut p, none).unwrap_err();
    assert!(e.to_string().contains("at most 5"), "{e}");
    let mut p = ProducerConfig {
        max_in_flight_requests_per_connection: 6,
        enable_idempotence: false,
        ..Default::default()
    };
    finish_producer(&mut p, all).unwrap();
    // delivery.timeout.ms floor.
    let mut p = ProducerConfig {
        linger_ms: 100_000,
        ..Default::default()
    };
    finish_producer(&mut p, none).unwrap();
    assert_eq!(p.delivery_timeout_ms, 130_000);
    let mut p = ProducerConfig {
        delivery_timeout_ms: 1000,
        ..Default::default()
    };
    let e = finish_producer(&mut p, |k| k == "delivery.timeout.ms").unwrap_err();
    assert!(
        e.to_string().contains("linger.ms + request.timeout.ms"),
        "{e}"
    );
}

#[test]
fn consumer_and_broker_rules() {
    let b = BrokerConfig::default();
    let c = ConsumerConfig {
        heartbeat_interval_ms: 45_000,
        ..Default::default()
    };
    assert!(finish_consumer(&c, &b, |_| false)
        .unwrap_err()
        .to_string()
        .contains("session.timeout.ms"));
    let c = ConsumerConfig {
        session_timeout_ms: 5_000,
        heartbeat_interval_ms: 1_000,
        ..Default::default()
    };
    let e = finish_consumer(&c, &b, |_| false).unwrap_err().to_string();
    assert!(
        e.contains("6000..=1800000") && e.contains("INVALID_SESSION_TIMEOUT"),
        "{e}"
    );
    assert!(finish_consumer(&ConsumerConfig::default(), &b, |_| false)
        .unwrap()
        .is_empty());
    let bad = BrokerConfig {
        replica_fetch_wait_max_ms: 40_000,
        replica_lag_time_max_ms: 50_000,
        ..Default::default()
    };
    assert!(finish_broker(&bad).is_err());
    assert!(finish_broker(&b).unwrap().is_empty());
    let t = TopicConfig {
        min_insync_replicas: Some(3),
        ..Default::default()
    };
    assert_eq!(check_topic(&t, &b, 2).len(), 1);
    assert!(check_topic(&t, &b, 3).is_empty());
}

#[test]
fn nearest_is_deterministic_and_bounded() {
    assert_eq!(
        nearest("lingr.ms", ["linger.ms", "batch.size"]),
        Some("linger.ms")
    );
    assert_eq!(nearest("xyz", ["linger.ms"]), None);
    assert_eq!(edit_distance("ab", "ba"), 1);
    let long = "a".repeat(10_000);
    assert_eq!(nearest(&long, ["linger.ms"]), None);
}

/// Issue 14 item 4: rules Kafka's clients enforce that KafkaSim lacked.
#[test]
fn transactional_id_buffer_and_remote_assignor_rules() {
    // transactional.id needs idempotence (ProducerConfig: ConfigException), also when acks=1
    // switched it off silently.
    let mut p = ProducerConfig {
        acks: Acks::One,
        ..Default::default()
    };
    let e = finish_producer(&mut p, |k| k == "transactional.id").unwrap_err();
    assert!(e.to_string().contains("transactional.id"), "{e}");
    let mut p = ProducerConfig::default();
    finish_producer(&mut p, |k| k == "transactional.id").unwrap();
    // batch.size above buffer.memory: BufferPool.allocate refuses every batch.
    let mut p = ProducerConfig {
        buffer_memory: 10_000,
        ..Default::default()
    };
    let e = finish_producer(&mut p, |_| false).unwrap_err().to_string();
    assert!(
        e.contains("batch.size") && e.contains("buffer.memory = 10000"),
        "{e}"
    );
    // group.remote.assignor belongs to the consumer protocol, not the classic one.
    let b = BrokerConfig::default();
    let e = finish_consumer(&ConsumerConfig::default(), &b, |k| {
        k == "group.remote.assignor"
    })
    .unwrap_err()
    .to_string();
    assert!(e.contains("group.protocol=classic"), "{e}");
}

/// `linger.ms` is capped at `Integer.MAX_VALUE` as `KafkaProducer.lingerMs` does: 2^63-1 is
/// accepted (delivery.timeout.ms raised to the capped sum) and used as about 24.8 days.
#[test]
fn huge_linger_is_capped_not_wrapped() {
    let mut p = ProducerConfig {
        linger_ms: i64::MAX as u64,
        ..Default::default()
    };
    finish_producer(&mut p, |_| false).unwrap();
    assert_eq!(p.delivery_timeout_ms, i32::MAX as u64);
    assert_eq!(p.linger(), crate::engine::time::ms(i32::MAX as u64));
}
