//! The follower side of replication: one fetcher per leader broker (`num.replica.fetchers` = 1),
//! fetching every partition this broker follows from that leader, truncating on divergence
//! (KIP-101 leader epochs) and appending what the leader returns.

use std::collections::BTreeSet;

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::NodeId;
use crate::engine::protocol::{ErrorCode, FetchPartition, FetchPartitionData, Message};
use crate::engine::time::ms;
use crate::engine::timer::{BrokerTimer, DeadlineTimer};

/// How long a follower fetch may go unanswered before it is retried
/// (`replica.socket.timeout.ms`, default 30000).
const REPLICA_SOCKET_TIMEOUT_MS: u64 = 30_000;

/// A follower fetcher thread for one leader.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FetcherState {
    /// Partitions fetched from this leader.
    partitions: BTreeSet<TopicPartition>,
    /// The partitions of the next fetch request as last built, in `partitions` order: what
    /// Kafka's `AbstractFetcherThread.buildFetch` rebuilds for every request. Kept between
    /// fetches so that a request costs a copy, and only entries whose partition changed since
    /// (`stale`) are rebuilt; `rebuild` when partitions came or went (or the configured
    /// `replica.fetch.max.bytes` changed).
    request: Vec<FetchPartition>,
    /// Partitions whose entry in `request` may be out of date (their log or epoch changed).
    stale: Vec<TopicPartition>,
    /// `request` must be built from scratch.
    rebuild: bool,
    /// Sequence number of the fetch in flight.
    pub in_flight: Option<u64>,
    /// When the fetch in flight counts as lost (`replica.socket.timeout.ms` after sending).
    in_flight_deadline: SimTime,
    /// One timer watching `in_flight_deadline` across fetches.
    timeout_timer: DeadlineTimer,
    /// No fetch before this time (after an error: `replica.fetch.backoff.ms`).
    pub backoff_until: SimTime,
    seq: u64,
}

impl FetcherState {
    /// The partitions fetched from this leader.
    pub fn partitions(&self) -> &BTreeSet<TopicPartition> {
        &self.partitions
    }

    /// Starts fetching `tp` from this leader.
    pub(super) fn add(&mut self, tp: TopicPartition) {
        if self.partitions.insert(tp) {
            self.rebuild = true;
        }
    }

    /// Stops fetching `tp` from this leader.
    pub(super) fn remove(&mut self, tp: &TopicPartition) {
        if self.partitions.remove(tp) {
            self.rebuild = true;
        }
    }

    /// `tp`'s log or leader epoch changed: its entry in the next request is rebuilt.
    fn touch(&mut self, tp: TopicPartition) {
        if !self.rebuild {
            self.stale.push(tp);
        }
    }
}

/// One partition's entry in a follower fetch: fetch from the log end, with the leader epoch
/// this replica knows and the epoch of its last batch (KIP-320, KIP-595).
fn fetch_entry(
    replicas: &TpMap<ReplicaState>,
    logs: &TpMap<crate::engine::log::PartitionLog>,
    tp: TopicPartition,
    max_bytes: u64,
) -> Option<FetchPartition> {
    let r = replicas.get(&tp)?;
    let log = logs.get(&tp)?;
    Some(FetchPartition {
        tp,
        fetch_offset: log.log_end_offset(),
        current_leader_epoch: r.leader_epoch,
        last_fetched_epoch: log.last_epoch(),
        partition_max_bytes: max_bytes,
    })
}

