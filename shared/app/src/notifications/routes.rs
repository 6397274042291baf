//! The routes of this domain (the table is `crate::routes`).

use super::{broadcasts, notify, push};
use crate::http::routes::*;

pub static LIST_NOTIFICATIONS: Route = route!(
    "list-notifications",
    "GET",
    "/me/notifications",
    ANY,
    notify::list_notifications_http,
    Api::new().says("The caller's notifications, newest first"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static MARK_NOTIFICATIONS_READ: Route = route!(
    "mark-notifications-read",
    "POST",
    "/me/notifications/read",
    ANY,
    notify::mark_notifications_read_http,
    Api::new().says("Marks the caller's notifications read").optional_body().body(schema_of::<notify::ReadInput>),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit])
);
pub static GET_CHAT_TOKEN: Route = route!(
    "get-chat-token",
    "POST",
    "/me/chat-token",
    ANY,
    push::get_chat_token_http,
    Api::new().says("A Firebase custom token for the chat"),
    Needs::write().secrets(&[Secret::Firebase]).keys(&[Family::Account, Family::Audit])
);
pub static CREATE_BROADCAST: Route = route!(
    "create-broadcast",
    "POST",
    "/admin/broadcasts",
    ADMIN,
    broadcasts::create_broadcast_http,
    Api::new()
        .says("Sends a message to everyone, users, hosts or agencies: their notifications and a push")
        .body(schema_of::<broadcasts::BroadcastInput>),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Broadcasts])
);
pub static LIST_BROADCASTS: Route = route!(
    "list-broadcasts",
    "GET",
    "/admin/broadcasts",
    ADMIN,
    broadcasts::list_broadcasts_http,
    Api::new().says("Lists broadcasts, newest first, with how far each has gone out"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Broadcasts])
);
