//! The deterministic discrete-event engine: cluster, network, clients.
