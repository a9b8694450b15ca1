//! The boxes of the topology: brokers with their log strips, producers, consumers (or their
//! groups) and the controller. Each is focusable and opens its actions menu on click,
//! right-click, Enter, Space or the context-menu key.

use yew::prelude::*;

use super::badges::{rack_tag, rack_tag_width, rack_words, txn_badge, txn_tip};
use super::menu::Target;
use super::strip::{offset, strip, StripBox};
use crate::engine::snapshot::{BrokerSnapshot, ClusterSnapshot};
use crate::engine::time::to_ms_f64;
use crate::i18n::{t, tf, Lang};
use crate::view_model::layout::Rect;
use crate::view_model::names::Names;
use crate::view_model::strips::PartitionStrips;

/// Whether `id` is among the space-separated lesson highlight targets.
pub fn lit(highlight: &str, id: &str) -> bool {
    highlight.split_whitespace().any(|h| h == id)
}

/// The handlers that open `target`'s menu: click, right-click, Enter, the context-menu key,
/// Shift+F10, and Space — on its release, as a button does, so that the release does not land
/// on the menu's first item once focus has moved there.
pub struct Opener {
    /// Click.
    pub onclick: Callback<MouseEvent>,
    /// Right-click.
    pub oncontextmenu: Callback<MouseEvent>,
    /// Enter, context-menu key, Shift+F10 (and Space's default prevented).
    pub onkeydown: Callback<KeyboardEvent>,
    /// Space released.
    pub onkeyup: Callback<KeyboardEvent>,
}

/// The handlers that open `target`'s menu through `on_open`.
pub fn opener(target: Target, on_open: &Callback<Target>) -> Opener {
    let emit = {
        let on_open = on_open.clone();
        move || on_open.emit(target.clone())
    };
    let (e1, e2, e3, e4) = (emit.clone(), emit.clone(), emit.clone(), emit);
    Opener {
        onclick: Callback::from(move |_: MouseEvent| e1()),
        oncontextmenu: Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            e2()
        }),
        onkeydown: Callback::from(move |e: KeyboardEvent| {
            let k = e.key();
            if k == " " {
                e.prevent_default();
            } else if k == "Enter" || k == "ContextMenu" || (k == "F10" && e.shift_key()) {
                e.prevent_default();
                e3();
            }
        }),
        onkeyup: Callback::from(move |e: KeyboardEvent| {
            if e.key() == " " {
                e.prevent_default();
                e4();
            }
        }),
    }
}

fn txt(x: f64, y: f64, class: &'static str, s: String) -> Html {
    html! { <text x={format!("{x:.1}")} y={format!("{y:.1}")} {class}>{ s }</text> }
}

/// Shortens `s` to about `width` px at `font` px (estimated), with an ellipsis.
pub fn fit(s: &str, width: f64, font: f64) -> String {
    let max = (width / (font * 0.58)).floor().max(1.0) as usize;
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A broker's state line, in words (not by colour).
pub fn broker_state(lang: Lang, b: &BrokerSnapshot) -> String {
    let mut parts = Vec::new();
    if !b.alive {
        parts.push(t(lang, "view.crashed").to_string());
    } else {
        parts.push(t(lang, "view.up").to_string());
    }
    if b.fenced {
        parts.push(t(lang, "view.fenced").to_string());
    }
    if b.isolated {
        parts.push(t(lang, "view.isolated").to_string());
    }
    if b.disk_factor > 1.0 {
        parts.push(tf(
            lang,
            "view.slow_disk",
            &[("f", format!("{}", b.disk_factor))],
        ));
    }
    if b.nic_factor > 1.0 {
        parts.push(tf(
            lang,
            "view.slow_nic",
            &[("f", format!("{:.0}", b.nic_factor))],
        ));
    }
    parts.join(" · ")
}

/// The broker's metadata offset (records of the metadata log its image on disk has applied)
/// and its lag behind the controller's log end.
pub fn metadata_text(lang: Lang, b: &BrokerSnapshot) -> String {
    tf(
        lang,
        "view.metadata",
        &[
            ("m", offset(b.metadata_offset)),
            ("lag", offset(b.metadata_lag)),
        ],
    )
}

/// The heartbeat line: time since the controller last heard the broker, and its epoch.
pub fn heartbeat_line(lang: Lang, b: &BrokerSnapshot, now: u64) -> String {
    let ago = to_ms_f64(now.saturating_sub(b.last_heartbeat)) / 1000.0;
    tf(
        lang,
        "view.heartbeat",
        &[
            ("s", format!("{ago:.1}")),
            ("e", b.broker_epoch.to_string()),
        ],
    )
}

/// Properties of a broker box.
pub struct BrokerBox<'a> {
    /// The broker.
    pub b: &'a BrokerSnapshot,
    /// Its box.
    pub r: Rect,
    /// Its replicas' strips: partition name, strips, index of this broker's replica.
    pub strips: Vec<(&'a str, &'a PartitionStrips, usize)>,
    /// Text size.
    pub font: f64,
    /// Strip height.
    pub strip_h: f64,
    /// Header height.
    pub header_h: f64,
    /// Group ids.
    pub groups: &'a [String],
    /// Now.
    pub now: u64,
}

