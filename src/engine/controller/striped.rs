//! Rack-aware replica placement: a port of Kafka 4.x's `StripedReplicaPlacer`
//! (metadata/.../placement/StripedReplicaPlacer.java, as `ReplicationControlManager.createTopic`
//! calls it through `ClusterDescriber.usableBrokers`).
//!
//! Racks are visited in a striped order: each partition's leader comes from the next rack (and
//! the next broker within it), and its followers from the racks after that, one per rack until
//! every rack has one, so a partition spans `min(RF, racks)` racks and leaders are spread over
//! racks and brokers. Every broker list and the rack list start at a random offset; once as many
//! partitions as brokers have been placed, the racks and the brokers within each are shuffled.
//!
//! Used only when the cluster has racks; without racks KafkaSim keeps its rack-unaware placement
//! ([`super::place_replicas`]) so that scenarios without racks run exactly as before. At topic
//! creation (time zero) every broker is unfenced, so the placer's fenced lists are empty and left
//! out. Java's `Random` is replaced by the run's one seeded RNG.

use crate::engine::ids::BrokerId;
use crate::engine::rng::SimRng;

/// `BrokerList`: brokers of one rack, read from a rotating offset once per iteration epoch.
#[derive(Debug, Default)]
struct BrokerList {
    brokers: Vec<BrokerId>,
    index: usize,
    offset: usize,
    epoch: u64,
}

impl BrokerList {
    /// Sorted, with a random start offset (`BrokerList.initialize`).
    fn initialize(&mut self, rng: &mut SimRng) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = rng.below(self.brokers.len() as u64) as usize;
        }
    }

    /// The next broker of this epoch, or `None` once every broker was returned in it
    /// (`BrokerList.next`): a new epoch restarts the index and moves the offset by one.
    fn next(&mut self, epoch: u64) -> Option<BrokerId> {
        if self.brokers.is_empty() {
            return None;
        }
        let n = self.brokers.len();
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % n;
        }
        if self.index >= n {
            return None;
        }
        let b = self.brokers[(self.index + self.offset) % n];
        self.index += 1;
        Some(b)
    }
}

/// `Collections.shuffle`: Fisher–Yates from the end.
fn shuffle<T>(v: &mut [T], rng: &mut SimRng) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// `RackList`: the racks in sorted order (brokers without a rack first), with a rotating
/// offset choosing which rack leads the next partition.
struct RackList {
    /// Rack keys in visiting order (index into `racks`).
    order: Vec<usize>,
    /// One broker list per rack, by rack key (`None` = no rack) sorted.
    racks: Vec<(Option<u16>, BrokerList)>,
    brokers: usize,
    epoch: u64,
    offset: usize,
}

impl RackList {
    fn new(rack_of: &[Option<u16>], rng: &mut SimRng) -> Self {
        let mut racks: Vec<(Option<u16>, BrokerList)> = Vec::new();
        for (i, &r) in rack_of.iter().enumerate() {
            let b = i as BrokerId + 1;
            match racks.iter_mut().find(|(k, _)| *k == r) {
                Some((_, l)) => l.brokers.push(b),
                None => racks.push((
                    r,
                    BrokerList {
                        brokers: vec![b],
                        ..Default::default()
                    },
                )),
            }
        }
        // `Option` orders `None` first, as Kafka's `OptionalStringComparator` does.
        racks.sort_by_key(|(k, _)| *k);
        for (_, l) in &mut racks {
            l.initialize(rng);
        }
        let offset = if racks.is_empty() {
            0
        } else {
            rng.below(racks.len() as u64) as usize
        };
        RackList {
            order: (0..racks.len()).collect(),
            racks,
            brokers: rack_of.len(),
            epoch: 0,
            offset,
        }
    }

    fn next_in(&mut self, at: usize) -> Option<BrokerId> {
        let key = self.order[at];
        self.racks[key].1.next(self.epoch)
    }

