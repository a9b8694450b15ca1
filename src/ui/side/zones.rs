//! The zones panel (issue 20): cross-zone bytes per link class and their monthly price, live
//! (both runs in compare mode), and the scenario's risky settings with their reasons (the
//! function the CLI prints them with).

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::racks::CrossZone;
use crate::i18n::{t, tf};
use crate::ui::simulation::zones::ZonesView;
use crate::ui::state::use_page;
use crate::view_model::zones::{cross_rows, usd_text};

/// Properties.
#[derive(Properties, PartialEq)]
pub struct ZonesProps {
    /// Racks, cross-zone traffic and risks of run A.
    pub zones: Rc<ZonesView>,
    /// Cross-zone traffic of runs A and B (compare mode).
    pub ab: Option<(CrossZone, CrossZone)>,
}

/// The panel.
#[function_component(ZonesPanel)]
pub fn zones_panel(p: &ZonesProps) -> Html {
    let page = use_page();
    let l = page.lang;
    let z = &p.zones;
    let cross = match (&p.ab, &z.cross) {
        (Some((a, b)), _) => {
            let (ra, rb) = (cross_rows(a), cross_rows(b));
            html! {
                <table class="cross-zone" data-usd-a={format!("{:.4}", a.usd_per_month)} data-usd-b={format!("{:.4}", b.usd_per_month)}>
                    <thead><tr><th scope="col">{ t(l, "zones.class") }</th><th scope="col">{ "A" }</th><th scope="col">{ "B" }</th></tr></thead>
                    <tbody>
                        { for ra.iter().zip(&rb).map(|((k, x, _), (_, y, _))| html! {
                            <tr><th scope="row">{ t(l, k) }</th><td>{ x.clone() }</td><td>{ y.clone() }</td></tr>
                        }) }
                        <tr class="usd"><th scope="row">{ "$ / month" }</th><td>{ usd_text(a.usd_per_month) }</td><td>{ usd_text(b.usd_per_month) }</td></tr>
                    </tbody>
                </table>
            }
        }
        (None, Some(c)) => html! {
            <>
                <table class="cross-zone" data-usd={format!("{:.4}", c.usd_per_month)}>
                    <tbody>
                        { for cross_rows(c).iter().map(|(k, x, _)| html! {
                            <tr><th scope="row">{ t(l, k) }</th><td>{ x.clone() }</td></tr>
                        }) }
                    </tbody>
                </table>
                <p class="usd-month">{ tf(l, "zones.month", &[("usd", usd_text(c.usd_per_month))]) }</p>
            </>
        },
        (None, None) => html! { <p class="hint">{ t(l, "zones.none") }</p> },
    };
    html! {
        <section class="panel zones" aria-label="Zones">
            <h2>{ t(l, "zones.title") }</h2>
            <h3>{ t(l, "zones.cross") }</h3>
            { cross }
            <h3>{ t(l, "zones.risks") }</h3>
            if z.risks.is_empty() {
                <p class="hint">{ t(l, "zones.no_risks") }</p>
            } else {
                <ul class="risks">
                    { for z.risks.iter().map(|w| html! {
                        <li><code>{ w.path.clone() }</code>{ " " }{ w.message.clone() }</li>
                    }) }
                </ul>
            }
        </section>
    }
}
