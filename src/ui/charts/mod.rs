//! The charts beside the cluster: only those with something to show, each a canvas with its
//! legend (colour and line style, so not by colour alone) and a table alternative; in
//! presentation mode only the chart the lesson step points at.

mod canvas;

use std::rc::Rc;

use yew::prelude::*;

use super::cluster::lit;
use super::measure::use_width;
use super::simulation::frame::ChartsData;
use super::state::{use_page, Action};
use crate::i18n::{t, Lang};
use crate::view_model::event_log::command_short;
use crate::view_model::series::{
    chart, charts_for, table, ChartKind, ChartModel, Marker, RequestMetric,
};

/// Properties of the panel.
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// The data of each chart, in [`charts_for`] order.
    pub data: Rc<Vec<ChartsData>>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
}

/// The charts.
#[function_component(ChartsPanel)]
pub fn charts_panel(p: &ChartsProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let Some(first) = p.data.first() else {
        return html! {};
    };
    let on_metric = {
        let d = page.dispatcher();
        Callback::from(move |m: RequestMetric| d.dispatch(Action::RequestMetric(m)))
    };
    let charts: Vec<(ChartKind, ChartsData)> = charts_for(&first.ctx)
        .into_iter()
        .zip(p.data.iter().cloned())
        .map(|(k, d)| match k {
            ChartKind::Requests(_) => (ChartKind::Requests(page.request_metric), d),
            k => (k, d),
        })
        .filter(|(k, _)| !page.presentation || lit(&p.highlight, &format!("chart:{}", k.id())))
        .collect();
    if charts.is_empty() {
        return html! {};
    }
    html! {
        <section class="charts panel" aria-label={t(l, "ui.charts")}>
            <h2>{ t(l, "ui.charts") }</h2>
            { for charts.into_iter().map(|(kind, data)| html! {
                <ChartView {kind} {data} lang={l} presentation={page.presentation} on_metric={on_metric.clone()}
                    lit={lit(&p.highlight, &format!("chart:{}", kind.id()))} />
            }) }
        </section>
    }
}

/// Properties of one chart.
#[derive(Properties, PartialEq)]
pub struct ChartViewProps {
    /// Which.
    pub kind: ChartKind,
    /// The data.
    pub data: ChartsData,
    /// Language.
    pub lang: Lang,
    /// Presentation mode (larger text).
    pub presentation: bool,
    /// Highlighted by the lesson.
    pub lit: bool,
    /// The request chart's metric was chosen.
    pub on_metric: Callback<RequestMetric>,
}

fn value(v: f64) -> String {
    canvas::short_number(v)
}

