//! Use cases per domain, the HTTP adapter (auth, errors → responses), config and
//! the route table. Nothing here knows about Lambda except `lambda.rs`, so tests
//! and the dev server call the same code without it.

pub mod accounts;
pub mod admin;
pub mod agencies;
pub mod aggregate;
pub mod audios;
pub mod auth;
pub mod blocks;
pub mod calls;
pub mod clock;
pub mod config;
pub mod cursor;
pub mod error;
pub mod gifts;
pub mod http;
pub mod lambda;
pub mod leaderboards;
pub mod limits;
pub mod masterdata;
pub mod media;
pub mod metrics;
pub mod moderation;
pub mod notify;
pub mod openapi;
pub mod packages;
pub mod posts;
pub mod presence;
pub mod push;
pub mod recharges;
pub mod reconcile;
pub mod reconcile_windows;
pub mod reports;
pub mod rooms;
pub mod routes;
pub mod social;
pub mod state;
pub mod stats;
pub mod stores;
mod validate;
pub mod views;
pub mod wallet;

pub use clock::Clock;
pub use config::Config;
pub use error::ApiError;
pub use state::AppState;
pub use store::Role;
