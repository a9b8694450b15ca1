//! One partition's change, as Kafka's `PartitionChangeBuilder` (metadata module,
//! `org.apache.kafka.controller`) computes it: a target ISR, the eligible leader replicas of
//! KIP-966, and a leader election of the requested kind.
//!
//! Rules followed (read from `PartitionChangeBuilder.build`, Kafka 4.0 source):
//! - **ELR** (`maybePopulateTargetElr`): with ELR on, when the target ISR is smaller than the
//!   topic's effective `min.insync.replicas`, the members leaving the ISR join the ELR (replicas
//!   that shut down uncleanly excepted); at or above min ISR the ELR is cleared.
//! - **Election** (`electLeader`): a valid leader is in the target ISR — or, when the ISR is
//!   empty, in the ELR — and acceptable (unfenced). `ONLINE`/`UNCLEAN` keep a valid current
//!   leader, else take the first valid replica in replica order; with ELR on and both ISR and ELR
//!   empty, the last known leader may be elected (`canElectLastKnownLeader`, an unclean
//!   election); `UNCLEAN` falls back to the first acceptable replica. `PREFERRED` tries the first
//!   replica first. An ELR member elected leader becomes the whole ISR; an unclean election sets
//!   the ISR to the new leader and clears the ELR.
//! - **Empty ISR**: without ELR the ISR never becomes empty (the last member stays, so it can
//!   lead again cleanly when it returns); with ELR it may.
//! - Epochs: a leader change bumps the leader epoch; any change bumps the partition epoch.

use crate::engine::ids::BrokerId;
use crate::engine::protocol::PartitionState;

/// Kind of leader election (`PartitionChangeBuilder.Election`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Election {
    /// Elect the preferred (first) replica if it is in the ISR.
    Preferred,
    /// Elect from the ISR (or ELR) to keep the partition online.
    Online,
    /// As `Online`, then any acceptable replica (`unclean.leader.election.enable`).
    Unclean,
}

/// What a change did to the leadership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderChange {
    /// The new leader (`None`: offline).
    pub leader: Option<BrokerId>,
    /// Elected from outside the ISR and ELR (data may be lost).
    pub unclean: bool,
}

/// The inputs of one partition change.
pub struct PartitionChange<'a> {
    /// Current state.
    pub current: &'a PartitionState,
    /// The ISR the change wants.
    pub target_isr: Vec<BrokerId>,
    /// Kind of election.
    pub election: Election,
    /// Eligible leader replicas on (`eligible.leader.replicas.version` ≥ 1).
    pub elr_enabled: bool,
    /// The topic's effective `min.insync.replicas` (capped at the replication factor).
    pub min_isr: usize,
    /// A replica that shut down uncleanly (re-registered with a new incarnation): never in the
    /// new ELR.
    pub unclean_shutdown: Option<BrokerId>,
}

/// The result: the new state and, when the leader changed, how.
pub struct ChangeResult {
    /// The new state (epochs bumped).
    pub state: PartitionState,
    /// `Some` when the leader changed.
    pub leader_change: Option<LeaderChange>,
}

