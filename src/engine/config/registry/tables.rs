//! The key tables. Facts (names, types, ranges, defaults, dynamic-ness) are Kafka 4.x's; where
//! KafkaSim accepts less than Kafka (`capped`), the error message says so. `M` rows are modelled
//! by the engine, `U` rows are accepted and ignored (with a warning from the scenario parser).

use super::{ConfigKey, Dynamic, Scope, Unit, ValueType};

/// Kafka `Type.INT` maximum.
const INT: i64 = i32::MAX as i64;
/// Kafka `Type.LONG` maximum.
const LONG: i64 = i64::MAX;
/// Kafka `Type.SHORT` maximum.
const SHORT: i64 = i16::MAX as i64;

const B: ValueType = ValueType::Bool;
const S: ValueType = ValueType::Str { non_empty: false };
const NE: ValueType = ValueType::Str { non_empty: true };
const ANY_LIST: ValueType = ValueType::List(&[]);

const fn n(min: i64, max: i64) -> ValueType {
    ValueType::Int {
        min,
        max,
        kafka_max: max,
        unit: Unit::Count,
    }
}
const fn ms(min: i64, max: i64) -> ValueType {
    ValueType::Int {
        min,
        max,
        kafka_max: max,
        unit: Unit::Ms,
    }
}
const fn by(min: i64, max: i64) -> ValueType {
    ValueType::Int {
        min,
        max,
        kafka_max: max,
        unit: Unit::Bytes,
    }
}
/// A count KafkaSim caps below Kafka's own maximum.
const fn cap(min: i64, max: i64, kafka_max: i64) -> ValueType {
    ValueType::Int {
        min,
        max,
        kafka_max,
        unit: Unit::Count,
    }
}
const fn en(values: &'static [&'static str]) -> ValueType {
    ValueType::Enum(values)
}

/// `partition.assignment.strategy` names KafkaSim accepts (protocol names, then class names).
pub(super) const ASSIGNORS: &[&str] = &[
    "range",
    "roundrobin",
    "sticky",
    "cooperative-sticky",
    "org.apache.kafka.clients.consumer.RangeAssignor",
    "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "org.apache.kafka.clients.consumer.StickyAssignor",
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
];

