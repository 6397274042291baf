//! In-app notifications and broadcasts.

pub mod broadcasts;
pub mod notification;
