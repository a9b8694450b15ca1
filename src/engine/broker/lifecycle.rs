//! The broker's side of KRaft, as Kafka's `BrokerLifecycleManager` and `BrokerServer.startup`
//! run it (Kafka 4.0 source): register, catch up with the metadata log, ask to be unfenced, and
//! only then open the listeners.
//!
//! - **Starting:** the process registers with its new incarnation. The controller refuses it
//!   (`DUPLICATE_BROKER_REGISTRATION`) while the previous incarnation's session is still valid;
//!   the broker retries with exponential backoff (100 ms doubling up to
//!   `broker.session.timeout.ms`, `resendExponentialBackoff`). Once registered it heartbeats
//!   every 10 ms asking to stay fenced until the controller reports it caught up.
//! - **Recovery:** caught up, the broker applies its metadata image (replica roles, fetchers —
//!   replicas catch up while it is fenced) and heartbeats asking to be unfenced.
//! - **Running:** unfenced; the broker accepts connections (clients, other brokers) and
//!   heartbeats every `broker.heartbeat.interval.ms`.
//!
//! Throughout, a metadata fetcher pulls the metadata log from the controller from the offset on
//! disk; a fetch unanswered for `controller.quorum.request.timeout.ms` (2 s) is sent again, so a
//! broker that was cut off catches up when the network heals.

use super::*;
use crate::engine::ctx::Ctx;
use crate::engine::events::SimEvent;
use crate::engine::ids::CONTROLLER;
use crate::engine::protocol::{
    BrokerHeartbeat, BrokerHeartbeatReply, BrokerRegistration, BrokerRegistrationReply, ErrorCode,
    Message, MetadataFetchReply,
};
use crate::engine::time::ms;
use crate::engine::timer::{BrokerTimer, DeadlineTimer};

/// `controller.quorum.request.timeout.ms` (default 2000): a metadata fetch unanswered this long
/// is sent again.
pub const METADATA_REQUEST_TIMEOUT_MS: u64 = 2_000;

/// Heartbeat period while starting (`BrokerLifecycleManager`: 10 ms).
const STARTING_HEARTBEAT_MS: u64 = 10;

/// First registration retry delay; it doubles up to the session timeout.
const REGISTRATION_BACKOFF_MS: u64 = 100;

/// Where the broker is in its start-up (`BrokerState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BrokerState {
    /// Registering, or registered and catching up with the metadata log.
    Starting,
    /// Caught up: replicas follow their leaders; waiting to be unfenced.
    Recovery,
    /// Unfenced at least once: listeners open.
    Running,
}

/// The lifecycle manager's state.
#[derive(Clone, Debug)]
pub struct Lifecycle {
    /// Where start-up is.
    pub state: BrokerState,
    /// Broker epoch granted by the controller (`None` until registered).
    pub broker_epoch: Option<u64>,
    registration_attempts: u32,
    /// When the next heartbeat is due; one armed timer stands for it.
    heartbeat_due: SimTime,
    heartbeat_timer: DeadlineTimer,
    metadata_in_flight: Option<u64>,
    metadata_deadline: SimTime,
    metadata_timer: DeadlineTimer,
    metadata_seq: u64,
}

impl Lifecycle {
    /// A process that must register first.
    pub fn starting() -> Self {
        Lifecycle {
            state: BrokerState::Starting,
            broker_epoch: None,
            registration_attempts: 0,
            heartbeat_due: 0,
            heartbeat_timer: DeadlineTimer::default(),
            metadata_in_flight: None,
            metadata_deadline: 0,
            metadata_timer: DeadlineTimer::default(),
            metadata_seq: 0,
        }
    }
}

impl BrokerProcess {
    /// Whether the broker accepts inbound connections (clients, other brokers).
    pub fn serving(&self) -> bool {
        self.lifecycle.state == BrokerState::Running
    }

    /// Time zero: the cluster was formatted and every broker is registered and unfenced with
    /// the bootstrap metadata on disk.
    pub(super) fn start_bootstrapped(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let epoch = self
            .disk
            .metadata
            .brokers
            .get(&self.id)
            .map(|b| b.broker_epoch)
            .unwrap_or(0);
        self.lifecycle.broker_epoch = Some(epoch);
        self.lifecycle.state = BrokerState::Running;
        self.apply_whole_image(ctx);
        self.send_heartbeat(ctx);
        self.send_metadata_fetch(ctx);
    }

    /// A restart: register, fetch metadata from where the disk stopped.
    pub(super) fn start_registering(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        self.send_registration(ctx);
        self.send_metadata_fetch(ctx);
    }

    fn send_registration(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        ctx.send(
            CONTROLLER,
            Message::BrokerRegistrationRequest(BrokerRegistration {
                broker: self.id,
                incarnation: self.incarnation,
            }),
        );
        let attempt = self.lifecycle.registration_attempts.min(30);
        let cap = self.disk.config.broker_session_timeout_ms.max(1);
        let backoff = REGISTRATION_BACKOFF_MS
            .saturating_mul(1 << attempt)
            .min(cap);
        self.lifecycle.registration_attempts += 1;
        ctx.timer_in(ms(backoff), BrokerTimer::RegistrationRetry);
    }

