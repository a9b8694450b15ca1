//! The cluster drawn in SVG from a snapshot: producers left, brokers middle, consumers right.
//! Each broker lists its replicas: leader marked, ISR shown by colour and pattern, a log bar
//! with log end offset and high watermark. Clicking a broker crashes or restarts it.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::snapshot::ClusterSnapshot;
use crate::engine::Command;
use crate::i18n::{t, Lang};

fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Properties: the snapshot to draw and where commands go.
#[derive(Properties, Clone)]
pub struct ClusterViewProps {
    /// What to draw.
    pub snapshot: Rc<ClusterSnapshot>,
    /// Crash/restart/isolate clicks.
    pub on_command: Callback<Command>,
    /// Language.
    pub lang: Lang,
    /// Messages in flight: from, to, fraction travelled, kind.
    pub flows: Rc<
        Vec<(
            super::app::Slot,
            super::app::Slot,
            f64,
            crate::engine::protocol::MessageKind,
        )>,
    >,
}

impl PartialEq for ClusterViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot)
            && self.on_command == other.on_command
            && self.lang == other.lang
            && Rc::ptr_eq(&self.flows, &other.flows)
    }
}

const BROKER_W: f64 = 210.0;
const ROW_H: f64 = 22.0;
const LEFT: f64 = 190.0;

