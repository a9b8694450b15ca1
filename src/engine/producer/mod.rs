//! The producer client (KafkaProducer): the application's `send()` calls (workload), the
//! partitioner (murmur2 for keys, the sticky partitioner of KIP-480, built in since KIP-794, otherwise), the
//! RecordAccumulator, and the Sender with acks, retries, timeouts and idempotence (KIP-98).
//!
//! Records are handled in bulk: an application tick appends every record due since the last
//! tick (create times spread evenly), and ticks are scheduled no later than the next moment a
//! batch could become ready, so batching and latency are the same as record-by-record.

mod accumulator;
pub mod arrivals;
pub mod idempotence;
mod pause;
mod processor;
mod ready;
mod sender;
mod transactional;
mod workload;

use crate::engine::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use super::config::ProducerConfig;
use super::ctx::Ctx;
use super::ids::{BrokerId, NodeId, TopicIdx};
use super::partitioner::BuiltInPartitioner;
use super::protocol::Message;
use super::scenario::{Arrivals, ProducerSpec, Workload};
use super::time::SimTime;

pub use accumulator::{ProducerBatch, RecordAccumulator};
pub use processor::ProcessorProducerState;
pub use workload::{record_bytes, serialized_upper_bound};

/// Producer timers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProducerTimer {
    /// The application calls `send()` for the records due now.
    AppTick {
        /// Generation (stale ticks are ignored).
        gen: u64,
    },
    /// The sender wakes up (linger.ms expiry, retry backoff).
    Wakeup {
        /// Generation.
        gen: u64,
    },
    /// Check in-flight produce requests against `request.timeout.ms` (one timer at the earliest
    /// deadline, not one per request).
    RequestTimeouts,
    /// A metadata request got no answer.
    MetadataTimeout {
        /// Correlation id.
        correlation_id: u64,
    },
    /// Retry the transactional request the producer's phase needs (after a backoff).
    TxnRetry,
    /// A transactional request may have gone unanswered.
    TxnRequestTimeout {
        /// Correlation id.
        correlation_id: u64,
    },
    /// A `pause_client` pause ends.
    Resume,
}

impl ProducerTimer {
    /// The configs that set when this timer fires (named when the clock gets stuck on it).
    pub fn config_keys(&self) -> &'static [&'static str] {
        match self {
            ProducerTimer::AppTick { .. } => &["linger.ms", "batch.size", "max.block.ms"],
            ProducerTimer::Wakeup { .. } => &["retry.backoff.ms", "linger.ms"],
            ProducerTimer::RequestTimeouts
            | ProducerTimer::MetadataTimeout { .. }
            | ProducerTimer::TxnRequestTimeout { .. } => &["request.timeout.ms"],
            ProducerTimer::TxnRetry => &["retry.backoff.ms"],
            ProducerTimer::Resume => &[],
        }
    }
}

/// A produce request in flight.
#[derive(Clone, Debug)]
struct InFlight {
    broker: BrokerId,
    batches: Vec<ProducerBatch>,
    deadline: SimTime,
}

/// What the page and reports show of a producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerSnapshot {
    /// `client.id`.
    pub id: String,
    /// Topic.
    pub topic: String,
    /// `acks`.
    pub acks: String,
    /// `linger.ms`.
    pub linger_ms: u64,
    /// `batch.size`.
    pub batch_size: u64,
    /// Idempotence in effect.
    pub idempotent: bool,
    /// Records handed to `send()`.
    pub sent: u64,
    /// Records acknowledged.
    pub acked: u64,
    /// Records failed.
    pub failed: u64,
    /// Batch retries.
    pub retries: u64,
    /// Requests in flight.
    pub in_flight: u32,
    /// Bytes of `buffer.memory` in use.
    pub buffer_used: u64,
    /// Batches queued per partition.
    pub queued: Vec<u32>,
    /// Current sticky partition (keyless records).
    pub sticky_partition: Option<u32>,
    /// Leader per partition as this producer knows it.
    pub leaders: Vec<Option<BrokerId>>,
    /// Blocked on a full buffer.
    pub blocked: bool,
    /// Produce requests sent so far.
    #[serde(default)]
    pub requests: RequestCounters,
    /// Its transactional state (a producer with `transactional.id`, KIP-98), `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction: Option<crate::engine::txn::snapshot::TxnSnapshot>,
}

/// Produce requests a producer has put on the wire, with the batches, records and bytes they
/// carried (retries included): the counts behind Kafka's producer metrics `request-rate`,
/// `batch-size-avg` and `records-per-request-avg` (`SenderMetrics`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounters {
    /// ProduceRequests sent.
    pub requests: u64,
    /// Batches in them (one per partition per request).
    pub batches: u64,
    /// Records in them.
    pub records: u64,
    /// Bytes of the batches in them.
    pub bytes: u64,
}