    /// The registration retry timer: register again unless registered meanwhile.
    pub(super) fn on_registration_retry(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if self.lifecycle.broker_epoch.is_none() {
            self.send_registration(ctx);
        }
    }

    pub(super) fn on_registration_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        r: BrokerRegistrationReply,
    ) {
        if r.error != ErrorCode::None || self.lifecycle.broker_epoch.is_some() {
            return; // the armed retry timer registers again
        }
        self.lifecycle.broker_epoch = Some(r.broker_epoch);
        self.send_heartbeat(ctx);
    }

    /// The heartbeat timer: send the heartbeat if it is due (an earlier heartbeat may have
    /// moved the due time), else wait for it.
    pub(super) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let l = &mut self.lifecycle;
        if !l.heartbeat_timer.fire(ctx.now) {
            return;
        }
        if l.heartbeat_due <= ctx.now {
            self.send_heartbeat(ctx);
        } else if l.heartbeat_timer.arm(l.heartbeat_due) {
            ctx.timer_at(l.heartbeat_due, BrokerTimer::Heartbeat);
        }
    }

    /// Sends a heartbeat now and sets when the next one is due.
    pub(super) fn send_heartbeat(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let Some(epoch) = self.lifecycle.broker_epoch else {
            return;
        };
        ctx.send(
            CONTROLLER,
            Message::BrokerHeartbeatRequest(BrokerHeartbeat {
                broker: self.id,
                broker_epoch: epoch,
                metadata_offset: self.disk.metadata.offset,
                want_fence: self.lifecycle.state == BrokerState::Starting,
            }),
        );
        let period = match self.lifecycle.state {
            BrokerState::Starting => ms(STARTING_HEARTBEAT_MS),
            _ => ms(self.disk.config.broker_heartbeat_interval_ms.max(1)),
        };
        let l = &mut self.lifecycle;
        l.heartbeat_due = ctx.now.saturating_add(period);
        if l.heartbeat_timer.arm(l.heartbeat_due) {
            ctx.timer_at(l.heartbeat_due, BrokerTimer::Heartbeat);
        }
    }

    pub(super) fn on_heartbeat_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        r: BrokerHeartbeatReply,
    ) {
        if r.error != ErrorCode::None {
            return;
        }
        match self.lifecycle.state {
            BrokerState::Starting if r.is_caught_up => {
                // Caught up: the metadata publisher applies the image, replicas start
                // following, and the broker asks to be unfenced at once.
                self.lifecycle.state = BrokerState::Recovery;
                self.apply_whole_image(ctx);
                self.send_heartbeat(ctx);
            }
            BrokerState::Recovery if !r.is_fenced => {
                self.lifecycle.state = BrokerState::Running;
                ctx.event(SimEvent::BrokerServing { broker: self.id });
            }
            _ => {}
        }
    }

    /// Fetches the metadata log from the offset on disk, unless a fetch is in flight.
    pub(super) fn send_metadata_fetch(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        if self.lifecycle.metadata_in_flight.is_some() {
            return;
        }
        let l = &mut self.lifecycle;
        l.metadata_seq += 1;
        l.metadata_in_flight = Some(l.metadata_seq);
        l.metadata_deadline = ctx.now + ms(METADATA_REQUEST_TIMEOUT_MS);
        ctx.send(
            CONTROLLER,
            Message::MetadataFetchRequest {
                correlation_id: l.metadata_seq,
                broker: self.id,
                offset: self.disk.metadata.offset,
            },
        );
        if l.metadata_timer.arm(l.metadata_deadline) {
            ctx.timer_at(l.metadata_deadline, BrokerTimer::MetadataFetchTimeout);
        }
    }

    /// The metadata fetch timeout timer: an unanswered fetch is sent again.
    pub(super) fn on_metadata_fetch_timeout(&mut self, ctx: &mut Ctx<BrokerTimer>) {
        let l = &mut self.lifecycle;
        if !l.metadata_timer.fire(ctx.now) || l.metadata_in_flight.is_none() {
            return;
        }
        if l.metadata_deadline <= ctx.now {
            l.metadata_in_flight = None;
            self.send_metadata_fetch(ctx);
        } else if l.metadata_timer.arm(l.metadata_deadline) {
            ctx.timer_at(l.metadata_deadline, BrokerTimer::MetadataFetchTimeout);
        }
    }

    pub(super) fn on_metadata_fetch_response(
        &mut self,
        ctx: &mut Ctx<BrokerTimer>,
        correlation_id: u64,
        reply: MetadataFetchReply,
    ) {
        if self.lifecycle.metadata_in_flight != Some(correlation_id) {
            return;
        }
        self.lifecycle.metadata_in_flight = None;
        if reply.offset == self.disk.metadata.offset && !reply.records.is_empty() {
            self.apply_records(ctx, &reply.records);
        }
        self.send_metadata_fetch(ctx);
    }

    /// The correlation id of the metadata fetch in flight (0 if none); for tests that answer
    /// it by hand.
    #[cfg(test)]
    pub(super) fn lifecycle_fetch_in_flight(&self) -> u64 {
        self.lifecycle.metadata_in_flight.unwrap_or(0)
    }

    /// How far the broker's metadata is behind the controller's log.
    pub fn metadata_offset(&self) -> u64 {
        self.disk.metadata.offset
    }
}
