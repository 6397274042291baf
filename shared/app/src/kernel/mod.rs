//! What every use case stands on: errors, the clock, config, validation,
//! cursors, the shared views of stored records, ledger rules, the notifier,
//! metrics and `AppState`. Imports nothing above it (no domain, no `http`).

pub mod auth;
pub mod calendar;
pub mod clock;
pub mod config;
pub mod cursor;
pub mod error;
pub mod ids;
pub mod ledger;
pub mod levels;
pub mod metrics;
pub mod notices;
pub mod state;
pub mod validate;
pub mod views;
pub mod vocab;
