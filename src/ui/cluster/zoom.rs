//! A closer look from the overview: one broker's replicas, or one topic's partitions (each at its
//! leader, with the followers' and groups' positions), as log strips in columns.

use std::rc::Rc;

use yew::prelude::*;

use super::menu::Target;
use super::nodes::{broker_state, metadata_text, opener};
use super::strip::{strip, StripBox};
use crate::engine::snapshot::ClusterSnapshot;
use crate::i18n::{t, tf};
use crate::ui::state::{use_page, Action, Zoom};
use crate::view_model::layout::Metrics;
use crate::view_model::strips::partition_strips;

/// Properties of a zoomed view.
#[derive(Properties, PartialEq)]
pub struct ZoomProps {
    /// What to show.
    pub zoom: Zoom,
    /// The cluster now.
    pub snap: Rc<ClusterSnapshot>,
    /// Width available (px).
    pub width: f64,
    /// Text size.
    pub font: f64,
    /// Opens the broker's menu.
    pub on_open: Callback<Target>,
}

/// The zoomed view.
#[function_component(ZoomView)]
pub fn zoom_view(p: &ZoomProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let m = Metrics::new(p.font);
    let snap = &p.snap;
    let groups: Vec<String> = snap.groups.iter().map(|g| g.group_id.clone()).collect();
    // (label, partition index, replica broker)
    let (title, rows): (String, Vec<(String, usize, u32)>) = match &p.zoom {
        Zoom::Broker(b) => {
            let state = snap
                .brokers
                .iter()
                .find(|x| x.id == *b)
                .map(|x| format!("{} · {}", broker_state(l, x), metadata_text(l, x)))
                .unwrap_or_default();
            let rows: Vec<_> = snap
                .partitions
                .iter()
                .enumerate()
                .filter(|(_, pt)| pt.replicas.contains(b))
                .map(|(i, pt)| (format!("{}-{}", pt.topic, pt.partition), i, *b))
                .collect();
            (
                tf(
                    l,
                    "view.zoom_broker_title",
                    &[
                        ("b", b.to_string()),
                        ("state", state),
                        ("n", rows.len().to_string()),
                    ],
                ),
                rows,
            )
        }
        Zoom::Topic(name) => {
            let rows: Vec<_> = snap
                .partitions
                .iter()
                .enumerate()
                .filter(|(_, pt)| &pt.topic == name)
                .map(|(i, pt)| {
                    let at = pt
                        .leader
                        .or_else(|| pt.replicas.first().copied())
                        .unwrap_or(1);
                    (format!("{}-{} b{}", pt.topic, pt.partition, at), i, at)
                })
                .collect();
            (
                tf(
                    l,
                    "view.zoom_topic_title",
                    &[("t", name.clone()), ("n", rows.len().to_string())],
                ),
                rows,
            )
        }
        Zoom::None => (String::new(), Vec::new()),
    };
    let col_w = (p.font * 26.0).min(p.width - 2.0 * m.pad);
    let cols = (((p.width - m.pad) / (col_w + m.pad)).floor() as usize).max(1);
    let per_col = rows.len().div_ceil(cols).max(1);
    let height = per_col as f64 * m.strip_h + m.pad * 2.0;
    let strips = rows.iter().enumerate().map(|(k, (label, i, b))| {
        let pt = &snap.partitions[*i];
        let s = partition_strips(snap, pt);
        let ri = s.replicas.iter().position(|r| r.broker == *b).unwrap_or(0);
        let (col, row) = (k / per_col, k % per_col);
        strip(
            l,
            label,
            &s,
            ri,
            StripBox {
                x: m.pad + col as f64 * (col_w + m.pad),
                y: m.pad + row as f64 * m.strip_h,
                w: col_w,
                font: p.font,
            },
            &groups,
        )
    });
    let back = {
        let d = page.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Zoom(Zoom::None)))
    };
    let actions = if let Zoom::Broker(b) = &p.zoom {
        let onclick = opener(Target::Broker(*b), &p.on_open).onclick;
        html! { <button id={format!("node-broker-{b}")} {onclick}>{ tf(l, "view.actions_for", &[("b", b.to_string())]) }</button> }
    } else {
        html! {}
    };
    html! {
        <div class="zoom">
            <div class="zoom-head">
                <button class="back" onclick={back}>{ t(l, "view.back") }</button>
                <strong>{ title }</strong>
                { actions }
            </div>
            <svg class="cluster-svg zoom-svg" width={format!("{:.0}", p.width)} height={format!("{height:.0}")}
                 font-size={format!("{}", p.font)} role="group" aria-label={t(l, "view.zoomed")}>
                { for strips }
            </svg>
        </div>
    }
}
