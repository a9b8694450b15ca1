//! The lesson panel: narration, the question to predict, and next / back / restart.

use yew::prelude::*;

use crate::i18n::{t, Lang};
use crate::lessons::Lesson;

/// Properties of the lesson panel.
#[derive(Properties, PartialEq, Clone)]
pub struct LessonPanelProps {
    /// Language.
    pub lang: Lang,
    /// The lesson's title key, step texts and questions (a copy of the lesson's script).
    pub title: &'static str,
    /// Narration key of the current step.
    pub text: &'static str,
    /// Question and answer keys of the current step.
    pub question: Option<(&'static str, &'static str)>,
    /// 0-based step and the step count.
    pub step: usize,
    /// Steps in the lesson.
    pub steps: usize,
    /// Whether the answer is shown.
    pub revealed: bool,
    /// Whether the step has an action that "next" will apply.
    pub has_action: bool,
    /// Next, back, restart, reveal.
    pub on_next: Callback<()>,
    /// Back.
    pub on_back: Callback<()>,
    /// Restart.
    pub on_restart: Callback<()>,
    /// Reveal the answer.
    pub on_reveal: Callback<()>,
}

/// Narration of the current lesson step.
#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonPanelProps) -> Html {
    let l = p.lang;
    let last = p.step + 1 >= p.steps;
    html! {
        <section class="lesson" aria-label={t(l, "ui.lesson")}>
            <h2>{ t(l, p.title) }</h2>
            <p class="lesson-step">{ format!("{} {}/{}", t(l, "ui.lesson.step"), p.step + 1, p.steps) }</p>
            <p class="narration">{ t(l, p.text) }</p>
            if let Some((q, a)) = p.question {
                <div class="question">
                    <strong>{ t(l, "ui.lesson.predict") }</strong>{ " " }{ t(l, q) }
                    if p.revealed {
                        <p class="answer">{ t(l, a) }</p>
                    } else {
                        <button class="reveal" onclick={p.on_reveal.reform(|_| ())}>{ t(l, "ui.lesson.reveal") }</button>
                    }
                </div>
            }
            <div class="lesson-nav">
                <button onclick={p.on_back.reform(|_| ())} disabled={p.step == 0}>{ t(l, "ui.lesson.back") }</button>
                if last {
                    <span class="done">{ t(l, "ui.lesson.done") }</span>
                } else {
                    <button class="next" onclick={p.on_next.reform(|_| ())}>{ t(l, "ui.lesson.next") }</button>
                }
                <button onclick={p.on_restart.reform(|_| ())}>{ t(l, "ui.lesson.restart") }</button>
            </div>
        </section>
    }
}

/// The script data the panel needs from a lesson step.
pub fn step_view(
    lesson: &Lesson,
    step: usize,
) -> (&'static str, Option<(&'static str, &'static str)>, bool) {
    lesson
        .steps
        .get(step)
        .map(|s| (s.text, s.question, s.action.is_some()))
        .unwrap_or(("ui.lesson.done", None, false))
}
