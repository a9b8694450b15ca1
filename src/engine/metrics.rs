//! Metrics: totals, latency histograms (produce-ack and end-to-end) and a down-sampled time
//! series for the charts. Fed by the event stream only; never read back by the simulation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::events::{SimEvent, TimedEvent};
use super::histogram::LatencyHistogram;
use super::producer::RequestCounters;
use super::time::{to_ms_f64, SimTime, SECONDS};

/// Most samples kept; past that, neighbours are merged (half the resolution).
pub const MAX_SAMPLES: usize = 4000;

/// What only the engine knows at sampling time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SampleInputs {
    /// Lag per group (records).
    pub lag: Vec<(String, u64)>,
    /// Under-replicated partitions.
    pub urp: u32,
    /// Offline partitions.
    pub offline: u32,
    /// Smallest ISR size.
    pub isr_min: u32,
    /// Average ISR size.
    pub isr_avg: f64,
    /// Records-lag per group (Σ high watermark − position, as the consumers know them).
    pub records_lag: Vec<(String, u64)>,
    /// Each producer's request counters so far, by producer index.
    pub producer_requests: Vec<RequestCounters>,
}

/// One producer's figures over a sample window: Kafka's producer metrics of the same names
/// (`SenderMetrics`), and its produce-ack latency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProducerSample {
    /// `request-rate`: produce requests sent per second.
    pub request_rate: f64,
    /// `batch-size-avg`: bytes per batch sent.
    pub batch_size_avg: f64,
    /// `records-per-request-avg`: records per produce request.
    pub records_per_request_avg: f64,
    /// Records acknowledged per second.
    pub ack_rps: f64,
    /// Produce-ack latency p50 in the window, ms (0 when nothing was acknowledged).
    pub ack_p50: f64,
    /// p99, ms.
    pub ack_p99: f64,
}

/// One point of the time series (rates over the window since the previous sample).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Simulated seconds.
    pub t: f64,
    /// Records handed to `send()` per second.
    pub produce_rps: f64,
    /// Megabytes per second acknowledged.
    pub produce_mbps: f64,
    /// Records acknowledged per second.
    pub ack_rps: f64,
    /// Records consumed per second.
    pub consume_rps: f64,
    /// Produce-ack latency in the window, ms.
    pub ack_p50: f64,
    /// 99th percentile, ms.
    pub ack_p99: f64,
    /// 99.9th percentile, ms.
    pub ack_p999: f64,
    /// End-to-end latency in the window, ms.
    pub e2e_p50: f64,
    /// 99th percentile, ms.
    pub e2e_p99: f64,
    /// 99.9th percentile, ms.
    pub e2e_p999: f64,
    /// Lag per group.
    pub lag: Vec<(String, u64)>,
    /// Under-replicated partitions.
    pub urp: u32,
    /// Offline partitions.
    pub offline: u32,
    /// Smallest ISR.
    pub isr_min: u32,
    /// Average ISR.
    pub isr_avg: f64,
    /// Records-lag per group (the consumers' `records-lag`, summed).
    #[serde(default)]
    pub records_lag: Vec<(String, u64)>,
    /// Per producer, by producer index.
    #[serde(default)]
    pub producers: Vec<ProducerSample>,
    /// Records consumed per second, per group index.
    #[serde(default)]
    pub group_consume_rps: Vec<f64>,
}

/// Run-wide totals and histograms, and the time series.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    /// Records handed to `send()`.
    pub sent: u64,
    /// Records acknowledged.
    pub acked: u64,
    /// Bytes acknowledged.
    pub acked_bytes: u64,
    /// Records failed.
    pub failed: u64,
    /// Batch retries.
    pub retried: u64,
    /// Records consumed.
    pub consumed: u64,
    /// Time of the last acknowledgement.
    pub last_ack: SimTime,
    /// Produce-ack latency, ns, of the windows already closed (the open window is added on
    /// reading: each value is recorded once, into the window, not twice).
    ack_closed: LatencyHistogram,
    /// End-to-end latency, ns, of the closed windows.
    e2e_closed: LatencyHistogram,
    /// Completed rebalances per group.
    pub rebalances: BTreeMap<String, u64>,
    /// Total time spent rebalancing per group, ns.
    pub rebalance_time: BTreeMap<String, SimTime>,
    rebalance_started: BTreeMap<String, SimTime>,
    /// The open window's ack latency over all producers: the sum of `window_by_producer`,
    /// made when the window closes.
    window_ack: LatencyHistogram,
    window_e2e: LatencyHistogram,
    window_start: SimTime,
    window_sent: u64,
    window_acked: u64,
    window_acked_bytes: u64,
    window_consumed: u64,
    samples: Vec<Sample>,
    markers: Vec<(SimTime, String)>,
    /// Per producer index: produce-ack latency and records acknowledged in the open window.
    window_by_producer: Vec<(LatencyHistogram, u64)>,
    /// Per group index: records consumed in the open window.
    window_by_group: Vec<u64>,
    /// Request counters at the previous sample, per producer.
    requests_before: Vec<RequestCounters>,
    /// Transactions completed by the coordinators and producers fenced.
    pub transactions: crate::engine::report::TransactionsReport,
}

