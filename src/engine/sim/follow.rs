//! Following the records of one key (issue 17): the engine notes what no event says — which
//! records had the key, which produce request carried them, when a follower copied them — as
//! [`SimEvent::Follow`] events, outside the trace hash. See [`crate::engine::journey`].

use std::collections::BTreeSet;

use super::*;
use crate::engine::journey::{key_index, FollowNote, RecordRef};
use crate::engine::scenario::KeyDistribution;

/// The followed key and the records sent with it so far.
#[derive(Clone, Debug, Default)]
pub(super) struct Followed {
    records: BTreeSet<RecordRef>,
}

impl Followed {
    /// The followed records among `records` records from `ids` on `tp`.
    fn carried(
        &self,
        tp: crate::engine::ids::TopicPartition,
        ids: crate::engine::protocol::RecordIds,
        records: u32,
    ) -> impl Iterator<Item = &RecordRef> {
        let lo = RecordRef {
            producer: ids.producer,
            tp,
            record: ids.first_record,
        };
        let hi = RecordRef {
            record: ids.first_record.saturating_add(records as u64),
            ..lo
        };
        self.records.range(lo..hi)
    }
}

impl Engine {
    /// Follows every record sent with key `key` (`key-N`) from now on: the producers note each
    /// such `send()`, and the engine notes the produce requests carrying them and the followers'
    /// copies, as [`SimEvent::Follow`] events; bulk events are recorded too (appends, acks,
    /// consumption, commits). Feed the drained events to a
    /// [`crate::engine::journey::JourneyBook`]. The run itself is unchanged (same trace hash).
    /// Errors name the scenario field that makes the key impossible.
    pub fn follow_key(&mut self, key: &str) -> Result<(), String> {
        let Some(k) = key_index(key) else {
            return Err(format!(
                "`{key}` is not a key the producers send: keys are named key-0, key-1, …"
            ));
        };
        let mut keyed = Vec::new();
        for (i, p) in self.scenario.producers.iter().enumerate() {
            let n = match p.keys {
                KeyDistribution::None => continue,
                KeyDistribution::Uniform { keys } | KeyDistribution::Zipf { keys, .. } => keys,
            };
            if p.config.partitioner_ignore_keys {
                continue;
            }
            if k < n {
                keyed.push(i);
            } else {
                return Err(format!(
                    "`{key}` is not a key of producer {} (producers[{i}].keys: key-0 … key-{})",
                    p.id,
                    n.saturating_sub(1)
                ));
            }
        }
        if keyed.is_empty() {
            return Err(format!(
                "no producer sends keyed records, so no record has key `{key}` (producers[].keys \
                 is \"none\", or partitioner.ignore.keys is true)"
            ));
        }
        for i in keyed {
            self.producers[i].follow_key(Some(k));
        }
        self.followed = Some(Box::default());
        self.record_bulk = true;
        Ok(())
    }

    /// Every copy of record `r` in the brokers' logs now: `(broker, offset)`, one entry per
    /// copy (a duplicated record appears twice on a broker).
    pub fn record_copies(&self, r: &RecordRef) -> Vec<(BrokerId, u64)> {
        let mut out = Vec::new();
        for b in &self.brokers {
            let disk = b.disk();
            if let Some(log) = disk.logs.get(&r.tp) {
                for batch in log.batches() {
                    if let Some(o) = r.offset_in(r.tp, batch) {
                        out.push((disk.id, o));
                    }
                }
            }
        }
        out
    }

    /// A followed record was sent (from `push_event`).
    pub(super) fn note_followed(&mut self, note: &FollowNote) {
        if let (Some(f), FollowNote::KeyedSend { record, .. }) =
            (self.followed.as_deref_mut(), note)
        {
            f.records.insert(*record);
        }
    }

    /// A message leaves `from`: a produce request carrying followed records is noted.
    pub(super) fn note_send(&mut self, from: NodeId, to: NodeId, msg: &Message) {
        let (
            Some(f),
            Message::ProduceRequest {
                correlation_id,
                partitions,
                ..
            },
        ) = (self.followed.as_deref(), msg)
        else {
            return;
        };
        if !matches!(self.roles.get(from.0 as usize), Some(NodeRole::Producer(_))) {
            return;
        }
        let notes: Vec<FollowNote> = partitions
            .iter()
            .flat_map(|p| {
                f.carried(p.tp, p.batch.ids, p.batch.record_count).map(|r| {
                    FollowNote::RequestSent {
                        record: *r,
                        broker: to.0,
                        correlation_id: *correlation_id,
                        batch_first_record: p.batch.ids.first_record,
                        batch_records: p.batch.record_count,
                        base_sequence: p.batch.base_sequence,
                    }
                })
            })
            .collect();
        for note in notes {
            self.push_event(SimEvent::Follow { note });
        }
    }

    /// Before a fetch response reaches a follower: the followed records it carries, with their
    /// offsets (checked against the follower's log once it has handled the response).
    pub(super) fn followed_in_fetch(&self, to: NodeId, msg: &Message) -> Vec<(RecordRef, u64)> {
        let (Some(f), Message::FetchResponse { partitions, .. }) = (self.followed.as_deref(), msg)
        else {
            return Vec::new();
        };
        if !matches!(self.roles.get(to.0 as usize), Some(NodeRole::Broker(_))) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in partitions {
            for b in &p.batches {
                for r in f.carried(p.tp, b.ids, b.record_count) {
                    if let Some(o) = r.offset_in(p.tp, b) {
                        out.push((*r, o));
                    }
                }
            }
        }
        out
    }

    /// After a follower handled a fetch response: the followed records now in its log.
    pub(super) fn note_replica_copies(&mut self, to: NodeId, carried: Vec<(RecordRef, u64)>) {
        let Some(NodeRole::Broker(i)) = self.roles.get(to.0 as usize).copied() else {
            return;
        };
        for (record, offset) in carried {
            let disk = self.brokers[i].disk();
            let copied = disk
                .logs
                .get(&record.tp)
                .and_then(|l| l.batches_from(offset).next())
                .is_some_and(|b| record.offset_in(record.tp, b) == Some(offset));
            if copied {
                let note = FollowNote::ReplicaCopy {
                    record,
                    broker: disk.id,
                    offset,
                };
                self.push_event(SimEvent::Follow { note });
            }
        }
    }
}
