//! A panic must never leave a silently dead page: log it and show a red banner.

use wasm_bindgen::JsCast;

/// Installs a panic hook that logs to the console (console_error_panic_hook) and shows a fixed
/// banner with the message and a reload hint.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

/// Shows (or replaces) the error banner.
pub fn show(message: &str) {
    let doc = gloo::utils::document();
    let banner = match doc.get_element_by_id("panic-banner") {
        Some(b) => b,
        None => {
            let Ok(b) = doc.create_element("div") else {
                return;
            };
            b.set_id("panic-banner");
            b.set_class_name("fatal-banner");
            b.set_attribute("role", "alert").ok();
            if let Some(body) = doc.body() {
                body.prepend_with_node_1(&b).ok();
            }
            b
        }
    };
    if let Some(el) = banner.dyn_ref::<web_sys::HtmlElement>() {
        el.set_inner_text(&format!(
            "KafkaSim stopped because of an internal error: {message}"
        ));
    }
}
