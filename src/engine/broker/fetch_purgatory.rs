//! The fetch purgatory: fetches waiting for `fetch.min.bytes` or `fetch.max.wait.ms`, watched
//! by partition as Kafka's `DelayedOperationPurgatory` keys a `DelayedFetch` by
//! each of its partitions (`ReplicaManager.fetchMessages`: `delayedFetchPurgatory.
//! tryCompleteElseWatch(delayedFetch, delayedFetchKeys)`). An append to a partition looks only
//! at the fetches watching it (issue 18: the cost of an append does not grow with the parked
//! fetches of other partitions). The wait timer scans them all, but it fires only when the
//! earliest deadline passes and answers at least that fetch. Ids are handed out in order, and the fetches are always visited in id
//! order, as the single map this replaces iterated them.

use super::FetchRequest;
use crate::engine::ids::{NodeId, TopicPartition};
use crate::engine::time::SimTime;
use crate::engine::tp_map::TpMap;
use crate::engine::vec_map::VecMap;

/// Parked fetches, by id and by partition watched.
#[derive(Clone, Debug, Default)]
pub struct FetchPurgatory {
    fetches: VecMap<u64, (NodeId, FetchRequest, SimTime)>,
    /// Per partition: the ids of the fetches that include it (ascending).
    watchers: TpMap<Vec<u64>>,
    /// Look-ups after appends, and the fetches they looked at in all (a window on the cost of
    /// an append).
    pub lookups: u64,
    /// See `lookups`.
    pub checked: u64,
}

impl FetchPurgatory {
    /// Whether no fetch waits.
    pub fn is_empty(&self) -> bool {
        self.fetches.is_empty()
    }

    /// Parks fetch `id` (larger than every id parked before) from `from` until `deadline`.
    pub fn insert(&mut self, id: u64, from: NodeId, req: FetchRequest, deadline: SimTime) {
        for p in &req.partitions {
            let ids = self.watchers.get_or_insert_with(p.tp, Vec::new);
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        self.fetches.insert(id, (from, req, deadline));
    }

    /// Takes fetch `id` out.
    pub fn remove(&mut self, id: u64) -> Option<(NodeId, FetchRequest, SimTime)> {
        let (from, req, deadline) = self.fetches.remove(&id)?;
        for p in &req.partitions {
            if let Some(ids) = self.watchers.get_mut(&p.tp) {
                if let Ok(i) = ids.binary_search(&id) {
                    ids.remove(i);
                }
            }
        }
        Some((from, req, deadline))
    }

    /// The fetch `id`.
    pub fn get(&self, id: u64) -> Option<&FetchRequest> {
        self.fetches.get(&id).map(|(_, req, _)| req)
    }

    /// Into `out`, ascending: the ids of the fetches watching one of `changed`.
    pub fn watching(&self, changed: &[TopicPartition], out: &mut Vec<u64>) {
        out.clear();
        for tp in changed {
            if let Some(ids) = self.watchers.get(tp) {
                out.extend_from_slice(ids);
            }
        }
        if changed.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// The ids of the fetches whose deadline is `now` or past, ascending.
    pub fn due(&self, now: SimTime) -> Vec<u64> {
        crate::engine::timer::due_ids(self.fetches.iter(), now, |(_, _, d)| *d)
    }

    /// The earliest deadline.
    pub fn earliest_deadline(&self) -> Option<SimTime> {
        crate::engine::timer::earliest_deadline(self.fetches.iter(), |(_, _, d)| *d)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::ProducerConfig;
    use crate::engine::scenario::{KeyDistribution, Scenario};
    use crate::engine::time::ms;
    use crate::engine::Engine;

    /// 12 brokers, 240 partitions (RF 3): each leader holds a parked fetch from each of the 11
    /// other brokers, but a partition has two followers, so an append looks at two fetches.
    #[test]
    fn an_append_looks_only_at_the_fetches_watching_its_partition() {
        let mut s = Scenario::cluster(12, 3, 500)
            .with_topic("t", 240, 3)
            .with_producer("p", "t", 20_000.0, 200, ProducerConfig::default());
        s.producers[0].keys = KeyDistribution::Uniform { keys: 10_000 };
        let mut e = Engine::new(&s);
        e.run_until(ms(500), u64::MAX);
        let (mut lookups, mut checked, mut parked) = (0, 0, 0);
        for b in e.brokers() {
            let p = b.process().expect("running");
            lookups += p.parked_fetches.lookups;
            checked += p.parked_fetches.checked;
            parked += p.parked_fetches.fetches.len();
        }
        assert!(lookups > 5_000, "{lookups} look-ups");
        assert!(parked > 60, "{parked} fetches parked at the end");
        let per_lookup = checked as f64 / lookups as f64;
        // Scanning every parked fetch looks at up to 11 per append.
        assert!(
            per_lookup <= 2.0,
            "{per_lookup:.2} fetches looked at per append"
        );
    }
}
