//! Claims as data: what a lesson step or a preset says about its run, stated as a check over
//! the run — a metric over a time window, an event that must (or must not) happen, records
//! lost or kept — so the narration can be written from the outcome and a test (or
//! `kafka-sim lesson --check`) can judge it.

use serde::Serialize;

use crate::engine::ids::BrokerId;
use crate::engine::protocol::ErrorCode;

/// A partition by topic name and number (`("payments", 2)` is `payments-2`).
pub type Part = (&'static str, u32);

/// A window of simulated time, `[from_ms, to_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Start (ms).
    pub from_ms: u64,
    /// End (ms).
    pub to_ms: u64,
}

impl Window {
    /// Length in seconds (never zero, so rates stay finite).
    pub fn secs(&self) -> f64 {
        (self.to_ms.saturating_sub(self.from_ms) as f64 / 1000.0).max(1e-3)
    }
}

/// One claim: a sentence, the quantity it is about, and the range that quantity must fall in.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// What the claim says, in English (printed by the CLI).
    pub says: &'static str,
    /// What is measured.
    pub measure: Measure,
    /// The range the measured value must fall in.
    pub expect: Expect,
    /// When; `None` = the step's own window (from the previous step to this one) in a lesson,
    /// the whole run in a preset.
    pub window: Option<Window>,
}

/// A per-sample metric of the charts (every 100 ms of simulated time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Produce-ack latency p50, ms.
    AckP50,
    /// Produce-ack latency p99, ms.
    AckP99,
    /// End-to-end latency p99, ms.
    E2eP99,
    /// Records acknowledged per second.
    AckRate,
    /// Records consumed per second (all groups).
    ConsumeRate,
    /// Under-replicated partitions.
    UnderReplicated,
    /// Offline partitions.
    Offline,
    /// Smallest ISR of any partition.
    IsrMin,
    /// Committed lag of a group (records).
    Lag(&'static str),
}

/// How the samples of a window are reduced to one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agg {
    /// The largest sample.
    Max,
    /// The smallest sample.
    Min,
    /// The mean of the samples.
    Mean,
    /// The last sample of the window.
    Last,
}

