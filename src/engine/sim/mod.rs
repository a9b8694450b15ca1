//! The engine loop: one event queue ordered by `(time, seq)`, one RNG, and routing of every
//! component's outputs (messages over the network, timers, events).
//!
//! Drive API for the page and the CLI: [`Engine::run_until`] / [`Engine::run_for`] with an
//! event budget (a frame never blocks), [`Engine::apply`] a command now, [`Engine::snapshot`],
//! [`Engine::drain_events`]. The engine is `Clone` (checkpoints).

mod commands;
mod trace;

use std::collections::VecDeque;

use super::broker::{Broker, Role};
use super::checker::{InvariantChecker, LeaderLog};
use super::consumer::Consumer;
use super::controller::Controller;
use super::ctx::{Ctx, OffsetStore, Outbox};
use super::events::{SimEvent, TimedEvent};
use super::ids::{BrokerId, NodeId, TopicInfo, TopicTable, CONTROLLER, OFFSETS_TOPIC};
use super::metrics::{Metrics, SampleInputs};
use super::network::Network;
use super::producer::Producer;
use super::protocol::Message;
use super::queue::EventQueue;
use super::rng::SimRng;
use super::scenario::{Command, Scenario};
use super::time::{ms, SimTime, MILLIS};
use super::timer::Timer;

pub use trace::TraceHash;

/// What a node of the network is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeRole {
    /// The KRaft controller.
    Controller,
    /// A broker (index into `brokers`).
    Broker(usize),
    /// A producer (index into `producers`).
    Producer(usize),
    /// A consumer (index into `consumers`).
    Consumer(usize),
}

/// Something scheduled.
#[derive(Clone, Debug)]
enum Pending {
    Deliver {
        from: NodeId,
        to: NodeId,
        /// `msg.wire_bytes()`, computed once when it was sent.
        bytes: u64,
        msg: Message,
    },
    Refused {
        sender: NodeId,
        to: NodeId,
        msg: Message,
    },
    /// `peer`'s process died: `node` sees its connection to it close (TCP FIN/RST).
    Disconnected {
        node: NodeId,
        peer: NodeId,
    },
    Timer {
        node: NodeId,
        timer: Timer,
    },
    Command(Box<Command>),
    Sample,
}

/// A consumer group as the engine tracks it: its spec and its consumers.
#[derive(Clone, Debug)]
pub struct GroupRuntime {
    /// The scenario's spec.
    pub spec: super::scenario::GroupSpec,
    /// Consumer indexes, in start order.
    pub members: Vec<usize>,
}

/// Why a `run_*` call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunStatus {
    /// Events processed by this call.
    pub events: u64,
    /// The target time was reached (otherwise the event budget ran out).
    pub reached: bool,
}

/// Most events kept for [`Engine::drain_events`] between drains (the oldest are dropped).
pub const EVENT_BUFFER: usize = 50_000;

/// The simulation of one scenario.
#[derive(Clone, Debug)]
pub struct Engine {
    scenario: Scenario,
    now: SimTime,
    queue: EventQueue<Pending>,
    rng: SimRng,
    net: Network,
    topics: TopicTable,
    controller: Controller,
    brokers: Vec<Broker>,
    producers: Vec<Producer>,
    consumers: Vec<Consumer>,
    groups: Vec<GroupRuntime>,
    roles: Vec<NodeRole>,
    offsets: OffsetStore,
    out: Outbox,
    events: VecDeque<TimedEvent>,
    record_flows: bool,
    record_bulk: bool,
    trace: TraceHash,
    processed: u64,
    sample_every: SimTime,
    dropped_events: u64,
    samples_taken: u64,
    metrics: Metrics,
    checker: InvariantChecker,
}