impl Metrics {
    /// Empty metrics.
    pub fn new() -> Self {
        Self::default()
    }

    /// Produce-ack latency over the whole run so far, ns.
    pub fn ack_latency(&self) -> LatencyHistogram {
        let mut h = self.ack_closed.clone();
        for (w, _) in &self.window_by_producer {
            h.merge(w);
        }
        h
    }

    /// End-to-end latency over the whole run so far, ns.
    pub fn e2e_latency(&self) -> LatencyHistogram {
        let mut h = self.e2e_closed.clone();
        h.merge(&self.window_e2e);
        h
    }

    /// Observes one event.
    pub fn observe(&mut self, e: &TimedEvent) {
        self.observe_at(e.at, &e.event);
    }

    /// [`observe`](Self::observe) for an event at `now` not wrapped in a [`TimedEvent`].
    pub fn observe_at(&mut self, now: SimTime, event: &SimEvent) {
        match event {
            SimEvent::RecordsSent { records, .. } => {
                self.sent += records;
                self.window_sent += records;
            }
            SimEvent::ProduceAcked {
                batch, producer, ..
            } => {
                let n = batch.record_count as u64;
                self.acked += n;
                self.acked_bytes += batch.bytes as u64;
                self.window_acked += n;
                self.window_acked_bytes += batch.bytes as u64;
                self.last_ack = now;
                let lo = now.saturating_sub(batch.last_create_time);
                let hi = now.saturating_sub(batch.first_create_time);
                // Recorded once, per producer; the window's histogram over all producers is
                // their sum, made when the window closes (merging is exact).
                let p = *producer as usize;
                if self.window_by_producer.len() <= p {
                    self.window_by_producer
                        .resize_with(p + 1, || (LatencyHistogram::new(), 0));
                }
                let (h, acked) = &mut self.window_by_producer[p];
                h.record_spread(lo, hi, n);
                *acked += n;
            }
            SimEvent::ProduceFailed { records, .. } => self.failed += *records as u64,
            SimEvent::ProduceRetried { .. } => self.retried += 1,
            SimEvent::Consumed {
                batch,
                from_offset,
                to_offset,
                group,
                ..
            } => {
                let n = to_offset.saturating_sub(*from_offset);
                if n == 0 {
                    return;
                }
                self.consumed += n;
                self.window_consumed += n;
                let g = *group as usize;
                if self.window_by_group.len() <= g {
                    self.window_by_group.resize(g + 1, 0);
                }
                self.window_by_group[g] += n;
                let count = batch.record_count.max(1) as u64;
                let span = batch
                    .last_create_time
                    .saturating_sub(batch.first_create_time);
                let at = |off: u64| {
                    let i = off.saturating_sub(batch.base_offset).min(count - 1);
                    batch.first_create_time + if count > 1 { span * i / (count - 1) } else { 0 }
                };
                let first = at(*from_offset);
                let last = at(to_offset - 1);
                let (lo, hi) = (now.saturating_sub(last), now.saturating_sub(first));
                self.window_e2e.record_spread(lo, hi, n);
            }
            SimEvent::RebalanceStarted { group_id, .. } => {
                self.rebalance_started
                    .entry(group_id.clone())
                    .or_insert(now);
            }
            SimEvent::RebalanceCompleted { group_id, .. } => {
                *self.rebalances.entry(group_id.clone()).or_insert(0) += 1;
                if let Some(t0) = self.rebalance_started.remove(group_id) {
                    *self.rebalance_time.entry(group_id.clone()).or_insert(0) += now - t0;
                }
            }
            SimEvent::CommandApplied { command } => {
                self.markers.push((now, format!("{command:?}")));
            }
            SimEvent::TxnCompleted {
                committed,
                timed_out,
                ..
            } => {
                let t = &mut self.transactions;
                if *committed {
                    t.committed += 1;
                } else {
                    t.aborted += 1;
                }
                t.timed_out += *timed_out as u64;
            }
            SimEvent::ProducerFenced { .. } => self.transactions.fenced += 1,
            _ => {}
        }
    }

