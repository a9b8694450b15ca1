//! The application side: when `send()` is called (rate, max rate, bursts), with which keys, and
//! which partition each record goes to.

use super::accumulator::{BATCH_HEADER_BYTES, RECORD_OVERHEAD_BYTES};
use super::*;
use crate::engine::events::SimEvent;
use crate::engine::partitioner::{partition_for_key, PartitionQueue, PartitionerConfig, TopicView};
use crate::engine::scenario::{KeyDistribution, Workload};
use crate::engine::time::{ms, MICROS, MILLIS, SECONDS};

/// Most records one application tick creates.
const MAX_PER_TICK: u64 = 200_000;

/// The application's progress.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    /// When it started.
    pub start: SimTime,
    /// Records created (handed to `send()`, or failed in `send()`).
    pub created: u64,
    /// Since when the application thread has been blocked in `send()` on a full
    /// `buffer.memory` (`BufferPool.allocate`), for the record it is trying to send now.
    pub blocked_since: Option<SimTime>,
    /// Next burst (Bursts workload).
    pub next_burst: SimTime,
    /// Records that arrived (a burst, Poisson arrivals) but the application has not handed to
    /// `send()` yet: it is blocked, or more arrived than one tick takes.
    pub backlog: u64,
    /// When the oldest record of the backlog arrived (Poisson arrivals).
    pub backlog_since: SimTime,
    /// The arrival process of a Poisson `rate` workload.
    pub poisson: Option<super::arrivals::PoissonArrivals>,
    /// CPU time of one `send()` call (serialization, partitioning, append), nanoseconds.
    pub send_cost_ns: u64,
}

/// Bytes one record of `spec` takes in a batch: value, key (8 bytes when keyed) and the v2
/// record overhead.
pub fn record_bytes(spec: &crate::engine::scenario::ProducerSpec) -> u64 {
    let key = match spec.keys {
        KeyDistribution::None => 0,
        _ => 8,
    };
    spec.record_size as u64 + key + RECORD_OVERHEAD_BYTES
}

/// A record's serialized size upper bound as `KafkaProducer.ensureValidRecordSize` checks it
/// (`AbstractRecords.estimateSizeInBytesUpperBound`: a batch header plus the record).
pub fn serialized_upper_bound(spec: &crate::engine::scenario::ProducerSpec) -> u64 {
    BATCH_HEADER_BYTES + record_bytes(spec)
}

impl Producer {
    pub(super) fn prepare_keys(&mut self) {
        let n = self.partitions;
        let keys = match &self.spec.keys {
            KeyDistribution::None => 0,
            KeyDistribution::Uniform { keys } | KeyDistribution::Zipf { keys, .. } => *keys,
        };
        self.key_partitions = (0..keys)
            .map(|k| partition_for_key(format!("key-{k}").as_bytes(), n))
            .collect();
        if let KeyDistribution::Zipf { keys, exponent } = &self.spec.keys {
            let mut acc = 0.0;
            self.key_cdf = (1..=*keys)
                .map(|r| {
                    acc += 1.0 / crate::engine::rng::powf(r as f64, *exponent);
                    acc
                })
                .collect();
            let total = acc.max(f64::MIN_POSITIVE);
            self.key_cdf.iter_mut().for_each(|c| *c /= total);
        }
    }

    fn record_bytes(&self) -> u64 {
        record_bytes(&self.spec)
    }

    pub(super) fn schedule_tick(&mut self, ctx: &mut Ctx<ProducerTimer>, at: SimTime) {
        self.tick_gen += 1;
        ctx.timer_at(at, ProducerTimer::AppTick { gen: self.tick_gen });
    }

    fn remaining(&self) -> u64 {
        self.spec
            .max_records
            .map(|m| m.saturating_sub(self.app.created))
            .unwrap_or(u64::MAX)
    }

    /// Whether `buffer.memory` has no room for another batch of this producer's records.
    pub(super) fn buffer_full(&self) -> bool {
        let alloc = RecordAccumulator::allocation(self.config.batch_size, self.record_bytes());
        !self.accumulator.has_room(alloc)
    }

    /// The application's `send()` threw for `n` records (they are not in the accumulator).
    fn fail_in_send(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        n: u64,
        error: crate::engine::protocol::ErrorCode,
    ) {
        if n == 0 {
            return;
        }
        self.app.created += n;
        self.failed += n;
        ctx.event(SimEvent::ProduceFailed {
            producer: self.index,
            tp: crate::engine::ids::TopicPartition::new(self.topic, 0),
            records: n.min(u32::MAX as u64) as u32,
            error,
            first_record: None,
        });
    }

