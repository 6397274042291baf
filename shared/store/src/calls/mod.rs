//! Paid video calls.

pub mod call;