impl BrokerProcess {
    /// Brings fetcher `leader`'s request up to date: the stale entries rebuilt in place (or all
    /// of them). Entries are those of `partitions` that have a replica and a log, in order.
    fn refresh_request(&mut self, leader: BrokerId) {
        let max_part = self.disk.config.replica_fetch_max_bytes;
        let (replicas, logs) = (&self.replicas, &self.disk.logs);
        let Some(f) = self.fetchers.get_mut(&leader) else {
            return;
        };
        if f.request
            .first()
            .is_some_and(|p| p.partition_max_bytes != max_part)
        {
            f.rebuild = true;
        }
        if f.rebuild {
            f.request.clear();
            f.request.extend(
                f.partitions
                    .iter()
                    .filter_map(|&tp| fetch_entry(replicas, logs, tp, max_part)),
            );
            f.rebuild = false;
        } else {
            for tp in f.stale.iter() {
                let Ok(i) = f.request.binary_search_by(|p| p.tp.cmp(tp)) else {
                    // Not in the request: it had no replica or log when last built.
                    if f.partitions.contains(tp)
                        && fetch_entry(replicas, logs, *tp, max_part).is_some()
                    {
                        f.rebuild = true;
                    }
                    continue;
                };
                match fetch_entry(replicas, logs, *tp, max_part) {
                    Some(p) => f.request[i] = p,
                    None => f.rebuild = true,
                }
            }
            if f.rebuild {
                f.stale.clear();
                return self.refresh_request(leader);
            }
        }
        f.stale.clear();
        #[cfg(debug_assertions)]
        {
            let fresh: Vec<FetchPartition> = f
                .partitions
                .iter()
                .filter_map(|&tp| fetch_entry(replicas, logs, tp, max_part))
                .collect();
            debug_assert_eq!(
                f.request, fresh,
                "fetcher {leader}: kept request out of date"
            );
        }
    }

    /// Sends a fetch from every idle fetcher that has partitions.
    pub(super) fn kick_fetchers(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let leaders: Vec<BrokerId> = self.fetchers.keys().copied().collect();
        for l in leaders {
            self.send_follower_fetch(ctx, l);
        }
    }

    pub(super) fn send_follower_fetch(&mut self, ctx: &mut Ctx<BrokerTimer>, leader: BrokerId) {
        let me = self.id;
        let Some(f) = self.fetchers.get(&leader) else {
            return;
        };
        if f.in_flight.is_some() || f.partitions.is_empty() || ctx.now < f.backoff_until {
            return;
        }
        self.refresh_request(leader);
        let cfg = &self.disk.config;
        let Some(f) = self.fetchers.get_mut(&leader) else {
            return;
        };
        let partitions = f.request.clone();
        f.seq += 1;
        let seq = f.seq;
        f.in_flight = Some(seq);
        let deadline = ctx.now.saturating_add(ms(
            REPLICA_SOCKET_TIMEOUT_MS.saturating_add(cfg.replica_fetch_wait_max_ms)
        ));
        f.in_flight_deadline = deadline;
        let arm = f.timeout_timer.arm(deadline);
        ctx.send(
            NodeId(leader),
            Message::FetchRequest {
                read_committed: false,
                correlation_id: seq,
                replica_id: Some(me),
                max_wait_ms: cfg.replica_fetch_wait_max_ms,
                min_bytes: cfg.replica_fetch_min_bytes,
                max_bytes: cfg.replica_fetch_response_max_bytes,
                partitions,
                rack_id: None,
            },
        );
        if arm {
            ctx.timer_at(deadline, BrokerTimer::FollowerFetchTimeout { leader });
        }
    }

    /// The fetcher's timeout timer fired: a fetch unanswered past its deadline is given up and
    /// sent again; otherwise the timer is re-armed for the fetch now in flight.
    pub(super) fn on_fetcher_timeout_timer(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        leader: BrokerId,
    ) {
        let Some(f) = self.fetchers.get_mut(&leader) else {
            return;
        };
        if !f.timeout_timer.fire(ctx.now) || f.in_flight.is_none() {
            return;
        }
        if f.in_flight_deadline <= ctx.now {
            f.in_flight = None; // timed out
            self.send_follower_fetch(ctx, leader);
        } else if f.timeout_timer.arm(f.in_flight_deadline) {
            ctx.timer_at(
                f.in_flight_deadline,
                BrokerTimer::FollowerFetchTimeout { leader },
            );
        }
    }

    /// The fetch `seq` to `leader` failed (peer down): back off `replica.fetch.backoff.ms`.
    pub(super) fn fetcher_failed(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        leader: BrokerId,
        seq: u64,
    ) {
        let in_flight = self
            .fetchers
            .get(&leader)
            .map(|f| f.in_flight == Some(seq))
            .unwrap_or(false);
        if in_flight {
            if let Some(f) = self.fetchers.get_mut(&leader) {
                f.in_flight = None;
            }
            self.fetcher_back_off(ctx, leader);
        }
    }

