//! Every lesson plays to its end and every outcome it claims happens in the step that claims it;
//! the two languages have the same keys, and every text key a lesson uses exists.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::Command;
use kafka_sim::i18n::{missing_keys, t, Lang};
use kafka_sim::lessons::{lessons, play, Check, Lesson, Step};

#[test]
fn there_are_eight_lessons() {
    let ids: Vec<&str> = lessons().iter().map(|l| l.id).collect();
    assert_eq!(
        ids,
        [
            "keys",
            "batching",
            "acks",
            "isr",
            "election",
            "groups",
            "rebalancing",
            "idempotence"
        ]
    );
}

/// A lesson's scenario is built in code; it passes the same checks as a scenario file (limits,
/// Kafka's start-up config rules), so the page never runs what a file could not describe.
#[test]
fn every_lesson_scenario_validates_as_a_file_would() {
    for l in lessons() {
        l.scenario
            .validate()
            .unwrap_or_else(|e| panic!("lesson {}: {e}", l.id));
    }
}

/// One test per lesson: plays it to its end; every step's claim is judged on the run between
/// the previous step and that step (a claim cannot be met by an earlier step's events).
macro_rules! lesson_test {
    ($($name:ident => $id:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let lesson = lessons().into_iter().find(|l| l.id == $id).expect($id);
            play(&lesson).unwrap_or_else(|e| panic!("{e}"));
        }
    )*};
}

lesson_test! {
    lesson_keys_claims_hold => "keys",
    lesson_batching_claims_hold => "batching",
    lesson_acks_claims_hold => "acks",
    lesson_isr_claims_hold => "isr",
    lesson_election_claims_hold => "election",
    lesson_groups_claims_hold => "groups",
    lesson_rebalancing_claims_hold => "rebalancing",
    lesson_idempotence_claims_hold => "idempotence",
}

fn step(at_ms: u64, check: Option<Check>, action: Option<Command>) -> Step {
    Step {
        at_ms,
        text: "lesson.election.2",
        highlight: None,
        action,
        question: None,
        check,
    }
}

/// A lesson whose broker crash (step 1's action at 2 s) leads to elections by ~13 s.
fn crash_lesson(steps: Vec<Step>) -> Lesson {
    let mut s = Scenario::cluster(3, 5, 40_000)
        .with_topic("orders", 6, 3)
        .with_producer(
            "shop",
            "orders",
            5_000.0,
            200,
            kafka_sim::engine::config::ProducerConfig::default(),
        );
    s.cluster.config.min_insync_replicas = 2;
    Lesson {
        id: "test",
        title: "lesson.election.title",
        scenario: s,
        steps,
    }
}

#[test]
fn a_claim_is_judged_on_its_own_step_not_on_earlier_ones() {
    let crash = Some(Command::CrashBroker { broker: 1 });
    // The election happens between step 1 (2 s) and step 2 (16 s): claimed there, it holds.
    let at_step_2 = crash_lesson(vec![
        step(2_000, None, crash.clone()),
        step(16_000, Some(Check::LeaderElected), None),
    ]);
    play(&at_step_2).unwrap();
    // Claimed at step 3 (16 s to 20 s, no election in between), it does not.
    let at_step_3 = crash_lesson(vec![
        step(2_000, None, crash.clone()),
        step(16_000, None, None),
        step(20_000, Some(Check::LeaderElected), None),
    ]);
    let err = play(&at_step_3).unwrap_err();
    assert!(
        err.contains("step 3") && err.contains("no leader election"),
        "{err}"
    );
    // Counters too: records consumed or lost before a step do not count for it.
    let none_produced = crash_lesson(vec![step(
        1_000,
        Some(Check::ProduceRejected(ErrorCode::NotEnoughReplicas)),
        None,
    )]);
    assert!(play(&none_produced).is_err());
    let no_acks_in_step = {
        let mut l = crash_lesson(vec![
            step(5_000, None, None),
            step(5_001, Some(Check::NoAckedLost), None),
        ]);
        l.scenario.producers.clear();
        l
    };
    let err = play(&no_acks_in_step).unwrap_err();
    assert!(err.contains("0 acknowledged in this step"), "{err}");
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
