//! Where everything goes in the cluster view: a topology in which every link is its own line.
//!
//! Wide views put producers and the KRaft controller in a top row, the brokers in one row under
//! them and the consumers (or, when there are many, their groups) in a row at the bottom; links
//! run only through the bands between rows, so a line to broker 3 never crosses broker 1.
//! Replication links are arcs under the broker row. Narrow views (a phone) stack the brokers in
//! a column and route links through lanes beside it. When the brokers' replicas cannot fit, the
//! page switches to the overview (tiles and a heat map) instead.
//!
//! Sizes follow the text size `font` (12 px normally, 20 px in presentation mode): nothing is
//! scaled after layout, so text is drawn at exactly that size.

use crate::engine::snapshot::{ClusterSnapshot, Endpoint};

pub use super::links::{links, LinkKind, LinkPath, LinkSpec};

/// A box.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Centre x.
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    /// Bottom.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether two boxes overlap.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// What the layout needs to know about the cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Producers.
    pub producers: usize,
    /// Brokers.
    pub brokers: usize,
    /// Most replicas on one broker (strip rows).
    pub rows: usize,
    /// Consumers (all, alive or not).
    pub consumers: usize,
    /// Consumer groups.
    pub groups: usize,
    /// Some producer is transactional: the top row gets a line for its transaction badge.
    pub transactional: bool,
}

impl Counts {
    /// The counts of a snapshot.
    pub fn of(snap: &ClusterSnapshot) -> Counts {
        Counts {
            producers: snap.producers.len(),
            brokers: snap.brokers.len(),
            rows: snap
                .brokers
                .iter()
                .map(|b| b.replicas as usize)
                .max()
                .unwrap_or(0),
            consumers: snap.consumers.len(),
            groups: snap.groups.len(),
            transactional: snap.producers.iter().any(|p| p.transaction.is_some()),
        }
    }
}

/// Sizes derived from the text size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Text size, px.
    pub font: f64,
    /// Line height.
    pub line: f64,
    /// Outer padding and gaps between boxes.
    pub pad: f64,
    /// A client box's height (three lines).
    pub client_h: f64,
    /// A broker's header height (four lines: name and leaderships, state, heartbeat, metadata
    /// offset and lag).
    pub header_h: f64,
    /// One log strip's height (a text line and the bar).
    pub strip_h: f64,
    /// The band for links between the client rows and the brokers.
    pub band: f64,
    /// The band under the brokers (replication arcs and consumer links).
    pub low_band: f64,
    /// Narrowest broker box in a row.
    pub min_broker_w: f64,
    /// Narrowest client box.
    pub min_client_w: f64,
}

impl Metrics {
    /// Sizes for text of `font` px.
    pub fn new(font: f64) -> Metrics {
        let line = (font * 1.35).round();
        Metrics {
            font,
            line,
            pad: (font * 0.8).round(),
            client_h: line * 3.0 + font * 0.8,
            header_h: line * 4.0 + font * 0.6,
            strip_h: (font * 2.5).round(),
            band: font * 4.5,
            low_band: font * 6.0,
            min_broker_w: font * 17.0,
            min_client_w: font * 11.0,
        }
    }
}

/// How consumers are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerBoxes {
    /// One box per consumer.
    Each,
    /// One box per group.
    Groups,
}

/// The topology's geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// Brokers stacked in a column (narrow view).
    pub column: bool,
    /// Producer boxes by index.
    pub producers: Vec<Rect>,
    /// The controller's box.
    pub controller: Rect,
    /// Broker boxes by id − 1.
    pub brokers: Vec<Rect>,
    /// Consumer boxes by index, or group boxes by group index.
    pub consumers: Vec<Rect>,
    /// Which of the two `consumers` holds.
    pub consumer_boxes: ConsumerBoxes,
    /// Sizes.
    pub m: Metrics,
}

