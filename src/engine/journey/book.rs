//! The journeys of the followed records, built from the event stream (bulk events and the
//! engine's [`FollowNote`]s) as it is drained.

use std::collections::{BTreeMap, BTreeSet};

use super::{FollowNote, Journey, Outcome, RecordRef, Step};
use crate::engine::events::{SimEvent, TimedEvent};
use crate::engine::ids::{BrokerId, TopicPartition};
use crate::engine::protocol::{RecordBatch, RecordIds};
use crate::engine::time::SimTime;

/// Journeys of every record sent with the followed key, in `send()` order.
#[derive(Clone, Debug, Default)]
pub struct JourneyBook {
    group_names: Vec<String>,
    journeys: BTreeMap<RecordRef, Journey>,
    order: Vec<RecordRef>,
    /// Which replicas hold each record now, at which offset (appends, copies, truncations).
    holders: BTreeMap<RecordRef, Vec<(BrokerId, u64)>>,
    /// Appended records the high watermark has not passed yet, per partition.
    awaiting_hw: BTreeMap<TopicPartition, BTreeSet<(u64, RecordRef)>>,
    /// Consumed records the group has not committed past yet, per (group, partition).
    awaiting_commit: BTreeMap<(u32, TopicPartition), BTreeSet<(u64, RecordRef)>>,
}

impl JourneyBook {
    /// An empty book; `group_names` are the scenario's groups in order (events name groups by
    /// index).
    pub fn new(group_names: Vec<String>) -> Self {
        JourneyBook {
            group_names,
            ..Default::default()
        }
    }

    /// The followed records, in `send()` order.
    pub fn records(&self) -> &[RecordRef] {
        &self.order
    }

    /// A record's journey.
    pub fn journey(&self, r: &RecordRef) -> Option<&Journey> {
        self.journeys.get(r)
    }

    /// How a record ended up, given the replicas holding it at the end of the run
    /// (`(broker, offset)`, one entry per copy: [`crate::engine::Engine::record_copies`]).
    pub fn outcome(&self, r: &RecordRef, copies: &[(BrokerId, u64)]) -> Option<Outcome> {
        let j = self.journeys.get(r)?;
        let acked = j.steps.iter().any(|(_, s)| matches!(s, Step::Acked { .. }));
        let failed = j.steps.iter().rev().find_map(|(_, s)| match s {
            Step::Failed { error } => Some(*error),
            _ => None,
        });
        let mut per_broker: BTreeMap<BrokerId, Vec<u64>> = BTreeMap::new();
        for (b, o) in copies {
            per_broker.entry(*b).or_default().push(*o);
        }
        if let Some(offsets) = per_broker.values().find(|o| o.len() > 1) {
            return Some(Outcome::Duplicated {
                offsets: offsets.clone(),
            });
        }
        Some(match (failed, acked) {
            (Some(error), false) => Outcome::Failed { error },
            (_, true) if copies.is_empty() => Outcome::Lost {
                last_truncated_on: j.steps.iter().rev().find_map(|(_, s)| match s {
                    Step::Truncated { broker, .. } => Some(*broker),
                    _ => None,
                }),
            },
            (_, true) => Outcome::Delivered {
                replicas: copies.to_vec(),
            },
            (None, false) => Outcome::InFlight {
                replicas: copies.to_vec(),
            },
        })
    }

    fn step(&mut self, r: RecordRef, at: SimTime, step: Step) {
        if let Some(j) = self.journeys.get_mut(&r) {
            j.steps.push((at, step));
        }
    }

    /// The followed records among `records` records from `ids` on `tp`, with their index.
    fn carried(&self, tp: TopicPartition, ids: RecordIds, records: u32) -> Vec<(RecordRef, u64)> {
        let lo = RecordRef {
            producer: ids.producer,
            tp,
            record: ids.first_record,
        };
        let hi = RecordRef {
            record: ids.first_record.saturating_add(records as u64),
            ..lo
        };
        self.journeys
            .range(lo..hi)
            .map(|(r, _)| (*r, r.record - ids.first_record))
            .collect()
    }

    fn in_batch(&self, tp: TopicPartition, b: &RecordBatch) -> Vec<(RecordRef, u64)> {
        self.carried(tp, b.ids, b.record_count)
            .into_iter()
            .map(|(r, i)| (r, b.base_offset + i))
            .collect()
    }

    fn hold(&mut self, r: RecordRef, broker: BrokerId, offset: u64) {
        let h = self.holders.entry(r).or_default();
        if !h.contains(&(broker, offset)) {
            h.push((broker, offset));
        }
    }

