//! What each built-in preset's description claims, as checks over its run
//! (`kafka-sim run PRESET --check`; `tests/lessons.rs` judges them all).

use super::claims::{claim, Agg, Claim, Expect, Happening as H, Measure as M, Series, TxnOutcome};
use crate::engine::protocol::ErrorCode;

fn none_lost() -> Claim {
    claim(
        "nothing acknowledged is lost",
        M::AckedLost,
        Expect::AtMost(0.0),
    )
}

/// The claims of the preset called `name` (empty for an unknown name). A claim without a
/// window is judged on the whole run.
pub fn preset_claims(name: &str) -> Vec<Claim> {
    match name {
        "big-cluster" => vec![
            claim("the producers' 13,000 records/s are acknowledged", M::AckRate(None), Expect::Between(12_000.0, 14_000.0)).during(5_000, 15_000),
            claim("group analytics reads the 5,000 records/s of clicks", M::ConsumeRate(Some("analytics")), Expect::AtLeast(4_500.0)).during(5_000, 15_000),
            claim("group indexer reads the 5,000 records/s of logs", M::ConsumeRate(Some("indexer")), Expect::AtLeast(4_500.0)).during(5_000, 15_000),
            claim("nothing acknowledged is lost", M::AckedLost, Expect::AtMost(0.0)).during(0, 15_000),
        ],
        "exactly-once" => vec![
            claim("transactions commit", M::Transactions(TxnOutcome::Committed), Expect::AtLeast(10.0)),
            claim("transactions are aborted too (the workload aborts a seeded 30%)", M::Transactions(TxnOutcome::Aborted), Expect::AtLeast(5.0)),
            claim("the read_committed group never receives a record of an aborted transaction", M::AbortedRead, Expect::AtMost(0.0)),
            claim("it keeps reading committed records", M::ConsumeRate(Some("ledger")), Expect::AtLeast(300.0)).during(2_000, 8_000),
            claim("the paused producer wakes as a zombie and is fenced, once", M::Transactions(TxnOutcome::Fenced), Expect::Between(1.0, 1.0)).during(20_000, 30_000),
            none_lost(),
        ],
        "exactly-once-pipeline" => vec![
            claim("the processor's transactions commit", M::Transactions(TxnOutcome::Committed), Expect::AtLeast(100.0)),
            claim("the zombie's transaction is aborted when it wakes (its offsets carry an old generation)", M::Count(H::TxnAborted("enrich-0")), Expect::AtLeast(1.0)).during(20_000, 110_000),
            claim("no input record is in the committed output twice", M::EosDuplicates, Expect::AtMost(0.0)).during(0, 110_000),
            claim("no input record the group committed past is missing from the output", M::EosMissing, Expect::AtMost(0.0)).during(0, 110_000),
            claim("the audit group reads the output, read_committed", M::ConsumeRate(Some("audit")), Expect::AtLeast(500.0)).during(30_000, 60_000),
            none_lost(),
        ],
        "rolling-restart" => vec![
            claim("static-app never rebalances after its first assignment", M::Count(H::RebalanceStarted("static-app")), Expect::AtMost(0.0)).during(15_000, 90_000),
            claim("static-app never stops consuming (longest gap, ms)", M::LongestConsumeGapMs("static-app"), Expect::AtMost(1_000.0)).during(15_000, 90_000),
            claim("dynamic-app rebalances when the restarted member joins", M::Count(H::RebalanceStarted("dynamic-app")), Expect::AtLeast(1.0)).during(26_000, 27_000),
            claim("dynamic-app stops consuming for about half a minute (longest gap, ms)", M::LongestConsumeGapMs("dynamic-app"), Expect::Between(25_000.0, 45_000.0)).during(15_000, 90_000),
            none_lost(),
        ],
        "quickstart" => vec![
            claim("throughput settles at the produced 10,000 records/s", M::AckRate(None), Expect::Between(9_500.0, 10_500.0)).during(5_000, 30_000),
            claim("end-to-end latency p99 stays a few ms", M::Sample(Series::E2eP99, Agg::Max), Expect::AtMost(20.0)).during(5_000, 30_000),
            claim("each of the 3 consumers owns 2 partitions (no idle member)", M::IdleMembers("billing"), Expect::AtMost(0.0)),
            claim("committed lag saw-tooths with auto-commit every 5 s, up to tens of thousands", M::Sample(Series::Lag("billing"), Agg::Max), Expect::AtLeast(20_000.0)).during(10_000, 30_000),
            none_lost(),
        ],
        "broker-failure-acks-all" => vec![
            claim("the controller fences broker 1 (broker.session.timeout.ms)", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)).during(20_000, 31_000),
            claim("writes stall until it does", M::AckRate(None), Expect::AtMost(100.0)).during(21_000, 28_000),
            claim("leaders are elected from the ISR", M::Count(H::Elected(None, false)), Expect::AtLeast(1.0)).during(20_000, 31_000),
            claim("the producer retries", M::Count(H::Retried(None, None)), Expect::AtLeast(1.0)).during(20_000, 40_000),
            claim("broker 1 comes back and is unfenced", M::Count(H::Unfenced(1)), Expect::AtLeast(1.0)).during(40_000, 60_000),
            none_lost(),
        ],
        "data-loss-acks-1" => vec![
            claim("broker 1 is fenced after it dies", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)).during(20_000, 35_000),
            claim("acknowledged records are lost", M::AckedLost, Expect::AtLeast(1.0)),
            claim("broker 1 truncates them from its own log when it returns", M::Count(H::TruncatedRecords(Some(1))), Expect::AtLeast(1.0)).during(35_000, 50_000),
        ],
        "batching-tradeoff" => vec![
            claim("eager (linger.ms=0) sends small batches (records per batch)", M::RecordsPerBatch(0), Expect::AtMost(40.0)).during(5_000, 30_000),
            claim("patient (linger.ms=50, 256 KiB) sends much fuller ones", M::RecordsPerBatch(1), Expect::AtLeast(200.0)).during(5_000, 30_000),
            claim("eager sends many produce batches per second", M::BatchesPerSec(0), Expect::AtLeast(500.0)).during(5_000, 30_000),
            claim("patient sends far fewer", M::BatchesPerSec(1), Expect::AtMost(300.0)).during(5_000, 30_000),
            claim("both deliver what they send (records/s, together)", M::AckRate(None), Expect::AtLeast(95_000.0)).during(5_000, 30_000),
        ],
        "consumer-group-rebalance" => vec![
            claim("the eager group revokes every partition at each rebalance", M::Count(H::Revoked("eager-range")), Expect::AtLeast(12.0)).during(20_000, 30_000),
            claim("the cooperative group revokes only the ones that move", M::Count(H::Revoked("cooperative")), Expect::AtMost(4.0)).during(20_000, 30_000),
            claim("an eager partition waits unowned from its member's rejoin to the new assignment (ms)", M::LongestUnownedMs("eager-range"), Expect::AtLeast(200.0)).during(20_000, 30_000),
            claim("the eager group's consumption stops for a visible while (longest gap, ms)", M::LongestConsumeGapMs("eager-range"), Expect::AtLeast(300.0)).during(20_000, 30_000),
            claim("the crash is noticed only after session.timeout.ms (10 s): a rebalance starts", M::Count(H::RebalanceStarted("eager-range")), Expect::AtLeast(1.0)).during(46_000, 56_000),
            claim("not within session.timeout.ms minus one heartbeat interval of the crash", M::Count(H::RebalanceStarted("eager-range")), Expect::AtMost(0.0)).during(40_000, 46_000),
        ],
        "slow-consumer-lag" => vec![
            claim("two members handle about 4,000 records/s", M::ConsumeRate(Some("workers")), Expect::Between(3_600.0, 4_400.0)).during(10_000, 30_000),
            claim("lag grows", M::Sample(Series::Lag("workers"), Agg::Last), Expect::AtLeast(15_000.0)).during(10_000, 30_000),
            claim("a third member joins: a rebalance", M::Count(H::RebalanceCompleted("workers")), Expect::AtLeast(1.0)).during(30_000, 40_000),
            claim("three members consume faster than the 5,000 produced", M::ConsumeRate(Some("workers")), Expect::AtLeast(5_500.0)).during(40_000, 60_000),
        ],
        "isr-shrink" => vec![
            claim("the leaders drop broker 3 from the ISR", M::Count(H::IsrShrink(Some(("inventory", 0)), Some(3))), Expect::AtLeast(1.0)).during(10_000, 35_000),
            claim("the ISR shrinks to a single replica after broker 2 crashes", M::Sample(Series::IsrMin, Agg::Min), Expect::AtMost(1.0)).during(35_000, 50_000),
            claim("acks=all writes are refused with NOT_ENOUGH_REPLICAS", M::Count(H::Refused(None, ErrorCode::NotEnoughReplicas)), Expect::AtLeast(1.0)).during(35_000, 50_000),
            claim("broker 3 rejoins the ISR once the network heals", M::Count(H::IsrExpand(None, Some(3))), Expect::AtLeast(1.0)).during(50_000, 75_000),
            claim("writes are acknowledged again", M::AckRate(None), Expect::AtLeast(8_000.0)).during(65_000, 75_000),
            none_lost(),
        ],
        "idempotent-producer" => vec![
            claim("both producers retry", M::Count(H::Retried(Some(1), None)), Expect::AtLeast(1.0)),
            claim("the plain producer leaves duplicates", M::Duplicates(Some(1)), Expect::AtLeast(1.0)),
            claim("the idempotent producer leaves none", M::Duplicates(Some(0)), Expect::AtMost(0.0)),
        ],
        "quick-restart" => vec![
            claim("the controller refuses the new incarnation (DUPLICATE_BROKER_REGISTRATION)", M::Count(H::RegistrationRefused(1)), Expect::AtLeast(1.0)),
            claim("then fences the broker when the old session expires", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)),
            claim("the broker truncates what only it had", M::Count(H::TruncatedRecords(Some(1))), Expect::AtLeast(1.0)),
            claim("and is unfenced", M::Count(H::Unfenced(1)), Expect::AtLeast(1.0)),
            claim("acknowledged records are lost although it was down one second", M::AckedLost, Expect::AtLeast(1.0)),
        ],
        "last-replica-standing" => vec![
            claim("broker 1's partitions shrink to ISR [1]", M::Sample(Series::IsrMin, Agg::Min), Expect::AtMost(1.0)).during(5_000, 20_000),
            claim("brokers 2 and 3 become eligible leader replicas (ELR)", M::Count(H::ElrNonEmpty), Expect::AtLeast(1.0)).during(5_000, 20_000),
            claim("an ELR member is elected cleanly after broker 1 crashes", M::Count(H::Elected(None, false)), Expect::AtLeast(1.0)).during(20_000, 40_000),
            claim("no election is unclean", M::Count(H::Elected(None, true)), Expect::AtMost(0.0)),
            none_lost(),
        ],
        "isolated-broker-heal" => vec![
            claim("the controller fences broker 3", M::Count(H::Fenced(3)), Expect::AtLeast(1.0)).during(5_000, 20_000),
            claim("and removes it from the ISRs", M::Count(H::IsrShrink(None, Some(3))), Expect::AtLeast(1.0)).during(5_000, 20_000),
            claim("after the heal it is unfenced", M::Count(H::Unfenced(3)), Expect::AtLeast(1.0)).during(20_000, 45_000),
            claim("and rejoins the ISRs", M::Count(H::IsrExpand(None, Some(3))), Expect::AtLeast(1.0)).during(20_000, 45_000),
            none_lost(),
        ],
        "multi-zone" => vec![
            claim("readers in az-b read from the az-b replica: almost no consumer bytes cross zones (MB/s)", M::CrossZoneMbPerS(true), Expect::AtMost(0.05)).during(5_000, 15_000),
            claim("the controller fences az-a's brokers", M::Count(H::Fenced(1)), Expect::AtLeast(1.0)).during(15_000, 35_000),
            claim("acks=all writes go on with two zones (records/s)", M::AckRate(None), Expect::AtLeast(4_500.0)).during(27_000, 35_000),
            claim("the readers keep up during the outage (records/s)", M::ConsumeRate(Some("readers")), Expect::AtLeast(4_500.0)).during(27_000, 35_000),
            none_lost(),
        ],
        "uneven-racks" => vec![
            claim("every partition has a replica in each of the three racks", M::RacksSpannedMin, Expect::AtLeast(3.0)),
            claim("broker 6, alone in rack c, holds a replica of all 6 partitions", M::ReplicasOn(6), Expect::Between(6.0, 6.0)),
            claim("the three brokers of rack b share theirs: 2 each", M::ReplicasOn(3), Expect::Between(2.0, 2.0)),
            claim("the readers in rack c fetch from broker 6: almost no consumer bytes cross racks (MB/s)", M::CrossZoneMbPerS(true), Expect::AtMost(0.05)).during(5_000, 15_000),
            claim("the controller fences rack b's brokers", M::Count(H::Fenced(4)), Expect::AtLeast(1.0)).during(15_000, 35_000),
            claim("every partition keeps two in-sync replicas while rack b is down", M::Sample(Series::IsrMin, Agg::Min), Expect::AtLeast(2.0)).during(27_000, 35_000),
            claim("acks=all writes go on without rack b (records/s)", M::AckRate(None), Expect::AtLeast(3_600.0)).during(27_000, 35_000),
            none_lost(),
        ],
        _ => Vec::new(),
    }
}
