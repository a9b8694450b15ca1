//! Replica placement at topic creation.

use crate::engine::ids::BrokerId;
use crate::engine::rng::SimRng;

/// Kafka's rack-unaware replica placement (`assignReplicasToBrokersRackUnaware`): a random start
/// broker and shift, so leaders and followers spread evenly.
pub fn place_replicas(
    brokers: u32,
    partitions: u32,
    replication_factor: u32,
    rng: &mut SimRng,
) -> Vec<Vec<BrokerId>> {
    let n = brokers.max(1) as u64;
    let rf = replication_factor.clamp(1, brokers.max(1)) as u64;
    let start = rng.below(n);
    let mut shift = rng.below(n);
    let mut out = Vec::with_capacity(partitions as usize);
    for p in 0..partitions as u64 {
        if p > 0 && p % n == 0 {
            shift += 1;
        }
        let first = (p + start) % n;
        let mut replicas = vec![first as BrokerId + 1];
        for j in 0..rf - 1 {
            let idx = if n > 1 {
                (first + 1 + (shift + j) % (n - 1)) % n
            } else {
                first
            };
            replicas.push(idx as BrokerId + 1);
        }
        out.push(replicas);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_spreads_leaders_and_replicas() {
        let mut rng = SimRng::new(3);
        let p = place_replicas(3, 6, 3, &mut rng);
        let mut leaders = [0; 3];
        for r in &p {
            assert_eq!(r.len(), 3);
            let mut s = r.clone();
            s.sort();
            s.dedup();
            assert_eq!(s.len(), 3, "distinct replicas {r:?}");
            leaders[(r[0] - 1) as usize] += 1;
        }
        assert_eq!(leaders, [2, 2, 2]);
    }
}
