//! The cluster view, the page's main element (`aria-label="Cluster view"`): the topology when it
//! fits, else the overview, or a zoom into a broker or a topic; the actions menu of the element
//! the user picked; and the legend. It tells the simulation its size (the layout depends on it).

mod badges;
mod heat_map;
mod legend;
mod menu;
mod nodes;
mod overview;
mod strip;
mod topology;
mod zoom;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use self::legend::Legend;
use self::menu::{items, Act, ActionMenu, OpenMenu, Target};
pub use self::overview::Overview;
use self::topology::TopologyView;
use self::zoom::ZoomView;
use super::simulation::frame::Mode;
use super::simulation::{SimHandle, SimRequest};
use super::state::{use_page, Action, Zoom};
use crate::engine::snapshot::{ClusterSnapshot, OverviewSnapshot};
use crate::engine::time::SimTime;
use crate::i18n::{t, tf};
use crate::view_model::flows::FlowDot;
use crate::view_model::names::Names;

pub use nodes::lit;

/// Properties of the cluster view.
#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// Simulated time.
    pub frame_now: SimTime,
    /// Topology or overview.
    pub mode: Mode,
    /// The detailed snapshot.
    pub detail: Option<Rc<ClusterSnapshot>>,
    /// The overview snapshot.
    pub overview: Option<Rc<OverviewSnapshot>>,
    /// Messages in flight.
    pub flows: Rc<Vec<FlowDot>>,
    /// Client names.
    pub names: Rc<Names>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
    /// Racks and their brokers (empty without racks): a label per zone.
    #[prop_or_default]
    pub racks: Rc<Vec<(String, Vec<u32>)>>,
}

/// The menu's title: the target in words.
fn target_title(
    l: crate::i18n::Lang,
    target: &Target,
    names: &Names,
    detail: Option<&ClusterSnapshot>,
) -> String {
    match target {
        Target::Broker(b) => tf(l, "view.broker", &[("b", b.to_string())]),
        Target::Producer(i) => names.producer(*i),
        Target::Consumer(i) => names.consumer(*i),
        Target::Group(g) => detail
            .and_then(|d| d.groups.get(*g))
            .map(|x| tf(l, "view.group", &[("g", x.group_id.clone())]))
            .unwrap_or_default(),
        Target::Controller => t(l, "view.controller").to_string(),
        Target::Link(a, b) => tf(
            l,
            "view.link",
            &[("a", a.to_string()), ("b", b.to_string())],
        ),
    }
}

/// The zones of a cluster with racks, each with its brokers (nothing without racks).
pub fn zone_chips(l: crate::i18n::Lang, racks: &[(String, Vec<u32>)]) -> Html {
    if racks.is_empty() {
        return html! {};
    }
    html! {
        <ul class="zones-row" aria-label={t(l, "zones.label")}>
            { for racks.iter().map(|(r, ids)| {
                let ids = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
                html! {
                    <li class="zone-chip" data-rack={r.clone()}>{ tf(l, "zones.rack", &[("r", r.clone()), ("b", ids)]) }</li>
                }
            }) }
        </ul>
    }
}

/// Moves keyboard focus back to the element with `id` (an HTML or SVG element).
fn focus_by_id(id: &str) {
    if let Some(el) = gloo::utils::document().get_element_by_id(id) {
        if let Ok(f) = js_sys::Reflect::get(&el, &"focus".into()) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call0(&el);
            }
        }
    }
}