const TOPIC_COMPRESSION: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];
const SECURITY: &[&str] = &["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];
const DNS: &[&str] = &[
    "use_all_dns_ips",
    "resolve_canonical_bootstrap_servers_only",
];
const TS_TYPE: &[&str] = &["CreateTime", "LogAppendTime"];
const CLEANUP: &[&str] = &["delete", "compact"];

macro_rules! is_modelled {
    (M) => {
        true
    };
    (U) => {
        false
    };
}

macro_rules! table {
    ($scope:expr; $( $m:ident $name:literal, $ty:expr, $def:literal, $dyn:ident, $doc:literal; )*) => {
        &[ $( ConfigKey {
            name: $name,
            scope: $scope,
            ty: $ty,
            default: $def,
            dynamic: Dynamic::$dyn,
            modelled: is_modelled!($m),
            doc: $doc,
        }, )* ]
    };
}

/// Broker configs.
pub(super) static BROKER: &[ConfigKey] = table! { Scope::Broker;
    M "min.insync.replicas", n(1, INT), "1", ClusterWide, "Fewest in-sync replicas (leader included) for an acks=all write to succeed; otherwise NOT_ENOUGH_REPLICAS.";
    M "unclean.leader.election.enable", B, "false", ClusterWide, "Let an out-of-sync replica become leader when no ISR member is alive (availability over durability: acknowledged records can be lost).";
    M "replica.lag.time.max.ms", ms(0, LONG), "30000", ReadOnly, "A follower that has not fetched up to the leader's log end for this long is removed from the ISR.";
    M "replica.fetch.wait.max.ms", ms(0, INT), "500", ReadOnly, "Longest a follower fetch waits at the leader for replica.fetch.min.bytes; must be <= replica.lag.time.max.ms.";
    M "replica.fetch.min.bytes", by(0, INT), "1", ReadOnly, "Bytes a follower fetch waits for before the leader answers.";
    M "replica.fetch.max.bytes", by(0, INT), "1048576", ReadOnly, "Bytes a follower fetches per partition per request (at least one batch always).";
    M "replica.fetch.response.max.bytes", by(0, INT), "10485760", ReadOnly, "Bytes in a whole follower fetch response.";
    M "replica.fetch.backoff.ms", ms(0, INT), "1000", ReadOnly, "Pause after a follower fetch fails.";
    M "broker.session.timeout.ms", ms(1, INT), "9000", ReadOnly, "KRaft: the controller fences a broker that has not heartbeated for this long.";
    M "broker.heartbeat.interval.ms", ms(1, INT), "2000", ReadOnly, "KRaft: how often a broker heartbeats to the controller (KafkaSim needs >= 1).";
    M "auto.leader.rebalance.enable", B, "true", ReadOnly, "Every leader.imbalance.check.interval.seconds the KRaft controller moves leadership back to each partition's preferred replica when it is unfenced and in the ISR.";
    M "leader.imbalance.check.interval.seconds", ValueType::Int { min: 1, max: LONG, kafka_max: LONG, unit: Unit::Seconds }, "300", ReadOnly, "How often the controller checks leader imbalance.";
    U "leader.imbalance.per.broker.percentage", ValueType::Int { min: 0, max: INT, kafka_max: INT, unit: Unit::Percent }, "10", ReadOnly, "ZooKeeper-era threshold; the KRaft controller ignores it and balances every imbalanced partition.";
    M "eligible.leader.replicas.version", n(0, 1), "1", ClusterWide, "KRaft feature level of eligible leader replicas (KIP-966; on for new Kafka 4.1 clusters): replicas that left an ISR below min.insync.replicas stay electable.";
    M "group.initial.rebalance.delay.ms", ms(0, INT), "3000", ReadOnly, "How long the coordinator waits for more members before the first rebalance of an empty group.";
    M "group.min.session.timeout.ms", ms(0, INT), "6000", ReadOnly, "Smallest session.timeout.ms a consumer may ask for (else INVALID_SESSION_TIMEOUT).";
    M "group.max.session.timeout.ms", ms(0, INT), "1800000", ReadOnly, "Largest session.timeout.ms a consumer may ask for (else INVALID_SESSION_TIMEOUT).";
    M "offsets.topic.num.partitions", cap(1, 1000, INT), "50", ReadOnly, "Partitions of __consumer_offsets (decides which broker coordinates which group).";
    M "offsets.topic.replication.factor", cap(1, 64, SHORT), "3", ReadOnly, "Replication factor of __consumer_offsets (KafkaSim uses at most the broker count).";
    M "num.io.threads", cap(1, 256, INT), "8", ClusterWide, "Request handler threads per broker.";
    M "num.replica.fetchers", cap(1, 64, INT), "1", ClusterWide, "Follower fetcher threads per source broker.";
    M "message.max.bytes", by(0, INT), "1048588", ClusterWide, "Largest record batch a broker accepts (topic override: max.message.bytes).";
    M "default.replication.factor", cap(1, 64, INT), "1", ReadOnly, "Replication factor of topics created without one.";
    M "num.partitions", cap(1, 1000, INT), "1", ReadOnly, "Partition count of topics created without one.";
    M "log.flush.interval.messages", n(1, LONG), "9223372036854775807", ClusterWide, "Fsync a partition's log every this many records (Kafka relies on replication instead: by default never; the page cache takes writes and the disk writes them back).";
    U "node.id", n(-1, INT), "-1", ReadOnly, "KRaft node id (KafkaSim numbers brokers 1..=N itself).";
    U "broker.id", n(-1, INT), "-1", ReadOnly, "Broker id (KafkaSim numbers brokers 1..=N itself).";
    U "process.roles", ANY_LIST, "", ReadOnly, "KRaft roles of the node (KafkaSim runs a separate controller).";
    U "listeners", ANY_LIST, "PLAINTEXT://:9092", PerBroker, "Listener addresses (no real sockets in KafkaSim).";
    U "advertised.listeners", ANY_LIST, "null", PerBroker, "Addresses clients are told to use.";
    U "controller.quorum.voters", ANY_LIST, "", ReadOnly, "Static KRaft controller quorum.";
    U "controller.quorum.bootstrap.servers", ANY_LIST, "", ReadOnly, "Dynamic KRaft controller quorum bootstrap.";
    U "controller.listener.names", ANY_LIST, "null", ReadOnly, "Listeners used by the controller.";
    U "log.dirs", ANY_LIST, "null", ReadOnly, "Log directories (KafkaSim keeps logs in memory).";
    U "log.retention.hours", n(-1, INT), "168", ReadOnly, "Retention time in hours (no retention is simulated).";
    U "log.retention.ms", ms(-1, LONG), "null", ClusterWide, "Retention time (no retention is simulated).";
    U "log.retention.bytes", by(-1, LONG), "-1", ClusterWide, "Retention size per partition (no retention is simulated).";
    U "log.segment.bytes", by(1_048_576, INT), "1073741824", ClusterWide, "Log segment size.";
    U "log.cleanup.policy", ValueType::List(CLEANUP), "delete", ClusterWide, "delete and/or compact (compaction is not simulated).";
    U "log.message.timestamp.type", en(TS_TYPE), "CreateTime", ClusterWide, "Record timestamp type.";
    U "log.flush.interval.ms", ms(0, LONG), "null", ClusterWide, "Time before a forced fsync.";
    U "compression.type", en(TOPIC_COMPRESSION), "producer", ClusterWide, "Broker-side compression (not simulated).";
    U "num.network.threads", n(1, INT), "3", ClusterWide, "Network threads per broker.";
    U "num.recovery.threads.per.data.dir", n(1, INT), "2", ClusterWide, "Log recovery threads.";
    U "background.threads", n(1, INT), "10", ClusterWide, "Background task threads.";
    U "replica.socket.timeout.ms", ms(0, INT), "30000", ReadOnly, "Follower socket timeout.";
    U "auto.create.topics.enable", B, "true", ReadOnly, "Create topics on first use (scenarios create topics up front).";
    U "delete.topic.enable", B, "true", ReadOnly, "Allow topic deletion.";
    U "transaction.state.log.replication.factor", n(1, SHORT), "3", ReadOnly, "Replication of __transaction_state (transactions are not simulated).";
    U "transaction.state.log.min.isr", n(1, INT), "2", ReadOnly, "min.insync.replicas of __transaction_state.";
    U "offsets.retention.minutes", n(1, INT), "10080", ReadOnly, "How long committed offsets of an empty group are kept.";
    U "group.max.size", n(1, INT), "2147483647", ReadOnly, "Most members a classic group may have.";
    U "socket.send.buffer.bytes", by(-1, INT), "102400", ReadOnly, "SO_SNDBUF.";
    U "socket.receive.buffer.bytes", by(-1, INT), "102400", ReadOnly, "SO_RCVBUF.";
    U "socket.request.max.bytes", by(1, INT), "104857600", ReadOnly, "Largest request a broker reads.";
    U "queued.max.requests", n(1, INT), "500", ReadOnly, "Requests queued before network threads stop reading.";
    U "broker.rack", S, "null", ReadOnly, "Rack of the broker (KafkaSim: set it with the cluster's `racks` list, or per broker with `broker_racks`).";
    M "replica.selector.class", NE, "null", ReadOnly, "KIP-392: org.apache.kafka.common.replica.RackAwareReplicaSelector lets consumers with a client.rack fetch from an in-sync replica in their rack (the only selector KafkaSim models).";
};

/// Topic-level configs (overrides of broker defaults).
pub(super) static TOPIC: &[ConfigKey] = table! { Scope::Topic;
    M "min.insync.replicas", n(1, INT), "1", Topic, "Fewest in-sync replicas for an acks=all write to this topic (default: the broker's).";
    M "unclean.leader.election.enable", B, "false", Topic, "Let an out-of-sync replica lead this topic's partitions when no ISR member is alive.";
    M "max.message.bytes", by(0, INT), "1048588", Topic, "Largest record batch this topic accepts (broker synonym: message.max.bytes).";
    M "flush.messages", n(1, LONG), "9223372036854775807", Topic, "Fsync this topic's partition logs every this many records (broker default: log.flush.interval.messages); an acknowledgement then waits for the disk.";
    U "retention.ms", ms(-1, LONG), "604800000", Topic, "Retention time (no retention is simulated).";
    U "retention.bytes", by(-1, LONG), "-1", Topic, "Retention size per partition (no retention is simulated).";
    U "cleanup.policy", ValueType::List(CLEANUP), "delete", Topic, "delete and/or compact (compaction is not simulated).";
    U "compression.type", en(TOPIC_COMPRESSION), "producer", Topic, "Broker-side compression (not simulated).";
    U "segment.bytes", by(1_048_576, INT), "1073741824", Topic, "Log segment size.";
    U "segment.ms", ms(1, LONG), "604800000", Topic, "Time before a segment rolls.";
    U "message.timestamp.type", en(TS_TYPE), "CreateTime", Topic, "Record timestamp type.";
    U "min.compaction.lag.ms", ms(0, LONG), "0", Topic, "Minimum age before compaction.";
    U "delete.retention.ms", ms(0, LONG), "86400000", Topic, "How long tombstones are kept.";
    U "flush.ms", ms(0, LONG), "9223372036854775807", Topic, "Time before a forced fsync.";
    U "preallocate", B, "false", Topic, "Preallocate segment files.";
    U "remote.storage.enable", B, "false", Topic, "Tiered storage (not simulated).";
};

/// Producer configs.
pub(super) static PRODUCER: &[ConfigKey] = table! { Scope::Producer;
    M "acks", en(&["all", "-1", "0", "1"]), "all", ClientRestart, "Replicas that must have a record before the producer counts it sent: 0 (none), 1 (leader), all/-1 (every ISR member).";
    M "linger.ms", ms(0, LONG), "5", ClientRestart, "How long a partition's batch may wait for more records before it is sent (default 5 since Kafka 4.0).";
    M "batch.size", by(0, INT), "16384", ClientRestart, "Largest batch per partition, in bytes (0 disables batching).";
    M "buffer.memory", by(0, LONG), "33554432", ClientRestart, "Memory for unsent records; send() blocks up to max.block.ms when it is full.";
    M "max.in.flight.requests.per.connection", n(1, INT), "5", ClientRestart, "Unacknowledged requests per broker connection (at most 5 with idempotence).";
    M "retries", n(0, INT), "2147483647", ClientRestart, "Resends of a batch after a retriable error (bounded by delivery.timeout.ms).";
    M "retry.backoff.ms", ms(0, LONG), "100", ClientRestart, "First pause before a retry (grows exponentially up to retry.backoff.max.ms).";
    M "retry.backoff.max.ms", ms(0, LONG), "1000", ClientRestart, "Largest pause before a retry.";
    M "request.timeout.ms", ms(0, INT), "30000", ClientRestart, "How long the producer waits for a produce response before retrying.";
    M "delivery.timeout.ms", ms(0, INT), "120000", ClientRestart, "Upper bound from send() to success or failure; must be >= linger.ms + request.timeout.ms.";
    M "enable.idempotence", B, "true", ClientRestart, "Sequence numbers so retries never duplicate; needs acks=all, retries > 0, in-flight <= 5.";
    M "max.block.ms", ms(0, LONG), "60000", ClientRestart, "How long send() may block on metadata or a full buffer.";
    M "max.request.size", by(0, INT), "1048576", ClientRestart, "Largest produce request (and record) the producer sends.";
    M "partitioner.ignore.keys", B, "false", ClientRestart, "Ignore keys and use the sticky partitioner for every record.";
    M "partitioner.adaptive.partitioning.enable", B, "true", ClientRestart, "Sticky partitioner sends more to faster brokers (KIP-794).";
    M "partitioner.availability.timeout.ms", ms(0, LONG), "0", ClientRestart, "Treat a partition as unavailable after its broker stalls this long (0 = off).";
    M "metadata.max.age.ms", ms(0, LONG), "300000", ClientRestart, "Refresh metadata at least this often.";
    U "bootstrap.servers", ANY_LIST, "", ClientRestart, "Brokers to bootstrap from (KafkaSim clients know the cluster).";
    U "client.id", S, "", ClientRestart, "Client id (KafkaSim uses the producer's id).";
    U "key.serializer", S, "null", ClientRestart, "Key serializer class.";
    U "value.serializer", S, "null", ClientRestart, "Value serializer class.";
    U "compression.type", en(&["none", "gzip", "snappy", "lz4", "zstd"]), "none", ClientRestart, "Batch compression (not simulated: record_size is the on-wire size).";
    M "transactional.id", NE, "null", ClientRestart, "Makes the producer transactional (KIP-98): InitProducerId fences older instances with the same id; needs acks=all and idempotence.";
    M "transaction.timeout.ms", ms(1, INT), "60000", ClientRestart, "The coordinator aborts a transaction left open longer than this.";
    U "send.buffer.bytes", by(-1, INT), "131072", ClientRestart, "SO_SNDBUF.";
    U "receive.buffer.bytes", by(-1, INT), "32768", ClientRestart, "SO_RCVBUF.";
    U "reconnect.backoff.ms", ms(0, LONG), "50", ClientRestart, "Pause before reconnecting.";
    U "reconnect.backoff.max.ms", ms(0, LONG), "1000", ClientRestart, "Largest pause before reconnecting.";
    U "metadata.max.idle.ms", ms(5000, LONG), "300000", ClientRestart, "How long metadata of an idle topic is cached.";
    U "connections.max.idle.ms", ms(-1, LONG), "540000", ClientRestart, "Close idle connections after this long.";
    U "interceptor.classes", ANY_LIST, "", ClientRestart, "Producer interceptors.";
    U "partitioner.class", S, "null", ClientRestart, "Custom partitioner (KafkaSim uses the built-in one).";
    U "security.protocol", en(SECURITY), "PLAINTEXT", ClientRestart, "Security protocol.";
    U "client.dns.lookup", en(DNS), "use_all_dns_ips", ClientRestart, "DNS lookup mode.";
    U "enable.metrics.push", B, "true", ClientRestart, "Push client metrics to the broker (KIP-714).";
};

/// Consumer configs (classic group protocol).
pub(super) static CONSUMER: &[ConfigKey] = table! { Scope::Consumer;
    M "fetch.min.bytes", by(0, INT), "1", ClientRestart, "Bytes a fetch waits for before the broker answers.";
    M "fetch.max.wait.ms", ms(0, INT), "500", ClientRestart, "Longest a fetch waits at the broker for fetch.min.bytes.";
    M "fetch.max.bytes", by(0, INT), "52428800", ClientRestart, "Bytes in a whole fetch response (at least one batch always).";
    M "max.partition.fetch.bytes", by(0, INT), "1048576", ClientRestart, "Bytes fetched per partition (at least one batch always).";
    M "max.poll.records", n(1, INT), "500", ClientRestart, "Most records one poll() returns.";
    M "max.poll.interval.ms", ms(1, INT), "300000", ClientRestart, "A member that does not poll for this long leaves the group (and triggers a rebalance).";
    M "session.timeout.ms", ms(0, INT), "45000", ClientRestart, "A member whose heartbeats stop for this long is removed (must be within the broker's group.min/max.session.timeout.ms).";
    M "heartbeat.interval.ms", ms(1, INT), "3000", ClientRestart, "Heartbeat period; must be < session.timeout.ms (KafkaSim needs >= 1).";
    M "enable.auto.commit", B, "true", ClientRestart, "Commit offsets in the background every auto.commit.interval.ms.";
    M "auto.commit.interval.ms", ms(0, INT), "5000", ClientRestart, "Auto-commit period.";
    M "auto.offset.reset", en(&["latest", "earliest", "none"]), "latest", ClientRestart, "Where to start without a committed offset.";
    M "partition.assignment.strategy", ValueType::List(ASSIGNORS), "range,cooperative-sticky", ClientRestart, "Assignors in preference order (names or class names); the group uses the first all members support.";
    M "group.instance.id", NE, "null", ClientRestart, "Static membership id (KIP-345); prefer the group's static_membership flag.";
    M "request.timeout.ms", ms(0, INT), "30000", ClientRestart, "How long the consumer waits for a response.";
    M "retry.backoff.ms", ms(0, LONG), "100", ClientRestart, "Pause before retrying a failed request.";
    U "bootstrap.servers", ANY_LIST, "", ClientRestart, "Brokers to bootstrap from (KafkaSim clients know the cluster).";
    U "group.id", S, "null", ClientRestart, "Group id (set it with the group's group_id).";
    U "client.id", S, "", ClientRestart, "Client id.";
    M "client.rack", S, "", ClientRestart, "Rack of the consumer (KIP-392): with the brokers' replica.selector.class set to RackAwareReplicaSelector, the leader points it at an in-sync replica in this rack.";
    U "key.deserializer", S, "null", ClientRestart, "Key deserializer class.";
    U "value.deserializer", S, "null", ClientRestart, "Value deserializer class.";
    M "isolation.level", en(&["read_uncommitted", "read_committed"]), "read_uncommitted", ClientRestart, "read_committed: fetches stop at the last stable offset and records of aborted transactions are dropped.";
    U "group.protocol", en(&["classic"]), "classic", ClientRestart, "Group protocol (KafkaSim models classic).";
    U "group.remote.assignor", S, "null", ClientRestart, "Server-side assignor of the consumer protocol.";
    U "check.crcs", B, "true", ClientRestart, "Verify record CRCs.";
    U "exclude.internal.topics", B, "true", ClientRestart, "Hide internal topics from pattern subscriptions.";
    U "allow.auto.create.topics", B, "true", ClientRestart, "Allow topic auto-creation on subscribe.";
    U "default.api.timeout.ms", ms(0, INT), "60000", ClientRestart, "Default timeout of blocking consumer calls.";
    U "metadata.max.age.ms", ms(0, LONG), "300000", ClientRestart, "Refresh metadata at least this often.";
    U "retry.backoff.max.ms", ms(0, LONG), "1000", ClientRestart, "Largest pause before a retry.";
    U "reconnect.backoff.ms", ms(0, LONG), "50", ClientRestart, "Pause before reconnecting.";
    U "reconnect.backoff.max.ms", ms(0, LONG), "1000", ClientRestart, "Largest pause before reconnecting.";
    U "send.buffer.bytes", by(-1, INT), "131072", ClientRestart, "SO_SNDBUF.";
    U "receive.buffer.bytes", by(-1, INT), "65536", ClientRestart, "SO_RCVBUF.";
    U "connections.max.idle.ms", ms(-1, LONG), "540000", ClientRestart, "Close idle connections after this long.";
    U "interceptor.classes", ANY_LIST, "", ClientRestart, "Consumer interceptors.";
    U "security.protocol", en(SECURITY), "PLAINTEXT", ClientRestart, "Security protocol.";
    U "client.dns.lookup", en(DNS), "use_all_dns_ips", ClientRestart, "DNS lookup mode.";
    U "enable.metrics.push", B, "true", ClientRestart, "Push client metrics to the broker (KIP-714).";
};
