//! Why things happened, as data: the reasons carried by [`SimEvent`](super::events::SimEvent)s
//! (a rebalance's cause, a network change, a refused command). The page renders them in its
//! language through `crate::i18n::events`; `Display` gives the English the CLI and reports use.
//! None of these feed the trace hash.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::registry::ConfigError;

/// How a member was removed from a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalCause {
    /// It sent LeaveGroup.
    LeftGroup,
    /// Its session timed out.
    SessionExpired,
}

impl fmt::Display for RemovalCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RemovalCause::LeftGroup => "member left the group (LeaveGroup)",
            RemovalCause::SessionExpired => "session.timeout.ms expired for member",
        })
    }
}

/// Why a group began a rebalance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RebalanceReason {
    /// A new dynamic member joined.
    MemberJoined {
        /// Member id.
        member: String,
    },
    /// A known member sent JoinGroup again.
    MemberRejoined {
        /// Member id.
        member: String,
    },
    /// A static member (`group.instance.id`) joined for the first time.
    StaticMemberJoined {
        /// `group.instance.id`.
        instance: String,
    },
    /// A static member came back subscribed to different topics.
    StaticMemberChanged {
        /// `group.instance.id`.
        instance: String,
    },
    /// A member was removed and others remain.
    MemberRemoved {
        /// How.
        cause: RemovalCause,
        /// Member id.
        member: String,
    },
    /// The last member was removed; the group is now empty.
    GroupEmptied {
        /// How the last member went.
        cause: RemovalCause,
    },
}

impl fmt::Display for RebalanceReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RebalanceReason::MemberJoined { member } => write!(f, "member {member} joined"),
            RebalanceReason::MemberRejoined { member } => write!(f, "member {member} rejoined"),
            RebalanceReason::StaticMemberJoined { instance } => {
                write!(f, "static member {instance} joined")
            }
            RebalanceReason::StaticMemberChanged { instance } => {
                write!(f, "static member {instance} rejoined with changed metadata")
            }
            RebalanceReason::MemberRemoved { cause, member } => write!(f, "{cause}: {member}"),
            RebalanceReason::GroupEmptied { cause } => write!(f, "{cause}; group is empty"),
        }
    }
}

/// Why a consumer left its group on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LeaveReason {
    /// The application did not call poll within `max.poll.interval.ms`.
    PollTimeout {
        /// `max.poll.interval.ms`.
        max_poll_interval_ms: u64,
    },
}

impl fmt::Display for LeaveReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaveReason::PollTimeout {
                max_poll_interval_ms,
            } => write!(
                f,
                "poll loop exceeded max.poll.interval.ms ({max_poll_interval_ms} ms)"
            ),
        }
    }
}

/// A change of the network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkChange {
    /// One broker cut off from every other node.
    Isolated {
        /// The broker.
        broker: u32,
    },
    /// Brokers split into groups that cannot reach each other.
    Partitioned {
        /// The groups of broker ids.
        groups: Vec<Vec<u32>>,
    },
    /// One link cut.
    Cut {
        /// One end.
        from: u32,
        /// The other end.
        to: u32,
        /// Whether both directions are cut (else only `from → to`).
        both_ways: bool,
    },
    /// Every cut healed.
    Healed,
    /// A rack (zone) cut off from the other racks.
    RackIsolated {
        /// The rack.
        rack: String,
    },
    /// A rack's links to the other racks restored.
    RackHealed {
        /// The rack.
        rack: String,
    },
}

impl fmt::Display for NetworkChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworkChange::Isolated { broker } => write!(f, "broker {broker} isolated"),
            NetworkChange::RackIsolated { rack } => write!(f, "rack {rack} isolated"),
            NetworkChange::RackHealed { rack } => write!(f, "rack {rack} reconnected"),
            NetworkChange::Partitioned { groups } => {
                write!(f, "network partitioned into {groups:?}")
            }
            NetworkChange::Cut {
                from,
                to,
                both_ways: true,
            } => write!(f, "link {from} ↔ {to} cut"),
            NetworkChange::Cut { from, to, .. } => write!(f, "link {from} → {to} cut"),
            NetworkChange::Healed => f.write_str("network healed"),
        }
    }
}

