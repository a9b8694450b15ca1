//! The run report: what `kafka-sim run --json` writes and the page exports. Its schema is
//! documented in the README.

use serde::{Deserialize, Serialize};

use super::ids::BrokerId;
use super::sim::Engine;
use super::time::{MICROS, MILLIS};

/// Produce counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Produced {
    /// Records handed to `send()`.
    pub sent: u64,
    /// Records acknowledged (acks=0: considered sent).
    pub acked: u64,
    /// Records that failed for good.
    pub failed: u64,
}

/// Invariant checker counts (records, unless named otherwise).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Invariants {
    /// Acknowledged records no longer in the leader's log.
    pub acked_lost: u64,
    /// Records present more than once in a log.
    pub duplicates: u64,
    /// Records out of their producer's order within a partition.
    pub out_of_order: u64,
    /// Records a consumer got from at or above the high watermark.
    pub read_above_hw: u64,
    /// Times two different leaders used the same leader epoch of a partition.
    pub two_leaders_same_epoch: u64,
    /// Records consumed again after a crash or rebalance (not a log duplicate).
    pub redelivered: u64,
    /// Records below a group's committed offset that no member of the group ever received
    /// (Kafka's at-least-once contract broken); records an `auto.offset.reset` jumps over are
    /// not owed.
    #[serde(default)]
    pub skipped: u64,
    /// Commits that moved a group's committed offset for a partition backwards, outside an
    /// offset reset.
    #[serde(default)]
    pub commit_regressions: u64,
    /// First example of each violation, human-readable.
    pub first_examples: Vec<String>,
    /// Records of aborted transactions a read_committed group received.
    #[serde(default)]
    pub aborted_read: u64,
    /// Records a read_committed group received above the last stable offset.
    #[serde(default)]
    pub uncommitted_read: u64,
    /// Input records a processor's committed output holds more than once (scenarios with
    /// processors only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eos_duplicates: Option<u64>,
    /// Input records below a processor group's committed offset missing from its committed
    /// output (scenarios with processors only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eos_missing: Option<u64>,
}

/// Throughput over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Acknowledged records per simulated second.
    pub produce_records_per_s: f64,
    /// Acknowledged megabytes (10^6 bytes) per simulated second.
    pub produce_mb_per_s: f64,
    /// Consumed records per simulated second.
    pub consume_records_per_s: f64,
}

/// Latency percentiles in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
}

/// Latency distributions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// `send()` to acknowledgement.
    pub produce_ack: Percentiles,
    /// `send()` to a consumer's poll returning the record.
    pub end_to_end: Percentiles,
}

/// A partition at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartitionReport {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: u32,
    /// Leader, `null` when offline.
    pub leader: Option<BrokerId>,
    /// ISR.
    pub isr: Vec<BrokerId>,
    /// Replicas.
    pub replicas: Vec<BrokerId>,
    /// Leader's high watermark.
    pub high_watermark: u64,
    /// Leader's log end offset.
    pub log_end_offset: u64,
    /// The leader's last stable offset: below it every transaction is decided.
    #[serde(default)]
    pub last_stable_offset: u64,
}

/// A consumer group at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// `group.id`.
    pub group_id: String,
    /// Total lag (high watermark − committed offset, summed over partitions).
    pub lag: u64,
    /// Completed rebalances.
    pub rebalances: u64,
    /// Total time the group spent rebalancing (from the first JoinGroup of a rebalance to the
    /// assignment), ms: the pause eager rebalances impose on the whole group.
    pub rebalance_ms: f64,
    /// `isolation.level` of its members.
    #[serde(default)]
    pub isolation_level: String,
}

/// Transactions (scenarios with a transactional producer): as the coordinators completed them,
/// and producers fenced by a newer instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TransactionsReport {
    /// Completed with COMMIT markers.
    pub committed: u64,
    /// Completed with ABORT markers (timed-out ones included).
    pub aborted: u64,
    /// Aborted by the coordinator after `transaction.timeout.ms`.
    pub timed_out: u64,
    /// Producers fenced (`ProducerFencedException`).
    pub fenced: u64,
}

/// Everything a run produced, for humans and machines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Simulated time, ms (rounded down).
    pub simulated_ms: u64,
    /// Simulated time, µs (rounded down): exact for a run stopped at a whole microsecond, such
    /// as `kafka-sim run --until-us N` or a page paused at a frame boundary.
    #[serde(default)]
    pub simulated_us: u64,
    /// Events processed.
    pub events: u64,
    /// Wall-clock time the run took, ms (measured by the caller; 0 in the page).
    pub wall_ms: f64,
    /// Events per wall second.
    pub events_per_s: f64,
    /// Trace hash, 16 hex digits: equal runs have equal hashes.
    pub trace_hash: String,
    /// Produce counters.
    pub produced: Produced,
    /// Records consumed.
    pub consumed: u64,
    /// Invariant checker.
    pub invariants: Invariants,
    /// Throughput.
    pub throughput: Throughput,
    /// Latency.
    pub latency_ms: Latency,
    /// Partitions.
    pub partitions: Vec<PartitionReport>,
    /// Groups.
    pub groups: Vec<GroupReport>,
    /// Brokers and their racks (only for a cluster with racks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brokers: Vec<crate::engine::racks::BrokerRack>,
    /// Traffic between racks and its monthly price (only for a cluster with racks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone: Option<crate::engine::racks::CrossZone>,
    /// Present when the scenario has a transactional producer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<TransactionsReport>,
}

impl Engine {
    /// The report of the run so far; `wall_ms` is the caller's measurement (the engine has no
    /// wall clock).
    pub fn report(&mut self, wall_ms: f64) -> Report {
        let simulated_ms = self.now() / MILLIS;
        let events = self.events_processed();
        let mut report = Report {
            scenario: self.scenario().name.clone(),
            seed: self.scenario().seed,
            simulated_ms,
            simulated_us: self.now() / MICROS,
            events,
            wall_ms,
            events_per_s: if wall_ms > 0.0 {
                events as f64 / (wall_ms / 1000.0)
            } else {
                0.0
            },
            trace_hash: format!("{:016x}", self.trace_hash()),
            produced: Produced::default(),
            consumed: 0,
            invariants: Invariants::default(),
            throughput: Throughput::default(),
            latency_ms: Latency::default(),
            partitions: self
                .partition_snapshots()
                .into_iter()
                .map(|p| PartitionReport {
                    topic: p.topic,
                    partition: p.partition,
                    leader: p.leader,
                    isr: p.isr,
                    replicas: p.replicas,
                    high_watermark: p.high_watermark,
                    log_end_offset: p.log_end_offset,
                    last_stable_offset: p.last_stable_offset,
                })
                .collect(),
            groups: Vec::new(),
            brokers: self.broker_racks(),
            cross_zone: self.cross_zone(),
            transactions: None,
        };
        self.fill_observed(&mut report);
        report
    }
}
