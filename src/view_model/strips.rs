//! Log strips drawn to scale: one partition's logs on its replicas, with the leader's high
//! watermark, each follower's position as the leader knows it (the offset of its last fetch),
//! and each consumer group's committed offset and the owning member's position. With
//! transactions (issue 19): the last stable offset when an open transaction holds it below the
//! high watermark, the newest commit and abort markers, and a read_committed group's member
//! waiting at the LSO.
//!
//! Offsets only grow, so a strip shows the tail of the log: the window from a little below the
//! lowest interesting offset to the highest log end offset, its width rounded up to 1, 2 or 5
//! × 10^k offsets so the scale moves in steps the eye can follow.

use crate::engine::ids::BrokerId;
use crate::engine::snapshot::{ClusterSnapshot, PartitionSnapshot};

/// The offsets a strip spans: `lo` at the left edge, `hi` at the right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Offset at the left edge.
    pub lo: u64,
    /// Offset at the right edge.
    pub hi: u64,
}

impl Window {
    /// Where `offset` falls, from 0 (left) to 1 (right), clamped.
    pub fn frac(&self, offset: u64) -> f64 {
        let span = (self.hi - self.lo).max(1) as f64;
        (offset.saturating_sub(self.lo) as f64 / span).clamp(0.0, 1.0)
    }

    /// Offsets spanned.
    pub fn span(&self) -> u64 {
        self.hi - self.lo
    }
}

/// The smallest 1, 2 or 5 × 10^k at or above `x` (at least 10).
pub fn nice_span(x: u64) -> u64 {
    let mut p = 1u64;
    loop {
        for m in [1, 2, 5] {
            let v = m * p;
            if v >= x.max(10) {
                return v;
            }
        }
        match p.checked_mul(10) {
            Some(q) => p = q,
            None => return u64::MAX,
        }
    }
}

/// A window ending at `hi` that shows every offset in `marks` with a quarter of room to spare.
pub fn window(hi: u64, marks: impl IntoIterator<Item = u64>) -> Window {
    window_after(None, hi, marks)
}

/// [`window`], keeping the span of the previous frame's window (`prev`) while it still shows
/// every mark and is not ten times too wide, so the scale does not flicker as lags move.
pub fn window_after(prev: Option<u64>, hi: u64, marks: impl IntoIterator<Item = u64>) -> Window {
    let lo_mark = marks.into_iter().fold(hi, u64::min);
    let needed = (hi - lo_mark) + (hi - lo_mark) / 4;
    let span = match prev {
        Some(p) if needed <= p && needed.max(10) * 10 > p => p,
        _ => nice_span(needed),
    }
    .min(hi.max(10));
    Window {
        lo: hi.saturating_sub(span),
        hi: hi.max(span),
    }
}

/// One replica's strip.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaStrip {
    /// Broker hosting it.
    pub broker: BrokerId,
    /// It is the leader.
    pub leader: bool,
    /// In the ISR.
    pub in_isr: bool,
    /// Its log end offset.
    pub log_end_offset: u64,
    /// Its high watermark.
    pub high_watermark: u64,
}

/// A group's marks on the leader's strip.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupMark {
    /// Group index in the snapshot.
    pub group: usize,
    /// Committed offset.
    pub committed: Option<u64>,
    /// The owning member's position.
    pub position: Option<u64>,
    /// The group reads with `isolation.level=read_committed`.
    pub read_committed: bool,
    /// A read_committed member is at the last stable offset while an open transaction holds
    /// it below the high watermark: it waits for the commit or abort.
    pub waits_at_lso: bool,
}

