//! The operating system's page cache between a broker's log and its disk. Kafka appends to the
//! log through the page cache and acknowledges a produce once the write is in memory: it does
//! not fsync per request (the log is made durable by replication), unless `flush.messages`
//! (topic) / `log.flush.interval.messages` (broker) ask for a flush every that many records
//! (`UnifiedLog.append` → `flush`).
//!
//! Dirty pages are written back at the disk's bandwidth, continuously (a fluid model of the
//! kernel's flusher threads). While they stay under the dirty limit (`vm.dirty_ratio`, 20% of
//! memory by default) a write returns at once; above it the writer is throttled until write-back
//! has made room (`balance_dirty_pages`), so a load above the disk's bandwidth is held to it
//! once the dirty limit is reached. The cache belongs to the machine: a killed broker process
//! leaves its dirty pages to the kernel, which still writes them.

use std::collections::BTreeMap;

use crate::engine::ids::TopicPartition;
use crate::engine::time::{SimTime, SECONDS};

/// Linux's default `vm.dirty_ratio`: writers are throttled once dirty pages reach this share of
/// memory.
pub const DIRTY_RATIO_PERCENT: u64 = 20;

/// A machine's page cache, as far as writes are concerned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageCache {
    /// Dirty bytes not yet written back, as of `at`.
    dirty: f64,
    /// When `dirty` was last brought up to date.
    at: SimTime,
    /// Records appended per partition since its last flush (only for partitions whose topic
    /// flushes every N records).
    unflushed: BTreeMap<TopicPartition, u64>,
}

impl PageCache {
    /// Brings the dirty bytes up to `now`, written back at `bytes_per_s`.
    fn write_back(&mut self, now: SimTime, bytes_per_s: f64) {
        if now > self.at {
            let written = (now - self.at) as f64 * bytes_per_s / SECONDS as f64;
            self.dirty = (self.dirty - written).max(0.0);
            self.at = now;
        }
    }

    /// Writes `bytes` at `now`; returns when the write is done: at once while dirty pages stay
    /// within `dirty_limit`, else when write-back (at `bytes_per_s`) has brought them back to
    /// it.
    pub fn write(
        &mut self,
        now: SimTime,
        bytes: u64,
        dirty_limit: u64,
        bytes_per_s: f64,
    ) -> SimTime {
        self.write_back(now, bytes_per_s);
        self.dirty += bytes as f64;
        let over = self.dirty - dirty_limit as f64;
        if over <= 0.0 {
            now
        } else {
            now.saturating_add((over * SECONDS as f64 / bytes_per_s.max(1.0)) as SimTime)
        }
    }

    /// An fsync at `done` (after the write): when every dirty byte is on disk.
    pub fn flushed_at(&mut self, done: SimTime, bytes_per_s: f64) -> SimTime {
        self.write_back(done, bytes_per_s);
        let t =
            done.saturating_add((self.dirty * SECONDS as f64 / bytes_per_s.max(1.0)) as SimTime);
        self.dirty = 0.0;
        self.at = t;
        t
    }

    /// Counts `records` appended to `tp`, whose topic flushes every `every` records: whether
    /// this append triggers a flush (`UnifiedLog`: unflushed messages ≥ `flush.messages`).
    pub fn count_for_flush(&mut self, tp: TopicPartition, records: u64, every: u64) -> bool {
        let n = self.unflushed.entry(tp).or_insert(0);
        *n += records;
        if *n >= every {
            *n = 0;
            true
        } else {
            false
        }
    }

    /// Dirty bytes at `now`.
    #[cfg(test)]
    pub fn dirty_bytes(&mut self, now: SimTime, bytes_per_s: f64) -> u64 {
        self.write_back(now, bytes_per_s);
        self.dirty as u64
    }
}

impl super::BrokerDisk {
    /// Write-back bandwidth: the disk's, divided by a `slow_broker` disk factor.
    fn write_back_rate(&self) -> f64 {
        self.hardware.disk_write_bytes_per_s.max(1) as f64 / self.disk_factor.max(1.0)
    }

