//! Observation of a run, kept out of the event loop: periodic samples for the charts, the
//! invariant checker's log audit, consumer lag, and the report's metric sections. Everything
//! here reads the cluster through [`ClusterView`].

use super::*;
use crate::engine::checker::LeaderLog;
use crate::engine::view::ClusterView;

impl Engine {
    /// The read-only view of the cluster.
    pub fn view(&self) -> ClusterView<'_> {
        ClusterView {
            topics: &self.topics,
            controller: &self.controller,
            brokers: &self.brokers,
        }
    }

    pub(super) fn sample(&mut self) {
        let mut inputs = SampleInputs {
            isr_min: u32::MAX,
            ..SampleInputs::default()
        };
        let mut isr_total = 0u64;
        let mut n = 0u64;
        for p in self.view().user_partitions() {
            let st = p.state;
            n += 1;
            isr_total += st.isr.len() as u64;
            inputs.isr_min = inputs.isr_min.min(st.isr.len() as u32);
            if st.isr.len() < st.replicas.len() {
                inputs.urp += 1;
            }
            if st.leader.is_none() {
                inputs.offline += 1;
            }
        }
        if n == 0 {
            inputs.isr_min = 0;
        }
        inputs.isr_avg = if n > 0 {
            isr_total as f64 / n as f64
        } else {
            0.0
        };
        inputs.lag = self.group_lags();
        inputs.records_lag = self.group_records_lags();
        inputs.producer_requests = self
            .producers
            .iter()
            .map(|p| p.request_counters())
            .collect();
        self.metrics.sample(self.now, inputs);
        self.samples_taken += 1;
        if self.samples_taken % 50 == 0 {
            self.audit();
        }
    }

    /// Runs the invariant checker's log audit against the current leaders of user partitions.
    pub fn audit(&mut self) {
        let view = ClusterView {
            topics: &self.topics,
            controller: &self.controller,
            brokers: &self.brokers,
        };
        let leaders = view.user_partitions().filter_map(|p| {
            let leader = p.leader()?;
            // Every assigned replica's log, crashed brokers' too (their logs survive).
            let copies = p
                .state
                .replicas
                .iter()
                .map(|&b| p.replica(b).map(|r| r.log))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            (leader.role == crate::engine::broker::Role::Leader).then_some(LeaderLog {
                tp: p.tp(),
                leader: leader.broker,
                epoch: leader.leader_epoch,
                log: leader.log,
                copies,
            })
        });
        self.checker.sweep(self.now, leaders);
        if !self.checker.eos_processors().is_empty() {
            self.eos_audit();
        }
    }

    /// The processors' exactly-once audit, against the current leader logs.
    fn eos_audit(&mut self) {
        let view = ClusterView {
            topics: &self.topics,
            controller: &self.controller,
            brokers: &self.brokers,
        };
        let procs = self.checker.eos_processors().to_vec();
        for (k, p) in procs.iter().enumerate() {
            let logs_of = |t: crate::engine::ids::TopicIdx| {
                (0..self.topics.partitions(t))
                    .map(|i| {
                        let tp = crate::engine::ids::TopicPartition::new(t, i);
                        let log = view
                            .partition(tp)
                            .and_then(|p| p.leader())
                            .filter(|l| l.role == crate::engine::broker::Role::Leader)
                            .map(|l| l.log);
                        (tp, log)
                    })
                    .collect::<Vec<_>>()
            };
            let logs = crate::engine::checker::eos::EosLogs {
                input: logs_of(p.input),
                output: logs_of(p.output),
                committed: view.committed_offsets(&p.group_id),
            };
            self.checker.eos_sweep(self.now, k, &logs);
        }
    }

    /// Committed lag per group: the leaders' high watermarks minus the group's committed
    /// offsets, as read from `__consumer_offsets`.
    pub fn group_lags(&self) -> Vec<(String, u64)> {
        let view = self.view();
        self.groups
            .iter()
            .map(|g| {
                let lag = view.committed_lag(&g.spec.group_id, &g.spec.topics);
                (g.spec.group_id.clone(), lag)
            })
            .collect()
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The invariant checker's findings so far.
    pub fn invariants(&self) -> crate::engine::checker::InvariantReport {
        self.checker.report()
    }

    /// Duplicate records in leader logs per producer index (as of the last audit).
    pub fn invariants_by_producer(&self) -> Vec<(u32, u64)> {
        self.checker.duplicates_by_producer()
    }

    /// Acknowledged and failed records so far (all producers).
    pub fn produce_totals(&self) -> (u64, u64) {
        (self.metrics.acked, self.metrics.failed)
    }

    /// Fills the report's metric and checker sections (observers).
    pub(crate) fn fill_observed(&mut self, r: &mut crate::engine::report::Report) {
        use crate::engine::report::{Invariants, Percentiles};
        self.audit();
        let m = &self.metrics;
        let secs = (self.now as f64 / 1e9).max(1e-9);
        r.produced.sent = m.sent;
        r.produced.acked = m.acked;
        r.produced.failed = m.failed;
        r.consumed = m.consumed;
        r.throughput.produce_records_per_s = m.acked as f64 / secs;
        r.throughput.produce_mb_per_s = m.acked_bytes as f64 / secs / 1e6;
        r.throughput.consume_records_per_s = m.consumed as f64 / secs;
        let pct = |h: &crate::engine::histogram::LatencyHistogram| Percentiles {
            p50: h.percentile(0.5) as f64 / 1e6,
            p99: h.percentile(0.99) as f64 / 1e6,
            p999: h.percentile(0.999) as f64 / 1e6,
            max: h.max() as f64 / 1e6,
        };
        r.latency_ms.produce_ack = pct(&m.ack_latency());
        r.latency_ms.end_to_end = pct(&m.e2e_latency());
        let inv = self.checker.report();
        r.invariants = Invariants {
            acked_lost: inv.acked_lost,
            duplicates: inv.duplicates,
            out_of_order: inv.out_of_order,
            read_above_hw: inv.read_above_hw,
            two_leaders_same_epoch: inv.two_leaders_same_epoch,
            redelivered: inv.redelivered,
            skipped: inv.skipped,
            commit_regressions: inv.commit_regressions,
            first_examples: inv.first_examples,
            aborted_read: inv.aborted_read,
            uncommitted_read: inv.uncommitted_read,
            eos_duplicates: inv.eos_duplicates,
            eos_missing: inv.eos_missing,
        };
        let lags = self.group_lags();
        r.groups = lags
            .into_iter()
            .map(|(g, lag)| crate::engine::report::GroupReport {
                rebalances: m.rebalances.get(&g).copied().unwrap_or(0),
                rebalance_ms: m.rebalance_time.get(&g).copied().unwrap_or(0) as f64 / 1e6,
                isolation_level: self.isolation_level(&g).into(),
                group_id: g,
                lag,
            })
            .collect();
        r.transactions = self.transactions_report();
    }
}
