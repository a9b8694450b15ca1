//! Checker unit tests: losses, duplicates, order, redelivery, and the incremental audit.

use super::*;
use crate::engine::ids::TopicInfo;
use crate::engine::log::PartitionLog;
use crate::engine::protocol::RecordBatch;

fn tp() -> TopicPartition {
    TopicPartition::new(0, 0)
}

fn batch(first: u64, n: u32) -> RecordBatch {
    RecordBatch {
        base_offset: 0,
        record_count: n,
        bytes: 100,
        producer_id: -1,
        producer_epoch: 0,
        base_sequence: -1,
        partition_leader_epoch: 0,
        ids: RecordIds {
            producer: 0,
            first_record: first,
        },
        first_create_time: 0,
        attributes: 0,
        last_create_time: 0,
    }
}

/// The leader's log as a sweep sees it, without replica copies (nothing is forgotten).
fn leader(broker: BrokerId, epoch: u32, log: &PartitionLog) -> std::iter::Once<LeaderLog<'_>> {
    view(broker, epoch, log, Vec::new())
}

/// The leader's log and every replica's copy, as a sweep sees them.
fn view<'a>(
    broker: BrokerId,
    epoch: u32,
    log: &'a PartitionLog,
    copies: Vec<&'a PartitionLog>,
) -> std::iter::Once<LeaderLog<'a>> {
    std::iter::once(LeaderLog {
        tp: tp(),
        leader: broker,
        epoch,
        log,
        copies,
    })
}

/// Tells the checker that `broker` truncated its log to offset 0, removing `removed`.
fn truncated(c: &mut InvariantChecker, at: u64, broker: BrokerId, removed: Vec<RecordBatch>) {
    c.observe(&TimedEvent {
        at,
        event: SimEvent::LogTruncated {
            broker,
            tp: tp(),
            to_offset: 0,
            removed,
        },
    });
}

fn checker() -> InvariantChecker {
    InvariantChecker::new(TopicTable {
        topics: vec![TopicInfo {
            name: "t".into(),
            partitions: 1,
            replication_factor: 3,
            internal: false,
        }],
    })
}

fn ack(c: &mut InvariantChecker, b: RecordBatch) {
    c.observe(&TimedEvent {
        at: 1,
        event: SimEvent::ProduceAcked {
            producer: 0,
            tp: tp(),
            batch: b,
            acks_zero: false,
        },
    });
}

#[test]
fn acks_one_loss_found_by_truncation_and_by_sweep() {
    let mut c = checker();
    let mut old_leader = PartitionLog::new();
    let b = old_leader.append_as_leader(batch(0, 10), 0);
    ack(&mut c, b);
    // The new leader never got it and wrote other records at offset 0.
    let mut new_leader = PartitionLog::new();
    new_leader.append_as_leader(batch(10, 5), 1);
    c.sweep(5, leader(2, 1, &new_leader));
    assert_eq!(c.report().acked_lost, 10);
    // The old leader truncating later does not count the same records twice.
    let removed = old_leader.truncate_to(0);
    truncated(&mut c, 9, 1, removed);
    assert_eq!(c.report().acked_lost, 10);
    assert!(c.report().first_examples[0].contains("acked_lost"));
}

#[test]
fn truncating_an_older_copy_of_a_batch_the_new_leader_took_again_loses_nothing() {
    // Replays acks_all_in_the_same_schedule_loses_nothing (tests/engine_replication.rs,
    // seed 7): the crashed leader of epoch 0 held batch X at offset 0, unacknowledged; the
    // producer retried X and the leader of epoch 1 stored and acknowledged it at the same
    // offset. The old leader truncating its own copy on restart is not a loss.
    let mut c = checker();
    let mut old_leader = PartitionLog::new();
    old_leader.append_as_leader(batch(0, 10), 0);
    let mut new_leader = PartitionLog::new();
    let acked = new_leader.append_as_leader(batch(0, 10), 1);
    ack(&mut c, acked);
    let removed = old_leader.truncate_to(0);
    truncated(&mut c, 9, 1, removed);
    assert_eq!(c.report().acked_lost, 0);
    c.sweep(10, leader(2, 1, &new_leader));
    assert_eq!(c.report().acked_lost, 0);
    // Had the acknowledged copy (epoch 1) been the one truncated, it would count.
    let removed = new_leader.truncate_to(0);
    truncated(&mut c, 11, 2, removed);
    assert_eq!(c.report().acked_lost, 10);
}

