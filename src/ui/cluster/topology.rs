//! The topology: producers and the controller on top, brokers with their log strips, consumers
//! (or groups) below; every link its own line (cut links dashed and marked ✂, an isolated
//! broker's links all cut), and messages moving along the links, between the boxes, never over
//! their text.

use std::rc::Rc;

use yew::prelude::*;

use super::menu::Target;
use super::nodes::{
    broker_box, client_box, consumer_lines, group_lines, lit, opener, producer_extra,
    producer_lines, BrokerBox, Opener,
};
use crate::engine::protocol::MessageKind;
use crate::engine::snapshot::{ClusterSnapshot, Endpoint};
use crate::i18n::{t, tf, Lang};
use crate::view_model::flows::FlowDot;
use crate::view_model::layout::{ConsumerBoxes, LinkKind, LinkPath, Topology};
use crate::view_model::names::Names;
use crate::view_model::strips::{partition_strips_after, PartitionStrips};

/// Properties of the topology.
#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    /// Geometry.
    pub topo: Rc<Topology>,
    /// The cluster now.
    pub snap: Rc<ClusterSnapshot>,
    /// Messages in flight.
    pub flows: Rc<Vec<FlowDot>>,
    /// Client names.
    pub names: Rc<Names>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
    /// Language.
    pub lang: Lang,
    /// Opens an element's menu.
    pub on_open: Callback<Target>,
}

fn is_cut(snap: &ClusterSnapshot, a: Endpoint, b: Endpoint) -> bool {
    let isolated = |e: Endpoint| matches!(e, Endpoint::Broker(x) if snap.brokers.iter().any(|b| b.id == x && b.isolated));
    isolated(a)
        || isolated(b)
        || snap
            .cut_links
            .iter()
            .any(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
}

fn kind_class(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Produce => "produce",
        LinkKind::Replication => "replication",
        LinkKind::Consume => "consume",
        LinkKind::Controller => "controller",
    }
}

