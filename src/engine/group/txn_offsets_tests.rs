//! Transactional offset commits in the group coordinator (KIP-447), driven through its
//! requests: a TxnOffsetCommit is pending — OffsetFetch answers UNSTABLE_OFFSET_COMMIT and
//! the committed offset does not move — until the transaction's COMMIT marker makes it the
//! committed offset; an ABORT marker drops it; a stale generation is refused.

use std::collections::BTreeSet;

use crate::engine::config::BrokerConfig;
use crate::engine::ctx::{Ctx, Outbox};
use crate::engine::ids::{NodeId, TopicInfo, TopicPartition, TopicTable, OFFSETS_TOPIC};
use crate::engine::protocol::{ErrorCode, Message, TxnMessage};
use crate::engine::rng::SimRng;

use super::GroupCoordinator;

fn topics() -> TopicTable {
    TopicTable {
        topics: vec![TopicInfo {
            name: OFFSETS_TOPIC.into(),
            partitions: 1,
            replication_factor: 1,
            internal: true,
        }],
    }
}

fn tp() -> TopicPartition {
    TopicPartition::new(1, 0)
}

fn txn_commit(
    c: &mut GroupCoordinator,
    producer_id: i64,
    offset: u64,
    generation: i32,
) -> ErrorCode {
    let topics = topics();
    let (mut rng, mut out) = (SimRng::new(1), Outbox::default());
    let mut ctx = Ctx::new(0, NodeId(1), &mut rng, &topics, &mut out);
    let led: BTreeSet<u32> = [0].into();
    let msg = TxnMessage::TxnOffsetCommit {
        correlation_id: 3,
        transactional_id: "app-0".into(),
        group_id: "g".into(),
        producer_id,
        epoch: 0,
        member_id: String::new(),
        generation,
        offsets: vec![(tp(), offset)],
    };
    c.handle_txn_offset_commit(&mut ctx, NodeId(9), msg, &led);
    let mut replies: Vec<Message> = out.sends.into_iter().map(|(_, m)| m).collect();
    replies.extend(
        c.take_writes()
            .into_iter()
            .filter_map(|w| w.reply.map(|r| r.1)),
    );
    match replies.as_slice() {
        [Message::Txn(t)] => match **t {
            TxnMessage::TxnOffsetCommitResponse { error, .. } => error,
            ref other => panic!("{other:?}"),
        },
        other => panic!("expected one answer, got {other:?}"),
    }
}

fn fetch(c: &mut GroupCoordinator) -> (ErrorCode, Option<u64>) {
    let topics = topics();
    let (mut rng, mut out) = (SimRng::new(1), Outbox::default());
    let mut ctx = Ctx::new(0, NodeId(1), &mut rng, &topics, &mut out);
    let led: BTreeSet<u32> = [0].into();
    let msg = Message::OffsetFetchRequest {
        correlation_id: 4,
        group_id: "g".into(),
        partitions: vec![tp()],
    };
    c.handle_request(&mut ctx, NodeId(9), msg, &BrokerConfig::default(), &led);
    match out.sends.as_slice() {
        [(_, Message::OffsetFetchResponse { error, offsets, .. })] => {
            (*error, offsets.first().and_then(|o| o.1))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn pending_until_commit_marker_then_committed() {
    let mut c = GroupCoordinator::new(1);
    assert_eq!(txn_commit(&mut c, 77, 500, -1), ErrorCode::None);
    assert_eq!(fetch(&mut c).0, ErrorCode::UnstableOffsetCommit);
    assert_eq!(c.committed("g").and_then(|o| o.get(&tp()).copied()), None);
    // Another producer's marker does not resolve it.
    c.on_txn_marker(0, 1, 78, true);
    assert_eq!(fetch(&mut c).0, ErrorCode::UnstableOffsetCommit);
    c.on_txn_marker(0, 1, 77, true);
    assert_eq!(fetch(&mut c), (ErrorCode::None, Some(500)));
}

#[test]
fn an_abort_marker_drops_the_offsets() {
    let mut c = GroupCoordinator::new(1);
    assert_eq!(txn_commit(&mut c, 77, 500, -1), ErrorCode::None);
    c.on_txn_marker(0, 1, 77, false);
    assert_eq!(fetch(&mut c), (ErrorCode::None, None));
}

#[test]
fn a_member_of_no_generation_is_refused() {
    // The group is unknown here: a commit claiming generation 3 is a zombie's.
    let mut c = GroupCoordinator::new(1);
    assert_eq!(txn_commit(&mut c, 77, 500, 3), ErrorCode::IllegalGeneration);
    assert_eq!(fetch(&mut c), (ErrorCode::None, None));
}

#[test]
fn a_new_coordinator_replays_records_and_markers_in_order() {
    use crate::engine::group::txn_offsets::Replay;
    use crate::engine::protocol::InternalRecord;
    let txn = |pid, off| InternalRecord::TxnOffsetCommits {
        group: "g".into(),
        producer_id: pid,
        offsets: vec![(tp(), off)],
    };
    let mut r = Replay::default();
    r.record(&txn(5, 100));
    r.marker(5, true);
    r.record(&txn(6, 200));
    r.marker(6, false);
    r.record(&txn(7, 300));
    let (committed, pending) = r.finish();
    assert_eq!(
        committed["g"][&tp()],
        100,
        "committed, then an aborted one dropped"
    );
    assert_eq!(pending["g"][&7][&tp()], 300, "no marker yet: still pending");
}
