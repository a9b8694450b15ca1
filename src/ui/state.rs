//! The page's state as a `Reducible` with an [`Action`] enum (Yew's todomvc model), shared
//! through context: language and presentation mode (the theme), playback, what the cluster view
//! shows, the lesson position, and the messages at the top. The scenario is not here: the
//! simulation's session holds the one copy of what is running.

use std::rc::Rc;

use yew::prelude::*;

use super::page_error::PageError;
use crate::i18n::Lang;
use crate::view_model::series::RequestMetric;

/// Speeds offered (multiples of real time); 0 means "as fast as possible".
pub const SPEEDS: [f64; 8] = [0.1, 0.5, 1.0, 10.0, 100.0, 1000.0, 10000.0, 0.0];

/// Which picture of the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewChoice {
    /// The topology when it fits, else the overview.
    Auto,
    /// Always the overview.
    Overview,
}

/// A closer look from the overview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zoom {
    /// No zoom.
    None,
    /// One broker's replicas.
    Broker(u32),
    /// One topic's partitions.
    Topic(String),
}

/// What the heat map colours partitions by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeatMetric {
    /// In-sync replicas (full, under-replicated, offline).
    Isr,
    /// Committed lag (high watermark − committed offset).
    CommittedLag,
    /// Records-lag (high watermark − position).
    RecordsLag,
}

/// A message at the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// The share link just made.
    Shared(String),
    /// Saved sessions that could not be read, kept under other keys.
    SetAside(Vec<crate::view_model::slots::SetAside>),
    /// The autosave, kept as this named session before a share link replaced it.
    KeptAutosave(String),
    /// The session was saved under this name.
    Saved(String),
}

/// The page's state.
#[derive(Clone, Debug, PartialEq)]
pub struct PageState {
    /// Language.
    pub lang: Lang,
    /// Presentation mode: large text, the cluster full width, only what a class needs.
    pub presentation: bool,
    /// Running.
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// Topology or overview.
    pub view: ViewChoice,
    /// Zoomed into a broker or topic.
    pub zoom: Zoom,
    /// Heat map colouring.
    pub heat: HeatMetric,
    /// The request chart's metric.
    pub request_metric: RequestMetric,
    /// Lesson index and step.
    pub lesson: Option<(usize, usize)>,
    /// The step's answer is shown.
    pub revealed: bool,
    /// An error shown at the top (kept until replaced or dismissed).
    pub error: Option<PageError>,
    /// Notices shown at the top (one of each kind, the newest kept).
    pub notices: Vec<Notice>,
    /// The saved sessions' names.
    pub slots: Vec<String>,
}

/// Everything that changes the page's state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Switch the language.
    Lang(Lang),
    /// Presentation mode on or off.
    TogglePresentation,
    /// Play or pause.
    TogglePlay,
    /// Pause.
    Pause,
    /// Play.
    Play,
    /// Choose a speed (index into [`SPEEDS`]).
    Speed(usize),
    /// Topology or overview.
    View(ViewChoice),
    /// Zoom in or out.
    Zoom(Zoom),
    /// Heat map colouring.
    Heat(HeatMetric),
    /// Request chart metric.
    RequestMetric(RequestMetric),
    /// The lesson position (`None`: no lesson); hides the answer.
    Lesson(Option<(usize, usize)>),
    /// Show the step's answer.
    Reveal,
    /// Show or clear the error.
    Error(Option<PageError>),
    /// Show a notice (replacing one of the same kind), or clear them all.
    Notice(Option<Notice>),
    /// The saved sessions' names changed.
    Slots(Vec<String>),
}

impl PageState {
    /// The initial state, with the saved language.
    pub fn new(lang: Lang) -> Self {
        PageState {
            lang,
            presentation: false,
            playing: true,
            speed: 2,
            view: ViewChoice::Auto,
            zoom: Zoom::None,
            heat: HeatMetric::Isr,
            request_metric: RequestMetric::RequestRate,
            lesson: None,
            revealed: false,
            error: None,
            notices: Vec::new(),
            slots: Vec::new(),
        }
    }
}

impl Reducible for PageState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Lang(l) => s.lang = l,
            Action::TogglePresentation => s.presentation = !s.presentation,
            Action::TogglePlay => s.playing = !s.playing,
            Action::Pause => s.playing = false,
            Action::Play => s.playing = true,
            Action::Speed(i) => s.speed = i.min(SPEEDS.len() - 1),
            Action::View(v) => {
                s.view = v;
                s.zoom = Zoom::None;
            }
            Action::Zoom(z) => s.zoom = z,
            Action::Heat(h) => s.heat = h,
            Action::RequestMetric(m) => s.request_metric = m,
            Action::Lesson(l) => {
                s.lesson = l;
                s.revealed = false;
            }
            Action::Reveal => s.revealed = true,
            Action::Error(e) => s.error = e,
            Action::Notice(Some(n)) => {
                s.notices
                    .retain(|o| std::mem::discriminant(o) != std::mem::discriminant(&n));
                s.notices.push(n);
            }
            Action::Notice(None) => s.notices.clear(),
            Action::Slots(names) => s.slots = names,
        }
        if s == *self {
            self
        } else {
            Rc::new(s)
        }
    }
}

/// The page's state in context.
pub type PageContext = UseReducerHandle<PageState>;

/// The page's state from context (every component is under the provider).
#[hook]
pub fn use_page() -> PageContext {
    use_context::<PageContext>().expect("PageState provider")
}
