//! The Yew page (wasm32 only): function components drawing what [`crate::view_model`] computes
//! from engine snapshots, metrics and the event stream. Page state is a `Reducible` in context
//! ([`state`]); one component owns the engine and its animation loop ([`simulation`]).

mod app;
mod charts;
mod cluster;
mod compare;
mod files;
mod form;
mod measure;
mod page_error;
mod panic_banner;
mod side;
mod simulation;
mod state;
mod storage;
mod timeline;
mod top_bar;

use wasm_bindgen::prelude::*;

pub use app::App;

/// Entry point: installs the panic hook (console + visible banner) and mounts the page.
#[wasm_bindgen(start)]
pub fn start() {
    // Loaded outside a page (e.g. the wasm benchmark in Node): nothing to mount.
    if web_sys::window().and_then(|w| w.document()).is_none() {
        return;
    }
    panic_banner::install();
    if let Some(root) = gloo::utils::document().get_element_by_id("app") {
        root.set_inner_html("");
        yew::Renderer::<App>::with_root(root).render();
    }
}
