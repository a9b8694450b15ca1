//! The less generic scenario reasons: fixed sentences, name look-ups with a suggestion, and
//! totals over KafkaSim's caps. English here is what `Display` prints.

use std::fmt;

/// A fixed explanation without parameters. [`FixedReason::key`] is its i18n key; the English
/// table holds exactly [`FixedReason::english`] (a test checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixedReason {
    /// `rate` and `bursts` both given.
    RateOrBursts,
    /// `rate` is neither a number nor `"max"`.
    RateExpected,
    /// A Zipf exponent of 0 or less.
    ExponentPositive,
    /// A topic subscribed twice.
    TopicListedTwice,
    /// `topics` of a group is not a non-empty array.
    TopicNamesExpected,
    /// One `group.instance.id` for several members.
    SharedInstanceId,
    /// A scheduled member added to a group whose members share one `group.instance.id`.
    SharedInstanceIdAdd,
    /// A fault without its group.
    GroupIdRequired,
    /// A fault without its topic.
    TopicNameRequired,
    /// A link from a broker to itself.
    LinkSameBroker,
    /// A broker in two partition groups.
    BrokerInTwoGroups,
    /// A network partition with fewer than two groups.
    PartitionNeedsTwoGroups,
    /// `set_config` without `key`.
    ConfigKeyRequired,
    /// `set_config` without `value`.
    ConfigValueRequired,
    /// A hardware `profile` that is not a name.
    ProfileExpected,
    /// `group.id` in a consumer config.
    GroupIdField,
    /// An illegal topic name.
    IllegalTopicName,
    /// A topic name starting with `__`.
    ReservedTopicName,
    /// No topic given and the scenario has several.
    TopicRequiredSeveral,
    /// A `keys` value of the wrong shape.
    KeysShape,
    /// Network partition `groups` of the wrong shape.
    GroupsShape,
    /// An `arrivals` value that is not `"poisson"` or `"fixed"`.
    ArrivalsShape,
    /// `arrivals` with a workload that is not a `rate`.
    ArrivalsNeedRate,
    /// `transactions` on a producer without `transactional.id`.
    TransactionsNeedTransactionalId,
    /// A processor whose `output` is its `input` (it would read its own output forever).
    ProcessorOutputIsInput,
}

impl FixedReason {
    /// Every fixed reason (for tests).
    pub const ALL: [FixedReason; 25] = [
        FixedReason::RateOrBursts,
        FixedReason::RateExpected,
        FixedReason::ExponentPositive,
        FixedReason::TopicListedTwice,
        FixedReason::TopicNamesExpected,
        FixedReason::SharedInstanceId,
        FixedReason::SharedInstanceIdAdd,
        FixedReason::GroupIdRequired,
        FixedReason::TopicNameRequired,
        FixedReason::LinkSameBroker,
        FixedReason::BrokerInTwoGroups,
        FixedReason::PartitionNeedsTwoGroups,
        FixedReason::ConfigKeyRequired,
        FixedReason::ConfigValueRequired,
        FixedReason::ProfileExpected,
        FixedReason::GroupIdField,
        FixedReason::IllegalTopicName,
        FixedReason::ReservedTopicName,
        FixedReason::TopicRequiredSeveral,
        FixedReason::KeysShape,
        FixedReason::GroupsShape,
        FixedReason::ArrivalsShape,
        FixedReason::ArrivalsNeedRate,
        FixedReason::TransactionsNeedTransactionalId,
        FixedReason::ProcessorOutputIsInput,
    ];

