//! Small marks on the nodes of the topology, read from the engine's snapshot: a transactional
//! producer's transaction badge (its `TransactionManager` state, KIP-98 / KIP-890) with a
//! tooltip naming its `transactional.id`, producer id and epoch and the partitions in the
//! transaction; and a broker's rack (`broker.rack`, KIP-36) inside its box.

use yew::prelude::*;

use super::strip::offset;
use crate::engine::txn::snapshot::{TxnSnapshot, TxnState};
use crate::i18n::{tf, Lang};

/// Estimated width of `s` at `font` px (ASCII narrower than CJK).
pub fn text_width(s: &str, font: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.05 })
        .sum::<f64>()
        * font
}

fn state_class(s: TxnState) -> &'static str {
    match s {
        TxnState::Initializing => "initializing",
        TxnState::Ready => "ready",
        TxnState::Open => "open",
        TxnState::Committing => "committing",
        TxnState::Aborting => "aborting",
        TxnState::Fenced => "fenced",
    }
}

/// The badge's words, longest first: the first that fits is drawn.
pub fn txn_badge_texts(lang: Lang, x: &TxnSnapshot) -> Vec<String> {
    let n = x.number.to_string();
    let args = [
        ("n", n.clone()),
        ("r", offset(x.records)),
        ("p", x.partitions.len().to_string()),
        ("c", offset(x.committed)),
        ("a", offset(x.aborted)),
    ];
    let keys: &[&str] = match x.state {
        TxnState::Initializing => &["view.txn.init", "view.txn.init_short"],
        TxnState::Ready => &["view.txn.ready", "view.txn.ready_short"],
        TxnState::Open if x.partitions.len() == 1 => {
            &["view.txn.open1", "view.txn.open_mid", "view.txn.open_short"]
        }
        TxnState::Open => &["view.txn.open", "view.txn.open_mid", "view.txn.open_short"],
        TxnState::Committing => &["view.txn.committing", "view.txn.committing_short"],
        TxnState::Aborting => &["view.txn.aborting", "view.txn.aborting_short"],
        TxnState::Fenced => &["view.txn.fenced", "view.txn.fenced_short"],
    };
    keys.iter().map(|k| tf(lang, k, &args)).collect()
}

/// The tooltip: `transactional.id`, producer id and epoch, the transaction's partitions (of
/// `topic`) and the group whose offsets it commits, and the producer's totals.
pub fn txn_tip(lang: Lang, x: &TxnSnapshot, topic: &str) -> String {
    let parts = if x.partitions.is_empty() {
        "—".to_string()
    } else {
        x.partitions
            .iter()
            .map(|p| format!("{topic}-{p}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut tip = tf(
        lang,
        "view.txn.tip",
        &[
            ("id", x.transactional_id.clone()),
            ("pid", x.producer_id.to_string()),
            ("e", x.epoch.to_string()),
            ("state", txn_badge_texts(lang, x).remove(0)),
            ("parts", parts),
            ("c", offset(x.committed)),
            ("a", offset(x.aborted)),
        ],
    );
    if let Some(g) = &x.offsets_group {
        tip.push_str(&tf(lang, "view.txn.tip_group", &[("g", g.clone())]));
    }
    tip
}

/// A transaction badge: a pill `w` px wide at most, its top at `y`, with the state in words
/// (the colour only repeats them).
pub fn txn_badge(lang: Lang, x0: f64, y: f64, w: f64, font: f64, x: &TxnSnapshot) -> Html {
    // The view's own text size: nothing under 12 px, or 20 px on a projector.
    let f = font;
    let pad = f * 0.5;
    let texts = txn_badge_texts(lang, x);
    let text = texts
        .iter()
        .find(|s| text_width(s, f) + 2.0 * pad <= w)
        .unwrap_or_else(|| texts.last().expect("a short text"))
        .clone();
    let bw = (text_width(&text, f) + 2.0 * pad).min(w);
    let h = (f * 1.3).round();
    html! {
        <g class={classes!("txn-badge", state_class(x.state))} data-state={state_class(x.state)}>
            <rect x={format!("{x0:.1}")} y={format!("{y:.1}")} width={format!("{bw:.1}")} height={format!("{h:.1}")} rx={format!("{:.1}", h / 2.0)} class="pill" />
            <text x={format!("{:.1}", x0 + pad)} y={format!("{:.1}", y + h * 0.76)} font-size={format!("{f}")}>{ text }</text>
        </g>
    }
}

/// A broker's rack as a small tag whose right edge is at `right` (baseline `y`).
pub fn rack_tag(lang: Lang, rack: &str, right: f64, y: f64, font: f64) -> Html {
    let f = font;
    let text = tf(lang, "view.rack", &[("r", rack.to_string())]);
    let pad = f * 0.4;
    let w = text_width(&text, f) + 2.0 * pad;
    let h = (f * 1.25).round();
    html! {
        <g class="rack-tag" data-rack={rack.to_string()}>
            <rect x={format!("{:.1}", right - w)} y={format!("{:.1}", y - h * 0.8)} width={format!("{w:.1}")} height={format!("{h:.1}")} rx="3" class="pill" />
            <text x={format!("{:.1}", right - pad)} y={format!("{y:.1}")} font-size={format!("{f}")} text-anchor="end">{ text }</text>
        </g>
    }
}

/// The rack tag's width at `font` px (what the state line must leave free).
pub fn rack_tag_width(lang: Lang, rack: &str, font: f64) -> f64 {
    let f = font;
    text_width(&tf(lang, "view.rack", &[("r", rack.to_string())]), f) + f * 0.8
}

/// The accessible words of a broker's rack (empty without racks).
pub fn rack_words(lang: Lang, rack: Option<&str>) -> String {
    rack.map(|r| format!(" {}", tf(lang, "view.rack_label", &[("r", r.to_string())])))
        .unwrap_or_default()
}