    /// The application calls `send()` for the records due now (`KafkaProducer.doSend`):
    ///
    /// * a record whose serialized upper bound (batch header included) exceeds
    ///   `max.request.size` or `buffer.memory` throws RecordTooLargeException at once
    ///   (`KafkaProducer.ensureValidRecordSize`);
    /// * a record needing a new batch when `buffer.memory` has no room blocks the application
    ///   thread (`BufferPool.allocate`) until an acknowledgement frees memory, or throws a
    ///   TimeoutException after `max.block.ms` — one record per `max.block.ms` waited, as a
    ///   thread calling `send()` in a loop does; the records behind it wait their turn.
    pub(super) fn app_tick(&mut self, ctx: &mut Ctx<ProducerTimer>) {
        use crate::engine::protocol::ErrorCode;
        let now = ctx.now;
        if self.remaining() == 0 {
            return;
        }
        // How many records the application wants to hand to send() now, and their create times
        // (spread evenly over [t0, t1]).
        let mut t1 = now;
        let (wanted, t0, next): (u64, SimTime, Option<SimTime>) = match self.spec.workload.clone() {
            Workload::Rate { records_per_s } if self.app.poisson.is_some() => {
                let r = records_per_s.max(1e-9);
                let arrivals = self.app.poisson.as_mut().expect("checked");
                let due = arrivals.due(now, ctx.rng);
                let next_arrival = arrivals.next_arrival();
                let t0 = if self.app.backlog > 0 {
                    self.app.backlog_since
                } else {
                    due.first
                };
                if due.count > 0 {
                    t1 = due.last;
                }
                self.app.backlog = self.app.backlog.saturating_add(due.count);
                let n = self.app.backlog.min(MAX_PER_TICK);
                (n, t0, Some(self.next_rate_tick(now, r, Some(next_arrival))))
            }
            Workload::Rate { records_per_s } => {
                let r = records_per_s.max(1e-9);
                let due = ((now - self.app.start) as f64 * r / SECONDS as f64).floor() as u64;
                let n = due.saturating_sub(self.app.created).min(MAX_PER_TICK);
                let first_due = self
                    .app
                    .start
                    .saturating_add(((self.app.created + 1) as f64 * SECONDS as f64 / r) as u64);
                (
                    n,
                    first_due.min(now),
                    Some(self.next_rate_tick(now, r, None)),
                )
            }
            Workload::MaxRate => {
                let rec = self.record_bytes();
                let alloc = RecordAccumulator::allocation(self.config.batch_size, rec);
                let per_batch = (self.config.batch_size / rec.max(1)).max(1);
                let free = self
                    .accumulator
                    .capacity_bytes
                    .saturating_sub(self.accumulator.used_bytes)
                    / alloc.max(1);
                let n = crate::engine::reciprocal::saturating_mul(free, per_batch)
                    .clamp(1, MAX_PER_TICK);
                (n, now, Some(now + (n * self.app.send_cost_ns).max(1)))
            }
            Workload::Bursts {
                burst_records,
                every_ms,
            } => {
                if now >= self.app.next_burst {
                    self.app.next_burst = now.saturating_add(ms(every_ms.max(1)));
                    self.app.backlog = self.app.backlog.saturating_add(burst_records);
                }
                let n = self.app.backlog.min(MAX_PER_TICK);
                (n, now, Some(self.app.next_burst))
            }
        };
        let wanted = wanted.min(self.remaining());
        let wanted = if self.txn.is_some() {
            self.txn_room(ctx, wanted)
        } else {
            wanted
        };
        let created_before = self.app.created;
        if wanted > 0 {
            let upper = serialized_upper_bound(&self.spec);
            if upper > self.config.max_request_size || upper > self.config.buffer_memory {
                self.fail_in_send(ctx, wanted, ErrorCode::MessageTooLarge);
            } else {
                let appended = self.append_records(ctx, wanted, t0, t1);
                if appended == wanted {
                    self.app.blocked_since = None;
                } else {
                    // The next record's send() blocks in BufferPool.allocate from now (or
                    // still, if it was already blocked and nothing got through).
                    if appended > 0 || self.app.blocked_since.is_none() {
                        self.app.blocked_since = Some(now);
                    }
                    self.expire_blocked_sends(ctx, wanted - appended);
                }
            }
        }
        if self.app.backlog > 0 {
            let handed = self.app.created - created_before;
            self.app.backlog = self.app.backlog.saturating_sub(handed);
            // The oldest record still waiting arrived about here (create times are spread
            // evenly over [t0, t1]).
            let span = t1.saturating_sub(t0);
            let last = wanted.saturating_sub(1).max(1);
            self.app.backlog_since = t0 + super::accumulator::lerp(span, handed.min(last), last);
        }
        if self.txn.is_some() {
            self.txn_appended(self.app.created - created_before);
        }
        if std::mem::take(&mut self.accumulator.wake_sender) {
            self.drain(ctx);
        }
        if self.remaining() == 0 {
            self.app.backlog = 0;
        } else {
            let mut at = next.unwrap_or(now + MILLIS).max(now + MICROS);
            if self.app.backlog > 0 {
                // More arrived than one tick takes: carry on at once.
                at = now + MICROS;
            }
            if let Some(since) = self.app.blocked_since {
                // Blocked in send(): an acknowledgement that frees memory wakes the
                // application (the Sender); otherwise it wakes when max.block.ms runs out.
                at = since
                    .saturating_add(ms(self.config.max_block_ms))
                    .max(now + MICROS);
            }
            self.schedule_tick(ctx, at);
        }
    }