/// One chart.
#[function_component(ChartView)]
pub fn chart_view(p: &ChartViewProps) -> Html {
    let canvas_ref = use_node_ref();
    let holder = use_node_ref();
    let width = use_width(holder.clone(), p.presentation, 0.0, 200.0, 380.0);
    let font = if p.presentation { 20.0 } else { 12.0 };
    let height = if p.presentation { 320.0 } else { 170.0 };
    // Recomputed only when the data (the same Rcs), the width or the language change.
    // Branch A's future, drawn grey behind the lines, and run B (compare mode), drawn dashed
    // over them: the same chart of their samples.
    let overlays: Rc<(Option<ChartModel>, Option<ChartModel>)> = use_memo(
        (
            p.data.ghost.clone(),
            p.data.b.clone(),
            p.data.ctx.clone(),
            width as i64,
            p.lang,
            p.kind,
        ),
        |(ghost, b, ctx, width, lang, kind)| {
            let of = |samples: &[crate::engine::metrics::Sample]| {
                (samples.len() >= 2)
                    .then(|| chart(*kind, samples, ctx, &[], *width as usize, *lang))
            };
            let ghost = ghost.as_ref().and_then(|(from, samples)| {
                let after: Vec<_> = samples.iter().filter(|s| s.t >= *from).cloned().collect();
                of(&after)
            });
            (ghost, b.as_ref().and_then(|b| of(b)))
        },
    );
    let model: Rc<ChartModel> = use_memo(
        (p.data.clone(), width as i64, p.lang, p.kind),
        |(data, width, lang, kind)| {
            let markers: Vec<Marker> = data
                .markers
                .iter()
                .map(|(t, c)| Marker {
                    t: *t,
                    label: command_short(c, *lang),
                })
                .collect();
            chart(
                *kind,
                &data.samples,
                &data.ctx,
                &markers,
                *width as usize,
                *lang,
            )
        },
    );
    {
        let canvas_ref = canvas_ref.clone();
        let model = model.clone();
        let overlays = overlays.clone();
        use_effect_with(
            (model.clone(), overlays.clone(), width as i64, font as i64),
            move |_| {
                if let Some(c) = canvas_ref.cast::<web_sys::HtmlCanvasElement>() {
                    let (ghost, b) = (overlays.0.as_ref(), overlays.1.as_ref());
                    if let Err(e) = canvas::draw(&c, &model, ghost, b, font) {
                        web_sys::console::warn_1(&format!("chart: {e}").into());
                    }
                }
            },
        );
    }
    let l = p.lang;
    let caption = p.kind.caption(l);
    let rows = table(&model);
    let summary = rows
        .iter()
        .map(|(n, last, ..)| format!("{n} {}", value(*last)))
        .collect::<Vec<_>>()
        .join(", ");
    let aria = format!("{caption}: {summary}");
    let metric_select = if let ChartKind::Requests(m) = p.kind {
        let on_metric = p.on_metric.clone();
        let on = Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            on_metric.emit(match v.as_str() {
                "batch-size-avg" => RequestMetric::BatchSizeAvg,
                "records-per-request-avg" => RequestMetric::RecordsPerRequestAvg,
                _ => RequestMetric::RequestRate,
            })
        });
        html! {
            <select class="metric" aria-label="Producer metric" onchange={on}>
                { for [RequestMetric::RequestRate, RequestMetric::BatchSizeAvg, RequestMetric::RecordsPerRequestAvg].iter().map(|x| html! {
                    <option value={x.name()} selected={*x == m}>{ x.name() }</option>
                }) }
            </select>
        }
    } else {
        html! {}
    };
    html! {
        <figure class={classes!("chart", p.lit.then_some("lesson-highlight"))} data-chart={p.kind.id()}
            data-b-series={overlays.1.as_ref().map_or(0, |m| m.series.len()).to_string()}
            data-until={format!("{:.1}", p.data.samples.last().map_or(0.0, |s| s.t))}>
            <figcaption>
                <span class="cap">{ caption.clone() }</span>
                { metric_select }
                if model.clipped_peak.is_some() {
                    <span class="clip-note">{ t(l, "chart.clipped") }</span>
                }
            </figcaption>
            <div class="canvas-holder" ref={holder}>
                <canvas ref={canvas_ref} width={format!("{:.0}", width)} height={format!("{height:.0}")}
                    role="img" aria-label={aria} class="chart-canvas"></canvas>
            </div>
            <ul class="chart-legend">
                { for model.series.iter().map(|s| html! {
                    <li><span class={classes!("swatch", format!("c{}", s.colour % 7), s.dashed.then_some("dashed"))} aria-hidden="true"></span>{ s.name.clone() }</li>
                }) }
                if overlays.1.is_some() {
                    <li class="ab-key a"><span class="swatch" aria-hidden="true"></span>{ t(l, "compare.legend_a") }</li>
                    <li class="ab-key b"><span class="swatch dashed" aria-hidden="true"></span>{ t(l, "compare.legend_b") }</li>
                }
                if overlays.0.is_some() {
                    <li class="ghost-key"><span class="swatch ghost" aria-hidden="true"></span>{ t(l, "ui.timeline_branch") }</li>
                }
            </ul>
            <details class="chart-table">
                <summary>{ t(l, "chart.table") }</summary>
                <table>
                    <thead><tr>
                        <th scope="col">{ t(l, "chart.series") }</th>
                        <th scope="col">{ t(l, "chart.now") }</th>
                        <th scope="col">{ t(l, "chart.min") }</th>
                        <th scope="col">{ t(l, "chart.max") }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|(n, last, min, max)| html! {
                            <tr><th scope="row">{ n.clone() }</th><td>{ value(*last) }</td><td>{ value(*min) }</td><td>{ value(*max) }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="smoothing">{ t(l, "chart.smoothing") }</p>
            </details>
        </figure>
    }
}
