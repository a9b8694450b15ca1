//! The component that owns the simulation (as Yew's boids example owns its flock): the engine's
//! session in a [`Core`], its requestAnimationFrame loop (one closure, built once and kept, as in
//! Yew's webgl example), the keyboard shortcuts, and the page's body, whose parts get the frame's
//! inputs as props and re-render only when those change.

pub mod compare;
pub mod core;
pub mod frame;
pub mod requests;
pub mod zones;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use self::core::{Controls, Core};
pub use requests::{SimHandle, SimRequest};

use super::charts::ChartsPanel;
use super::cluster::ClusterView;
use super::page_error::PageError;
use super::side::{
    AuditPanel, ConfigPanel, EventLog, FollowPanel, GroupsPanel, LessonPanel, ScenarioNote,
    ShapePanel, ZonesPanel,
};
use super::state::{use_page, Action, ViewChoice};
use super::storage;
use super::timeline::TimelineBar;
use super::top_bar::TopBar;
use crate::ui::compare::{DiffPanel, RunBView};

fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Whether keyboard focus is on something that uses keys itself (Space and arrows are theirs).
fn on_control(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(
        tag.as_str(),
        "input" | "select" | "textarea" | "button" | "summary" | "a" | "option"
    ) || el.has_attribute("contenteditable")
        || matches!(
            el.get_attribute("role").as_deref(),
            Some("button" | "menuitem" | "menu" | "slider" | "tab")
        )
}