impl Engine {
    /// Builds the cluster, topics and clients of a validated scenario; nothing runs yet.
    pub fn new(scenario: &Scenario) -> Self {
        let mut rng = SimRng::new(scenario.seed);
        let cluster = &scenario.cluster;
        let brokers_n = cluster.brokers.max(1);
        let mut topics = TopicTable::default();
        for t in &scenario.topics {
            topics.topics.push(TopicInfo {
                name: t.name.clone(),
                partitions: t.partitions,
                replication_factor: t.replication_factor.min(brokers_n),
                internal: false,
            });
        }
        if !scenario.consumer_groups.is_empty() {
            topics.topics.push(TopicInfo {
                name: OFFSETS_TOPIC.into(),
                partitions: cluster.config.offsets_topic_num_partitions.max(1),
                replication_factor: cluster
                    .config
                    .offsets_topic_replication_factor
                    .clamp(1, brokers_n),
                internal: true,
            });
        }
        let topic_configs: Vec<_> = scenario.topics.iter().map(|t| t.config.clone()).collect();
        let unclean: Vec<bool> = topics
            .topics
            .iter()
            .enumerate()
            .map(|(i, _)| {
                topic_configs
                    .get(i)
                    .and_then(|c| c.unclean_leader_election_enable)
                    .unwrap_or(cluster.config.unclean_leader_election_enable)
            })
            .collect();
        let controller = Controller::new(
            cluster.config.clone(),
            brokers_n,
            &topics,
            unclean,
            &mut rng,
        );
        let hw = &cluster.hardware;
        let mut net = Network::new(
            1 + brokers_n as usize,
            hw.nic_bits_per_s,
            hw.net_latency_min_ns,
            hw.net_latency_jitter_ns,
        );
        let mut roles = vec![NodeRole::Controller];
        let mut brokers = Vec::new();
        for b in 1..=brokers_n {
            brokers.push(Broker::new(
                b,
                hw.clone(),
                cluster.config.clone(),
                topic_configs.clone(),
            ));
            roles.push(NodeRole::Broker(b as usize - 1));
        }
        let bootstrap: Vec<BrokerId> = (1..=brokers_n).collect();
        let mut producers = Vec::new();
        for (i, p) in scenario.producers.iter().enumerate() {
            let node = net.add_node(hw.nic_bits_per_s);
            let topic = topics.index_of(&p.topic).unwrap_or(0);
            producers.push(Producer::new(i as u32, node, p, topic, bootstrap.clone()));
            roles.push(NodeRole::Producer(i));
        }
        let mut engine = Engine {
            scenario: scenario.clone(),
            now: 0,
            queue: EventQueue::new(),
            rng,
            net,
            topics,
            controller,
            brokers,
            producers,
            consumers: Vec::new(),
            groups: Vec::new(),
            roles,
            offsets: OffsetStore::default(),
            out: Outbox::default(),
            events: VecDeque::new(),
            record_flows: false,
            record_bulk: false,
            trace: TraceHash::new(),
            processed: 0,
            sample_every: 100 * MILLIS,
            dropped_events: 0,
            samples_taken: 0,
            metrics: Metrics::new(),
            checker: InvariantChecker::default(),
        };
        engine.checker = InvariantChecker::new(engine.topics.clone());
        for (g, spec) in scenario.consumer_groups.iter().enumerate() {
            engine.groups.push(GroupRuntime {
                spec: spec.clone(),
                members: Vec::new(),
            });
            for _ in 0..spec.members {
                engine.spawn_consumer(g);
            }
        }
        engine.boot();
        for f in &scenario.faults {
            engine
                .queue
                .push(ms(f.at_ms), Pending::Command(Box::new(f.action.clone())));
        }
        engine
    }

    /// Time zero: the controller publishes metadata, brokers and clients start.
    fn boot(&mut self) {
        self.with_node(CONTROLLER, |e, ctx| e.controller.start(ctx));
        for i in 0..self.brokers.len() {
            self.with_node(NodeId(i as u32 + 1), |e, ctx| e.brokers[i].start(ctx));
        }
        for i in 0..self.producers.len() {
            let node = self.node_of(NodeRole::Producer(i));
            self.with_node(node, |e, ctx| e.producers[i].start(ctx));
        }
        for i in 0..self.consumers.len() {
            let node = self.node_of(NodeRole::Consumer(i));
            self.with_node(node, |e, ctx| e.consumers[i].start(ctx));
        }
        self.queue.push(self.sample_every, Pending::Sample);
    }

