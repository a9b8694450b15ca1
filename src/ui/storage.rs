//! Keeping and sharing: the current scenario in localStorage, the language setting, and share
//! links (`#s=` + the compressed scenario).

use super::page_error::PageError;
use crate::engine::scenario::Scenario;
use crate::i18n::Lang;

const SCENARIO_KEY: &str = "kafkasim.scenario";
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

/// The saved scenario, if any and still valid.
pub fn load_scenario() -> Option<Scenario> {
    let json = storage()?.get_item(SCENARIO_KEY).ok()??;
    crate::scenario_file::parse_scenario(&json).ok()
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
    let code = hash.strip_prefix("#s=")?;
    Some(
        crate::share::decode_share(code)
            .map_err(PageError::ShareBroken)
            .and_then(|json| {
                crate::scenario_file::parse_scenario(&json).map_err(PageError::ShareInvalid)
            }),
    )
}

/// Puts the scenario in the URL fragment and returns the full link.
pub fn share_link(s: &Scenario) -> Option<String> {
    let code = crate::share::encode_share(&crate::scenario_file::to_json(s));
    let loc = web_sys::window()?.location();
    loc.set_hash(&format!("s={code}")).ok()?;
    loc.href().ok()
}

/// The scenario to start with: a share link wins over the saved scenario, the saved one over
/// the default; a broken link keeps the saved work and returns why it is broken.
pub fn initial_scenario() -> (Scenario, Option<PageError>) {
    let saved = || load_scenario().unwrap_or_else(super::simulation::requests::default_scenario);
    match scenario_from_hash() {
        Some(Ok(s)) => (s, None),
        Some(Err(e)) => (saved(), Some(e)),
        None => (saved(), None),
    }
}
