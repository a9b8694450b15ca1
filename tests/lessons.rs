//! Every lesson plays to its end and every outcome it claims happens in the step that claims it;
//! the two languages have the same keys, and every text key a lesson uses exists.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::protocol::ErrorCode;
use kafka_sim::engine::scenario::Scenario;
use kafka_sim::engine::Command;
use kafka_sim::i18n::{missing_keys, t, Lang};
use kafka_sim::lessons::{
    check_lesson, check_scenario, claim, lessons, play, preset_claims, Claim, Expect, Happening,
    Lesson, Measure, Step,
};

const IDS: [&str; 19] = [
    "keys",
    "batching",
    "acks",
    "isr",
    "election",
    "groups",
    "rebalancing",
    "idempotence",
    "high-watermark",
    "truncation",
    "unclean",
    "elr",
    "adaptive",
    "retries",
    "fencing",
    "article",
    "static-membership",
    "zones",
    "transactions",
];

#[test]
fn there_are_nineteen_lessons() {
    let ids: Vec<&str> = lessons().iter().map(|l| l.id).collect();
    assert_eq!(ids, IDS);
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

/// Every lesson states at least three claims, and a claim's own window ends by its step (a
/// step cannot claim what the learner has not seen yet).
#[test]
fn every_lesson_states_three_claims_within_its_steps() {
    for l in lessons() {
        let n: usize = l.steps.iter().map(|s| s.claims.len()).sum();
        assert!(n >= 3, "lesson {} has {n} claims", l.id);
        for s in &l.steps {
            for c in &s.claims {
                if let Some(w) = c.window {
                    assert!(
                        w.to_ms <= s.at_ms && w.from_ms < w.to_ms,
                        "{}: {}",
                        l.id,
                        c.says
                    );
                }
            }
        }
    }
}

/// One test per lesson: plays it to its end; every step's claims are judged on the run
/// between the previous step and that step (or their own window), and all hold.
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
    lesson_high_watermark_claims_hold => "high-watermark",
    lesson_truncation_claims_hold => "truncation",
    lesson_unclean_claims_hold => "unclean",
    lesson_elr_claims_hold => "elr",
    lesson_adaptive_claims_hold => "adaptive",
    lesson_retries_claims_hold => "retries",
    lesson_fencing_claims_hold => "fencing",
    lesson_article_claims_hold => "article",
    lesson_transactions_claims_hold => "transactions",
    lesson_zones_claims_hold => "zones",
}

/// Every preset states at least three claims about its run, and they all hold.
#[test]
fn every_preset_claim_holds() {
    for (name, _) in kafka_sim::scenario_file::presets::presets() {
        let claims = preset_claims(name);
        assert!(
            claims.len() >= 3,
            "preset {name} has {} claims",
            claims.len()
        );
        let s = kafka_sim::scenario_file::presets::preset(name).unwrap();
        for v in check_scenario(&s, &claims) {
            assert!(v.held, "preset {name}: {v}");
        }
    }
}

fn step(at_ms: u64, claims: Vec<Claim>, action: Option<Command>) -> Step {
    Step {
        at_ms,
        text: "lesson.election.2",
        highlight: None,
        action,
        question: None,
        claims,
    }
}

fn elected() -> Claim {
    claim(
        "elected",
        Measure::Count(Happening::Elected(None, false)),
        Expect::AtLeast(1.0),
    )
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
        step(2_000, vec![], crash.clone()),
        step(16_000, vec![elected()], None),
    ]);
    play(&at_step_2).unwrap();
    // Claimed at step 3 (16 s to 20 s, no election in between), it does not.
    let at_step_3 = crash_lesson(vec![
        step(2_000, vec![], crash.clone()),
        step(16_000, vec![], None),
        step(20_000, vec![elected()], None),
    ]);
    let err = play(&at_step_3).unwrap_err();
    assert!(
        err.contains("step 3") && err.contains("measured 0 times"),
        "{err}"
    );
    // An explicit window overrides the step's: the election is in [2 s, 16 s).
    let windowed = crash_lesson(vec![
        step(2_000, vec![], crash.clone()),
        step(16_000, vec![], None),
        step(20_000, vec![elected().during(2_000, 16_000)], None),
    ]);
    play(&windowed).unwrap();
    // Counters too: records lost before a step do not count for it.
    let none_refused = crash_lesson(vec![step(
        1_000,
        vec![claim(
            "refused",
            Measure::Count(Happening::Refused(None, ErrorCode::NotEnoughReplicas)),
            Expect::AtLeast(1.0),
        )],
        None,
    )]);
    assert!(play(&none_refused).is_err());
}

