//! The root: the page state in a reducer, provided as context, around the simulation.

use yew::prelude::*;

use super::simulation::Simulation;
use super::state::{PageContext, PageState};
use super::storage;

/// The page.
#[function_component(App)]
pub fn app() -> Html {
    let page = use_reducer(|| PageState::new(storage::load_lang()));
    html! {
        <ContextProvider<PageContext> context={page}>
            <Simulation />
        </ContextProvider<PageContext>>
    }
}
