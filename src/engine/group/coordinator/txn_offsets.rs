//! Transactional offset commits in the group coordinator (KIP-98, KIP-447; Kafka 4.x
//! `OffsetMetadataManager`: `commitTransactionalOffset`, `replayEndTransactionMarker`, and
//! `GroupCoordinatorService.fetchOffsets` with `requireStable`).
//!
//! A `TxnOffsetCommit` is validated against the group like an OffsetCommit (member id and
//! generation: a zombie of an older generation gets `ILLEGAL_GENERATION`, KIP-447), written to
//! the group's `__consumer_offsets` partition as a record of the producer, and kept *pending*:
//! it is not the group's committed offset yet. The transaction's COMMIT marker, written to the
//! same partition because `AddOffsetsToTxn` added it to the transaction, materializes it; an
//! ABORT marker drops it. While offsets of a partition are pending, a read_committed member's
//! OffsetFetch gets `UNSTABLE_OFFSET_COMMIT` and asks again. A new coordinator replays both
//! records and markers from the log in offset order.
//!
//! Simplification: a marker is applied when the leader appends it (Kafka applies it once the
//! append completes); the records are not transactional batches, so the offsets partition's
//! LSO is not held by them.

use std::collections::BTreeMap;

use super::{offsets_partition_for, GroupCoordinator};
use crate::engine::ctx::Ctx;
use crate::engine::group::CoordinatorTimer;
use crate::engine::ids::{NodeId, TopicPartition};
use crate::engine::log::PartitionLog;
use crate::engine::protocol::{ErrorCode, InternalRecord, Message, TxnMessage};

/// Offsets per partition.
type Offsets = BTreeMap<TopicPartition, u64>;

/// Pending transactional offsets: group → producer id → offsets.
#[derive(Clone, Debug, Default)]
pub struct PendingTxnOffsets {
    by_group: BTreeMap<String, BTreeMap<i64, Offsets>>,
}

impl PendingTxnOffsets {
    /// Whether any of `partitions` has offsets of an open transaction in `group`.
    pub fn any_pending(&self, group: &str, partitions: &[TopicPartition]) -> bool {
        self.by_group.get(group).is_some_and(|by_pid| {
            by_pid
                .values()
                .any(|o| partitions.iter().any(|tp| o.contains_key(tp)))
        })
    }

    /// Keeps only the groups `keep` accepts (leadership moved).
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.by_group.retain(|g, _| keep(g));
    }

    /// Adds replayed pending offsets.
    pub fn load(&mut self, pending: BTreeMap<String, BTreeMap<i64, Offsets>>) {
        for (g, by_pid) in pending {
            let e = self.by_group.entry(g).or_default();
            for (pid, o) in by_pid {
                e.entry(pid).or_default().extend(o);
            }
        }
    }

    fn add(&mut self, group: &str, producer_id: i64, offsets: &[(TopicPartition, u64)]) {
        self.by_group
            .entry(group.to_string())
            .or_default()
            .entry(producer_id)
            .or_default()
            .extend(offsets.iter().copied());
    }

    /// Removes producer `producer_id`'s pending offsets of the groups in offsets partition
    /// `partition` (of `n`), returning them per group.
    fn take(&mut self, producer_id: i64, partition: u32, n: u32) -> Vec<(String, Offsets)> {
        let mut out = Vec::new();
        for (g, by_pid) in self.by_group.iter_mut() {
            if offsets_partition_for(g, n) != partition {
                continue;
            }
            if let Some(o) = by_pid.remove(&producer_id) {
                out.push((g.clone(), o));
            }
        }
        self.by_group.retain(|_, by_pid| !by_pid.is_empty());
        out
    }
}

/// One item of an offsets partition, in offset order.
pub enum LogItem<'a> {
    /// An internal record.
    Record(&'a InternalRecord),
    /// A transaction marker of producer `producer_id`.
    Marker {
        /// Producer id.
        producer_id: i64,
        /// COMMIT (true) or ABORT.
        commit: bool,
    },
}

/// The records and markers of `log` below offset `end`, in offset order.
pub fn log_in_order(log: &PartitionLog, end: u64) -> Vec<LogItem<'_>> {
    let mut items: Vec<(u64, LogItem<'_>)> = log
        .payloads()
        .take_while(|(o, _)| *o < end)
        .map(|(o, r)| (*o, LogItem::Record(r)))
        .collect();
    let markers = log
        .batches()
        .filter(|b| b.base_offset < end)
        .filter_map(|b| {
            b.control().map(|commit| {
                (
                    b.base_offset,
                    LogItem::Marker {
                        producer_id: b.producer_id,
                        commit,
                    },
                )
            })
        });
    items.extend(markers);
    items.sort_by_key(|(o, _)| *o);
    items.into_iter().map(|(_, i)| i).collect()
}

