//! Live rooms: starting, joining, viewers, moderation.
//! Other code reaches this domain only through what this file re-exports.

mod moderation;
mod room;
pub mod routes;

pub use room::{AgoraGrant, ROOM_TOKEN_SECS, agora_grant, end_live_room_of, join_room, roll_up_viewers};
