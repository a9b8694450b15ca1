//! Transactions server-side defense (KIP-890), transaction version 2 — the default of a
//! Kafka 4.x cluster (`transaction.version=2`, "Transaction Protocol" in Kafka's operations
//! docs). A 4.x producer no longer sends AddPartitionsToTxn for the partitions it writes: the
//! partition leader does, when a transactional batch arrives for a producer with no
//! transaction open in that partition under that epoch (`UnifiedLog.hasOngoingTransaction`,
//! `maybeStartTransactionVerification`). `ReplicaManager.handleProduceAppend` holds the
//! request while `AddPartitionsToTxnManager` asks the producer's transaction coordinator (the
//! leader of its `__transaction_state` partition) to add the partitions, and appends only once
//! it answered. So a batch can no longer land in a partition its transaction does not know
//! about (a "hanging" transaction that would hold the LSO for good).
//!
//! The coordinator answers CONCURRENT_TRANSACTIONS while the previous transaction's markers
//! are still being written; the leader retries that itself every
//! `add.partitions.to.txn.retry.backoff.ms` (20 ms) for at most
//! `add.partitions.to.txn.retry.backoff.max.ms` (100 ms, KAFKA-18654) before answering the
//! producer. Errors reach the producer translated as `ReplicaManager` translates them: the
//! retriable coordinator errors (concurrent transactions, coordinator not available or moved,
//! a lost connection) become NOT_ENOUGH_REPLICAS (the client retries without a metadata
//! refresh), PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE stays.
//!
//! The request is held before its CPU and disk work (a produce request waits in the
//! verification before `appendRecords`), and its connection stays muted meanwhile (no later
//! request of that producer is read), as Kafka's network layer keeps it until the response.

use super::*;
use crate::engine::config::Acks;
use crate::engine::ctx::Ctx;
use crate::engine::ids::NodeId;
use crate::engine::protocol::{
    ErrorCode, Message, ProducePartition, ProducePartitionResponse, TxnMessage,
};
use crate::engine::time::ms;
use crate::engine::timer::BrokerTimer;

/// `add.partitions.to.txn.retry.backoff.ms` (broker config, default 20).
pub const ADD_PARTITIONS_RETRY_BACKOFF_MS: u64 = 20;
/// `add.partitions.to.txn.retry.backoff.max.ms` (broker config, default 100): how long the
/// leader keeps retrying CONCURRENT_TRANSACTIONS.
pub const ADD_PARTITIONS_RETRY_MAX_MS: u64 = 100;
/// The inter-broker `request.timeout.ms` (30 s): an AddPartitionsToTxn unanswered this long
/// fails as a network error.
const VERIFY_REQUEST_TIMEOUT_MS: u64 = 30_000;

/// A produce request as read off the connection.
#[derive(Clone, Debug)]
pub(super) struct HeldProduce {
    pub from: NodeId,
    pub correlation_id: u64,
    pub acks: Acks,
    pub timeout_ms: u64,
    pub partitions: Vec<ProducePartition>,
}

/// A produce request waiting for its transaction coordinator.
#[derive(Clone, Debug)]
pub(super) struct Verification {
    request: HeldProduce,
    transactional_id: Box<str>,
    producer_id: i64,
    epoch: i16,
    /// The partitions being added.
    partitions: Vec<TopicPartition>,
    /// When the first AddPartitionsToTxn was sent (the retry window starts there).
    started: SimTime,
    /// The coordinator the request in flight went to, `None` while waiting to retry.
    sent_to: Option<BrokerId>,
    /// When the request in flight times out.
    deadline: SimTime,
}

impl BrokerProcess {
    /// A produce request carrying a `transactional.id`: its partitions led here whose batch
    /// opens a transaction (none open for the producer under this epoch) are first added to the
    /// transaction by the coordinator; a request without such a partition goes straight on.
    pub(super) fn produce_or_verify(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        request: HeldProduce,
        transactional_id: Box<str>,
    ) {
        let mut producer = None;
        let mut partitions = Vec::new();
        for p in &request.partitions {
            let b = &p.batch;
            if !b.is_transactional() || b.control().is_some() {
                continue;
            }
            let leads = self
                .replicas
                .get(&p.tp)
                .is_some_and(|r| r.role == Role::Leader);
            let open = self
                .disk
                .logs
                .get(&p.tp)
                .is_some_and(|log| log.has_open_txn(b.producer_id, b.producer_epoch));
            if leads && !open {
                producer = Some((b.producer_id, b.producer_epoch));
                partitions.push(p.tp);
            }
        }
        let Some((producer_id, epoch)) = producer else {
            return self.schedule_produce(ctx, request);
        };
        let v = Verification {
            request,
            transactional_id,
            producer_id,
            epoch,
            partitions,
            started: ctx.now,
            sent_to: None,
            deadline: SimTime::MAX,
        };
        let id = self.next_id();
        self.verifications.insert(id, v);
        self.send_verification(ctx, id);
    }

