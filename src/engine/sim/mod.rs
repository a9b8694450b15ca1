//! The engine loop: one event queue ordered by `(time, seq)`, one RNG, and routing of every
//! component's outputs (messages over the network, timers, events).
//!
//! Drive API for the page and the CLI: [`Engine::run_until`] / [`Engine::run_for`] with an
//! event budget (a frame never blocks), [`Engine::apply`] a command now, [`Engine::snapshot`],
//! [`Engine::drain_events`]. The engine is `Clone` (checkpoints).

mod commands;
mod follow;
mod observe;
mod pause;
mod processors;
mod stuck;
mod trace;
mod txn_observe;
mod zones;

use std::collections::VecDeque;

use super::broker::Broker;
use super::checker::InvariantChecker;
use super::consumer::Consumer;
use super::controller::Controller;
use super::ctx::{Ctx, Outbox};
use super::events::{SimEvent, TimedEvent};
use super::ids::{BrokerId, NodeId, TopicInfo, TopicTable, CONTROLLER, OFFSETS_TOPIC};
use super::metrics::{Metrics, SampleInputs};
use super::network::Network;
use super::producer::Producer;
use super::protocol::Message;
use super::queue::EventQueue;
use super::racks::RackLayout;
use super::rng::SimRng;
use super::scenario::Scenario;
use super::time::{ms, SimTime, MILLIS};
use super::timer::Timer;

