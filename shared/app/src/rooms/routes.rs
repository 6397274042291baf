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
        .says("A host goes live: answers the room and a publisher token")
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
    Api::new().says("Ends a live room (its host or an admin)"),
    // An admin's end has Agora drop the publisher.
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static LIST_ROOMS: Route = route!(
    "list-rooms",
    "GET",
    "/rooms",
    ANY,
    room::list_rooms_http,
    Api::new().says("Live rooms now, most watched first")
);
pub static GET_ROOM: Route = route!(
    "get-room",
    "GET",
    "/rooms/{id}",
    ANY,
    room::get_room_http,
    Api::new().says("One room with its host, viewers and earnings")
);
pub static JOIN_ROOM: Route = route!(
    "join-room",
    "POST",
    "/rooms/{id}/join",
    ANY,
    room::join_room_http,
    Api::new().says("Joins a live room: a viewer token, the host, viewers and top gifters").codes(&[
        "room_ended",
        "blocked",
        "kicked"
    ]),
    Needs::write().secrets(&[Secret::AgoraTokens])
);
pub static LEAVE_ROOM: Route = route!(
    "leave-room",
    "POST",
    "/rooms/{id}/leave",
    ANY,
    room::leave_room_http,
    Api::new().says("Leaves a live room")
);
pub static KICK_VIEWER: Route = route!(
    "kick-viewer",
    "POST",
    "/rooms/{id}/kick",
    ANY,
    moderation::kick_viewer_http,
    Api::new()
        .says("The host or a moderator removes a viewer from the room")
        .body(schema_of::<moderation::KickInput>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static MUTE_VIEWER: Route = route!(
    "mute-viewer",
    "POST",
    "/rooms/{id}/mute",
    ANY,
    moderation::mute_viewer_http,
    Api::new()
        .says("The host or a moderator mutes a viewer's chat in the room")
        .body(schema_of::<moderation::MuteInput>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static UNMUTE_VIEWER: Route = route!(
    "unmute-viewer",
    "POST",
    "/rooms/{id}/unmute",
    ANY,
    moderation::unmute_viewer_http,
    Api::new()
        .says("Lets a muted viewer chat again")
        .body(schema_of::<moderation::ModeratorInput>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static ADD_MODERATOR: Route = route!(
    "add-moderator",
    "POST",
    "/host/moderators",
    HOST,
    moderation::add_moderator_http,
    Api::new()
        .says("Makes an account a moderator of the host's rooms")
        .body(schema_of::<moderation::ModeratorInput>)
        .codes(&["too_many_moderators"])
);
pub static REMOVE_MODERATOR: Route = route!(
    "remove-moderator",
    "DELETE",
    "/host/moderators/{id}",
    HOST,
    moderation::remove_moderator_http,
    Api::new().says("Takes an account's moderator rights away")
);
pub static LIST_MODERATORS: Route = route!(
    "list-moderators",
    "GET",
    "/host/moderators",
    HOST,
    moderation::list_moderators_http,
    Api::new().says("Lists the host's room moderators")
);
