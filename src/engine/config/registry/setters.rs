//! The per-scope setters and getters that connect registry keys to the typed config structs.

use super::super::types::{
    Acks, AssignmentStrategy, BrokerConfig, ConsumerConfig, OffsetReset, ProducerConfig,
    TopicConfig,
};
use super::parse::Parsed;
use super::ConfigKey;

pub(super) fn set_broker(c: &mut BrokerConfig, k: &ConfigKey, v: Parsed) {
    match k.name {
        "min.insync.replicas" => c.min_insync_replicas = v.u32(),
        "unclean.leader.election.enable" => c.unclean_leader_election_enable = v.b(),
        "replica.lag.time.max.ms" => c.replica_lag_time_max_ms = v.u64(),
        "replica.fetch.wait.max.ms" => c.replica_fetch_wait_max_ms = v.u64(),
        "replica.fetch.min.bytes" => c.replica_fetch_min_bytes = v.u64(),
        "replica.fetch.max.bytes" => c.replica_fetch_max_bytes = v.u64(),
        "replica.fetch.response.max.bytes" => c.replica_fetch_response_max_bytes = v.u64(),
        "replica.fetch.backoff.ms" => c.replica_fetch_backoff_ms = v.u64(),
        "broker.session.timeout.ms" => c.broker_session_timeout_ms = v.u64(),
        "broker.heartbeat.interval.ms" => c.broker_heartbeat_interval_ms = v.u64(),
        "auto.leader.rebalance.enable" => c.auto_leader_rebalance_enable = v.b(),
        "leader.imbalance.check.interval.seconds" => {
            c.leader_imbalance_check_interval_seconds = v.u64()
        }
        "eligible.leader.replicas.version" => c.eligible_leader_replicas_version = v.u32(),
        "group.initial.rebalance.delay.ms" => c.group_initial_rebalance_delay_ms = v.u64(),
        "group.min.session.timeout.ms" => c.group_min_session_timeout_ms = v.u64(),
        "group.max.session.timeout.ms" => c.group_max_session_timeout_ms = v.u64(),
        "offsets.topic.num.partitions" => c.offsets_topic_num_partitions = v.u32(),
        "offsets.topic.replication.factor" => c.offsets_topic_replication_factor = v.u32(),
        "num.io.threads" => c.num_io_threads = v.u32(),
        "num.replica.fetchers" => c.num_replica_fetchers = v.u32(),
        "message.max.bytes" => c.message_max_bytes = v.u64(),
        "default.replication.factor" => c.default_replication_factor = v.u32(),
        "num.partitions" => c.num_partitions = v.u32(),
        "log.flush.interval.messages" => c.log_flush_interval_messages = v.u64(),
        "replica.selector.class" => {
            c.replica_selector_class = match v {
                Parsed::Str(s) if s != "null" => Some(s),
                _ => None,
            }
        }
        _ => {}
    }
}

pub(super) fn get_broker(c: &BrokerConfig, key: &str) -> Option<String> {
    Some(match key {
        "min.insync.replicas" => c.min_insync_replicas.to_string(),
        "unclean.leader.election.enable" => c.unclean_leader_election_enable.to_string(),
        "replica.lag.time.max.ms" => c.replica_lag_time_max_ms.to_string(),
        "replica.fetch.wait.max.ms" => c.replica_fetch_wait_max_ms.to_string(),
        "replica.fetch.min.bytes" => c.replica_fetch_min_bytes.to_string(),
        "replica.fetch.max.bytes" => c.replica_fetch_max_bytes.to_string(),
        "replica.fetch.response.max.bytes" => c.replica_fetch_response_max_bytes.to_string(),
        "replica.fetch.backoff.ms" => c.replica_fetch_backoff_ms.to_string(),
        "broker.session.timeout.ms" => c.broker_session_timeout_ms.to_string(),
        "broker.heartbeat.interval.ms" => c.broker_heartbeat_interval_ms.to_string(),
        "auto.leader.rebalance.enable" => c.auto_leader_rebalance_enable.to_string(),
        "leader.imbalance.check.interval.seconds" => {
            c.leader_imbalance_check_interval_seconds.to_string()
        }
        "eligible.leader.replicas.version" => c.eligible_leader_replicas_version.to_string(),
        "group.initial.rebalance.delay.ms" => c.group_initial_rebalance_delay_ms.to_string(),
        "group.min.session.timeout.ms" => c.group_min_session_timeout_ms.to_string(),
        "group.max.session.timeout.ms" => c.group_max_session_timeout_ms.to_string(),
        "offsets.topic.num.partitions" => c.offsets_topic_num_partitions.to_string(),
        "offsets.topic.replication.factor" => c.offsets_topic_replication_factor.to_string(),
        "num.io.threads" => c.num_io_threads.to_string(),
        "num.replica.fetchers" => c.num_replica_fetchers.to_string(),
        "replica.selector.class" => c
            .replica_selector_class
            .clone()
            .unwrap_or_else(|| "null".into()),
        "message.max.bytes" => c.message_max_bytes.to_string(),
        "default.replication.factor" => c.default_replication_factor.to_string(),
        "num.partitions" => c.num_partitions.to_string(),
        "log.flush.interval.messages" => c.log_flush_interval_messages.to_string(),
        _ => return None,
    })
}

