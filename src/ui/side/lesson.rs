//! The lesson panel: narration, the question to predict, and next / back / restart.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::t;
use crate::lessons::Lesson;
use crate::ui::simulation::{SimHandle, SimRequest};
use crate::ui::state::{use_page, Action};

/// Properties of the lesson panel.
#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// 0-based step.
    pub step: usize,
    /// Playing forward to the next step: `Some("")`, or `Some(kind)` while holding on a key
    /// event of that kind (`lesson.hold.KIND`).
    pub playing: Option<AttrValue>,
}

/// Narration of the current lesson step.
#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonProps) -> Html {
    let page = use_page();
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let l = page.lang;
    let steps = p.lesson.steps.len();
    let last = p.step + 1 >= steps;
    let Some(step) = p.lesson.steps.get(p.step) else {
        return html! {};
    };
    let send = |r: SimRequest| {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| sim.send(r.clone()))
    };
    html! {
        <section class="lesson panel" aria-label={t(l, "ui.lesson")} data-highlight={step.highlight.unwrap_or("")}>
            <h2>{ t(l, p.lesson.title) }</h2>
            <p class="lesson-step">{ format!("{} {}/{}", t(l, "ui.lesson.step"), p.step + 1, steps) }</p>
            <p class="narration">{ t(l, step.text) }</p>
            if let Some((q, a)) = step.question {
                <div class="question">
                    <strong>{ t(l, "ui.lesson.predict") }</strong>{ " " }{ t(l, q) }
                    if page.revealed {
                        <p class="answer">{ t(l, a) }</p>
                    } else {
                        <button class="reveal" onclick={{ let d = page.dispatcher(); Callback::from(move |_| d.dispatch(Action::Reveal)) }}>
                            { t(l, "ui.lesson.reveal") }
                        </button>
                    }
                </div>
            }
            if let Some(kind) = &p.playing {
                <p class="lesson-playing" role="status">
                    { format!("▶ {} {}/{}", t(l, "ui.lesson.playing"), p.step + 2, steps) }
                    if !kind.is_empty() {
                        <strong class="hold">{ " — " }{ t(l, &format!("lesson.hold.{kind}")) }</strong>
                    }
                </p>
            }
            <details class="glossary">
                <summary>{ t(l, "ui.glossary") }</summary>
                <dl>
                    { for crate::lessons::glossary::glossary(p.lesson.id).iter().map(|term| {
                        let text = t(l, &format!("term.{term}"));
                        let (name, definition) = text.split_once(" — ").unwrap_or((text, ""));
                        html! { <><dt>{ name }</dt><dd>{ definition }</dd></> }
                    }) }
                </dl>
            </details>
            <div class="lesson-nav">
                <button onclick={send(SimRequest::LessonBack)} disabled={p.step == 0}>{ t(l, "ui.lesson.back") }</button>
                if last {
                    <span class="done">{ t(l, "ui.lesson.done") }</span>
                } else {
                    if p.playing.is_none() {
                        <button class="next" onclick={send(SimRequest::LessonNext)}>{ t(l, "ui.lesson.next") }</button>
                    }
                    <button class="skip" onclick={send(SimRequest::LessonSkip)} title={t(l, "ui.lesson.skip_hint")}>{ t(l, "ui.lesson.skip") }</button>
                }
                <button onclick={send(SimRequest::LessonRestart)}>{ t(l, "ui.lesson.restart") }</button>
            </div>
        </section>
    }
}