    /// Closes the current window into a sample.
    pub fn sample(&mut self, now: SimTime, inputs: SampleInputs) {
        let dt = (now.saturating_sub(self.window_start)) as f64 / SECONDS as f64;
        let per_s = |x: u64| if dt > 0.0 { x as f64 / dt } else { 0.0 };
        let msv = |v: u64| to_ms_f64(v);
        for (w, _) in &self.window_by_producer {
            self.window_ack.merge(w);
        }
        let s = Sample {
            t: to_ms_f64(now) / 1000.0,
            produce_rps: per_s(self.window_sent),
            produce_mbps: per_s(self.window_acked_bytes) / 1e6,
            ack_rps: per_s(self.window_acked),
            consume_rps: per_s(self.window_consumed),
            ack_p50: msv(self.window_ack.percentile(0.5)),
            ack_p99: msv(self.window_ack.percentile(0.99)),
            ack_p999: msv(self.window_ack.percentile(0.999)),
            e2e_p50: msv(self.window_e2e.percentile(0.5)),
            e2e_p99: msv(self.window_e2e.percentile(0.99)),
            e2e_p999: msv(self.window_e2e.percentile(0.999)),
            lag: inputs.lag,
            urp: inputs.urp,
            offline: inputs.offline,
            isr_min: inputs.isr_min,
            isr_avg: inputs.isr_avg,
            records_lag: inputs.records_lag,
            producers: self.producer_samples(dt, &inputs.producer_requests),
            group_consume_rps: self.window_by_group.iter().map(|&n| per_s(n)).collect(),
        };
        self.samples.push(s);
        self.window_by_group.iter_mut().for_each(|n| *n = 0);
        for (h, acked) in &mut self.window_by_producer {
            h.clear();
            *acked = 0;
        }
        self.requests_before = inputs.producer_requests;
        self.ack_closed.merge(&self.window_ack);
        self.e2e_closed.merge(&self.window_e2e);
        self.window_ack.clear();
        self.window_e2e.clear();
        self.window_start = now;
        self.window_sent = 0;
        self.window_acked = 0;
        self.window_acked_bytes = 0;
        self.window_consumed = 0;
        if self.samples.len() > MAX_SAMPLES {
            let merged: Vec<Sample> = self
                .samples
                .chunks(2)
                .map(|c| c[c.len() - 1].clone())
                .collect();
            self.samples = merged;
        }
    }

    /// The per-producer figures of the window closing now (`dt` seconds long), from the
    /// request counters now and at the previous sample.
    fn producer_samples(&self, dt: f64, now: &[RequestCounters]) -> Vec<ProducerSample> {
        let empty = (LatencyHistogram::new(), 0);
        now.iter()
            .enumerate()
            .map(|(i, c)| {
                let before = self.requests_before.get(i).copied().unwrap_or_default();
                let requests = c.requests.saturating_sub(before.requests);
                let batches = c.batches.saturating_sub(before.batches);
                let ratio = |x: u64, y: u64| if y > 0 { x as f64 / y as f64 } else { 0.0 };
                let (h, acked) = self.window_by_producer.get(i).unwrap_or(&empty);
                let has = h.count() > 0;
                ProducerSample {
                    request_rate: if dt > 0.0 { requests as f64 / dt } else { 0.0 },
                    batch_size_avg: ratio(c.bytes.saturating_sub(before.bytes), batches),
                    records_per_request_avg: ratio(
                        c.records.saturating_sub(before.records),
                        requests,
                    ),
                    ack_rps: if dt > 0.0 { *acked as f64 / dt } else { 0.0 },
                    ack_p50: if has {
                        to_ms_f64(h.percentile(0.5))
                    } else {
                        0.0
                    },
                    ack_p99: if has {
                        to_ms_f64(h.percentile(0.99))
                    } else {
                        0.0
                    },
                }
            })
            .collect()
    }

    /// The time series.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Commands applied (fault markers for charts): time and description.
    pub fn markers(&self) -> &[(SimTime, String)] {
        &self.markers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::TopicPartition;
    use crate::engine::protocol::{RecordBatch, RecordIds};
    use crate::engine::time::MILLIS;

    fn batch(n: u32, t0: SimTime, t1: SimTime) -> RecordBatch {
        RecordBatch {
            base_offset: 0,
            record_count: n,
            bytes: n * 100,
            producer_id: -1,
            producer_epoch: 0,
            base_sequence: -1,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: 0,
                first_record: 0,
            },
            first_create_time: t0,
            attributes: 0,
            last_create_time: t1,
        }
    }

    #[test]
    fn ack_latency_spreads_over_the_batch_and_windows_rate() {
        let mut m = Metrics::new();
        m.observe(&TimedEvent {
            at: 20 * MILLIS,
            event: SimEvent::ProduceAcked {
                producer: 0,
                tp: TopicPartition::new(0, 0),
                batch: batch(100, 0, 10 * MILLIS),
                acks_zero: false,
            },
        });
        assert_eq!(m.acked, 100);
        let p50 = to_ms_f64(m.ack_latency().percentile(0.5));
        assert!((p50 - 15.0).abs() < 0.5, "{p50}");
        assert!((to_ms_f64(m.ack_latency().max()) - 20.0).abs() < 0.3);
        m.sample(SECONDS / 2, SampleInputs::default());
        assert_eq!(m.samples()[0].ack_rps, 200.0);
    }
}
