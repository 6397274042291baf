//! Admin tools (users, bans, audit), stats, the stream aggregator and reconciliation.
//! Other code reaches this domain only through what this file re-exports.

mod admin;
mod aggregate;
mod reconcile;
mod reconcile_checks;
mod reconcile_shards;
mod reconcile_windows;
mod repair;
pub mod routes;
mod settings;
mod stats;

pub use admin::ban;
pub use aggregate::{
    SWEEP_AFTER_MS, Work, aggregate_event, apply, apply_work, sweep, sweep_events_event, sweep_upto, work_in, work_of,
};
pub use reconcile::{Budget, ReconcileInput, ReconcileReport, range, reconcile, scheduled_reconcile};
pub use reconcile_checks::WindowReport;
pub use reconcile_shards::{
    ShardReport, ShardRun, ShardTask, close_window, reconcile_shard, reconcile_shard_event, reconcile_shard_paged,
    window_tasks,
};
pub use reconcile_windows::WindowsRun;
pub use repair::{REDRIVE_MAX, Redriven, redrive};