#[test]
fn non_idempotent_retry_is_a_duplicate_but_reappend_after_truncation_is_not() {
    let mut c = checker();
    let mut log = PartitionLog::new();
    log.append_as_leader(batch(0, 10), 0);
    log.append_as_leader(batch(0, 10), 0); // a retry written twice
    c.sweep(1, leader(1, 0, &log));
    assert_eq!(c.report().duplicates, 10);
    let mut clean = PartitionLog::new();
    clean.append_as_leader(batch(0, 10), 0);
    clean.truncate_to(0);
    clean.append_as_leader(batch(0, 10), 1);
    c.sweep(2, leader(1, 1, &clean));
    assert_eq!(c.report().duplicates, 0);
    assert_eq!(c.report().acked_lost, 0);
}

#[test]
fn redelivery_and_reads_above_hw_are_counted() {
    let mut c = checker();
    let consumed = |from, to, hw| TimedEvent {
        at: 1,
        event: SimEvent::Consumed {
            group: 0,
            consumer: 0,
            tp: tp(),
            batch: batch(0, 100),
            from_offset: from,
            to_offset: to,
            high_watermark: hw,
            last_stable_offset: hw,
        },
    };
    c.observe(&consumed(0, 50, 100));
    c.observe(&consumed(30, 60, 100)); // after a crash, from the committed offset 30
    assert_eq!(c.report().redelivered, 20);
    c.observe(&consumed(60, 80, 70));
    assert_eq!(c.report().read_above_hw, 10);
}

/// The incremental audit must report exactly what a full rescan of the same leader logs
/// reports, whatever happens between sweeps: appends, duplicates, reordering, acknowledgements,
/// leader changes to a copy with a different (truncated) tail, and acknowledgements that arrive
/// after the leader changed.
#[test]
fn incremental_audit_equals_a_full_rescan() {
    let (mut lost, mut dups, mut ooo) = (0, 0, 0);
    for seed in 1..=40u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let (mut inc, mut full) = (checker(), checker());
        let (mut broker, mut epoch) = (1u32, 0u32);
        let mut log = PartitionLog::new();
        let mut next_record = [0u64; 3];
        let mut in_flight = std::collections::VecDeque::new();
        for step in 0..300u64 {
            match next(10) {
                0..=5 => {
                    let producer = next(3) as usize;
                    let n = 1 + next(20) as u32;
                    let first = match next(8) {
                        0 => next_record[producer].saturating_sub(next(40)), // a repeat
                        1 => next_record[producer] + next(30),               // a gap
                        _ => next_record[producer],
                    };
                    next_record[producer] = next_record[producer].max(first + n as u64);
                    let mut b = batch(first, n);
                    b.ids.producer = producer as u32;
                    let stored = log.append_as_leader(b, epoch);
                    if next(3) > 0 {
                        in_flight.push_back((producer, stored));
                    }
                    // Acknowledgements reach the producer later, maybe after a leader change.
                    while in_flight.len() > next(4) as usize {
                        let (producer, stored) = in_flight.pop_front().expect("non-empty");
                        for c in [&mut inc, &mut full] {
                            c.observe(&TimedEvent {
                                at: step,
                                event: SimEvent::ProduceAcked {
                                    producer: producer as u32,
                                    tp: tp(),
                                    batch: stored,
                                    acks_zero: false,
                                },
                            });
                        }
                    }
                }
                6 | 7 => {
                    inc.sweep(step, leader(broker, epoch, &log));
                    full.audits.clear();
                    full.sweep(step, leader(broker, epoch, &log));
                    assert_eq!(inc.report(), full.report(), "seed {seed} step {step}");
                    assert_eq!(inc.duplicates_by_producer(), full.duplicates_by_producer());
                }
                8 => {
                    // A follower that lagged becomes leader.
                    let keep = next(log.log_end_offset() + 1);
                    log.truncate_to(keep);
                    broker = 1 + (broker % 3);
                    epoch += 1;
                }
                _ => {
                    // The partition is offline for this sweep.
                    inc.sweep(step, std::iter::empty());
                    full.audits.clear();
                    full.sweep(step, std::iter::empty());
                }
            }
        }
        inc.sweep(300, leader(broker, epoch, &log));
        full.audits.clear();
        full.sweep(300, leader(broker, epoch, &log));
        assert_eq!(inc.report(), full.report(), "seed {seed} at the end");
        let r = inc.report();
        (lost, dups, ooo) = (
            lost + r.acked_lost,
            dups + r.duplicates,
            ooo + r.out_of_order,
        );
    }
    // The schedules did exercise every kind of finding.
    assert!(lost > 0 && dups > 0 && ooo > 0, "{lost} {dups} {ooo}");
}