/// The topology for `counts` in a view `width` px wide, or `None` when it does not fit
/// `max_height` (then the page shows the overview).
pub fn topology(counts: &Counts, width: f64, max_height: f64, font: f64) -> Option<Topology> {
    let m = Metrics::new(font);
    let column = width < m.min_broker_w * 2.0 + m.pad * 3.0 + m.font * 8.0;
    let boxes_fit =
        |n: usize, min_w: f64, avail: f64| n == 0 || (n as f64) * (min_w + m.pad) <= avail;
    let inner = width - 2.0 * m.pad;
    // Clients: every consumer in a box if they fit on one row, else one box per group.
    let consumer_boxes = if boxes_fit(counts.consumers, m.min_client_w, inner) {
        ConsumerBoxes::Each
    } else if boxes_fit(counts.groups, m.min_client_w, inner) {
        ConsumerBoxes::Groups
    } else {
        return None;
    };
    let n_bottom = match consumer_boxes {
        ConsumerBoxes::Each => counts.consumers,
        ConsumerBoxes::Groups => counts.groups,
    };
    if !boxes_fit(counts.producers + 1, m.min_client_w, inner) {
        return None;
    }
    let broker_h = m.header_h + counts.rows as f64 * m.strip_h + m.pad * 0.5;
    let top_h = m.client_h + if counts.transactional { m.line } else { 0.0 };
    let row_of = |n: usize, y: f64, x0: f64, avail: f64, max_w: f64| -> Vec<Rect> {
        if n == 0 {
            return Vec::new();
        }
        let w = ((avail - (n as f64 - 1.0) * m.pad) / n as f64).min(max_w);
        let used = n as f64 * w + (n as f64 - 1.0) * m.pad;
        let left = x0 + (avail - used) / 2.0;
        (0..n)
            .map(|i| Rect {
                x: left + i as f64 * (w + m.pad),
                y,
                w,
                h: m.client_h,
            })
            .collect()
    };
    // Top row: producers, then the controller at the right.
    // A transactional producer's badge needs a wider box (its transaction in words).
    let top_w = m.font * if counts.transactional { 26.0 } else { 22.0 };
    let mut top = row_of(counts.producers + 1, m.pad, m.pad, inner, top_w);
    for r in &mut top {
        r.h = top_h;
    }
    let controller = *top.last()?;
    let producers = top[..counts.producers].to_vec();
    let mut y = m.pad + top_h + m.band;
    let brokers: Vec<Rect> = if column {
        let lane_l = m.font * 1.5 + (counts.producers + 1) as f64 * 5.0;
        let lane_r = m.font * 1.5 + (n_bottom.min(12) + counts.brokers) as f64 * 5.0;
        let w = width - lane_l - lane_r - m.pad;
        if w < m.min_broker_w * 0.9 || counts.brokers > 8 {
            return None;
        }
        (0..counts.brokers)
            .map(|i| Rect {
                x: lane_l,
                y: y + i as f64 * (broker_h + m.pad * 2.0),
                w,
                h: broker_h,
            })
            .collect()
    } else {
        if !boxes_fit(counts.brokers, m.min_broker_w, inner) {
            return None;
        }
        let mut r = row_of(counts.brokers, y, m.pad, inner, m.font * 34.0);
        for b in &mut r {
            b.h = broker_h;
        }
        r
    };
    y = brokers.last().map(|b| b.bottom()).unwrap_or(y) + m.low_band;
    let mut consumers = row_of(n_bottom, y, m.pad, inner, m.font * 20.0);
    if column {
        // Below the brokers, in rows of two.
        let per_row = ((inner + m.pad) / (m.min_client_w + m.pad))
            .floor()
            .max(1.0) as usize;
        consumers = (0..n_bottom)
            .map(|i| {
                let cols = per_row.min(n_bottom);
                let w = (inner - (cols as f64 - 1.0) * m.pad) / cols as f64;
                Rect {
                    x: m.pad + (i % per_row) as f64 * (w + m.pad),
                    y: y + (i / per_row) as f64 * (m.client_h + m.pad),
                    w,
                    h: m.client_h,
                }
            })
            .collect();
    }
    // Below the brokers there is room for the replication arcs even without consumers.
    let height = consumers
        .iter()
        .map(|c| c.bottom())
        .fold(y - m.low_band * 0.4, f64::max)
        + m.pad;
    if height > max_height {
        return None;
    }
    Some(Topology {
        width,
        height,
        column,
        producers,
        controller,
        brokers,
        consumers,
        consumer_boxes,
        m,
    })
}

impl Topology {
    /// The box of an endpoint (consumers are looked up per consumer or per group, as drawn).
    pub fn rect(&self, e: Endpoint) -> Option<Rect> {
        match e {
            Endpoint::Controller => Some(self.controller),
            Endpoint::Broker(b) => self.brokers.get(b as usize - 1).copied(),
            Endpoint::Producer(i) => self.producers.get(i as usize).copied(),
            Endpoint::Consumer(i) => self.consumers.get(i as usize).copied(),
        }
    }

