//! The overview of a cluster too big to draw replica by replica: brokers as tiles (state in
//! words, leaders, under-replicated partitions, bytes in and out per second, heartbeat, metadata
//! offset and lag) and each topic's partitions as a heat map. A tile opens the broker's
//! menu (actions, zoom); a topic's name or heat map zooms into the topic.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::heat_map::HeatMap;
use super::menu::Target;
use super::nodes::{broker_state, lit, metadata_text, opener, Opener};
use super::strip::offset;
use crate::engine::snapshot::{OverviewSnapshot, PartitionCell};
use crate::engine::time::SimTime;
use crate::i18n::{t, tf, Lang};
use crate::ui::state::{use_page, Action, HeatMetric, Zoom};

/// Properties of the overview.
#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    /// The cluster in summary.
    pub over: Rc<OverviewSnapshot>,
    /// Width available (px).
    pub width: f64,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
    /// Opens a broker's menu.
    pub on_open: Callback<Target>,
}

/// Megabytes per second, short.
fn rate(bytes_per_s: f64) -> String {
    if bytes_per_s >= 10e6 {
        format!("{:.0}", bytes_per_s / 1e6)
    } else {
        format!("{:.1}", bytes_per_s / 1e6)
    }
}

/// A tile's heartbeat line: seconds since the controller last heard the broker.
fn tile_heartbeat(l: Lang, b: &crate::engine::snapshot::BrokerSnapshot, now: SimTime) -> String {
    let ago = now.saturating_sub(b.last_heartbeat) as f64 / 1e9;
    tf(l, "view.tile_heartbeat", &[("s", format!("{ago:.1}"))])
}

/// A tile's metadata: ✓ while the broker is caught up with the controller's metadata log, its
/// lag (−n records) once it is behind. A tile has no room for the offset: its tooltip and the
/// zoomed broker's title have offset and lag.
fn tile_metadata(l: Lang, b: &crate::engine::snapshot::BrokerSnapshot) -> String {
    if b.metadata_lag > 0 {
        tf(
            l,
            "view.tile_metadata_lag",
            &[("lag", offset(b.metadata_lag))],
        )
    } else {
        t(l, "view.tile_metadata").to_string()
    }
}

/// Bytes in/out per second of each broker, computed for the snapshot of this time.
type RatesAt = (SimTime, Vec<(f64, f64)>);

