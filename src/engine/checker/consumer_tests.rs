//! The consumer-side audit fed crafted event streams: skipped records and commit regressions,
//! and what an offset reset excuses.

use super::*;
use crate::engine::ids::TopicInfo;
use crate::engine::protocol::RecordBatch;
use crate::engine::time::MILLIS;

fn tp(p: u32) -> TopicPartition {
    TopicPartition::new(0, p)
}

fn checker() -> InvariantChecker {
    InvariantChecker::new(TopicTable {
        topics: vec![TopicInfo {
            name: "t".into(),
            partitions: 2,
            replication_factor: 3,
            internal: false,
        }],
    })
    .with_group_names(vec!["g".into(), "h".into()])
}

/// An event stream for one checker, at increasing times.
struct Feed {
    c: InvariantChecker,
    now: SimTime,
}

impl Feed {
    fn new() -> Self {
        Feed {
            c: checker(),
            now: 0,
        }
    }

    fn send(&mut self, event: SimEvent) -> &mut Self {
        self.now += 100 * MILLIS;
        self.c.observe(&TimedEvent {
            at: self.now,
            event,
        });
        self
    }

    /// Consumer `consumer` of group `group` polled offsets `[from, to)` of partition `p`.
    fn poll(&mut self, group: u32, consumer: u32, p: u32, from: u64, to: u64) -> &mut Self {
        let batch = RecordBatch {
            base_offset: from,
            record_count: (to - from) as u32,
            bytes: 100,
            producer_id: -1,
            producer_epoch: 0,
            base_sequence: -1,
            partition_leader_epoch: 0,
            ids: RecordIds {
                producer: 0,
                first_record: from,
            },
            first_create_time: 0,
            attributes: 0,
            last_create_time: 0,
        };
        self.send(SimEvent::Consumed {
            group,
            consumer,
            tp: tp(p),
            batch,
            from_offset: from,
            to_offset: to,
            high_watermark: to,
            last_stable_offset: to,
        })
    }

    fn commit(&mut self, group: u32, consumer: u32, p: u32, offset: u64) -> &mut Self {
        self.send(SimEvent::OffsetsCommitted {
            group,
            consumer,
            offsets: vec![(tp(p), offset)],
        })
    }

    fn reset(
        &mut self,
        group: u32,
        consumer: u32,
        p: u32,
        from: Option<u64>,
        to: u64,
    ) -> &mut Self {
        self.send(SimEvent::OffsetReset {
            group,
            consumer,
            tp: tp(p),
            from,
            to,
        })
    }

    fn report(&self) -> InvariantReport {
        self.c.report()
    }

    fn example(&self, kind: &str) -> String {
        self.report()
            .first_examples
            .into_iter()
            .find(|x| x.starts_with(kind))
            .unwrap_or_else(|| panic!("no {kind} example in {:?}", self.report()))
    }
}

#[test]
fn committing_what_was_polled_skips_nothing_through_a_handover() {
    let mut f = Feed::new();
    f.reset(0, 0, 0, None, 0)
        .poll(0, 0, 0, 0, 50)
        .commit(0, 0, 0, 50)
        .poll(0, 0, 0, 50, 80)
        .commit(0, 0, 0, 80)
        // Consumer 1 takes over from the committed offset.
        .poll(0, 1, 0, 80, 120)
        .commit(0, 1, 0, 120);
    let r = f.report();
    assert_eq!((r.skipped, r.commit_regressions), (0, 0), "{r:?}");
    assert!(r.first_examples.is_empty());
}

#[test]
fn committing_position_plus_one_skips_a_record_at_each_handover() {
    // The bug: commit(position + 1). While the same member goes on it reads that record
    // anyway; the member taking over starts past it.
    let mut f = Feed::new();
    f.poll(0, 0, 0, 0, 50).commit(0, 0, 0, 51);
    assert_eq!(
        f.report().skipped,
        1,
        "offset 50 is below the commit, unread"
    );
    f.poll(0, 0, 0, 50, 80).commit(0, 0, 0, 81);
    assert_eq!(
        f.report().skipped,
        1,
        "offset 50 was read after all; 80 is not"
    );
    f.poll(0, 1, 0, 81, 120).commit(0, 1, 0, 121);
    f.poll(0, 1, 0, 120, 130).commit(0, 1, 0, 130);
    let r = f.report();
    assert_eq!(r.skipped, 1, "only offset 80 is lost for good: {r:?}");
    assert_eq!(r.commit_regressions, 0);
    let x = f.example("skipped");
    assert!(
        x.contains("group g consumer 0 committed t-0 offset 81") && x.contains("offsets 80..81"),
        "{x}"
    );
}

