//! Live rooms: starting, joining, viewers, moderation.
//! Other code reaches this domain only through what this file re-exports.

mod grants;
mod moderation;
mod pk;
mod pk_board;
mod pk_score;
mod room;
pub mod routes;
mod seats;

pub use pk::{end_pk_battles, end_pk_battles_event};
pub use pk_score::battle_of;
pub use room::{AgoraGrant, ROOM_TOKEN_SECS, agora_grant, close_room, end_live_room_of, join_room, roll_up_viewers};
pub use seats::{leave_stage, unseat};
