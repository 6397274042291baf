//! Follows and blocks.

pub mod blocks;
pub mod follows;
