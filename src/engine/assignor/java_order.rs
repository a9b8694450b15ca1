//! Java collection orderings the Kafka assignors depend on, reproduced deterministically.
//!
//! Kafka's assignors run on `java.util.HashMap`s keyed by member id, and in places the
//! iteration order of those maps decides the outcome (which member keeps an extra partition,
//! which of several moved partitions moves back). Java's order is deterministic: buckets in
//! index order (`(h ^ (h >>> 16)) & (capacity - 1)` with `h = key.hashCode()`), entries of a
//! bucket in insertion order, the capacity starting at 16 and doubling when the size exceeds
//! 3/4 of it or when a bucket would hold a 9th entry while the capacity is below 64.
//! Buckets that Java turns into trees (9+ colliding keys at capacity >= 64) are iterated in
//! insertion order here, which can differ from Java; that needs adversarial member ids.
//! Strings compare by UTF-16 code units, as `String.compareTo`.

use super::TopicPartition;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 code units, wrapping.
pub(crate) fn string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`, wrapping.
pub(crate) fn topic_partition_hash(tp: &TopicPartition) -> i32 {
    31i32
        .wrapping_add(tp.partition as i32)
        .wrapping_mul(31)
        .wrapping_add(string_hash(&tp.topic))
}

/// `String.compareTo`: lexicographic over UTF-16 code units.
pub(crate) fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `HashMap.hash`: the key's hash with its high half folded into the low half.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

const DEFAULT_CAPACITY: usize = 16;
const TREEIFY_THRESHOLD: usize = 8;
const MIN_TREEIFY_CAPACITY: usize = 64;

/// The key order of a default-constructed `java.util.HashMap` / `HashSet` after a sequence of
/// insertions and removals (values are irrelevant to the order).
#[derive(Clone, Debug)]
pub(crate) struct JavaHashOrder<K> {
    capacity: usize,
    /// Keys with their spread hash, in insertion order; `None` once removed.
    entries: Vec<Option<(K, u32)>>,
    /// Live keys and their position in `entries`.
    index: BTreeMap<K, usize>,
    /// Live entries per bucket at the current capacity.
    bins: Vec<usize>,
}

impl<K: Ord + Clone> JavaHashOrder<K> {
    /// An empty map (`new HashMap<>()`).
    pub(crate) fn new() -> Self {
        JavaHashOrder {
            capacity: DEFAULT_CAPACITY,
            entries: Vec::new(),
            index: BTreeMap::new(),
            bins: vec![0; DEFAULT_CAPACITY],
        }
    }

    fn bucket(&self, spread_hash: u32) -> usize {
        spread_hash as usize & (self.capacity - 1)
    }

    fn grow(&mut self) {
        self.capacity *= 2;
        let mut bins = vec![0; self.capacity];
        for (_, h) in self.entries.iter().flatten() {
            bins[self.bucket(*h)] += 1;
        }
        self.bins = bins;
    }

    /// `put` of a new key (an existing key keeps its place).
    pub(crate) fn insert(&mut self, key: K, hash: i32) {
        if self.index.contains_key(&key) {
            return;
        }
        let h = spread(hash);
        let b = self.bucket(h);
        let bin_len = self.bins[b];
        self.bins[b] += 1;
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push(Some((key, h)));
        if bin_len >= TREEIFY_THRESHOLD && self.capacity < MIN_TREEIFY_CAPACITY {
            self.grow();
        }
        if self.index.len() > self.capacity / 4 * 3 {
            self.grow();
        }
    }

    /// `remove` of a key (the capacity never shrinks).
    pub(crate) fn remove(&mut self, key: &K) {
        if let Some(pos) = self.index.remove(key) {
            if let Some((_, h)) = self.entries[pos].take() {
                let b = self.bucket(h);
                self.bins[b] -= 1;
            }
        }
    }

    /// Whether the map holds no keys.
    pub(crate) fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Live entries as (bucket, insertion position, key).
    fn live(&self) -> impl Iterator<Item = (usize, usize, &K)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|(k, h)| (self.bucket(*h), i, k)))
    }

    /// The keys in Java's iteration order.
    pub(crate) fn keys(&self) -> Vec<K> {
        let mut order: Vec<(usize, usize, &K)> = self.live().collect();
        order.sort_unstable_by_key(|&(b, i, _)| (b, i));
        order.into_iter().map(|(_, _, k)| k.clone()).collect()
    }

    /// The first key of Java's iteration (`iterator().next()`).
    pub(crate) fn first(&self) -> Option<K> {
        self.live()
            .min_by_key(|&(b, i, _)| (b, i))
            .map(|(_, _, k)| k.clone())
    }
}

/// The order in which a `HashMap<String, _>` filled with `ids` (in that order) iterates them,
/// as indices into `ids`.
pub(crate) fn hash_map_order(ids: &[&str]) -> Vec<usize> {
    let mut map = JavaHashOrder::new();
    for (i, id) in ids.iter().enumerate() {
        map.insert(i, string_hash(id));
    }
    map.keys()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(ids: &[&str]) -> Vec<String> {
        hash_map_order(ids)
            .into_iter()
            .map(|i| ids[i].to_string())
            .collect()
    }

    /// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`, wrapping, worked
    /// by hand from that formula and `String.hashCode` ("t" is 116).
    #[test]
    fn topic_partition_hash_is_javas() {
        let tp = |t: &str, p| TopicPartition::new(t, p);
        assert_eq!(topic_partition_hash(&tp("t", 0)), 961 + 116);
        assert_eq!(topic_partition_hash(&tp("orders", 7)), -1_008_769_153);
        assert_eq!(
            topic_partition_hash(&tp("a-rather-long-topic-name", i32::MAX as u32)),
            -1_150_494_741
        );
    }

    /// Keys 0.. inserted with the given hashes, in Java's iteration order.
    fn order_of(hashes: &[i32]) -> Vec<usize> {
        let mut m = JavaHashOrder::new();
        for (k, &h) in hashes.iter().enumerate() {
            m.insert(k, h);
        }
        m.keys()
    }

    /// `HashMap.putVal` resizes when `++size > threshold` (12 at the default capacity 16): 12
    /// keys stay at capacity 16, where hashes 16 and 0 share bucket 0 in insertion order; the
    /// 13th doubles the capacity and hash 0 (bucket 0) comes before hash 16 (bucket 16).
    #[test]
    fn the_capacity_doubles_past_three_quarters() {
        let mut hashes = vec![16, 0];
        hashes.extend(1..=10);
        assert_eq!(order_of(&hashes)[..3], [0, 1, 2], "12 keys: capacity 16");
        hashes.push(11);
        assert_eq!(order_of(&hashes)[..3], [1, 2, 3], "13 keys: capacity 32");
        assert_eq!(*order_of(&hashes).last().unwrap(), 0);
    }

    /// At capacity 64 a 9th key in one bucket does not resize: `treeifyBin` resizes only while
    /// the table is smaller than `MIN_TREEIFY_CAPACITY` (64) and otherwise turns the bucket
    /// into a tree, whose iteration keeps the list's order (the 9th is appended before the
    /// bucket is converted). 25 keys with hashes 1..=25 take the capacity to 64; then hashes
    /// 0, 64, … 512 all land in bucket 0 and come first, in insertion order. Had it resized
    /// to 128, the odd multiples of 64 would move behind the 25.
    #[test]
    fn a_ninth_key_in_a_bucket_at_capacity_64_does_not_resize() {
        let mut hashes: Vec<i32> = (1..=25).collect();
        hashes.extend((0..9).map(|k| 64 * k));
        let order = order_of(&hashes);
        assert_eq!(order[..9], [25, 26, 27, 28, 29, 30, 31, 32, 33]);
        assert_eq!(order[9..], (0..25).collect::<Vec<_>>()[..]);
    }

    /// A 9th key in one bucket below capacity 64 resizes (`treeifyBin`); after a removal the
    /// bucket holds 7, so an 8th does not. Hashes 0, 16, … 112 share bucket 0 at capacity 16
    /// and split between buckets 0 and 16 at 32.
    #[test]
    fn a_removal_shortens_the_bucket() {
        let mut m = JavaHashOrder::new();
        assert!(m.is_empty());
        for k in 0..8usize {
            m.insert(k, 16 * k as i32);
        }
        assert!(!m.is_empty());
        m.remove(&3);
        m.insert(8, 128);
        // Still capacity 16: one bucket, in insertion order.
        assert_eq!(m.keys(), [0, 1, 2, 4, 5, 6, 7, 8]);
        m.insert(9, 144);
        // The 9th in the bucket: capacity 32, odd multiples of 16 in bucket 16.
        assert_eq!(m.keys(), [0, 2, 4, 6, 8, 1, 5, 7, 9]);
        for k in [0, 1, 2, 4, 5, 6, 7, 8, 9] {
            m.remove(&k);
        }
        assert!(m.is_empty());
    }

    // Expected orders were printed by OpenJDK's java.util.HashMap (keySet() of a
    // `new HashMap<>()` filled in the given order).
    #[test]
    fn matches_java_hash_map_iteration() {
        assert_eq!(
            order(&["consumer1", "consumer2", "consumer3"]),
            ["consumer3", "consumer2", "consumer1"]
        );
        assert_eq!(
            order(&["c1", "c2", "c3", "c4", "c5"]),
            ["c3", "c4", "c5", "c1", "c2"]
        );
        assert_eq!(
            order(&["consumer-b", "consumer-a"]),
            ["consumer-b", "consumer-a"]
        );
        let many: Vec<String> = (1..=15).map(|i| format!("consumer{i:02}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            order(&many).join(","),
            "consumer01,consumer12,consumer11,consumer10,consumer09,consumer08,consumer07,\
             consumer06,consumer05,consumer04,consumer15,consumer03,consumer14,consumer02,consumer13"
        );
        // "Aa", "BB", "C#" collide (same String.hashCode): one bucket, insertion order.
        assert_eq!(
            order(&["Aa", "BB", "C#", "D\u{4}"]),
            ["Aa", "BB", "C#", "D\u{4}"]
        );
        // Nine colliding keys force a resize (treeifyBin below capacity 64).
        let coll = [
            "AaAaAa", "AaAaBB", "AaBBAa", "AaBBBB", "BBAaAa", "BBAaBB", "BBBBAa", "BBBBBB",
            "AaAaC#", "zz",
        ];
        assert_eq!(
            order(&coll).join(","),
            "zz,AaAaAa,AaAaBB,AaBBAa,AaBBBB,BBAaAa,BBAaBB,BBBBAa,BBBBBB,AaAaC#"
        );
    }

    #[test]
    fn matches_java_hash_set_after_removals() {
        let mut set = JavaHashOrder::new();
        for i in 0..20 {
            let k = format!("t-{i}");
            let h = string_hash(&k);
            set.insert(k, h);
        }
        for i in (0..20).step_by(3) {
            set.remove(&format!("t-{i}"));
        }
        assert_eq!(
            set.keys().join(","),
            "t-14,t-17,t-16,t-11,t-10,t-13,t-19,t-2,t-1,t-4,t-5,t-8,t-7"
        );
        assert_eq!(set.first().as_deref(), Some("t-14"));
    }

    #[test]
    fn java_string_order_is_utf16() {
        // U+FF61 sorts after U+10000 in UTF-8 byte order but before it in UTF-16.
        assert_eq!(java_cmp("\u{FF61}", "\u{10000}"), Ordering::Greater);
        assert_eq!(java_cmp("a", "b"), Ordering::Less);
        assert_eq!(string_hash("Aa"), string_hash("BB"));
        // "hello".hashCode() in Java.
        assert_eq!(string_hash("hello"), 99162322);
    }
}