pub(super) fn set_topic(c: &mut TopicConfig, k: &ConfigKey, v: Parsed) {
    let set = v != Parsed::Null;
    match k.name {
        "min.insync.replicas" => c.min_insync_replicas = set.then(|| v.u32()),
        "unclean.leader.election.enable" => c.unclean_leader_election_enable = set.then(|| v.b()),
        "max.message.bytes" => c.max_message_bytes = set.then(|| v.u64()),
        "flush.messages" => c.flush_messages = set.then(|| v.u64()),
        _ => {}
    }
}

pub(super) fn get_topic(c: &TopicConfig, key: &str) -> Option<String> {
    match key {
        "min.insync.replicas" => c.min_insync_replicas.map(|v| v.to_string()),
        "unclean.leader.election.enable" => c.unclean_leader_election_enable.map(|v| v.to_string()),
        "max.message.bytes" => c.max_message_bytes.map(|v| v.to_string()),
        "flush.messages" => c.flush_messages.map(|v| v.to_string()),
        _ => None,
    }
}

pub(super) fn set_producer(c: &mut ProducerConfig, k: &ConfigKey, v: Parsed) {
    match k.name {
        "acks" => {
            c.acks = match v.s() {
                "0" => Acks::Zero,
                "1" => Acks::One,
                _ => Acks::All,
            }
        }
        "linger.ms" => c.linger_ms = v.u64(),
        "batch.size" => c.batch_size = v.u64(),
        "buffer.memory" => c.buffer_memory = v.u64(),
        "max.in.flight.requests.per.connection" => {
            c.max_in_flight_requests_per_connection = v.u32()
        }
        "retries" => c.retries = v.u32(),
        "retry.backoff.ms" => c.retry_backoff_ms = v.u64(),
        "retry.backoff.max.ms" => c.retry_backoff_max_ms = v.u64(),
        "request.timeout.ms" => c.request_timeout_ms = v.u64(),
        "delivery.timeout.ms" => c.delivery_timeout_ms = v.u64(),
        "enable.idempotence" => c.enable_idempotence = v.b(),
        "max.block.ms" => c.max_block_ms = v.u64(),
        "max.request.size" => c.max_request_size = v.u64(),
        "partitioner.ignore.keys" => c.partitioner_ignore_keys = v.b(),
        "partitioner.adaptive.partitioning.enable" => {
            c.partitioner_adaptive_partitioning_enable = v.b()
        }
        "partitioner.availability.timeout.ms" => c.partitioner_availability_timeout_ms = v.u64(),
        "metadata.max.age.ms" => c.metadata_max_age_ms = v.u64(),
        "transactional.id" => {
            c.transactional_id = match v {
                Parsed::Str(s) if s != "null" => Some(s),
                _ => None,
            }
        }
        "transaction.timeout.ms" => c.transaction_timeout_ms = v.u64(),
        _ => {}
    }
}

pub(super) fn get_producer(c: &ProducerConfig, key: &str) -> Option<String> {
    Some(match key {
        "acks" => c.acks.as_str().to_string(),
        "linger.ms" => c.linger_ms.to_string(),
        "batch.size" => c.batch_size.to_string(),
        "buffer.memory" => c.buffer_memory.to_string(),
        "max.in.flight.requests.per.connection" => {
            c.max_in_flight_requests_per_connection.to_string()
        }
        "retries" => c.retries.to_string(),
        "retry.backoff.ms" => c.retry_backoff_ms.to_string(),
        "retry.backoff.max.ms" => c.retry_backoff_max_ms.to_string(),
        "request.timeout.ms" => c.request_timeout_ms.to_string(),
        "delivery.timeout.ms" => c.delivery_timeout_ms.to_string(),
        "enable.idempotence" => c.enable_idempotence.to_string(),
        "max.block.ms" => c.max_block_ms.to_string(),
        "max.request.size" => c.max_request_size.to_string(),
        "partitioner.ignore.keys" => c.partitioner_ignore_keys.to_string(),
        "partitioner.adaptive.partitioning.enable" => {
            c.partitioner_adaptive_partitioning_enable.to_string()
        }
        "partitioner.availability.timeout.ms" => c.partitioner_availability_timeout_ms.to_string(),
        "metadata.max.age.ms" => c.metadata_max_age_ms.to_string(),
        "transactional.id" => return c.transactional_id.clone(),
        "transaction.timeout.ms" => c.transaction_timeout_ms.to_string(),
        _ => return None,
    })
}