/// A producer application and its client.
#[derive(Clone, Debug)]
pub struct Producer {
    index: u32,
    spec: ProducerSpec,
    config: ProducerConfig,
    topic: TopicIdx,
    partitions: u32,
    bootstrap: Vec<BrokerId>,
    leaders: Vec<Option<BrokerId>>,
    leader_epochs: Vec<u32>,
    /// The metadata request in flight: correlation id and broker.
    metadata_in_flight: Option<(u64, BrokerId)>,
    metadata_wanted: bool,
    accumulator: RecordAccumulator,
    sticky: Option<BuiltInPartitioner>,
    view: crate::engine::partitioner::TopicView,
    key_partitions: Vec<u32>,
    key_cdf: Vec<f64>,
    next_record: Vec<u64>,
    /// Idempotent sequences and epoch (KIP-98, KIP-360).
    sequences: idempotence::Sequences,
    in_flight: VecMap<u64, InFlight>,
    /// Reused by `drain`: the batches collected per leader.
    drain_scratch: Vec<(BrokerId, Vec<ProducerBatch>, u64)>,
    /// Requests in flight per broker id (`max.in.flight.requests.per.connection`).
    in_flight_per_broker: Vec<u32>,
    /// Per broker id: no new connection before this time (reconnect backoff after a request
    /// timed out and closed the connection).
    reconnect_at: Vec<SimTime>,
    timeout_timer: bool,
    next_correlation: u64,
    app: workload::AppState,
    tick_gen: u64,
    wakeup_gen: u64,
    wakeup_at: SimTime,
    sent: u64,
    acked: u64,
    failed: u64,
    retries: u64,
    /// When the last batch was acknowledged.
    last_ack: SimTime,
    /// The followed key's index: each record sent with it is noted
    /// ([`crate::engine::Engine::follow_key`]).
    follow_key: Option<u32>,
    requests: RequestCounters,
    /// The transactional state, for a producer with a `transactional.id`.
    txn: Option<crate::engine::txn::client::TxnProducer>,
    /// Paused (`pause_client`) until this time.
    paused_until: SimTime,
    /// What arrived during the pause.
    deferred: Vec<pause::Deferred>,
}

impl Producer {
    /// A producer writing `spec`'s workload to topic `topic`, bootstrapping from `bootstrap`.
    pub fn new(
        _index: u32,
        _node: NodeId,
        spec: &ProducerSpec,
        topic: TopicIdx,
        bootstrap: Vec<BrokerId>,
    ) -> Self {
        let index = _index;
        let config = spec.config.clone();
        Producer {
            index,
            spec: spec.clone(),
            config,
            topic,
            partitions: 0,
            bootstrap,
            leaders: Vec::new(),
            leader_epochs: Vec::new(),
            metadata_in_flight: None,
            metadata_wanted: true,
            accumulator: RecordAccumulator::new(0, spec.config.buffer_memory),
            sticky: None,
            view: Default::default(),
            key_partitions: Vec::new(),
            key_cdf: Vec::new(),
            next_record: Vec::new(),
            sequences: idempotence::Sequences::default(),
            in_flight: VecMap::new(),
            drain_scratch: Vec::new(),
            in_flight_per_broker: Vec::new(),
            reconnect_at: Vec::new(),
            timeout_timer: false,
            next_correlation: 0,
            app: workload::AppState {
                send_cost_ns: crate::engine::config::HardwareProfile::cloud().client_ns_per_record,
                ..Default::default()
            },
            tick_gen: 0,
            wakeup_gen: 0,
            wakeup_at: SimTime::MAX,
            sent: 0,
            acked: 0,
            failed: 0,
            retries: 0,
            last_ack: 0,
            follow_key: None,
            requests: RequestCounters::default(),
            txn: spec.config.transactional_id.as_ref().map(|id| {
                let (records, abort) = spec
                    .transactions
                    .map_or((100, 0.0), |t| (t.records, t.abort_ratio));
                crate::engine::txn::client::TxnProducer::new(id.clone(), records, abort)
            }),
            paused_until: 0,
            deferred: Vec::new(),
        }
    }

    /// The transactional state, for a producer with a `transactional.id`.
    pub fn transactional(&self) -> Option<&crate::engine::txn::client::TxnProducer> {
        self.txn.as_ref()
    }

    /// The application's CPU time per `send()` on its machine (the hardware profile's
    /// `client_ns_per_record`): what bounds a producer sending as fast as it can.
    pub fn set_send_cost(&mut self, ns: u64) {
        self.app.send_cost_ns = ns;
    }

