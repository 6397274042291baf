//! Purchases through Google Play and the App Store.
//! Other code reaches this domain only through what this file re-exports.

mod purchases;
pub mod routes;

pub use purchases::{consume_pending, scheduled_consume, scheduled_sync_voided, sync_voided};