pub use commands::Command;
pub use stuck::{StuckClock, Who, CLOCK_CHECK_EVERY};
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
        /// The incarnation of `to` the message was sent to: a message on a connection to a
        /// process that has died since is lost with it.
        to_incarnation: u32,
        /// `msg.wire_bytes()`, computed once when it was sent (a u32 keeps the entry small).
        bytes: u32,
        msg: Message,
    },
    Refused {
        sender: NodeId,
        sender_incarnation: u32,
        to: NodeId,
        msg: Message,
    },
    /// `peer`'s process died: `node` sees its connection to it close (TCP FIN/RST).
    Disconnected {
        node: NodeId,
        incarnation: u32,
        peer: NodeId,
    },
    /// A timer of `node`, set by its process of `incarnation`; dropped if that process died.
    Timer {
        node: NodeId,
        incarnation: u32,
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
    /// The target time was reached (otherwise the event budget ran out, or the clock is stuck:
    /// see [`Engine::stuck_clock`]).
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
    /// Per node: the incarnation of its process (one more per restart). Timers and messages
    /// carry the incarnation they were set for or sent to; the engine drops those of a process
    /// that has died.
    incarnations: Vec<u32>,
    out: Outbox,
    events: VecDeque<TimedEvent>,
    record_flows: bool,
    /// `record_flows` or racks: [`Engine::observe_send`] runs for every message sent.
    observe_sends: bool,
    record_bulk: bool,
    trace: TraceHash,
    processed: u64,
    /// Simulated time at the last clock check (stuck-clock detection).
    clock_checked_at: SimTime,
    /// Set when simulated time stopped moving; the run does not go on.
    stuck: Option<Box<StuckClock>>,
    sample_every: SimTime,
    dropped_events: u64,
    misrouted_timers: u64,
    samples_taken: u64,
    metrics: Metrics,
    checker: InvariantChecker,
    /// The records of a followed key ([`Engine::follow_key`]); `None` almost always.
    followed: Option<Box<follow::Followed>>,
    /// Racks of the nodes and the bytes between them; `None` for a cluster without racks.
    racks: Option<Box<RackLayout>>,
    /// The processors' application loops (empty without `processors`).
    processors: super::processor::Processors,
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
        if !scenario.consumer_groups.is_empty() || !scenario.processors.is_empty() {
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
        if scenario
            .producers
            .iter()
            .any(|p| p.config.transactional_id.is_some())
            || !scenario.processors.is_empty()
        {
            // `transaction.state.log.num.partitions` 50, `...replication.factor` 3.
            topics.topics.push(TopicInfo {
                name: crate::engine::txn::TXN_TOPIC.into(),
                partitions: 50,
                replication_factor: 3u32.clamp(1, brokers_n),
                internal: true,
            });
        }
        let mut topic_configs: Vec<_> = scenario.topics.iter().map(|t| t.config.clone()).collect();
        topic_configs.resize(topics.topics.len(), Default::default());
        let broker_racks: Vec<u16> = (1..=brokers_n)
            .filter_map(|b| cluster.rack_of(b))
            .map(|name| cluster.racks.iter().position(|r| r == name).unwrap_or(0) as u16)
            .collect();
        let rack_of: Vec<Option<u16>> = broker_racks.iter().map(|&r| Some(r)).collect();
        let controller = Controller::new_in_racks(
            cluster.config.clone(),
            brokers_n,
            &rack_of,
            &topics,
            topic_configs.clone(),
            &mut rng,
        );
        // The formatted cluster: every broker has the bootstrap metadata on disk.
        let mut bootstrap = crate::engine::metadata_image::MetadataImage::default();
        for r in controller.metadata_log().records() {
            bootstrap.apply(r);
        }
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
            let mut disk = crate::engine::broker::BrokerDisk::new(
                b,
                hw.clone(),
                cluster.config.clone(),
                topic_configs.clone(),
            );
            disk.metadata = bootstrap.clone();
            disk.racks = broker_racks.clone();
            brokers.push(Broker::new(disk));
            roles.push(NodeRole::Broker(b as usize - 1));
        }
        let bootstrap: Vec<BrokerId> = (1..=brokers_n).collect();
        let mut producers = Vec::new();
        for (i, p) in scenario.producers.iter().enumerate() {
            let node = net.add_node(hw.nic_bits_per_s);
            let topic = topics.index_of(&p.topic).unwrap_or(0);
            let mut producer = Producer::new(i as u32, node, p, topic, bootstrap.clone());
            producer.set_send_cost(hw.client_ns_per_record);
            producers.push(producer);
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
            incarnations: Vec::new(),
            roles,
            out: Outbox::default(),
            events: VecDeque::new(),
            record_flows: false,
            observe_sends: false,
            record_bulk: false,
            trace: TraceHash::new(),
            processed: 0,
            clock_checked_at: SimTime::MAX,
            stuck: None,
            sample_every: 100 * MILLIS,
            dropped_events: 0,
            misrouted_timers: 0,
            samples_taken: 0,
            metrics: Metrics::new(),
            checker: InvariantChecker::default(),
            followed: None,
            racks: None,
            processors: Default::default(),
        };
        if !cluster.racks.is_empty() {
            let n = cluster.racks.len();
            // The controller stands for a quorum spread over every zone: in none of them.
            let mut node = vec![crate::engine::racks::NO_RACK];
            node.extend(&broker_racks);
            node.extend((0..scenario.producers.len()).map(|i| (i % n) as u16));
            engine.racks = Some(Box::new(RackLayout {
                names: cluster.racks.clone(),
                node,
                brokers: brokers_n,
                traffic: Default::default(),
            }));
            engine.observe_sends = true;
        }
        engine.checker = InvariantChecker::new(engine.topics.clone()).with_group_names(
            scenario
                .consumer_groups
                .iter()
                .map(|g| g.group_id.clone())
                .chain(scenario.processors.iter().map(|p| p.group_id.clone()))
                .collect(),
        );
        if scenario
            .consumer_groups
            .iter()
            .any(|g| g.config.read_committed())
            || !scenario.processors.is_empty()
        {
            let read_committed = scenario
                .consumer_groups
                .iter()
                .map(|g| g.config.read_committed())
                .chain(scenario.processors.iter().map(|_| true))
                .collect();
            engine.checker =
                std::mem::take(&mut engine.checker).with_read_committed(read_committed);
        }
        engine.incarnations = vec![0; engine.roles.len()];
        for (g, spec) in scenario.consumer_groups.iter().enumerate() {
            engine.groups.push(GroupRuntime {
                spec: spec.clone(),
                members: Vec::new(),
            });
            for _ in 0..spec.members {
                engine.spawn_consumer(g);
            }
        }
        if !scenario.processors.is_empty() {
            engine.add_processors();
            engine
                .checker
                .set_processors(&scenario.processors, &engine.topics);
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
        self.with_node(CONTROLLER, |e, ctx| e.controller.start(&mut ctx.part()));
        for i in 0..self.brokers.len() {
            self.with_node(NodeId(i as u32 + 1), |e, ctx| {
                if let Some(p) = e.brokers[i].process_mut() {
                    p.start(&mut ctx.part(), true)
                }
            });
        }
        for i in 0..self.producers.len() {
            let node = self.node_of(NodeRole::Producer(i));
            self.with_node(node, |e, ctx| e.producers[i].start(&mut ctx.part()));
        }
        for i in 0..self.consumers.len() {
            let node = self.node_of(NodeRole::Consumer(i));
            self.with_node(node, |e, ctx| e.consumers[i].start(&mut ctx.part()));
        }
        self.queue.push(self.sample_every, Pending::Sample);
    }

    /// Consumer `c`, member `member` of group `g`, on `node`, as a fresh process: the group's
    /// topics and config in effect, every broker to bootstrap from.
    fn new_consumer(&self, c: usize, g: usize, node: NodeId, member: u32) -> Consumer {
        let group = &self.groups[g];
        let topics = group
            .spec
            .topics
            .iter()
            .filter_map(|t| self.topics.index_of(t))
            .collect();
        let bootstrap = (1..=self.brokers.len() as BrokerId).collect();
        let mut consumer = Consumer::new(
            c as u32,
            g as u32,
            node,
            &group.spec,
            member,
            topics,
            bootstrap,
        );
        if self.is_processor_group(g) {
            consumer.set_processor_mode();
        }
        consumer
    }

    /// Adds a consumer to group `g` (not started); returns its index.
    fn spawn_consumer(&mut self, g: usize) -> usize {
        let hw = self.scenario.cluster.hardware.nic_bits_per_s;
        let node = self.net.add_node(hw);
        let idx = self.consumers.len();
        let member = self.groups[g].members.len() as u32;
        let consumer = self.new_consumer(idx, g, node, member);
        self.consumers.push(consumer);
        self.groups[g].members.push(idx);
        self.roles.push(NodeRole::Consumer(idx));
        self.place_consumer(idx, node);
        self.incarnations.push(0);
        idx
    }

    /// Starts crashed consumer `c` (member `member` of group `g`) as a new process: one
    /// incarnation later (the old process's timers and messages are dropped), fresh client
    /// state, the group's config in effect, the same instance id.
    fn restart_consumer(&mut self, g: usize, c: usize, member: u32) {
        let node = self.consumers[c].node();
        let incarnation = self.incarnation(node) + 1;
        self.incarnations[node.0 as usize] = incarnation;
        self.consumers[c] = self.new_consumer(c, g, node, member);
        self.place_consumer(c, node);
        self.with_node(node, |e, ctx| e.consumers[c].start(&mut ctx.part()));
    }

    fn node_of(&self, role: NodeRole) -> NodeId {
        NodeId(self.roles.iter().position(|&r| r == role).unwrap_or(0) as u32)
    }

    /// Runs `f` with a fresh context for `node`, then routes its outputs.
    fn with_node(&mut self, node: NodeId, f: impl FnOnce(&mut EngineParts, &mut Ctx<Timer>)) {
        {
            let mut parts = EngineParts {
                controller: &mut self.controller,
                brokers: &mut self.brokers,
                producers: &mut self.producers,
                consumers: &mut self.consumers,
            };
            let mut ctx = Ctx::new(self.now, node, &mut self.rng, &self.topics, &mut self.out);
            f(&mut parts, &mut ctx);
        }
        self.route(node);
    }

    /// After a client node ran: the application loop of a processor member on it, if any.
    #[inline]
    fn after_client(&mut self, node: NodeId) {
        if !self.processors.members.is_empty() {
            self.processor_step(node);
        }
    }

    /// Delivers what `node` asked for in `self.out`: messages onto the network, timers into
    /// the queue, events to the observers. Leaves `self.out` empty (its buffers kept).
    fn route(&mut self, node: NodeId) {
        if !self.out.sends.is_empty() {
            let mut sends = std::mem::take(&mut self.out.sends);
            for (to, msg) in sends.drain(..) {
                if self.followed.is_some() {
                    self.note_send(node, to, &msg);
                }
                let to_incarnation = self.incarnation(to);
                let bytes = msg.wire_bytes();
                if let Some(arrives) = self.net.send(self.now, node, to, bytes, &mut self.rng) {
                    if self.observe_sends {
                        self.observe_send(node, to, &msg, bytes, arrives);
                    }
                    self.queue.push(
                        arrives,
                        Pending::Deliver {
                            from: node,
                            to,
                            to_incarnation,
                            bytes: bytes.min(u32::MAX as u64) as u32,
                            msg,
                        },
                    );
                }
            }
            self.out.sends = sends;
        }
        let incarnation = self.incarnation(node);
        for (at, timer) in self.out.timers.drain(..) {
            self.queue.push(
                at,
                Pending::Timer {
                    node,
                    incarnation,
                    timer,
                },
            );
        }
        if !self.out.events.is_empty() {
            let mut events = std::mem::take(&mut self.out.events);
            for e in events.drain(..) {
                self.push_event(e);
            }
            self.out.events = events;
        }
    }

    /// A message left `from` for `to`: the page's flow animation (when recorded) and the
    /// traffic between racks (when the cluster has racks) see it.
    #[inline(never)]
    fn observe_send(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: &Message,
        bytes: u64,
        arrives: SimTime,
    ) {
        if let Some(r) = &mut self.racks {
            r.count(from, to, msg, bytes);
        }
        if self.record_flows {
            let records = flow_records(msg);
            self.push_event(SimEvent::Flow {
                from,
                to,
                kind: msg.kind(),
                bytes,
                records,
                arrives,
            });
        }
    }

    fn push_event(&mut self, event: SimEvent) {
        let at = self.now;
        if matches!(event, SimEvent::Flow { .. } | SimEvent::Follow { .. }) {
            // Recorded for the page's animation or for following a record, only when asked:
            // not part of the run, so the trace hash is the same with them on or off (a page at
            // any speed and the CLI reach the same hash).
            if let SimEvent::Follow { note } = &event {
                self.note_followed(note);
            }
            self.buffer_event(at, event);
            return;
        }
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
        self.buffer_event(at, event);
    }

    /// Keeps an event for [`Engine::drain_events`] (the oldest dropped past [`EVENT_BUFFER`]).
    fn buffer_event(&mut self, at: SimTime, event: SimEvent) {
        if self.events.len() >= EVENT_BUFFER {
            self.events.pop_front();
            self.dropped_events += 1;
        }
        self.events.push_back(TimedEvent { at, event });
    }

    /// The incarnation of `node`'s process (0 for an unknown node).
    fn incarnation(&self, node: NodeId) -> u32 {
        self.incarnations.get(node.0 as usize).copied().unwrap_or(0)
    }

    /// Whether `node`'s process runs as incarnation `incarnation`.
    fn alive_as(&self, node: NodeId, incarnation: u32) -> bool {
        self.alive(node) && self.incarnation(node) == incarnation
    }

    /// Whether `node` runs and takes `msg`: a broker opens its listeners only
    /// once it has registered, caught up and been unfenced; until then requests to it are
    /// refused (responses on connections it opened itself still arrive).
    fn accepts(&self, node: NodeId, msg: &Message) -> bool {
        match self.roles.get(node.0 as usize) {
            Some(NodeRole::Controller) | Some(NodeRole::Producer(_)) => true,
            Some(NodeRole::Broker(i)) => match &self.brokers[*i] {
                Broker::Running(p) => p.serving() || !msg.is_request(),
                Broker::Down(_) => false,
            },
            Some(NodeRole::Consumer(i)) => self.consumer_alive(*i),
            None => false,
        }
    }

    fn alive(&self, node: NodeId) -> bool {
        match self.roles.get(node.0 as usize) {
            Some(NodeRole::Controller) => true,
            Some(NodeRole::Broker(i)) => self.brokers[*i].is_running(),
            Some(NodeRole::Producer(_)) => true,
            Some(NodeRole::Consumer(i)) => self.consumer_alive(*i),
            None => false,
        }
    }

    fn consumer_alive(&self, i: usize) -> bool {
        self.consumers.get(i).map(|c| c.is_alive()).unwrap_or(false)
    }

    /// Processes the next event. Returns `false` when the queue is empty, or when simulated
    /// time is found stuck (see [`Engine::stuck_clock`]).
    pub fn step(&mut self) -> bool {
        if self.processed % CLOCK_CHECK_EVERY == 0 && self.clock_stuck() {
            return false;
        }
        let Some((time, _seq, pending)) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(time);
        self.processed += 1;
        match pending {
            Pending::Deliver {
                from,
                to,
                to_incarnation,
                bytes,
                msg,
            } => {
                self.trace.delivery(self.now, from, to, &msg, bytes as u64);
                if self.net.is_cut(from, to) {
                    // The link was cut while the message was in flight: lost.
                } else if !self.accepts(to, &msg) {
                    if self.alive(from) {
                        let back = self.now + self.net.latency_min();
                        let sender_incarnation = self.incarnation(from);
                        self.queue.push(
                            back,
                            Pending::Refused {
                                sender: from,
                                sender_incarnation,
                                to,
                                msg,
                            },
                        );
                    }
                } else if self.incarnation(to) == to_incarnation {
                    if self.followed.is_some() {
                        let carried = self.followed_in_fetch(to, &msg);
                        self.dispatch_message(from, to, msg);
                        self.note_replica_copies(to, carried);
                    } else {
                        self.dispatch_message(from, to, msg);
                    }
                }
                // Otherwise it was sent to a process that has died since: lost with its
                // connection (the sender was told of the disconnect).
            }
            Pending::Refused {
                sender,
                sender_incarnation,
                to,
                msg,
            } => {
                if self.alive_as(sender, sender_incarnation) {
                    let role = self.roles.get(sender.0 as usize).copied();
                    self.with_node(sender, |e, ctx| match role {
                        Some(NodeRole::Broker(i)) => {
                            if let Some(p) = e.brokers[i].process_mut() {
                                p.handle_unreachable(&mut ctx.part(), to, msg)
                            }
                        }
                        Some(NodeRole::Producer(i)) => {
                            e.producers[i].handle_unreachable(&mut ctx.part(), to, msg)
                        }
                        Some(NodeRole::Consumer(i)) => {
                            e.consumers[i].handle_unreachable(&mut ctx.part(), to, msg)
                        }
                        _ => {}
                    });
                    self.after_client(sender);
                }
            }
            Pending::Disconnected {
                node,
                incarnation,
                peer,
            } => {
                self.trace.timer(self.now, node);
                if self.alive_as(node, incarnation) {
                    let role = self.roles.get(node.0 as usize).copied();
                    self.with_node(node, |e, ctx| match role {
                        Some(NodeRole::Broker(i)) => {
                            if let Some(p) = e.brokers[i].process_mut() {
                                p.handle_disconnect(&mut ctx.part(), peer)
                            }
                        }
                        Some(NodeRole::Producer(i)) => {
                            e.producers[i].handle_disconnect(&mut ctx.part(), peer)
                        }
                        Some(NodeRole::Consumer(i)) => {
                            e.consumers[i].handle_disconnect(&mut ctx.part(), peer)
                        }
                        _ => {}
                    });
                    self.after_client(node);
                }
            }
            Pending::Timer {
                node,
                incarnation,
                timer,
            } => {
                self.trace.timer(self.now, node);
                if self.alive_as(node, incarnation) {
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
        let node = NodeId(self.brokers[i].id());
        if !self.brokers[i].crash() {
            return;
        }
        self.push_event(SimEvent::BrokerCrashed { broker: node.0 });
        let at = self.now + self.net.latency_min();
        for peer in 0..self.roles.len() {
            let peer = NodeId(peer as u32);
            let client_or_broker = matches!(
                self.roles[peer.0 as usize],
                NodeRole::Broker(_) | NodeRole::Producer(_) | NodeRole::Consumer(_)
            );
            if peer != node && client_or_broker && self.alive(peer) && !self.net.is_cut(node, peer)
            {
                let incarnation = self.incarnation(peer);
                self.queue.push(
                    at,
                    Pending::Disconnected {
                        node: peer,
                        incarnation,
                        peer: node,
                    },
                );
            }
        }
    }

    /// Opens a new process of broker `i` from its disk, one incarnation later; it starts its
    /// heartbeats and waits for metadata (then fetches, and truncates per KIP-101, as a
    /// follower).
    pub(super) fn restart_broker(&mut self, i: usize) {
        let node = NodeId(self.brokers[i].id());
        if self.brokers[i].is_running() {
            return;
        }
        let incarnation = self.incarnation(node) + 1;
        self.incarnations[node.0 as usize] = incarnation;
        self.with_node(node, |e, ctx| {
            if let Some(p) = e.brokers[i].restart(incarnation as u64) {
                ctx.event(SimEvent::BrokerRestarted { broker: p.id });
                p.start(&mut ctx.part(), false);
            }
        });
    }

    fn dispatch_message(&mut self, from: NodeId, to: NodeId, msg: Message) {
        let role = self.roles.get(to.0 as usize).copied();
        self.with_node(to, |e, ctx| match role {
            Some(NodeRole::Controller) => e.controller.handle_message(&mut ctx.part(), from, msg),
            Some(NodeRole::Broker(i)) => {
                if let Some(p) = e.brokers[i].process_mut() {
                    p.handle_message(&mut ctx.part(), from, msg)
                }
            }
            Some(NodeRole::Producer(i)) => {
                e.producers[i].handle_message(&mut ctx.part(), from, msg)
            }
            Some(NodeRole::Consumer(i)) => {
                e.consumers[i].handle_message(&mut ctx.part(), from, msg)
            }
            None => {}
        });
        if let Some(NodeRole::Producer(_) | NodeRole::Consumer(_)) = role {
            self.after_client(to);
        }
    }

    fn dispatch_timer(&mut self, node: NodeId, timer: Timer) {
        let role = self.roles.get(node.0 as usize).copied();
        // Components set timers through their own typed context (`Ctx<BrokerTimer>`, ...), so a
        // timer always comes back to a node of its owner's kind; anything else is an engine bug,
        // reported (debug builds stop here), never silently handled by someone else.
        let owned = matches!(
            (role, &timer),
            (Some(NodeRole::Controller), Timer::Controller(_))
                | (
                    Some(NodeRole::Broker(_)),
                    Timer::Broker(_) | Timer::Coordinator(_)
                )
                | (Some(NodeRole::Producer(_)), Timer::Producer(_))
                | (Some(NodeRole::Consumer(_)), Timer::Consumer(_))
        );
        if !owned {
            self.misrouted_timers += 1;
            debug_assert!(
                false,
                "timer {timer:?} at node {node:?} ({role:?}) has no owner"
            );
            return;
        }
        self.with_node(node, |e, ctx| match (role, timer) {
            (Some(NodeRole::Controller), Timer::Controller(t)) => {
                e.controller.handle_timer(&mut ctx.part(), t)
            }
            (Some(NodeRole::Broker(i)), Timer::Broker(t)) => {
                if let Some(p) = e.brokers[i].process_mut() {
                    p.handle_timer(&mut ctx.part(), t)
                }
            }
            (Some(NodeRole::Broker(i)), Timer::Coordinator(t)) => {
                if let Some(p) = e.brokers[i].process_mut() {
                    p.handle_coordinator_timer(&mut ctx.part(), t)
                }
            }
            (Some(NodeRole::Producer(i)), Timer::Producer(t)) => {
                e.producers[i].handle_timer(&mut ctx.part(), t)
            }
            (Some(NodeRole::Consumer(i)), Timer::Consumer(t)) => {
                e.consumers[i].handle_timer(&mut ctx.part(), t)
            }
            _ => {} // checked above
        });
        if let Some(NodeRole::Producer(_) | NodeRole::Consumer(_)) = role {
            self.after_client(node);
        }
    }

    /// Timers that fired at a node not of their owner's kind (an engine bug; 0 in every run).
    pub fn misrouted_timers(&self) -> u64 {
        self.misrouted_timers
    }

    /// Runs until simulated time `until` or until `max_events` were processed, whichever first;
    /// stops for good when simulated time stops moving (see [`Engine::stuck_clock`]).
    ///
    /// A run cut by `max_events` still finishes the events of the instant it is in, so it
    /// stops only between two simulated instants: the state after any call is that of one run
    /// to [`Engine::now`], which is what `kafka-sim run --until-us` of an exported scenario
    /// reaches (the page pauses wherever a frame's budget ran out).
    pub fn run_until(&mut self, until: SimTime, max_events: u64) -> RunStatus {
        let mut n = 0;
        if self.stuck.is_some() {
            return RunStatus {
                events: 0,
                reached: false,
            };
        }
        loop {
            match self.queue.peek_time() {
                Some(t) if t <= until && (n < max_events || t <= self.now) => {
                    if !self.step() {
                        break; // stuck
                    }
                    n += 1;
                }
                Some(t) if t <= until => break, // the budget is spent, between two instants
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

    /// Why the run stopped for good, if simulated time stopped moving.
    pub fn stuck_clock(&self) -> Option<&StuckClock> {
        self.stuck.as_deref()
    }

    /// Every [`CLOCK_CHECK_EVERY`] events: if simulated time has not moved since the last
    /// check, every event since was at this one instant and the clock is stuck; the next event
    /// (taken off the queue: the run stops here) says what keeps firing.
    #[cold]
    #[inline(never)]
    fn clock_stuck(&mut self) -> bool {
        let next_at = self.queue.peek_time();
        if self.now != self.clock_checked_at || next_at != Some(self.now) {
            self.clock_checked_at = self.now;
            return false;
        }
        if let Some((_, _, pending)) = self.queue.pop() {
            self.note_stuck(&pending);
        }
        true
    }

    fn note_stuck(&mut self, pending: &Pending) {
        if self.stuck.is_some() {
            return;
        }
        let (node, what, timer) = match pending {
            Pending::Timer { node, timer, .. } => (*node, format!("timer {timer:?}"), Some(timer)),
            Pending::Deliver { to, msg, .. } => (*to, format!("message {:?}", msg.kind()), None),
            Pending::Refused { sender, .. } => (*sender, "a refused message".into(), None),
            Pending::Disconnected { node, .. } => (*node, "a closed connection".into(), None),
            Pending::Command(c) => (CONTROLLER, format!("command {c:?}"), None),
            Pending::Sample => (CONTROLLER, "sampling".into(), None),
        };
        let role = self.roles.get(node.0 as usize).copied();
        self.stuck = Some(Box::new(StuckClock::new(
            self.now,
            CLOCK_CHECK_EVERY,
            node,
            role,
            what,
            timer,
        )));
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
        self.observe_sends = on || self.racks.is_some();
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

#[cfg(test)]
mod timer_owner_tests {
    use super::*;
    use crate::engine::config::ProducerConfig;
    use crate::engine::producer::ProducerTimer;

    /// Issue 13: a timer that comes back to a node not of its owner's kind is an error, not a
    /// silent no-op (debug builds stop; release builds count it).
    #[test]
    #[cfg_attr(debug_assertions, should_panic(expected = "has no owner"))]
    fn a_timer_for_a_node_of_another_kind_is_an_error() {
        let s = Scenario::cluster(1, 1, 1_000)
            .with_topic("t", 1, 1)
            .with_producer("p", "t", 10.0, 100, ProducerConfig::default());
        let mut e = Engine::new(&s);
        let broker = e
            .roles
            .iter()
            .position(|r| matches!(r, NodeRole::Broker(_)))
            .expect("a broker node");
        e.queue.push(
            MILLIS,
            Pending::Timer {
                node: NodeId(broker as u32),
                incarnation: 0,
                timer: Timer::Producer(ProducerTimer::MetadataTimeout { correlation_id: 1 }),
            },
        );
        e.run_until(2 * MILLIS, u64::MAX);
        assert_eq!(e.misrouted_timers(), 1);
    }
}