    /// Scenario id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Starts: learns the partition count from the topic table, asks for metadata, and starts
    /// the application.
    pub fn start(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        let n = ctx.topics.partitions(self.topic).max(1);
        self.partitions = n;
        self.leaders = vec![None; n as usize];
        self.leader_epochs = vec![0; n as usize];
        self.accumulator = RecordAccumulator::new(n, self.config.buffer_memory);
        self.next_record = vec![0; n as usize];
        self.sequences = idempotence::Sequences::new(n);
        self.sticky =
            BuiltInPartitioner::new(self.config.batch_size.clamp(1, u32::MAX as u64) as u32).ok();
        self.prepare_keys();
        self.refresh_view();
        self.app.start = ctx.now;
        if let (Workload::Rate { records_per_s }, Arrivals::Poisson) =
            (&self.spec.workload, self.spec.arrivals)
        {
            self.app.poisson = Some(arrivals::PoissonArrivals::new(
                *records_per_s,
                ctx.now,
                ctx.rng,
            ));
        }
        self.request_metadata(ctx);
        self.schedule_tick(ctx, ctx.now);
        self.txn_step(ctx);
    }

    /// Handles a message from a broker.
    pub fn handle_message(&mut self, ctx: &mut Ctx<ProducerTimer>, from: NodeId, msg: Message) {
        if ctx.now < self.paused_until {
            self.deferred.push(pause::Deferred::Message(from, msg));
            return;
        }
        match msg {
            Message::MetadataResponse {
                correlation_id,
                partitions,
                ..
            } => self.on_metadata(ctx, correlation_id, partitions),
            Message::ProduceResponse {
                correlation_id,
                partitions,
            } => self.on_produce_response(ctx, from, correlation_id, partitions),
            Message::FindCoordinatorResponse {
                correlation_id,
                error,
                coordinator,
            } => self.on_txn_coordinator(ctx, correlation_id, error, coordinator),
            Message::Txn(t) => self.on_txn_message(ctx, *t),
            _ => {}
        }
    }

    /// A message could not be delivered (the broker process is down): fail fast and retry.
    pub fn handle_unreachable(&mut self, ctx: &mut Ctx<ProducerTimer>, _to: NodeId, msg: Message) {
        if self.defer(ctx.now, || pause::Deferred::Unreachable(_to, msg.clone())) {
            return;
        }
        match msg {
            Message::ProduceRequest { correlation_id, .. } => self.fail_request(
                ctx,
                correlation_id,
                super::protocol::ErrorCode::NetworkException,
            ),
            Message::MetadataRequest { correlation_id }
                if self.metadata_in_flight.map(|m| m.0) == Some(correlation_id) =>
            {
                self.metadata_in_flight = None;
                self.metadata_wanted = true;
                self.schedule_wakeup(
                    ctx,
                    crate::engine::time::after_ms(ctx.now, self.config.retry_backoff_ms),
                );
            }
            Message::Txn(t) => {
                let c = match *t {
                    super::protocol::TxnMessage::FindCoordinator { correlation_id, .. }
                    | super::protocol::TxnMessage::InitProducerId { correlation_id, .. }
                    | super::protocol::TxnMessage::AddPartitions { correlation_id, .. }
                    | super::protocol::TxnMessage::EndTxn { correlation_id, .. }
                    | super::protocol::TxnMessage::AddOffsets { correlation_id, .. }
                    | super::protocol::TxnMessage::TxnOffsetCommit { correlation_id, .. } => {
                        correlation_id
                    }
                    _ => return,
                };
                self.on_txn_timeout(ctx, c);
            }
            Message::FindCoordinatorRequest { correlation_id, .. } => {
                self.on_txn_timeout(ctx, correlation_id)
            }
            _ => {}
        }
    }

    /// The connection to `peer` closed (its process died): every request in flight to it fails
    /// with NETWORK_EXCEPTION (retried after a metadata refresh), as Kafka's `NetworkClient`
    /// completes a dropped connection's requests as disconnected.
    pub fn handle_disconnect(&mut self, ctx: &mut Ctx<ProducerTimer>, peer: NodeId) {
        if self.defer(ctx.now, || pause::Deferred::Disconnect(peer)) {
            return;
        }
        let lost: Vec<u64> = self
            .in_flight
            .iter()
            .filter(|(_, r)| NodeId(r.broker) == peer)
            .map(|(&id, _)| id)
            .collect();
        for id in lost {
            self.fail_request(ctx, id, super::protocol::ErrorCode::NetworkException);
        }
        if self.txn.is_some() {
            self.txn_request_disconnected(ctx, peer.0);
        }
    }