    /// The i18n key.
    pub fn key(self) -> &'static str {
        match self {
            FixedReason::RateOrBursts => "err.fixed.rate_or_bursts",
            FixedReason::RateExpected => "err.fixed.rate_expected",
            FixedReason::ExponentPositive => "err.fixed.exponent_positive",
            FixedReason::TopicListedTwice => "err.fixed.topic_listed_twice",
            FixedReason::TopicNamesExpected => "err.fixed.topic_names_expected",
            FixedReason::SharedInstanceId => "err.fixed.shared_instance_id",
            FixedReason::SharedInstanceIdAdd => "err.fixed.shared_instance_id_add",
            FixedReason::GroupIdRequired => "err.fixed.group_id_required",
            FixedReason::TopicNameRequired => "err.fixed.topic_name_required",
            FixedReason::LinkSameBroker => "err.fixed.link_same_broker",
            FixedReason::BrokerInTwoGroups => "err.fixed.broker_in_two_groups",
            FixedReason::PartitionNeedsTwoGroups => "err.fixed.partition_two_groups",
            FixedReason::ConfigKeyRequired => "err.fixed.config_key_required",
            FixedReason::ConfigValueRequired => "err.fixed.config_value_required",
            FixedReason::ProfileExpected => "err.fixed.profile_expected",
            FixedReason::GroupIdField => "err.fixed.group_id_field",
            FixedReason::IllegalTopicName => "err.fixed.illegal_topic_name",
            FixedReason::ReservedTopicName => "err.fixed.reserved_topic_name",
            FixedReason::TopicRequiredSeveral => "err.fixed.topic_required_several",
            FixedReason::KeysShape => "err.fixed.keys_shape",
            FixedReason::GroupsShape => "err.fixed.groups_shape",
            FixedReason::ArrivalsShape => "err.fixed.arrivals_shape",
            FixedReason::ArrivalsNeedRate => "err.fixed.arrivals_need_rate",
            FixedReason::TransactionsNeedTransactionalId => "err.fixed.transactions_need_id",
            FixedReason::ProcessorOutputIsInput => "err.fixed.processor_output_is_input",
        }
    }

    /// The English text.
    pub fn english(self) -> &'static str {
        match self {
            FixedReason::RateOrBursts => "give either `rate` or `bursts`, not both",
            FixedReason::RateExpected => "expected records per second (a number) or \"max\"",
            FixedReason::ExponentPositive => "must be more than 0",
            FixedReason::TopicListedTwice => "topic listed twice",
            FixedReason::TopicNamesExpected => "expected a non-empty array of topic names",
            FixedReason::SharedInstanceId => "one group.instance.id cannot be shared by several members (Kafka fences duplicates); use \"static_membership\": true, which gives each member its own id",
            FixedReason::SharedInstanceIdAdd => "the group's members share one group.instance.id; use \"static_membership\": true instead",
            FixedReason::GroupIdRequired => "required: a consumer group id",
            FixedReason::TopicNameRequired => "required: a topic name",
            FixedReason::LinkSameBroker => "a link joins two different brokers",
            FixedReason::BrokerInTwoGroups => "broker listed in two groups",
            FixedReason::PartitionNeedsTwoGroups => "a network partition needs at least two non-empty groups",
            FixedReason::ConfigKeyRequired => "required: a Kafka config name",
            FixedReason::ConfigValueRequired => "required: the new value",
            FixedReason::ProfileExpected => "expected a profile name: \"modest\", \"cloud\", \"linkedin-2014\" or \"confluent-2020\"",
            FixedReason::GroupIdField => "set the group id with the group's `group_id` field",
            FixedReason::IllegalTopicName => "not a legal Kafka topic name: use letters, digits, `.`, `_` and `-` (not just `.` or `..`)",
            FixedReason::ReservedTopicName => "names starting with `__` are reserved for Kafka's internal topics",
            FixedReason::TopicRequiredSeveral => "required when the scenario does not have exactly one topic",
            FixedReason::KeysShape => "expected \"none\", {\"uniform\": N} or {\"zipf\": N, \"exponent\": 1.1}",
            FixedReason::GroupsShape => "expected broker id groups such as [[1, 2], [3]]",
            FixedReason::ArrivalsShape => "expected \"poisson\" (exponential gaps, the default) or \"fixed\" (evenly spaced)",
            FixedReason::ArrivalsNeedRate => "arrivals apply to a `rate` workload; `bursts` and \"max\" have their own timing",
            FixedReason::TransactionsNeedTransactionalId => "transactions need a transactional.id in the producer's config (Kafka throws on beginTransaction() without one)",
            FixedReason::ProcessorOutputIsInput => "a processor's output must be another topic than its input (it would read its own output forever)",
        }
    }
}

impl fmt::Display for FixedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english())
    }
}

/// What a name look-up was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A topic name.
    Topic,
    /// A consumer group id.
    Group,
    /// A fault action.
    Action,
    /// A built-in hardware profile.
    Hardware,
    /// A rack of the cluster.
    Rack,
}

/// A name that is not known: the nearest known one, or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotFound {
    /// What kind of name.
    pub what: Lookup,
    /// The nearest known name.
    pub suggestion: Option<String>,
    /// All known names.
    pub known: Vec<String>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = self.known.join(", ");
        match (self.what, &self.suggestion) {
            (Lookup::Topic, Some(n)) => write!(f, "no such topic (did you mean `{n}`?)"),
            (Lookup::Topic, None) if self.known.is_empty() => {
                f.write_str("no such topic: the scenario has no topics")
            }
            (Lookup::Topic, None) => write!(f, "no such topic; topics: {known}"),
            (Lookup::Group, Some(n)) => write!(f, "no such consumer group (did you mean `{n}`?)"),
            (Lookup::Group, None) => write!(f, "no such consumer group; groups: [{known}]"),
            (Lookup::Action, Some(n)) => write!(f, "unknown action (did you mean `{n}`?)"),
            (Lookup::Action, None) => write!(f, "unknown action; actions: {known}"),
            (Lookup::Hardware, s) => {
                write!(f, "unknown hardware profile; built-in: {known}")?;
                match s {
                    Some(n) => write!(f, " (did you mean `{n}`?)"),
                    None => Ok(()),
                }
            }
            (Lookup::Rack, _) if self.known.is_empty() => {
                f.write_str("no such rack: the cluster has no racks (set cluster.racks)")
            }
            (Lookup::Rack, _) => write!(f, "no such rack; racks: {known}"),
        }
    }
}

/// What a duplicate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duplicated {
    /// A producer id.
    ProducerId,
    /// A consumer group id.
    GroupId,
    /// A topic name.
    TopicName,
    /// A rack name.
    Rack,
}

impl Duplicated {
    /// English name.
    pub fn english(self) -> &'static str {
        match self {
            Duplicated::ProducerId => "producer id",
            Duplicated::GroupId => "group id",
            Duplicated::TopicName => "topic name",
            Duplicated::Rack => "rack name",
        }
    }
}
