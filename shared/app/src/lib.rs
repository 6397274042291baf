//! Use cases by domain, over a kernel and an HTTP adapter. Layers, lowest first:
//! `kernel` (imports nothing above it), `http` (Ctx, Reply, routes, auth,
//! idempotency, the OpenAPI builder; imports no domain), one folder per domain
//! (its use cases, types and route statics; others see only what its `mod.rs`
//! re-exports), then `routes` (the table) and `lambda`. A test keeps it so.
//! Nothing here knows about Lambda except `lambda.rs`, so tests and the dev
//! server call the same code without it.

pub mod http;
pub mod kernel;

pub mod accounts;
pub mod agencies;
pub mod calls;
pub mod catalog;
pub mod community;
pub mod gifts;
pub mod live;
pub mod notifications;
pub mod operations;
pub mod payouts;
pub mod posts;
pub mod presence;
pub mod purchases;
pub mod rewards;
pub mod rooms;
pub mod social;
pub mod wallet;

pub mod lambda;
pub mod routes;

pub use kernel::clock::Clock;
pub use kernel::config::Config;
pub use kernel::error::DomainError;
pub use kernel::state::AppState;
pub use store::Role;