/// The simulation and the page around it.
#[function_component(Simulation)]
pub fn simulation() -> Html {
    let page = use_page();
    // Read once: the scenario to start with, and what to tell the user about the store.
    let boot = use_mut_ref(storage::startup);
    let core = use_mut_ref(|| {
        let scenario = boot
            .borrow_mut()
            .scenario
            .take()
            .unwrap_or_else(requests::default_scenario);
        let mut core = Core::new(scenario, crate::lessons::lessons());
        // A share link with branch A: the ghost is replayed (a broken branch part is shown).
        if matches!(storage::scenario_from_hash(), Some(Ok(s)) if &s == core.session.scenario()) {
            match storage::branch_from_hash() {
                Some(Ok((a, from, end))) => core.set_ghost_run(a, from, end),
                Some(Err(e)) => {
                    let mut b = boot.borrow_mut();
                    if b.error.is_none() {
                        b.error = Some(e);
                    }
                }
                None => {}
            }
            // A share link of a comparison: opens in compare mode (a broken B part is shown).
            match storage::compare_b_from_hash() {
                Some(Ok(b)) => {
                    let a = core.session.scenario().clone();
                    core.start_compare_with(a, b);
                }
                Some(Err(e)) => {
                    let mut boot = boot.borrow_mut();
                    if boot.error.is_none() {
                        boot.error = Some(e);
                    }
                }
                None => {}
            }
        }
        core
    });
    let redraw = use_force_update();
    {
        let mut c = core.borrow_mut();
        let controls = Controls {
            playing: page.playing,
            speed: page.speed,
            overview: page.view == ViewChoice::Overview,
            zoom: page.zoom.clone(),
            font: if page.presentation { 20.0 } else { 12.0 },
        };
        if c.controls != controls {
            c.controls = controls;
            c.dirty = true;
        }
    }
    // A broken share link, entries set aside, the autosave kept: shown once; the saved
    // sessions listed.
    {
        let dispatcher = page.dispatcher();
        let boot = boot.clone();
        use_effect_with((), move |_| {
            let mut b = boot.borrow_mut();
            if let Some(e) = b.error.take() {
                dispatcher.dispatch(Action::Error(Some(e)));
            }
            for n in b.notices.drain(..) {
                dispatcher.dispatch(Action::Notice(Some(n)));
            }
            dispatcher.dispatch(Action::Slots(std::mem::take(&mut b.slots)));
        });
    }
    // The animation loop.
    {
        let core = core.clone();
        let redraw = redraw.clone();
        let dispatcher = page.dispatcher();
        use_effect_with((), move |_| {
            let mut stuck_shown = false;
            type Tick = Closure<dyn FnMut(f64)>;
            let slot: Rc<RefCell<Option<Tick>>> = Rc::new(RefCell::new(None));
            let pending = Rc::new(RefCell::new(None::<i32>));
            let (slot2, pending2) = (slot.clone(), pending.clone());
            let request = move |slot: &Rc<RefCell<Option<Tick>>>| -> Option<i32> {
                let f = slot.borrow();
                let f = f.as_ref()?;
                web_sys::window()?
                    .request_animation_frame(f.as_ref().unchecked_ref())
                    .ok()
            };
            *slot.borrow_mut() = Some(Closure::new(move |ts: f64| {
                let changed = core.borrow_mut().tick(ts, &mut perf_now);
                // A lesson step played forward reached its time: pause there and show it.
                if core.borrow_mut().take_lesson_arrival() {
                    let lesson = core.borrow().lesson;
                    dispatcher.dispatch(Action::Pause);
                    dispatcher.dispatch(Action::Lesson(lesson));
                }
                // Simulated time stopped moving (issue 14): pause and say why, once, rather
                // than spinning in every frame.
                let stuck = core.borrow().session.engine().stuck_clock().cloned();
                match stuck {
                    Some(stuck) if !stuck_shown => {
                        stuck_shown = true;
                        dispatcher.dispatch(Action::Pause);
                        dispatcher
                            .dispatch(Action::Error(Some(PageError::StuckClock(Box::new(stuck)))));
                    }
                    None => stuck_shown = false, // a new run
                    _ => {}
                }
                if changed {
                    redraw.force_update();
                }
                *pending2.borrow_mut() = request(&slot2);
            }));
            *pending.borrow_mut() = request(&slot);
            move || {
                if let (Some(id), Some(w)) = (*pending.borrow(), web_sys::window()) {
                    let _ = w.cancel_animation_frame(id);
                }
                // Breaks the closure's reference to its own slot.
                slot.borrow_mut().take();
            }
        });
    }
    // How long the views took to render this frame.
    {
        let core = core.clone();
        use_effect(move || {
            core.borrow_mut().rendered(perf_now());
        });
    }
    let handle = {
        let core = core.clone();
        let dispatcher = page.dispatcher();
        let redraw = redraw.clone();
        use_memo((), move |_| {
            SimHandle(Callback::from(move |req| {
                requests::handle(&mut core.borrow_mut(), &dispatcher, req);
                redraw.force_update();
            }))
        })
    };
    // A share link pasted into the open tab: the URL's fragment changes without a reload.
    {
        let handle = (*handle).clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    handle.send(SimRequest::HashChanged)
                });
            move || drop(listener)
        });
    }
    // Space: play/pause, ←/→: back/forward 100 ms on the timeline (at the end → runs on), Home/End:
    // the run's start and end; in a lesson PageDown / PageUp (what presentation clickers send)
    // are Next / Back — only when focus is not on a control.
    {
        let dispatcher = page.dispatcher();
        let handle = (*handle).clone();
        let core = core.clone();
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new_with_options(
                &gloo::utils::window(),
                "keydown",
                gloo::events::EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if e.alt_key() || e.ctrl_key() || e.meta_key() || on_control(e.target()) {
                        return;
                    }
                    match e.key().as_str() {
                        " " => {
                            e.prevent_default();
                            dispatcher.dispatch(Action::TogglePlay);
                        }
                        "ArrowRight" => {
                            e.prevent_default();
                            handle
                                .send(SimRequest::SeekBy(100 * crate::engine::time::MILLIS as i64));
                        }
                        "ArrowLeft" => {
                            e.prevent_default();
                            handle.send(SimRequest::SeekBy(
                                -(100 * crate::engine::time::MILLIS as i64),
                            ));
                        }
                        "Home" => {
                            e.prevent_default();
                            handle.send(SimRequest::Seek(0));
                        }
                        "End" => {
                            e.prevent_default();
                            handle.send(SimRequest::Seek(u64::MAX));
                        }
                        key @ ("PageDown" | "PageUp") => {
                            let in_lesson = core.try_borrow().is_ok_and(|c| c.lesson.is_some());
                            if in_lesson {
                                e.prevent_default();
                                handle.send(if key == "PageDown" {
                                    SimRequest::LessonNext
                                } else {
                                    SimRequest::LessonBack
                                });
                            }
                        }
                        _ => {}
                    }
                },
            );
            move || drop(listener)
        });
    }
    let c = core.borrow();
    let f = &c.frame;
    let lesson = c
        .lesson
        .and_then(|(i, s)| Some((c.lessons.get(i)?.clone(), s)));
    // The step being played forward, and the key event it holds on.
    let playing: Option<AttrValue> = c
        .lesson_play
        .as_ref()
        .map(|p| p.holding().unwrap_or("").into());
    let highlight: AttrValue = lesson
        .as_ref()
        .and_then(|(l, s)| l.steps.get(*s)?.highlight)
        .unwrap_or("")
        .into();
    let presets: Vec<&'static str> = crate::scenario_file::presets::presets()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let lesson_titles: Vec<&'static str> = c.lessons.iter().map(|l| l.title).collect();
    html! {
        <ContextProvider<SimHandle> context={(*handle).clone()}>
            <div class={classes!("page", page.presentation.then_some("presentation"))}
                 lang={page.lang.tag()} data-highlight={highlight.clone()}>
                <TopBar now={f.now} real_speed={f.real_speed} engine_ms={f.engine_ms} render_ms={f.render_ms}
                    scenario_name={AttrValue::from(f.scenario.name.clone())} presets={Rc::new(presets)} lessons={Rc::new(lesson_titles)}
                    comparing={f.compare.is_some()} />
                <TimelineBar view={f.timeline.clone()} highlight={highlight.clone()} />
                <main class={classes!("stage", f.compare.is_some().then_some("comparing"))}>
                    if f.compare.is_some() {
                        <div class="run-a">
                            <h2 class="run-badge a">{ crate::i18n::t(page.lang, "compare.run_a") }</h2>
                            <ClusterView frame_now={f.now} mode={f.mode.clone()} detail={f.detail.clone()} overview={f.overview.clone()}
                                flows={f.flows.clone()} names={f.names.clone()} highlight={highlight.clone()} racks={f.zones.racks.clone()} />
                        </div>
                    } else {
                        <ClusterView frame_now={f.now} mode={f.mode.clone()} detail={f.detail.clone()} overview={f.overview.clone()}
                            flows={f.flows.clone()} names={f.names.clone()} highlight={highlight.clone()} racks={f.zones.racks.clone()} />
                    }
                    if let Some(cv) = &f.compare {
                        <RunBView view={cv.clone()} />
                    }
                    <aside class="side" aria-label={crate::i18n::t(page.lang, "ui.side")}>
                        if let Some(cv) = &f.compare {
                            <DiffPanel view={cv.clone()} />
                        }
                        if let Some((l, s)) = lesson {
                            <LessonPanel lesson={Rc::new(l)} step={s} playing={playing} />
                        } else {
                            <ScenarioNote scenario={f.scenario.clone()} />
                        }
                        <ChartsPanel data={f.charts.clone()} highlight={highlight.clone()} />
                        <GroupsPanel snap={f.detail.clone()} highlight={highlight.clone()} />
                        <AuditPanel audit={f.audit.clone()} highlight={highlight.clone()} />
                        <EventLog log={f.log.clone()} highlight={highlight.clone()} />
                        <FollowPanel scenario={f.scenario.clone()} now={f.now} />
                        if let Some(cv) = &f.compare {
                            <ConfigPanel configs={cv.configs.clone()} highlight={highlight.clone()} scenario={cv.scenario.clone()} run_b={true} />
                        } else {
                            <ConfigPanel configs={f.configs.clone()} highlight={highlight.clone()} scenario={f.scenario.clone()} />
                        }
                        <ZonesPanel zones={f.zones.clone()} ab={f.compare.as_ref().and_then(|c| c.cross_zone.clone())} />
                        if let Some(cv) = &f.compare {
                            <ShapePanel scenario={cv.scenario.clone()} run_b={true} />
                        } else {
                            <ShapePanel scenario={f.scenario.clone()} />
                        }
                    </aside>
                </main>
            </div>
        </ContextProvider<SimHandle>>
    }
}