impl PartitionChange<'_> {
    /// Builds the change; `None` when nothing changes. `acceptable(b)`: broker `b` may lead
    /// (unfenced, and not the broker being fenced or shut down uncleanly).
    pub fn build(self, acceptable: impl Fn(BrokerId) -> bool) -> Option<ChangeResult> {
        let cur = self.current;
        let mut isr = self.target_isr.clone();
        let mut elr = cur.elr.clone();
        // maybePopulateTargetElr
        if self.elr_enabled {
            if isr.len() >= self.min_isr {
                elr.clear();
            } else {
                for &b in &cur.isr {
                    if !elr.contains(&b) {
                        elr.push(b);
                    }
                }
                elr.retain(|b| !isr.contains(b) && Some(*b) != self.unclean_shutdown);
                elr.sort_unstable();
            }
        }
        // tryElection
        let valid = |b: BrokerId, isr: &[BrokerId], elr: &[BrokerId]| {
            (isr.contains(&b) || (isr.is_empty() && elr.contains(&b))) && acceptable(b)
        };
        let elected = self.elect(&isr, &elr, &valid, &acceptable);
        let mut isr_set_by_election = false;
        let mut new_leader = cur.leader;
        let mut leader_change = None;
        if elected.leader != cur.leader {
            if let Some(l) = elected.leader {
                if elr.contains(&l) {
                    isr = vec![l];
                    elr.retain(|&b| b != l);
                }
                if elected.unclean {
                    isr = vec![l];
                    isr_set_by_election = true;
                }
            }
            new_leader = elected.leader;
            leader_change = Some(elected);
        }
        // maybeUpdateRecordElr: an unclean election or ELR off clears the ELR.
        if isr_set_by_election || !self.elr_enabled {
            elr.clear();
        }
        // The ISR: never empty without ELR (the last member stays).
        let new_isr = if isr_set_by_election || !isr.is_empty() || self.elr_enabled {
            isr
        } else {
            cur.isr.clone()
        };
        // maybeUpdateLastKnownLeader (balanced recovery): remember the last leader when the
        // ISR becomes empty; forget it once the partition has a leader again.
        let mut last_known = cur.last_known_elr.clone();
        if self.elr_enabled {
            let isr_emptied = new_isr.is_empty() && !cur.isr.is_empty();
            if isr_emptied && cur.leader.is_some() && last_known.as_slice() != cur.leader.as_slice()
            {
                last_known = cur.leader.into_iter().collect();
            } else if new_leader.is_some() && !last_known.is_empty() {
                last_known.clear();
            }
        }
        let mut state = PartitionState {
            tp: cur.tp,
            leader: new_leader,
            leader_epoch: cur.leader_epoch,
            partition_epoch: cur.partition_epoch,
            isr: new_isr,
            replicas: cur.replicas.clone(),
            elr,
            last_known_elr: last_known,
        };
        let changed = state.leader != cur.leader
            || state.isr != cur.isr
            || state.elr != cur.elr
            || state.last_known_elr != cur.last_known_elr;
        if !changed {
            return None;
        }
        if leader_change.is_some() {
            state.leader_epoch += 1;
        }
        state.partition_epoch += 1;
        Some(ChangeResult {
            state,
            leader_change,
        })
    }

    fn elect(
        &self,
        isr: &[BrokerId],
        elr: &[BrokerId],
        valid: &impl Fn(BrokerId, &[BrokerId], &[BrokerId]) -> bool,
        acceptable: &impl Fn(BrokerId) -> bool,
    ) -> LeaderChange {
        let cur = self.current;
        let clean = |leader| LeaderChange {
            leader: Some(leader),
            unclean: false,
        };
        let current_valid = cur.leader.filter(|&l| valid(l, isr, elr));
        if self.election == Election::Preferred {
            if let Some(&p) = cur.replicas.first() {
                if valid(p, isr, elr) {
                    return clean(p);
                }
            }
            if let Some(l) = current_valid {
                return clean(l);
            }
            if let Some(&l) = cur.replicas.iter().skip(1).find(|&&b| valid(b, isr, elr)) {
                return clean(l);
            }
        } else {
            if let Some(l) = current_valid {
                return clean(l);
            }
            if let Some(&l) = cur.replicas.iter().find(|&&b| valid(b, isr, elr)) {
                return clean(l);
            }
        }
        // canElectLastKnownLeader: ELR on, ISR and ELR empty, one last known leader, alive.
        if self.elr_enabled && isr.is_empty() && elr.is_empty() {
            if let [last] = cur.last_known_elr.as_slice() {
                if acceptable(*last) {
                    return LeaderChange {
                        leader: Some(*last),
                        unclean: true,
                    };
                }
            }
        }
        if self.election == Election::Unclean {
            if let Some(&l) = cur.replicas.iter().find(|&&b| acceptable(b)) {
                return LeaderChange {
                    leader: Some(l),
                    unclean: true,
                };
            }
        }
        LeaderChange {
            leader: None,
            unclean: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ids::TopicPartition;

    fn state(leader: Option<BrokerId>, isr: &[BrokerId], elr: &[BrokerId]) -> PartitionState {
        PartitionState {
            tp: TopicPartition::new(0, 0),
            leader,
            leader_epoch: 5,
            partition_epoch: 9,
            isr: isr.to_vec(),
            replicas: vec![1, 2, 3],
            elr: elr.to_vec(),
            last_known_elr: Vec::new(),
        }
    }

    fn change<'a>(
        cur: &'a PartitionState,
        target_isr: &[BrokerId],
        election: Election,
        elr_enabled: bool,
    ) -> PartitionChange<'a> {
        PartitionChange {
            current: cur,
            target_isr: target_isr.to_vec(),
            election,
            elr_enabled,
            min_isr: 2,
            unclean_shutdown: None,
        }
    }

    #[test]
    fn fencing_the_leader_elects_the_next_isr_member_in_replica_order() {
        let cur = state(Some(1), &[1, 2, 3], &[]);
        let r = change(&cur, &[2, 3], Election::Online, true)
            .build(|b| b != 1)
            .unwrap();
        assert_eq!(r.state.leader, Some(2));
        assert_eq!(r.state.isr, vec![2, 3]);
        assert!(r.state.elr.is_empty(), "ISR still at min ISR");
        assert_eq!((r.state.leader_epoch, r.state.partition_epoch), (6, 10));
    }

    #[test]
    fn without_elr_the_last_isr_member_stays_and_the_partition_goes_offline() {
        let cur = state(Some(1), &[1], &[]);
        let r = change(&cur, &[], Election::Online, false)
            .build(|b| b != 1)
            .unwrap();
        assert_eq!(r.state.leader, None);
        assert_eq!(r.state.isr, vec![1], "the last member is kept");
        assert!(r.state.elr.is_empty());
    }

    #[test]
    fn with_elr_a_replica_that_left_a_short_isr_is_elected_cleanly() {
        // ISR [1, 2] shrinks to [1] (min ISR 2): 2 joins the ELR.
        let cur = state(Some(1), &[1, 2], &[]);
        let shrunk = change(&cur, &[1], Election::Online, true)
            .build(|_| true)
            .unwrap();
        assert_eq!(shrunk.state.elr, vec![2]);
        assert!(shrunk.leader_change.is_none());
        // Then the leader is fenced: the ISR empties, 2 is elected from the ELR, cleanly.
        let r = change(&shrunk.state, &[], Election::Online, true)
            .build(|b| b != 1)
            .unwrap();
        assert_eq!(
            r.leader_change,
            Some(LeaderChange {
                leader: Some(2),
                unclean: false
            })
        );
        assert_eq!(r.state.isr, vec![2]);
        assert_eq!(r.state.elr, vec![1], "the fenced leader waits in the ELR");
    }

    #[test]
    fn an_unclean_shutdown_replica_never_joins_the_elr() {
        let cur = state(Some(1), &[1, 2], &[]);
        let mut c = change(&cur, &[1], Election::Online, true);
        c.unclean_shutdown = Some(2);
        let r = c.build(|b| b != 2).unwrap();
        assert!(r.state.elr.is_empty());
    }

    #[test]
    fn unclean_election_takes_any_live_replica_and_resets_the_isr() {
        let cur = state(Some(1), &[1], &[]);
        let r = change(&cur, &[], Election::Unclean, false)
            .build(|b| b == 3)
            .unwrap();
        assert_eq!(
            r.leader_change,
            Some(LeaderChange {
                leader: Some(3),
                unclean: true
            })
        );
        assert_eq!(r.state.isr, vec![3]);
    }

    /// KIP-966 (`PartitionChangeBuilder`): an unclean election clears the ELR. Replicas 1 and 2
    /// left the ISR into the ELR and are offline; 3 is elected uncleanly: 1 and 2 must not stay
    /// eligible, since 3's log is the truth now and theirs may hold records it lacks.
    #[test]
    fn unclean_election_with_elr_clears_the_elr() {
        let cur = state(None, &[], &[1, 2]);
        let r = change(&cur, &[], Election::Unclean, true)
            .build(|b| b == 3)
            .unwrap();
        assert_eq!(
            r.leader_change,
            Some(LeaderChange {
                leader: Some(3),
                unclean: true
            })
        );
        assert_eq!(r.state.isr, vec![3]);
        assert!(r.state.elr.is_empty(), "ELR {:?}", r.state.elr);
    }

    #[test]
    fn preferred_election_needs_the_preferred_replica_in_the_isr() {
        let cur = state(Some(2), &[2, 3], &[]);
        assert!(
            change(&cur, &[2, 3], Election::Preferred, true)
                .build(|_| true)
                .is_none(),
            "replica 1 is out of the ISR: no change"
        );
        let cur = state(Some(2), &[1, 2, 3], &[]);
        let r = change(&cur, &[1, 2, 3], Election::Preferred, true)
            .build(|_| true)
            .unwrap();
        assert_eq!(r.state.leader, Some(1));
    }

    #[test]
    fn with_elr_the_last_known_leader_is_remembered_and_can_return() {
        // Leader 1 alone in the ISR, 2 and 3 shut down uncleanly (not in ELR); 1 is fenced.
        let cur = state(Some(1), &[1], &[]);
        let fenced = change(&cur, &[], Election::Online, true)
            .build(|b| b != 1)
            .unwrap();
        assert_eq!(fenced.state.leader, None);
        assert!(fenced.state.isr.is_empty());
        assert_eq!(fenced.state.elr, vec![1], "1 left the ISR below min ISR");
        // 1 re-registers after an unclean shutdown: out of the ELR as well.
        let mut c = change(&fenced.state, &[], Election::Online, true);
        c.unclean_shutdown = Some(1);
        let gone = c.build(|b| b != 1).unwrap();
        assert!(gone.state.elr.is_empty());
        assert_eq!(gone.state.last_known_elr, vec![1]);
        // When it is unfenced, the last known leader is elected (an unclean recovery).
        let back = change(&gone.state, &[], Election::Online, true)
            .build(|b| b == 1)
            .unwrap();
        assert_eq!(
            back.leader_change,
            Some(LeaderChange {
                leader: Some(1),
                unclean: true
            })
        );
        assert_eq!(back.state.isr, vec![1]);
        assert!(
            back.state.last_known_elr.is_empty(),
            "forgotten once the partition has a leader again"
        );
    }

    /// `canElectLastKnownLeader` needs the ISR and the ELR both empty: while an (offline) ELR
    /// member remains, the last known leader is not elected even if it is alive, and without
    /// unclean election the partition stays offline until an eligible replica returns.
    #[test]
    fn the_last_known_leader_waits_while_the_elr_is_not_empty() {
        let mut cur = state(None, &[], &[2]);
        cur.last_known_elr = vec![1];
        let r = change(&cur, &[], Election::Online, true).build(|b| b != 2);
        let leader = r.and_then(|r| r.state.leader);
        assert_eq!(leader, None, "ELR member 2 is offline; 1 must not lead");
    }
}
