//! The event log's lines: one localized line per engine event worth showing, clients by their
//! one name ([`Names`]), and the words for commands shared by the log, the chart markers and
//! the action menus ("crash broker 2" is both a button's accessible name and a log line).

use crate::engine::events::SimEvent;
use crate::engine::Command;
use crate::i18n::{fill, t, tf, Lang};

use super::names::{consumer_label, Names};

/// A command in words (`crash broker 2`, `acks=1 on producer orders-app`).
pub fn command_text(cmd: &Command, lang: Lang) -> String {
    let s = |v: &dyn ToString| v.to_string();
    match cmd {
        Command::CrashBroker { broker } => tf(lang, "cmd.crash_broker", &[("b", s(broker))]),
        Command::RestartBroker { broker } => tf(lang, "cmd.restart_broker", &[("b", s(broker))]),
        Command::CrashLeader { topic, partition } => tf(
            lang,
            "cmd.crash_leader",
            &[("tp", format!("{topic}-{partition}"))],
        ),
        Command::IsolateBroker { broker } => tf(lang, "cmd.isolate_broker", &[("b", s(broker))]),
        Command::PartitionNetwork { groups } => tf(
            lang,
            "cmd.partition_network",
            &[("g", format!("{groups:?}"))],
        ),
        Command::CutLink { from, to, one_way } => tf(
            lang,
            "cmd.cut_link",
            &[
                ("a", s(from)),
                ("b", s(to)),
                ("dir", if *one_way { "→" } else { "↔" }.to_string()),
            ],
        ),
        Command::HealNetwork => t(lang, "cmd.heal").to_string(),
        Command::SlowBroker {
            broker,
            disk_factor,
            nic_factor,
        } if *disk_factor <= 1.0 && *nic_factor <= 1.0 => {
            tf(lang, "cmd.restore_broker", &[("b", s(broker))])
        }
        Command::SlowBroker {
            broker,
            disk_factor,
            nic_factor,
        } => tf(
            lang,
            "cmd.slow_broker",
            &[
                ("b", s(broker)),
                ("d", s(disk_factor)),
                ("n", s(nic_factor)),
            ],
        ),
        Command::CrashConsumer { group, member } => tf(
            lang,
            "cmd.crash_consumer",
            &[("c", consumer_label(group, *member as usize + 1))],
        ),
        Command::RestartConsumer { group, member } => tf(
            lang,
            "cmd.restart_consumer",
            &[("c", consumer_label(group, *member as usize + 1))],
        ),
        Command::AddConsumer { group } => tf(lang, "cmd.add_consumer", &[("g", group.clone())]),
        Command::CrashRack { rack } => tf(lang, "cmd.crash_rack", &[("r", rack.clone())]),
        Command::RestartRack { rack } => tf(lang, "cmd.restart_rack", &[("r", rack.clone())]),
        Command::IsolateRack { rack } => tf(lang, "cmd.isolate_rack", &[("r", rack.clone())]),
        Command::HealRack { rack } => tf(lang, "cmd.heal_rack", &[("r", rack.clone())]),
        Command::PauseClient { producer, ms } => tf(
            lang,
            "cmd.pause_client",
            &[("p", producer.clone()), ("ms", ms.to_string())],
        ),
        Command::SetConfig { target, key, value } => tf(
            lang,
            "cmd.set_config",
            &[
                ("k", key.clone()),
                ("v", value.clone()),
                ("target", target.replacen(':', " ", 1)),
            ],
        ),
    }
}

