//! Live rooms, seats, moderation, PK battles.

pub mod moderation;
pub mod pk;
pub mod room;
pub mod seats;
