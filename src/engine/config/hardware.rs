//! Machine profiles: what limits throughput and adds latency on the brokers (and on the client
//! machines, which perf-test and scenarios run on the same kind of machine).
//!
//! `modest` and `cloud` are generic. `linkedin-2014` and `confluent-2020` reproduce the test beds
//! of two published Kafka benchmarks; the README's calibration table says where each number
//! comes from and which ones were fitted to the published results.

use serde::{Deserialize, Serialize};

/// A machine's capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HardwareProfile {
    /// Profile name (a built-in one, or a scenario's own).
    pub name: String,
    /// NIC bandwidth each way, bits per second.
    pub nic_bits_per_s: u64,
    /// Sustained disk write throughput, bytes per second (page-cache write-back and fsyncs).
    pub disk_write_bytes_per_s: u64,
    /// Sustained disk read throughput, bytes per second (reads that miss the page cache).
    pub disk_read_bytes_per_s: u64,
    /// CPU time per request handled, nanoseconds.
    pub cpu_ns_per_request: u64,
    /// CPU time per record handled, nanoseconds.
    pub cpu_ns_per_record: u64,
    /// One-way network latency floor between two machines, nanoseconds.
    pub net_latency_min_ns: u64,
    /// Mean of the random (exponential) part of one-way latency, nanoseconds.
    pub net_latency_jitter_ns: u64,
    /// Memory, bytes: the page cache may hold up to `vm.dirty_ratio` (20%) of it in dirty
    /// pages before writers wait for the disk.
    #[serde(default = "default_ram_bytes")]
    pub ram_bytes: u64,
    /// A client application's CPU time per `send()` (serialization, partitioner, append),
    /// nanoseconds: what bounds one producer thread sending as fast as it can.
    #[serde(default = "default_send_ns")]
    pub client_ns_per_record: u64,
    /// Stop-the-world pause of a broker's JVM (young-generation GC), nanoseconds; 0 = none.
    #[serde(default)]
    pub gc_pause_ns: u64,
    /// Time between two such pauses, nanoseconds.
    #[serde(default)]
    pub gc_interval_ns: u64,
}

fn default_ram_bytes() -> u64 {
    HardwareProfile::cloud().ram_bytes
}

fn default_send_ns() -> u64 {
    HardwareProfile::cloud().client_ns_per_record
}

impl HardwareProfile {
    /// A modest on-premise machine: 1 GbE, one spinning disk, older CPU, 16 GB of memory.
    pub fn modest() -> Self {
        HardwareProfile {
            name: "modest".into(),
            nic_bits_per_s: 1_000_000_000,
            disk_write_bytes_per_s: 120_000_000,
            disk_read_bytes_per_s: 120_000_000,
            cpu_ns_per_request: 40_000,
            cpu_ns_per_record: 400,
            net_latency_min_ns: 200_000,
            net_latency_jitter_ns: 100_000,
            ram_bytes: 16_000_000_000,
            client_ns_per_record: 700,
            gc_pause_ns: 0,
            gc_interval_ns: 0,
        }
    }

    /// A modern cloud instance: 25 Gbps network, NVMe disk, 64 GB of memory.
    pub fn cloud() -> Self {
        HardwareProfile {
            name: "cloud".into(),
            nic_bits_per_s: 25_000_000_000,
            disk_write_bytes_per_s: 2_000_000_000,
            disk_read_bytes_per_s: 3_000_000_000,
            cpu_ns_per_request: 10_000,
            cpu_ns_per_record: 60,
            net_latency_min_ns: 60_000,
            net_latency_jitter_ns: 40_000,
            ram_bytes: 64_000_000_000,
            client_ns_per_record: 700,
            gc_pause_ns: 0,
            gc_interval_ns: 0,
        }
    }

