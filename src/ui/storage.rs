//! Keeping and sharing: the current scenario in localStorage (the autosave), saved sessions in
//! named slots, the language setting, and share links (`#s=` + the compressed scenario). What
//! to store where is decided in [`crate::view_model::slots`] (tested natively); an entry that
//! cannot be read is moved aside there, never dropped.

use super::page_error::PageError;
use super::state::Notice;
use crate::engine::scenario::Scenario;
use crate::engine::time::SimTime;
use crate::i18n::Lang;
use crate::view_model::slots::{self, SetAside, AUTOSAVE_KEY as SCENARIO_KEY};

const LANG_KEY: &str = "kafkasim.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saves the scenario (as scenario JSON).
pub fn save_scenario(s: &Scenario) {
    if let Some(st) = storage() {
        let _ = st.set_item(SCENARIO_KEY, &crate::scenario_file::to_json(s));
    }
}

/// The saved scenario, if any and still valid (an unreadable one is moved aside by
/// [`read_slots`], which the page calls first).
pub fn load_scenario() -> Option<Scenario> {
    let json = storage()?.get_item(SCENARIO_KEY).ok()??;
    crate::scenario_file::parse_scenario(&json).ok()
}

fn entries(st: &web_sys::Storage) -> Vec<(String, String)> {
    let n = st.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| st.key(i).ok().flatten())
        .filter_map(|k| {
            let v = st.get_item(&k).ok().flatten()?;
            Some((k, v))
        })
        .collect()
}

/// The saved sessions (sorted by name), after moving every entry that cannot be read aside
/// (returned, for the notice).
pub fn read_slots() -> (Vec<(String, Scenario)>, Vec<SetAside>) {
    let Some(st) = storage() else {
        return (Vec::new(), Vec::new());
    };
    let all = entries(&st);
    let read = slots::read_entries(&all);
    let mut moved = Vec::new();
    for u in read.unreadable {
        let value = all
            .iter()
            .find(|(k, _)| *k == u.key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        // Removed only once the copy is stored (a full store keeps it where it was).
        if st.set_item(&u.aside, &value).is_ok() {
            let _ = st.remove_item(&u.key);
            moved.push(u);
        }
    }
    (read.slots, moved)
}

/// The saved sessions' names.
pub fn slot_names() -> Vec<String> {
    read_slots().0.into_iter().map(|(n, _)| n).collect()
}

/// Saves `s` as session `name` (false if the store refused it, e.g. full).
pub fn save_slot(name: &str, s: &Scenario) -> bool {
    storage()
        .map(|st| {
            st.set_item(&slots::slot_key(name), &crate::scenario_file::to_json(s))
                .is_ok()
        })
        .unwrap_or(false)
}

/// Session `name`, if it is there and readable.
pub fn load_slot(name: &str) -> Option<Scenario> {
    let json = storage()?.get_item(&slots::slot_key(name)).ok()??;
    crate::scenario_file::parse_scenario(&json).ok()
}

/// Deletes session `name`.
pub fn delete_slot(name: &str) {
    if let Some(st) = storage() {
        let _ = st.remove_item(&slots::slot_key(name));
    }
}

/// Whether session `name` exists.
pub fn slot_exists(name: &str) -> bool {
    storage()
        .and_then(|st| st.get_item(&slots::slot_key(name)).ok().flatten())
        .is_some()
}

/// Before a share link's scenario `incoming` replaces the autosave: keeps the autosave as a
/// named session when it would otherwise be lost, and returns that name.
pub fn keep_autosave(incoming: &Scenario) -> Option<String> {
    let saved = load_scenario()?;
    let (existing, _) = read_slots();
    let name = slots::keep_autosave_as(&saved, incoming, &existing)?;
    save_slot(&name, &saved).then_some(name)
}

/// Asks the user (a browser confirm dialog); `false` when there is no window.
pub fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

/// The saved language, else the browser's.
pub fn load_lang() -> Lang {
    if let Some(tag) = storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()) {
        return Lang::from_tag(&tag);
    }
    let nav = web_sys::window()
        .map(|w| w.navigator().language().unwrap_or_default())
        .unwrap_or_default();
    Lang::from_tag(&nav)
}

/// Remembers the language.
pub fn save_lang(l: Lang) {
    if let Some(st) = storage() {
        let _ = st.set_item(LANG_KEY, l.tag());
    }
}

