//! The event log's lines: one localized line per engine event worth showing.

use crate::engine::events::SimEvent;
use crate::i18n::{fill, t, Lang};

/// One event-log line for an event in `lang`, and whether to highlight it.
pub fn describe(
    topics: &crate::engine::ids::TopicTable,
    e: &SimEvent,
    lang: Lang,
) -> Option<(String, bool)> {
    // The internal offsets topic's 50 partitions would drown the log; its leadership still shows
    // through the group coordinator events.
    let internal = |tp: &crate::engine::ids::TopicPartition| {
        topics.get(tp.topic).map(|t| t.internal).unwrap_or(false)
    };
    match e {
        SimEvent::LeaderChanged { tp, .. }
        | SimEvent::IsrChanged { tp, .. }
        | SimEvent::ElrChanged { tp, .. }
            if internal(tp) =>
        {
            return None
        }
        _ => {}
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
                    ("c", consumer.to_string()),
                    ("n", partitions.len().to_string()),
                ],
            ),
            false,
        ),
        SimEvent::ConsumerCrashed { consumer, .. } => (
            tr("log.consumer_crashed", &[("c", consumer.to_string())]),
            true,
        ),
        SimEvent::ConsumerLeft {
            consumer, reason, ..
        } => (
            tr(
                "log.consumer_left",
                &[("c", consumer.to_string()), ("why", reason.localized(lang))],
            ),
            true,
        ),
        SimEvent::NetworkChanged { description } => (description.localized(lang), true),
        SimEvent::CommandRejected { reason, .. } => {
            (tr("log.refused", &[("why", reason.localized(lang))]), true)
        }
        _ => return None,
    })
}
