//! Gifts sent, the batches credited per room, leaderboards.

pub mod batches;
pub mod boards;
pub mod gift;
