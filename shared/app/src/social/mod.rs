//! Follows and blocks.
//! Other code reaches this domain only through what this file re-exports.

mod blocks;
mod follows;
pub mod routes;

pub use blocks::FEED_FILTER_MAX;