    /// Adds a consumer to group `g` (not started); returns its index.
    fn spawn_consumer(&mut self, g: usize) -> usize {
        let hw = self.scenario.cluster.hardware.nic_bits_per_s;
        let node = self.net.add_node(hw);
        let idx = self.consumers.len();
        let group = &self.groups[g];
        let topics = group
            .spec
            .topics
            .iter()
            .filter_map(|t| self.topics.index_of(t))
            .collect();
        let bootstrap = (1..=self.brokers.len() as BrokerId).collect();
        let member_number = group.members.len() as u32;
        self.consumers.push(Consumer::new(
            idx as u32,
            g as u32,
            node,
            &group.spec,
            member_number,
            topics,
            bootstrap,
        ));
        self.groups[g].members.push(idx);
        self.roles.push(NodeRole::Consumer(idx));
        idx
    }

    fn node_of(&self, role: NodeRole) -> NodeId {
        NodeId(self.roles.iter().position(|&r| r == role).unwrap_or(0) as u32)
    }

    /// Runs `f` with a fresh context for `node`, then routes its outputs.
    fn with_node(&mut self, node: NodeId, f: impl FnOnce(&mut EngineParts, &mut Ctx)) {
        {
            let mut parts = EngineParts {
                controller: &mut self.controller,
                brokers: &mut self.brokers,
                producers: &mut self.producers,
                consumers: &mut self.consumers,
            };
            let mut ctx = Ctx {
                now: self.now,
                me: node,
                rng: &mut self.rng,
                topics: &self.topics,
                offsets: &mut self.offsets,
                out: &mut self.out,
            };
            f(&mut parts, &mut ctx);
        }
        self.route(node);
    }

    /// Delivers what `node` asked for in `self.out`: messages onto the network, timers into
    /// the queue, events to the observers. Leaves `self.out` empty (its buffers kept).
    fn route(&mut self, node: NodeId) {
        if !self.out.sends.is_empty() {
            let mut sends = std::mem::take(&mut self.out.sends);
            for (to, msg) in sends.drain(..) {
                let bytes = msg.wire_bytes();
                if let Some(arrives) = self.net.send(self.now, node, to, bytes, &mut self.rng) {
                    if self.record_flows {
                        let records = flow_records(&msg);
                        self.push_event(SimEvent::Flow {
                            from: node,
                            to,
                            kind: msg.kind(),
                            bytes,
                            records,
                            arrives,
                        });
                    }
                    self.queue.push(
                        arrives,
                        Pending::Deliver {
                            from: node,
                            to,
                            bytes,
                            msg,
                        },
                    );
                }
            }
            self.out.sends = sends;
        }
        for (at, timer) in self.out.timers.drain(..) {
            self.queue.push(at, Pending::Timer { node, timer });
        }
        if !self.out.events.is_empty() {
            let mut events = std::mem::take(&mut self.out.events);
            for e in events.drain(..) {
                self.push_event(e);
            }
            self.out.events = events;
        }
    }

