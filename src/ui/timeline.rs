//! The timeline's scrubber (issue 17): a range input over the run so far (`←`/`→` step 100 ms,
//! `Home`/`End` when focused; the page's own keys do the same when focus is elsewhere), markers
//! for faults, interventions, elections and rebalances above it, and branch A's stretch drawn
//! as a ghost. Moving it asks the simulation to show the run as it was then
//! ([`crate::view_model::timeline`]).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::cluster::lit;
use super::simulation::frame::TimelineView;
use super::simulation::{SimHandle, SimRequest};
use super::state::use_page;
use crate::engine::time::{ms, SimTime, MILLIS, SECONDS};
use crate::i18n::t;
use crate::view_model::session::MomentKind;

/// Marker columns across the track (one marker per kind and column is drawn).
const COLUMNS: u64 = 500;

/// Properties of the scrubber.
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// What to draw.
    pub view: Rc<TimelineView>,
    /// Lesson highlight targets (`timeline` marks the scrubber).
    pub highlight: AttrValue,
}

fn kind_class(k: MomentKind) -> (&'static str, &'static str) {
    match k {
        MomentKind::Fault => ("tl-fault", "ui.moment.fault"),
        MomentKind::Intervention => ("tl-intervention", "ui.moment.intervention"),
        MomentKind::Election => ("tl-election", "ui.moment.election"),
        MomentKind::Rebalance => ("tl-rebalance", "ui.moment.rebalance"),
    }
}

fn secs(t: SimTime) -> String {
    format!("{:.1} s", t as f64 / SECONDS as f64)
}

/// The scrubber.
#[function_component(TimelineBar)]
pub fn timeline_bar(p: &TimelineProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let v = &p.view;
    let end_ms = v.end / MILLIS;
    let now_ms = (v.now / MILLIS).min(end_ms);
    let oninput = {
        let sim = sim.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Ok(v) = input.value().parse::<u64>() else {
                return;
            };
            // The last step of the range (not always a whole 100 ms) is the run's end.
            let t = if v + 100 > end_ms {
                SimTime::MAX
            } else {
                ms(v)
            };
            sim.send(SimRequest::Seek(t));
        })
    };
    let go = |r: SimRequest| {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| sim.send(r.clone()))
    };
    // The scale covers branch A's future too; the range input covers the run so far.
    let span = v.end.max(v.ghost.map(|g| g.1).unwrap_or(0)).max(1);
    // Set through the CSSOM: the page's CSP refuses style attributes.
    let range_ref = use_node_ref();
    {
        let range_ref = range_ref.clone();
        let width = format!("{:.2}%", v.end as f64 / span as f64 * 100.0);
        use_effect_with(width, move |w| {
            if let Some(el) = range_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.style().set_property("width", w);
            }
        });
    }
    let x = |at: SimTime| (at.min(span) as f64 / span as f64 * 1000.0).clamp(0.0, 1000.0);
    // One marker per kind and column.
    let mut seen = std::collections::BTreeSet::new();
    let marks: Vec<Html> = v
        .moments
        .iter()
        .filter(|m| seen.insert((m.kind as u8, m.at.min(span) * COLUMNS / span)))
        .map(|m| {
            let (class, key) = kind_class(m.kind);
            let y = match m.kind {
                MomentKind::Fault | MomentKind::Intervention => 0.0,
                MomentKind::Election => 8.0,
                MomentKind::Rebalance => 14.0,
            };
            html! {
                <rect class={class} x={format!("{:.1}", x(m.at) - 1.5)} y={y.to_string()} width="3" height="6">
                    <title>{ format!("{} — {}", secs(m.at), t(l, key)) }</title>
                </rect>
            }
        })
        .collect();
    let ghost = v.ghost.map(|(from, end)| {
        html! {
            <rect class="tl-ghost" x={format!("{:.1}", x(from))} y="0" width={format!("{:.1}", (x(end) - x(from)).max(2.0))} height="20">
                <title>{ t(l, "ui.timeline_branch") }</title>
            </rect>
        }
    });
    let legend = [
        MomentKind::Fault,
        MomentKind::Intervention,
        MomentKind::Election,
        MomentKind::Rebalance,
    ]
    .into_iter()
    .map(|k| {
        let (class, key) = kind_class(k);
        html! { <span class="tl-key"><i class={classes!("tl-swatch", class)}></i>{ t(l, key) }</span> }
    });
    html! {
        <section class={classes!("timeline", v.rewound.then_some("rewound"), lit(&p.highlight, "timeline").then_some("lesson-highlight"))} aria-label={t(l, "ui.timeline_panel")}
            data-checkpoints={v.checkpoints.to_string()} data-checkpoint-bytes={v.checkpoint_bytes.to_string()}>
            <button class="tl-start" title={t(l, "ui.timeline_start")} aria-label={t(l, "ui.timeline_start")}
                onclick={go(SimRequest::Seek(0))}>{ "|◂" }</button>
            <button class="tl-back" title={t(l, "ui.timeline_back")} aria-label={t(l, "ui.timeline_back")}
                onclick={go(SimRequest::SeekBy(-(SECONDS as i64)))}>{ "◂ 1 s" }</button>
            <div class="tl-track">
                <svg class="tl-marks" viewBox="0 0 1000 20" preserveAspectRatio="none" aria-hidden="true">
                    { for ghost }
                    { for marks }
                </svg>
                <input type="range" ref={range_ref} aria-label={t(l, "ui.timeline")} min="0" max={end_ms.to_string()} step="100"
                    value={now_ms.to_string()} aria-valuetext={format!("{} / {}", secs(v.now), secs(v.end))}
                    {oninput} />
                <div class="tl-legend">{ for legend }</div>
            </div>
            <button class="tl-forward" title={t(l, "ui.timeline_forward")} aria-label={t(l, "ui.timeline_forward")}
                onclick={go(SimRequest::SeekBy(SECONDS as i64))} disabled={!v.rewound}>{ "1 s ▸" }</button>
            <span class="tl-time" data-now-us={(v.now / 1_000).to_string()}>{ format!("{} / {}", secs(v.now), secs(v.end)) }</span>
            <button class="tl-live" title={t(l, "ui.timeline_live_label")} aria-label={t(l, "ui.timeline_live_label")}
                onclick={go(SimRequest::Seek(SimTime::MAX))} disabled={!v.rewound}>{ t(l, "ui.timeline_live") }</button>
            if v.rewound {
                <p class="tl-note" role="status">{ t(l, "ui.timeline_rewound") }</p>
            }
        </section>
    }
}