/// A command in a few characters, for a chart marker.
pub fn command_short(cmd: &Command, lang: Lang) -> String {
    match cmd {
        Command::CrashBroker { broker } => format!("✖ b{broker}"),
        Command::RestartBroker { broker } => format!("↻ b{broker}"),
        Command::CrashLeader { topic, partition } => format!("✖ ★{topic}-{partition}"),
        Command::IsolateBroker { broker } => {
            tf(lang, "cmdshort.isolate", &[("b", broker.to_string())])
        }
        Command::PartitionNetwork { .. } => t(lang, "cmdshort.partition").to_string(),
        Command::CutLink { from, to, .. } => format!("✂ {from}–{to}"),
        Command::HealNetwork => t(lang, "cmdshort.heal").to_string(),
        Command::SlowBroker {
            broker,
            disk_factor,
            nic_factor,
        } if *disk_factor <= 1.0 && *nic_factor <= 1.0 => {
            tf(lang, "cmdshort.restore", &[("b", broker.to_string())])
        }
        Command::SlowBroker { broker, .. } => {
            tf(lang, "cmdshort.slow", &[("b", broker.to_string())])
        }
        Command::CrashRack { rack } => format!("✖ {rack}"),
        Command::RestartRack { rack } => format!("↻ {rack}"),
        Command::IsolateRack { rack } => format!("✂ {rack}"),
        Command::HealRack { rack } => tf(lang, "cmdshort.heal_rack", &[("r", rack.clone())]),
        Command::CrashConsumer { group, member } => {
            format!("✖ {}", consumer_label(group, *member as usize + 1))
        }
        Command::RestartConsumer { group, member } => {
            format!("↻ {}", consumer_label(group, *member as usize + 1))
        }
        Command::AddConsumer { group } => format!("+ {group}"),
        Command::PauseClient { producer, .. } => format!("⏸ {producer}"),
        Command::SetConfig { key, value, .. } => format!("{key}={value}"),
    }
}

/// Whether `e` is a leader, ISR or ELR change of an internal topic's partition. The offsets
/// topic's 50 partitions would drown the log (one crash moves dozens of them) and push the
/// crash itself out of the lines kept; their leadership still shows through the group
/// coordinator events.
pub fn of_internal_partition(topics: &crate::engine::ids::TopicTable, e: &SimEvent) -> bool {
    match e {
        SimEvent::LeaderChanged { tp, .. }
        | SimEvent::IsrChanged { tp, .. }
        | SimEvent::ElrChanged { tp, .. } => {
            topics.get(tp.topic).map(|t| t.internal).unwrap_or(false)
        }
        _ => false,
    }
}

