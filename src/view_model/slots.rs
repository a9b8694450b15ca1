//! Saved sessions (issue 17 item 6, "user work is never lost"), computed without a browser: the
//! keys of named slots in localStorage, the names a user may give them, reading what is stored
//! (an entry that cannot be read is set aside under another key, never dropped), the name under
//! which the autosave is kept before a share link replaces it, and which description a scenario
//! shows. The page's storage layer (`crate::ui::storage`) only moves strings in and out of
//! localStorage as these say.

use crate::engine::scenario::Scenario;
use crate::scenario_file::ScenarioError;

/// The autosave: the scenario running now, saved at each change.
pub const AUTOSAVE_KEY: &str = "kafkasim.scenario";
/// Named slots are stored under this prefix plus the name.
pub const SLOT_PREFIX: &str = "kafkasim.slot.";
/// Entries that could not be read are kept under this prefix plus their old key.
pub const ASIDE_PREFIX: &str = "kafkasim.unreadable.";
/// The longest slot name, in characters.
pub const MAX_NAME: usize = 80;

/// The localStorage key of slot `name`.
pub fn slot_key(name: &str) -> String {
    format!("{SLOT_PREFIX}{name}")
}

/// The slot name stored under `key`, if it is a slot's key.
pub fn slot_name(key: &str) -> Option<&str> {
    key.strip_prefix(SLOT_PREFIX).filter(|n| !n.is_empty())
}

/// Why a name cannot name a slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadName {
    /// Empty (or only spaces).
    Empty,
    /// Longer than [`MAX_NAME`] characters.
    TooLong,
}

/// The slot name a user typed, trimmed; refused when empty or too long.
pub fn clean_name(typed: &str) -> Result<String, BadName> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(BadName::Empty);
    }
    if name.chars().count() > MAX_NAME {
        return Err(BadName::TooLong);
    }
    Ok(name.to_string())
}

/// An entry of the store that could not be read, and where it is kept now.
#[derive(Clone, Debug, PartialEq)]
pub struct SetAside {
    /// The key it was under.
    pub key: String,
    /// The key it is kept under now.
    pub aside: String,
    /// Why it could not be read.
    pub error: ScenarioError,
}

/// What the store holds.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Slots {
    /// Readable slots, by name (sorted).
    pub slots: Vec<(String, Scenario)>,
    /// Slot entries (or the autosave) that could not be read: to be moved aside.
    pub unreadable: Vec<SetAside>,
}

/// The key under which the unreadable entry `key` is kept: [`ASIDE_PREFIX`] + `key`, with
/// ` (2)`, ` (3)`… when that is taken (an earlier unreadable copy is never overwritten).
pub fn aside_key(key: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let base = format!("{ASIDE_PREFIX}{key}");
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} ({n})"))
        .find(|k| !taken(k))
        .unwrap_or(base)
}

