//! Live channels: what happens in a room, and to a person, as messages on
//! AWS AppSync Events channels (`/rooms/{room_id}`, `/users/{account_id}`).
//! Each message is JSON `{type, seq, at, …}` with `seq` one more than the
//! last on its channel; the last 10 minutes are kept, so an app that
//! reconnects catches up by `seq` (`GET /rooms/{id}/events`, `GET /me/events`).
//! Who may read a channel is one rule (`may_subscribe`) for the catch-up
//! routes and the subscription authorizer alike.
//! Other code reaches this domain only through what this file re-exports.

mod authorizer;
mod channels;
mod chat;
mod gifts;
mod messages;
mod rooms;
pub mod routes;

pub use authorizer::{EventsAuthRequest, EventsAuthResponse, EventsOp, authorize_events, authorize_events_event};
pub use channels::{
    ChannelEvents, Pace, Sent, may_subscribe, publish, publish_claimed, publish_once, room_channel, user_channel,
};
pub use chat::{CHAT_PER_ACCOUNT, mask};
pub use gifts::{Animations, MESSAGE_BYTES, Packed, gifts_body, pack};
pub use messages::{GiftEntry, GiftsTopGifter, MESSAGE_SCHEMAS, notification_messages};
pub use rooms::{VIEWERS_EVERY_MS, publish_live_event, publish_room_records};
