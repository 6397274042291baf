//! Paid private calls: ringing, billing per minute (the tick), ending.
//! Other code reaches this domain only through what this file re-exports.

mod admin;
mod call;
pub mod routes;
mod tick;

pub use call::{StartCallInput, accept_call, end_calls_of, end_from_channel, start_call};
pub use tick::{TickReport, call_tick, scheduled_tick};