/// Reads the store's `entries` (key, value): the slots that parse, and the slot entries and
/// autosave that do not (with the key each is to be kept under). Other keys are ignored.
pub fn read_entries(entries: &[(String, String)]) -> Slots {
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    let mut out = Slots::default();
    let mut planned: Vec<String> = Vec::new();
    for (key, value) in entries {
        let is_slot = slot_name(key).is_some();
        if !is_slot && key != AUTOSAVE_KEY {
            continue;
        }
        match crate::scenario_file::parse_scenario(value) {
            Ok(s) => {
                if let Some(name) = slot_name(key) {
                    out.slots.push((name.to_string(), s));
                }
            }
            Err(error) => {
                let aside = aside_key(key, &|k| {
                    keys.contains(&k) || planned.iter().any(|p| p == k)
                });
                planned.push(aside.clone());
                out.unreadable.push(SetAside {
                    key: key.clone(),
                    aside,
                    error,
                });
            }
        }
    }
    out.slots.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The name under which the autosave `saved` is kept before a share link with scenario
/// `incoming` replaces it: `None` when nothing would be lost (it is the same scenario, or
/// already in a slot with the same content); else "Autosave: NAME", with ` (2)`… when taken.
pub fn keep_autosave_as(
    saved: &Scenario,
    incoming: &Scenario,
    slots: &[(String, Scenario)],
) -> Option<String> {
    if saved == incoming || slots.iter().any(|(_, s)| s == saved) {
        return None;
    }
    let base: String = format!("Autosave: {}", saved.name)
        .chars()
        .take(MAX_NAME - 5)
        .collect();
    let taken = |n: &str| slots.iter().any(|(s, _)| s == n);
    if !taken(&base) {
        return Some(base);
    }
    (2..).map(|n| format!("{base} ({n})")).find(|n| !taken(n))
}

/// Whether the page shows the built-in (translated) description of preset `name` for scenario
/// `s`: only when `s` carries that preset's own description. A scenario that merely has a
/// preset's name keeps its own description.
pub fn shows_preset_text(s: &Scenario, preset: Option<&Scenario>) -> bool {
    preset.is_some_and(|p| p.name == s.name && p.description == s.description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario_file::presets::preset;
    use crate::scenario_file::to_json;

    fn quick() -> Scenario {
        preset("quickstart").unwrap()
    }

    #[test]
    fn slot_keys_round_trip() {
        assert_eq!(slot_key("my run"), "kafkasim.slot.my run");
        assert_eq!(slot_name(&slot_key("my run")), Some("my run"));
        assert_eq!(slot_name(AUTOSAVE_KEY), None);
        assert_eq!(slot_name("kafkasim.slot."), None);
        assert_eq!(slot_name("kafkasim.lang"), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            clean_name("  crash at 20 s "),
            Ok("crash at 20 s".to_string())
        );
        assert_eq!(clean_name("   "), Err(BadName::Empty));
        assert_eq!(
            clean_name(&"x".repeat(MAX_NAME)).map(|n| n.len()),
            Ok(MAX_NAME)
        );
        assert_eq!(clean_name(&"x".repeat(MAX_NAME + 1)), Err(BadName::TooLong));
        // Characters, not bytes.
        assert!(clean_name(&"分".repeat(MAX_NAME)).is_ok());
    }

    #[test]
    fn readable_slots_are_listed_sorted_and_other_keys_ignored() {
        let q = quick();
        let entries = vec![
            (slot_key("b"), to_json(&q)),
            (slot_key("a"), to_json(&q)),
            ("kafkasim.lang".to_string(), "en".to_string()),
            (AUTOSAVE_KEY.to_string(), to_json(&q)),
        ];
        let r = read_entries(&entries);
        assert_eq!(
            r.slots.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(r.slots[0].1, q);
        assert!(r.unreadable.is_empty());
    }

    #[test]
    fn unreadable_entries_are_set_aside_without_overwriting_earlier_ones() {
        let entries = vec![
            (slot_key("broken"), "{not json".to_string()),
            (
                AUTOSAVE_KEY.to_string(),
                "{\"brokers\": \"three\"}".to_string(),
            ),
            (
                format!("{ASIDE_PREFIX}{}", slot_key("broken")),
                "an earlier copy".to_string(),
            ),
            (slot_key("good"), to_json(&quick())),
        ];
        let r = read_entries(&entries);
        assert_eq!(r.slots.len(), 1);
        assert_eq!(r.unreadable.len(), 2);
        assert_eq!(r.unreadable[0].key, "kafkasim.slot.broken");
        assert_eq!(
            r.unreadable[0].aside,
            "kafkasim.unreadable.kafkasim.slot.broken (2)"
        );
        assert_eq!(
            r.unreadable[1].aside,
            "kafkasim.unreadable.kafkasim.scenario"
        );
        // The aside key is not a slot key, so it is never read as a slot again.
        assert!(slot_name(&r.unreadable[0].aside).is_none());
    }

    #[test]
    fn autosave_is_kept_before_a_share_link_replaces_it() {
        let mine = quick().with_topic("extra", 3, 3);
        let shared = preset("isr-shrink").unwrap();
        // Same scenario: nothing to keep.
        assert_eq!(keep_autosave_as(&shared, &shared, &[]), None);
        // Already in a slot: nothing to keep.
        assert_eq!(
            keep_autosave_as(&mine, &shared, &[("mine".into(), mine.clone())]),
            None
        );
        assert_eq!(
            keep_autosave_as(&mine, &shared, &[]).as_deref(),
            Some("Autosave: quickstart")
        );
        let other = quick();
        assert_eq!(
            keep_autosave_as(&mine, &shared, &[("Autosave: quickstart".into(), other)]).as_deref(),
            Some("Autosave: quickstart (2)")
        );
    }

    #[test]
    fn a_scenario_with_a_presets_name_keeps_its_own_description() {
        let q = quick();
        assert!(shows_preset_text(&q, Some(&q)));
        let mut mine = q.clone();
        mine.description = "my own words".into();
        assert!(!shows_preset_text(&mine, Some(&q)));
        assert!(!shows_preset_text(&mine, None));
    }
}