    /// The dirty limit: `vm.dirty_ratio` of the machine's memory.
    fn dirty_limit(&self) -> u64 {
        self.hardware.ram_bytes / 100 * DIRTY_RATIO_PERCENT
    }

    /// Records per fsync for a topic: `flush.messages`, else the broker's
    /// `log.flush.interval.messages` (`u64::MAX`-like: never).
    fn flush_every(&self, topic: u32) -> u64 {
        self.topic_configs
            .get(topic as usize)
            .and_then(|c| c.flush_messages)
            .unwrap_or(self.config.log_flush_interval_messages)
    }

    /// Counts appended records against the flush settings: whether any of these partitions is
    /// due for an fsync (checked only for topics that flush: by default none does).
    pub(super) fn flush_due<'a>(
        &mut self,
        appends: impl Iterator<Item = (TopicPartition, u64)> + 'a,
    ) -> bool {
        let mut due = false;
        for (tp, records) in appends {
            let every = self.flush_every(tp.topic);
            if every < i64::MAX as u64 {
                due |= self.page_cache.count_for_flush(tp, records, every);
            }
        }
        due
    }

    /// Appends `bytes` to the logs at `now` through the page cache; returns when the write (and
    /// the fsync, when `flush`) is done.
    pub(super) fn write_to_page_cache(&mut self, now: SimTime, bytes: u64, flush: bool) -> SimTime {
        let (limit, rate) = (self.dirty_limit(), self.write_back_rate());
        let done = self.page_cache.write(now, bytes, limit, rate);
        if flush {
            self.page_cache.flushed_at(done, rate)
        } else {
            done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::MILLIS;

    const MB: f64 = 1e6;

    #[test]
    fn writes_return_at_once_under_the_dirty_limit_and_are_throttled_above() {
        let mut pc = PageCache::default();
        // 100 MB/s disk, 10 MB dirty limit.
        let (bw, limit) = (100.0 * MB, 10_000_000);
        assert_eq!(pc.write(0, 5_000_000, limit, bw), 0);
        // 10 ms later 1 MB was written back: 4 MB dirty.
        assert_eq!(pc.dirty_bytes(10 * MILLIS, bw), 4_000_000);
        assert_eq!(pc.write(10 * MILLIS, 6_000_000, limit, bw), 10 * MILLIS);
        // 10 MB dirty now: 2 MB more wait for 2 MB to be written back (20 ms).
        assert_eq!(pc.write(10 * MILLIS, 2_000_000, limit, bw), 30 * MILLIS);
        // A sustained load above the disk is held to it: 1 s of 200 MB/s in 2 MB writes ends
        // about when the disk has written it all minus the limit.
        let mut pc = PageCache::default();
        let mut done = 0;
        for i in 0..100 {
            done = pc.write(i * 10 * MILLIS, 2_000_000, limit, bw);
        }
        let expected = ((200.0 * MB - 10.0 * MB) / bw * 1e9) as u64;
        assert!(
            done.abs_diff(expected) < 20 * MILLIS,
            "{done} vs {expected}"
        );
    }

    #[test]
    fn a_flush_waits_for_every_dirty_byte() {
        let mut pc = PageCache::default();
        let bw = 100.0 * MB;
        pc.write(0, 3_000_000, u64::MAX, bw);
        assert_eq!(pc.flushed_at(0, bw), 30 * MILLIS);
        assert_eq!(pc.dirty_bytes(30 * MILLIS, bw), 0);
        let tp = TopicPartition::new(0, 1);
        assert!(!pc.count_for_flush(tp, 4, 10));
        assert!(pc.count_for_flush(tp, 6, 10));
        assert!(!pc.count_for_flush(tp, 9, 10));
        assert!(pc.count_for_flush(TopicPartition::new(0, 2), 1, 1));
    }
}
