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
    // The built-in text (in the page's language) only for the preset's own description: a
    // scenario that merely carries a preset's name keeps its own.
    let key = format!("preset.{}", p.scenario.name);
    let builtin = crate::scenario_file::presets::preset(&p.scenario.name);
    let text = match t(l, &key) {
        s if !s.is_empty()
            && crate::view_model::slots::shows_preset_text(&p.scenario, builtin.as_ref()) =>
        {
            s.to_string()
        }
        _ => p.scenario.description.clone(),
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
