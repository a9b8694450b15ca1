//! Differential search for the assignors: prints one fingerprint per random group, so two builds
//! (say, the code and a surviving `cargo mutants` mutant of it) can be compared case by case.
//!
//! ```text
//! cargo run --release --example assignor_fingerprints -- 200000 > a.txt
//! # apply the mutant, build again
//! cargo run --release --example assignor_fingerprints -- 200000 > b.txt
//! diff a.txt b.txt | head            # the first group where they differ, if any
//! cargo run --release --example assignor_fingerprints -- 1 274 --show   # print that group
//! ```
//!
//! Usage: `assignor_fingerprints CASES [FIRST] [--equal | --stale | --nogen | --static] [--show] [--dump] [--assignor NAME]`. The groups
//! are larger and more lopsided than the property tests' (up to 10 members, 5 topics of up to 12
//! partitions, owned partitions from two generations, some owned twice), which is what reaches
//! the sticky assignor's `PartitionMovements` (a partition moved twice in one rebalance).
//! `--equal` gives every member the same subscription (the sticky assignor's constrained path);
//! `--stale` lets members own partitions of topics they no longer subscribe to, from up to three
//! generations (the general path's previous-owner rules); `--nogen` gives no member a
//! generation; `--static` makes about half the members static (`group.instance.id`). `--dump` prints each case and its
//! result as a text block, the input of the Kafka comparison described in
//! `tests/assignors_kafka.rs`.
//! Each case is seeded by its number alone, so a case is reproducible on its own.

use kafka_sim::engine::assignor::{assign, AssignorKind, MemberSubscription, TopicPartition};
use std::collections::{BTreeMap, BTreeSet};

/// xorshift64: the case's only source of randomness.
struct CaseRng(u64);

