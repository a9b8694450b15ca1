//! The cluster drawn in SVG from a snapshot: producers left, brokers middle, consumers right.
//! Each broker lists its replicas: leader marked, ISR shown by colour and pattern, a log bar
//! with log end offset and high watermark. Clicking a broker crashes or restarts it.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario::Command;
use crate::engine::snapshot::ClusterSnapshot;

/// Properties: the snapshot to draw and where commands go.
#[derive(Properties, Clone)]
pub struct ClusterViewProps {
    /// What to draw.
    pub snapshot: Rc<ClusterSnapshot>,
    /// Crash/restart/isolate clicks.
    pub on_command: Callback<Command>,
}

impl PartialEq for ClusterViewProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &other.snapshot) && self.on_command == other.on_command
    }
}

const BROKER_W: f64 = 210.0;
const ROW_H: f64 = 22.0;
const LEFT: f64 = 150.0;

/// The cluster view.
#[function_component(ClusterView)]
pub fn cluster_view(p: &ClusterViewProps) -> Html {
    let snap = &p.snapshot;
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
    let height = 70.0 + max_rows * ROW_H + 20.0;
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
                    <title>{ format!("{}-{} on broker {}: {}{}, LEO {leo}, HW {}", part.topic, part.partition, b.id,
                        if leader { "leader" } else { "follower" }, if in_isr { ", in ISR" } else { ", OUT of ISR" }, part.high_watermark) }</title>
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
                <text x={(x + 10.0).to_string()} y="32" class="bname">{ format!("broker {}", b.id) }</text>
                <text x={(x + 10.0).to_string()} y="50" class="bstate">{
                    if down { "✖ crashed".to_string() } else if b.fenced { "fenced by the controller".to_string() } else {
                        format!("leads {}", snap.partitions.iter().filter(|pt| pt.leader == Some(b.id)).count())
                    }
                }</text>
                { for rows }
            </g>
        });
    }
    let producers = snap.producers.len();
    let consumers = snap.consumers.len();
    html! {
        <div class="cluster-view">
            <svg viewBox={format!("0 0 {width} {height}")} width="100%" role="img" aria-label="Cluster view" class="cluster-svg">
                <g class="clients">
                    <rect x="8" y="8" width={(LEFT - 24.0).to_string()} height={(height - 16.0).to_string()} rx="8" class="box producers" />
                    <text x="18" y="32" class="bname">{ "producers" }</text>
                    <text x="18" y="52" class="bstate">{ format!("{producers} running") }</text>
                    <rect x={(width - LEFT + 16.0).to_string()} y="8" width={(LEFT - 24.0).to_string()} height={(height - 16.0).to_string()} rx="8" class="box consumers" />
                    <text x={(width - LEFT + 26.0).to_string()} y="32" class="bname">{ "consumers" }</text>
                    <text x={(width - LEFT + 26.0).to_string()} y="52" class="bstate">{ format!("{consumers} members") }</text>
                </g>
                { for brokers }
            </svg>
            <div class="legend">
                <span class="lg leader">{ "★ leader" }</span>
                <span class="lg isr">{ "in ISR" }</span>
                <span class="lg out">{ "out of ISR (hatched)" }</span>
                <span class="lg bar">{ "bar: log end offset, dark part: high watermark" }</span>
                <span>{ format!("under-replicated: {} · offline: {}", snap.under_replicated, snap.offline) }</span>
            </div>
            <div class="broker-actions">
                { for snap.brokers.iter().map(|b| {
                    let id = b.id;
                    html! {
                        <span class="broker-action">
                            <strong>{ format!("broker {id}: ") }</strong>
                            if b.alive {
                                <button onclick={p.on_command.reform(move |_| Command::CrashBroker { broker: id })}>{ "crash" }</button>
                                <button onclick={p.on_command.reform(move |_| Command::IsolateBroker { broker: id })}>{ "isolate" }</button>
                                <button onclick={p.on_command.reform(move |_| Command::SlowBroker { broker: id, disk_factor: 20.0, nic_factor: 1.0 })}>{ "slow disk" }</button>
                            } else {
                                <button onclick={p.on_command.reform(move |_| Command::RestartBroker { broker: id })}>{ "restart" }</button>
                            }
                        </span>
                    }
                }) }
                <button onclick={p.on_command.reform(|_| Command::HealNetwork)}>{ "heal network" }</button>
            </div>
        </div>
    }
}
