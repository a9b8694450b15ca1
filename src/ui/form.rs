//! Uncontrolled form fields for the config forms. The page re-renders every animation frame;
//! a controlled `<input value=…>` would be reset to the rendered value on each frame, wiping
//! what the person is typing. These fields are filled from the scenario only when the scenario
//! changes, and read when the person applies them.

use yew::prelude::*;

/// Current text of an input (`"true"`/`"false"` for a checkbox) or select.
pub fn read(r: &NodeRef) -> Option<String> {
    if let Some(i) = r.cast::<web_sys::HtmlInputElement>() {
        return Some(if i.type_() == "checkbox" {
            i.checked().to_string()
        } else {
            i.value()
        });
    }
    r.cast::<web_sys::HtmlSelectElement>().map(|s| s.value())
}

/// Sets an input's text (a checkbox's state from `"true"`) or a select's value.
pub fn write(r: &NodeRef, value: &str) {
    if let Some(i) = r.cast::<web_sys::HtmlInputElement>() {
        if i.type_() == "checkbox" {
            i.set_checked(value == "true");
        } else {
            i.set_value(value);
        }
    } else if let Some(s) = r.cast::<web_sys::HtmlSelectElement>() {
        s.set_value(value);
    }
}

/// `n` node refs that stay the same across renders, and fills them with `values` whenever
/// `scenario_key` changes (and on the first render).
#[hook]
pub fn use_form_fields<K>(
    n: usize,
    scenario_key: K,
    values: Vec<String>,
) -> std::rc::Rc<Vec<NodeRef>>
where
    K: PartialEq + Clone + 'static,
{
    let refs = use_memo(n, |n| {
        (0..*n).map(|_| NodeRef::default()).collect::<Vec<_>>()
    });
    {
        let refs = refs.clone();
        use_effect_with(scenario_key, move |_| {
            for (r, v) in refs.iter().zip(&values) {
                write(r, v);
            }
        });
    }
    refs
}