/// A broker's box.
pub fn broker_box(lang: Lang, p: BrokerBox, highlight: &str, on_open: &Callback<Target>) -> Html {
    let BrokerBox { b, r, font, .. } = p;
    let line = (font * 1.35).round();
    let Opener {
        onclick,
        oncontextmenu,
        onkeydown,
        onkeyup,
    } = opener(Target::Broker(b.id), on_open);
    let leads = tf(
        lang,
        "view.tile_leads",
        &[
            ("n", b.leaders.to_string()),
            ("u", b.under_replicated.to_string()),
        ],
    );
    let label = tf(
        lang,
        "view.broker_label",
        &[
            ("b", b.id.to_string()),
            (
                "state",
                format!(
                    "{}{}",
                    broker_state(lang, b),
                    rack_words(lang, b.rack.as_deref())
                ),
            ),
            (
                "leads",
                tf(
                    lang,
                    "view.leads",
                    &[
                        ("n", b.leaders.to_string()),
                        ("u", b.under_replicated.to_string()),
                    ],
                ),
            ),
        ],
    );
    let class = classes!(
        "node",
        "broker",
        (!b.alive).then_some("down"),
        b.fenced.then_some("fenced"),
        b.isolated.then_some("isolated"),
        (b.disk_factor > 1.0 || b.nic_factor > 1.0).then_some("slow"),
        lit(highlight, &format!("broker:{}", b.id)).then_some("lesson-highlight")
    );
    let tx = r.x + font * 0.6;
    let inner = r.w - font * 1.2;
    // The rack, at the right of the state line: the state keeps the rest of the line.
    let rack_w = b
        .rack
        .as_deref()
        .map(|rk| rack_tag_width(lang, rk, font) + font * 0.5)
        .unwrap_or(0.0);
    let rack = b
        .rack
        .as_deref()
        .map(|rk| rack_tag(lang, rk, r.x + r.w - font * 0.6, r.y + line * 2.0, font));
    html! {
        <g {class} id={format!("node-broker-{}", b.id)} data-broker={b.id.to_string()} tabindex="0" role="button"
           aria-label={label} {onclick} {oncontextmenu} {onkeydown} {onkeyup}>
            <rect x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx="6" class="box" />
            { txt(tx, r.y + line, "title", fit(&tf(lang, "view.broker", &[("b", b.id.to_string())]), inner * 0.45, font * 1.1)) }
            <text x={format!("{:.1}", r.x + r.w - font * 0.6)} y={format!("{:.1}", r.y + line)} class="sub" text-anchor="end">{ fit(&leads, inner * 0.55, font) }</text>
            { txt(tx, r.y + line * 2.0, "state", fit(&broker_state(lang, b), inner - rack_w, font)) }
            { for rack }
            <title>{ format!("{} · {}", heartbeat_line(lang, b, p.now), metadata_text(lang, b)) }</title>
            { txt(tx, r.y + line * 3.0, "sub", fit(&heartbeat_line(lang, b, p.now), inner, font)) }
            { txt(tx, r.y + line * 4.0, if b.metadata_lag > 0 { "sub metadata behind" } else { "sub metadata" }, fit(&metadata_text(lang, b), inner, font)) }
            { for p.strips.iter().enumerate().map(|(i, (name, s, ri))| strip(
                lang, name, s, *ri,
                StripBox { x: tx, y: r.y + p.header_h + i as f64 * p.strip_h, w: inner, font },
                p.groups,
            )) }
        </g>
    }
}

/// A client or controller box: three lines of text, and `extra` drawn inside it (a producer's
/// transaction badge and tooltip; nothing for the others).
#[allow(clippy::too_many_arguments)]
pub fn client_box(
    r: Rect,
    font: f64,
    target: Target,
    lines: [String; 3],
    label: String,
    class: Classes,
    on_open: &Callback<Target>,
    extra: Html,
) -> Html {
    let line = (font * 1.35).round();
    let tx = r.x + font * 0.6;
    let inner = r.w - font * 1.2;
    let Opener {
        onclick,
        oncontextmenu,
        onkeydown,
        onkeyup,
    } = opener(target.clone(), on_open);
    let [a, b, c] = lines;
    html! {
        <g class={classes!("node", class)} id={target.dom_id()} tabindex="0" role="button" aria-label={label} {onclick} {oncontextmenu} {onkeydown} {onkeyup}>
            <rect x={format!("{:.1}", r.x)} y={format!("{:.1}", r.y)} width={format!("{:.1}", r.w)} height={format!("{:.1}", r.h)} rx="6" class="box" />
            { txt(tx, r.y + line, "title", fit(&a, inner, font * 1.05)) }
            { txt(tx, r.y + line * 2.0, "sub", fit(&b, inner, font)) }
            { txt(tx, r.y + line * 3.0, "sub", fit(&c, inner, font)) }
            { extra }
        </g>
    }
}

