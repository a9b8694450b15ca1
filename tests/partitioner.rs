//! Producer partitioning: murmur2 key hashing and the built-in sticky / adaptive partitioner.
#![cfg(not(target_arch = "wasm32"))]

use kafka_sim::engine::partitioner::{
    murmur2, partition_for_key, to_positive, BuiltInPartitioner, PartitionLoadStats,
    PartitionQueue, PartitionSource, PartitionerConfig, PartitionerError, ProducerPartitioner,
    TopicView,
};
use kafka_sim::engine::rng::SimRng;

/// The vectors asserted by Kafka's `UtilsTest.testMurmur2` (clients/src/test/.../common/utils/
/// UtilsTest.java): the expected values are the Java test's own `int` literals.
#[test]
fn murmur2_matches_kafka_utils_test_vectors() {
    let cases: &[(&[u8], i32)] = &[
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (
            b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
            -58897971,
        ),
        (b"abc", 479470107),
    ];
    for (key, want) in cases {
        assert_eq!(
            murmur2(key),
            *want,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

/// librdkafka's `unittest_murmur2` (src/rdmurmur2.c) checks its port against the Java client
/// with these values (hex bit patterns of the Java `int`); they cover every tail length
/// (0 to 3 leftover bytes) and the empty key.
#[test]
fn murmur2_matches_librdkafka_java_compat_vectors() {
    let unaligned = b"PreAmbleWillBeRemoved,ThePrePartThatIs";
    let cases: &[(&[u8], u32)] = &[
        (b"kafka", 0xd067cf64),
        (b"giberish123456789", 0x8f552b0c),
        (b"1234", 0x9fc97b14),
        (b"234", 0xe7c009ca),
        (b"34", 0x873930da),
        (b"4", 0x5a4b5ca1),
        (unaligned, 0x78424f1c),
        (&unaligned[1..], 0x4a62b377),
        (&unaligned[2..], 0xe0e4e09e),
        (&unaligned[3..], 0x62b8b43f),
        (b"", 0x106e08d9),
    ];
    for (key, want) in cases {
        assert_eq!(
            murmur2(key),
            *want as i32,
            "murmur2({:?})",
            String::from_utf8_lossy(key)
        );
    }
}

#[test]
fn to_positive_masks_the_sign_bit() {
    assert_eq!(to_positive(5), 5);
    assert_eq!(to_positive(-1), 0x7fff_ffff);
    assert_eq!(to_positive(i32::MIN), 0);
    assert_eq!(to_positive(-973932308), 1173551340);
}

/// Expected partitions derived by hand from the hashes above:
/// `(hash & 0x7fffffff) % n`, e.g. "21": -973932308 & 0x7fffffff = 1173551340, which is
/// divisible by 3 and by 10; taking `abs` instead (a classic bug) would give 2 for n = 3.
#[test]
fn partition_for_key_is_positive_hash_mod_partitions() {
    let cases: &[(&[u8], u32, u32)] = &[
        (b"21", 3, 0),
        (b"21", 100, 40),
        (b"foobar", 10, 6),
        (b"foobar", 100, 66),
        (b"a-little-bit-long-string", 3, 2),
        (b"a-little-bit-long-string", 12, 8),
        (b"abc", 6, 3),
        (b"abc", 10, 7),
        (b"kafka", 3, 1),
        (b"kafka", 12, 4),
        (b"giberish123456789", 12, 8),
        (b"", 10, 1),
        (b"", 100, 81),
    ];
    for (key, n, want) in cases {
        assert_eq!(
            partition_for_key(key, *n),
            *want,
            "key {:?} over {n}",
            String::from_utf8_lossy(key)
        );
    }
    assert_eq!(partition_for_key(b"anything", 1), 0);
    assert_eq!(
        partition_for_key(b"anything", 0),
        0,
        "no panic without partitions"
    );
}

/// Mirrors `BuiltInPartitionerTest.testStickyPartitioning`: with a sticky batch size of 3 bytes
/// the partition holds for three 1-byte appends, then a switch happens; and switching with a
/// single partition keeps returning it.
#[test]
fn sticky_until_batch_size_then_switch() {
    let mut rng = SimRng::new(1);
    let view = TopicView::all_available(3);
    let mut p = BuiltInPartitioner::new(3).unwrap();
    let first = p.peek_partition(&mut rng, &view).unwrap();
    for i in 1..=2 {
        assert!(!p.update_partition_info(1, true, &mut rng, &view).unwrap());
        assert_eq!(p.peek_partition(&mut rng, &view).unwrap(), first);
        assert_eq!(p.produced_bytes(), i);
    }
    assert!(
        p.update_partition_info(1, true, &mut rng, &view).unwrap(),
        "switch after 3 bytes"
    );
    assert_eq!(p.produced_bytes(), 0);

    let single = TopicView::all_available(1);
    let mut b = BuiltInPartitioner::new(1).unwrap();
    for _ in 0..10 {
        assert_eq!(b.peek_partition(&mut rng, &single).unwrap(), 0);
        b.update_partition_info(1, true, &mut rng, &single).unwrap();
    }
}

/// With a batch still filling (`enable_switch = false`) the switch waits, but never beyond
/// twice `batch.size`; a deferred switch completes once the batches are full.
#[test]
fn switch_deferred_until_batch_full_capped_at_twice_batch_size() {
    let mut rng = SimRng::new(2);
    let view = TopicView::all_available(4);
    let mut p = BuiltInPartitioner::new(100).unwrap();
    p.peek_partition(&mut rng, &view).unwrap();
    assert!(!p
        .update_partition_info(150, false, &mut rng, &view)
        .unwrap());
    assert!(!p.maybe_complete_switch(false, &mut rng, &view).unwrap());
    assert!(p.maybe_complete_switch(true, &mut rng, &view).unwrap());
    assert_eq!(p.produced_bytes(), 0);
    assert!(!p
        .update_partition_info(199, false, &mut rng, &view)
        .unwrap());
    assert!(
        p.update_partition_info(1, false, &mut rng, &view).unwrap(),
        "2 * batch.size forces it"
    );
}

/// Mirrors `BuiltInPartitionerTest.unavailablePartitionsTest`: partitions without a leader
/// are never chosen while some partition has one; with none available any partition may be.
#[test]
fn only_partitions_with_a_leader_are_chosen() {
    let mut rng = SimRng::new(3);
    let a = TopicView {
        num_partitions: 3,
        available: vec![0, 2],
    };
    let mut pa = BuiltInPartitioner::new(1).unwrap();
    let first = pa.peek_partition(&mut rng, &a).unwrap();
    let mut other_seen = false;
    for _ in 0..100 {
        let p = pa.peek_partition(&mut rng, &a).unwrap();
        assert_ne!(p, 1);
        other_seen |= p != first;
        pa.update_partition_info(1, true, &mut rng, &a).unwrap();
    }
    assert!(other_seen);

    let b = TopicView {
        num_partitions: 2,
        available: vec![1],
    };
    let mut pb = BuiltInPartitioner::new(1).unwrap();
    for _ in 0..100 {
        assert_eq!(pb.peek_partition(&mut rng, &b).unwrap(), 1);
        pb.update_partition_info(1, true, &mut rng, &b).unwrap();
    }

    let c = TopicView {
        num_partitions: 1,
        available: vec![],
    };
    let mut pc = BuiltInPartitioner::new(1).unwrap();
    assert_eq!(pc.peek_partition(&mut rng, &c).unwrap(), 0);

    let empty = TopicView::default();
    let mut pe = BuiltInPartitioner::new(1).unwrap();
    assert_eq!(
        pe.peek_partition(&mut rng, &empty),
        Err(PartitionerError::NoPartitions)
    );
    assert_eq!(
        BuiltInPartitioner::new(0),
        Err(PartitionerError::InvalidBatchSize)
    );
}

/// Mirrors `BuiltInPartitionerTest.adaptivePartitionsTest`: queue sizes {5, 0, 3, 0, 1} give
/// weights `6 - size` = {1, 6, 3, 6, 5}; feeding every random number of two full ranges
/// (0 .. 2 * 21) picks each partition exactly twice its weight.
#[test]
fn adaptive_weights_are_inverse_queue_sizes() {
    let sizes = [5, 0, 3, 0, 1];
    let ids = [0, 1, 2, 3, 4];
    let stats = PartitionLoadStats::from_queue_sizes(&sizes, &ids, 5).unwrap();
    assert_eq!(stats.range_end(), 21);
    let mut freq = [0u32; 5];
    for r in 0..42 {
        freq[stats.pick(r) as usize] += 1;
    }
    assert_eq!(freq, [2, 12, 6, 12, 10]);
    // The worked example in BuiltInPartitioner: sizes 0 3 1 -> table 4 5 8.
    let ex = PartitionLoadStats::from_queue_sizes(&[0, 3, 1], &[0, 1, 2], 3).unwrap();
    let picks: Vec<u32> = (0..8).map(|r| ex.pick(r)).collect();
    assert_eq!(picks, [0, 0, 0, 0, 1, 2, 2, 2]);
}

#[test]
fn adaptive_stats_only_when_kafka_builds_them() {
    let q = |partition, queued_batches| PartitionQueue {
        partition,
        queued_batches,
        leader_known: true,
        leader_stall_ms: 0,
    };
    // Equal queues: uniform. Fewer entries than partitions, or adaptive off: uniform.
    assert_eq!(
        PartitionLoadStats::from_accumulator(true, 0, 3, &[q(0, 2), q(1, 2), q(2, 2)]),
        None
    );
    assert_eq!(
        PartitionLoadStats::from_accumulator(true, 0, 3, &[q(0, 1), q(1, 5)]),
        None
    );
    assert_eq!(
        PartitionLoadStats::from_accumulator(false, 0, 2, &[q(0, 1), q(1, 5)]),
        None
    );
    assert!(PartitionLoadStats::from_accumulator(true, 0, 2, &[q(1, 5), q(0, 1)]).is_some());
    // A partition without a leader is left out, so equal queues still go adaptive.
    let mut no_leader = q(1, 2);
    no_leader.leader_known = false;
    let s =
        PartitionLoadStats::from_accumulator(true, 0, 3, &[q(0, 2), no_leader, q(2, 2)]).unwrap();
    assert!((0..100).all(|r| s.pick(r) != 1));
    // partitioner.availability.timeout.ms: a leader stalled past it is excluded.
    let mut stalled = q(0, 3);
    stalled.leader_stall_ms = 500;
    let s =
        PartitionLoadStats::from_accumulator(true, 100, 3, &[stalled.clone(), q(1, 3), q(2, 3)])
            .unwrap();
    assert!((0..100).all(|r| s.pick(r) != 0));
    assert_eq!(
        PartitionLoadStats::from_accumulator(true, 0, 3, &[stalled, q(1, 3), q(2, 3)]),
        None
    );
    // Excluded only when stalled strictly longer than the timeout (`RecordAccumulator`:
    // `readyTimeMs - drainTimeMs > partitionAvailabilityTimeoutMs`): at exactly 100 ms the
    // partition stays in, and equal queues of all three partitions mean no stats.
    let mut at_timeout = q(0, 3);
    at_timeout.leader_stall_ms = 100;
    assert_eq!(
        PartitionLoadStats::from_accumulator(true, 100, 3, &[at_timeout, q(1, 3), q(2, 3)]),
        None
    );
    // One eligible partition of several (`BuiltInPartitioner.updatePartitionLoadStats`
    // returns early only for `length < 1`): stats with that partition alone.
    let one = PartitionLoadStats::from_queue_sizes(&[5, 7], &[3, 4], 1).unwrap();
    assert!((0..50).all(|r| one.pick(r) == 3));
    assert_eq!(
        PartitionLoadStats::from_queue_sizes(&[5, 7], &[3, 4], 0),
        None
    );
}

/// Kafka builds the queue-size table in the batch map's order, by partition id
/// (`RecordAccumulator.partitionReady`); the table, and so which partition a random number
/// picks, does not depend on the order the queues are handed over in.
#[test]
fn adaptive_stats_are_in_partition_order_whatever_the_order_of_the_queues() {
    let q = |partition, queued_batches| PartitionQueue {
        partition,
        queued_batches,
        leader_known: true,
        leader_stall_ms: 0,
    };
    let sorted = PartitionLoadStats::from_accumulator(true, 0, 3, &[q(0, 1), q(1, 2), q(2, 4)])
        .expect("unequal queues: adaptive");
    let shuffled = PartitionLoadStats::from_accumulator(true, 0, 3, &[q(2, 4), q(0, 1), q(1, 2)])
        .expect("unequal queues: adaptive");
    assert_eq!(shuffled, sorted);
    // Weights maxQueue + 1 - queue: 4, 3 and 1, so the table is 4 7 8.
    let picks: Vec<u32> = (0..8).map(|r| shuffled.pick(r)).collect();
    assert_eq!(picks, [0, 0, 0, 0, 1, 1, 1, 2]);
}

#[test]
fn adaptive_avoids_the_partition_with_a_huge_queue() {
    let mut rng = SimRng::new(7);
    let view = TopicView::all_available(4);
    let config = PartitionerConfig::default();
    let mut p = BuiltInPartitioner::new(1).unwrap();
    let queues: Vec<PartitionQueue> = [1, 1, 1, 50]
        .iter()
        .enumerate()
        .map(|(i, &n)| PartitionQueue {
            partition: i as u32,
            queued_batches: n,
            leader_known: true,
            leader_stall_ms: 0,
        })
        .collect();
    p.update_load(&config, 4, &queues);
    let mut counts = [0u32; 4];
    for _ in 0..10_000 {
        counts[p.peek_partition(&mut rng, &view).unwrap() as usize] += 1;
        p.update_partition_info(1, true, &mut rng, &view).unwrap();
    }
    // Weights 50, 50, 50, 1: partition 3 gets about 1/151 of the switches.
    assert!(counts[3] < 200, "{counts:?}");
    assert!(counts[..3].iter().all(|&c| c > 2_800), "{counts:?}");
}

#[test]
fn same_seed_same_partitions() {
    let run = |seed| {
        let mut rng = SimRng::new(seed);
        let view = TopicView::all_available(6);
        let mut p = BuiltInPartitioner::new(10).unwrap();
        (0..200)
            .map(|_| {
                let part = p.peek_partition(&mut rng, &view).unwrap();
                p.update_partition_info(4, true, &mut rng, &view).unwrap();
                part
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(42), run(42));
    assert_ne!(run(42), run(43));
}

#[test]
fn producer_partitioner_explicit_then_key_then_sticky() {
    let mut rng = SimRng::new(9);
    let view = TopicView::all_available(12);
    let mut pp = ProducerPartitioner::new(PartitionerConfig::default()).unwrap();
    let c = pp
        .partition("t", Some(5), Some(b"kafka"), &view, &mut rng)
        .unwrap();
    assert_eq!((c.partition, c.source), (5, PartitionSource::Explicit));
    assert_eq!(
        pp.partition("t", Some(12), None, &view, &mut rng),
        Err(PartitionerError::InvalidPartition {
            partition: 12,
            num_partitions: 12
        })
    );
    let c = pp
        .partition("t", None, Some(b"kafka"), &view, &mut rng)
        .unwrap();
    assert_eq!((c.partition, c.source), (4, PartitionSource::Key));
    assert!(!pp
        .after_append("t", c, 100_000, true, &view, &mut rng)
        .unwrap());
    let s = pp.partition("t", None, None, &view, &mut rng).unwrap();
    assert_eq!(s.source, PartitionSource::Sticky);
    assert_eq!(pp.partition("t", None, None, &view, &mut rng).unwrap(), s);
    assert!(pp
        .after_append("t", s, 16384, true, &view, &mut rng)
        .unwrap());

    let mut ignoring = ProducerPartitioner::new(PartitionerConfig {
        ignore_keys: true,
        ..PartitionerConfig::default()
    })
    .unwrap();
    let c = ignoring
        .partition("t", None, Some(b"kafka"), &view, &mut rng)
        .unwrap();
    assert_eq!(c.source, PartitionSource::Sticky);
    assert_eq!(
        ignoring.partition("t", None, None, &TopicView::default(), &mut rng),
        Err(PartitionerError::NoPartitions)
    );
}
