//! Commands: faults and live changes, from the scenario's schedule or a click in the page.

use super::*;
use crate::engine::config::registry;
use crate::engine::reasons::{CommandRefusal, NetworkChange};
use crate::engine::time::SimTime;
use serde::{Deserialize, Serialize};

/// Something a person (a click in the page) or a fault schedule does to the running system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Command {
    /// Kill a broker process (its log survives on disk).
    CrashBroker {
        /// Broker id.
        broker: u32,
    },
    /// Start a crashed broker again; it truncates per KIP-101 and catches up.
    RestartBroker {
        /// Broker id.
        broker: u32,
    },
    /// Crash whichever broker currently leads a partition.
    CrashLeader {
        /// Topic name.
        topic: String,
        /// Partition number.
        partition: u32,
    },
    /// Cut every link of a broker (to other brokers, the controller and clients).
    IsolateBroker {
        /// Broker id.
        broker: u32,
    },
    /// Split brokers into groups that cannot reach each other (clients and the controller
    /// stay with the first group).
    PartitionNetwork {
        /// Broker id groups.
        groups: Vec<Vec<u32>>,
    },
    /// Cut or heal one link between two brokers (both ways unless `one_way`).
    CutLink {
        /// One end.
        from: u32,
        /// Other end.
        to: u32,
        /// Only traffic from `from` to `to` is dropped.
        one_way: bool,
    },
    /// Restore every link.
    HealNetwork,
    /// Slow a broker's disk and/or NIC by a factor (1 = normal, 10 = ten times slower).
    SlowBroker {
        /// Broker id.
        broker: u32,
        /// Disk slow-down factor.
        disk_factor: f64,
        /// NIC slow-down factor.
        nic_factor: f64,
    },
    /// Kill one consumer of a group (by member index).
    CrashConsumer {
        /// Group id.
        group: String,
        /// Member index within the group (0-based, in start order).
        member: u32,
    },
    /// Start a crashed consumer of a group again (by member index): a new process of the same
    /// application, with the same `group.instance.id` when the group uses static membership, so
    /// a static member back within `session.timeout.ms` takes its place without a rebalance
    /// (KIP-345); a dynamic one joins as a new member.
    RestartConsumer {
        /// Group id.
        group: String,
        /// Member index within the group (0-based, in start order).
        member: u32,
    },
    /// Start one more consumer in a group.
    AddConsumer {
        /// Group id.
        group: String,
    },
    /// Change a config live: `target` is `broker`, `topic:NAME`, `producer:ID` or `group:ID`.
    SetConfig {
        /// What the config belongs to.
        target: String,
        /// Kafka config name, e.g. `linger.ms`.
        key: String,
        /// New value as Kafka would read it from a properties file.
        value: String,
    },
    /// A zone outage: every broker in the rack crashes, and every consumer in it.
    CrashRack {
        /// Rack name (one of `cluster.racks`).
        rack: String,
    },
    /// The zone comes back: every crashed broker and consumer in the rack restarts (a consumer
    /// as `restart_consumer` does: a new process of the same member).
    RestartRack {
        /// Rack name.
        rack: String,
    },
    /// Cut every link between the rack's nodes (brokers and clients) and the other racks.
    IsolateRack {
        /// Rack name.
        rack: String,
    },
    /// Restore the links between the rack and the other racks.
    HealRack {
        /// Rack name.
        rack: String,
    },
    /// Pause a producer application for `ms` (a long GC pause). A transactional producer's
    /// replacement — a new instance with the same `transactional.id`, as an orchestrator starts
    /// one for an unresponsive application — starts at once, so the paused one wakes as a
    /// zombie and is fenced.
    PauseClient {
        /// Producer id.
        producer: String,
        /// Pause length, ms.
        ms: u64,
    },
}

impl Engine {
    /// Applies a command at the current simulated time. Invalid commands (unknown broker,
    /// bad config value) are reported as [`SimEvent::CommandRejected`], never a panic.
    pub fn apply(&mut self, cmd: Command) {
        match self.try_apply(&cmd) {
            Ok(()) => self.push_event(SimEvent::CommandApplied { command: cmd }),
            Err(reason) => self.push_event(SimEvent::CommandRejected {
                command: cmd,
                reason,
            }),
        }
    }

    /// Applies `cmd` at simulated time `at` exactly as a scenario fault scheduled at `at` is
    /// applied: every event before `at` is processed first, then the command runs at `at`, before
    /// anything the run itself scheduled at `at`. A live change recorded in the scenario as a
    /// fault at `at` therefore replays bit for bit (the page records interventions this way).
    /// With `at` not after now, it applies now. Returns the refusal, if any (also in the event
    /// stream, as from [`Engine::apply`]).
    ///
    /// One difference remains: the few timers pushed while booting that fall exactly on `at`
    /// run before a scheduled fault but after this command (only for `at` in the first moments
    /// of a run).
    pub fn apply_at(&mut self, at: SimTime, cmd: Command) -> Result<(), CommandRefusal> {
        if at > self.now {
            self.run_until(at - 1, u64::MAX);
            self.now = at;
        }
        // Counted as the scheduled fault's queue event is counted in a replay, so the report's
        // `events` (and the stuck-clock check's cadence) agree with the replay.
        self.processed += 1;
        match self.try_apply(&cmd) {
            Ok(()) => {
                self.push_event(SimEvent::CommandApplied { command: cmd });
                Ok(())
            }
            Err(reason) => {
                self.push_event(SimEvent::CommandRejected {
                    command: cmd,
                    reason: reason.clone(),
                });
                Err(reason)
            }
        }
    }