/// One event-log line for an event in `lang`, and whether to highlight it.
pub fn describe(
    topics: &crate::engine::ids::TopicTable,
    names: &Names,
    e: &SimEvent,
    lang: Lang,
) -> Option<(String, bool)> {
    if of_internal_partition(topics, e) {
        return None;
    }
    let tr = |k: &str, args: &[(&str, String)]| fill(t(lang, k), args);
    Some(match e {
        SimEvent::BrokerCrashed { broker } => {
            (tr("log.broker_crashed", &[("b", broker.to_string())]), true)
        }
        SimEvent::BrokerRestarted { broker } => (
            tr("log.broker_restarted", &[("b", broker.to_string())]),
            false,
        ),
        SimEvent::BrokerFenced { broker } => {
            (tr("log.broker_fenced", &[("b", broker.to_string())]), true)
        }
        SimEvent::BrokerUnfenced { broker } => (
            tr("log.broker_unfenced", &[("b", broker.to_string())]),
            false,
        ),
        SimEvent::BrokerRegistrationRefused { broker, error } => (
            tr(
                "log.registration_refused",
                &[("b", broker.to_string()), ("err", error.name().to_string())],
            ),
            true,
        ),
        SimEvent::BrokerRegistered {
            broker,
            broker_epoch,
        } => (
            tr(
                "log.registered",
                &[("b", broker.to_string()), ("e", broker_epoch.to_string())],
            ),
            false,
        ),
        SimEvent::ProducerEpochBumped {
            producer,
            tp,
            epoch,
        } => (
            tr(
                "log.epoch_bumped",
                &[
                    ("p", producer.to_string()),
                    ("tp", topics.display(*tp)),
                    ("e", epoch.to_string()),
                ],
            ),
            true,
        ),
        SimEvent::ElrChanged { tp, elr } => (
            tr(
                "log.elr",
                &[("tp", topics.display(*tp)), ("elr", format!("{elr:?}"))],
            ),
            false,
        ),
        SimEvent::LeaderChanged {
            tp,
            leader: Some(b),
            leader_epoch,
            unclean,
            preferred,
        } => {
            let mut line = tr(
                "log.leader",
                &[
                    ("b", b.to_string()),
                    ("tp", topics.display(*tp)),
                    ("e", leader_epoch.to_string()),
                ],
            );
            if *unclean {
                line.push_str(t(lang, "log.unclean"));
            }
            if *preferred {
                line.push_str(t(lang, "log.preferred"));
            }
            (line, *unclean)
        }
        SimEvent::LeaderChanged {
            tp, leader: None, ..
        } => (tr("log.offline", &[("tp", topics.display(*tp))]), true),
        SimEvent::IsrChanged { tp, isr, shrink } => (
            tr(
                if *shrink {
                    "log.isr_shrank"
                } else {
                    "log.isr_grew"
                },
                &[("tp", topics.display(*tp)), ("isr", format!("{isr:?}"))],
            ),
            false,
        ),
        SimEvent::LogTruncated {
            broker,
            tp,
            to_offset,
            removed,
        } if !removed.is_empty() => (
            tr(
                "log.truncated",
                &[
                    ("b", broker.to_string()),
                    ("tp", topics.display(*tp)),
                    ("o", to_offset.to_string()),
                    ("n", removed.len().to_string()),
                ],
            ),
            true,
        ),
        SimEvent::ProduceRejected {
            tp, error, records, ..
        } => (
            tr(
                "log.rejected",
                &[
                    ("tp", topics.display(*tp)),
                    ("n", records.to_string()),
                    ("err", error.name().to_string()),
                ],
            ),
            true,
        ),
        SimEvent::RebalanceStarted { group_id, reason } => (
            tr(
                "log.rebalance_started",
                &[("g", group_id.clone()), ("why", reason.localized(lang))],
            ),
            false,
        ),
        SimEvent::RebalanceCompleted {
            group_id,
            generation,
            protocol,
            ..
        } => (
            tr(
                "log.rebalanced",
                &[
                    ("g", group_id.clone()),
                    ("p", protocol.clone()),
                    ("gen", generation.to_string()),
                ],
            ),
            false,
        ),
        SimEvent::PartitionsRevoked {
            consumer,
            partitions,
            ..
        } => (
            tr(
                "log.revoked",
                &[
                    ("c", names.consumer(*consumer)),
                    ("n", partitions.len().to_string()),
                ],
            ),
            false,
        ),
        SimEvent::ConsumerCrashed { consumer, .. } => (
            tr("log.consumer_crashed", &[("c", names.consumer(*consumer))]),
            true,
        ),
        SimEvent::ProducerFenced { producer, error } => (
            tr(
                "log.producer_fenced",
                &[("p", names.producer(*producer)), ("e", error.name().into())],
            ),
            true,
        ),
        SimEvent::TxnOffsetCommitRejected { producer, error } => (
            tr(
                "log.txn_offsets_refused",
                &[("p", names.producer(*producer)), ("e", error.name().into())],
            ),
            true,
        ),
        SimEvent::TxnCompleted {
            transactional_id,
            committed,
            timed_out,
            ..
        } => (
            tr(
                match (committed, timed_out) {
                    (true, _) => "log.txn_committed",
                    (false, true) => "log.txn_timed_out",
                    (false, false) => "log.txn_aborted",
                },
                &[("t", transactional_id.clone())],
            ),
            *timed_out,
        ),
        SimEvent::ConsumerLeft {
            consumer, reason, ..
        } => (
            tr(
                "log.consumer_left",
                &[
                    ("c", names.consumer(*consumer)),
                    ("why", reason.localized(lang)),
                ],
            ),
            true,
        ),
        SimEvent::NetworkChanged { description } => (description.localized(lang), true),
        SimEvent::CommandApplied { command } => (
            tr("log.applied", &[("what", command_text(command, lang))]),
            false,
        ),
        SimEvent::CommandRejected { reason, .. } => {
            (tr("log.refused", &[("why", reason.localized(lang))]), true)
        }
        _ => return None,
    })
}
