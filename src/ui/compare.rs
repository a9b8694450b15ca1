//! Compare mode's views (issue 17 item 4): run B's cluster beside run A's (compact: tiles and
//! heat map), and the table of the figures of the two reports that differ at the same simulated
//! time, computed by [`crate::view_model::compare`] (the function `kafka-sim compare` uses).

use std::rc::Rc;

use yew::prelude::*;

use super::cluster::{zone_chips, Overview};
use super::measure::use_width;
use super::simulation::compare::CompareView;
use super::state::use_page;
use crate::engine::time::to_ms_f64;
use crate::i18n::{t, tf};

/// Properties of the compare views.
#[derive(Properties, PartialEq)]
pub struct CompareProps {
    /// Run B and the differences.
    pub view: Rc<CompareView>,
}

/// Run B's cluster, compact.
#[function_component(RunBView)]
pub fn run_b_view(p: &CompareProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let holder = use_node_ref();
    let width = use_width(holder.clone(), page.presentation, 2.0, 240.0, 360.0);
    // B's tiles open no menu: actions are taken on run A's view and apply to both runs.
    let on_open = Callback::from(|_| ());
    html! {
        <section class="cluster run-b" aria-label="Run B" ref={holder}
            data-now={format!("{:.3}", to_ms_f64(p.view.now) / 1000.0)}>
            <h2 class="run-badge b">{ t(l, "compare.run_b") }</h2>
            { zone_chips(l, &p.view.racks) }
            <div class="cluster-scroll">
                if let Some(o) = &p.view.overview {
                    <Overview over={o.clone()} {width} highlight={AttrValue::from("")} {on_open} />
                }
            </div>
        </section>
    }
}

/// A figure's path with break opportunities after its dots (`latency_ms.<wbr>p99`).
fn figure(path: &str) -> Html {
    let parts: Vec<&str> = path.split('.').collect();
    let n = parts.len();
    html! {
        { for parts.into_iter().enumerate().map(|(i, part)| html! {
            <>{ part }if i + 1 < n { { "." }<wbr /> }</>
        }) }
    }
}

/// The differences of the two reports.
#[function_component(DiffPanel)]
pub fn diff_panel(p: &CompareProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let v = &p.view;
    html! {
        <section class="panel compare-diff" aria-label="A/B differences" data-rows={v.rows.len().to_string()}>
            <h2>{ t(l, "compare.title") }</h2>
            <p class="hint">{ t(l, "compare.same_seed") }</p>
            if v.rows.is_empty() {
                <p class="empty">{ t(l, "compare.none") }</p>
            } else {
                <p class="hint">{ tf(l, "compare.at", &[("t", format!("{:.3}", to_ms_f64(v.diff_at) / 1000.0))]) }</p>
                <div class="diff-scroll">
                    <table class="diff">
                        <thead><tr>
                            <th scope="col">{ t(l, "compare.figure") }</th>
                            <th scope="col">{ "A" }</th>
                            <th scope="col">{ "B" }</th>
                            <th scope="col">{ t(l, "compare.change") }</th>
                        </tr></thead>
                        <tbody>
                            { for v.rows.iter().map(|r| html! {
                                <tr><th scope="row">{ figure(&r[0]) }</th><td>{ r[1].clone() }</td><td>{ r[2].clone() }</td><td>{ r[3].clone() }</td></tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                if v.more > 0 {
                    <p class="hint">{ tf(l, "compare.more", &[("n", v.more.to_string())]) }</p>
                }
            }
        </section>
    }
}