    /// Handles a timer.
    pub fn handle_timer(&mut self, ctx: &mut Ctx<ProducerTimer>, t: ProducerTimer) {
        if t == ProducerTimer::Resume {
            return self.resume(ctx);
        }
        if ctx.now < self.paused_until {
            self.deferred.push(pause::Deferred::Timer(t));
            return;
        }
        match t {
            ProducerTimer::AppTick { gen } if gen == self.tick_gen => self.app_tick(ctx),
            ProducerTimer::Wakeup { gen } if gen == self.wakeup_gen => {
                self.wakeup_at = SimTime::MAX;
                if self.metadata_wanted && self.metadata_in_flight.is_none() {
                    self.request_metadata(ctx);
                }
                self.drain(ctx);
            }
            ProducerTimer::RequestTimeouts => {
                self.timeout_timer = false;
                let now = ctx.now;
                let expired: Vec<(u64, BrokerId)> = self
                    .in_flight
                    .iter()
                    .filter(|(_, r)| r.deadline <= now)
                    .map(|(&id, r)| (id, r.broker))
                    .collect();
                for (id, broker) in expired {
                    self.close_after_timeout(now, broker);
                    self.fail_request(ctx, id, super::protocol::ErrorCode::RequestTimedOut);
                }
                self.arm_request_timeouts(ctx);
            }
            ProducerTimer::MetadataTimeout { correlation_id }
                if self.metadata_in_flight.map(|m| m.0) == Some(correlation_id) =>
            {
                if let Some((_, broker)) = self.metadata_in_flight.take() {
                    self.close_after_timeout(ctx.now, broker);
                }
                self.metadata_wanted = true;
                self.request_metadata(ctx);
            }
            ProducerTimer::TxnRetry => self.txn_step(ctx),
            ProducerTimer::TxnRequestTimeout { correlation_id } => {
                self.on_txn_timeout(ctx, correlation_id)
            }
            _ => {}
        }
    }

    /// A live config change: Kafka needs a new producer for most configs, so the client is
    /// reconfigured in place keeping its queues and counters (documented simplification).
    pub fn reconfigure(&mut self, ctx: &mut Ctx<ProducerTimer>, new: ProducerConfig) {
        self.accumulator.capacity_bytes = new.buffer_memory;
        self.config = new;
        self.sticky =
            BuiltInPartitioner::new(self.config.batch_size.clamp(1, u32::MAX as u64) as u32).ok();
        self.spec.config = self.config.clone();
        // linger.ms may have changed: the parked partitions are looked at again.
        self.accumulator.ready.touch_all();
        self.drain(ctx);
    }

    /// Notes every record sent with key `key-{key}` from now on (observation only).
    pub fn follow_key(&mut self, key: Option<u32>) {
        self.follow_key = key;
    }

    /// Records handed to `send()`, acknowledged and failed so far.
    pub fn totals(&self) -> (u64, u64, u64) {
        (self.sent, self.acked, self.failed)
    }

    /// Leaders whose parked partitions the drains looked at, in all (see `drain_work`).
    pub fn drain_leader_work(&self) -> u64 {
        self.accumulator.ready.leaders_looked_at
    }

    /// Sender drains so far and the partitions they looked at in all: what a drain costs, as
    /// the tests pin it (proportional to the partitions that changed, not to the topic's size).
    pub fn drain_work(&self) -> (u64, u64) {
        (
            self.accumulator.ready.drains,
            self.accumulator.ready.visited,
        )
    }

    /// When the last batch was acknowledged (0 before the first).
    pub fn last_ack(&self) -> SimTime {
        self.last_ack
    }

    /// What the page shows.
    pub fn snapshot(&self) -> ProducerSnapshot {
        ProducerSnapshot {
            id: self.spec.id.clone(),
            topic: self.spec.topic.clone(),
            acks: self.config.acks.as_str().into(),
            linger_ms: self.config.linger_ms,
            batch_size: self.config.batch_size,
            idempotent: self.config.idempotence_effective(),
            sent: self.sent,
            acked: self.acked,
            failed: self.failed,
            retries: self.retries,
            in_flight: self.in_flight.len() as u32,
            buffer_used: self.buffer_used(),
            queued: (0..self.partitions)
                .map(|p| self.accumulator.queued_batches(p))
                .collect(),
            sticky_partition: self.sticky.as_ref().and_then(|s| s.current_partition()),
            leaders: self.leaders.clone(),
            blocked: self.app.blocked_since.is_some(),
            requests: self.requests,
            transaction: self.txn.as_ref().map(|t| t.snapshot()),
        }
    }

    /// Produce requests sent so far (sampled for the request metrics).
    pub fn request_counters(&self) -> RequestCounters {
        self.requests
    }

    fn buffer_used(&self) -> u64 {
        self.accumulator.used_bytes
    }
}

#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod tests;
