//! The simulated network: per-node NIC bandwidth with queueing, per-link latency (a floor plus an
//! exponential random part), FIFO delivery per link (TCP), and cuttable links.
//!
//! A message leaving a node waits for the sender's NIC (egress serialization), crosses the link,
//! then waits for the receiver's NIC (ingress). A saturated NIC therefore delays traffic.

use super::ids::NodeId;
use super::reciprocal::Reciprocal;
use super::rng::SimRng;
use super::time::{SimTime, SECONDS};

/// One machine's network interface.
#[derive(Clone, Debug, PartialEq)]
pub struct Nic {
    /// Bandwidth each way, bits per second (already divided by any slow-down factor).
    pub bits_per_s: u64,
    /// When the egress side is free again.
    pub egress_free_at: SimTime,
    /// When the ingress side is free again.
    pub ingress_free_at: SimTime,
    /// Bytes sent so far.
    pub bytes_out: u64,
    /// Bytes received so far.
    pub bytes_in: u64,
    /// Divides by `bits_per_s` (kept in step with it; checked before use).
    per_bit: Reciprocal,
}

/// The network between all nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    nics: Vec<Nic>,
    base_bits_per_s: Vec<u64>,
    latency_min: SimTime,
    latency_jitter_mean: f64,
    /// `cut[from * n + to]`: traffic from → to is dropped.
    cut: Vec<bool>,
    /// Last arrival time per directed link (FIFO, as over one TCP connection).
    last_arrival: Vec<SimTime>,
}

impl Network {
    /// A network of `nodes` machines, each with the given NIC bandwidth, and one latency model.
    pub fn new(nodes: usize, bits_per_s: u64, latency_min: SimTime, jitter_mean: SimTime) -> Self {
        let mut net = Network {
            nics: Vec::new(),
            base_bits_per_s: Vec::new(),
            latency_min,
            latency_jitter_mean: jitter_mean as f64,
            cut: Vec::new(),
            last_arrival: Vec::new(),
        };
        for _ in 0..nodes {
            net.add_node(bits_per_s);
        }
        net
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nics.len()
    }