#[test]
fn another_group_reading_a_record_does_not_cover_this_group() {
    let mut f = Feed::new();
    f.poll(1, 5, 0, 0, 100)
        .poll(0, 0, 0, 0, 40)
        .commit(0, 0, 0, 100);
    assert_eq!(f.report().skipped, 60);
    // Partitions are separate too.
    f.poll(0, 0, 1, 40, 100);
    assert_eq!(f.report().skipped, 60);
    f.poll(0, 0, 0, 40, 100);
    assert_eq!(f.report().skipped, 0);
}

#[test]
fn an_offset_reset_excuses_the_offsets_it_jumps_over() {
    // A new group with auto.offset.reset=latest starts at the high watermark 500.
    let mut f = Feed::new();
    f.reset(0, 0, 0, None, 500)
        .poll(0, 0, 0, 500, 600)
        .commit(0, 0, 0, 600);
    // Its position fell below the log start (retention): reset to earliest = 900.
    f.poll(0, 0, 0, 600, 650)
        .reset(0, 0, 0, Some(650), 900)
        .poll(0, 0, 0, 900, 950)
        .commit(0, 0, 0, 950);
    assert_eq!(f.report().skipped, 0, "{:?}", f.report());
    // The same commits without the resets skip 500 + 250 records.
    let mut g = Feed::new();
    g.poll(0, 0, 0, 500, 650)
        .poll(0, 0, 0, 900, 950)
        .commit(0, 0, 0, 950);
    assert_eq!(g.report().skipped, 750);
}

#[test]
fn a_commit_below_the_committed_offset_is_a_regression_unless_a_reset_moved_back() {
    let mut f = Feed::new();
    f.poll(0, 0, 0, 0, 120).commit(0, 0, 0, 120);
    // A zombie of an older generation commits what it had reached.
    f.commit(0, 1, 0, 90);
    let r = f.report();
    assert_eq!(r.commit_regressions, 1);
    assert_eq!(r.skipped, 0, "90 is below what was read");
    let x = f.example("commit_regressions");
    assert!(
        x.contains("consumer 1 committed t-0 offset 90, below offset 120 committed by consumer 0"),
        "{x}"
    );
    // Equal is not backwards; forwards is fine.
    f.commit(0, 0, 0, 90).commit(0, 0, 0, 120);
    assert_eq!(f.report().commit_regressions, 1);
    // An unclean election truncated the log: the member's position is out of range and
    // auto.offset.reset moves it back to the new log end 70.
    f.reset(0, 0, 0, Some(120), 70)
        .poll(0, 0, 0, 70, 80)
        .commit(0, 0, 0, 80);
    assert_eq!(
        f.report().commit_regressions,
        1,
        "after a reset: not counted"
    );
    // A reset on another partition or group excuses nothing here.
    f.reset(0, 0, 1, None, 0)
        .reset(1, 0, 0, None, 0)
        .commit(0, 0, 0, 60);
    assert_eq!(f.report().commit_regressions, 2);
    // Nor does a reset to above the commit.
    f.reset(0, 0, 0, Some(60), 65).commit(0, 0, 0, 55);
    assert_eq!(f.report().commit_regressions, 3);
    f.commit(0, 0, 0, 50);
    assert_eq!(f.report().commit_regressions, 4);
    // The first example stays the first.
    assert!(f.example("commit_regressions").contains("offset 90"));
}

#[test]
fn a_thousand_gaps_are_counted_exactly_in_bounded_memory() {
    let mut f = Feed::new();
    for i in 0..1_000u64 {
        f.poll(0, 0, 0, i * 10, i * 10 + 9)
            .commit(0, 0, 0, i * 10 + 10);
    }
    assert_eq!(f.report().skipped, 1_000);
    let part = &f.c.consumers;
    assert!(
        part.intervals_held() <= 260,
        "{} intervals",
        part.intervals_held()
    );
}
