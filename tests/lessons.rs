//! Every lesson plays to its end and every outcome it claims happens; the two languages have
//! the same keys, and every text key a lesson uses exists.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::i18n::{missing_keys, t, Lang};
use kafka_sim::lessons::{lessons, play};

#[test]
fn every_lesson_plays_through_and_its_claims_hold() {
    let all = lessons();
    assert_eq!(all.len(), 8);
    for lesson in &all {
        play(lesson).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn english_and_chinese_have_the_same_keys() {
    let (missing_zh, missing_en) = missing_keys();
    assert!(missing_zh.is_empty(), "missing in zh: {missing_zh:?}");
    assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
}

#[test]
fn every_key_a_lesson_uses_has_text() {
    for lesson in lessons() {
        let mut keys = vec![lesson.title];
        for s in &lesson.steps {
            keys.push(s.text);
            if let Some((q, a)) = s.question {
                keys.push(q);
                keys.push(a);
            }
        }
        for k in keys {
            for lang in [Lang::En, Lang::Zh] {
                assert!(!t(lang, k).is_empty(), "{k} has no {lang:?} text");
            }
        }
    }
}

#[test]
fn every_preset_has_a_description_in_both_languages() {
    for (name, _) in kafka_sim::scenario::presets::presets() {
        for lang in [Lang::En, Lang::Zh] {
            assert!(
                !t(lang, &format!("preset.{name}")).is_empty(),
                "preset {name} has no {lang:?} description"
            );
        }
        // The English text is the preset file's own description (no drift between the two).
        let s = kafka_sim::scenario::presets::preset(name).unwrap();
        assert_eq!(
            t(Lang::En, &format!("preset.{name}")),
            s.description,
            "preset {name}"
        );
    }
}
