//! The legend under the cluster view: every glyph, line style and dot shape the view uses,
//! with its meaning (the palette is colour-blind safe, and no meaning is carried by colour
//! alone).

use yew::prelude::*;

use crate::i18n::t;
use crate::ui::state::use_page;

/// The legend.
#[function_component(Legend)]
pub fn legend() -> Html {
    let l = use_page().lang;
    let item = |class: &'static str, glyph: &'static str, key: &'static str| {
        html! {
            <span class="lg"><span class={classes!("glyph", class)} aria-hidden="true">{ glyph }</span>{ t(l, key) }</span>
        }
    };
    html! {
        <div class="legend" aria-label={t(l, "view.legend")}>
            <div class="legend-row">
                <strong>{ t(l, "view.legend.strips") }</strong>
                { item("g-lead", "★", "view.legend.leader") }
                { item("g-bar", "■", "view.legend.bar") }
                { item("g-hw", "│", "view.legend.hw") }
                { item("g-fol", "▼", "view.legend.follower") }
                { item("g-gc", "△", "view.legend.committed") }
                { item("g-gp", "▲", "view.legend.position") }
                { item("g-warn", "✗", "view.legend.out") }
            </div>
            <div class="legend-row">
                <strong>{ t(l, "view.legend.links") }</strong>
                { item("g-l-produce", "━", "view.legend.produce") }
                { item("g-l-replication", "━", "view.legend.replication") }
                { item("g-l-consume", "━", "view.legend.consume") }
                { item("g-l-controller", "┅", "view.legend.controller") }
                { item("g-l-cut", "✂", "view.legend.cut") }
                { item("g-d-produce", "●", "view.legend.dot_produce") }
                { item("g-d-ack", "◆", "view.legend.dot_ack") }
                { item("g-d-group", "▲", "view.legend.dot_group") }
                { item("g-d-control", "■", "view.legend.dot_control") }
            </div>
        </div>
    }
}
