//! The Yew page (wasm32 only): a thin layer that reads engine snapshots and the event stream.

mod app;
mod charts;
mod cluster_view;
mod config_panel;
mod files;
mod form;
mod lesson_panel;
mod page_error;
mod panic_banner;
mod shape_panel;
mod storage;

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