/// Why a command was not applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CommandRefusal {
    /// No broker with that id.
    NoSuchBroker {
        /// The id asked for.
        broker: u32,
        /// The highest broker id.
        max: u32,
    },
    /// No consumer group with that id.
    NoSuchGroup {
        /// `group.id`.
        group: String,
    },
    /// No topic with that name.
    NoSuchTopic {
        /// Topic name.
        topic: String,
    },
    /// The topic has no such partition.
    NoSuchPartition {
        /// Topic name.
        topic: String,
        /// Partition number.
        partition: u32,
    },
    /// The partition is offline.
    NoLeader {
        /// Topic name.
        topic: String,
        /// Partition number.
        partition: u32,
    },
    /// A slow-down factor outside `1..=10000`.
    FactorOutOfRange {
        /// `disk_factor` or `nic_factor`.
        name: String,
        /// The value given.
        value: f64,
    },
    /// The group has no member with that index.
    NoSuchMember {
        /// `group.id`.
        group: String,
        /// The index asked for.
        member: u32,
        /// How many members the group has.
        members: usize,
    },
    /// The member is already down.
    MemberAlreadyDown {
        /// `group.id`.
        group: String,
        /// Member index.
        member: u32,
    },
    /// The member is running (only a crashed member can be restarted).
    MemberAlreadyUp {
        /// `group.id`.
        group: String,
        /// Member index.
        member: u32,
    },
    /// The consumer limit is reached.
    TooManyConsumers {
        /// The limit.
        max: usize,
    },
    /// No producer with that id.
    NoSuchProducer {
        /// Producer id.
        id: String,
    },
    /// A config target that is none of the known forms.
    BadConfigTarget {
        /// The target as given.
        target: String,
    },
    /// The config change was invalid.
    Config(Box<ConfigError>),
    /// No rack with that name (or the cluster has no racks).
    NoSuchRack {
        /// The rack asked for.
        rack: String,
    },
}

impl fmt::Display for CommandRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandRefusal::NoSuchBroker { broker, max } => {
                write!(f, "broker {broker} does not exist (brokers are 1..={max})")
            }
            CommandRefusal::NoSuchGroup { group } => {
                write!(f, "consumer group `{group}` does not exist")
            }
            CommandRefusal::NoSuchTopic { topic } => write!(f, "topic `{topic}` does not exist"),
            CommandRefusal::NoSuchRack { rack } => write!(f, "rack `{rack}` does not exist"),
            CommandRefusal::NoSuchPartition { topic, partition } => {
                write!(f, "partition {topic}-{partition} does not exist")
            }
            CommandRefusal::NoLeader { topic, partition } => {
                write!(f, "{topic}-{partition} has no leader (offline)")
            }
            CommandRefusal::FactorOutOfRange { name, value } => {
                write!(f, "{name} = {value}: allowed 1..=10000")
            }
            CommandRefusal::NoSuchMember {
                group,
                member,
                members,
            } => write!(f, "group `{group}` has members 0..{members}, not {member}"),
            CommandRefusal::MemberAlreadyDown { group, member } => {
                write!(f, "member {member} of `{group}` is already down")
            }
            CommandRefusal::MemberAlreadyUp { group, member } => {
                write!(
                    f,
                    "member {member} of `{group}` is running: only a crashed member can be restarted"
                )
            }
            CommandRefusal::TooManyConsumers { max } => write!(f, "at most {max} consumers"),
            CommandRefusal::NoSuchProducer { id } => write!(f, "producer `{id}` does not exist"),
            CommandRefusal::BadConfigTarget { target } => write!(
                f,
                "config target `{target}`: expected `broker`, `topic:NAME`, `producer:ID` or `group:ID`"
            ),
            CommandRefusal::Config(e) => write!(f, "{e}"),
        }
    }
}