/// The lines and label of producer `i`.
pub fn producer_lines(lang: Lang, snap: &ClusterSnapshot, i: usize) -> ([String; 3], String) {
    let p = &snap.producers[i];
    let rpr = if p.requests.requests > 0 {
        p.requests.records as f64 / p.requests.requests as f64
    } else {
        0.0
    };
    let lines = [
        p.id.clone(),
        tf(
            lang,
            "view.producer_cfg",
            &[
                ("t", p.topic.clone()),
                ("acks", p.acks.clone()),
                ("l", p.linger_ms.to_string()),
            ],
        ),
        tf(
            lang,
            "view.producer_stats",
            &[("a", offset(p.acked)), ("r", format!("{rpr:.0}"))],
        ),
    ];
    let mut label = tf(
        lang,
        "view.producer_label",
        &[
            ("c", p.id.clone()),
            ("t", p.topic.clone()),
            ("acks", p.acks.clone()),
            ("l", p.linger_ms.to_string()),
        ],
    );
    if let Some(x) = &p.transaction {
        label = format!("{} {label}", txn_tip(lang, x, &p.topic));
    }
    (lines, label)
}

/// What producer `i`'s box holds under its three lines: its transaction badge on a fourth line
/// and the tooltip naming the transaction (nothing for a producer without `transactional.id`).
pub fn producer_extra(lang: Lang, snap: &ClusterSnapshot, i: usize, r: Rect, font: f64) -> Html {
    let p = &snap.producers[i];
    let Some(x) = &p.transaction else {
        return html! {};
    };
    let line = (font * 1.35).round();
    html! { <>
        <title>{ txn_tip(lang, x, &p.topic) }</title>
        { txn_badge(lang, r.x + font * 0.6, r.y + line * 3.0 + font * 0.45, r.w - font * 1.2, font, x) }
    </> }
}

/// The lines and label of consumer `i`.
pub fn consumer_lines(
    lang: Lang,
    snap: &ClusterSnapshot,
    names: &Names,
    i: usize,
) -> ([String; 3], String) {
    let c = &snap.consumers[i];
    let name = names.consumers.get(i).cloned();
    let label = name
        .as_ref()
        .map(|n| n.label.clone())
        .unwrap_or_else(|| names.consumer(i as u32));
    let member = name
        .and_then(|n| n.member_id)
        .unwrap_or_else(|| t(lang, "view.joining").to_string());
    let lag: u64 = c.partitions.iter().map(|p| p.3).sum();
    let parts: Vec<String> = c
        .partitions
        .iter()
        .map(|p| p.0.partition.to_string())
        .collect();
    let first = if c.alive {
        label.clone()
    } else {
        format!("{label} {}", t(lang, "view.crashed"))
    };
    let lines = [
        first,
        tf(lang, "view.member", &[("m", member.clone())]),
        tf(
            lang,
            "view.consumer_stats",
            &[
                (
                    "p",
                    if parts.is_empty() {
                        "—".into()
                    } else {
                        parts.join(",")
                    },
                ),
                ("lag", offset(lag)),
            ],
        ),
    ];
    let aria = tf(
        lang,
        "view.consumer_label",
        &[
            ("c", label),
            ("m", member),
            ("p", parts.join(", ")),
            ("lag", lag.to_string()),
        ],
    );
    (lines, aria)
}

/// The lines and label of group `g` drawn as one box.
pub fn group_lines(lang: Lang, snap: &ClusterSnapshot, g: usize) -> ([String; 3], String) {
    let gs = &snap.groups[g];
    let alive = gs
        .members
        .iter()
        .filter(|&&c| {
            snap.consumers
                .get(c as usize)
                .map(|x| x.alive)
                .unwrap_or(false)
        })
        .count();
    let lines = [
        tf(
            lang,
            "view.group_box",
            &[("g", gs.group_id.clone()), ("n", alive.to_string())],
        ),
        tf(lang, "view.records_lag", &[("n", offset(gs.records_lag))]),
        tf(
            lang,
            "view.committed_lag",
            &[("n", offset(gs.committed_lag))],
        ),
    ];
    let label = lines.join(", ");
    (lines, label)
}
