//! The transaction coordinator (Kafka's `TransactionCoordinator`, `TransactionStateManager`
//! and `TransactionMarkerChannelManager`), hosted by every broker for the
//! `__transaction_state` partitions it leads. A transaction's metadata changes only through a
//! record written to its partition of `__transaction_state`; the change takes effect — and the
//! client is answered — once that record is committed (the high watermark passed it), so a new
//! coordinator that replays the log resumes exactly where the old one stopped: a transaction in
//! PrepareCommit/PrepareAbort has its markers written again and is completed, an Ongoing one is
//! aborted when it times out.
//!
//! Transaction version 2 (KIP-890 part 2, the Kafka 4.x default): every EndTxn bumps the
//! producer epoch, so a late retry of the previous transaction's batches is fenced, and the
//! markers carry the new epoch; the partitions a producer writes are added by their leaders
//! (AddPartitionsToTxn from a broker, `broker/txn_verify.rs`), a processor's offsets partition
//! by its AddOffsetsToTxn. While the previous transaction's markers are being written the
//! coordinator answers CONCURRENT_TRANSACTIONS, which the leader retries.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::{BrokerId, NodeId, TopicPartition};
use crate::engine::log::PartitionLog;
use crate::engine::metadata_image::MetadataImage;
use crate::engine::protocol::{
    ErrorCode, InternalRecord, Message, TxnLogValue, TxnMessage, TxnState,
};
use crate::engine::time::{ms, SimTime};
use crate::engine::timer::BrokerTimer;
use crate::engine::tp_map::TpMap;

/// How often the coordinator looks for timed-out transactions
/// (`transaction.abort.timed.out.transaction.cleanup.interval.ms`, default 10 s).
pub const ABORT_CHECK_INTERVAL_MS: u64 = 10_000;
/// How often markers whose request failed are sent again (the marker channel retries after an
/// error, a disconnect, or on a metadata change; one period here).
pub const MARKER_RETRY_MS: u64 = 100;
/// A marker request unanswered this long is sent again (the inter-broker `request.timeout.ms`).
/// Never sooner: a second copy of a marker still waiting for replication could land after the
/// next transaction's first batch and end it.
const MARKER_RESEND_MS: u64 = 30_000;

/// The producer id of a `transactional.id` (Kafka allocates blocks from the controller; a
/// stable hash gives every coordinator the same answer here).
pub fn producer_id_for(transactional_id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in transactional_id.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    2_000_000_000 + (h % 1_000_000_000) as i64
}

/// One transactional id's metadata (`TransactionMetadata`).
#[derive(Clone, Debug, PartialEq)]
pub struct TxnMetadata {
    /// Its `__transaction_state` partition.
    pub partition: u32,
    /// Producer id.
    pub producer_id: i64,
    /// Current producer epoch.
    pub epoch: i16,
    /// `transaction.timeout.ms`.
    pub timeout_ms: u64,
    /// Committed state.
    pub state: TxnState,
    /// Partitions in the current transaction.
    pub partitions: BTreeSet<TopicPartition>,
    /// When the current transaction started.
    pub start_time: SimTime,
    /// A write in progress: the record it will make the metadata.
    pending: Option<TxnLogValue>,
    /// The client's answer, sent when the pending write commits.
    reply: Option<(NodeId, TxnMessage)>,
    /// Partitions whose marker is not written yet (in a Prepare state).
    markers_left: BTreeSet<TopicPartition>,
    /// Whether the abort in progress was started by the timeout.
    timed_out: bool,
}

impl TxnMetadata {
    fn value(&self, id: &str) -> TxnLogValue {
        TxnLogValue {
            transactional_id: id.to_string(),
            producer_id: self.producer_id,
            epoch: self.epoch,
            timeout_ms: self.timeout_ms,
            state: self.state,
            partitions: self.partitions.iter().copied().collect(),
            start_time: self.start_time,
        }
    }
}

/// Transactions that ended, counted by the coordinators.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TxnCounts {
    /// Completed with COMMIT markers.
    pub committed: u64,
    /// Completed with ABORT markers (timed-out ones included).
    pub aborted: u64,
    /// Aborted by `transaction.timeout.ms`.
    pub timed_out: u64,
}

/// A record for `__transaction_state` partition `partition`, waiting for the broker to append it.
#[derive(Clone, Debug)]
pub struct TxnWrite {
    /// Partition of `__transaction_state`.
    pub partition: u32,
    /// The record.
    pub value: TxnLogValue,
}

