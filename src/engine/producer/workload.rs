//! The application side: when `send()` is called (rate, max rate, bursts), with which keys, and
//! which partition each record goes to.

use super::accumulator::RECORD_OVERHEAD_BYTES;
use super::*;
use crate::engine::events::SimEvent;
use crate::engine::partitioner::{partition_for_key, PartitionQueue, PartitionerConfig, TopicView};
use crate::engine::scenario::{KeyDistribution, Workload};
use crate::engine::time::{ms, MICROS, MILLIS, SECONDS};

/// CPU time of one `send()` call in the application (serialization, partitioning, append).
pub const SEND_COST_NS: u64 = 700;
/// Most records one application tick creates.
const MAX_PER_TICK: u64 = 200_000;

/// The application's progress.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    /// When it started.
    pub start: SimTime,
    /// Records created (handed to `send()`, or failed in `send()`).
    pub created: u64,
    /// Blocked on a full `buffer.memory` since.
    pub blocked_since: Option<SimTime>,
    /// Next burst (Bursts workload).
    pub next_burst: SimTime,
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
        let key = match self.spec.keys {
            KeyDistribution::None => 0,
            _ => 8,
        };
        self.spec.record_size as u64 + key + RECORD_OVERHEAD_BYTES
    }

    pub(super) fn schedule_tick(&mut self, ctx: &mut Ctx, at: SimTime) {
        self.tick_gen += 1;
        ctx.timer_at(
            at,
            crate::engine::timer::Timer::Producer(ProducerTimer::AppTick { gen: self.tick_gen }),
        );
    }

    fn remaining(&self) -> u64 {
        self.spec
            .max_records
            .map(|m| m.saturating_sub(self.app.created))
            .unwrap_or(u64::MAX)
    }

    pub(super) fn buffer_full(&self) -> bool {
        self.buffer_used() + self.config.batch_size > self.config.buffer_memory
    }

    pub(super) fn app_tick(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        if self.remaining() == 0 {
            return;
        }
        // How many records the application wants to hand to send() now, and their create times.
        let (wanted, t0, next): (u64, SimTime, Option<SimTime>) = match self.spec.workload.clone() {
            Workload::Rate { records_per_s } => {
                let r = records_per_s.max(1e-9);
                let due = ((now - self.app.start) as f64 * r / SECONDS as f64).floor() as u64;
                let n = due.saturating_sub(self.app.created).min(MAX_PER_TICK);
                let first_due =
                    self.app.start + ((self.app.created + 1) as f64 * SECONDS as f64 / r) as u64;
                (n, first_due.min(now), Some(self.next_rate_tick(now, r)))
            }
            Workload::MaxRate => {
                let per_batch = (self.config.batch_size / self.record_bytes().max(1)).max(1);
                let free = self.config.buffer_memory.saturating_sub(self.buffer_used())
                    / self.config.batch_size.max(1);
                let n = (free * per_batch).clamp(1, MAX_PER_TICK);
                (n, now, Some(now + n * SEND_COST_NS))
            }
            Workload::Bursts {
                burst_records,
                every_ms,
            } => {
                if now >= self.app.next_burst {
                    self.app.next_burst = now + ms(every_ms.max(1));
                    (burst_records, now, Some(self.app.next_burst))
                } else {
                    (0, now, Some(self.app.next_burst))
                }
            }
        };
        let wanted = wanted.min(self.remaining());
        if wanted > 0 {
            if self.buffer_full() {
                let since = *self.app.blocked_since.get_or_insert(now);
                if now - since > ms(self.config.max_block_ms) {
                    // send() threw a TimeoutException for these records.
                    self.app.created += wanted;
                    self.failed += wanted;
                    ctx.event(SimEvent::ProduceFailed {
                        producer: self.index,
                        tp: crate::engine::ids::TopicPartition::new(self.topic, 0),
                        records: wanted.min(u32::MAX as u64) as u32,
                        error: crate::engine::protocol::ErrorCode::RequestTimedOut,
                    });
                }
                // Otherwise blocked: retried when memory frees (an ack) or at the next tick.
            } else {
                self.app.blocked_since = None;
                let appended = self.append_records(ctx, wanted, t0, now);
                if appended < wanted {
                    // The pool ran out part-way: send() blocks from now on.
                    self.app.blocked_since = Some(now);
                }
            }
        }
        if std::mem::take(&mut self.accumulator.wake_sender) {
            self.drain(ctx);
        }
        if self.remaining() > 0 {
            let mut at = next.unwrap_or(now + MILLIS).max(now + MICROS);
            if self.app.blocked_since.is_some() && self.buffer_full() {
                // Blocked in send(): an ack wakes the application (Sender); otherwise look again
                // every millisecond (for max.block.ms) rather than at the record rate, which no
                // longer advances while blocked (it spun at 1 µs: ~10^6 events per second).
                at = at.max(now + MILLIS);
            }
            self.schedule_tick(ctx, at);
        }
    }

    /// Next tick for a fixed rate: when the open batch would fill, but never after the earliest
    /// linger deadline (so no batch is sent missing records it would have had) nor 50 ms away.
    fn next_rate_tick(&self, now: SimTime, r: f64) -> SimTime {
        let interval = SECONDS as f64 / r;
        let rec = self.record_bytes();
        let mut room: u64 = u64::MAX;
        let mut linger_deadline = SimTime::MAX;
        for q in &self.accumulator.queues {
            if let Some(b) = q.back() {
                if !b.closed && b.base_sequence.is_none() {
                    room = room.min(self.config.batch_size.saturating_sub(b.bytes) / rec.max(1));
                    linger_deadline = linger_deadline.min(b.created + ms(self.config.linger_ms));
                }
            }
        }
        if room == u64::MAX {
            // No open batch: the next record opens one, so wake exactly when it is due.
            let next_due = self.app.start + ((self.app.created + 1) as f64 * interval) as u64;
            return next_due.max(now + 1);
        }
        let fill = now + (room.max(1) as f64 * interval) as u64;
        fill.min(linger_deadline.max(now + 1))
            .min(now + 50 * MILLIS)
            .max(now + (interval as u64).max(1))
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
    fn append_records(&mut self, ctx: &mut Ctx, n: u64, t0: SimTime, t1: SimTime) -> u64 {
        let rec = self.record_bytes();
        let batch = self.config.batch_size.max(1);
        self.accumulator.max_batches = (self.config.buffer_memory / batch).max(1);
        let ct = |i: u64| {
            if n <= 1 {
                t1
            } else {
                t0 + (t1 - t0) * i / (n - 1)
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
