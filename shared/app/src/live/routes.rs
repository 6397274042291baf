//! The routes of this domain (the table is `crate::routes`).

use super::{channels, chat};
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
        .codes(&["blocked", "kicked"]),
    Needs::of_method("GET").keys(&[Family::Account, Family::ChannelLog, Family::Room])
);
pub static GET_MY_EVENTS: Route = route!(
    "get-my-events",
    "GET",
    "/me/events",
    ANY,
    channels::my_events_http,
    Api::new().says("The caller's own channel's messages after a seq, the last 10 minutes").query(AFTER),
    Needs::of_method("GET").keys(&[Family::Account, Family::ChannelLog])
);
pub static SEND_CHAT: Route = route!(
    "send-chat",
    "POST",
    "/rooms/{id}/messages",
    ANY,
    chat::send_chat_http,
    Api::new()
        .says("A line of room chat, checked, masked and published on the room's channel")
        .body(schema_of::<chat::ChatInput>)
        .codes(&["room_ended", "muted", "kicked", "blocked", "slow_mode", "level_too_low"]),
    Needs::write().publishes().keys(&[
        Family::Account,
        Family::Audit,
        Family::ChannelLog,
        Family::Chat,
        Family::Rate,
        Family::Room,
        Family::Settings
    ])
);
pub static LIST_CHAT: Route = route!(
    "list-chat",
    "GET",
    "/rooms/{id}/messages",
    ANY,
    chat::list_chat_http,
    Api::new().says("A room's last 100 chat lines and its slow mode").codes(&["blocked", "kicked"]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Chat, Family::Room])
);
pub static DELETE_CHAT: Route = route!(
    "delete-chat",
    "DELETE",
    "/rooms/{id}/messages/{message_id}",
    ANY,
    chat::delete_chat_http,
    Api::new().says("The host, a moderator or an admin deletes a chat line (chat_deleted)").codes(&["not_moderator"]),
    Needs::write().publishes().keys(&[Family::Account, Family::Audit, Family::ChannelLog, Family::Chat, Family::Room])
);
pub static PUT_CHAT_SETTINGS: Route = route!(
    "put-chat-settings",
    "PUT",
    "/rooms/{id}/chat",
    ANY,
    chat::put_chat_settings_http,
    Api::new()
        .says("The host or a moderator sets the room's slow mode (0 to 60 s between lines)")
        .body(schema_of::<chat::ChatSettingsInput>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Room])
);
pub static GET_CHAT_WORDS: Route = route!(
    "get-chat-words",
    "GET",
    "/admin/chat/words",
    ADMIN,
    chat::get_chat_words_http,
    Api::new().says("The words masked in room chat"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_CHAT_WORDS: Route = route!(
    "put-chat-words",
    "PUT",
    "/admin/chat/words",
    ADMIN,
    chat::put_chat_words_http,
    Api::new().says("Replaces the list of words masked in room chat").body(schema_of::<chat::ChatWordsView>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
