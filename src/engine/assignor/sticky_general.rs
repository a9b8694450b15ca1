//! `AbstractStickyAssignor.GeneralAssignmentBuilder`: the sticky algorithm when members have
//! different subscriptions (rack awareness not modelled).
//!
//! Members are kept in a set ordered by (number of assigned partitions, member id), Kafka's
//! `sortedCurrentSubscriptions`. Kafka dereferences a few lookups that cannot be missing for
//! inputs a real group produces; here a missing one skips the step instead of failing (the
//! only reachable case: a partition's previous owner from an older generation that no longer
//! takes part in reassignment, where Kafka would throw a `NullPointerException`).

use super::java_order::{java_cmp, topic_partition_hash, JavaHashOrder};
use super::sticky::{remove_first, OwnedState, DEFAULT_GENERATION};
use super::{AssignError, Group, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// A move of some partitions of one topic from a member (`src`) to another (`dst`).
type Pair = (usize, usize);

/// `PartitionMovements`: the moves made so far, to prefer undoing a move over a new one.
#[derive(Default)]
struct Movements {
    by_topic: BTreeMap<String, BTreeMap<Pair, JavaHashOrder<TopicPartition>>>,
    moves: BTreeMap<TopicPartition, Pair>,
}

impl Movements {
    fn remove_record(&mut self, tp: &TopicPartition) -> Option<Pair> {
        let pair = self.moves.remove(tp)?;
        if let Some(topic_moves) = self.by_topic.get_mut(&tp.topic) {
            if let Some(set) = topic_moves.get_mut(&pair) {
                set.remove(tp);
                if set.is_empty() {
                    topic_moves.remove(&pair);
                }
            }
            if topic_moves.is_empty() {
                self.by_topic.remove(&tp.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, tp: &TopicPartition, pair: Pair) {
        self.moves.insert(tp.clone(), pair);
        self.by_topic
            .entry(tp.topic.clone())
            .or_default()
            .entry(pair)
            .or_insert_with(JavaHashOrder::new)
            .insert(tp.clone(), topic_partition_hash(tp));
    }

    fn move_partition(&mut self, tp: &TopicPartition, old: usize, new: usize) {
        match self.remove_record(tp) {
            Some((src, _)) if src != new => self.add_record(tp, (src, new)),
            Some(_) => {}
            None => self.add_record(tp, (old, new)),
        }
    }

    /// `getTheActualPartitionToBeMoved`: if some partition of the topic was moved from `new`
    /// to `old`'s origin, move one of those back instead.
    fn actual_partition_to_move(
        &self,
        tp: &TopicPartition,
        old: usize,
        new: usize,
    ) -> TopicPartition {
        let Some(topic_moves) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let old = self.moves.get(tp).map_or(old, |&(src, _)| src);
        topic_moves
            .get(&(new, old))
            .and_then(|set| set.first())
            .unwrap_or_else(|| tp.clone())
    }
}

struct Builder<'a> {
    group: &'a Group,
    topic_consumers: BTreeMap<String, Vec<usize>>,
    consumer_topics: Vec<Vec<String>>,
    /// `currentAssignment`; `None` for members taken out as fixed.
    current: Vec<Option<Vec<TopicPartition>>>,
    owner: BTreeMap<TopicPartition, usize>,
    /// Member index to its rank in member-id order, and back.
    rank: Vec<usize>,
    by_rank: Vec<usize>,
    /// `sortedCurrentSubscriptions`: (assigned count, rank).
    sorted: BTreeSet<(usize, usize)>,
    movements: Movements,
}

impl Builder<'_> {
    fn len(&self, c: usize) -> Option<usize> {
        self.current.get(c)?.as_ref().map(Vec::len)
    }

    fn key(&self, c: usize) -> (usize, usize) {
        (self.len(c).unwrap_or(0), self.rank[c])
    }

    fn max_assignment_size(&self, c: usize) -> usize {
        self.consumer_topics[c]
            .iter()
            .map(|t| self.group.partitions_per_topic.get(t).copied().unwrap_or(0) as usize)
            .sum()
    }

    fn potential(&self, c: usize, topic: &str) -> bool {
        self.consumer_topics[c].iter().any(|t| t == topic)
    }

    fn is_balanced(&self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if min + 1 >= max {
            return true;
        }
        let owners: BTreeMap<&TopicPartition, usize> = self
            .current
            .iter()
            .enumerate()
            .filter_map(|(c, l)| l.as_ref().map(|l| (c, l)))
            .flat_map(|(c, l)| l.iter().map(move |tp| (tp, c)))
            .collect();
        for &(count, rank) in &self.sorted {
            let c = self.by_rank[rank];
            if count == self.max_assignment_size(c) {
                continue;
            }
            for topic in &self.consumer_topics[c] {
                let n = self
                    .group
                    .partitions_per_topic
                    .get(topic)
                    .copied()
                    .unwrap_or(0);
                for p in 0..n {
                    let tp = TopicPartition::new(topic.clone(), p);
                    if let Some(&o) = owners.get(&tp) {
                        if o != c && self.len(o).is_some_and(|other| count + 1 < other) {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    /// Moves `tp` to `new`; returns whether it moved (every move reduces the imbalance, which
    /// is what makes the reassignment loop terminate).
    fn process_movement(&mut self, tp: &TopicPartition, new: usize) -> bool {
        let Some(&old) = self.owner.get(tp) else {
            return false;
        };
        if old == new || self.len(new).is_none() || self.len(old).is_none() {
            return false;
        }
        self.sorted.remove(&self.key(old));
        self.sorted.remove(&self.key(new));
        self.movements.move_partition(tp, old, new);
        if let Some(l) = self.current[old].as_mut() {
            remove_first(l, tp);
        }
        if let Some(l) = self.current[new].as_mut() {
            l.push(tp.clone());
        }
        self.owner.insert(tp.clone(), new);
        self.sorted.insert(self.key(new));
        self.sorted.insert(self.key(old));
        true
    }

    fn reassign_to(&mut self, tp: &TopicPartition, new: usize) -> bool {
        let Some(&old) = self.owner.get(tp) else {
            return false;
        };
        let actual = self.movements.actual_partition_to_move(tp, old, new);
        self.process_movement(&actual, new)
    }

    fn perform_reassignments(
        &mut self,
        partitions: &[TopicPartition],
        prev: &BTreeMap<TopicPartition, (usize, i32)>,
    ) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(&c) = self.owner.get(tp) else {
                    continue;
                };
                let Some(len_c) = self.len(c) else { continue };
                if let Some(&(pc, _)) = prev.get(tp) {
                    if self.len(pc).is_some_and(|len_p| len_c > len_p + 1) {
                        if self.reassign_to(tp, pc) {
                            performed = true;
                            modified = true;
                        }
                        continue;
                    }
                }
                let candidates = self
                    .topic_consumers
                    .get(&tp.topic)
                    .cloned()
                    .unwrap_or_default();
                if candidates
                    .iter()
                    .any(|&o| self.len(o).is_some_and(|len_o| len_c > len_o + 1))
                {
                    let target = self
                        .sorted
                        .iter()
                        .map(|&(_, r)| self.by_rank[r])
                        .find(|&o| self.potential(o, &tp.topic));
                    if target.is_some_and(|new| self.reassign_to(tp, new)) {
                        performed = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return performed;
            }
        }
    }
}

fn balance_score(current: &[Option<Vec<TopicPartition>>]) -> usize {
    let sizes: Vec<usize> = current.iter().flatten().map(Vec::len).collect();
    let mut score = 0;
    for (i, a) in sizes.iter().enumerate() {
        for b in &sizes[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}

/// The general sticky assignment; one partition list per member of `group.members`.
pub(crate) fn assign(
    group: &Group,
    state: OwnedState,
) -> Result<Vec<Vec<TopicPartition>>, AssignError> {
    let n = group.members.len();
    let ppt = &group.partitions_per_topic;
    let mut topic_consumers: BTreeMap<String, Vec<usize>> =
        ppt.keys().map(|t| (t.clone(), Vec::new())).collect();
    let mut consumer_topics = vec![Vec::new(); n];
    for &c in &group.hash_order {
        for t in group.members[c]
            .topics
            .iter()
            .filter(|t| ppt.contains_key(*t))
        {
            consumer_topics[c].push(t.clone());
            topic_consumers.entry(t.clone()).or_default().push(c);
        }
    }
    let mut by_rank: Vec<usize> = (0..n).collect();
    by_rank.sort_by(|&a, &b| java_cmp(&group.members[a].id, &group.members[b].id));
    let mut rank = vec![0; n];
    for (r, &c) in by_rank.iter().enumerate() {
        rank[c] = r;
    }
    let mut current: Vec<Option<Vec<TopicPartition>>> = state.owned.into_iter().map(Some).collect();
    let mut owner = BTreeMap::new();
    for (c, list) in current.iter().enumerate() {
        for tp in list.iter().flatten() {
            owner.insert(tp.clone(), c);
        }
    }
    let mut topics_sorted: Vec<&String> = ppt.keys().collect();
    topics_sorted.sort_by(|a, b| {
        let (na, nb) = (topic_consumers[*a].len(), topic_consumers[*b].len());
        na.cmp(&nb).then_with(|| java_cmp(a, b))
    });
    let mut sorted_all: Vec<TopicPartition> = topics_sorted
        .iter()
        .flat_map(|t| (0..ppt[*t]).map(move |p| TopicPartition::new((*t).clone(), p)))
        .collect();

    // prepopulateCurrentAssignments: owners from older generations, the latest one winning.
    let mut prev: BTreeMap<TopicPartition, (usize, i32)> = BTreeMap::new();
    for &c in &group.hash_order {
        let m = &group.members[c];
        let generation = match m.generation {
            Some(g) if g < state.max_generation => g,
            None if state.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for tp in &m.owned {
            match prev.get(tp) {
                Some(&(_, g)) if generation <= g => {}
                _ => {
                    prev.insert(tp.clone(), (c, generation));
                }
            }
        }
    }

    // assignOwnedPartitions: drop partitions of topics the owner no longer subscribes to.
    let mut revocation_required = false;
    let mut assigned = BTreeSet::new();
    for (c, list) in current.iter_mut().enumerate() {
        let Some(list) = list.as_mut() else { continue };
        list.retain(|tp| {
            if group.members[c].topics.contains(&tp.topic) {
                assigned.insert(tp.clone());
                true
            } else {
                revocation_required = true;
                false
            }
        });
    }
    let mut unassigned: Vec<TopicPartition> = sorted_all
        .iter()
        .filter(|tp| !assigned.contains(*tp))
        .cloned()
        .collect();

    let mut b = Builder {
        group,
        topic_consumers,
        consumer_topics,
        current,
        owner,
        rank,
        by_rank,
        sorted: BTreeSet::new(),
        movements: Movements::default(),
    };
    b.sorted = (0..n).map(|c| b.key(c)).collect();

    // balance()
    let initializing = b.sorted.last().is_none_or(|&(len, _)| len == 0);
    for tp in &unassigned {
        if b.topic_consumers.get(&tp.topic).is_none_or(Vec::is_empty) {
            continue;
        }
        let target = b
            .sorted
            .iter()
            .map(|&(_, r)| b.by_rank[r])
            .find(|&c| b.potential(c, &tp.topic));
        if let Some(c) = target {
            b.sorted.remove(&b.key(c));
            if let Some(l) = b.current[c].as_mut() {
                l.push(tp.clone());
            }
            b.owner.insert(tp.clone(), c);
            b.sorted.insert(b.key(c));
        }
    }
    let fixed_topic = |t: &str| b.topic_consumers.get(t).is_none_or(|c| c.len() < 2);
    sorted_all.retain(|tp| !fixed_topic(&tp.topic));
    unassigned.retain(|tp| !fixed_topic(&tp.topic));

    let mut fixed: Vec<(usize, Vec<TopicPartition>)> = Vec::new();
    for c in 0..n {
        let Some(list) = b.current[c].as_ref() else {
            continue;
        };
        let can_participate = list.len() < b.max_assignment_size(c)
            || list.iter().any(|tp| {
                b.topic_consumers
                    .get(&tp.topic)
                    .is_some_and(|v| v.len() >= 2)
            });
        if !can_participate {
            b.sorted.remove(&b.key(c));
            if let Some(list) = b.current[c].take() {
                fixed.push((c, list));
            }
        }
    }
    let pre_balance = b.current.clone();
    let pre_owner = b.owner.clone();
    if !revocation_required {
        b.perform_reassignments(&unassigned, &prev);
    }
    let performed = b.perform_reassignments(&sorted_all, &prev);
    if !initializing && performed && balance_score(&b.current) >= balance_score(&pre_balance) {
        b.current = pre_balance;
        b.owner = pre_owner;
    }
    for (c, list) in fixed {
        b.current[c] = Some(list);
    }
    Ok(b.current
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect())
}
