//! What runs the platform: the aggregator's passes, counters and stats, the audit log, reconciliation's reads, recounts, the stream.

pub mod aggregate;
pub mod audit;
pub mod counts;
pub mod reconcile;
pub mod recount;
pub mod stats;
pub mod stream;