    /// Whether the network has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nics.is_empty()
    }

    /// Adds a node (e.g. a consumer started mid-run); returns its id.
    pub fn add_node(&mut self, bits_per_s: u64) -> NodeId {
        let old = self.nics.len();
        let n = old + 1;
        let mut cut = vec![false; n * n];
        let mut last = vec![0; n * n];
        for a in 0..old {
            for b in 0..old {
                cut[a * n + b] = self.cut[a * old + b];
                last[a * n + b] = self.last_arrival[a * old + b];
            }
        }
        self.cut = cut;
        self.last_arrival = last;
        self.nics.push(Nic {
            bits_per_s: bits_per_s.max(1),
            per_bit: Reciprocal::new(bits_per_s.max(1)),
            egress_free_at: 0,
            ingress_free_at: 0,
            bytes_out: 0,
            bytes_in: 0,
        });
        self.base_bits_per_s.push(bits_per_s.max(1));
        NodeId(old as u32)
    }

    fn idx(&self, from: NodeId, to: NodeId) -> Option<usize> {
        let n = self.nics.len();
        let (f, t) = (from.0 as usize, to.0 as usize);
        (f < n && t < n).then_some(f * n + t)
    }

    /// Whether traffic from `from` to `to` is currently dropped.
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.idx(from, to).map(|i| self.cut[i]).unwrap_or(true)
    }

    /// Cuts (or heals, with `cut = false`) traffic from `from` to `to`.
    pub fn set_cut(&mut self, from: NodeId, to: NodeId, cut: bool) {
        if let Some(i) = self.idx(from, to) {
            self.cut[i] = cut;
        }
    }

    /// Heals every link.
    pub fn heal_all(&mut self) {
        self.cut.iter_mut().for_each(|c| *c = false);
    }

    /// Slows a node's NIC by `factor` (1.0 = normal speed).
    pub fn set_slow_factor(&mut self, node: NodeId, factor: f64) {
        let i = node.0 as usize;
        if let (Some(nic), Some(&base)) = (self.nics.get_mut(i), self.base_bits_per_s.get(i)) {
            let f = if factor.is_finite() && factor >= 1.0 {
                factor
            } else {
                1.0
            };
            nic.bits_per_s = ((base as f64 / f) as u64).max(1);
            nic.per_bit = Reciprocal::new(nic.bits_per_s);
        }
    }

    /// A node's NIC.
    pub fn nic(&self, node: NodeId) -> Option<&Nic> {
        self.nics.get(node.0 as usize)
    }

    /// Time to serialize `bytes` at the NIC's bandwidth: `bytes · 8 · 10^9 / bits_per_s`
    /// nanoseconds, rounded down (by the NIC's reciprocal when the product fits 64 bits).
    fn transmit_time(bytes: u64, nic: &Nic) -> SimTime {
        let bits_per_s = nic.bits_per_s.max(1);
        match crate::engine::reciprocal::checked_mul(bytes, 8 * SECONDS) {
            Some(x) if nic.per_bit.divisor() == bits_per_s => nic.per_bit.divide(x),
            _ => ((bytes as u128 * 8 * SECONDS as u128) / bits_per_s as u128) as SimTime,
        }
    }

    /// Puts `bytes` on the wire from `from` to `to` at `now`; returns the arrival time, or `None`
    /// when the link is cut (the message is lost).
    pub fn send(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        bytes: u64,
        rng: &mut SimRng,
    ) -> Option<SimTime> {
        let link = self.idx(from, to)?;
        if self.cut[link] {
            return None;
        }
        let jitter = rng.exponential(self.latency_jitter_mean) as SimTime;
        let (f, t) = (from.0 as usize, to.0 as usize);
        let tx = Self::transmit_time(bytes, &self.nics[f]);
        let start = now.max(self.nics[f].egress_free_at);
        self.nics[f].egress_free_at = start + tx;
        self.nics[f].bytes_out += bytes;
        let on_wire = start + tx + self.latency_min + jitter;
        let rx = Self::transmit_time(bytes, &self.nics[t]);
        let rx_start = on_wire.max(self.nics[t].ingress_free_at);
        self.nics[t].ingress_free_at = rx_start + rx;
        self.nics[t].bytes_in += bytes;
        let arrival = (rx_start + rx).max(self.last_arrival[link]);
        self.last_arrival[link] = arrival;
        Some(arrival)
    }

    /// One-way latency floor (for connection-refused answers).
    pub fn latency_min(&self) -> SimTime {
        self.latency_min
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{MICROS, MILLIS};

    #[test]
    fn saturated_nic_delays_later_messages() {
        // 1 Gbit/s: 1 MB takes 8 ms to serialize.
        let mut net = Network::new(2, 1_000_000_000, 100 * MICROS, 0);
        let mut rng = SimRng::new(1);
        let a = net
            .send(0, NodeId(0), NodeId(1), 1_000_000, &mut rng)
            .unwrap();
        let b = net
            .send(0, NodeId(0), NodeId(1), 1_000_000, &mut rng)
            .unwrap();
        assert!(a >= 8 * MILLIS, "{a}");
        assert!(b >= a + 8 * MILLIS, "{a} {b}");
    }

    #[test]
    fn cut_links_drop_one_way() {
        let mut net = Network::new(2, 1_000_000_000, 0, 0);
        let mut rng = SimRng::new(1);
        net.set_cut(NodeId(0), NodeId(1), true);
        assert!(net.send(0, NodeId(0), NodeId(1), 10, &mut rng).is_none());
        assert!(net.send(0, NodeId(1), NodeId(0), 10, &mut rng).is_some());
        net.heal_all();
        assert!(net.send(0, NodeId(0), NodeId(1), 10, &mut rng).is_some());
    }

    #[test]
    fn delivery_is_fifo_per_link_despite_jitter() {
        let mut net = Network::new(2, 10_000_000_000, 50 * MICROS, 200 * MICROS);
        let mut rng = SimRng::new(9);
        let mut last = 0;
        for i in 0..1000 {
            let t = net
                .send(i * 1000, NodeId(0), NodeId(1), 100, &mut rng)
                .unwrap();
            assert!(t >= last);
            last = t;
        }
    }

    #[test]
    fn transmit_time_is_the_exact_quotient() {
        let mut net = Network::new(1, 1_000_000_007, MICROS, 0);
        for factor in [1.0, 3.7, 1000.0] {
            net.set_slow_factor(NodeId(0), factor);
            let nic = net.nic(NodeId(0)).unwrap().clone();
            for bytes in [0u64, 1, 99, 16_384, 1 << 20, 123_456_789, u64::MAX / 8] {
                let exact = (bytes as u128 * 8 * SECONDS as u128 / nic.bits_per_s as u128) as u64;
                assert_eq!(
                    Network::transmit_time(bytes, &nic),
                    exact,
                    "{bytes} B, x{factor}"
                );
            }
        }
    }
}