/// The cluster view.
#[function_component(ClusterView)]
pub fn cluster_view(p: &ClusterViewProps) -> Html {
    let snap = &p.snapshot;
    let l = p.lang;
    let n = snap.brokers.len().max(1) as f64;
    let max_rows = snap
        .brokers
        .iter()
        .map(|b| {
            snap.partitions
                .iter()
                .filter(|pt| pt.replicas.contains(&b.id))
                .count()
        })
        .max()
        .unwrap_or(0) as f64;
    let side_rows = (snap.producers.len() * 3).max(snap.consumers.len() * 2) as f64;
    let height = (70.0 + max_rows * ROW_H + 20.0).max(70.0 + side_rows * 16.0);
    let width = LEFT * 2.0 + n * BROKER_W;
    let broker_x = |id: u32| LEFT + (id as f64 - 1.0) * BROKER_W + 8.0;
    let mut brokers = Vec::new();
    for b in &snap.brokers {
        let x = broker_x(b.id);
        let down = !b.alive;
        let id = b.id;
        let alive = b.alive;
        let onclick = p.on_command.reform(move |_| {
            if alive {
                Command::CrashBroker { broker: id }
            } else {
                Command::RestartBroker { broker: id }
            }
        });
        let mut rows = Vec::new();
        let mut y = 62.0;
        for part in snap
            .partitions
            .iter()
            .filter(|pt| pt.replicas.contains(&b.id))
        {
            let rs = part.replica_states.iter().find(|r| r.broker == b.id);
            let leader = part.leader == Some(b.id);
            let in_isr = part.isr.contains(&b.id);
            let offline = part.leader.is_none();
            let leo = rs.map(|r| r.log_end_offset).unwrap_or(0);
            let max_leo = part
                .replica_states
                .iter()
                .map(|r| r.log_end_offset)
                .max()
                .unwrap_or(0)
                .max(1);
            let hw = part.high_watermark.min(leo);
            let bar_w = 70.0;
            let leo_w = bar_w * leo as f64 / max_leo as f64;
            let hw_w = bar_w * hw as f64 / max_leo as f64;
            let class = classes!(
                "replica",
                leader.then_some("leader"),
                (!in_isr).then_some("out-of-isr"),
                offline.then_some("offline")
            );
            rows.push(html! {
                <g class={class} transform={format!("translate({x},{y})")}>
                    <title>{ crate::i18n::tf(l, "view.replica_title", &[
                        ("tp", format!("{}-{}", part.topic, part.partition)),
                        ("b", b.id.to_string()),
                        ("role", t(l, if leader { "view.role_leader" } else { "view.role_follower" }).to_string()),
                        ("isr", t(l, if in_isr { "view.in_isr" } else { "view.out_of_isr" }).to_string()),
                        ("leo", leo.to_string()),
                        ("hw", part.high_watermark.to_string()),
                    ]) }</title>
                    <text x="6" y="14" class="rname">{ format!("{}{}-{}", if leader { "★ " } else { "" }, part.topic, part.partition) }</text>
                    <rect x="118" y="5" width={bar_w.to_string()} height="10" class="logbar" />
                    <rect x="118" y="5" width={format!("{leo_w:.1}")} height="10" class="leo" />
                    <rect x="118" y="5" width={format!("{hw_w:.1}")} height="10" class="hw" />
                </g>
            });
            y += ROW_H;
        }
        brokers.push(html! {
            <g class={classes!("broker", down.then_some("down"), b.fenced.then_some("fenced"))}
               data-broker={b.id.to_string()} {onclick} role="button"
               aria-label={format!("broker {} ({}) — click to {}", b.id, if down { "down" } else { "up" }, if down { "restart" } else { "crash" })}>
                <rect x={x.to_string()} y="8" width={(BROKER_W - 16.0).to_string()} height={(height - 16.0).to_string()} rx="8" class="box" />
                <text x={(x + 10.0).to_string()} y="32" class="bname">{ fill(t(l, "view.broker"), &[("b", b.id.to_string())]) }</text>
                <text x={(x + 10.0).to_string()} y="50" class="bstate">{
                    if down { t(l, "view.crashed").to_string() } else if b.fenced { t(l, "view.fenced").to_string() } else {
                        fill(t(l, "view.leads"), &[("n", snap.partitions.iter().filter(|pt| pt.leader == Some(b.id)).count().to_string())])
                    }
                }</text>
                { for rows }
            </g>
        });
    }
    let right = width - LEFT + 16.0;
    let producer_lines: Vec<Html> = snap
        .producers
        .iter()
        .enumerate()
        .map(|(i, pr)| {
            let y = 70.0 + i as f64 * 46.0;
            html! {
                <g class="producer">
                    <text x="18" y={(y + 28.0).to_string()} class="cstat">{ format!("acked {}", pr.acked) }</text>
                    <text x="18" y={y.to_string()} class="cname">{ format!("{} → {}", pr.id, pr.topic) }</text>
                    <text x="18" y={(y + 14.0).to_string()} class="cstat">{ format!("acks={} linger={}ms", pr.acks, pr.linger_ms) }</text>
                </g>
            }
        })
        .collect();
    let consumer_lines: Vec<Html> = snap
        .consumers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let y = 70.0 + i as f64 * 32.0;
            let lag: u64 = c.partitions.iter().map(|p| p.3).sum();
            let parts: Vec<String> = c.partitions.iter().map(|p| p.0.partition.to_string()).collect();
            html! {
                <g class={classes!("consumer", (!c.alive).then_some("down"))} data-consumer={c.index.to_string()}>
                    <text x={(right + 10.0).to_string()} y={y.to_string()} class="cname">{ format!("{} #{}{}", c.group_id, c.index, if c.alive { "" } else { " ✖" }) }</text>
                    <text x={(right + 10.0).to_string()} y={(y + 14.0).to_string()} class="cstat">{ format!("p[{}] lag {}", parts.join(","), lag) }</text>
                </g>
            }
        })
        .collect();
    let pos = |s: super::app::Slot| -> (f64, f64) {
        match s {
            super::app::Slot::Producer(i) => (LEFT - 16.0, 66.0 + i as f64 * 46.0),
            // The top edge of the broker box, above its name, so dots never cover the header.
            super::app::Slot::Broker(b) => (broker_x(b) + (BROKER_W - 16.0) / 2.0, 11.0),
            super::app::Slot::Consumer(i) => (right, 66.0 + i as f64 * 32.0),
        }
    };
    let dots: Vec<Html> = p
        .flows
        .iter()
        .map(|&(from, to, frac, kind)| {
            let (a, b) = (pos(from), pos(to));
            let (x, y) = (a.0 + (b.0 - a.0) * frac, a.1 + (b.1 - a.1) * frac);
            let class = format!(
                "dot {}",
                crate::engine::events::flow_label(kind).replace(' ', "-")
            );
            html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4" {class} /> }
        })
        .collect();
    let mut groups: Vec<String> = snap.consumers.iter().map(|c| c.group_id.clone()).collect();
    groups.dedup();
    html! {
        <div class="cluster-view">
            <svg viewBox={format!("0 0 {width} {height}")} width="100%" role="img" aria-label="Cluster view" class="cluster-svg">
                <g class="clients">
                    <rect x="8" y="8" width={(LEFT - 24.0).to_string()} height={(height - 16.0).to_string()} rx="8" class="box producers" />
                    <text x="18" y="32" class="bname">{ t(l, "view.producers") }</text>
                    { for producer_lines }
                    <rect x={right.to_string()} y="8" width={(LEFT - 24.0).to_string()} height={(height - 16.0).to_string()} rx="8" class="box consumers" />
                    <text x={(right + 10.0).to_string()} y="32" class="bname">{ t(l, "view.consumers") }</text>
                    { for consumer_lines }
                </g>
                { for brokers }
                <g class="flows">{ for dots }</g>
            </svg>
            <div class="legend">
                <span class="lg leader">{ t(l, "view.legend.leader") }</span>
                <span class="lg isr">{ t(l, "view.legend.isr") }</span>
                <span class="lg out">{ t(l, "view.legend.out") }</span>
                <span class="lg bar">{ t(l, "view.legend.bar") }</span>
                <span>{ fill(t(l, "view.health"), &[("u", snap.under_replicated.to_string()), ("o", snap.offline.to_string())]) }</span>
            </div>
            <div class="broker-actions">
                { for snap.brokers.iter().map(|b| {
                    let id = b.id;
                    html! {
                        <span class="broker-action">
                            <strong>{ fill(t(l, "view.broker"), &[("b", id.to_string())]) }{ ": " }</strong>
                            if b.alive {
                                <button onclick={p.on_command.reform(move |_| Command::CrashBroker { broker: id })}>{ t(l, "view.crash") }</button>
                                <button onclick={p.on_command.reform(move |_| Command::IsolateBroker { broker: id })}>{ t(l, "view.isolate") }</button>
                                <button onclick={p.on_command.reform(move |_| Command::SlowBroker { broker: id, disk_factor: 20.0, nic_factor: 1.0 })}>{ t(l, "view.slow") }</button>
                            } else {
                                <button onclick={p.on_command.reform(move |_| Command::RestartBroker { broker: id })}>{ t(l, "view.restart") }</button>
                            }
                        </span>
                    }
                }) }
                <button onclick={p.on_command.reform(|_| Command::HealNetwork)}>{ t(l, "view.heal") }</button>
            </div>
            if snap.brokers.len() <= 8 {
            <div class="broker-actions">
                <strong>{ t(l, "view.cut") }{ ": " }</strong>
                { for snap.brokers.iter().flat_map(|a| snap.brokers.iter().filter(move |b| b.id > a.id).map(move |b| (a.id, b.id))).map(|(a, b)| html! {
                    <button class="cut" onclick={p.on_command.reform(move |_| Command::CutLink { from: a, to: b, one_way: false })}>{ format!("{a} ✂ {b}") }</button>
                }) }
            </div>
            }
            <div class="broker-actions">
                { for groups.into_iter().map(|g| {
                    let g1 = g.clone();
                    let g2 = g.clone();
                    // The first live member, by its position in the group (start order).
                    let member = snap.consumers.iter().filter(|c| c.group_id == g).position(|c| c.alive).unwrap_or(0) as u32;
                    html! {
                        <span class="broker-action">
                            <strong>{ fill(t(l, "view.group"), &[("g", g.clone())]) }{ ": " }</strong>
                            <button onclick={p.on_command.reform(move |_| Command::CrashConsumer { group: g1.clone(), member })}>{ t(l, "view.crash_consumer") }</button>
                            <button onclick={p.on_command.reform(move |_| Command::AddConsumer { group: g2.clone() })}>{ t(l, "view.add_consumer") }</button>
                        </span>
                    }
                }) }
            </div>
        </div>
    }
}