/// A scenario from the URL fragment `#s=…`: `None` when there is none, `Err` with the reason when
/// it is broken (the caller keeps the current work and shows the error).
pub fn scenario_from_hash() -> Option<Result<Scenario, PageError>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let code = crate::view_model::branch_link::parse_fragment(&hash)?.run;
    Some(
        crate::share::decode_share(code)
            .map_err(PageError::ShareBroken)
            .and_then(|json| {
                crate::scenario_file::parse_scenario(&json).map_err(PageError::ShareInvalid)
            }),
    )
}

/// Branch A of the URL fragment (`&a=…&at=FROM-END`): `None` when there is none.
pub fn branch_from_hash() -> Option<Result<(Scenario, SimTime, SimTime), PageError>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let branch = crate::view_model::branch_link::parse_fragment(&hash)?.branch?;
    let read = |(code, from, end): (&str, SimTime, SimTime)| {
        let json = crate::share::decode_share(code).ok()?;
        let s = crate::scenario_file::parse_scenario(&json).ok()?;
        Some((s, from, end))
    };
    Some(
        branch
            .ok()
            .and_then(read)
            .ok_or(PageError::Key("ui.branch_link_broken")),
    )
}

/// Puts the scenario (and branch A, if any: its scenario, where it was left and how far it ran)
/// in the URL fragment and returns the full link.
pub fn share_link(s: &Scenario, branch: Option<(&Scenario, SimTime, SimTime)>) -> Option<String> {
    let code = crate::share::encode_share(&crate::scenario_file::to_json(s));
    let a = branch.map(|(a, from, end)| {
        (
            crate::share::encode_share(&crate::scenario_file::to_json(a)),
            from,
            end,
        )
    });
    let fragment = crate::view_model::branch_link::fragment(
        &code,
        a.as_ref().map(|(c, f, e)| (c.as_str(), *f, *e)),
    );
    let loc = web_sys::window()?.location();
    loc.set_hash(&fragment).ok()?;
    loc.href().ok()
}

/// Run B of a comparison in the URL fragment (`&b=…`): `None` when there is none.
pub fn compare_b_from_hash() -> Option<Result<Scenario, PageError>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let code = crate::view_model::compare::b_code(&hash)?;
    Some(
        crate::share::decode_share(code)
            .map_err(PageError::ShareBroken)
            .and_then(|json| {
                crate::scenario_file::parse_scenario(&json).map_err(PageError::ShareInvalid)
            }),
    )
}

/// Puts runs A and B of a comparison in the URL fragment (`#s=A&b=B`) and returns the link.
pub fn share_link_ab(a: &Scenario, b: &Scenario) -> Option<String> {
    let code = |s: &Scenario| crate::share::encode_share(&crate::scenario_file::to_json(s));
    let fragment = format!(
        "{}{}",
        crate::view_model::branch_link::fragment(&code(a), None),
        crate::view_model::compare::b_fragment(&code(b))
    );
    let loc = web_sys::window()?.location();
    loc.set_hash(&fragment).ok()?;
    loc.href().ok()
}

/// What the page starts with.
pub struct Startup {
    /// The scenario to run (taken by the simulation).
    pub scenario: Option<Scenario>,
    /// A broken share link.
    pub error: Option<PageError>,
    /// Entries set aside, or the autosave kept as a session.
    pub notices: Vec<Notice>,
    /// The saved sessions' names.
    pub slots: Vec<String>,
}

/// The scenario to start with: a share link wins over the saved scenario (which is first kept
/// as a named session if it would be lost), the saved one over the default; a broken link keeps
/// the saved work and says why it is broken. Unreadable saved entries are set aside, with a
/// notice. Call once.
pub fn startup() -> Startup {
    let (_, aside) = read_slots();
    let mut notices = Vec::new();
    if !aside.is_empty() {
        notices.push(Notice::SetAside(aside));
    }
    let saved = || load_scenario().unwrap_or_else(super::simulation::requests::default_scenario);
    let (scenario, error) = match scenario_from_hash() {
        Some(Ok(s)) => {
            if let Some(name) = keep_autosave(&s) {
                notices.push(Notice::KeptAutosave(name));
            }
            (s, None)
        }
        Some(Err(e)) => (saved(), Some(e)),
        None => (saved(), None),
    };
    Startup {
        scenario: Some(scenario),
        error,
        notices,
        slots: slot_names(),
    }
}