    /// Takes one event of the stream into account.
    pub fn observe(&mut self, e: &TimedEvent) {
        let at = e.at;
        match &e.event {
            SimEvent::Follow { note } => self.observe_note(at, note),
            SimEvent::LeaderAppend { broker, tp, batch } => {
                for (r, offset) in self.in_batch(*tp, batch) {
                    self.step(
                        r,
                        at,
                        Step::LeaderAppend {
                            broker: *broker,
                            offset,
                            leader_epoch: batch.partition_leader_epoch,
                        },
                    );
                    self.hold(r, *broker, offset);
                    self.awaiting_hw.entry(*tp).or_default().insert((offset, r));
                }
            }
            SimEvent::HighWatermark {
                broker,
                tp,
                high_watermark,
            } => {
                let Some(waiting) = self.awaiting_hw.get(tp) else {
                    return;
                };
                // Passed only on a leader that holds the record at that offset (after an
                // unclean election another record may sit there).
                let passed: Vec<(u64, RecordRef)> = waiting
                    .range(..(*high_watermark, RecordRef::MIN))
                    .filter(|(o, r)| {
                        self.holders
                            .get(r)
                            .is_some_and(|h| h.contains(&(*broker, *o)))
                    })
                    .copied()
                    .collect();
                for (offset, r) in passed {
                    if let Some(w) = self.awaiting_hw.get_mut(tp) {
                        w.remove(&(offset, r));
                    }
                    self.step(
                        r,
                        at,
                        Step::HighWatermark {
                            broker: *broker,
                            high_watermark: *high_watermark,
                            offset,
                        },
                    );
                }
            }
            SimEvent::ProduceAcked {
                tp,
                batch,
                acks_zero,
                ..
            } => {
                for (r, offset) in self.in_batch(*tp, batch) {
                    let offset = (!acks_zero).then_some(offset);
                    self.step(r, at, Step::Acked { offset });
                }
            }
            SimEvent::ProduceRetried {
                producer,
                tp,
                error,
                first_record,
                records,
            } => {
                let ids = RecordIds {
                    producer: *producer,
                    first_record: *first_record,
                };
                for (r, _) in self.carried(*tp, ids, *records) {
                    self.step(r, at, Step::Retried { error: *error });
                }
            }
            SimEvent::ProduceFailed {
                producer,
                tp,
                records,
                error,
                first_record: Some(first_record),
            } => {
                let ids = RecordIds {
                    producer: *producer,
                    first_record: *first_record,
                };
                for (r, _) in self.carried(*tp, ids, *records) {
                    self.step(r, at, Step::Failed { error: *error });
                }
            }
            SimEvent::LogTruncated {
                broker,
                tp,
                removed,
                ..
            } => {
                for b in removed {
                    for (r, offset) in self.in_batch(*tp, b) {
                        self.step(
                            r,
                            at,
                            Step::Truncated {
                                broker: *broker,
                                offset,
                            },
                        );
                        if let Some(h) = self.holders.get_mut(&r) {
                            h.retain(|&(hb, ho)| (hb, ho) != (*broker, offset));
                        }
                    }
                }
            }
            SimEvent::Consumed {
                group,
                consumer,
                tp,
                batch,
                from_offset,
                to_offset,
                ..
            } => {
                let name = self.group_name(*group);
                for (r, offset) in self.in_batch(*tp, batch) {
                    if offset < *from_offset || offset >= *to_offset {
                        continue;
                    }
                    self.step(
                        r,
                        at,
                        Step::Consumed {
                            group: name.clone(),
                            consumer: *consumer,
                            offset,
                        },
                    );
                    self.awaiting_commit
                        .entry((*group, *tp))
                        .or_default()
                        .insert((offset, r));
                }
            }
            SimEvent::OffsetsCommitted {
                group,
                consumer,
                offsets,
            } => {
                let name = self.group_name(*group);
                for (tp, committed) in offsets {
                    let Some(waiting) = self.awaiting_commit.get_mut(&(*group, *tp)) else {
                        continue;
                    };
                    let rest = waiting.split_off(&(*committed, RecordRef::MIN));
                    let passed = std::mem::replace(waiting, rest);
                    for (_, r) in passed {
                        self.step(
                            r,
                            at,
                            Step::Committed {
                                group: name.clone(),
                                consumer: *consumer,
                                committed: *committed,
                            },
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn observe_note(&mut self, at: SimTime, note: &FollowNote) {
        match note {
            FollowNote::KeyedSend { record, key } => {
                if self.journeys.contains_key(record) {
                    return;
                }
                self.order.push(*record);
                self.journeys.insert(
                    *record,
                    Journey {
                        record: *record,
                        steps: vec![(at, Step::Send { key: key.clone() })],
                    },
                );
            }
            FollowNote::RequestSent {
                record,
                broker,
                correlation_id,
                batch_first_record,
                batch_records,
                base_sequence,
            } => self.step(
                *record,
                at,
                Step::ProduceRequest {
                    broker: *broker,
                    correlation_id: *correlation_id,
                    batch_first_record: *batch_first_record,
                    batch_records: *batch_records,
                    base_sequence: *base_sequence,
                },
            ),
            FollowNote::ReplicaCopy {
                record,
                broker,
                offset,
            } => {
                self.step(
                    *record,
                    at,
                    Step::ReplicaCopy {
                        broker: *broker,
                        offset: *offset,
                    },
                );
                self.hold(*record, *broker, *offset);
            }
        }
    }

    fn group_name(&self, g: u32) -> String {
        self.group_names
            .get(g as usize)
            .cloned()
            .unwrap_or_else(|| format!("group {g}"))
    }
}