    /// The test bed of Kreps, "Benchmarking Apache Kafka: 2 Million Writes Per Second (On Three
    /// Cheap Machines)", LinkedIn, 2014: six-core 2.5 GHz Xeon, six 7200 rpm SATA drives, 32 GB
    /// of memory, Java 7 with its GC pauses. See the README for each number's source.
    pub fn linkedin_2014() -> Self {
        HardwareProfile {
            name: "linkedin-2014".into(),
            // Fitted: the published 3-producer result puts ~200 MB/s into every broker (as
            // leader or follower), more than one 1 GbE port carries; see the README.
            nic_bits_per_s: 5_000_000_000,
            // Six 7200 rpm SATA drives at ~100 MB/s each.
            disk_write_bytes_per_s: 600_000_000,
            disk_read_bytes_per_s: 600_000_000,
            cpu_ns_per_request: 50_000,
            // Fitted to the acks=all row (Java 7, message format v0 validated per message).
            cpu_ns_per_record: 2_500,
            // Fitted to the end-to-end p50 and p99 (2 and 3 ms).
            net_latency_min_ns: 350_000,
            net_latency_jitter_ns: 120_000,
            ram_bytes: 32_000_000_000,
            // Fitted to the no-replication row: one producer thread's send() cost.
            client_ns_per_record: 1_150,
            // Fitted to the end-to-end p99.9 (14 ms): a young-generation pause now and then.
            gc_pause_ns: 16_000_000,
            gc_interval_ns: 5_000_000_000,
        }
    }

    /// The test bed of Confluent's "Benchmarking Apache Kafka, Apache Pulsar, and RabbitMQ:
    /// Which is the Fastest?" (2020): AWS i3en.2xlarge brokers (8 vCPU, 64 GB, two NVMe SSDs,
    /// up to 25 Gbps). See the README for each number's source.
    pub fn confluent_2020() -> Self {
        HardwareProfile {
            name: "confluent-2020".into(),
            // "Up to 25 Gbps".
            nic_bits_per_s: 25_000_000_000,
            // Fitted to the published peak (605 MB/s): Kafka's sustained throughput there is
            // bounded by the disks' write-back once the page cache's dirty limit is reached.
            disk_write_bytes_per_s: 650_000_000,
            disk_read_bytes_per_s: 2_000_000_000,
            cpu_ns_per_request: 20_000,
            cpu_ns_per_record: 300,
            net_latency_min_ns: 50_000,
            net_latency_jitter_ns: 25_000,
            ram_bytes: 64_000_000_000,
            client_ns_per_record: 1_000,
            // Fitted to the end-to-end p99 at 200 MB/s (5 ms): frequent short young-generation
            // pauses under that allocation rate.
            gc_pause_ns: 5_000_000,
            gc_interval_ns: 300_000_000,
        }
    }

    /// Looks a built-in profile up by name.
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "modest" => Some(Self::modest()),
            "cloud" => Some(Self::cloud()),
            "linkedin-2014" => Some(Self::linkedin_2014()),
            "confluent-2020" => Some(Self::confluent_2020()),
            _ => None,
        }
    }

    /// Names of the built-in profiles.
    pub const BUILT_IN: [&'static str; 4] = ["modest", "cloud", "linkedin-2014", "confluent-2020"];

    /// When a process paused by this profile's GC at `t` can run again: `t` itself outside a
    /// pause. Pauses are periodic, with a phase per broker (`phase_seed`) so the brokers do not
    /// pause together.
    pub fn after_gc_pause(&self, t: u64, phase_seed: u32) -> u64 {
        if self.gc_pause_ns == 0 || self.gc_interval_ns == 0 {
            return t;
        }
        let interval = self.gc_interval_ns;
        // Spread the brokers' phases over the interval (golden-ratio steps).
        let phase = (u64::from(phase_seed).wrapping_mul(0x9E37_79B9) % 1_000) * interval / 1_000;
        let into = t.wrapping_add(interval - phase % interval) % interval;
        if into < self.gc_pause_ns {
            t + (self.gc_pause_ns - into)
        } else {
            t
        }
    }
}

impl Default for HardwareProfile {
    fn default() -> Self {
        Self::cloud()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gc_pauses_are_periodic_and_push_work_to_their_end() {
        let h = HardwareProfile {
            gc_pause_ns: 10,
            gc_interval_ns: 100,
            ..HardwareProfile::cloud()
        };
        let paused: Vec<u64> = (0..300).filter(|&t| h.after_gc_pause(t, 3) != t).collect();
        assert_eq!(paused.len(), 30, "{paused:?}");
        for &t in &paused {
            let end = h.after_gc_pause(t, 3);
            assert!(end > t && end - t <= 10 && h.after_gc_pause(end, 3) == end);
        }
        assert_eq!(HardwareProfile::cloud().after_gc_pause(5, 3), 5);
        for name in HardwareProfile::BUILT_IN {
            assert_eq!(
                HardwareProfile::by_name(name).map(|h| h.name),
                Some(name.to_string())
            );
        }
    }
}