// ----- the wrong statements of issue 16, each with the test that catches it -----

/// Lesson 1 credited the sticky partitioner to KIP-794 (it is KIP-480) and told a page user
/// to run a CLI command.
#[test]
fn lesson_texts_credit_kip_480_and_send_no_page_user_to_the_cli() {
    assert!(t(Lang::En, "lesson.keys.3").contains("KIP-480"));
    for l in lessons() {
        for s in &l.steps {
            for lang in [Lang::En, Lang::Zh] {
                assert!(
                    !t(lang, s.text).contains("kafka-sim "),
                    "{}: {}",
                    l.id,
                    s.text
                );
            }
        }
    }
}

/// Lesson 4 step 2 said writes still succeed while no write was acknowledged for ~7 s and
/// payments-2 (led by the cut-off broker) refused them; its claims now measure both, and its
/// text no longer says they succeed.
#[test]
fn lesson_isr_step_2_tells_the_stall_and_the_partition_led_by_the_cut_off_broker() {
    let l = lessons().into_iter().find(|l| l.id == "isr").unwrap();
    let r = check_lesson(&l, 4);
    let step2 = &r.steps[1];
    let stall = step2
        .verdicts
        .iter()
        .find(|v| v.says.contains("no write is acknowledged"))
        .unwrap();
    assert!(stall.held && stall.measured == 0.0, "{stall}");
    let p2 = step2
        .verdicts
        .iter()
        .find(|v| v.says.contains("payments-2 acknowledges nothing"))
        .unwrap();
    assert!(p2.held, "{p2}");
    let en = t(Lang::En, "lesson.isr.2");
    assert!(
        !en.contains("still succeed") && en.contains("payments-2") && en.contains("7 s"),
        "{en}"
    );
}

/// Lesson 3 said the followers' disks are slow while every link of brokers 2 and 3 was slow
/// (they led 4 of 6 partitions); lessons 3 and 5 said broker 1 truncates / gets its
/// leaderships back when it returns, but it never restarted.
#[test]
fn lessons_that_tell_a_return_restart_the_broker() {
    for id in ["acks", "election", "truncation"] {
        let l = lessons().into_iter().find(|l| l.id == id).unwrap();
        let restarts = l
            .steps
            .iter()
            .any(|s| matches!(s.action, Some(Command::RestartBroker { .. })))
            || l.scenario
                .faults
                .iter()
                .any(|f| matches!(f.action, Command::RestartBroker { .. }));
        assert!(
            restarts,
            "lesson {id} tells a return but never restarts the broker"
        );
    }
    let acks = t(Lang::En, "lesson.acks.1");
    assert!(!acks.contains("disk") && acks.contains("3 ms"), "{acks}");
}

/// Lesson 8 said order is kept while the audit counted records out of order; it now claims
/// them and explains where they come from.
#[test]
fn lesson_idempotence_explains_the_records_out_of_order() {
    let l = lessons()
        .into_iter()
        .find(|l| l.id == "idempotence")
        .unwrap();
    let r = check_lesson(&l, 8);
    let ooo = r
        .verdicts()
        .find(|v| v.says.contains("out of order"))
        .unwrap();
    assert!(ooo.held && ooo.measured > 0.0, "{ooo}");
    assert!(t(Lang::En, "lesson.idempotence.2").contains("out of order"));
}

/// The quickstart promised lag near zero (committed lag saw-tooths with auto-commit) and
/// batching-tradeoff asked to compare figures the page does not show.
#[test]
fn preset_texts_promise_only_what_is_checked() {
    let q = t(Lang::En, "preset.quickstart");
    assert!(!q.contains("near zero") && q.contains("saw-tooth"), "{q}");
    let b = t(Lang::En, "preset.batching-tradeoff");
    assert!(!b.contains("CPU"), "{b}");
    // The eager group visibly stops; isr-shrink really shrinks and refuses.
    let has =
        |preset: &str, words: &str| preset_claims(preset).iter().any(|c| c.says.contains(words));
    assert!(has("consumer-group-rebalance", "consumption stops"));
    assert!(has("isr-shrink", "NOT_ENOUGH_REPLICAS"));
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
    for (name, _) in kafka_sim::scenario_file::presets::presets() {
        for lang in [Lang::En, Lang::Zh] {
            assert!(
                !t(lang, &format!("preset.{name}")).is_empty(),
                "preset {name} has no {lang:?} description"
            );
        }
        // The English text is the preset file's own description (no drift between the two).
        let s = kafka_sim::scenario_file::presets::preset(name).unwrap();
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
                    None => ["cluster", "log", "audit", "config", "timeline"].contains(&target),
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