    /// Records blocked in `send()` longer than `max.block.ms` fail with a TimeoutException
    /// (`BufferPool.allocate`: BufferExhaustedException), one per `max.block.ms` waited; with
    /// `max.block.ms=0` every record that finds the pool full fails at once.
    fn expire_blocked_sends(&mut self, ctx: &mut Ctx<ProducerTimer>, waiting: u64) {
        let Some(since) = self.app.blocked_since else {
            return;
        };
        let block = ms(self.config.max_block_ms);
        let waited = ctx.now.saturating_sub(since);
        if waited < block {
            return;
        }
        let n = waited
            .checked_div(block)
            .map_or(waiting, |k| k.min(waiting));
        self.fail_in_send(ctx, n, crate::engine::protocol::ErrorCode::RequestTimedOut);
        self.app.blocked_since = Some(if block == 0 {
            ctx.now
        } else {
            since.saturating_add(crate::engine::reciprocal::saturating_mul(n, block))
        });
    }

    /// Next tick for a rate workload: when the open batch would fill, but never after the
    /// earliest linger deadline (so no batch is sent missing records it would have had) nor
    /// 50 ms away; with no open batch, exactly when the next record arrives (`next_arrival` for
    /// Poisson arrivals, the next due time for a fixed rate).
    fn next_rate_tick(&self, now: SimTime, r: f64, next_arrival: Option<SimTime>) -> SimTime {
        let interval = SECONDS as f64 / r;
        let rec = self.record_bytes();
        // The fullest open batch has the least room; the oldest one lingers out first (the
        // ready index keeps both, so no scan over the partitions).
        let Some((fullest, oldest)) = self.accumulator.ready.open_summary() else {
            // No open batch: the next record opens one, so wake exactly when it is due.
            let next_due = next_arrival.unwrap_or_else(|| {
                self.app
                    .start
                    .saturating_add(((self.app.created + 1) as f64 * interval) as u64)
            });
            return next_due.max(now + 1);
        };
        let room = self.config.batch_size.saturating_sub(fullest) / rec.max(1);
        let linger_deadline = oldest.saturating_add(self.config.linger());
        let fill = now.saturating_add((room.max(1) as f64 * interval) as u64);
        // Never before the next record exists: nothing could be appended (and a batch whose
        // deadline passed while its leader is busy must not make the application spin).
        let earliest = match next_arrival {
            Some(t) => t.max(now + 1),
            None => now.saturating_add((interval as u64).max(1)),
        };
        // Just before the deadline: the sender drains the batch at the deadline itself, and the
        // records due until then belong in it.
        fill.min(linger_deadline.saturating_sub(1).max(now + 1))
            .min(now + 50 * MILLIS)
            .max(earliest)
    }

    /// The partitioner's view of the topic (recomputed when metadata changes).
    pub(super) fn refresh_view(&mut self) {
        self.view = TopicView {
            num_partitions: self.partitions,
            available: (0..self.partitions)
                .filter(|&p| self.leaders.get(p as usize).copied().flatten().is_some())
                .collect(),
        };
    }

