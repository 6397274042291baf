//! Agora's channel events: who is in a room or a call.
//! Other code reaches this domain only through what this file re-exports.

mod channel_events;
pub mod routes;
