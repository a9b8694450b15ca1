use super::*;
use crate::engine::time::{ms, MILLIS};
use crate::engine::{Command, Engine};

fn quickstart() -> Scenario {
    crate::scenario_file::presets::preset("quickstart").unwrap()
}

/// Plays `s` to `to` in frames of `frame` (as the page does), observing each.
fn play(tl: &mut Timeline, s: &mut Session, to: SimTime, frame: SimTime) {
    while s.engine().now() < to {
        let t = (s.engine().now() + frame).min(to);
        s.run_to(t);
        tl.observe(s);
    }
}

fn report(s: &mut Session) -> String {
    serde_json::to_string(&s.engine_mut().report(0.0)).unwrap()
}

fn fresh(sc: &Scenario, t: SimTime) -> Engine {
    let mut e = Engine::new(sc);
    e.run_until(t, u64::MAX);
    e
}

#[test]
fn rewinding_gives_the_run_as_it_was_and_playing_on_is_the_same_run() {
    let mut s = Session::new(quickstart());
    let mut tl = Timeline::new(&s);
    play(&mut tl, &mut s, ms(7_300), 37 * MILLIS);
    s.intervene(Command::CrashBroker { broker: 2 }).unwrap();
    tl.observe(&mut s);
    play(&mut tl, &mut s, ms(21_000), 41 * MILLIS);
    let end_hash = s.engine().trace_hash();
    assert!(
        tl.checkpoint_times().len() >= 4,
        "{:?}",
        tl.checkpoint_times()
    );
    assert!(tl
        .moments()
        .iter()
        .any(|m| m.kind == super::super::session::MomentKind::Intervention));
    // Back to 6.5 s (before the crash was recorded) and to 12 s (after it).
    for t in [ms(6_500), ms(12_000), ms(3)] {
        tl.seek(&mut s, t);
        assert!(tl.rewound());
        assert_eq!(s.engine().now(), t);
        let mut e = fresh(s.scenario(), t);
        assert_eq!(s.engine().trace_hash(), e.trace_hash(), "at {t}");
        assert_eq!(
            report(&mut s),
            serde_json::to_string(&e.report(0.0)).unwrap(),
            "at {t}"
        );
    }
    // Playing on from 3 ms replays the crash and reaches the same end.
    play(&mut tl, &mut s, ms(21_000), 53 * MILLIS);
    assert!(!tl.rewound());
    assert_eq!(s.engine().trace_hash(), end_hash);
    // End jumps back to the head.
    tl.seek(&mut s, ms(1_000));
    tl.seek(&mut s, SimTime::MAX);
    assert_eq!(s.engine().now(), ms(21_000));
    assert_eq!(s.engine().trace_hash(), end_hash);
}

#[test]
fn a_lesson_scripted_action_is_replayed_after_a_rewind() {
    let mut s = Session::new(quickstart());
    let mut tl = Timeline::new(&s);
    play(&mut tl, &mut s, ms(6_000), 50 * MILLIS);
    s.apply_scripted(Command::CrashBroker { broker: 1 });
    play(&mut tl, &mut s, ms(16_000), 50 * MILLIS);
    let end = s.engine().trace_hash();
    tl.seek(&mut s, ms(2_000));
    tl.seek(&mut s, ms(15_000));
    play(&mut tl, &mut s, ms(16_000), 50 * MILLIS);
    assert_eq!(s.engine().trace_hash(), end);
}

#[test]
fn a_change_at_a_rewound_time_is_a_branch_that_keeps_the_old_future() {
    let mut s = Session::new(quickstart());
    let mut tl = Timeline::new(&s);
    play(&mut tl, &mut s, ms(9_000), 40 * MILLIS);
    s.intervene(Command::CrashBroker { broker: 1 }).unwrap();
    play(&mut tl, &mut s, ms(20_000), 40 * MILLIS);
    let old_end = s.engine().trace_hash();
    tl.seek(&mut s, ms(4_000));
    tl.branch(&mut s);
    s.intervene(Command::CrashBroker { broker: 3 }).unwrap();
    tl.observe(&mut s);
    // The new branch: the old future's crash of broker 1 is gone, broker 3's is recorded.
    let faults: Vec<_> = s
        .scenario()
        .faults
        .iter()
        .map(|f| f.action.clone())
        .collect();
    assert_eq!(faults, vec![Command::CrashBroker { broker: 3 }]);
    assert!(!tl.rewound());
    assert!(tl.checkpoint_times().iter().all(|&t| t <= ms(4_001)));
    let g = tl.ghost().expect("branch A kept");
    assert_eq!((g.from, g.end), (ms(4_000), ms(20_000)));
    assert_eq!(g.scenario.faults.len(), 1);
    assert!(g.samples.len() > 10);
    // Branch A replays to its old end from its own scenario.
    assert_eq!(fresh(&g.scenario, ms(20_000)).trace_hash(), old_end);
    // The new branch is a run of its own scenario.
    play(&mut tl, &mut s, ms(12_000), 40 * MILLIS);
    assert_eq!(
        s.engine().trace_hash(),
        fresh(s.scenario(), ms(12_000)).trace_hash()
    );
}

