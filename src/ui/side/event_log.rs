//! The event log: what happened, newest first, clients by their one name; a polite live region
//! so screen readers announce new lines without interrupting.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::t;
use crate::ui::cluster::lit;
use crate::ui::simulation::frame::LogView;
use crate::ui::state::use_page;
use crate::view_model::event_log::describe;

/// Properties.
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// The entries.
    pub log: Rc<LogView>,
    /// Lesson highlight targets.
    pub highlight: AttrValue,
}

/// The log.
#[function_component(EventLog)]
pub fn event_log(p: &EventLogProps) -> Html {
    let l = use_page().lang;
    let lines: Vec<(f64, String, bool)> = p
        .log
        .entries
        .iter()
        .rev()
        .filter_map(|e| {
            describe(&p.log.topics, &p.log.names, &e.event, l).map(|(s, a)| (e.t, s, a))
        })
        .take(60)
        .collect();
    let class = classes!(
        "log",
        "panel",
        lit(&p.highlight, "log").then_some("lesson-highlight")
    );
    html! {
        <section {class} aria-label={t(l, "ui.event_log")}>
            <h2>{ t(l, "ui.event_log") }</h2>
            <ol role="log" aria-live="polite" aria-relevant="additions">
                { for lines.into_iter().map(|(ts, line, alert)| html! {
                    <li class={classes!(alert.then_some("alert"))}>
                        <span class="t">{ format!("{ts:.3} s") }</span>{ " " }
                        if alert { <span aria-hidden="true">{ "⚠ " }</span> }
                        { line }
                    </li>
                }) }
            </ol>
        </section>
    }
}