    /// The paths of `links`: anchors spread along the boxes' edges in the order of the far ends,
    /// so lines do not cross near a box.
    pub fn paths(&self, links: &[LinkSpec]) -> Vec<LinkPath> {
        // Anchor points: (endpoint, far end) → x (row) or y (column) on the edge used.
        let mut out = Vec::new();
        let spread = |ends: &mut Vec<(Endpoint, f64)>, lo: f64, hi: f64| -> Vec<(Endpoint, f64)> {
            ends.sort_by(|a, b| a.1.total_cmp(&b.1));
            let n = ends.len().max(1) as f64;
            ends.iter()
                .enumerate()
                .map(|(i, (e, _))| (*e, lo + (hi - lo) * (i as f64 + 0.5) / n))
                .collect()
        };
        // For each box, the far ends of its links on each side, sorted by the far end's position.
        let side_anchor = |me: Endpoint, upper: bool, far: Endpoint| -> Option<f64> {
            let r = self.rect(me)?;
            let mut ends: Vec<(Endpoint, f64)> = links
                .iter()
                .filter_map(|l| {
                    let other = if l.a == me {
                        l.b
                    } else if l.b == me {
                        l.a
                    } else {
                        return None;
                    };
                    let (is_upper, key) = self.side(me, other, l.kind);
                    (is_upper == upper).then_some((other, key))
                })
                .collect();
            let (lo, hi) = if self.column && matches!(me, Endpoint::Broker(_)) {
                (r.y + r.h * 0.15, r.y + r.h * 0.85)
            } else {
                (r.x + r.w * 0.12, r.x + r.w * 0.88)
            };
            spread(&mut ends, lo, hi)
                .into_iter()
                .find(|(e, _)| *e == far)
                .map(|(_, v)| v)
        };
        for l in links {
            let (Some(ra), Some(rb)) = (self.rect(l.a), self.rect(l.b)) else {
                continue;
            };
            let (a_upper, _) = self.side(l.a, l.b, l.kind);
            let (b_upper, _) = self.side(l.b, l.a, l.kind);
            let (Some(pa), Some(pb)) = (
                side_anchor(l.a, a_upper, l.b),
                side_anchor(l.b, b_upper, l.a),
            ) else {
                continue;
            };
            let path = if self.column {
                self.column_path(l, ra, rb, pa, pb)
            } else if l.kind == LinkKind::Replication {
                let (y0, y1) = (ra.bottom(), rb.bottom());
                let dist = ((rb.cx() - ra.cx()).abs() / (ra.w + self.m.pad)).max(1.0);
                let depth = self.m.low_band * (0.25 + 0.3 * (dist - 1.0).min(3.0) / 3.0) * 2.0;
                LinkPath {
                    spec: *l,
                    points: vec![(pa, y0), ((pa + pb) / 2.0, y0.max(y1) + depth), (pb, y1)],
                    curve: true,
                }
            } else {
                let ya = if a_upper { ra.y } else { ra.bottom() };
                let yb = if b_upper { rb.y } else { rb.bottom() };
                LinkPath {
                    spec: *l,
                    points: vec![(pa, ya), (pb, yb)],
                    curve: false,
                }
            };
            out.push(path);
        }
        out
    }

    /// Whether `me`'s link to `other` leaves from its upper (top, or left in a column) side, and
    /// the far end's position along that side (for ordering the anchors).
    fn side(&self, me: Endpoint, other: Endpoint, _kind: LinkKind) -> (bool, f64) {
        let o = self.rect(other).unwrap_or_default();
        let along = if self.column && matches!(me, Endpoint::Broker(_)) {
            o.y + o.h / 2.0
        } else {
            o.cx() + o.y * 1e-3
        };
        let upper = match me {
            Endpoint::Producer(_) | Endpoint::Controller => false,
            Endpoint::Consumer(_) => true,
            Endpoint::Broker(_) => matches!(other, Endpoint::Producer(_) | Endpoint::Controller),
        };
        (upper, along)
    }

    /// A link routed through the lanes beside a column of brokers.
    fn column_path(&self, l: &LinkSpec, ra: Rect, rb: Rect, pa: f64, pb: f64) -> LinkPath {
        let m = &self.m;
        let idx = |e: Endpoint| match e {
            Endpoint::Producer(i) | Endpoint::Consumer(i) => i as f64,
            Endpoint::Controller => 0.0,
            Endpoint::Broker(b) => b as f64,
        };
        let points = match l.kind {
            LinkKind::Produce | LinkKind::Controller => {
                // Down from the client, left into the lane, down to the broker, right into it.
                let lane = m.font * 0.8
                    + idx(l.a) * 5.0
                    + if l.kind == LinkKind::Controller {
                        0.0
                    } else {
                        5.0
                    };
                let y1 = ra.bottom() + m.band * 0.3 + idx(l.a) * 4.0;
                vec![
                    (pa, ra.bottom()),
                    (pa, y1),
                    (lane, y1),
                    (lane, pb),
                    (rb.x, pb),
                ]
            }
            LinkKind::Consume => {
                let lane = self.width - m.font * 0.8 - (idx(l.a) % 12.0) * 5.0;
                let y1 = ra.y - m.low_band * 0.3 - (idx(l.a) % 12.0) * 3.0;
                vec![
                    (pa, ra.y),
                    (pa, y1),
                    (lane, y1),
                    (lane, pb),
                    (rb.x + rb.w, pb),
                ]
            }
            LinkKind::Replication => {
                let x = ra.x + ra.w;
                let bulge = x + m.font * 1.2 + (idx(l.b) - idx(l.a)).abs() * 6.0;
                return LinkPath {
                    spec: *l,
                    points: vec![(x, pa), (bulge, (pa + pb) / 2.0), (x, pb)],
                    curve: true,
                };
            }
        };
        LinkPath {
            spec: *l,
            points,
            curve: false,
        }
    }
}

#[cfg(test)]
mod tests;