#[test]
fn checkpoints_stay_bounded_and_recent_ones_dense() {
    // A light cluster (100 records/s): the count bound applies before the byte budget.
    let mut sc = quickstart();
    sc.duration_ms = 3_600_000;
    for p in &mut sc.producers {
        p.workload = crate::engine::scenario::Workload::Rate {
            records_per_s: 100.0,
        };
    }
    let mut s = Session::new(sc);
    let mut tl = Timeline::new(&s);
    play(&mut tl, &mut s, ms(300_000), 500 * MILLIS);
    let times = tl.checkpoint_times();
    assert_eq!(times.len(), MAX_CHECKPOINTS);
    assert_eq!(times[0], 0);
    let recent = &times[times.len() - RECENT..];
    for w in recent.windows(2) {
        assert!(w[1] - w[0] <= CHECKPOINT_EVERY + SECONDS, "{times:?}");
    }
    // Jumping back a minute replays at most one checkpoint interval.
    let now = s.engine().now();
    let back = now - 60 * SECONDS;
    let cp = times.iter().rev().find(|&&t| t <= back).unwrap();
    assert!(back - cp <= CHECKPOINT_EVERY + SECONDS);
}

#[test]
fn checkpoints_share_the_logs_older_batches() {
    // quickstart's 10,000 records/s: 2 minutes fill the logs with ~25 MB of batches. A
    // checkpoint shares them with the run (issue 17), so 25 checkpoints cost about one
    // session's own part each, not a copy of the logs each (that was 25 × 25 MB).
    let mut s = Session::new(quickstart());
    let mut tl = Timeline::new(&s);
    play(&mut tl, &mut s, ms(120_000), 500 * MILLIS);
    let session = approx_bytes(&s);
    assert!(session > 20 << 20, "{session}");
    let n = tl.checkpoint_times().len();
    assert!(n >= 20, "{n}");
    assert!(
        tl.checkpoint_bytes() < n * (4 << 20),
        "{} for {n} checkpoints of a {session}-byte session",
        tl.checkpoint_bytes()
    );
    // Going back still gives the run as it was.
    tl.seek(&mut s, ms(61_000));
    assert_eq!(
        s.engine().trace_hash(),
        fresh(s.scenario(), ms(61_000)).trace_hash()
    );
}

#[test]
fn over_the_byte_budget_the_oldest_checkpoints_go() {
    let mut s = Session::new(quickstart());
    let budget = 12 << 20;
    let mut tl = Timeline::with_budget(&s, budget);
    play(&mut tl, &mut s, ms(90_000), 500 * MILLIS);
    let times = tl.checkpoint_times();
    assert!(tl.checkpoint_bytes() <= budget, "{}", tl.checkpoint_bytes());
    assert_eq!(times[0], 0, "the start stays");
    assert_eq!(*times.last().expect("some"), ms(90_000), "the newest stays");
    // What is left after the start is the recent past, every 5 s without a gap.
    assert!(times.len() >= 3, "{times:?}");
    assert!(times[1] > ms(20_000), "{times:?}");
    assert!(
        times[1..]
            .windows(2)
            .all(|w| w[1] - w[0] == CHECKPOINT_EVERY),
        "{times:?}"
    );
    tl.seek(&mut s, times[1] + ms(1_200));
    assert_eq!(
        s.engine().trace_hash(),
        fresh(s.scenario(), times[1] + ms(1_200)).trace_hash()
    );
}
