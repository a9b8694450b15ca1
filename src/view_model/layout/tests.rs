use super::*;
use crate::engine::time::ms;
use crate::engine::Engine;

fn snap(name: &str, at_ms: u64) -> ClusterSnapshot {
    let mut e = Engine::new(&crate::scenario_file::presets::preset(name).unwrap());
    e.run_until(ms(at_ms), u64::MAX);
    e.snapshot()
}

/// Every link stays out of every box but its own two ends' (checked at 200 points along it,
/// away from its ends), and no two boxes overlap.
fn assert_clear(t: &Topology, paths: &[LinkPath]) {
    // Every link stays inside the drawing.
    for p in paths {
        for k in 0..=50 {
            let (x, y) = p.at(k as f64 / 50.0);
            assert!(
                x >= 0.0 && x <= t.width && y >= 0.0 && y <= t.height,
                "{:?} leaves the drawing at ({x:.0}, {y:.0})",
                p.spec
            );
        }
    }
    let mut boxes: Vec<(Endpoint, Rect)> = vec![(Endpoint::Controller, t.controller)];
    boxes.extend(
        t.producers
            .iter()
            .enumerate()
            .map(|(i, r)| (Endpoint::Producer(i as u32), *r)),
    );
    boxes.extend(
        t.brokers
            .iter()
            .enumerate()
            .map(|(i, r)| (Endpoint::Broker(i as u32 + 1), *r)),
    );
    boxes.extend(
        t.consumers
            .iter()
            .enumerate()
            .map(|(i, r)| (Endpoint::Consumer(i as u32), *r)),
    );
    for (i, (_, a)) in boxes.iter().enumerate() {
        for (_, b) in &boxes[i + 1..] {
            assert!(!a.overlaps(b), "boxes overlap: {a:?} {b:?}");
        }
        assert!(a.x >= 0.0 && a.x + a.w <= t.width + 0.01 && a.bottom() <= t.height + 0.01);
    }
    assert!(!paths.is_empty());
    for p in paths {
        for k in 2..199 {
            let (x, y) = p.at(k as f64 / 200.0);
            for (e, r) in &boxes {
                if *e == p.spec.a || *e == p.spec.b {
                    continue;
                }
                let inside =
                    x > r.x + 1.0 && x < r.x + r.w - 1.0 && y > r.y + 1.0 && y < r.bottom() - 1.0;
                assert!(
                    !inside,
                    "{:?} passes through {e:?} at ({x:.0}, {y:.0})",
                    p.spec
                );
            }
        }
    }
}

#[test]
fn a_laptop_view_puts_brokers_in_a_row_and_no_link_crosses_a_box() {
    let s = snap("quickstart", 6_000);
    let t = topology(&Counts::of(&s), 860.0, 700.0, 12.0).expect("fits");
    assert!(!t.column);
    assert_eq!(t.brokers.len(), 3);
    assert!(t
        .brokers
        .windows(2)
        .all(|w| w[0].y == w[1].y && w[0].x < w[1].x));
    assert_eq!(t.consumer_boxes, ConsumerBoxes::Each);
    let links = links(&s, t.consumer_boxes);
    // Producer to each leader, 3 controller links, 3 replication pairs, consumers to leaders.
    assert_eq!(
        links
            .iter()
            .filter(|l| l.kind == LinkKind::Controller)
            .count(),
        3
    );
    assert_eq!(
        links
            .iter()
            .filter(|l| l.kind == LinkKind::Replication)
            .count(),
        3
    );
    assert_eq!(
        links.iter().filter(|l| l.kind == LinkKind::Produce).count(),
        3
    );
    assert_clear(&t, &t.paths(&links));
}

#[test]
fn a_phone_stacks_brokers_and_routes_links_beside_them() {
    let s = snap("quickstart", 6_000);
    let t = topology(&Counts::of(&s), 370.0, 5_000.0, 12.0).expect("fits on a phone");
    assert!(t.column);
    assert!(t
        .brokers
        .windows(2)
        .all(|w| w[0].x == w[1].x && w[0].bottom() < w[1].y));
    let links = links(&s, t.consumer_boxes);
    assert_clear(&t, &t.paths(&links));
}

#[test]
fn presentation_text_still_fits_a_projector() {
    let s = snap("isr-shrink", 3_000);
    let t = topology(&Counts::of(&s), 1880.0, 980.0, 20.0).expect("fits at 20 px");
    assert!(!t.column && t.m.font == 20.0);
    assert_clear(&t, &t.paths(&links(&s, t.consumer_boxes)));
}

#[test]
fn a_big_cluster_does_not_fit_and_goes_to_the_overview() {
    let c = Counts {
        producers: 4,
        brokers: 30,
        rows: 100,
        consumers: 80,
        groups: 4,
        transactional: false,
    };
    assert!(topology(&c, 1000.0, 700.0, 12.0).is_none());
    assert!(topology(&c, 370.0, 5000.0, 12.0).is_none());
}

#[test]
fn many_consumers_are_drawn_as_their_groups() {
    let s = snap("consumer-group-rebalance", 25_000);
    let c = Counts::of(&s);
    let t = topology(&c, 860.0, 2_000.0, 12.0).expect("fits");
    if c.consumers as f64 * (t.m.min_client_w + t.m.pad) > 860.0 {
        assert_eq!(t.consumer_boxes, ConsumerBoxes::Groups);
        assert_eq!(t.consumers.len(), c.groups);
    }
    assert_clear(&t, &t.paths(&links(&s, t.consumer_boxes)));
}

#[test]
fn without_consumers_the_replication_arcs_still_fit() {
    for brokers in [3, 5] {
        let sc = crate::engine::scenario::Scenario::cluster(brokers, 1, 10_000)
            .with_topic("t", 6, 3)
            .with_producer("p", "t", 1_000.0, 100, Default::default());
        let mut e = Engine::new(&sc);
        e.run_until(ms(2_000), u64::MAX);
        let s = e.snapshot();
        assert!(s.consumers.is_empty());
        let t = topology(&Counts::of(&s), 1_250.0, 900.0, 12.0).expect("fits");
        assert_clear(&t, &t.paths(&links(&s, t.consumer_boxes)));
    }
}

#[test]
fn points_along_a_path_go_from_a_to_b() {
    let p = LinkPath {
        spec: LinkSpec {
            a: Endpoint::Controller,
            b: Endpoint::Broker(1),
            kind: LinkKind::Controller,
        },
        points: vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)],
        curve: false,
    };
    assert_eq!(p.at(0.0), (0.0, 0.0));
    assert_eq!(p.at(0.5), (10.0, 0.0));
    assert_eq!(p.at(1.0), (10.0, 10.0));
    assert!(p.d().starts_with("M0.0,0.0 L10.0,0.0"));
}

#[test]
fn a_transactional_producer_gets_a_line_for_its_badge() {
    let s = snap("exactly-once", 2_000);
    let c = Counts::of(&s);
    assert!(c.transactional);
    for (w, h, font) in [(1250.0, 700.0, 12.0), (1880.0, 980.0, 20.0)] {
        let t = topology(&c, w, h, font).expect("fits");
        let plain = topology(
            &Counts {
                transactional: false,
                ..c.clone()
            },
            w,
            h,
            font,
        )
        .expect("fits");
        assert_eq!(t.producers[0].h, plain.producers[0].h + t.m.line);
        assert_eq!(t.controller.h, t.producers[0].h);
        assert_eq!(t.brokers[0].y, plain.brokers[0].y + t.m.line);
        assert_clear(&t, &t.paths(&links(&s, t.consumer_boxes)));
    }
}
