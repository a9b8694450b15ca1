//! Broker registration and liveness, as Kafka's `ClusterControlManager` and
//! `BrokerHeartbeatManager` keep them (Kafka 4.0 source, metadata module).
//!
//! - `registerBroker`: a registration from a new incarnation is refused with
//!   `DUPLICATE_BROKER_REGISTRATION` while the previous incarnation has a valid session
//!   (unfenced, and heard from within `broker.session.timeout.ms`). An accepted new incarnation
//!   gets a new broker epoch (the offset of its `RegisterBrokerRecord`), starts fenced, and —
//!   as an unclean shutdown — leaves every ISR and ELR (`handleBrokerUncleanShutdown`).
//! - `calculateNextBrokerState`: a fenced broker that no longer asks to be fenced is unfenced
//!   once its metadata offset has reached its registration record (it has caught up).
//! - `maybeFenceOneStaleBroker`: a broker silent for longer than the session timeout is fenced:
//!   it leaves every ISR and its leaderships move (`handleBrokerFenced`).

use super::*;
use crate::engine::events::SimEvent;
use crate::engine::protocol::{
    BrokerHeartbeat, BrokerHeartbeatReply, BrokerRegistration, BrokerRegistrationReply, ErrorCode,
};

impl Controller {
    /// `hasValidSession`: registered, unfenced, and heard from within the session timeout.
    fn has_valid_session(&self, broker: BrokerId, now: SimTime) -> bool {
        self.brokers.get(&broker).is_some_and(|r| {
            !r.fenced
                && r.last_contact
                    .saturating_add(ms(self.config.broker_session_timeout_ms))
                    >= now
        })
    }

    pub(super) fn on_registration(
        &mut self,
        ctx: &mut Ctx<ControllerTimer>,
        from: NodeId,
        req: BrokerRegistration,
    ) {
        let broker = req.broker;
        let previous = self.brokers.get(&broker).map(|r| r.incarnation);
        let new_incarnation = previous != Some(req.incarnation);
        if new_incarnation && self.has_valid_session(broker, ctx.now) {
            ctx.event(SimEvent::BrokerRegistrationRefused {
                broker,
                error: ErrorCode::DuplicateBrokerRegistration,
            });
            ctx.send(
                from,
                Message::BrokerRegistrationResponse(BrokerRegistrationReply {
                    error: ErrorCode::DuplicateBrokerRegistration,
                    broker_epoch: 0,
                }),
            );
            return;
        }
        if new_incarnation {
            if self.brokers.get(&broker).is_some_and(|r| !r.fenced) {
                // Its session expired but the periodic check has not fenced it yet.
                ctx.event(SimEvent::BrokerFenced { broker });
            }
            if let Some(r) = self.brokers.get_mut(&broker) {
                r.fenced = true;
            }
            // The previous incarnation shut down uncleanly: it leaves every ISR and ELR.
            self.remove_unclean_shutdown_replica(ctx, broker);
            let offset = self.log.end_offset();
            self.log.append(MetadataRecord::RegisterBroker {
                broker,
                broker_epoch: offset,
                incarnation: req.incarnation,
            });
            self.brokers.insert(
                broker,
                RegisteredBroker {
                    incarnation: req.incarnation,
                    broker_epoch: offset,
                    fenced: true,
                    last_contact: ctx.now,
                    registered_offset: offset,
                    metadata_offset: 0,
                },
            );
            ctx.event(SimEvent::BrokerRegistered {
                broker,
                broker_epoch: offset,
            });
        }
        let epoch = self
            .brokers
            .get(&broker)
            .map(|r| r.broker_epoch)
            .unwrap_or(0);
        ctx.send(
            from,
            Message::BrokerRegistrationResponse(BrokerRegistrationReply {
                error: ErrorCode::None,
                broker_epoch: epoch,
            }),
        );
    }

    pub(super) fn on_heartbeat(
        &mut self,
        ctx: &mut Ctx<ControllerTimer>,
        from: NodeId,
        hb: BrokerHeartbeat,
    ) {
        let Some(reg) = self.brokers.get_mut(&hb.broker) else {
            return;
        };
        if hb.broker_epoch != reg.broker_epoch {
            ctx.send(
                from,
                Message::BrokerHeartbeatResponse(BrokerHeartbeatReply {
                    error: ErrorCode::StaleBrokerEpoch,
                    is_caught_up: false,
                    is_fenced: true,
                }),
            );
            return;
        }
        reg.last_contact = ctx.now;
        reg.metadata_offset = hb.metadata_offset;
        let caught_up = hb.metadata_offset >= reg.registered_offset;
        if reg.fenced && !hb.want_fence && caught_up {
            self.unfence(ctx, hb.broker);
        }
        let is_fenced = self
            .brokers
            .get(&hb.broker)
            .map(|r| r.fenced)
            .unwrap_or(true);
        ctx.send(
            from,
            Message::BrokerHeartbeatResponse(BrokerHeartbeatReply {
                error: ErrorCode::None,
                is_caught_up: caught_up,
                is_fenced,
            }),
        );
    }

    /// Fences every broker whose session expired.
    pub(super) fn fence_stale_brokers(&mut self, ctx: &mut Ctx<ControllerTimer>) {
        let timeout = ms(self.config.broker_session_timeout_ms);
        let stale: Vec<BrokerId> = self
            .brokers
            .iter()
            .filter(|(_, r)| !r.fenced && ctx.now.saturating_sub(r.last_contact) > timeout)
            .map(|(&b, _)| b)
            .collect();
        for b in stale {
            self.fence(ctx, b);
        }
    }

    /// `handleBrokerFenced`: out of every ISR, leaderships moved, then the fencing record.
    fn fence(&mut self, ctx: &mut Ctx<ControllerTimer>, broker: BrokerId) {
        match self.brokers.get_mut(&broker) {
            Some(r) if !r.fenced => r.fenced = true,
            _ => return,
        }
        ctx.event(SimEvent::BrokerFenced { broker });
        self.remove_from_isrs(ctx, broker);
        self.log.append(MetadataRecord::BrokerFencing {
            broker,
            fenced: true,
        });
    }

    /// `handleBrokerUnfenced`: the unfencing record, then leaders for leaderless partitions
    /// this broker may now lead.
    fn unfence(&mut self, ctx: &mut Ctx<ControllerTimer>, broker: BrokerId) {
        match self.brokers.get_mut(&broker) {
            Some(r) if r.fenced => r.fenced = false,
            _ => return,
        }
        ctx.event(SimEvent::BrokerUnfenced { broker });
        self.log.append(MetadataRecord::BrokerFencing {
            broker,
            fenced: false,
        });
        self.elect_leaderless(ctx, Some(broker));
    }

    /// Whether broker `b` may lead (`clusterControl.isActive`): registered and unfenced.
    pub(super) fn is_active(&self, b: BrokerId) -> bool {
        self.brokers.get(&b).is_some_and(|r| !r.fenced)
    }
}
