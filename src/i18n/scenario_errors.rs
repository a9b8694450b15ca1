//! Scenario errors in any language, from the templates in the tables. `localized(Lang::En)`
//! equals the English `Display` (a test checks every kind).

use super::{t, tf, Lang};
use crate::scenario_file::{
    Duplicated, ExpectedJson, JsonType, Lookup, NotFound, ScenarioError, ScenarioReason,
};

/// Every key this module reads (the tests check each exists in both tables).
#[cfg(test)]
pub fn keys() -> Vec<&'static str> {
    let mut v = vec![
        "err.sc.with_value",
        "err.sc.with_path",
        "err.sc.file_too_large",
        "err.sc.empty_file",
        "err.sc.invalid_json",
        "err.sc.not_whole",
        "err.sc.not_whole_got",
        "err.sc.wrong_type",
        "err.sc.exp.number",
        "err.sc.exp.bool",
        "err.sc.exp.string",
        "err.sc.exp.array",
        "err.sc.exp.object",
        "err.sc.unknown_field",
        "err.sc.did_you_mean",
        "err.sc.known_fields",
        "err.sc.required",
        "err.sc.required_whole",
        "err.sc.too_long",
        "err.sc.must_not_be_empty",
        "err.sc.too_many",
        "json.null",
        "json.bool",
        "json.number",
        "json.string",
        "json.array",
        "json.object",
        "err.sc.exp.group_id",
        "err.sc.exp.topic_name",
        "err.sc.exp.action_name",
        "err.sc.exp.config_value",
        "err.sc.dup.producer",
        "err.sc.dup.group",
        "err.sc.dup.topic",
        "err.sc.no_such_broker",
        "err.sc.broker_required",
        "err.sc.too_many_consumers",
        "err.sc.nf.topic_hint",
        "err.sc.nf.topic_none",
        "err.sc.nf.topic_list",
        "err.sc.nf.group_hint",
        "err.sc.nf.group_list",
        "err.sc.nf.action_hint",
        "err.sc.nf.action_list",
        "err.sc.nf.hardware",
        "err.sc.dup.rack",
        "err.sc.nf.rack_none",
        "err.sc.nf.rack_list",
    ];
    v.push("err.d.rf_above_brokers");
    v.push("err.d.default_rf");
    v.push("err.d.total_partitions");
    v.push("err.d.total_replicas");
    v.push("err.d.broker_partitions");
    v.push("err.d.rate_range");
    v.push("err.d.burst_rate");
    v.push("err.d.action_required");
    v.push("err.d.takes_no_fields");
    v.push("err.d.takes_no");
    v.push("err.d.at_ms_required");
    v.push("err.d.after_end");
    v.push("err.d.partition_range");
    v.push("err.d.target_required");
    v.push("err.d.target_expected");
    v.push("err.d.no_such_target");
    v.push("err.d.profile_or_object");
    v.push("err.d.config_object");
    v.push("err.d.member_not_started_one");
    v.push("err.d.member_not_started");
    v.push("err.d.not_a_field_path");
    v.push("err.d.index_range");
    v.push("err.d.no_field_in");
    v.push("err.d.broker_racks_len");
    v.extend(
        crate::scenario_file::FixedReason::ALL
            .iter()
            .map(|r| r.key()),
    );
    v
}

fn not_found(lang: Lang, n: &NotFound) -> String {
    let known = n.known.join(", ");
    let hint = || ("hint", n.suggestion.clone().unwrap_or_default());
    match (n.what, &n.suggestion) {
        (Lookup::Topic, Some(_)) => tf(lang, "err.sc.nf.topic_hint", &[hint()]),
        (Lookup::Topic, None) if n.known.is_empty() => t(lang, "err.sc.nf.topic_none").into(),
        (Lookup::Topic, None) => tf(lang, "err.sc.nf.topic_list", &[("known", known)]),
        (Lookup::Group, Some(_)) => tf(lang, "err.sc.nf.group_hint", &[hint()]),
        (Lookup::Group, None) => tf(lang, "err.sc.nf.group_list", &[("known", known)]),
        (Lookup::Action, Some(_)) => tf(lang, "err.sc.nf.action_hint", &[hint()]),
        (Lookup::Action, None) => tf(lang, "err.sc.nf.action_list", &[("known", known)]),
        (Lookup::Hardware, s) => {
            let mut out = tf(lang, "err.sc.nf.hardware", &[("known", known)]);
            if let Some(h) = s {
                out.push_str(&tf(lang, "err.sc.did_you_mean", &[("hint", h.clone())]));
            }
            out
        }
        (Lookup::Rack, _) if n.known.is_empty() => t(lang, "err.sc.nf.rack_none").into(),
        (Lookup::Rack, _) => tf(lang, "err.sc.nf.rack_list", &[("known", known)]),
    }
}

fn json_type(lang: Lang, j: JsonType) -> String {
    t(lang, &format!("json.{}", j.code())).to_string()
}

