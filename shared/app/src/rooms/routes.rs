//! The routes of this domain (the table is `crate::routes`).

use super::{moderation, room};
use crate::http::routes::*;

pub static START_ROOM: Route = route!(
    "start-room",
    "POST",
    "/rooms",
    HOST,
    room::start_room_http,
    Api::new()
        .links(links_by_id!("$response.body#/room/id": "get-room", "end-room"))
        .optional_body()
        .body(schema_of::<room::StartRoomInput>),
    Needs::write().secrets(&[Secret::AgoraTokens])
);
pub static END_ROOM: Route = route!(
    "end-room",
    "POST",
    "/rooms/{id}/end",
    ANY,
    room::end_room_http,
    Api::new(),
    // An admin's end has Agora drop the publisher.
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static LIST_ROOMS: Route = route!("list-rooms", "GET", "/rooms", ANY, room::list_rooms_http, Api::new());
pub static GET_ROOM: Route = route!("get-room", "GET", "/rooms/{id}", ANY, room::get_room_http, Api::new());
pub static JOIN_ROOM: Route = route!(
    "join-room",
    "POST",
    "/rooms/{id}/join",
    ANY,
    room::join_room_http,
    Api::new().codes(&["room_ended", "blocked", "kicked"]),
    Needs::write().secrets(&[Secret::AgoraTokens])
);
pub static LEAVE_ROOM: Route =
    route!("leave-room", "POST", "/rooms/{id}/leave", ANY, room::leave_room_http, Api::new());
pub static KICK_VIEWER: Route = route!(
    "kick-viewer",
    "POST",
    "/rooms/{id}/kick",
    ANY,
    moderation::kick_viewer_http,
    Api::new().body(schema_of::<moderation::KickInput>).codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static MUTE_VIEWER: Route = route!(
    "mute-viewer",
    "POST",
    "/rooms/{id}/mute",
    ANY,
    moderation::mute_viewer_http,
    Api::new().body(schema_of::<moderation::MuteInput>).codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static UNMUTE_VIEWER: Route = route!(
    "unmute-viewer",
    "POST",
    "/rooms/{id}/unmute",
    ANY,
    moderation::unmute_viewer_http,
    Api::new().body(schema_of::<moderation::ModeratorInput>).codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static ADD_MODERATOR: Route = route!(
    "add-moderator",
    "POST",
    "/host/moderators",
    HOST,
    moderation::add_moderator_http,
    Api::new().body(schema_of::<moderation::ModeratorInput>).codes(&["too_many_moderators"])
);
pub static REMOVE_MODERATOR: Route =
    route!("remove-moderator", "DELETE", "/host/moderators/{id}", HOST, moderation::remove_moderator_http, Api::new());
pub static LIST_MODERATORS: Route =
    route!("list-moderators", "GET", "/host/moderators", HOST, moderation::list_moderators_http, Api::new());
