//! The legend under the cluster view: every mark, line style and dot shape the view uses, drawn
//! as the view draws it (the same SVG classes), with its meaning. The palette is colour-blind
//! safe, and no meaning rests on colour alone (shapes, line styles and words differ too).

use yew::prelude::*;

use crate::i18n::t;
use crate::ui::state::use_page;

/// A key drawn like the view draws it.
fn key(kind: &str) -> Html {
    let shape = match kind {
        "lead" => return html! { <span class="key-text lead" aria-hidden="true">{ "★" }</span> },
        "bar" => html! { <>
            <rect x="1" y="4" width="16" height="6" class="logfill" />
            <rect x="1" y="4" width="10" height="6" class="committed" />
        </> },
        "hw" => html! { <line x1="9" x2="9" y1="1" y2="12" class="hw" /> },
        "fol" => html! { <polygon points="5,2 13,2 9,9" class="follower-pos" /> },
        "gc" => html! { <polygon points="5,11 13,11 9,3" class="group-committed c2" /> },
        "gp" => html! { <polygon points="5,11 13,11 9,3" class="group-position c2" /> },
        "warn" => return html! { <span class="key-text warn" aria-hidden="true">{ "✗" }</span> },
        "cut" => {
            html! { <g class="link cut"><line x1="0" x2="18" y1="6" y2="6" class="line" /></g> }
        }
        "d-produce" => html! { <circle cx="9" cy="6" r="4" class="dot produce" /> },
        "d-ack" => html! { <polygon points="9,2 13,6 9,10 5,6" class="dot ack" /> },
        "d-group" => html! { <polygon points="9,2 13,10 5,10" class="dot group" /> },
        "d-control" => html! { <rect x="5" y="2" width="8" height="8" class="dot control" /> },
        "lso" => html! { <line x1="9" x2="9" y1="1" y2="12" class="lso" /> },
        "commit" => html! { <>
            <rect x="1" y="4" width="16" height="6" class="logfill" />
            <rect x="8" y="4" width="3" height="6" class="txn-marker commit" />
        </> },
        "abort" => html! { <>
            <rect x="1" y="4" width="16" height="6" class="logfill" />
            <rect x="8" y="4" width="3" height="6" class="txn-marker abort" />
        </> },
        "txn" => {
            html! { <g class="txn-badge open"><rect x="0" y="2" width="18" height="9" rx="4.5" class="pill" /></g> }
        }
        link => {
            html! { <g class={classes!("link", link.to_string())}><line x1="0" x2="18" y1="6" y2="6" class="line" /></g> }
        }
    };
    html! { <svg class="key" width="18" height="12" aria-hidden="true">{ shape }</svg> }
}

/// Properties of the legend.
#[derive(Properties, PartialEq)]
pub struct LegendProps {
    /// The scenario has transactions (a transactional producer, or markers in a log): the
    /// strips' last stable offset and commit/abort markers and the producers' transaction
    /// badge get their keys.
    #[prop_or_default]
    pub transactions: bool,
}

/// The legend.
#[function_component(Legend)]
pub fn legend(p: &LegendProps) -> Html {
    let l = use_page().lang;
    let item = |kind: &'static str, text: &'static str| {
        html! {
            <span class="lg">{ key(kind) }{ t(l, text) }</span>
        }
    };
    html! {
        <div class="legend" aria-label={t(l, "view.legend")}>
            <div class="legend-row">
                <strong>{ t(l, "view.legend.strips") }</strong>
                { item("lead", "view.legend.leader") }
                { item("bar", "view.legend.bar") }
                { item("hw", "view.legend.hw") }
                { item("fol", "view.legend.follower") }
                { item("gc", "view.legend.committed") }
                { item("gp", "view.legend.position") }
                { item("warn", "view.legend.out") }
                if p.transactions {
                    <span class="lg txn-keys">{ key("lso") }{ t(l, "view.legend.lso") }</span>
                    <span class="lg txn-keys">{ key("commit") }{ t(l, "view.legend.commit") }</span>
                    <span class="lg txn-keys">{ key("abort") }{ t(l, "view.legend.abort") }</span>
                    <span class="lg txn-keys">{ key("txn") }{ t(l, "view.legend.txn_badge") }</span>
                }
            </div>
            <div class="legend-row">
                <strong>{ t(l, "view.legend.links") }</strong>
                { item("produce", "view.legend.produce") }
                { item("replication", "view.legend.replication") }
                { item("consume", "view.legend.consume") }
                { item("controller", "view.legend.controller") }
                { item("cut", "view.legend.cut") }
                { item("d-produce", "view.legend.dot_produce") }
                { item("d-ack", "view.legend.dot_ack") }
                { item("d-group", "view.legend.dot_group") }
                { item("d-control", "view.legend.dot_control") }
            </div>
        </div>
    }
}