impl ScenarioReason {
    /// The explanation in `lang` (bespoke [`ScenarioReason::Other`] texts stay English).
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            ScenarioReason::FileTooLarge { bytes, max } => tf(
                lang,
                "err.sc.file_too_large",
                &[("bytes", bytes.to_string()), ("max", max.to_string())],
            ),
            ScenarioReason::EmptyFile => t(lang, "err.sc.empty_file").into(),
            ScenarioReason::InvalidJson { detail } => {
                tf(lang, "err.sc.invalid_json", &[("detail", detail.clone())])
            }
            ScenarioReason::OutOfRange { min, max } => tf(
                lang,
                "err.out_of_range",
                &[("min", min.clone()), ("max", max.clone())],
            ),
            ScenarioReason::NotWholeNumber { got: Some(j) } => tf(
                lang,
                "err.sc.not_whole_got",
                &[("got", json_type(lang, *j))],
            ),
            ScenarioReason::NotWholeNumber { got: None } => t(lang, "err.sc.not_whole").into(),
            ScenarioReason::WrongType { expected, got } => {
                let exp = match expected {
                    ExpectedJson::Number => t(lang, "err.sc.exp.number").to_string(),
                    ExpectedJson::Bool => t(lang, "err.sc.exp.bool").to_string(),
                    ExpectedJson::String => t(lang, "err.sc.exp.string").to_string(),
                    ExpectedJson::Array => t(lang, "err.sc.exp.array").to_string(),
                    ExpectedJson::GroupId => t(lang, "err.sc.exp.group_id").to_string(),
                    ExpectedJson::TopicName => t(lang, "err.sc.exp.topic_name").to_string(),
                    ExpectedJson::ActionName => t(lang, "err.sc.exp.action_name").to_string(),
                    ExpectedJson::ConfigValue => t(lang, "err.sc.exp.config_value").to_string(),
                    ExpectedJson::Object { what } => {
                        tf(lang, "err.sc.exp.object", &[("what", what.clone())])
                    }
                };
                tf(
                    lang,
                    "err.sc.wrong_type",
                    &[("expected", exp), ("got", json_type(lang, *got))],
                )
            }
            ScenarioReason::UnknownField {
                what,
                suggestion,
                known,
            } => {
                let mut s = tf(lang, "err.sc.unknown_field", &[("what", what.clone())]);
                s.push_str(&match suggestion {
                    Some(n) => tf(lang, "err.sc.did_you_mean", &[("hint", n.clone())]),
                    None => tf(lang, "err.sc.known_fields", &[("known", known.join(", "))]),
                });
                s
            }
            ScenarioReason::Required => t(lang, "err.sc.required").into(),
            ScenarioReason::RequiredWholeNumber { min, max } => tf(
                lang,
                "err.sc.required_whole",
                &[("min", min.to_string()), ("max", max.to_string())],
            ),
            ScenarioReason::TooLong { max } => {
                tf(lang, "err.sc.too_long", &[("max", max.to_string())])
            }
            ScenarioReason::MustNotBeEmpty => t(lang, "err.sc.must_not_be_empty").into(),
            ScenarioReason::TooManyEntries { len, max } => tf(
                lang,
                "err.sc.too_many",
                &[("len", len.to_string()), ("max", max.to_string())],
            ),
            ScenarioReason::Config(e) => e.localized_reason(lang),
            ScenarioReason::ConfigFull(e) => e.localized(lang),
            ScenarioReason::Fixed(r) => t(lang, r.key()).into(),
            ScenarioReason::NotFound(n) => not_found(lang, n),
            ScenarioReason::Duplicate { what, also } => tf(
                lang,
                match what {
                    Duplicated::ProducerId => "err.sc.dup.producer",
                    Duplicated::GroupId => "err.sc.dup.group",
                    Duplicated::TopicName => "err.sc.dup.topic",
                    Duplicated::Rack => "err.sc.dup.rack",
                },
                &[("also", also.clone())],
            ),
            ScenarioReason::NoSuchBroker { max } => {
                tf(lang, "err.sc.no_such_broker", &[("max", max.to_string())])
            }
            ScenarioReason::BrokerRequired { max } => {
                tf(lang, "err.sc.broker_required", &[("max", max.to_string())])
            }
            ScenarioReason::TooManyConsumers { total, max } => tf(
                lang,
                "err.sc.too_many_consumers",
                &[("total", total.to_string()), ("max", max.to_string())],
            ),
            ScenarioReason::Detail(d) => d.localized(lang),
        }
    }
}

impl ScenarioError {
    /// The whole message in `lang`: path, value and reason (what `Display` prints in English).
    pub fn localized(&self, lang: Lang) -> String {
        let reason = self.reason.localized(lang);
        match (self.path.is_empty(), &self.value) {
            (true, _) => reason,
            (false, Some(v)) => tf(
                lang,
                "err.sc.with_value",
                &[
                    ("path", self.path.clone()),
                    ("value", v.clone()),
                    ("reason", reason),
                ],
            ),
            (false, None) => tf(
                lang,
                "err.sc.with_path",
                &[("path", self.path.clone()), ("reason", reason)],
            ),
        }
    }
}