/// A partition's strips and marks on one scale.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionStrips {
    /// The common window.
    pub window: Window,
    /// The leader's high watermark.
    pub high_watermark: u64,
    /// Replicas in assignment order.
    pub replicas: Vec<ReplicaStrip>,
    /// Followers' positions as the leader knows them.
    pub followers: Vec<(BrokerId, u64)>,
    /// Groups reading the partition.
    pub groups: Vec<GroupMark>,
    /// The leader's last stable offset (equal to the high watermark unless a transaction is
    /// open).
    pub last_stable_offset: u64,
    /// The leader's newest transaction markers in the window, `(offset, commit)`.
    pub markers: Vec<(u64, bool)>,
}

impl PartitionStrips {
    /// Whether an open transaction holds the last stable offset below the high watermark.
    pub fn lso_held(&self) -> bool {
        self.last_stable_offset < self.high_watermark
    }
}

/// The strips of partition `p` of `snap`.
pub fn partition_strips(snap: &ClusterSnapshot, p: &PartitionSnapshot) -> PartitionStrips {
    partition_strips_after(snap, p, None)
}

/// [`partition_strips`] with the previous frame's window span (see [`window_after`]).
pub fn partition_strips_after(
    snap: &ClusterSnapshot,
    p: &PartitionSnapshot,
    prev: Option<u64>,
) -> PartitionStrips {
    let replicas: Vec<ReplicaStrip> = p
        .replica_states
        .iter()
        .map(|r| ReplicaStrip {
            broker: r.broker,
            leader: p.leader == Some(r.broker),
            in_isr: r.in_isr,
            log_end_offset: r.log_end_offset,
            high_watermark: r.high_watermark,
        })
        .collect();
    let followers: Vec<(BrokerId, u64)> = p
        .followers
        .iter()
        .map(|f| (f.broker, f.log_end_offset))
        .collect();
    let groups: Vec<GroupMark> = snap
        .groups
        .iter()
        .enumerate()
        .filter_map(|(gi, g)| {
            let gp = g
                .partitions
                .iter()
                .find(|x| x.topic == p.topic && x.partition == p.partition)?;
            Some(GroupMark {
                group: gi,
                committed: gp.committed,
                position: gp.position,
                read_committed: g.read_committed,
                // Nothing left to read below the LSO: its position is there, or only markers
                // lie between (the consumer passes over them without a record).
                waits_at_lso: g.read_committed
                    && p.last_stable_offset < p.high_watermark
                    && gp.position.is_some_and(|pos| {
                        pos <= p.last_stable_offset
                            && (pos..p.last_stable_offset)
                                .all(|o| p.markers.iter().any(|m| m.0 == o))
                    }),
            })
        })
        .collect();
    let hi = replicas
        .iter()
        .map(|r| r.log_end_offset)
        .fold(p.log_end_offset, u64::max);
    let marks = replicas
        .iter()
        .map(|r| r.log_end_offset)
        .chain(std::iter::once(p.high_watermark))
        // The LSO, while an open transaction holds it below the HW, is shown to scale too.
        .chain(std::iter::once(p.last_stable_offset.min(p.high_watermark)))
        .chain(followers.iter().map(|f| f.1))
        .chain(
            groups
                .iter()
                .flat_map(|g| g.committed.into_iter().chain(g.position)),
        );
    let window = window_after(prev, hi, marks);
    PartitionStrips {
        window,
        high_watermark: p.high_watermark,
        replicas,
        followers,
        groups,
        last_stable_offset: p.last_stable_offset,
        markers: p
            .markers
            .iter()
            .copied()
            .filter(|&(o, _)| o >= window.lo)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::ms;
    use crate::engine::Command;
    use crate::engine::Engine;

    #[test]
    fn nice_spans_step_by_one_two_five() {
        assert_eq!(nice_span(0), 10);
        assert_eq!(nice_span(11), 20);
        assert_eq!(nice_span(21), 50);
        assert_eq!(nice_span(5001), 10_000);
    }

    #[test]
    fn the_window_shows_every_mark_to_scale() {
        let w = window(1_000, [990, 600, 1_000]);
        assert!(w.lo <= 600 && w.hi == 1_000);
        assert_eq!(w.span(), 500);
        assert_eq!(w.frac(1_000), 1.0);
        assert!((w.frac(750) - 0.5).abs() < 1e-9);
        // A young log starts at zero and is never scaled below ten offsets.
        assert_eq!(window(3, [0]), Window { lo: 0, hi: 10 });
    }

    #[test]
    fn the_span_holds_while_it_fits_so_the_scale_does_not_flicker() {
        let w = window(1_000, [900]);
        assert_eq!(w.span(), 200);
        // A mark moves closer: the span stays; farther than it can show: it grows.
        assert_eq!(window_after(Some(w.span()), 1_010, [990]).span(), 200);
        assert_eq!(window_after(Some(200), 1_010, [700]).span(), 500);
        // Ten times too wide: it shrinks.
        assert_eq!(window_after(Some(10_000), 1_010, [1_005]).span(), 10);
    }

    #[test]
    fn a_lagging_follower_and_a_group_are_placed_on_the_leaders_scale() {
        let mut e = Engine::new(&crate::scenario_file::presets::preset("quickstart").unwrap());
        e.run_until(ms(11_000), u64::MAX);
        e.apply(Command::IsolateBroker { broker: 3 });
        e.run_until(ms(13_000), u64::MAX);
        let snap = e.snapshot();
        let p = snap
            .partitions
            .iter()
            .find(|p| p.leader.is_some() && p.leader != Some(3) && p.replicas.contains(&3))
            .unwrap();
        let s = partition_strips(&snap, p);
        let behind = s.followers.iter().find(|f| f.0 == 3).unwrap().1;
        assert!(behind < p.log_end_offset, "broker 3 stopped fetching");
        assert!(s.window.lo <= behind && s.window.hi >= p.log_end_offset);
        let g = &s.groups[0];
        assert!(g.committed.is_some() && g.position.is_some());
        assert!(s.window.frac(g.committed.unwrap()) <= s.window.frac(g.position.unwrap()));
        assert_eq!(s.replicas.iter().filter(|r| r.leader).count(), 1);
    }
}

#[cfg(test)]
mod txn_tests {
    use super::*;
    use crate::engine::time::ms;
    use crate::engine::Engine;

    /// The exactly-once preset (a transactional producer aborting some transactions, a
    /// read_committed group): the strips carry the last stable offset, held below the high
    /// watermark while a transaction is open, commit and abort markers, and a read_committed
    /// member waiting at the LSO.
    #[test]
    fn transactions_show_the_lso_markers_and_a_member_waiting_at_the_lso() {
        let sc = crate::scenario_file::presets::preset("exactly-once").unwrap();
        let mut e = Engine::new(&sc);
        let (mut held, mut commits, mut aborts, mut waiting) = (0, 0, 0, 0);
        let mut t = ms(3_000);
        while t < ms(20_000) {
            e.run_until(t, u64::MAX);
            let snap = e.snapshot();
            for p in snap
                .partitions
                .iter()
                .filter(|p| !p.topic.starts_with("__"))
            {
                let s = partition_strips(&snap, p);
                assert!(s.last_stable_offset <= s.high_watermark);
                held += usize::from(s.lso_held());
                assert!(
                    !s.lso_held() || s.window.lo <= s.last_stable_offset,
                    "the LSO is shown"
                );
                commits += s.markers.iter().filter(|m| m.1).count();
                aborts += s.markers.iter().filter(|m| !m.1).count();
                assert!(s.markers.iter().all(|m| m.0 >= s.window.lo));
                waiting += s.groups.iter().filter(|g| g.waits_at_lso).count();
                assert!(s.groups.iter().all(|g| !g.waits_at_lso || g.read_committed));
            }
            t += ms(37);
        }
        assert!(held > 0, "an open transaction holds the LSO below the HW");
        assert!(
            commits > 0 && aborts > 0,
            "{commits} commit, {aborts} abort markers"
        );
        assert!(waiting > 0, "a read_committed member waits at the LSO");
    }
}
