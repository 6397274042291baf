//! The routes of this domain (the table is `crate::routes`).

use super::{notify, push};
use crate::http::routes::*;

pub static LIST_NOTIFICATIONS: Route = route!(
    "list-notifications",
    "GET",
    "/me/notifications",
    ANY,
    notify::list_notifications_http,
    Api::new().says("The caller's notifications, newest first")
);
pub static MARK_NOTIFICATIONS_READ: Route = route!(
    "mark-notifications-read",
    "POST",
    "/me/notifications/read",
    ANY,
    notify::mark_notifications_read_http,
    Api::new().says("Marks the caller's notifications read").optional_body().body(schema_of::<notify::ReadInput>)
);
pub static GET_CHAT_TOKEN: Route = route!(
    "get-chat-token",
    "POST",
    "/me/chat-token",
    ANY,
    push::get_chat_token_http,
    Api::new().says("A Firebase custom token for the chat"),
    Needs::write().secrets(&[Secret::Firebase])
);
