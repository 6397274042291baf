//! The in-app list of notifications and push delivery.
//! Other code reaches this domain only through what this file re-exports.

mod broadcasts;
mod notify;
mod push;
pub mod routes;

pub use broadcasts::{BroadcastInput, create_broadcast, send_broadcasts, send_broadcasts_event};
pub use push::{handle_records, send_push_event};