    /// Sends (again) the AddPartitionsToTxn of verification `id` to the coordinator of its
    /// transactional id, as the metadata image names it (`AddPartitionsToTxnManager
    /// .getTransactionCoordinator`); without one it fails as COORDINATOR_NOT_AVAILABLE.
    fn send_verification(&mut self, ctx: &mut Ctx<BrokerTimer>, id: u64) {
        let Some(v) = self.verifications.get(&id) else {
            return;
        };
        let coordinator = ctx.topics.txn_topic().and_then(|t| {
            let n = ctx.topics.partitions(t);
            let p = crate::engine::group::offsets_partition_for(&v.transactional_id, n);
            self.disk
                .metadata
                .partitions
                .get(&TopicPartition::new(t, p))
                .and_then(|s| s.leader)
        });
        let Some(coordinator) = coordinator else {
            return self.verification_done(ctx, id, ErrorCode::CoordinatorNotAvailable);
        };
        let msg = TxnMessage::AddPartitions {
            correlation_id: id,
            transactional_id: v.transactional_id.to_string(),
            producer_id: v.producer_id,
            epoch: v.epoch,
            partitions: v.partitions.clone(),
        };
        let deadline = ctx.now.saturating_add(ms(VERIFY_REQUEST_TIMEOUT_MS));
        if let Some(v) = self.verifications.get_mut(&id) {
            v.sent_to = Some(coordinator);
            v.deadline = deadline;
        }
        ctx.send(NodeId(coordinator), Message::Txn(Box::new(msg)));
        ctx.timer_at(deadline, BrokerTimer::TxnVerify { id });
    }

    /// The coordinator answered verification `id`.
    pub(super) fn on_verification_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        from: NodeId,
        id: u64,
        error: ErrorCode,
    ) {
        let Some(v) = self.verifications.get_mut(&id) else {
            return;
        };
        if v.sent_to != Some(from.0) {
            return; // an answer to a request given up
        }
        v.sent_to = None;
        let retry_at = ctx.now.saturating_add(ms(ADD_PARTITIONS_RETRY_BACKOFF_MS));
        if error == ErrorCode::ConcurrentTransactions
            && retry_at <= v.started.saturating_add(ms(ADD_PARTITIONS_RETRY_MAX_MS))
        {
            // The previous transaction's markers are still being written (KAFKA-18654).
            v.deadline = retry_at;
            ctx.timer_at(retry_at, BrokerTimer::TxnVerify { id });
            return;
        }
        self.verification_done(ctx, id, error);
    }

    /// The verification timer: a retry is due, or the request in flight timed out.
    pub(super) fn on_verification_timer(&mut self, ctx: &mut Ctx<BrokerTimer>, id: u64) {
        let Some(v) = self.verifications.get(&id) else {
            return;
        };
        if v.deadline != ctx.now {
            return; // superseded
        }
        if v.sent_to.is_some() {
            return self.verification_done(ctx, id, ErrorCode::NetworkException);
        }
        self.send_verification(ctx, id);
    }

    /// The AddPartitionsToTxn could not reach `to`, or the connection to it closed: every
    /// verification waiting on it fails as a network error.
    pub(super) fn fail_verifications_to(&mut self, ctx: &mut Ctx<BrokerTimer>, to: BrokerId) {
        let ids: Vec<u64> = self
            .verifications
            .iter()
            .filter(|(_, v)| v.sent_to == Some(to))
            .map(|(&id, _)| id)
            .collect();
        for id in ids {
            self.verification_done(ctx, id, ErrorCode::NetworkException);
        }
    }

    /// Verification `id` ended: on success the request goes on to its append; otherwise every
    /// partition being added gets the translated error (the others are appended).
    fn verification_done(&mut self, ctx: &mut Ctx<BrokerTimer>, id: u64, error: ErrorCode) {
        let Some(v) = self.verifications.remove(&id) else {
            return;
        };
        if error == ErrorCode::None {
            return self.schedule_produce(ctx, v.request);
        }
        let error = match error {
            ErrorCode::ConcurrentTransactions
            | ErrorCode::NetworkException
            | ErrorCode::CoordinatorLoadInProgress
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::NotCoordinator => ErrorCode::NotEnoughReplicas,
            ErrorCode::ProducerFenced => ErrorCode::InvalidProducerEpoch,
            e => e,
        };
        let mut request = v.request;
        let (refused, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut request.partitions)
            .into_iter()
            .partition(|p| v.partitions.contains(&p.tp));
        let refused: Vec<_> = refused
            .into_iter()
            .map(|p| ProducePartitionResponse {
                tp: p.tp,
                error,
                base_offset: 0,
                leader_epoch: 0,
            })
            .collect();
        request.partitions = rest;
        self.schedule_produce_with(ctx, request, refused);
    }
}