/// Something that happens at a moment; a claim counts them.
#[derive(Clone, Debug, PartialEq)]
pub enum Happening {
    /// A leader refused a produce with this error (on one partition, or any).
    Refused(Option<Part>, ErrorCode),
    /// A partition's ISR shrank (the broker, if given, is the one left out).
    IsrShrink(Option<Part>, Option<BrokerId>),
    /// A partition's ISR grew (the broker, if given, is the one added).
    IsrExpand(Option<Part>, Option<BrokerId>),
    /// A leader was elected that is not a preferred-replica move (`true`: unclean only).
    Elected(Option<Part>, bool),
    /// A partition went offline (no leader).
    WentOffline(Option<Part>),
    /// A preferred-replica election moved a leadership back.
    PreferredElection,
    /// The controller fenced this broker.
    Fenced(BrokerId),
    /// The controller unfenced this broker.
    Unfenced(BrokerId),
    /// The controller refused this broker's registration (`DUPLICATE_BROKER_REGISTRATION`).
    RegistrationRefused(BrokerId),
    /// This broker crashed.
    Crashed(BrokerId),
    /// This broker's process started again.
    Restarted(BrokerId),
    /// Records a broker removed from its log by truncation (counts records, not events).
    TruncatedRecords(Option<BrokerId>),
    /// A group's rebalance started.
    RebalanceStarted(&'static str),
    /// A group's rebalance completed.
    RebalanceCompleted(&'static str),
    /// Partitions a group's members revoked (counts partitions).
    Revoked(&'static str),
    /// Records a producer failed to deliver for good (counts records; any producer if `None`).
    DeliveryFailed(Option<u32>),
    /// Batches a producer retried, with this error if given.
    Retried(Option<u32>, Option<ErrorCode>),
    /// An idempotent producer bumped its epoch (KIP-360).
    EpochBumped,
    /// A partition's eligible leader replicas became non-empty (KIP-966).
    ElrNonEmpty,
    /// A consumer of the group left it (session timeout, poll timeout, shutdown).
    ConsumerLeft(&'static str),
    /// A transaction of this `transactional.id` ended with ABORT markers.
    TxnAborted(&'static str),
}

/// How a transaction ended, for [`Measure::Transactions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnOutcome {
    /// Committed (COMMIT markers written).
    Committed = 0,
    /// Aborted (ABORT markers, timed-out ones included).
    Aborted = 1,
    /// A producer fenced by a newer instance of its `transactional.id`.
    Fenced = 2,
}

/// The quantity a claim is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Measure {
    /// A chart metric over the window.
    Sample(Series, Agg),
    /// How many times something happened in the window.
    Count(Happening),
    /// Records a group consumed per second over the window (all groups if `None`).
    ConsumeRate(Option<&'static str>),
    /// Records acknowledged per second over the window (to one partition if given).
    AckRate(Option<Part>),
    /// The longest stretch of the window during which the group consumed nothing, ms.
    LongestConsumeGapMs(&'static str),
    /// The longest time one of the group's partitions had no owner in the window, ms.
    LongestUnownedMs(&'static str),
    /// The smallest ISR a partition had in the window.
    IsrMin(Part),
    /// Acknowledged records lost during the window (the audit at its end minus at its start).
    AckedLost,
    /// Duplicate records that appeared during the window (one producer's, or all).
    Duplicates(Option<u32>),
    /// Records out of their producer's order in the logs, appeared during the window.
    OutOfOrder,
    /// Records consumed that were above the high watermark (must always be 0).
    ReadAboveHw,
    /// Transactions that ended so in the window (or producers fenced), from the report's
    /// `transactions`.
    Transactions(TxnOutcome),
    /// Records of aborted transactions a read_committed group received in the window (must be 0).
    AbortedRead,
    /// Input records a processor's committed output holds more than once, at the window's end
    /// (the exactly-once audit's `eos_duplicates`).
    EosDuplicates,
    /// Input records below a processor group's committed offset missing from its committed
    /// output, at the window's end (`eos_missing`).
    EosMissing,
    /// Average records per acknowledged batch (one producer's) over the window.
    RecordsPerBatch(u32),
    /// Produce batches acknowledged per second (one producer's) over the window.
    BatchesPerSec(u32),
    /// Records per poll handed to a group's application (largest in the window).
    MaxRecordsPerPoll(&'static str),
    /// Members the group's latest rebalance in the window gave no partition.
    IdleMembers(&'static str),
    /// Bytes that crossed racks per second over the window, MB/s (consumer fetches only when
    /// `true`, every kind when `false`); the cluster must have racks.
    CrossZoneMbPerS(bool),
    /// Replicas of user topics assigned to this broker when judged (as the controller has
    /// them; a run moves no replica).
    ReplicasOn(BrokerId),
    /// The fewest racks any user partition's replicas span when judged (`broker.rack` through
    /// `ClusterSpec::rack_of`; Kafka's `StripedReplicaPlacer` spreads them over
    /// min(RF, racks)); the cluster must have racks.
    RacksSpannedMin,
}

/// The range a measured value must fall in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// `value >= x`.
    AtLeast(f64),
    /// `value <= x`.
    AtMost(f64),
    /// `lo <= value <= hi`.
    Between(f64, f64),
}

impl Expect {
    /// Whether `v` is in the range.
    pub fn holds(&self, v: f64) -> bool {
        match *self {
            Expect::AtLeast(x) => v >= x,
            Expect::AtMost(x) => v <= x,
            Expect::Between(lo, hi) => v >= lo && v <= hi,
        }
    }

    /// `≥ 1`, `≤ 0`, `in [a, b]`.
    pub fn describe(&self) -> String {
        match *self {
            Expect::AtLeast(x) => format!(">= {}", num(x)),
            Expect::AtMost(x) => format!("<= {}", num(x)),
            Expect::Between(a, b) => format!("in [{}, {}]", num(a), num(b)),
        }
    }
}

/// A number without needless decimals.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

impl Measure {
    /// The unit the measured value is printed in.
    pub fn unit(&self) -> &'static str {
        match self {
            Measure::Sample(s, _) => match s {
                Series::AckP50 | Series::AckP99 | Series::E2eP99 => "ms",
                Series::AckRate | Series::ConsumeRate => "records/s",
                Series::Lag(_) => "records",
                Series::UnderReplicated | Series::Offline => "partitions",
                Series::IsrMin => "replicas",
            },
            Measure::Count(Happening::TruncatedRecords(_) | Happening::DeliveryFailed(_)) => {
                "records"
            }
            Measure::Count(Happening::Revoked(_)) => "partitions",
            Measure::Count(_) => "times",
            Measure::ConsumeRate(_) | Measure::AckRate(_) => "records/s",
            Measure::LongestConsumeGapMs(_) | Measure::LongestUnownedMs(_) => "ms",
            Measure::IsrMin(_) => "replicas",
            Measure::AckedLost
            | Measure::Duplicates(_)
            | Measure::OutOfOrder
            | Measure::ReadAboveHw
            | Measure::AbortedRead
            | Measure::EosDuplicates
            | Measure::EosMissing => "records",
            Measure::Transactions(TxnOutcome::Fenced) => "producers",
            Measure::Transactions(_) => "transactions",
            Measure::RecordsPerBatch(_) | Measure::MaxRecordsPerPoll(_) => "records",
            Measure::BatchesPerSec(_) => "batches/s",
            Measure::IdleMembers(_) => "members",
            Measure::CrossZoneMbPerS(_) => "MB/s",
            Measure::ReplicasOn(_) => "replicas",
            Measure::RacksSpannedMin => "racks",
        }
    }
}

/// Builds a claim judged on the step's (or the run's) window.
pub fn claim(says: &'static str, measure: Measure, expect: Expect) -> Claim {
    Claim {
        says,
        measure,
        expect,
        window: None,
    }
}

impl Claim {
    /// The same claim judged on `[from_ms, to_ms)`.
    pub fn during(mut self, from_ms: u64, to_ms: u64) -> Self {
        self.window = Some(Window { from_ms, to_ms });
        self
    }
}

/// The outcome of one claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The claim's sentence.
    pub says: String,
    /// The window it was judged on.
    pub window: Window,
    /// The range required (`>= 1`, …).
    pub expect: String,
    /// The value measured in the run.
    pub measured: f64,
    /// Its unit.
    pub unit: String,
    /// Whether the claim held.
    pub held: bool,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}  {} [{:.1}-{:.1} s]: measured {} {} (expected {})",
            if self.held { "held  " } else { "FAILED" },
            self.says,
            self.window.from_ms as f64 / 1000.0,
            self.window.to_ms as f64 / 1000.0,
            num(self.measured),
            self.unit,
            self.expect
        )
    }
}