/// A message dot: its shape tells the kind (not only its colour).
fn dot(kind: MessageKind, x: f64, y: f64, r: f64) -> Html {
    let (class, shape) = match kind {
        MessageKind::Produce => ("produce", 'o'),
        MessageKind::ProduceAck => ("ack", 'd'),
        MessageKind::ReplicaFetch | MessageKind::FetchData => ("replica", 'o'),
        MessageKind::ConsumerFetch => ("fetch", 'o'),
        MessageKind::Group | MessageKind::Transaction => ("group", 't'),
        MessageKind::Metadata | MessageKind::Controller => ("control", 's'),
    };
    let class = format!("dot {class}");
    match shape {
        'd' => {
            html! { <polygon {class} points={format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", x, y - r, x + r, y, x, y + r, x - r, y)} /> }
        }
        't' => {
            html! { <polygon {class} points={format!("{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", x, y - r, x + r, y + r, x - r, y + r)} /> }
        }
        's' => {
            html! { <rect {class} x={format!("{:.1}", x - r * 0.8)} y={format!("{:.1}", y - r * 0.8)} width={format!("{:.1}", r * 1.6)} height={format!("{:.1}", r * 1.6)} /> }
        }
        _ => {
            html! { <circle {class} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} /> }
        }
    }
}

/// The topology drawing.
#[function_component(TopologyView)]
pub fn topology_view(p: &TopologyProps) -> Html {
    let (topo, snap, l) = (&p.topo, &p.snap, p.lang);
    let m = topo.m;
    let links = crate::view_model::layout::links(snap, topo.consumer_boxes);
    let paths: Vec<LinkPath> = topo.paths(&links);
    let groups: Vec<String> = snap.groups.iter().map(|g| g.group_id.clone()).collect();
    // Strips once per partition, shared by its replicas' boxes; each keeps its scale while it
    // fits (the spans of the previous frame).
    let spans = use_mut_ref(Vec::<u64>::new);
    let strips: Vec<(String, PartitionStrips)> = {
        let mut spans = spans.borrow_mut();
        spans.resize(snap.partitions.len(), 0);
        snap.partitions
            .iter()
            .zip(spans.iter_mut())
            .map(|(pt, span)| {
                let s = partition_strips_after(snap, pt, (*span > 0).then_some(*span));
                *span = s.window.span();
                (format!("{}-{}", pt.topic, pt.partition), s)
            })
            .collect()
    };
    // A consumer drawn inside its group's box when groups are drawn.
    let group_of: Vec<u32> = {
        let mut v = vec![0u32; snap.consumers.len()];
        for (gi, g) in snap.groups.iter().enumerate() {
            for &c in &g.members {
                if let Some(x) = v.get_mut(c as usize) {
                    *x = gi as u32;
                }
            }
        }
        v
    };
    let drawn = |e: Endpoint| match (e, topo.consumer_boxes) {
        (Endpoint::Consumer(c), ConsumerBoxes::Groups) => {
            Endpoint::Consumer(group_of.get(c as usize).copied().unwrap_or(0))
        }
        _ => e,
    };
    let link_views = paths.iter().map(|path| {
        let (a, b) = (path.spec.a, path.spec.b);
        let cut = is_cut(snap, a, b);
        let class = classes!("link", kind_class(path.spec.kind), cut.then_some("cut"));
        let d = path.d();
        let mid = path.at(0.5);
        let cut_mark = cut.then(|| html! {
            <text x={format!("{:.1}", mid.0)} y={format!("{:.1}", mid.1 + m.font * 0.4)} class="cut-mark" text-anchor="middle">{ "✂" }</text>
        });
        if let (LinkKind::Replication, Endpoint::Broker(x), Endpoint::Broker(y)) = (path.spec.kind, a, b) {
            let target = Target::Link(x, y);
            let Opener { onclick, oncontextmenu, onkeydown, onkeyup } = opener(target.clone(), &p.on_open);
            let label = tf(l, if cut { "view.link_cut" } else { "view.link" }, &[("a", x.to_string()), ("b", y.to_string())]);
            html! {
                <g {class} id={target.dom_id()} tabindex="0" role="button" aria-label={label} {onclick} {oncontextmenu} {onkeydown} {onkeyup}>
                    <path d={d.clone()} class="hit" />
                    <path {d} class="line" />
                    { for cut_mark }
                </g>
            }
        } else {
            html! { <g {class} aria-hidden="true"><path {d} class="line" />{ for cut_mark }</g> }
        }
    });
    let dots = p.flows.iter().filter_map(|f| {
        let (from, to) = (drawn(f.from), drawn(f.to));
        let (path, frac) = paths.iter().find_map(|x| {
            if x.spec.a == from && x.spec.b == to {
                Some((x, f.frac))
            } else if x.spec.a == to && x.spec.b == from {
                Some((x, 1.0 - f.frac))
            } else {
                None
            }
        })?;
        let (x, y) = path.at(frac);
        Some(dot(f.kind, x, y, m.font * 0.33))
    });
    let brokers = snap.brokers.iter().filter_map(|b| {
        let r = *topo.brokers.get(b.id as usize - 1)?;
        let mine: Vec<(&str, &PartitionStrips, usize)> = snap
            .partitions
            .iter()
            .zip(&strips)
            .filter_map(|(pt, (name, s))| {
                pt.replicas.contains(&b.id).then(|| {
                    let ri = s.replicas.iter().position(|x| x.broker == b.id)?;
                    Some((name.as_str(), s, ri))
                })?
            })
            .collect();
        Some(broker_box(
            l,
            BrokerBox {
                b,
                r,
                strips: mine,
                font: m.font,
                strip_h: m.strip_h,
                header_h: m.header_h,
                groups: &groups,
                now: snap.now,
            },
            &p.highlight,
            &p.on_open,
        ))
    });
    let producers = topo.producers.iter().enumerate().map(|(i, r)| {
        let (lines, label) = producer_lines(l, snap, i);
        let id = snap.producers[i].id.clone();
        let class = classes!(
            "producer",
            lit(&p.highlight, &format!("producer:{id}")).then_some("lesson-highlight")
        );
        client_box(
            *r,
            m.font,
            Target::Producer(i as u32),
            lines,
            label,
            class,
            &p.on_open,
            producer_extra(l, snap, i, *r, m.font),
        )
    });
    let consumers = topo
        .consumers
        .iter()
        .enumerate()
        .map(|(i, r)| match topo.consumer_boxes {
            ConsumerBoxes::Each => {
                let (lines, label) = consumer_lines(l, snap, &p.names, i);
                let c = &snap.consumers[i];
                let class = classes!(
                    "consumer",
                    (!c.alive).then_some("down"),
                    lit(&p.highlight, &format!("group:{}", c.group_id))
                        .then_some("lesson-highlight")
                );
                client_box(
                    *r,
                    m.font,
                    Target::Consumer(i as u32),
                    lines,
                    label,
                    class,
                    &p.on_open,
                    html! {},
                )
            }
            ConsumerBoxes::Groups => {
                let (lines, label) = group_lines(l, snap, i);
                let class = classes!(
                    "group",
                    lit(&p.highlight, &format!("group:{}", snap.groups[i].group_id))
                        .then_some("lesson-highlight")
                );
                client_box(
                    *r,
                    m.font,
                    Target::Group(i),
                    lines,
                    label,
                    class,
                    &p.on_open,
                    html! {},
                )
            }
        });
    let fenced = snap.brokers.iter().filter(|b| b.fenced).count();
    let ctrl_lines = [
        t(l, "view.controller").to_string(),
        tf(
            l,
            "view.controller_session",
            &[(
                "s",
                format!("{:.0}", snap.controller.session_timeout_ms as f64 / 1000.0),
            )],
        ),
        tf(
            l,
            "view.controller_fenced",
            &[
                ("n", fenced.to_string()),
                ("of", snap.brokers.len().to_string()),
            ],
        ),
    ];
    let ctrl_label = ctrl_lines.join(", ");
    html! {
        <svg class="cluster-svg" width={format!("{:.0}", topo.width)} height={format!("{:.0}", topo.height)}
             font-size={format!("{}", m.font)} role="group" aria-label={t(l, "view.topology")}>
            <defs>
                <pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <line x1="0" y1="0" x2="0" y2="8" class="hatch-line" />
                </pattern>
            </defs>
            <g class="links">{ for link_views }</g>
            { client_box(topo.controller, m.font, Target::Controller, ctrl_lines, ctrl_label, classes!("controller"), &p.on_open, html! {}) }
            { for producers }
            { for brokers }
            { for consumers }
            <g class="flows" aria-hidden="true">{ for dots }</g>
        </svg>
    }
}
