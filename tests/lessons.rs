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

#[test]
fn every_highlight_points_at_an_element_of_the_lessons_view() {
    use kafka_sim::view_model::series::{charts_for, ChartContext};
    for lesson in lessons() {
        let s = &lesson.scenario;
        let ctx = ChartContext {
            producers: s.producers.iter().map(|p| p.id.clone()).collect(),
            groups: s
                .consumer_groups
                .iter()
                .map(|g| g.group_id.clone())
                .collect(),
            replicated: s.topics.iter().any(|t| t.replication_factor > 1),
        };
        let charts: Vec<&str> = charts_for(&ctx).iter().map(|k| k.id()).collect();
        for step in &lesson.steps {
            for target in step.highlight.unwrap_or("").split_whitespace() {
                let ok = match target.split_once(':') {
                    None => ["cluster", "log", "audit", "config"].contains(&target),
                    Some(("broker", b)) => b
                        .parse::<u32>()
                        .is_ok_and(|b| (1..=s.cluster.brokers).contains(&b)),
                    Some(("producer", id)) => s.producers.iter().any(|p| p.id == id),
                    Some(("group", id)) => s.consumer_groups.iter().any(|g| g.group_id == id),
                    Some(("chart", id)) => charts.contains(&id),
                    _ => false,
                };
                assert!(
                    ok,
                    "lesson {} step {}: `{target}` is not in its view",
                    lesson.id, step.text
                );
            }
        }
    }
}
