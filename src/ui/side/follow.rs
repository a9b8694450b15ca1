//! Follow a record (issue 17 item 5): a key (`key-N`) and which of its records (0 = the first
//! lost one), and the record's journey up to the time shown, step by step with simulated times
//! ([`crate::view_model::follow`], the engine's journey module as `kafka-sim follow` uses it).

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::scenario::Scenario;
use crate::engine::time::SimTime;
use crate::i18n::{t, tf};
use crate::ui::state::use_page;
use crate::view_model::follow::{follow, outcome_text, step_text, FollowError, Followed};

/// Properties.
#[derive(Properties, PartialEq)]
pub struct FollowProps {
    /// The running scenario.
    pub scenario: Rc<Scenario>,
    /// The simulated time shown (the journey is replayed up to it).
    pub now: SimTime,
}

/// The panel.
#[function_component(FollowPanel)]
pub fn follow_panel(p: &FollowProps) -> Html {
    let l = use_page().lang;
    let key_ref = use_node_ref();
    let nth_ref = use_node_ref();
    let result = use_state(|| None::<Result<Followed, FollowError>>);
    // The inputs' text, kept in state (the panel re-renders every frame while the run plays).
    let asked = use_state(|| ("key-0".to_string(), "1".to_string()));
    let on_key = {
        let asked = asked.clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            asked.set((v, asked.1.clone()));
        })
    };
    let on_nth = {
        let asked = asked.clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            asked.set((asked.0.clone(), v));
        })
    };
    let onsubmit = {
        let (key_ref, nth_ref, result) = (key_ref.clone(), nth_ref.clone(), result.clone());
        let asked = asked.clone();
        let (scenario, now) = (p.scenario.clone(), p.now);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let key = value(&key_ref).trim().to_string();
            let nth_text = value(&nth_ref).trim().to_string();
            let nth = nth_text.parse::<usize>().unwrap_or(1);
            asked.set((key.clone(), nth_text));
            result.set(Some(follow(&scenario, &key, nth, now)));
        })
    };
    let body = match &*result {
        None => html! {},
        Some(Err(FollowError::Key(m))) => {
            html! { <p class="follow-error" role="alert">{ m.clone() }</p> }
        }
        Some(Err(FollowError::NoneSent)) => {
            html! { <p class="follow-error" role="alert">{ t(l, "follow.none_sent") }</p> }
        }
        Some(Err(FollowError::Past(n))) => {
            html! { <p class="follow-error" role="alert">{ tf(l, "follow.past", &[("n", n.to_string())]) }</p> }
        }
        Some(Ok(f)) => html! {
            <div class="journey">
                <p>{ tf(l, "follow.head", &[("nth", f.nth.to_string()), ("sent", f.sent.to_string()),
                    ("key", f.key.clone()), ("partition", f.partition.clone())]) }</p>
                <ol class="journey-steps">
                    { for f.steps.iter().map(|(at, s)| html! {
                        <li><span class="at">{ format!("{:.6} s", *at as f64 / 1e9) }</span>{ " " }{ step_text(l, s) }</li>
                    }) }
                </ol>
                <p class="journey-outcome">{ outcome_text(l, &f.outcome) }</p>
            </div>
        },
    };
    html! {
        <section class="follow panel" aria-label={t(l, "follow.title")}>
            <h2>{ t(l, "follow.title") }</h2>
            <form class="follow-form" {onsubmit}>
                <label class="field"><span class="label-text">{ t(l, "follow.key") }</span>
                    <input ref={key_ref} type="text" value={asked.0.clone()} oninput={on_key} size="8" aria-label={t(l, "follow.key")} /></label>
                <label class="field"><span class="label-text">{ t(l, "follow.nth") }</span>
                    <input ref={nth_ref} type="number" min="0" value={asked.1.clone()} oninput={on_nth} aria-label={t(l, "follow.nth")} /></label>
                <button type="submit">{ t(l, "follow.go") }</button>
            </form>
            { body }
        </section>
    }
}