impl CaseRng {
    fn new(case: u64) -> Self {
        CaseRng(case.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number below `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The group of case `case`: topics and members (sorted by id, unique ids).
/// How a case's groups are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Random subscriptions; owned partitions of subscribed topics, generations 1–2 or none.
    Plain,
    /// `--equal`: every member subscribes to every topic.
    Equal,
    /// `--stale`: also owned partitions of topics no longer subscribed, generations 1–3.
    Stale,
    /// `--nogen`: as plain, but no member reports a generation.
    NoGeneration,
    /// `--static`: as plain, and about half the members are static (KIP-345
    /// `group.instance.id`), which orders members for range and roundrobin.
    Static,
}

impl Mode {
    fn from_args(flag: impl Fn(&str) -> bool) -> Self {
        match () {
            _ if flag("--equal") => Mode::Equal,
            _ if flag("--stale") => Mode::Stale,
            _ if flag("--nogen") => Mode::NoGeneration,
            _ if flag("--static") => Mode::Static,
            _ => Mode::Plain,
        }
    }

    /// The word `--dump` adds to a case's header.
    fn label(self) -> &'static str {
        match self {
            Mode::Plain => "",
            Mode::Equal => " equal",
            Mode::Stale => " stale",
            Mode::NoGeneration => " nogen",
            Mode::Static => " static",
        }
    }
}

fn group(case: u64, mode: Mode) -> (BTreeMap<String, u32>, Vec<MemberSubscription>) {
    let (equal, stale) = (mode == Mode::Equal, mode == Mode::Stale);
    let mut r = CaseRng::new(case);
    let topics: BTreeMap<String, u32> = (0..1 + r.below(5))
        .map(|i| (format!("t{i}"), 1 + r.below(12) as u32))
        .collect();
    let names: Vec<String> = topics.keys().cloned().collect();
    let n = 2 + r.below(9) as usize;
    let lopsided = r.below(3);
    let mut taken = BTreeSet::new();
    let mut members = Vec::new();
    for i in 0..n {
        let mut subs: Vec<String> = names.iter().filter(|_| r.below(3) != 0).cloned().collect();
        if equal {
            subs = names.clone();
        }
        if subs.is_empty() {
            subs.push(names[r.below(names.len() as u64) as usize].clone());
        }
        let generation = if r.below(5) == 0 || mode == Mode::NoGeneration {
            None
        } else {
            Some(1 + r.below(if stale { 3 } else { 2 }) as i32)
        };
        let mut owned = Vec::new();
        // `--stale`: a member may still own partitions of topics it no longer subscribes to
        // (it changed its subscription), which only the previous-owner rules look at.
        let owned_topics = if stale { &names } else { &subs };
        for s in owned_topics {
            for p in 0..topics[s] {
                let tp = TopicPartition::new(s.clone(), p);
                let keep = match lopsided {
                    0 => r.below(n as u64) == 0,
                    1 => i < 2 && r.below(2) == 0,
                    _ => r.below(3) == 0,
                };
                // Mostly a partition has one owner; one in eight is claimed twice.
                if keep && (r.below(8) == 0 || taken.insert(tp.clone())) {
                    owned.push(tp);
                }
            }
        }
        let refs: Vec<&str> = subs.iter().map(String::as_str).collect();
        let mut m = MemberSubscription::new(format!("c{}", r.below(100)), &refs)
            .with_owned(owned, generation);
        if mode == Mode::Static && r.below(2) == 0 {
            m = m.with_instance_id(format!("i{}", r.below(100)));
        }
        members.push(m);
    }
    members.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    members.dedup_by(|a, b| a.member_id == b.member_id);
    // A group.instance.id belongs to one member.
    let mut instances = BTreeSet::new();
    for m in &mut members {
        if let Some(i) = &m.group_instance_id {
            if !instances.insert(i.clone()) {
                m.group_instance_id = None;
            }
        }
    }
    (topics, members)
}

/// FNV-1a over the text of the result: stable across builds and runs.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn short(tps: &[TopicPartition]) -> Vec<String> {
    tps.iter()
        .map(|p| format!("{}-{}", p.topic, p.partition))
        .collect()
}

/// One case as a text block (`# case N ASSIGNOR [MODE]`, `topics`, one `member` line each, our result
/// as `ours` lines, a blank line): the input of a Kafka-side driver that appends Kafka's own
/// result as `kafka` lines, which makes the block a vector for `tests/assignors_kafka.rs`.
fn dump(
    case: u64,
    mode: &str,
    kind: AssignorKind,
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    result: &Result<
        kafka_sim::engine::assignor::Assignment,
        kafka_sim::engine::assignor::AssignError,
    >,
) {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(",")
        }
    };
    println!("# case {case} {}{mode}", kind.name());
    let t: Vec<String> = topics.iter().map(|(t, n)| format!("{t}:{n}")).collect();
    println!("topics {}", t.join(" "));
    for m in members {
        let generation = m.generation.map_or("-".to_string(), |g| g.to_string());
        let instance = m
            .group_instance_id
            .as_ref()
            .map_or(String::new(), |i| format!(" instance {i}"));
        println!(
            "member {} gen {generation} subscribes {} owns {}{instance}",
            m.member_id,
            m.topics.join(","),
            list(short(&m.owned_partitions))
        );
    }
    match result {
        Ok(a) => a
            .iter()
            .for_each(|(m, tps)| println!("ours {m} {}", list(short(tps)))),
        Err(e) => println!("ours-error {e}"),
    }
    println!();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let kind: AssignorKind = args
        .iter()
        .position(|a| a == "--assignor")
        .and_then(|i| args.get(i + 1))
        .map(|s| {
            s.parse()
                .expect("--assignor: range, roundrobin, sticky, cooperative-sticky")
        })
        .unwrap_or(AssignorKind::Sticky);
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let cases = numbers.first().copied().unwrap_or(1000);
    let first = numbers.get(1).copied().unwrap_or(0);
    let mode = Mode::from_args(flag);
    for case in first..first + cases {
        let (topics, members) = group(case, mode);
        let result = assign(kind, &topics, &members);
        if flag("--dump") {
            dump(case, mode.label(), kind, &topics, &members, &result);
            continue;
        }
        if flag("--show") {
            println!("topics {topics:?}");
            for m in &members {
                println!(
                    "  {} subscribes {:?}, generation {:?}, owned {:?}",
                    m.member_id,
                    m.topics,
                    m.generation,
                    short(&m.owned_partitions)
                );
            }
            match &result {
                Ok(a) => a
                    .iter()
                    .for_each(|(m, tps)| println!("  {m} gets {:?}", short(tps))),
                Err(e) => println!("  error: {e}"),
            }
        }
        println!("{case} {:016x}", fingerprint(&format!("{result:?}")));
    }
}