    fn broker_index(&self, broker: u32) -> Result<usize, CommandRefusal> {
        if broker >= 1 && (broker as usize) <= self.brokers.len() {
            Ok(broker as usize - 1)
        } else {
            Err(CommandRefusal::NoSuchBroker {
                broker,
                max: self.brokers.len() as u32,
            })
        }
    }

    fn group_index(&self, group: &str) -> Result<usize, CommandRefusal> {
        self.groups
            .iter()
            .position(|g| g.spec.group_id == group)
            .ok_or_else(|| CommandRefusal::NoSuchGroup {
                group: group.to_string(),
            })
    }

    fn try_apply(&mut self, cmd: &Command) -> Result<(), CommandRefusal> {
        match cmd {
            Command::CrashBroker { broker } => {
                let i = self.broker_index(*broker)?;
                self.crash_broker(i);
            }
            Command::RestartBroker { broker } => {
                let i = self.broker_index(*broker)?;
                self.restart_broker(i);
            }
            Command::CrashLeader { topic, partition } => {
                let t = self
                    .topics
                    .index_of(topic)
                    .ok_or_else(|| CommandRefusal::NoSuchTopic {
                        topic: topic.clone(),
                    })?;
                let tp = crate::engine::ids::TopicPartition::new(t, *partition);
                let st = self.controller.partition(tp).ok_or_else(|| {
                    CommandRefusal::NoSuchPartition {
                        topic: topic.clone(),
                        partition: *partition,
                    }
                })?;
                let leader = st.leader.ok_or_else(|| CommandRefusal::NoLeader {
                    topic: topic.clone(),
                    partition: *partition,
                })?;
                let i = self.broker_index(leader)?;
                self.crash_broker(i);
            }
            Command::IsolateBroker { broker } => {
                self.broker_index(*broker)?;
                let me = NodeId(*broker);
                for n in 0..self.net.len() as u32 {
                    if n != me.0 {
                        self.net.set_cut(me, NodeId(n), true);
                        self.net.set_cut(NodeId(n), me, true);
                    }
                }
                self.push_event(SimEvent::NetworkChanged {
                    description: NetworkChange::Isolated { broker: *broker },
                });
            }
            Command::PartitionNetwork { groups } => {
                let mut side = vec![0usize; self.net.len()];
                for (gi, g) in groups.iter().enumerate() {
                    for &b in g {
                        self.broker_index(b)?;
                        side[b as usize] = gi;
                    }
                }
                for a in 0..self.net.len() {
                    for b in 0..self.net.len() {
                        if side[a] != side[b] {
                            self.net.set_cut(NodeId(a as u32), NodeId(b as u32), true);
                        }
                    }
                }
                self.push_event(SimEvent::NetworkChanged {
                    description: NetworkChange::Partitioned {
                        groups: groups.clone(),
                    },
                });
            }
            Command::CutLink { from, to, one_way } => {
                self.broker_index(*from)?;
                self.broker_index(*to)?;
                self.net.set_cut(NodeId(*from), NodeId(*to), true);
                if !one_way {
                    self.net.set_cut(NodeId(*to), NodeId(*from), true);
                }
                self.push_event(SimEvent::NetworkChanged {
                    description: NetworkChange::Cut {
                        from: *from,
                        to: *to,
                        both_ways: !*one_way,
                    },
                });
            }
            Command::HealNetwork => {
                self.net.heal_all();
                self.push_event(SimEvent::NetworkChanged {
                    description: NetworkChange::Healed,
                });
            }
            Command::SlowBroker {
                broker,
                disk_factor,
                nic_factor,
            } => {
                let i = self.broker_index(*broker)?;
                for (name, f) in [("disk_factor", disk_factor), ("nic_factor", nic_factor)] {
                    if !f.is_finite() || *f < 1.0 || *f > 10_000.0 {
                        return Err(CommandRefusal::FactorOutOfRange {
                            name: name.to_string(),
                            value: *f,
                        });
                    }
                }
                self.brokers[i].disk_mut().set_disk_factor(*disk_factor);
                self.net.set_slow_factor(NodeId(*broker), *nic_factor);
            }
            Command::CrashConsumer { group, member } => {
                let (g, c) = self.group_member(group, *member)?;
                if !self.consumers[c].is_alive() {
                    return Err(CommandRefusal::MemberAlreadyDown {
                        group: group.clone(),
                        member: *member,
                    });
                }
                self.consumers[c].crash();
                self.push_event(SimEvent::ConsumerCrashed {
                    group: g as u32,
                    consumer: c as u32,
                });
            }
            Command::RestartConsumer { group, member } => {
                let (g, c) = self.group_member(group, *member)?;
                if self.consumers[c].is_alive() {
                    return Err(CommandRefusal::MemberAlreadyUp {
                        group: group.clone(),
                        member: *member,
                    });
                }
                self.restart_consumer(g, c, *member);
            }
            Command::AddConsumer { group } => {
                let g = self.group_index(group)?;
                if self.consumers.len() >= 1000 {
                    return Err(CommandRefusal::TooManyConsumers { max: 1000 });
                }
                let c = self.spawn_consumer(g);
                let node = NodeId(self.net.len() as u32 - 1);
                self.with_node(node, |e, ctx| e.consumers[c].start(&mut ctx.part()));
            }
            Command::SetConfig { target, key, value } => self.set_config(target, key, value)?,
            Command::CrashRack { rack } => {
                let r = self.rack_index(rack)?;
                self.crash_rack(r);
            }
            Command::RestartRack { rack } => {
                let r = self.rack_index(rack)?;
                for i in 0..self.brokers.len() {
                    if self.rack_of_node(NodeId(i as u32 + 1)) == Some(r) {
                        self.restart_broker(i);
                    }
                }
                for c in 0..self.consumers.len() {
                    let node = self.consumers[c].node();
                    if self.rack_of_node(node) == Some(r) && !self.consumers[c].is_alive() {
                        let g = self.consumers[c].group() as usize;
                        let member = self.groups[g].members.iter().position(|&m| m == c);
                        if let Some(member) = member {
                            self.restart_consumer(g, c, member as u32);
                        }
                    }
                }
            }
            Command::IsolateRack { rack } => {
                let r = self.rack_index(rack)?;
                self.cut_rack(r, true);
            }
            Command::HealRack { rack } => {
                let r = self.rack_index(rack)?;
                self.cut_rack(r, false);
            }
            Command::PauseClient { producer, ms } => self.pause_producer(producer, *ms)?,
        }
        Ok(())
    }

