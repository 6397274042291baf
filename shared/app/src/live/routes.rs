//! The routes of this domain (the table is `crate::routes`).

use super::channels;
use crate::http::routes::*;

const AFTER: &[(&str, &str, &str)] =
    &[("after", r#"{"type": "integer", "minimum": 0, "default": 0}"#, "the last seq the app saw on the channel")];

pub static GET_ROOM_EVENTS: Route = route!(
    "get-room-events",
    "GET",
    "/rooms/{id}/events",
    ANY,
    channels::room_events_http,
    Api::new()
        .says("A room channel's messages after a seq, the last 10 minutes, to catch up after a reconnect")
        .query(AFTER)
        .codes(&["blocked", "kicked"])
);
pub static GET_MY_EVENTS: Route = route!(
    "get-my-events",
    "GET",
    "/me/events",
    ANY,
    channels::my_events_http,
    Api::new().says("The caller's own channel's messages after a seq, the last 10 minutes").query(AFTER)
);
