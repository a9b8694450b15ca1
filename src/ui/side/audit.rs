//! The audit: every counter of the invariant checker's report (new counters appear without code
//! here: the label is `audit.NAME` when the page has one, else the field's name), and each
//! producer's delivery figures.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::{t, Lang};
use crate::ui::cluster::lit;
use crate::ui::simulation::frame::AuditView;
use crate::ui::state::use_page;

/// Properties.
#[derive(Properties, PartialEq)]
pub struct AuditProps {
    /// The audit.
    pub audit: Rc<AuditView>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
}

/// A counter's label.
fn label(l: Lang, name: &str) -> String {
    match t(l, &format!("audit.{name}")) {
        "" => name.replace('_', " "),
        s => s.to_string(),
    }
}

/// The audit panel.
#[function_component(AuditPanel)]
pub fn audit_panel(p: &AuditProps) -> Html {
    let l = use_page().lang;
    let class = classes!(
        "audit",
        "panel",
        lit(&p.highlight, "audit").then_some("lesson-highlight")
    );
    html! {
        <section {class} aria-label={t(l, "ui.audit")}>
            <h2>{ t(l, "ui.audit") }</h2>
            <ul class="badges">
                { for p.audit.counters.iter().map(|c| html! {
                    <li class={classes!("badge", c.bad.then_some("bad"))} data-counter={c.name.clone()}>
                        if c.bad { <span aria-hidden="true">{ "⚠ " }</span> }
                        { format!("{}: {}", label(l, &c.name), c.value) }
                    </li>
                }) }
            </ul>
            if !p.audit.producers.is_empty() {
                <table class="per-producer">
                    <caption>{ t(l, "ui.audit.per_producer") }</caption>
                    <thead><tr>
                        <th scope="col">{ "client.id" }</th>
                        <th scope="col">{ t(l, "ui.audit.acked") }</th>
                        <th scope="col">{ t(l, "ui.audit.failed") }</th>
                        <th scope="col">{ t(l, "ui.audit.retries") }</th>
                        <th scope="col">{ t(l, "ui.audit.duplicates") }</th>
                    </tr></thead>
                    <tbody>
                        { for p.audit.producers.iter().map(|a| html! {
                            <tr>
                                <th scope="row">{ a.client_id.clone() }</th>
                                <td>{ a.acked }</td><td>{ a.failed }</td><td>{ a.retries }</td>
                                <td class={classes!((a.duplicates > 0).then_some("bad"))}>{ a.duplicates }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