/// Maps an assignor name or class name to the strategy.
pub(super) fn assignor(name: &str) -> Option<AssignmentStrategy> {
    let short = name
        .strip_prefix("org.apache.kafka.clients.consumer.")
        .unwrap_or(name);
    Some(match short {
        "range" | "RangeAssignor" => AssignmentStrategy::Range,
        "roundrobin" | "RoundRobinAssignor" => AssignmentStrategy::RoundRobin,
        "sticky" | "StickyAssignor" => AssignmentStrategy::Sticky,
        "cooperative-sticky" | "CooperativeStickyAssignor" => AssignmentStrategy::CooperativeSticky,
        _ => return None,
    })
}

pub(super) fn set_consumer(c: &mut ConsumerConfig, k: &ConfigKey, v: Parsed) {
    match k.name {
        "fetch.min.bytes" => c.fetch_min_bytes = v.u64(),
        "fetch.max.wait.ms" => c.fetch_max_wait_ms = v.u64(),
        "fetch.max.bytes" => c.fetch_max_bytes = v.u64(),
        "max.partition.fetch.bytes" => c.max_partition_fetch_bytes = v.u64(),
        "max.poll.records" => c.max_poll_records = v.u32(),
        "max.poll.interval.ms" => c.max_poll_interval_ms = v.u64(),
        "session.timeout.ms" => c.session_timeout_ms = v.u64(),
        "heartbeat.interval.ms" => c.heartbeat_interval_ms = v.u64(),
        "enable.auto.commit" => c.enable_auto_commit = v.b(),
        "auto.commit.interval.ms" => c.auto_commit_interval_ms = v.u64(),
        "auto.offset.reset" => {
            c.auto_offset_reset = match v.s() {
                "earliest" => OffsetReset::Earliest,
                "none" => OffsetReset::None,
                _ => OffsetReset::Latest,
            }
        }
        "partition.assignment.strategy" => {
            if let Parsed::List(items) = &v {
                let mut out: Vec<AssignmentStrategy> = Vec::new();
                for s in items.iter().filter_map(|i| assignor(i)) {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                if !out.is_empty() {
                    c.partition_assignment_strategy = out;
                }
            }
        }
        "group.instance.id" => {
            c.group_instance_id = match v {
                Parsed::Str(s) => Some(s),
                _ => None,
            }
        }
        "request.timeout.ms" => c.request_timeout_ms = v.u64(),
        "retry.backoff.ms" => c.retry_backoff_ms = v.u64(),
        "client.rack" => {
            c.client_rack = match v {
                Parsed::Str(s) => s,
                _ => String::new(),
            };
        }
        "isolation.level" => {
            c.isolation_level = if v.s() == "read_committed" {
                super::super::types::IsolationLevel::ReadCommitted
            } else {
                super::super::types::IsolationLevel::ReadUncommitted
            }
        }
        _ => {}
    }
}

pub(super) fn get_consumer(c: &ConsumerConfig, key: &str) -> Option<String> {
    Some(match key {
        "fetch.min.bytes" => c.fetch_min_bytes.to_string(),
        "fetch.max.wait.ms" => c.fetch_max_wait_ms.to_string(),
        "fetch.max.bytes" => c.fetch_max_bytes.to_string(),
        "max.partition.fetch.bytes" => c.max_partition_fetch_bytes.to_string(),
        "max.poll.records" => c.max_poll_records.to_string(),
        "max.poll.interval.ms" => c.max_poll_interval_ms.to_string(),
        "session.timeout.ms" => c.session_timeout_ms.to_string(),
        "heartbeat.interval.ms" => c.heartbeat_interval_ms.to_string(),
        "enable.auto.commit" => c.enable_auto_commit.to_string(),
        "auto.commit.interval.ms" => c.auto_commit_interval_ms.to_string(),
        "auto.offset.reset" => match c.auto_offset_reset {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
        .to_string(),
        "partition.assignment.strategy" => c
            .partition_assignment_strategy
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(","),
        "group.instance.id" => return c.group_instance_id.clone(),
        "request.timeout.ms" => c.request_timeout_ms.to_string(),
        "retry.backoff.ms" => c.retry_backoff_ms.to_string(),
        "client.rack" => c.client_rack.clone(),
        "isolation.level" => if c.read_committed() {
            "read_committed"
        } else {
            "read_uncommitted"
        }
        .to_string(),
        _ => return None,
    })
}