/// The cluster view.
#[function_component(ClusterView)]
pub fn cluster_view(p: &ClusterViewProps) -> Html {
    let page = use_page();
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let l = page.lang;
    let container = use_node_ref();
    let size = use_state(|| (0.0f64, 0.0f64));
    let menu = use_state(|| None::<OpenMenu>);
    // Measure the view and tell the simulation (on mount, on resize, and when presentation mode
    // changes the page's grid).
    {
        let container = container.clone();
        let sim = sim.clone();
        let size = size.clone();
        use_effect_with(page.presentation, move |&presentation| {
            let measure = move || {
                if let Some(el) = container.cast::<web_sys::Element>() {
                    let w = el.client_width() as f64 - 2.0;
                    let win = gloo::utils::window();
                    let inner = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
                        v.ok().and_then(|v| v.as_f64())
                    };
                    let narrow = inner(win.inner_width()).unwrap_or(1280.0) < 760.0;
                    // A phone scrolls the page: the view may be as tall as it needs. In
                    // presentation mode it may fill the screen under the bar.
                    let h = if narrow {
                        4_000.0
                    } else if presentation {
                        inner(win.inner_height()).unwrap_or(1080.0) - 110.0
                    } else {
                        // A short window still gets a topology it can scroll through.
                        (el.client_height() as f64 - 40.0).max(560.0)
                    };
                    if (w, h) != *size {
                        size.set((w, h));
                        sim.send(SimRequest::ViewSize(w, h));
                    }
                }
            };
            measure();
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| {
                    measure()
                });
            move || drop(listener)
        });
    }
    let on_open = {
        let menu = menu.clone();
        Callback::from(move |target: Target| menu.set(Some(OpenMenu { target })))
    };
    let close = {
        let menu = menu.clone();
        Callback::from(move |_: ()| {
            if let Some(m) = &*menu {
                focus_by_id(&m.target.dom_id());
            }
            menu.set(None);
        })
    };
    let on_choose = {
        let menu = menu.clone();
        let sim = sim.clone();
        let d = page.dispatcher();
        Callback::from(move |act: Act| {
            let back = (*menu).as_ref().map(|m| m.target.dom_id());
            menu.set(None);
            match act {
                Act::Command(c) => sim.send(SimRequest::Intervene(c)),
                Act::Zoom(z) => d.dispatch(Action::Zoom(z)),
            }
            if let Some(id) = back {
                focus_by_id(&id);
            }
        })
    };
    let width = size.0.max(300.0);
    let font = if page.presentation { 20.0 } else { 12.0 };
    let body = match (&page.zoom, &p.mode, &p.detail, &p.overview) {
        (z, _, Some(d), _) if *z != Zoom::None => html! {
            <ZoomView zoom={z.clone()} snap={d.clone()} {width} {font} on_open={on_open.clone()} />
        },
        (_, Mode::Topology(topo), Some(d), _) => html! {
            <TopologyView topo={topo.clone()} snap={d.clone()} flows={p.flows.clone()} names={p.names.clone()}
                highlight={p.highlight.clone()} lang={l} on_open={on_open.clone()} />
        },
        (_, _, _, Some(o)) => html! {
            <Overview over={o.clone()} {width} highlight={p.highlight.clone()} on_open={on_open.clone()} />
        },
        _ => html! {},
    };
    let menu_view = (*menu).as_ref().map(|m| {
        let its = Rc::new(items(l, &m.target, p.detail.as_deref(), p.overview.as_deref()));
        let title = tf(l, "menu.title", &[("x", target_title(l, &m.target, &p.names, p.detail.as_deref()))]);
        html! {
            <ActionMenu menu={m.clone()} items={its} title={AttrValue::from(title)} on_choose={on_choose.clone()}
                on_close={close.clone()} close_label={AttrValue::from(t(l, "menu.close"))} />
        }
    });
    // Transactions in the run: a transactional producer, or markers in a drawn log.
    let transactions = p.detail.as_deref().is_some_and(|d| {
        d.producers.iter().any(|x| x.transaction.is_some())
            || d.partitions.iter().any(|x| !x.markers.is_empty())
    });
    let class = classes!(
        "cluster",
        super::cluster::lit(&p.highlight, "cluster").then_some("lesson-highlight")
    );
    html! {
        <section {class} aria-label="Cluster view" ref={container}>
            { zone_chips(l, &p.racks) }
            <div class="cluster-scroll">{ body }</div>
            // A stable element around the menu: opening it must not re-create the drawing (and
            // lose the focus on the element it acts on).
            <div class="menu-slot">{ for menu_view }</div>
            <Legend {transactions} />
        </section>
    }
}
