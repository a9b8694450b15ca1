//! The page's markup: header, controls, cluster view, charts, event log, panels.

use yew::prelude::*;

use super::*;

impl App {
    /// The whole page.
    pub(super) fn render(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let l = self.lang;
        let on_speed = link.callback(|e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value()
                .parse()
                .unwrap_or(2);
            Msg::Speed(v)
        });
        let on_preset = link.callback(|e: Event| {
            Msg::Preset(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        });
        let on_lesson = link.callback(|e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            Msg::Lesson(v.parse().ok())
        });
        let on_lang = link.callback(|e: Event| {
            Msg::Lang(Lang::from_tag(
                &e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        });
        let on_command = link.callback(Msg::Apply);
        let onkeydown = link.batch_callback(|e: KeyboardEvent| {
            let tag = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .map(|el| el.tag_name())
                .unwrap_or_default();
            if tag == "SELECT" || tag == "INPUT" || tag == "TEXTAREA" {
                return None;
            }
            match e.key().as_str() {
                " " => {
                    e.prevent_default();
                    Some(Msg::TogglePlay)
                }
                "ArrowRight" => Some(Msg::Step),
                _ => None,
            }
        });
        let presets = crate::scenario::presets::presets();
        let inv = self.engine.invariants();
        let lesson_view = self.lesson.and_then(|(i, step)| {
            let lesson = self.lessons.get(i)?;
            let (text, question, has_action) = step_view(lesson, step);
            Some(html! {
                <LessonPanel lang={l} title={lesson.title} {text} {question} {step} steps={lesson.steps.len()}
                    revealed={self.revealed} {has_action}
                    on_next={link.callback(|_| Msg::LessonNext)} on_back={link.callback(|_| Msg::LessonBack)}
                    on_restart={link.callback(|_| Msg::LessonRestart)} on_reveal={link.callback(|_| Msg::Reveal)} />
            })
        });
        let chart = |kind, key: &str| html! { <Chart {kind} data={self.charts.clone()} caption={AttrValue::from(t(l, key))} lang={l} /> };
        html! {
            <div class="page" tabindex="0" {onkeydown}>
                <header class="top">
                    <div class="title-row">
                        <h1>{ t(l, "ui.title") }</h1>
                        <label class="lang">{ t(l, "ui.language") }{ " " }
                            <select onchange={on_lang} aria-label="Language / 语言">
                                <option value="en" selected={l == Lang::En}>{ "English" }</option>
                                <option value="zh" selected={l == Lang::Zh}>{ "简体中文" }</option>
                            </select>
                        </label>
                        <button onclick={link.callback(|_| Msg::Presentation)} aria-pressed={self.presentation.to_string()}>{ t(l, "ui.presentation") }</button>
                    </div>
                    <p class="intro">{ t(l, "ui.intro") }</p>
                </header>
                <section class="controls" aria-label={t(l, "ui.controls")}>
                    <button class="play" onclick={link.callback(|_| Msg::TogglePlay)} title={t(l, "ui.key_space")}>
                        { if self.playing { t(l, "ui.pause") } else { t(l, "ui.play") } }
                    </button>
                    <button onclick={link.callback(|_| Msg::Step)} title="→">{ t(l, "ui.step") }</button>
                    <button onclick={link.callback(|_| Msg::Reset)}>{ t(l, "ui.reset") }</button>
                    <label>{ t(l, "ui.speed") }{ " " }
                        <select onchange={on_speed} aria-label="Speed">
                            { for SPEEDS.iter().enumerate().map(|(i, s)| html! {
                                <option value={i.to_string()} selected={i == self.speed}>
                                    { if *s == 0.0 { t(l, "ui.speed_max").to_string() } else { format!("{s}×") } }
                                </option>
                            }) }
                        </select>
                    </label>
                    <label>{ t(l, "ui.scenario") }{ " " }
                        <select onchange={on_preset} aria-label="Preset scenario">
                            if !presets.iter().any(|(n, _)| *n == self.scenario.name) {
                                <option selected=true value="">{ &self.scenario.name }</option>
                            }
                            { for presets.iter().map(|(n, _)| html! {
                                <option value={n.to_string()} selected={*n == self.scenario.name}>{ *n }</option>
                            }) }
                        </select>
                    </label>
                    <label>{ t(l, "ui.lesson") }{ " " }
                        <select onchange={on_lesson} aria-label="Lesson">
                            <option value="" selected={self.lesson.is_none()}>{ t(l, "ui.lesson.none") }</option>
                            { for self.lessons.iter().enumerate().map(|(i, ls)| html! {
                                <option value={i.to_string()} selected={self.lesson.map(|(x, _)| x) == Some(i)}>{ t(l, ls.title) }</option>
                            }) }
                        </select>
                    </label>
                    <button onclick={link.callback(|_| Msg::Share)}>{ t(l, "ui.share") }</button>
                    <label class="file-button">{ t(l, "ui.import") }
                        <input type="file" accept=".json,application/json" aria-label={t(l, "ui.import")} onchange={{
                            let link = link.clone();
                            Callback::from(move |e: Event| {
                                let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
                                if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                    let link = link.clone();
                                    let reader = gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |res| {
                                        link.send_message(Msg::Import(res.unwrap_or_default()));
                                    });
                                    std::mem::forget(reader);
                                }
                            })
                        }} />
                    </label>
                    <button onclick={link.callback(|_| Msg::Export("scenario"))}>{ t(l, "ui.export_scenario") }</button>
                    <button onclick={link.callback(|_| Msg::Export("report"))}>{ t(l, "ui.export_report") }</button>
                    <button onclick={link.callback(|_| Msg::Export("csv"))}>{ t(l, "ui.export_csv") }</button>
                    <span class="clock">{ format!("t = {:.3} s", to_ms_f64(self.engine.now()) / 1000.0) }</span>
                    <span class="speed">{ format!("{} {:.1}×", t(l, "ui.real_speed"), self.real_speed) }</span>
                    <span class="keys">{ t(l, "ui.keys") }</span>
                    <span class="perf" data-frame-ms={format!("{:.2}", self.frame_ms)}>{ format!("{:.1} ms/frame", self.frame_ms) }</span>
                </section>
                if let Some(e) = &self.error { <div class="error" role="alert">{ e.text(l) }</div> }
                if let Some(n) = &self.notice { <div class="notice">{ tf(l, "ui.share_link", &[("l", n.clone())]) }</div> }
                if let Some(panel) = lesson_view { { panel } } else {
                    <p class="scenario-desc">{{
                        // Built-in presets have their description in every language.
                        let key = format!("preset.{}", self.scenario.name);
                        let tr = t(l, &key);
                        if tr.is_empty() { self.scenario.description.clone() } else { tr.to_string() }
                    }}</p>
                }
                <div class="audit" aria-label={t(l, "ui.audit")}>
                    <strong>{ t(l, "ui.audit") }{ ": " }</strong>
                    <span class={classes!("badge", (inv.acked_lost > 0).then_some("bad"))}>{ format!("{} {}", t(l, "ui.acked_lost"), inv.acked_lost) }</span>
                    <span class={classes!("badge", (inv.duplicates > 0).then_some("bad"))}>{ format!("{} {}", t(l, "ui.duplicates"), inv.duplicates) }</span>
                    <span class={classes!("badge", (inv.out_of_order > 0).then_some("bad"))}>{ format!("{} {}", t(l, "ui.out_of_order"), inv.out_of_order) }</span>
                    <span class={classes!("badge", (inv.skipped > 0).then_some("bad"))}>{ format!("{} {}", t(l, "ui.skipped"), inv.skipped) }</span>
                    <span class={classes!("badge", (inv.commit_regressions > 0).then_some("bad"))}>{ format!("{} {}", t(l, "ui.commit_regressions"), inv.commit_regressions) }</span>
                    <span class="badge">{ format!("{} {}", t(l, "ui.redelivered"), inv.redelivered) }</span>
                </div>
                <main class="grid">
                    <section class="cluster" aria-label="Cluster">
                        <ClusterView snapshot={self.snapshot.clone()} on_command={on_command} lang={l} flows={self.flow_view()} />
                        <ConfigPanel scenario={self.scenario.clone()} on_apply={link.callback(Msg::ApplyAll)} lang={l} />
                        <ShapePanel scenario={self.scenario.clone()} on_restart={link.callback(|s| Msg::Restructure(Box::new(s)))} lang={l} />
                        <div class="log" aria-label={t(l, "ui.event_log")}>
                            <h2>{ t(l, "ui.event_log") }</h2>
                            <ol>
                                { for self.log.iter().rev().take(80).map(|(ts, line, alert)| html! {
                                    <li class={classes!(alert.then_some("alert"))}>
                                        <span class="t">{ format!("{ts:.3} s") }</span>{ " " }{ line }
                                    </li>
                                }) }
                            </ol>
                        </div>
                    </section>
                    <section class="side">
                        <div class="charts">
                            { chart(ChartKind::Throughput, "chart.throughput") }
                            { chart(ChartKind::Latency, "chart.latency") }
                            { chart(ChartKind::Lag, "chart.lag") }
                            { chart(ChartKind::Isr, "chart.isr") }
                        </div>
                    </section>
                </main>
            </div>
        }
    }
}