    /// Group `group`'s index and the consumer index of its member `member`.
    fn group_member(&self, group: &str, member: u32) -> Result<(usize, usize), CommandRefusal> {
        let g = self.group_index(group)?;
        let members = &self.groups[g].members;
        let c = *members
            .get(member as usize)
            .ok_or_else(|| CommandRefusal::NoSuchMember {
                group: group.to_string(),
                member,
                members: members.len(),
            })?;
        Ok((g, c))
    }

    fn set_config(&mut self, target: &str, key: &str, value: &str) -> Result<(), CommandRefusal> {
        let v = registry::ConfigValue::from_str_value(value);
        if target == "broker" {
            let mut cfg = self.controller.config.clone();
            registry::apply_broker(&mut cfg, key, &v).map_err(refusal)?;
            self.with_node(CONTROLLER, |e, ctx| {
                e.controller
                    .handle_config_change(&mut ctx.part(), Some(cfg), None)
            });
            return Ok(());
        }
        if let Some(name) = target.strip_prefix("topic:") {
            let t = self
                .topics
                .index_of(name)
                .ok_or_else(|| CommandRefusal::NoSuchTopic {
                    topic: name.to_string(),
                })?;
            let mut tc = self.controller.topic_config(t);
            registry::apply_topic(&mut tc, key, &v).map_err(refusal)?;
            self.with_node(CONTROLLER, |e, ctx| {
                e.controller
                    .handle_config_change(&mut ctx.part(), None, Some((t, tc)))
            });
            return Ok(());
        }
        if let Some(id) = target.strip_prefix("producer:") {
            let i = self
                .scenario
                .producers
                .iter()
                .position(|p| p.id == id)
                .ok_or_else(|| CommandRefusal::NoSuchProducer { id: id.to_string() })?;
            let mut cfg = self.scenario.producers[i].config.clone();
            registry::apply_producer(&mut cfg, key, &v).map_err(refusal)?;
            self.scenario.producers[i].config = cfg.clone();
            let node = self.node_of(NodeRole::Producer(i));
            self.with_node(node, |e, ctx| {
                e.producers[i].reconfigure(&mut ctx.part(), cfg)
            });
            return Ok(());
        }
        if let Some(id) = target.strip_prefix("group:") {
            let g = self.group_index(id)?;
            let mut cfg = self.groups[g].spec.config.clone();
            registry::apply_consumer(&mut cfg, key, &v).map_err(refusal)?;
            self.groups[g].spec.config = cfg.clone();
            for c in self.groups[g].members.clone() {
                let node = self.node_of(NodeRole::Consumer(c));
                let cfg = cfg.clone();
                self.with_node(node, |e, ctx| {
                    e.consumers[c].reconfigure(&mut ctx.part(), cfg)
                });
                // A new `client.rack` is where the restarted member now is (KIP-392).
                self.place_consumer(c, node);
            }
            return Ok(());
        }
        Err(CommandRefusal::BadConfigTarget {
            target: target.to_string(),
        })
    }
}

/// A config error as a refused command.
fn refusal(e: registry::ConfigError) -> CommandRefusal {
    CommandRefusal::Config(Box::new(e))
}
