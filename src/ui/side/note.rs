//! What the running scenario shows: its description (built-in ones in the page's language) and
//! the interventions recorded in it.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario::Scenario;
use crate::i18n::{t, tf};
use crate::ui::state::use_page;

/// Properties.
#[derive(Properties, PartialEq)]
pub struct NoteProps {
    /// The running scenario.
    pub scenario: Rc<Scenario>,
}

/// The description.
#[function_component(ScenarioNote)]
pub fn scenario_note(p: &NoteProps) -> Html {
    let l = use_page().lang;
    let key = format!("preset.{}", p.scenario.name);
    let text = match t(l, &key) {
        "" => p.scenario.description.clone(),
        s => s.to_string(),
    };
    html! {
        <section class="note panel" aria-label={t(l, "ui.about")}>
            <h2>{ tf(l, "ui.running", &[("s", p.scenario.name.clone())]) }</h2>
            <p>{ text }</p>
            if !p.scenario.faults.is_empty() {
                <p class="faults">{ tf(l, "ui.faults", &[("n", p.scenario.faults.len().to_string())]) }</p>
            }
        </section>
    }
}