/// The coordinator of the transactional ids whose `__transaction_state` partition this broker
/// leads.
#[derive(Clone, Debug, Default)]
pub struct TxnCoordinator {
    txns: BTreeMap<String, TxnMetadata>,
    led: BTreeSet<u32>,
    writes: Vec<TxnWrite>,
    /// Markers in flight: correlation id → (transactional id, partition, sent at).
    in_flight: BTreeMap<u64, (String, TopicPartition, SimTime, BrokerId)>,
    next_correlation: u64,
    next_abort_check: SimTime,
    tick_armed: bool,
    /// Ended transactions.
    pub counts: TxnCounts,
}

impl TxnCoordinator {
    /// The metadata of every transactional id this coordinator holds.
    pub fn transactions(&self) -> &BTreeMap<String, TxnMetadata> {
        &self.txns
    }

    /// Takes the records to append.
    pub fn take_writes(&mut self) -> Vec<TxnWrite> {
        std::mem::take(&mut self.writes)
    }

    fn write(&mut self, id: &str, value: TxnLogValue) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        m.pending = Some(value.clone());
        self.writes.push(TxnWrite {
            partition: m.partition,
            value,
        });
    }

    /// The partitions of `__transaction_state` this broker leads changed: metadata of the
    /// partitions it gained is loaded from their logs (the last record of each id wins), that
    /// of partitions it lost is dropped.
    pub fn on_leadership_change(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        led: &BTreeSet<u32>,
        topic: u32,
        logs: &TpMap<PartitionLog>,
    ) {
        self.txns.retain(|_, m| led.contains(&m.partition));
        self.in_flight.retain(|_, (id, _, _, _)| {
            // Markers of dropped ids are forgotten.
            !id.is_empty()
        });
        for &p in led.iter().filter(|p| !self.led.contains(p)) {
            let Some(log) = logs.get(&TopicPartition::new(topic, p)) else {
                continue;
            };
            // The whole log, as `TransactionStateManager.loadTransactionsForTxnTopicPartition`
            // reads it to its end: a new leader never truncates its own log, so every record in
            // it is (or will be) committed — stopping at this replica's high watermark, which
            // lags the old leader's, would forget changes already acknowledged to clients.
            for (_, record) in log.payloads() {
                if let InternalRecord::TxnLog(v) = record {
                    let m = TxnMetadata {
                        partition: p,
                        producer_id: v.producer_id,
                        epoch: v.epoch,
                        timeout_ms: v.timeout_ms,
                        state: v.state,
                        partitions: v.partitions.iter().copied().collect(),
                        start_time: v.start_time,
                        pending: None,
                        reply: None,
                        markers_left: BTreeSet::new(),
                        timed_out: false,
                    };
                    self.txns.insert(v.transactional_id.clone(), m);
                }
            }
            // Transactions caught between PREPARE and COMPLETE get their markers again.
            for m in self.txns.values_mut().filter(|m| m.partition == p) {
                if matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort) {
                    m.markers_left = m.partitions.clone();
                }
            }
        }
        self.led = led.clone();
        self.arm_tick(ctx);
    }

    fn arm_tick(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if !self.tick_armed && !self.txns.is_empty() {
            self.tick_armed = true;
            ctx.timer_in(ms(MARKER_RETRY_MS), BrokerTimer::TxnTick);
        }
    }

    fn led_partition(&self, id: &str, partitions: u32) -> Result<u32, ErrorCode> {
        let p = crate::engine::group::offsets_partition_for(id, partitions);
        if self.led.contains(&p) {
            Ok(p)
        } else {
            Err(ErrorCode::NotCoordinator)
        }
    }

    /// A client request (InitProducerId, AddPartitionsToTxn, EndTxn). Answers at once on an
    /// error; otherwise writes the new state and answers once it is committed.
    pub fn handle_request(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        from: NodeId,
        msg: TxnMessage,
        txn_partitions: u32,
    ) {
        let now = ctx.now;
        let (id, reply) = match msg {
            TxnMessage::InitProducerId {
                correlation_id,
                transactional_id,
                timeout_ms,
            } => {
                let reply = |error, producer_id, epoch| TxnMessage::InitProducerIdResponse {
                    correlation_id,
                    error,
                    producer_id,
                    epoch,
                };
                let p = match self.led_partition(&transactional_id, txn_partitions) {
                    Ok(p) => p,
                    Err(e) => return ctx.send(from, Message::Txn(Box::new(reply(e, -1, 0)))),
                };
                let m = self
                    .txns
                    .entry(transactional_id.clone())
                    .or_insert_with(|| TxnMetadata {
                        partition: p,
                        producer_id: producer_id_for(&transactional_id),
                        epoch: -1,
                        timeout_ms,
                        state: TxnState::Empty,
                        partitions: BTreeSet::new(),
                        start_time: now,
                        pending: None,
                        reply: None,
                        markers_left: BTreeSet::new(),
                        timed_out: false,
                    });
                if m.pending.is_some()
                    || matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort)
                {
                    let e = ErrorCode::ConcurrentTransactions;
                    return ctx.send(from, Message::Txn(Box::new(reply(e, -1, 0))));
                }
                if m.state == TxnState::Ongoing {
                    // A new instance: the old one's open transaction is aborted under a bumped
                    // epoch (fencing it); the client retries (`handleInitProducerId`).
                    let mut v = m.value(&transactional_id);
                    v.epoch = m.epoch.wrapping_add(1);
                    v.state = TxnState::PrepareAbort;
                    self.write(&transactional_id, v);
                    let e = ErrorCode::ConcurrentTransactions;
                    return ctx.send(from, Message::Txn(Box::new(reply(e, -1, 0))));
                }
                let mut v = m.value(&transactional_id);
                v.epoch = m.epoch.wrapping_add(1).max(0);
                v.timeout_ms = timeout_ms;
                v.state = TxnState::Empty;
                v.partitions.clear();
                let r = reply(ErrorCode::None, v.producer_id, v.epoch);
                self.write(&transactional_id, v);
                (transactional_id, r)
            }
            TxnMessage::AddPartitions {
                correlation_id,
                transactional_id,
                producer_id,
                epoch,
                partitions,
            } => {
                let reply = |error| TxnMessage::AddPartitionsResponse {
                    correlation_id,
                    error,
                };
                let check = self.check(&transactional_id, txn_partitions, producer_id, epoch);
                let m = match check {
                    Ok(_) => self.txns.get_mut(&transactional_id).expect("checked"),
                    Err(e) => return ctx.send(from, Message::Txn(Box::new(reply(e)))),
                };
                if m.state == TxnState::Ongoing
                    && partitions.iter().all(|tp| m.partitions.contains(tp))
                {
                    return ctx.send(from, Message::Txn(Box::new(reply(ErrorCode::None))));
                }
                let mut v = m.value(&transactional_id);
                if m.state != TxnState::Ongoing {
                    v.start_time = now;
                    v.partitions.clear();
                }
                for tp in partitions {
                    if !v.partitions.contains(&tp) {
                        v.partitions.push(tp);
                    }
                }
                v.partitions.sort();
                v.state = TxnState::Ongoing;
                self.write(&transactional_id, v);
                (transactional_id, reply(ErrorCode::None))
            }
            TxnMessage::EndTxn {
                correlation_id,
                transactional_id,
                producer_id,
                epoch,
                commit,
            } => {
                let reply = |error, epoch| TxnMessage::EndTxnResponse {
                    correlation_id,
                    error,
                    epoch,
                };
                let m = match self.txns.get(&transactional_id) {
                    Some(m) if self.led.contains(&m.partition) => m,
                    _ => {
                        let e = ErrorCode::NotCoordinator;
                        return ctx.send(from, Message::Txn(Box::new(reply(e, epoch))));
                    }
                };
                // A retry of an EndTxn that already went through (the epoch was bumped).
                let done = if commit {
                    [TxnState::PrepareCommit, TxnState::CompleteCommit]
                } else {
                    [TxnState::PrepareAbort, TxnState::CompleteAbort]
                };
                if m.pending.is_none()
                    && m.producer_id == producer_id
                    && m.epoch == epoch.wrapping_add(1)
                    && done.contains(&m.state)
                {
                    let r = reply(ErrorCode::None, m.epoch);
                    return ctx.send(from, Message::Txn(Box::new(r)));
                }
                let check = self.check(&transactional_id, txn_partitions, producer_id, epoch);
                let m = match check {
                    Ok(_) => self.txns.get_mut(&transactional_id).expect("checked"),
                    Err(e) => return ctx.send(from, Message::Txn(Box::new(reply(e, epoch)))),
                };
                if m.state != TxnState::Ongoing {
                    let e = ErrorCode::InvalidTxnState;
                    return ctx.send(from, Message::Txn(Box::new(reply(e, epoch))));
                }
                let mut v = m.value(&transactional_id);
                v.epoch = m.epoch.wrapping_add(1);
                v.state = if commit {
                    TxnState::PrepareCommit
                } else {
                    TxnState::PrepareAbort
                };
                let r = reply(ErrorCode::None, v.epoch);
                self.write(&transactional_id, v);
                (transactional_id, r)
            }
            _ => return,
        };
        if let Some(m) = self.txns.get_mut(&id) {
            m.reply = Some((from, reply));
        }
        self.arm_tick(ctx);
    }

    /// The checks every request after InitProducerId passes (`TransactionCoordinator`):
    /// coordinator, known id, producer id, epoch (an older one is PRODUCER_FENCED), no write
    /// in progress, not completing the previous transaction.
    fn check(
        &self,
        id: &str,
        txn_partitions: u32,
        producer_id: i64,
        epoch: i16,
    ) -> Result<(), ErrorCode> {
        self.led_partition(id, txn_partitions)?;
        let m = self.txns.get(id).ok_or(ErrorCode::InvalidTxnState)?;
        if m.producer_id != producer_id {
            return Err(ErrorCode::InvalidTxnState);
        }
        if epoch < m.epoch {
            return Err(ErrorCode::ProducerFenced);
        }
        if epoch > m.epoch {
            return Err(ErrorCode::InvalidProducerEpoch);
        }
        if m.pending.is_some()
            || matches!(m.state, TxnState::PrepareCommit | TxnState::PrepareAbort)
        {
            return Err(ErrorCode::ConcurrentTransactions);
        }
        Ok(())
    }

    /// A record written to `__transaction_state` is committed: the metadata takes it, the
    /// client gets its answer, and a Prepare state starts the markers (a Complete state ends
    /// the transaction).
    pub fn on_log_write_done(&mut self, ctx: &mut Ctx<BrokerTimer>, id: &str, state: TxnState) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        let Some(v) = m.pending.take().filter(|v| v.state == state) else {
            return;
        };
        m.epoch = v.epoch;
        m.state = v.state;
        m.timeout_ms = v.timeout_ms;
        m.partitions = v.partitions.iter().copied().collect();
        m.start_time = v.start_time;
        if let Some((to, reply)) = m.reply.take() {
            ctx.send(to, Message::Txn(Box::new(reply)));
        }
        match state {
            TxnState::PrepareCommit | TxnState::PrepareAbort => {
                m.markers_left = m.partitions.clone();
                if m.markers_left.is_empty() {
                    self.complete(ctx, id);
                }
            }
            TxnState::CompleteCommit | TxnState::CompleteAbort => {
                let commit = state == TxnState::CompleteCommit;
                if commit {
                    self.counts.committed += 1;
                } else {
                    self.counts.aborted += 1;
                }
                let timed_out = std::mem::take(&mut m.timed_out);
                if timed_out {
                    self.counts.timed_out += 1;
                }
                ctx.event(SimEvent::TxnCompleted {
                    transactional_id: id.to_string(),
                    producer_id: m.producer_id,
                    epoch: m.epoch,
                    committed: commit,
                    timed_out,
                });
            }
            _ => {}
        }
        self.arm_tick(ctx);
    }

    fn complete(&mut self, _ctx: &mut Ctx<BrokerTimer>, id: &str) {
        let Some(m) = self.txns.get(id) else {
            return;
        };
        let mut v = m.value(id);
        v.state = if m.state == TxnState::PrepareCommit {
            TxnState::CompleteCommit
        } else {
            TxnState::CompleteAbort
        };
        v.partitions.clear();
        self.write(id, v);
    }

    /// A partition leader answered a marker.
    pub fn on_marker_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        correlation_id: u64,
        tp: TopicPartition,
        error: ErrorCode,
    ) {
        let Some((id, _, _, _)) = self.in_flight.remove(&correlation_id) else {
            return;
        };
        // A newer epoch in the partition's log means a later transaction already passed
        // there: this marker is not needed (the channel drops it). Other errors: sent again
        // at the next tick.
        if !matches!(error, ErrorCode::None | ErrorCode::InvalidProducerEpoch) {
            return;
        }
        let Some(m) = self.txns.get_mut(&id) else {
            return;
        };
        if m.markers_left.remove(&tp) && m.markers_left.is_empty() && m.pending.is_none() {
            self.complete(ctx, &id);
        }
    }

    /// A marker request could not be delivered: sent again at the next tick.
    pub fn on_marker_unreachable(&mut self, correlation_id: u64) {
        self.in_flight.remove(&correlation_id);
    }

    /// The connection to broker `peer` closed: its markers in flight are sent again (to the
    /// partitions' leaders then) at the next tick.
    pub fn on_disconnect(&mut self, peer: BrokerId, metadata: &MetadataImage) {
        let _ = metadata;
        self.in_flight.retain(|_, (_, _, _, to)| *to != peer);
    }

    /// The periodic tick: markers without an answer are (re)sent to the partitions' current
    /// leaders, and every `ABORT_CHECK_INTERVAL_MS` transactions open longer than their
    /// timeout are aborted under a bumped epoch (`abortTimedOutTransactions`).
    pub fn on_tick(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        metadata: &MetadataImage,
    ) -> Vec<(BrokerId, TxnMessage)> {
        self.tick_armed = false;
        let now = ctx.now;
        if now >= self.next_abort_check {
            self.next_abort_check = now + ms(ABORT_CHECK_INTERVAL_MS);
            let expired: Vec<String> = self
                .txns
                .iter()
                .filter(|(_, m)| {
                    m.state == TxnState::Ongoing
                        && m.pending.is_none()
                        && now >= m.start_time.saturating_add(ms(m.timeout_ms))
                })
                .map(|(id, _)| id.clone())
                .collect();
            for id in expired {
                if let Some(m) = self.txns.get_mut(&id) {
                    m.timed_out = true;
                    let mut v = m.value(&id);
                    v.epoch = m.epoch.wrapping_add(1);
                    v.state = TxnState::PrepareAbort;
                    self.write(&id, v);
                }
            }
        }
        let sends = self.send_markers(ctx, metadata);
        self.arm_tick(ctx);
        sends
    }

    /// Sends the markers that have no request in flight (one unanswered for
    /// `MARKER_RESEND_MS` counts as lost) to each partition's current leader.
    pub fn send_markers(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        metadata: &MetadataImage,
    ) -> Vec<(BrokerId, TxnMessage)> {
        let now = ctx.now;
        self.in_flight
            .retain(|_, (_, _, sent, _)| now.saturating_sub(*sent) < ms(MARKER_RESEND_MS));
        let mut sends: Vec<(BrokerId, u64, TxnMessage)> = Vec::new();
        for (id, m) in &self.txns {
            if m.pending.is_some() || m.markers_left.is_empty() {
                continue;
            }
            for &tp in &m.markers_left {
                let sent = self
                    .in_flight
                    .values()
                    .any(|(i, t, _, _)| i == id && *t == tp);
                let leader = metadata.partitions.get(&tp).and_then(|s| s.leader);
                if let (false, Some(leader)) = (sent, leader) {
                    self.next_correlation += 1;
                    let c = self.next_correlation;
                    sends.push((
                        leader,
                        c,
                        TxnMessage::WriteMarker {
                            correlation_id: c,
                            tp,
                            producer_id: m.producer_id,
                            epoch: m.epoch,
                            commit: m.state == TxnState::PrepareCommit,
                        },
                    ));
                    self.in_flight.insert(c, (id.clone(), tp, now, leader));
                }
            }
        }
        sends.into_iter().map(|(l, _, m)| (l, m)).collect()
    }

    /// A `__transaction_state` write failed (leadership moved, or it was not committed in
    /// time): the transition is dropped and the client told to retry elsewhere.
    pub fn on_log_write_failed(&mut self, ctx: &mut Ctx<BrokerTimer>, id: &str, error: ErrorCode) {
        let Some(m) = self.txns.get_mut(id) else {
            return;
        };
        m.pending = None;
        m.timed_out = false;
        if let Some((to, reply)) = m.reply.take() {
            let error = if error == ErrorCode::RequestTimedOut {
                ErrorCode::NotCoordinator
            } else {
                error
            };
            ctx.send(to, Message::Txn(Box::new(reply.with_error(error))));
        }
    }
}