    pub(super) fn on_follower_fetch_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        from: NodeId,
        seq: u64,
        partitions: Vec<FetchPartitionData>,
    ) {
        let leader = from.0;
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.in_flight == Some(seq) => f.in_flight = None,
            _ => return,
        }
        let me = self.id;
        let mut error = false;
        let mut appended_bytes = 0u64;
        let mut appended_records = 0u64;
        let mut flush = false;
        for data in partitions {
            let still_following = match self.fetchers.get_mut(&leader) {
                Some(f) if f.partitions.contains(&data.tp) => {
                    // Whatever the answer does to the log, the next request's entry follows it.
                    f.touch(data.tp);
                    true
                }
                _ => false,
            };
            let (Some(r), Some(log)) = (
                self.replicas.get(&data.tp),
                self.disk.logs.get_mut(&data.tp),
            ) else {
                continue;
            };
            if !still_following || r.role != Role::Follower(Some(leader)) {
                continue;
            }
            if data.error != ErrorCode::None {
                error = true;
                continue;
            }
            if let Some(div) = data.diverging_epoch {
                // KIP-279: truncate as far as this answer settles; if it does not, the next
                // fetch carries the older epoch and the leader answers again.
                let (to, _settled) = log.truncation_point(div);
                let removed = log.truncate_to(to);
                if !removed.is_empty() {
                    ctx.event(SimEvent::LogTruncated {
                        broker: me,
                        tp: data.tp,
                        to_offset: log.log_end_offset(),
                        removed,
                    });
                }
                continue;
            }
            let before = log.log_end_offset();
            log.append_as_follower(&data.batches);
            if !data.payloads.is_empty() {
                log.append_payloads_as_follower(&data.payloads);
            }
            let (bytes, records) = data
                .batches
                .iter()
                .filter(|b| b.base_offset >= before)
                .fold((0u64, 0u64), |(b, n), x| {
                    (b + x.bytes as u64, n + x.record_count as u64)
                });
            appended_bytes += bytes;
            appended_records += records;
            let hw = data.high_watermark.min(log.log_end_offset());
            log.set_high_watermark(hw);
            if records > 0 {
                flush |= self.disk.flush_due(std::iter::once((data.tp, records)));
            }
        }
        if error {
            self.fetcher_back_off(ctx, leader);
        } else if appended_bytes > 0 {
            // The fetcher thread appends what it fetched before fetching again (CPU per
            // request and per record, as a leader's append; `ReplicaFetcherThread` validates
            // and appends synchronously), through the page cache, so the disk paces
            // replication only once its dirty limit is reached (or with a flush every N
            // records).
            let hw = &self.disk.hardware;
            let cpu = hw.cpu_ns_per_request + hw.cpu_ns_per_record * appended_records;
            let done = self
                .disk
                .write_to_page_cache(ctx.now + cpu, appended_bytes, flush);
            if let Some(f) = self.fetchers.get_mut(&leader) {
                f.backoff_until = done;
            }
            // An append shorter than the timer resolution (20 µs) does not delay the next fetch
            // by a separate event (the fetcher thread is not a shared resource: nothing else
            // waits for it).
            if done <= ctx.now + 20 * crate::engine::time::MICROS {
                if let Some(f) = self.fetchers.get_mut(&leader) {
                    f.backoff_until = ctx.now;
                }
                self.send_follower_fetch(ctx, leader);
            } else {
                ctx.timer_at(done, BrokerTimer::FollowerFetch { leader });
            }
        } else {
            self.send_follower_fetch(ctx, leader);
        }
    }

    /// No fetch to `leader` before `replica.fetch.backoff.ms` from now.
    fn fetcher_back_off(&mut self, ctx: &mut Ctx<BrokerTimer>, leader: BrokerId) {
        let backoff = ms(self.disk.config.replica_fetch_backoff_ms);
        if let Some(f) = self.fetchers.get_mut(&leader) {
            f.backoff_until = ctx.now.saturating_add(backoff);
            ctx.timer_at(f.backoff_until, BrokerTimer::FollowerFetch { leader });
        }
    }
}
