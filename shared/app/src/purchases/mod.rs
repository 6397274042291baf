//! Purchases through Google Play and the App Store.
//! Other code reaches this domain only through what this file re-exports.

mod app_stores;
pub mod routes;

pub use app_stores::{consume_pending, scheduled_consume, scheduled_sync_voided, sync_voided};