/// Replays offset commits, transactional offset commits and markers of one offsets partition.
#[derive(Default)]
pub struct Replay {
    committed: BTreeMap<String, Offsets>,
    pending: BTreeMap<String, BTreeMap<i64, Offsets>>,
}

impl Replay {
    /// An offset commit or a transactional one (other records are ignored).
    pub fn record(&mut self, r: &InternalRecord) {
        match r {
            InternalRecord::OffsetCommits { group, offsets } => {
                self.committed
                    .entry(group.clone())
                    .or_default()
                    .extend(offsets.iter().copied());
            }
            InternalRecord::TxnOffsetCommits {
                group,
                producer_id,
                offsets,
            } => {
                self.pending
                    .entry(group.clone())
                    .or_default()
                    .entry(*producer_id)
                    .or_default()
                    .extend(offsets.iter().copied());
            }
            _ => {}
        }
    }

    /// A marker of `producer_id`: its pending offsets are committed or dropped.
    pub fn marker(&mut self, producer_id: i64, commit: bool) {
        for (g, by_pid) in self.pending.iter_mut() {
            if let Some(o) = by_pid.remove(&producer_id) {
                if commit {
                    self.committed.entry(g.clone()).or_default().extend(o);
                }
            }
        }
        self.pending.retain(|_, by_pid| !by_pid.is_empty());
    }

    /// The committed offsets and the offsets still pending.
    #[allow(clippy::type_complexity)]
    pub fn finish(
        self,
    ) -> (
        BTreeMap<String, Offsets>,
        BTreeMap<String, BTreeMap<i64, Offsets>>,
    ) {
        (self.committed, self.pending)
    }
}

impl GroupCoordinator {
    /// `TxnOffsetCommit` from a transactional producer (`validateTransactionalOffsetCommit`:
    /// the member must be in the group at this generation; an empty member id with generation
    /// −1 is an admin-style commit, accepted).
    pub fn handle_txn_offset_commit(
        &mut self,
        ctx: &mut Ctx<CoordinatorTimer>,
        from: NodeId,
        msg: TxnMessage,
        led: &std::collections::BTreeSet<u32>,
    ) {
        let TxnMessage::TxnOffsetCommit {
            correlation_id,
            group_id,
            producer_id,
            member_id,
            generation,
            offsets,
            ..
        } = msg
        else {
            return;
        };
        let n = ctx
            .topics
            .offsets_topic()
            .map(|t| ctx.topics.partitions(t))
            .unwrap_or(1);
        let partition = offsets_partition_for(&group_id, n);
        let reply = |error| {
            Message::Txn(Box::new(TxnMessage::TxnOffsetCommitResponse {
                correlation_id,
                error,
            }))
        };
        let error = if !led.contains(&partition) {
            ErrorCode::NotCoordinator
        } else {
            match self.groups.get(&group_id) {
                None if generation < 0 && member_id.is_empty() => ErrorCode::None,
                None => ErrorCode::IllegalGeneration,
                Some(g) if generation < 0 && member_id.is_empty() => {
                    if g.members.is_empty() {
                        ErrorCode::None
                    } else {
                        ErrorCode::IllegalGeneration
                    }
                }
                Some(g) if !g.members.contains_key(&member_id) => ErrorCode::UnknownMemberId,
                Some(g) if g.generation != generation => ErrorCode::IllegalGeneration,
                Some(_) => ErrorCode::None,
            }
        };
        if error != ErrorCode::None {
            ctx.send(from, reply(error));
            return;
        }
        self.pending_txn.add(&group_id, producer_id, &offsets);
        self.writes.push(super::CoordinatorWrite {
            partition,
            record: InternalRecord::TxnOffsetCommits {
                group: group_id,
                producer_id,
                offsets,
            },
            reply: Some((from, reply(ErrorCode::None))),
        });
    }

    /// A transaction marker was appended to offsets partition `partition` (led here): the
    /// producer's pending offsets of the groups there become committed (COMMIT) or are
    /// dropped (ABORT) (`replayEndTransactionMarker`).
    pub fn on_txn_marker(&mut self, partition: u32, n: u32, producer_id: i64, commit: bool) {
        for (g, o) in self.pending_txn.take(producer_id, partition, n) {
            if commit {
                self.offsets.entry(g).or_default().extend(o);
            }
        }
    }
}
