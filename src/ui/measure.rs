//! The width of an element, measured on mount, on window resize and when presentation mode
//! changes the page's grid (the charts and run B's view draw to it).

use yew::prelude::*;

/// The client width of the element behind `holder`, less `pad`, at least `min` px (`initial`
/// until measured); measured again on resize and whenever `presentation` changes.
#[hook]
pub fn use_width(holder: NodeRef, presentation: bool, pad: f64, min: f64, initial: f64) -> f64 {
    let width = use_state(|| initial);
    {
        let width = width.clone();
        use_effect_with(presentation, move |_| {
            let measure = move || {
                if let Some(el) = holder.cast::<web_sys::Element>() {
                    let w = (el.client_width() as f64 - pad).max(min);
                    if (w - *width).abs() >= 1.0 {
                        width.set(w);
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
    *width
}
