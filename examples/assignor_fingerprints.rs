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
//! Usage: `assignor_fingerprints CASES [FIRST] [--equal] [--show] [--assignor NAME]`. The groups
//! are larger and more lopsided than the property tests' (up to 10 members, 5 topics of up to 12
//! partitions, owned partitions from two generations, some owned twice), which is what reaches
//! the sticky assignor's `PartitionMovements` (a partition moved twice in one rebalance).
//! `--equal` gives every member the same subscription (the sticky assignor's constrained path).
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
fn group(case: u64, equal: bool) -> (BTreeMap<String, u32>, Vec<MemberSubscription>) {
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
        let generation = if r.below(5) == 0 {
            None
        } else {
            Some(1 + r.below(2) as i32)
        };
        let mut owned = Vec::new();
        for s in &subs {
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
        members.push(
            MemberSubscription::new(format!("c{}", r.below(100)), &refs)
                .with_owned(owned, generation),
        );
    }
    members.sort_by(|a, b| a.member_id.cmp(&b.member_id));
    members.dedup_by(|a, b| a.member_id == b.member_id);
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
    for case in first..first + cases {
        let (topics, members) = group(case, flag("--equal"));
        let result = assign(kind, &topics, &members);
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
