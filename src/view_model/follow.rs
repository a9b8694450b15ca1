//! Following one record in the page (issue 17 item 5): the run replayed from the start with the
//! engine noting the record's key ([`Engine::follow_key`]) and the engine's
//! [`JourneyBook`] reading the events — the same journey module `kafka-sim follow` uses — and
//! each step put in words in the page's language.

use crate::engine::journey::{JourneyBook, Outcome, Step};
use crate::engine::scenario::Scenario;
use crate::engine::time::SimTime;
use crate::engine::Engine;
use crate::i18n::{tf, Lang};

/// A record's journey, as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Followed {
    /// The key followed.
    pub key: String,
    /// Which record with that key (from 1).
    pub nth: usize,
    /// Records sent with the key so far.
    pub sent: usize,
    /// Topic and partition, named (`orders-3`).
    pub partition: String,
    /// Steps: simulated ns and the step.
    pub steps: Vec<(u64, Step)>,
    /// How it ended up (so far).
    pub outcome: Outcome,
}

/// Why a record cannot be followed.
#[derive(Clone, Debug, PartialEq)]
pub enum FollowError {
    /// The key is not one the producers send (the engine's explanation, naming the field).
    Key(String),
    /// No record with the key was sent yet.
    NoneSent,
    /// `nth` is past the records sent with the key (how many were).
    Past(usize),
}

/// Replays `scenario` to `until` following `key` and returns the `nth` record's journey (from
/// 1); `nth` = 0 picks the first lost record, else the first.
pub fn follow(
    scenario: &Scenario,
    key: &str,
    nth: usize,
    until: SimTime,
) -> Result<Followed, FollowError> {
    let mut e = Engine::new(scenario);
    e.follow_key(key).map_err(FollowError::Key)?;
    let mut book = JourneyBook::new(
        scenario
            .consumer_groups
            .iter()
            .map(|g| g.group_id.clone())
            .collect(),
    );
    loop {
        let status = e.run_until(until, 5_000);
        e.drain_events().iter().for_each(|x| book.observe(x));
        if status.reached || e.stuck_clock().is_some() {
            break;
        }
    }
    let records = book.records().to_vec();
    if records.is_empty() {
        return Err(FollowError::NoneSent);
    }
    let index = if nth == 0 {
        records
            .iter()
            .position(|r| {
                matches!(
                    book.outcome(r, &e.record_copies(r)),
                    Some(Outcome::Lost { .. })
                )
            })
            .unwrap_or(0)
    } else if nth <= records.len() {
        nth - 1
    } else {
        return Err(FollowError::Past(records.len()));
    };
    let r = records[index];
    let journey = book.journey(&r).ok_or(FollowError::NoneSent)?;
    let outcome = book
        .outcome(&r, &e.record_copies(&r))
        .ok_or(FollowError::NoneSent)?;
    Ok(Followed {
        key: key.to_string(),
        nth: index + 1,
        sent: records.len(),
        partition: format!("{}-{}", e.topics().name(r.tp.topic), r.tp.partition),
        steps: journey.steps.clone(),
        outcome,
    })
}

/// A step in words.
pub fn step_text(lang: Lang, s: &Step) -> String {
    let a = |k: &str, v: String| (k.to_string(), v);
    let (key, args): (&str, Vec<(String, String)>) = match s {
        Step::Send { key } => ("follow.send", vec![a("key", key.clone())]),
        Step::ProduceRequest {
            broker,
            correlation_id,
            batch_records,
            ..
        } => (
            "follow.request",
            vec![
                a("id", correlation_id.to_string()),
                a("broker", broker.to_string()),
                a("n", batch_records.to_string()),
            ],
        ),
        Step::LeaderAppend {
            broker,
            offset,
            leader_epoch,
        } => (
            "follow.append",
            vec![
                a("broker", broker.to_string()),
                a("offset", offset.to_string()),
                a("epoch", leader_epoch.to_string()),
            ],
        ),
        Step::ReplicaCopy { broker, offset } => (
            "follow.copy",
            vec![
                a("broker", broker.to_string()),
                a("offset", offset.to_string()),
            ],
        ),
        Step::HighWatermark {
            broker,
            high_watermark,
            ..
        } => (
            "follow.hw",
            vec![
                a("broker", broker.to_string()),
                a("hw", high_watermark.to_string()),
            ],
        ),
        Step::Acked { offset: Some(o) } => ("follow.acked", vec![a("offset", o.to_string())]),
        Step::Acked { offset: None } => ("follow.acked0", vec![]),
        Step::Retried { error } => ("follow.retried", vec![a("error", error.name().into())]),
        Step::Failed { error } => ("follow.failed", vec![a("error", error.name().into())]),
        Step::Truncated { broker, offset } => (
            "follow.truncated",
            vec![
                a("broker", broker.to_string()),
                a("offset", offset.to_string()),
            ],
        ),
        Step::Consumed {
            group,
            consumer,
            offset,
        } => (
            "follow.consumed",
            vec![
                a("group", group.clone()),
                a("consumer", consumer.to_string()),
                a("offset", offset.to_string()),
            ],
        ),
        Step::Committed {
            group,
            consumer,
            committed,
        } => (
            "follow.committed",
            vec![
                a("group", group.clone()),
                a("consumer", consumer.to_string()),
                a("offset", committed.to_string()),
            ],
        ),
    };
    let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    tf(lang, key, &args)
}

/// The outcome in words.
pub fn outcome_text(lang: Lang, o: &Outcome) -> String {
    let brokers = |r: &[(crate::engine::ids::BrokerId, u64)]| {
        r.iter()
            .map(|(b, o)| format!("{b}@{o}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match o {
        Outcome::Delivered { replicas } => {
            tf(lang, "follow.delivered", &[("replicas", brokers(replicas))])
        }
        Outcome::Lost { last_truncated_on } => tf(
            lang,
            "follow.lost",
            &[(
                "broker",
                last_truncated_on
                    .map(|b| b.to_string())
                    .unwrap_or("?".into()),
            )],
        ),
        Outcome::Duplicated { offsets } => tf(
            lang,
            "follow.duplicated",
            &[(
                "offsets",
                offsets
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
        Outcome::Failed { error } => tf(lang, "follow.gave_up", &[("error", error.name().into())]),
        Outcome::InFlight { replicas } => {
            tf(lang, "follow.in_flight", &[("replicas", brokers(replicas))])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::ms;

    #[test]
    fn a_record_of_quickstart_is_followed_in_both_languages() {
        let sc = crate::scenario_file::presets::preset("quickstart").unwrap();
        let f = follow(&sc, "key-3", 5, ms(6_000)).unwrap();
        assert_eq!(f.nth, 5);
        assert!(f.sent >= 5);
        assert!(matches!(f.steps[0].1, Step::Send { .. }));
        assert!(f.steps.iter().any(|(_, s)| matches!(s, Step::Acked { .. })));
        for lang in [Lang::En, Lang::Zh] {
            for (_, s) in &f.steps {
                let t = step_text(lang, s);
                assert!(!t.contains('{'), "{t}");
            }
            assert!(!outcome_text(lang, &f.outcome).contains('{'));
        }
        assert_eq!(
            follow(&sc, "customer-1", 1, ms(1_000)).map(|_| ()),
            Err(FollowError::Key(
                "`customer-1` is not a key the producers send: keys are named key-0, key-1, …"
                    .into()
            ))
        );
        assert!(matches!(
            follow(&sc, "key-3", 100_000, ms(2_000)),
            Err(FollowError::Past(n)) if n > 0
        ));
    }
}
