//! The links of the topology: which endpoints talk to which (producers to the leaders they
//! know, followers to leaders, consumers to leaders and their coordinator, brokers to the
//! controller), and a drawn link's path.

use crate::engine::snapshot::{ClusterSnapshot, Endpoint};

use super::layout::ConsumerBoxes;

/// What a link carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Producer ↔ a partition leader.
    Produce,
    /// Follower ↔ leader (replication fetches).
    Replication,
    /// Consumer ↔ a partition leader (fetches) or its group coordinator (heartbeats, commits).
    Consume,
    /// Broker ↔ the controller (heartbeats, metadata).
    Controller,
}

/// A link between two endpoints (`a` is the one drawn first: client or controller, or the
/// lower broker).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkSpec {
    /// One end.
    pub a: Endpoint,
    /// The other end.
    pub b: Endpoint,
    /// What it carries.
    pub kind: LinkKind,
}

/// A drawn link: a polyline, or a quadratic curve through `points[1]` as control point.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkPath {
    /// Which link.
    pub spec: LinkSpec,
    /// Points from `a` to `b`.
    pub points: Vec<(f64, f64)>,
    /// A quadratic Bézier (three points) rather than a polyline.
    pub curve: bool,
}

impl LinkPath {
    /// The SVG path data.
    pub fn d(&self) -> String {
        let p = &self.points;
        if self.curve && p.len() == 3 {
            return format!(
                "M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}",
                p[0].0, p[0].1, p[1].0, p[1].1, p[2].0, p[2].1
            );
        }
        let mut d = String::new();
        for (i, (x, y)) in p.iter().enumerate() {
            d.push_str(&format!("{}{x:.1},{y:.1} ", if i == 0 { 'M' } else { 'L' }));
        }
        d
    }

    /// The point `f` (0..=1) of the way from `a` to `b`.
    pub fn at(&self, f: f64) -> (f64, f64) {
        let p = &self.points;
        let f = f.clamp(0.0, 1.0);
        if self.curve && p.len() == 3 {
            let u = 1.0 - f;
            return (
                u * u * p[0].0 + 2.0 * u * f * p[1].0 + f * f * p[2].0,
                u * u * p[0].1 + 2.0 * u * f * p[1].1 + f * f * p[2].1,
            );
        }
        let seg = |i: usize| ((p[i + 1].0 - p[i].0).hypot(p[i + 1].1 - p[i].1), i);
        let total: f64 = (0..p.len().saturating_sub(1)).map(|i| seg(i).0).sum();
        let mut left = f * total;
        for i in 0..p.len().saturating_sub(1) {
            let (len, _) = seg(i);
            if left <= len || i + 2 == p.len() {
                let t = if len > 0.0 {
                    (left / len).min(1.0)
                } else {
                    0.0
                };
                return (
                    p[i].0 + (p[i + 1].0 - p[i].0) * t,
                    p[i].1 + (p[i + 1].1 - p[i].1) * t,
                );
            }
            left -= len;
        }
        p.first().copied().unwrap_or_default()
    }
}

/// The links to draw for a snapshot: producers to the brokers leading their partitions (as the
/// producer knows them), followers to leaders, consumers (or groups) to the leaders of their
/// partitions and to their coordinator, and every broker to the controller.
pub fn links(snap: &ClusterSnapshot, boxes: ConsumerBoxes) -> Vec<LinkSpec> {
    let mut out: Vec<LinkSpec> = Vec::new();
    let mut add = |a: Endpoint, b: Endpoint, kind: LinkKind| {
        if !out
            .iter()
            .any(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
        {
            out.push(LinkSpec { a, b, kind });
        }
    };
    for (i, p) in snap.producers.iter().enumerate() {
        for b in p.leaders.iter().flatten() {
            add(
                Endpoint::Producer(i as u32),
                Endpoint::Broker(*b),
                LinkKind::Produce,
            );
        }
    }
    for b in &snap.brokers {
        add(
            Endpoint::Controller,
            Endpoint::Broker(b.id),
            LinkKind::Controller,
        );
    }
    for p in &snap.partitions {
        if let Some(l) = p.leader {
            for r in &p.replicas {
                if *r != l {
                    let (lo, hi) = if *r < l { (*r, l) } else { (l, *r) };
                    add(
                        Endpoint::Broker(lo),
                        Endpoint::Broker(hi),
                        LinkKind::Replication,
                    );
                }
            }
        }
    }
    for (gi, g) in snap.groups.iter().enumerate() {
        for &c in &g.members {
            let Some(consumer) = snap.consumers.get(c as usize) else {
                continue;
            };
            if !consumer.alive {
                continue;
            }
            let me = match boxes {
                ConsumerBoxes::Each => Endpoint::Consumer(c),
                ConsumerBoxes::Groups => Endpoint::Consumer(gi as u32),
            };
            if let Some(coord) = g.coordinator {
                add(me, Endpoint::Broker(coord), LinkKind::Consume);
            }
            for (tp, ..) in &consumer.partitions {
                let leader = snap
                    .partitions
                    .iter()
                    .find(|p| {
                        p.partition == tp.partition
                            && g.partitions
                                .iter()
                                .any(|gp| gp.topic == p.topic && gp.partition == p.partition)
                    })
                    .and_then(|p| p.leader);
                if let Some(l) = leader {
                    add(me, Endpoint::Broker(l), LinkKind::Consume);
                }
            }
        }
    }
    out
}
