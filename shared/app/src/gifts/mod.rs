//! The gift catalog, sending gifts, leaderboards.
//! Other code reaches this domain only through what this file re-exports.

mod gift;
mod leaderboards;
mod received;
pub mod routes;

pub use gift::{GiftChanges, SendGiftInput, create_gift, send_gift};
pub use received::gifts_notification;
