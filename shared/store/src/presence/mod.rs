//! Which channel is which room or call.

pub mod owners;
