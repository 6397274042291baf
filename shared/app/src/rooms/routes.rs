//! The routes of this domain (the table is `crate::routes`).

use super::{moderation, room};
use crate::http::routes::*;

pub static START_ROOM: Route = route!(
    "start-room",
    "POST",
    "/rooms",
    HOST,
    room::start_room_http,
    Api::ok(201)
        .links(links_by_id!("$response.body#/room/id": "get-room", "end-room"))
        .also(200)
        .optional_body()
        .body(schema_of::<room::StartRoomInput>)
        .returns(schema_of::<room::RoomStarted>),
    Needs::write().secrets(&[Secret::AgoraTokens])
);
pub static END_ROOM: Route = route!(
    "end-room",
    "POST",
    "/rooms/{id}/end",
    ANY,
    room::end_room_http,
    Api::ok(200).returns(schema_of::<room::RoomView>)
);
pub static LIST_ROOMS: Route = route!(
    "list-rooms",
    "GET",
    "/rooms",
    ANY,
    room::list_rooms_http,
    Api::ok(200).list_of(schema_of::<room::RoomView>)
);
pub static GET_ROOM: Route = route!(
    "get-room",
    "GET",
    "/rooms/{id}",
    ANY,
    room::get_room_http,
    Api::ok(200).returns(schema_of::<room::RoomView>)
);
pub static JOIN_ROOM: Route = route!(
    "join-room",
    "POST",
    "/rooms/{id}/join",
    ANY,
    room::join_room_http,
    Api::ok(200).returns(schema_of::<room::RoomJoined>).codes(&["room_ended", "blocked", "kicked"]),
    Needs::write().secrets(&[Secret::AgoraTokens])
);
pub static LEAVE_ROOM: Route =
    route!("leave-room", "POST", "/rooms/{id}/leave", ANY, room::leave_room_http, Api::ok(204));
pub static KICK_VIEWER: Route = route!(
    "kick-viewer",
    "POST",
    "/rooms/{id}/kick",
    ANY,
    moderation::kick_viewer_http,
    Api::ok(200)
        .body(schema_of::<moderation::KickInput>)
        .returns(schema_of::<moderation::Kicked>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static MUTE_VIEWER: Route = route!(
    "mute-viewer",
    "POST",
    "/rooms/{id}/mute",
    ANY,
    moderation::mute_viewer_http,
    Api::ok(200)
        .body(schema_of::<moderation::MuteInput>)
        .returns(schema_of::<moderation::Muted>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static UNMUTE_VIEWER: Route = route!(
    "unmute-viewer",
    "POST",
    "/rooms/{id}/unmute",
    ANY,
    moderation::unmute_viewer_http,
    Api::ok(204).body(schema_of::<moderation::ModeratorInput>).codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static ADD_MODERATOR: Route = route!(
    "add-moderator",
    "POST",
    "/host/moderators",
    HOST,
    moderation::add_moderator_http,
    Api::ok(201)
        .also(200)
        .body(schema_of::<moderation::ModeratorInput>)
        .returns(schema_of::<moderation::ModeratorView>)
        .codes(&["too_many_moderators"])
);
pub static REMOVE_MODERATOR: Route = route!(
    "remove-moderator",
    "DELETE",
    "/host/moderators/{id}",
    HOST,
    moderation::remove_moderator_http,
    Api::ok(204)
);
pub static LIST_MODERATORS: Route = route!(
    "list-moderators",
    "GET",
    "/host/moderators",
    HOST,
    moderation::list_moderators_http,
    Api::ok(200).list_of(schema_of::<moderation::ModeratorView>)
);
