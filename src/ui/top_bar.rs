//! The bar above the cluster: playback (play/pause, step, reset, speed, the clock), what runs
//! (scenario, lesson, view), sharing and files, language and presentation mode; and the
//! messages under it. Controls are named as Kafka and the README name them (`Speed`,
//! "Share link", "Export report"), so screen readers and tests find them.

use std::rc::Rc;

use yew::prelude::*;

use super::simulation::{SimHandle, SimRequest};
use super::state::{use_page, Action, Notice, ViewChoice, SPEEDS};
use super::storage;
use crate::engine::time::{to_ms_f64, SimTime};
use crate::i18n::{t, tf, Lang};

/// Properties: what changes every frame, and the lists of the menus.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// Simulated time.
    pub now: SimTime,
    /// Simulated per wall time over the last frame.
    pub real_speed: f64,
    /// Engine ms per frame.
    pub engine_ms: f64,
    /// Render ms per frame (median, p95).
    pub render_ms: (f64, f64),
    /// The running scenario's name.
    pub scenario_name: AttrValue,
    /// Built-in scenarios.
    pub presets: Rc<Vec<&'static str>>,
    /// Lesson title keys.
    pub lessons: Rc<Vec<&'static str>>,
    /// Compare mode is on.
    #[prop_or_default]
    pub comparing: bool,
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// The bar.
#[function_component(TopBar)]
pub fn top_bar(p: &TopBarProps) -> Html {
    let page = use_page();
    let sim = use_context::<SimHandle>().expect("SimHandle");
    let l = page.lang;
    let d = page.dispatcher();
    let send = |r: SimRequest| {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| sim.send(r.clone()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            d.dispatch(Action::Speed(select_value(&e).parse().unwrap_or(2)))
        })
    };
    let on_preset = {
        let sim = sim.clone();
        Callback::from(move |e: Event| sim.send(SimRequest::Preset(select_value(&e))))
    };
    let on_lesson = {
        let sim = sim.clone();
        Callback::from(move |e: Event| sim.send(SimRequest::Lesson(select_value(&e).parse().ok())))
    };
    let on_view = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            d.dispatch(Action::View(if select_value(&e) == "overview" {
                ViewChoice::Overview
            } else {
                ViewChoice::Auto
            }))
        })
    };
    let on_lang = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let lang = Lang::from_tag(&select_value(&e));
            storage::save_lang(lang);
            d.dispatch(Action::Lang(lang));
        })
    };
    let import_input = use_node_ref();
    let on_import_click = {
        let input = import_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<web_sys::HtmlInputElement>() {
                i.click();
            }
        })
    };
    let on_import = {
        let sim = sim.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                let sim = sim.clone();
                let reader = gloo::file::callbacks::read_as_text(
                    &gloo::file::File::from(file),
                    move |res| {
                        sim.send(SimRequest::Import(res.unwrap_or_default()));
                    },
                );
                // The read finishes on its own; the handle only cancels it when dropped.
                std::mem::forget(reader);
            }
            input.set_value("");
        })
    };
    // Saved sessions: the name typed, the one chosen in the list.
    let slot_name_input = use_node_ref();
    let slot_select = use_node_ref();
    let on_save_slot = {
        let sim = sim.clone();
        let input = slot_name_input.clone();
        Callback::from(move |_: MouseEvent| {
            let typed = input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            let name = typed.trim().to_string();
            if !name.is_empty()
                && storage::slot_exists(&name)
                && !storage::confirm(&tf(l, "ui.session_overwrite", &[("name", name.clone())]))
            {
                return;
            }
            sim.send(SimRequest::SaveSlot(typed));
        })
    };
    let chosen = {
        let select = slot_select.clone();
        move || {
            select
                .cast::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .filter(|v| !v.is_empty())
        }
    };
    let on_open_slot = {
        let sim = sim.clone();
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(name) = chosen() {
                sim.send(SimRequest::OpenSlot(name));
            }
        })
    };
    let on_delete_slot = {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(name) = chosen() {
                if storage::confirm(&tf(
                    l,
                    "ui.session_delete_confirm",
                    &[("name", name.clone())],
                )) {
                    sim.send(SimRequest::DeleteSlot(name));
                }
            }
        })
    };
    let lesson_index = page.lesson.map(|(i, _)| i);
    let known = p.presets.iter().any(|n| *n == p.scenario_name.as_str());
    html! {
        <header class="top">
            <div class="bar" role="toolbar" aria-label={t(l, "ui.controls")}>
                <h1>{ t(l, "ui.title") }</h1>
                <button class="play" aria-pressed={(!page.playing).to_string()} title={t(l, "ui.key_space")}
                    onclick={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Action::TogglePlay)) }}>
                    { if page.playing { t(l, "ui.pause") } else { t(l, "ui.play") } }
                </button>
                <button class="step" onclick={send(SimRequest::Step)} title="→">{ t(l, "ui.step") }</button>
                <button class="reset" onclick={send(SimRequest::Reset)}>{ t(l, "ui.reset") }</button>
                <label class="field"><span class="label-text">{ t(l, "ui.speed") }</span>
                    <select onchange={on_speed} aria-label="Speed">
                        { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == page.speed}>
                                { if *s == 0.0 { t(l, "ui.speed_max").to_string() } else { format!("{s}×") } }
                            </option>
                        }) }
                    </select>
                </label>
                <span class="clock" aria-live="off">{ format!("t = {:.3} s", to_ms_f64(p.now) / 1000.0) }</span>
                <span class="speed">{ tf(l, "ui.real_speed_x", &[("x", format!("{:.1}", p.real_speed))]) }</span>
                <span class="perf" data-frame-ms={format!("{:.2}", p.engine_ms)}
                    data-render-ms={format!("{:.2}", p.render_ms.0)} data-render-p95={format!("{:.2}", p.render_ms.1)}>
                    { tf(l, "ui.perf", &[("e", format!("{:.1}", p.engine_ms)), ("r", format!("{:.1}", p.render_ms.0))]) }
                </span>
                <span class="spacer"></span>
                <label class="field scenario-field"><span class="label-text">{ t(l, "ui.scenario") }</span>
                    <select onchange={on_preset} aria-label="Preset scenario">
                        if !known {
                            <option selected=true value="">{ p.scenario_name.clone() }</option>
                        }
                        { for p.presets.iter().map(|n| html! {
                            <option value={*n} selected={*n == p.scenario_name.as_str()}>{ *n }</option>
                        }) }
                    </select>
                </label>
                <label class="field"><span class="label-text">{ t(l, "ui.lesson") }</span>
                    <select onchange={on_lesson} aria-label="Lesson">
                        <option value="" selected={lesson_index.is_none()}>{ t(l, "ui.lesson.none") }</option>
                        { for p.lessons.iter().enumerate().map(|(i, title)| html! {
                            <option value={i.to_string()} selected={lesson_index == Some(i)}>{ t(l, title) }</option>
                        }) }
                    </select>
                </label>
                <label class="field view-field"><span class="label-text">{ t(l, "ui.view") }</span>
                    <select onchange={on_view} aria-label="View">
                        <option value="auto" selected={page.view == ViewChoice::Auto}>{ t(l, "ui.view.auto") }</option>
                        <option value="overview" selected={page.view == ViewChoice::Overview}>{ t(l, "ui.view.overview") }</option>
                    </select>
                </label>
                <button class="share" onclick={send(SimRequest::Share)}>{ t(l, "ui.share") }</button>
                <button class="compare" aria-pressed={p.comparing.to_string()} onclick={send(SimRequest::Compare(!p.comparing))}>
                    { if p.comparing { t(l, "ui.compare_leave") } else { t(l, "ui.compare") } }
                </button>
                <details class="files">
                    <summary>{ t(l, "ui.files") }</summary>
                    <div class="files-menu">
                        <button onclick={on_import_click}>{ t(l, "ui.import") }</button>
                        <input ref={import_input} class="visually-hidden" tabindex="-1" aria-hidden="true" type="file"
                            accept=".json,application/json" aria-label={t(l, "ui.import")} onchange={on_import} />
                        <button onclick={send(SimRequest::ExportScenario)}>{ t(l, "ui.export_scenario") }</button>
                        <button onclick={send(SimRequest::ExportReport)}>{ t(l, "ui.export_report") }</button>
                        <button onclick={send(SimRequest::ExportCsv)}>{ t(l, "ui.export_csv") }</button>
                    </div>
                </details>
                <details class="sessions">
                    <summary>{ t(l, "ui.sessions") }</summary>
                    <div class="files-menu sessions-menu">
                        <label class="field"><span class="label-text">{ t(l, "ui.session_name") }</span>
                            <input ref={slot_name_input} type="text" maxlength="80" aria-label="Session name"
                                placeholder={p.scenario_name.clone()} />
                        </label>
                        <button class="save-session" aria-label="Save session" onclick={on_save_slot}>{ t(l, "ui.save_session") }</button>
                        <label class="field"><span class="label-text">{ t(l, "ui.saved_sessions") }</span>
                            <select ref={slot_select} aria-label="Saved sessions">
                                if page.slots.is_empty() {
                                    <option value="">{ t(l, "ui.no_sessions") }</option>
                                }
                                { for page.slots.iter().map(|n| html! { <option value={n.clone()}>{ n.clone() }</option> }) }
                            </select>
                        </label>
                        <button class="open-session" aria-label="Open session" disabled={page.slots.is_empty()} onclick={on_open_slot}>{ t(l, "ui.open_session") }</button>
                        <button class="delete-session" aria-label="Delete session" disabled={page.slots.is_empty()} onclick={on_delete_slot}>{ t(l, "ui.delete_session") }</button>
                    </div>
                </details>
                <select class="lang" onchange={on_lang} aria-label="Language / 语言">
                    <option value="en" selected={l == Lang::En}>{ "English" }</option>
                    <option value="zh" selected={l == Lang::Zh}>{ "简体中文" }</option>
                </select>
                <button class="presentation-toggle" aria-pressed={page.presentation.to_string()}
                    onclick={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Action::TogglePresentation)) }}>
                    { t(l, "ui.presentation") }
                </button>
            </div>
            <div class="messages">
                if let Some(e) = &page.error {
                    <div class="error" role="alert">
                        <span>{ e.text(l) }</span>
                        <button class="dismiss" aria-label={t(l, "ui.dismiss")}
                            onclick={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Action::Error(None))) }}>{ "×" }</button>
                    </div>
                }
                if !page.notices.is_empty() {
                    <div class="notice" role="status">
                        <span>{ for page.notices.iter().map(|n| notice_text(l, n)) }</span>
                        <button class="dismiss" aria-label={t(l, "ui.dismiss")}
                            onclick={{ let d = d.clone(); Callback::from(move |_| d.dispatch(Action::Notice(None))) }}>{ "×" }</button>
                    </div>
                }
            </div>
        </header>
    }
}

/// One notice's text in `l`.
fn notice_text(l: Lang, n: &Notice) -> Html {
    match n {
        Notice::Shared(link) => html! {
            <span>{ t(l, "ui.share_link_label") }{ " " }<a class="share-link" href={link.clone()}>{ link.clone() }</a>{ " " }</span>
        },
        Notice::SetAside(list) => html! {
            { for list.iter().map(|a| html! {
                <span class="set-aside">{ tf(l, "ui.session_set_aside", &[("e", a.error.localized(l)), ("aside", a.aside.clone())]) }{ " " }</span>
            }) }
        },
        Notice::KeptAutosave(name) => html! {
            <span class="kept-autosave">{ tf(l, "ui.autosave_kept", &[("name", name.clone())]) }{ " " }</span>
        },
        Notice::Saved(name) => html! {
            <span class="saved-session">{ tf(l, "ui.session_saved", &[("name", name.clone())]) }{ " " }</span>
        },
    }
}