    fn push_event(&mut self, event: SimEvent) {
        let at = self.now;
        self.trace.event(at, &event);
        // Observers (metrics, invariant checker) see every event.
        self.metrics.observe_at(at, &event);
        self.checker.observe_at(at, &event);
        let bulk = matches!(
            event,
            SimEvent::LeaderAppend { .. }
                | SimEvent::HighWatermark { .. }
                | SimEvent::Consumed { .. }
                | SimEvent::ProduceAcked { .. }
                | SimEvent::RecordsSent { .. }
                | SimEvent::OffsetsCommitted { .. }
        );
        if bulk && !self.record_bulk {
            return;
        }
        if self.events.len() >= EVENT_BUFFER {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(TimedEvent { at, event });
    }

    fn alive(&self, node: NodeId) -> bool {
        match self.roles.get(node.0 as usize) {
            Some(NodeRole::Controller) => true,
            Some(NodeRole::Broker(i)) => self.brokers[*i].alive,
            Some(NodeRole::Producer(_)) => true,
            Some(NodeRole::Consumer(i)) => self.consumer_alive(*i),
            None => false,
        }
    }

    fn consumer_alive(&self, i: usize) -> bool {
        self.consumers.get(i).map(|c| c.is_alive()).unwrap_or(false)
    }

    /// Processes the next event. Returns `false` when the queue is empty.
    pub fn step(&mut self) -> bool {
        let Some((time, _seq, pending)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(time);
        self.processed += 1;
        match pending {
            Pending::Deliver {
                from,
                to,
                bytes,
                msg,
            } => {
                self.trace.delivery(self.now, from, to, &msg, bytes);
                if self.net.is_cut(from, to) {
                    // The link was cut while the message was in flight: lost.
                } else if !self.alive(to) {
                    if self.alive(from) {
                        let back = self.now + self.net.latency_min();
                        self.queue.push(
                            back,
                            Pending::Refused {
                                sender: from,
                                to,
                                msg,
                            },
                        );
                    }
                } else {
                    self.dispatch_message(from, to, msg);
                }
            }
            Pending::Refused { sender, to, msg } => {
                if self.alive(sender) {
                    let role = self.roles.get(sender.0 as usize).copied();
                    self.with_node(sender, |e, ctx| match role {
                        Some(NodeRole::Broker(i)) => e.brokers[i].handle_unreachable(ctx, to, msg),
                        Some(NodeRole::Producer(i)) => {
                            e.producers[i].handle_unreachable(ctx, to, msg)
                        }
                        Some(NodeRole::Consumer(i)) => {
                            e.consumers[i].handle_unreachable(ctx, to, msg)
                        }
                        _ => {}
                    });
                }
            }
            Pending::Disconnected { node, peer } => {
                self.trace.timer(self.now, node);
                if self.alive(node) {
                    let role = self.roles.get(node.0 as usize).copied();
                    self.with_node(node, |e, ctx| match role {
                        Some(NodeRole::Broker(i)) => e.brokers[i].handle_disconnect(ctx, peer),
                        Some(NodeRole::Producer(i)) => e.producers[i].handle_disconnect(ctx, peer),
                        Some(NodeRole::Consumer(i)) => e.consumers[i].handle_disconnect(ctx, peer),
                        _ => {}
                    });
                }
            }
            Pending::Timer { node, timer } => {
                self.trace.timer(self.now, node);
                if self.alive(node) {
                    self.dispatch_timer(node, timer);
                }
            }
            Pending::Command(cmd) => self.apply(*cmd),
            Pending::Sample => {
                self.sample();
                self.queue
                    .push(self.now + self.sample_every, Pending::Sample);
            }
        }
        true
    }

    /// Kills broker `i`'s process. Its peers' connections to it close: each live client and
    /// broker that can still reach it hears so after one network latency and fails what it had
    /// in flight there (Kafka's `NetworkClient` completes those requests as disconnected).
    /// The controller is not told: KRaft fences a broker only when its heartbeats stop.
    pub(super) fn crash_broker(&mut self, i: usize) {
        let node = NodeId(self.brokers[i].id);
        if !self.brokers[i].alive {
            return;
        }
        self.with_node(node, |e, ctx| e.brokers[i].crash(ctx));
        let at = self.now + self.net.latency_min();
        for peer in 0..self.roles.len() {
            let peer = NodeId(peer as u32);
            let client_or_broker = matches!(
                self.roles[peer.0 as usize],
                NodeRole::Broker(_) | NodeRole::Producer(_) | NodeRole::Consumer(_)
            );
            if peer != node && client_or_broker && self.alive(peer) && !self.net.is_cut(node, peer)
            {
                self.queue.push(
                    at,
                    Pending::Disconnected {
                        node: peer,
                        peer: node,
                    },
                );
            }
        }
    }

    fn dispatch_message(&mut self, from: NodeId, to: NodeId, msg: Message) {
        let role = self.roles.get(to.0 as usize).copied();
        self.with_node(to, |e, ctx| match role {
            Some(NodeRole::Controller) => e.controller.handle_message(ctx, from, msg),
            Some(NodeRole::Broker(i)) => e.brokers[i].handle_message(ctx, from, msg),
            Some(NodeRole::Producer(i)) => e.producers[i].handle_message(ctx, from, msg),
            Some(NodeRole::Consumer(i)) => e.consumers[i].handle_message(ctx, from, msg),
            None => {}
        });
    }

    fn dispatch_timer(&mut self, node: NodeId, timer: Timer) {
        let role = self.roles.get(node.0 as usize).copied();
        self.with_node(node, |e, ctx| match (role, timer) {
            (Some(NodeRole::Controller), Timer::Controller(t)) => e.controller.handle_timer(ctx, t),
            (Some(NodeRole::Broker(i)), Timer::Broker(t)) => e.brokers[i].handle_timer(ctx, t),
            (Some(NodeRole::Broker(i)), Timer::Coordinator(t)) => {
                let cfg = e.brokers[i].config.clone();
                e.brokers[i].coordinator.handle_timer(ctx, t, &cfg)
            }
            (Some(NodeRole::Producer(i)), Timer::Producer(t)) => {
                e.producers[i].handle_timer(ctx, t)
            }
            (Some(NodeRole::Consumer(i)), Timer::Consumer(t)) => {
                e.consumers[i].handle_timer(ctx, t)
            }
            _ => {}
        });
    }

    /// Runs until simulated time `until` or until `max_events` were processed, whichever first.
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> RunStatus {
        let mut n = 0;
        while n < max_events {
            match self.queue.peek_time() {
                Some(t) if t <= until => {
                    self.step();
                    n += 1;
                }
                _ => {
                    self.now = self.now.max(until);
                    return RunStatus {
                        events: n,
                        reached: true,
                    };
                }
            }
        }
        RunStatus {
            events: n,
            reached: self.queue.peek_time().map(|t| t > until).unwrap_or(true),
        }
    }

    /// Runs for `duration` of simulated time (bounded by `max_events`).
    pub fn run_for(&mut self, duration: SimTime, max_events: u64) -> RunStatus {
        self.run_until(self.now.saturating_add(duration), max_events)
    }

    /// Runs the whole scenario (`duration_ms`), with no event budget.
    pub fn run_to_end(&mut self) -> RunStatus {
        self.run_until(ms(self.scenario.duration_ms), u64::MAX)
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Events processed so far.
    pub fn events_processed(&self) -> u64 {
        self.processed
    }

    /// Events waiting in the queue (timers and messages in flight).
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    /// Hash over the ordered event stream: equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        self.trace.value()
    }

    /// Takes the events recorded since the last drain.
    pub fn drain_events(&mut self) -> Vec<TimedEvent> {
        self.events.drain(..).collect()
    }

    /// Records network flows (for animation) into the event stream.
    pub fn set_record_flows(&mut self, on: bool) {
        self.record_flows = on;
    }

    /// Records high-volume events (appends, acks, consumed batches) into the event stream.
    pub fn set_record_bulk(&mut self, on: bool) {
        self.record_bulk = on;
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The topic table.
    pub fn topics(&self) -> &TopicTable {
        &self.topics
    }

    /// Brokers.
    pub fn brokers(&self) -> &[Broker] {
        &self.brokers
    }

    /// The controller.
    pub fn controller(&self) -> &Controller {
        &self.controller
    }

    /// Producers.
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }

    /// Consumers.
    pub fn consumers(&self) -> &[Consumer] {
        &self.consumers
    }

    /// Consumer groups.
    pub fn groups(&self) -> &[GroupRuntime] {
        &self.groups
    }

    /// The node of each role, in node order.
    pub fn roles(&self) -> &[NodeRole] {
        &self.roles
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The group coordinators' committed offsets (read by `snapshot.rs`).
    pub(crate) fn offset_store(&self) -> &OffsetStore {
        &self.offsets
    }

    fn sample(&mut self) {
        let mut inputs = SampleInputs {
            isr_min: u32::MAX,
            ..SampleInputs::default()
        };
        let mut isr_total = 0u64;
        let mut n = 0u64;
        for st in self.controller.partitions() {
            if self
                .topics
                .get(st.tp.topic)
                .map(|t| t.internal)
                .unwrap_or(true)
            {
                continue;
            }
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

    /// Runs the invariant checker's log audit against the current leaders.
    pub fn audit(&mut self) {
        let brokers = &self.brokers;
        let leaders = self.controller.partitions().filter_map(|st| {
            let l = st.leader?;
            let r = brokers.get(l as usize - 1)?.replicas.get(&st.tp)?;
            // Every assigned replica's log, crashed brokers' too (their logs survive).
            let copies = st
                .replicas
                .iter()
                .map(|&b| {
                    brokers
                        .get(b as usize - 1)
                        .and_then(|br| br.replicas.get(&st.tp))
                        .map(|rep| &rep.log)
                })
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            (r.role == Role::Leader).then_some(LeaderLog {
                tp: st.tp,
                leader: l,
                epoch: r.leader_epoch,
                log: &r.log,
                copies,
            })
        });
        self.checker.sweep(self.now, leaders);
    }

    /// Lag per group: the leaders' high watermarks minus the group's committed offsets.
    pub fn group_lags(&self) -> Vec<(String, u64)> {
        self.groups
            .iter()
            .map(|g| {
                let mut lag = 0u64;
                for t in &g.spec.topics {
                    let Some(ti) = self.topics.index_of(t) else {
                        continue;
                    };
                    for p in 0..self.topics.partitions(ti) {
                        let tp = crate::engine::ids::TopicPartition::new(ti, p);
                        let hw = self
                            .controller
                            .partition(tp)
                            .and_then(|st| st.leader)
                            .and_then(|l| self.brokers.get(l as usize - 1))
                            .and_then(|b| b.replicas.get(&tp))
                            .map(|r| r.log.high_watermark())
                            .unwrap_or(0);
                        let committed = self
                            .offsets
                            .committed
                            .get(&(g.spec.group_id.clone(), tp))
                            .copied()
                            .unwrap_or(0);
                        lag += hw.saturating_sub(committed);
                    }
                }
                (g.spec.group_id.clone(), lag)
            })
            .collect()
    }

    /// The metrics (totals, histograms, time series).
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

    /// The final line `kafka-producer-perf-test.sh` prints, from this run's figures: records
    /// acknowledged, their rate over the time to the last acknowledgement, and the produce-ack
    /// latency distribution.
    pub fn perf_test_line(&self) -> String {
        let m = &self.metrics;
        let secs = (m.last_ack as f64 / 1e9).max(1e-9);
        let h = &m.ack_latency();
        let msf = |q: f64| (h.percentile(q) as f64 / 1e6) as u64;
        format!(
            "{} records sent, {:.1} records/sec ({:.2} MB/sec), {:.2} ms avg latency, {:.2} ms max latency, {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th.",
            m.acked,
            m.acked as f64 / secs,
            m.acked_bytes as f64 / secs / (1024.0 * 1024.0),
            h.mean() / 1e6,
            h.max() as f64 / 1e6,
            msf(0.5),
            msf(0.95),
            msf(0.99),
            msf(0.999)
        )
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
            first_examples: inv.first_examples,
        };
        let lags = self.group_lags();
        r.groups = lags
            .into_iter()
            .map(|(g, lag)| crate::engine::report::GroupReport {
                rebalances: m.rebalances.get(&g).copied().unwrap_or(0),
                rebalance_ms: m.rebalance_time.get(&g).copied().unwrap_or(0) as f64 / 1e6,
                group_id: g,
                lag,
            })
            .collect();
    }
}

/// Mutable views of the components, handed to a node's handler.
struct EngineParts<'a> {
    controller: &'a mut Controller,
    brokers: &'a mut Vec<Broker>,
    producers: &'a mut Vec<Producer>,
    consumers: &'a mut Vec<Consumer>,
}

fn flow_records(msg: &Message) -> u64 {
    match msg {
        Message::ProduceRequest { partitions, .. } => {
            partitions.iter().map(|p| p.batch.record_count as u64).sum()
        }
        Message::FetchResponse { partitions, .. } => partitions
            .iter()
            .map(|p| p.batches.iter().map(|b| b.record_count as u64).sum::<u64>())
            .sum(),
        _ => 0,
    }
}