#[test]
fn batches_every_replica_holds_are_forgotten_the_rest_kept() {
    let mut c = checker();
    let (mut leader, mut follower) = (PartitionLog::new(), PartitionLog::new());
    for i in 0..10 {
        let b = leader.append_as_leader(batch(i * 10, 10), 0);
        ack(&mut c, b);
    }
    // The follower has the first 6 batches and knows the HW up to there.
    let copied: Vec<RecordBatch> = leader.batches().take(6).copied().collect();
    follower.append_as_follower(&copied);
    follower.set_high_watermark(60);
    leader.set_high_watermark(100);
    c.sweep(1, view(1, 0, &leader, vec![&leader, &follower]));
    assert_eq!(
        c.acked.len(),
        4,
        "only the batches above offset 60 are still tracked"
    );
    assert_eq!(c.report().acked_lost, 0);
}

#[test]
fn a_crashed_replica_holding_another_copy_keeps_the_ack_tracked_until_it_is_lost() {
    // Unclean election: replica A (crashed) holds batch Y at offset 0 with its HW past it; the
    // new leader C wrote and acknowledged X at offset 0. X must stay tracked: if A leads again
    // before truncating, X is lost, and the checker must count it.
    let mut c = checker();
    let mut a = PartitionLog::new();
    a.append_as_leader(batch(100, 10), 0); // Y
    a.set_high_watermark(10);
    let mut leader_c = PartitionLog::new();
    let x = leader_c.append_as_leader(batch(0, 10), 1);
    leader_c.set_high_watermark(10);
    ack(&mut c, x);
    c.sweep(1, view(3, 1, &leader_c, vec![&a, &leader_c]));
    assert_eq!(c.acked.len(), 1, "A does not hold X: not settled");
    c.sweep(2, view(1, 2, &a, vec![&a, &leader_c]));
    assert_eq!(c.report().acked_lost, 10);
}

/// The transaction invariants: a read_committed group that receives a record of a transaction
/// aborted later (or earlier) counts `aborted_read`; one above the fetch's LSO counts
/// `uncommitted_read`; a read_uncommitted group counts neither.
#[test]
fn aborted_and_uncommitted_reads_of_read_committed_groups_are_counted() {
    use crate::engine::protocol::ATTR_TRANSACTIONAL;
    let mut c = InvariantChecker::new(Default::default()).with_read_committed(vec![true, false]);
    let mut b = batch(0, 10);
    b.producer_id = 77;
    b.producer_epoch = 4;
    b.attributes = ATTR_TRANSACTIONAL;
    let consumed = |group: u32, lso: u64| SimEvent::Consumed {
        group,
        consumer: 0,
        tp: TopicPartition::new(0, 0),
        batch: b,
        from_offset: 0,
        to_offset: 10,
        high_watermark: 20,
        last_stable_offset: lso,
    };
    c.observe_at(1, &consumed(0, 20));
    c.observe_at(1, &consumed(1, 5));
    assert_eq!(c.report().aborted_read, 0, "outcome not known yet");
    assert_eq!(c.report().uncommitted_read, 0);
    // Markers carry the bumped epoch 5: the data's epoch 4 transaction was aborted.
    c.observe_at(
        2,
        &SimEvent::TxnCompleted {
            transactional_id: "t".into(),
            producer_id: 77,
            epoch: 5,
            committed: false,
            timed_out: false,
        },
    );
    assert_eq!(c.report().aborted_read, 10, "only the read_committed group");
    c.observe_at(3, &consumed(0, 5));
    let r = c.report();
    assert_eq!(r.aborted_read, 20, "known aborted: counted at once");
    assert_eq!(r.uncommitted_read, 5, "offsets 5..10 above the LSO");
    assert!(r
        .first_examples
        .iter()
        .any(|x| x.starts_with("aborted_read")));
    assert!(r
        .first_examples
        .iter()
        .any(|x| x.starts_with("uncommitted_read")));
}
