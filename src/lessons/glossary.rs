//! A glossary per lesson: the terms the lesson uses, each defined in both languages (text keys
//! `term.NAME`, written "Term — definition"), shown under the lesson's narration. Kept apart
//! from the lesson scripts so a lesson's claims and its vocabulary change independently.

/// The terms of lesson `id` (names for `term.NAME` text keys), in the order to show them.
pub fn glossary(id: &str) -> &'static [&'static str] {
    match id {
        "keys" => &[
            "partition",
            "offset",
            "key",
            "murmur2",
            "sticky_partitioner",
        ],
        "batching" => &["batch", "linger", "batch_size", "acks"],
        "acks" => &["acks", "leader", "follower", "hw", "fencing", "election"],
        "isr" => &["isr", "min_isr", "hw", "acks"],
        "election" => &["controller", "fencing", "election", "leader_epoch", "isr"],
        "groups" => &[
            "consumer_group",
            "assignor",
            "lag",
            "commit",
            "max_poll_records",
        ],
        "rebalancing" => &["rebalance", "assignor", "cooperative", "consumer_group"],
        "idempotence" => &["idempotence", "retries", "in_flight", "acks"],
        "high-watermark" => &["hw", "leo", "isr", "follower"],
        "truncation" => &["leader_epoch", "truncation", "hw", "leo"],
        "unclean" => &["unclean", "isr", "election", "hw"],
        "elr" => &["elr", "min_isr", "isr", "election"],
        "adaptive" => &["sticky_partitioner", "adaptive", "batch"],
        "retries" => &["retries", "delivery_timeout", "in_flight", "idempotence"],
        "fencing" => &["kraft", "registration", "fencing", "metadata_log"],
        "article" => &["batch_size", "linger", "max_poll_records", "partition"],
        "zones" => &["rack", "min_isr", "fetch_from_follower", "cross_zone"],
        "static-membership" => &[
            "static_membership",
            "consumer_group",
            "rebalance",
            "session_timeout",
        ],
        "transactions" => &[
            "transaction",
            "lso",
            "read_committed",
            "zombie",
            "commit",
            "session_timeout",
        ],
        _ => &[],
    }
}

/// Every term any glossary uses.
pub const TERMS: &[&str] = &[
    "partition",
    "offset",
    "key",
    "murmur2",
    "sticky_partitioner",
    "batch",
    "linger",
    "batch_size",
    "acks",
    "leader",
    "follower",
    "isr",
    "min_isr",
    "hw",
    "leo",
    "leader_epoch",
    "controller",
    "fencing",
    "election",
    "unclean",
    "truncation",
    "elr",
    "consumer_group",
    "rebalance",
    "assignor",
    "cooperative",
    "lag",
    "commit",
    "max_poll_records",
    "idempotence",
    "retries",
    "in_flight",
    "delivery_timeout",
    "adaptive",
    "kraft",
    "registration",
    "metadata_log",
    "static_membership",
    "session_timeout",
    "rack",
    "fetch_from_follower",
    "cross_zone",
    "transaction",
    "lso",
    "read_committed",
    "zombie",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_lesson_has_a_glossary_of_defined_terms_in_both_languages() {
        for l in crate::lessons::lessons() {
            let terms = glossary(l.id);
            assert!(
                terms.len() >= 3,
                "lesson {} has {} terms",
                l.id,
                terms.len()
            );
            for term in terms {
                assert!(TERMS.contains(term), "{term} missing from TERMS");
            }
        }
        for term in TERMS {
            let key = format!("term.{term}");
            for lang in [Lang::En, Lang::Zh] {
                let text = lang
                    .table()
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
                    .unwrap_or_else(|| panic!("{key} has no {lang:?} text"));
                let (name, definition) = text
                    .split_once(" — ")
                    .unwrap_or_else(|| panic!("{key} ({lang:?}) is not \"Term — definition\""));
                assert!(
                    !name.is_empty() && definition.len() > 10,
                    "{key} ({lang:?})"
                );
            }
        }
    }
}
