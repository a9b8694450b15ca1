//! Client connections as Kafka's network layer serves them: one request at a time per
//! connection. A `SocketServer` `Processor` mutes a channel once it has read a request and
//! unmutes it only when the response has been sent (or the request needed none, acks=0), so
//! the next request on that connection is not even read while the current one is in progress —
//! including the wait of an acks=all produce in the purgatory for the ISR and a fetch's long
//! poll. A producer's `max.in.flight.requests.per.connection` pipelines the network, not the
//! broker.
//!
//! Modelled for the data-plane requests (produce, fetch, metadata, list offsets, find
//! coordinator), per client node. A consumer talks to its group coordinator over a separate
//! connection in Kafka (the coordinator gets its own node id), so group requests are not queued
//! behind its fetches; they are not muted here.

use std::collections::VecDeque;

use crate::engine::ids::NodeId;
use crate::engine::protocol::Message;

/// One connection: whether a request is in progress, and the requests read off the socket
/// later (they stay in the socket buffer until the connection is unmuted).
#[derive(Clone, Debug, Default)]
struct Conn {
    busy: bool,
    waiting: VecDeque<Message>,
}

/// Every client connection of a broker, by the client's node id.
#[derive(Clone, Debug, Default)]
pub struct Connections {
    conns: Vec<Conn>,
}

impl Connections {
    /// Whether `msg` is a request served on a muted connection.
    pub fn is_muted_request(msg: &Message) -> bool {
        matches!(
            msg,
            Message::ProduceRequest { .. }
                | Message::FetchRequest { .. }
                | Message::MetadataRequest { .. }
                | Message::ListOffsetsRequest { .. }
                | Message::FindCoordinatorRequest { .. }
        )
    }

    /// A request arrived from `from`: returned to handle now (the connection is muted from now
    /// on), or kept until the connection's current request has its response sent.
    pub fn admit(&mut self, from: NodeId, msg: Message) -> Option<Message> {
        let i = from.0 as usize;
        if i >= self.conns.len() {
            self.conns.resize_with(i + 1, Conn::default);
        }
        let c = &mut self.conns[i];
        if c.busy {
            c.waiting.push_back(msg);
            None
        } else {
            c.busy = true;
            Some(msg)
        }
    }

    /// The response to `to`'s request in progress was sent (or none was due): the next
    /// request read off that connection, to handle now, if one is waiting; otherwise the
    /// connection is unmuted.
    pub fn response_sent(&mut self, to: NodeId) -> Option<Message> {
        let c = self.conns.get_mut(to.0 as usize)?;
        let next = c.waiting.pop_front();
        c.busy = next.is_some();
        next
    }

    /// Requests waiting on muted connections.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.conns.iter().map(|c| c.waiting.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(id: u64) -> Message {
        Message::MetadataRequest { correlation_id: id }
    }

    #[test]
    fn one_request_at_a_time_per_connection_in_arrival_order() {
        let mut c = Connections::default();
        let (a, b) = (NodeId(4), NodeId(5));
        assert!(c.admit(a, metadata(1)).is_some());
        assert!(c.admit(a, metadata(2)).is_none());
        assert!(c.admit(a, metadata(3)).is_none());
        // Another client's connection is independent.
        assert!(c.admit(b, metadata(9)).is_some());
        assert_eq!(c.waiting(), 2);
        assert_eq!(c.response_sent(a), Some(metadata(2)));
        assert!(c.admit(a, metadata(4)).is_none());
        assert_eq!(c.response_sent(a), Some(metadata(3)));
        assert_eq!(c.response_sent(a), Some(metadata(4)));
        assert_eq!(c.response_sent(a), None);
        // Unmuted: the next request is handled at once.
        assert!(c.admit(a, metadata(5)).is_some());
    }
}