    /// Appends up to `n` records created evenly over `[t0, t1]`, stopping when `buffer.memory`
    /// has no room for another batch; returns how many were appended.
    fn append_records(
        &mut self,
        ctx: &mut Ctx<ProducerTimer>,
        n: u64,
        t0: SimTime,
        t1: SimTime,
    ) -> u64 {
        let rec = self.record_bytes();
        let batch = self.config.batch_size;
        let ct = |i: u64| {
            if n <= 1 {
                t1
            } else {
                t0 + super::accumulator::lerp(t1 - t0, i, n - 1)
            }
        };
        let keyed = !matches!(self.spec.keys, KeyDistribution::None)
            && !self.config.partitioner_ignore_keys;
        let mut done = 0u64;
        if keyed && !self.key_partitions.is_empty() {
            while done < n {
                let k = match &self.spec.keys {
                    KeyDistribution::Zipf { .. } => {
                        let u = ctx.rng.unit_f64();
                        self.key_cdf
                            .partition_point(|&c| c < u)
                            .min(self.key_partitions.len() - 1)
                    }
                    _ => ctx.rng.below(self.key_partitions.len() as u64) as usize,
                };
                let p = self.key_partitions[k];
                let id = self.next_record[p as usize];
                let got =
                    self.accumulator
                        .append(p, 1, rec, ct(done), ct(done), id, batch, ctx.now);
                if got == 0 {
                    break; // buffer.memory exhausted
                }
                if self.follow_key == Some(k as u32) {
                    self.note_keyed_send(ctx, k as u32, p, id);
                }
                self.next_record[p as usize] += got as u64;
                done += got as u64;
            }
        } else {
            let view = &self.view;
            let Some(sticky) = self.sticky.as_mut() else {
                return 0;
            };
            while done < n {
                let Ok(mut p) = sticky.peek_partition(ctx.rng, view) else {
                    break;
                };
                if sticky
                    .maybe_complete_switch(self.accumulator.all_full(p, batch, rec), ctx.rng, view)
                    .unwrap_or(false)
                {
                    p = sticky.current_partition().unwrap_or(p);
                }
                // Records until the partitioner's next decision point: reaching batch.size
                // bytes; past that, the open batch filling up (the switch then happens) or the
                // forced switch at 2 × batch.size. Appending up to there in one go is the same
                // as Kafka's record-by-record loop.
                let produced = sticky.produced_bytes();
                let rec1 = rec.max(1);
                let to_switch = if produced < batch {
                    (batch - produced).div_ceil(rec1)
                } else {
                    let open_room = self.accumulator.queues[p as usize]
                        .back()
                        .filter(|b| !b.closed && b.base_sequence.is_none() && b.records > 0)
                        .map(|b| batch.saturating_sub(b.bytes) / rec1)
                        .unwrap_or(
                            batch.saturating_sub(super::accumulator::BATCH_HEADER_BYTES) / rec1,
                        );
                    open_room.min((2 * batch).saturating_sub(produced).div_ceil(rec1))
                }
                .max(1);
                let want = (n - done).min(to_switch).min(u32::MAX as u64) as u32;
                let id = self.next_record[p as usize];
                let last = done + want as u64 - 1;
                let got =
                    self.accumulator
                        .append(p, want, rec, ct(done), ct(last), id, batch, ctx.now);
                self.next_record[p as usize] += got as u64;
                done += got as u64;
                let full = self.accumulator.all_full(p, batch, rec);
                let _ = sticky.update_partition_info(
                    (got as u64 * rec).min(u32::MAX as u64) as u32,
                    full,
                    ctx.rng,
                    view,
                );
                if got == 0 {
                    break;
                }
            }
        }
        self.app.created += done;
        self.sent += done;
        if done > 0 {
            ctx.event(SimEvent::RecordsSent {
                producer: self.index,
                records: done,
                bytes: done * self.spec.record_size as u64,
            });
        }
        done
    }

    /// A record with the followed key was appended to its batch (`send()` returned).
    #[cold]
    fn note_keyed_send(&self, ctx: &mut Ctx<ProducerTimer>, key: u32, partition: u32, id: u64) {
        let record = crate::engine::journey::RecordRef {
            producer: self.index,
            tp: crate::engine::ids::TopicPartition::new(self.topic, partition),
            record: id,
        };
        ctx.event(SimEvent::Follow {
            note: crate::engine::journey::FollowNote::KeyedSend {
                record,
                key: format!("key-{key}"),
            },
        });
    }

    /// Whether some records go through the built-in sticky partitioner (no key, or
    /// `partitioner.ignore.keys`): only then are the adaptive load statistics read.
    pub(super) fn uses_sticky_partitioner(&self) -> bool {
        matches!(self.spec.keys, KeyDistribution::None)
            || self.config.partitioner_ignore_keys
            || self.key_partitions.is_empty()
    }

    /// Refreshes the adaptive partitioning statistics from the queues (RecordAccumulator.ready).
    pub(super) fn update_partition_load(&mut self) {
        let config = PartitionerConfig {
            batch_size: self.config.batch_size.clamp(1, u32::MAX as u64) as u32,
            adaptive_partitioning: self.config.partitioner_adaptive_partitioning_enable,
            availability_timeout_ms: self.config.partitioner_availability_timeout_ms,
            ignore_keys: self.config.partitioner_ignore_keys,
        };
        let Some(sticky) = &mut self.sticky else {
            return;
        };
        let (accumulator, leaders) = (&self.accumulator, &self.leaders);
        sticky.update_load_from(
            &config,
            self.partitions,
            (0..self.partitions).map(|p| PartitionQueue {
                partition: p,
                queued_batches: accumulator.queued_batches(p),
                leader_known: leaders.get(p as usize).copied().flatten().is_some(),
                leader_stall_ms: 0,
            }),
        );
    }
}