/// The overview.
#[function_component(Overview)]
pub fn overview(p: &OverviewProps) -> Html {
    let page = use_page();
    let l: Lang = page.lang;
    // Bytes in/out per second: from the previous overview a second or more ago. Computed once
    // per snapshot and kept: the view re-renders with the same snapshot in many frames (a
    // second render of a snapshot that had just become the base used to show 0.0).
    let prev: Rc<RefCell<Option<Rc<OverviewSnapshot>>>> = use_mut_ref(|| None);
    let cached: Rc<RefCell<RatesAt>> = use_mut_ref(|| (SimTime::MAX, Vec::new()));
    let rates: Vec<(f64, f64)> = if cached.borrow().0 == p.over.now {
        cached.borrow().1.clone()
    } else {
        let mut prev = prev.borrow_mut();
        let base = prev.clone().filter(|o| o.now < p.over.now);
        let dt = base
            .as_ref()
            .map(|b| (p.over.now - b.now) as f64 / 1e9)
            .unwrap_or(0.0);
        let out: Vec<(f64, f64)> = p
            .over
            .brokers
            .iter()
            .map(|b| {
                let before = base
                    .as_ref()
                    .and_then(|o| o.brokers.iter().find(|x| x.id == b.id));
                match (before, dt > 0.0) {
                    (Some(x), true) => (
                        b.bytes_in.saturating_sub(x.bytes_in) as f64 / dt,
                        b.bytes_out.saturating_sub(x.bytes_out) as f64 / dt,
                    ),
                    _ => (0.0, 0.0),
                }
            })
            .collect();
        const WINDOW: SimTime = 1_000_000_000;
        if base.is_none()
            || p.over
                .now
                .saturating_sub(base.as_ref().map(|b| b.now).unwrap_or(0))
                >= WINDOW
        {
            *prev = Some(p.over.clone());
        }
        *cached.borrow_mut() = (p.over.now, out.clone());
        out
    };
    let max_lag = p
        .over
        .topics
        .iter()
        .flat_map(|t| t.partitions.iter())
        .map(|c| match page.heat {
            HeatMetric::RecordsLag => c.records_lag,
            _ => c.committed_lag,
        })
        .max()
        .unwrap_or(0);
    let on_heat = {
        let d = page.dispatcher();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            d.dispatch(Action::Heat(match v.as_str() {
                "committed" => HeatMetric::CommittedLag,
                "records" => HeatMetric::RecordsLag,
                _ => HeatMetric::Isr,
            }))
        })
    };
    let tiles = p.over.brokers.iter().zip(&rates).map(|(b, (rin, rout))| {
        let Opener { onclick, oncontextmenu, onkeydown, onkeyup } = opener(Target::Broker(b.id), &p.on_open);
        let leads = tf(l, "view.leads", &[("n", b.leaders.to_string()), ("u", b.under_replicated.to_string())]);
        let state = broker_state(l, b);
        let rack_words = super::badges::rack_words(l, b.rack.as_deref());
        let label = tf(l, "view.broker_label", &[("b", b.id.to_string()), ("state", format!("{state}{rack_words}")), ("leads", leads.clone())]);
        let class = classes!(
            "tile",
            (!b.alive).then_some("down"),
            b.fenced.then_some("fenced"),
            b.isolated.then_some("isolated"),
            (b.under_replicated > 0).then_some("urp"),
            lit(&p.highlight, &format!("broker:{}", b.id)).then_some("lesson-highlight")
        );
        html! {
            <div {class} id={format!("node-broker-{}", b.id)} data-broker={b.id.to_string()} role="button" tabindex="0"
                 aria-label={label} {onclick} {oncontextmenu} {onkeydown} {onkeyup}>
                <div class="tile-title">{ tf(l, "view.broker", &[("b", b.id.to_string())]) }<span class="tile-state">{ format!(" · {state}") }</span>
                    if let Some(r) = &b.rack { <span class="tile-rack" data-rack={r.clone()}>{ tf(l, "view.rack", &[("r", r.clone())]) }</span> }
                </div>
                <div>{ tf(l, "view.tile_leads", &[("n", b.leaders.to_string()), ("u", b.under_replicated.to_string())]) }</div>
                <div>{ tf(l, "view.bytes", &[("i", rate(*rin)), ("o", rate(*rout))]) }</div>
                <div class="tile-sub" title={metadata_text(l, b)}><span class={classes!("metadata", (b.metadata_lag > 0).then_some("behind"))}>{ tile_metadata(l, b) }</span>{ " · " }{ tile_heartbeat(l, b, p.over.now) }</div>
            </div>
        }
    });
    let topics = p.over.topics.iter().map(|topic| {
        let cells: Rc<Vec<PartitionCell>> = Rc::new(topic.partitions.clone());
        let urp = topic.partitions.iter().filter(|c| c.isr < c.replicas).count();
        let offline = topic.partitions.iter().filter(|c| c.leader.is_none()).count();
        let lag: u64 = topic.partitions.iter().map(|c| c.committed_lag).sum();
        let summary = tf(
            l,
            "view.topic_summary",
            &[
                ("t", topic.name.clone()),
                ("n", topic.partitions.len().to_string()),
                ("u", urp.to_string()),
                ("o", offline.to_string()),
                ("lag", offset(lag)),
            ],
        );
        let zoom: Callback<()> = {
            let d = page.dispatcher();
            let name = topic.name.clone();
            Callback::from(move |_| d.dispatch(Action::Zoom(Zoom::Topic(name.clone()))))
        };
        html! {
            <div class="heat-topic">
                <button class="topic-zoom" onclick={zoom.reform(|_: MouseEvent| ())} aria-label={tf(l, "view.zoom_topic", &[("t", topic.name.clone())])}>{ summary.clone() }</button>
                <HeatMap cells={cells} metric={page.heat} max_lag={max_lag} width={p.width - 24.0}
                    label={AttrValue::from(summary)} on_click={zoom} />
            </div>
        }
    });
    html! {
        <div class="overview">
            <div class="tiles" aria-label={t(l, "view.brokers")}>{ for tiles }</div>
            <div class="heat-head">
                <strong>{ t(l, "view.partitions") }</strong>
                <label class="field">{ t(l, "view.heat_by") }
                    <select aria-label="Heat map colour" onchange={on_heat}>
                        <option value="isr" selected={page.heat == HeatMetric::Isr}>{ t(l, "view.heat.isr") }</option>
                        <option value="committed" selected={page.heat == HeatMetric::CommittedLag}>{ t(l, "view.heat.committed") }</option>
                        <option value="records" selected={page.heat == HeatMetric::RecordsLag}>{ t(l, "view.heat.records") }</option>
                    </select>
                </label>
                if page.heat == HeatMetric::Isr {
                    <span class="heat-legend">
                        <span class="sw isr-full"></span>{ t(l, "view.heat.full") }
                        <span class="sw isr-urp"></span>{ t(l, "view.heat.urp") }
                        <span class="sw isr-off"></span>{ t(l, "view.heat.offline") }
                    </span>
                } else {
                    <span class="heat-legend">
                        { "0 " }
                        { for (0..6).map(|i| html! { <span class={format!("sw s{i}")}></span> }) }
                        { format!(" {}", offset(max_lag)) }{ t(l, "view.heat.log_scale") }
                    </span>
                }
            </div>
            { for topics }
        </div>
    }
}
