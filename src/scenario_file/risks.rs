//! Risky settings: valid configurations that make a cluster less durable or less available than
//! people usually expect, each with the reason. The CLI prints them (`kafka-sim: risk: …`) and
//! the page can show them beside the config; unlike parse warnings they are about the design of
//! the cluster, not about the file, so presets that demonstrate a risk (acks=1 losing data) have
//! them on purpose.

use std::collections::BTreeSet;

use super::ScenarioWarning;
use crate::engine::config::Acks;
use crate::engine::scenario::Scenario;

/// The risky settings of `s`, in document order (topics, then producers).
pub fn risky_settings(s: &Scenario) -> Vec<ScenarioWarning> {
    let mut out = Vec::new();
    let broker = &s.cluster.config;
    let brokers = s.cluster.brokers.max(1);
    let racks: BTreeSet<&str> = (1..=brokers).filter_map(|b| s.cluster.rack_of(b)).collect();
    if broker.unclean_leader_election_enable {
        out.push(ScenarioWarning {
            path: "cluster.config.unclean.leader.election.enable".into(),
            message: "true: when every in-sync replica is down an out-of-sync replica may lead, \
                      and records acknowledged with acks=all are lost"
                .into(),
        });
    }
    for (i, t) in s.topics.iter().enumerate() {
        let rf = t.replication_factor.min(brokers);
        let min_isr = t
            .config
            .min_insync_replicas
            .unwrap_or(broker.min_insync_replicas);
        let path = format!("topics[{i}]");
        if rf >= 2 && min_isr == rf {
            let why = if rf == 2 {
                "RF 2 with min.insync.replicas 2: losing either replica stops every acks=all \
                 write (NOT_ENOUGH_REPLICAS); RF 3 with min ISR 2 survives one failure"
                    .to_string()
            } else {
                format!(
                    "replication factor {rf} = min.insync.replicas {min_isr}: one broker down \
                     stops acks=all writes (NOT_ENOUGH_REPLICAS); keep min ISR below RF"
                )
            };
            out.push(ScenarioWarning {
                path: format!("{path}.replication_factor"),
                message: why,
            });
        }
        if !racks.is_empty() && (racks.len() as u32) < rf {
            out.push(ScenarioWarning {
                path: format!("{path}.replication_factor"),
                message: format!(
                    "RF {rf} over {} rack(s): replicas of a partition share a rack, so one zone \
                     outage can take more than one copy",
                    racks.len()
                ),
            });
        }
        if t.config.unclean_leader_election_enable == Some(true)
            && !broker.unclean_leader_election_enable
        {
            out.push(ScenarioWarning {
                path: format!("{path}.config.unclean.leader.election.enable"),
                message: "true: an out-of-sync replica may lead this topic, and acknowledged \
                          records are lost"
                    .into(),
            });
        }
    }
    for (i, p) in s.producers.iter().enumerate() {
        let acks = match p.config.acks {
            Acks::All => continue,
            Acks::One => "1",
            Acks::Zero => "0",
        };
        out.push(ScenarioWarning {
            path: format!("producers[{i}].config.acks"),
            message: format!(
                "{acks}: a record is acknowledged before the followers have it; if the leader \
                 fails first it is lost (use acks=all with min.insync.replicas >= 2 for \
                 durability)"
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::ProducerConfig;

    fn paths(s: &Scenario) -> Vec<String> {
        risky_settings(s).into_iter().map(|w| w.path).collect()
    }

    #[test]
    fn each_risk_is_named_at_its_field() {
        let mut s = Scenario::cluster(3, 1, 100).with_topic("safe", 3, 3);
        s.cluster.config.min_insync_replicas = 2;
        assert!(paths(&s).is_empty(), "{:?}", risky_settings(&s));
        let mut s2 = s.clone().with_topic("two", 3, 2);
        assert_eq!(paths(&s2), vec!["topics[1].replication_factor"]);
        assert!(risky_settings(&s2)[0].message.contains("RF 2"));
        s2.topics[0].config.min_insync_replicas = Some(3);
        assert_eq!(
            paths(&s2),
            vec![
                "topics[0].replication_factor",
                "topics[1].replication_factor"
            ]
        );
        let mut s3 = s.clone().with_racks(&["a", "b"]);
        assert_eq!(paths(&s3), vec!["topics[0].replication_factor"]);
        s3.cluster.config.unclean_leader_election_enable = true;
        assert_eq!(
            paths(&s3)[0],
            "cluster.config.unclean.leader.election.enable"
        );
        let s4 = s.clone().with_producer(
            "p",
            "safe",
            10.0,
            100,
            ProducerConfig {
                acks: Acks::One,
                ..ProducerConfig::default()
            },
        );
        assert_eq!(paths(&s4), vec!["producers[0].config.acks"]);
        let mut s5 = s.with_racks(&["a", "b", "c"]);
        s5.topics[0].config.unclean_leader_election_enable = Some(true);
        assert_eq!(
            paths(&s5),
            vec!["topics[0].config.unclean.leader.election.enable"]
        );
    }
}