    /// `RackList.place`: one partition's replicas, leader first.
    fn place(&mut self, rf: usize, rng: &mut SimRng) -> Vec<BrokerId> {
        if self.epoch == self.brokers as u64 && self.brokers > 1 {
            shuffle(&mut self.order, rng);
            for (_, l) in &mut self.racks {
                shuffle(&mut l.brokers, rng);
            }
            self.epoch = 0;
        }
        let n = self.order.len();
        if self.offset == n {
            self.offset = 0;
        }
        let mut out = Vec::with_capacity(rf);
        let mut at = self.offset;
        let mut first = loop {
            if let Some(b) = self.next_in(at) {
                out.push(b);
                break Some(at);
            }
            at = (at + 1) % n;
        };
        let mut at = self.offset;
        for _ in 1..rf {
            loop {
                let got = if Some(at) == first {
                    first = None;
                    None
                } else {
                    self.next_in(at)
                };
                at = (at + 1) % n;
                if let Some(b) = got {
                    out.push(b);
                    break;
                }
            }
        }
        self.epoch += 1;
        self.offset += 1;
        out
    }
}

/// Places `partitions` partitions of `replication_factor` replicas on brokers `1..=n` whose
/// racks are `rack_of[id - 1]` (`StripedReplicaPlacer.place`). `replication_factor` is capped
/// at the broker count (the scenario file refuses more).
pub fn place_replicas_striped(
    rack_of: &[Option<u16>],
    partitions: u32,
    replication_factor: u32,
    rng: &mut SimRng,
) -> Vec<Vec<BrokerId>> {
    if rack_of.is_empty() {
        return vec![Vec::new(); partitions as usize];
    }
    let rf = (replication_factor as usize).clamp(1, rack_of.len());
    let mut list = RackList::new(rack_of, rng);
    (0..partitions).map(|_| list.place(rf, rng)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every partition spans min(RF, racks) racks, replicas are distinct, and leaders are spread
    /// (no broker leads more than its fair share rounded up plus one), for many cluster shapes
    /// and seeds, including racks of unequal size.
    #[test]
    fn every_partition_spans_min_rf_racks() {
        for seed in 0..20u64 {
            for brokers in 1..=12usize {
                for n_racks in 1..=brokers.min(5) {
                    for uneven in [false, true] {
                        let rack_of: Vec<Option<u16>> = (0..brokers)
                            .map(|i| {
                                let r = if uneven {
                                    (i * i) % n_racks
                                } else {
                                    i % n_racks
                                };
                                Some(r as u16)
                            })
                            .collect();
                        let used: BTreeSet<_> = rack_of.iter().collect();
                        for rf in 1..=brokers.min(4) as u32 {
                            let mut rng = SimRng::new(seed);
                            let parts = 2 * brokers as u32 + 1;
                            let p = place_replicas_striped(&rack_of, parts, rf, &mut rng);
                            assert_eq!(p.len(), parts as usize);
                            for r in &p {
                                assert_eq!(r.len(), rf as usize);
                                let distinct: BTreeSet<_> = r.iter().collect();
                                assert_eq!(distinct.len(), r.len(), "distinct replicas {r:?}");
                                let spanned: BTreeSet<_> =
                                    r.iter().map(|&b| rack_of[b as usize - 1]).collect();
                                assert_eq!(
                                    spanned.len(),
                                    (rf as usize).min(used.len()),
                                    "seed {seed} brokers {brokers} racks {n_racks} rf {rf}: {r:?} \
                                     over {rack_of:?}"
                                );
                            }
                            // Leaders stripe over racks: every rack leads some partition. (Within
                            // a rack Kafka's placer does not balance leaders evenly when racks
                            // differ in size — broker lists advance once per epoch they are
                            // visited — so no per-broker bound is asserted.)
                            for &rack in &used {
                                assert!(
                                    p.iter().any(|r| rack_of[r[0] as usize - 1] == *rack),
                                    "rack {rack:?} leads nothing: {p:?}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// The striping itself: with one broker per rack and RF = racks, consecutive partitions'
    /// leaders move to the next rack, and the followers follow in rack order after the leader.
    #[test]
    fn leaders_stripe_over_racks() {
        let rack_of = [Some(0), Some(1), Some(2)];
        let mut rng = SimRng::new(7);
        let p = place_replicas_striped(&rack_of, 3, 3, &mut rng);
        let leaders: BTreeSet<_> = p.iter().map(|r| r[0]).collect();
        assert_eq!(leaders.len(), 3, "{p:?}");
        for r in &p {
            let first = r[0] as usize - 1;
            assert_eq!(r[1] as usize - 1, (first + 1) % 3, "{p:?}");
            assert_eq!(r[2] as usize - 1, (first + 2) % 3, "{p:?}");
        }
    }
}
