//! The routes of this domain (the table is `crate::routes`).

use super::{moderation, pk, pk_board, room, seats};
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
    Needs::write().secrets(&[Secret::AgoraTokens]).keys(&[Family::Account, Family::Room, Family::RoomViewers])
);
pub static END_ROOM: Route = route!(
    "end-room",
    "POST",
    "/rooms/{id}/end",
    ANY,
    room::end_room_http,
    Api::new().says("Ends a live room (its host or an admin)"),
    // An admin's end has Agora drop the publisher.
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Battle,
        Family::Room,
        Family::RoomViewers
    ])
);
pub static LIST_ROOMS: Route = route!(
    "list-rooms",
    "GET",
    "/rooms",
    ANY,
    room::list_rooms_http,
    Api::new().says("Live rooms now, most watched first"),
    Needs::of_method("GET")
        .keys(&[Family::Account, Family::Blocks, Family::Room, Family::Rooms, Family::Settings])
        .indexes(&[&GSI1, &GSI3])
);
pub static GET_ROOM: Route = route!(
    "get-room",
    "GET",
    "/rooms/{id}",
    ANY,
    room::get_room_http,
    Api::new().says("One room with its host, viewers and earnings, and its PK battle if one is on"),
    // A side host's read of a battle past its end ends it; a side's host gets its relay token.
    Needs::write()
        .secrets(&[Secret::AgoraTokens])
        .keys(&[
            Family::Account,
            Family::Battle,
            Family::PkGifters,
            Family::Room,
            Family::RoomViewers,
            Family::Settings
        ])
        .indexes(&[&GSI3])
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
    Needs::write()
        .secrets(&[Secret::AgoraTokens])
        .keys(&[
            Family::Account,
            Family::Audit,
            Family::Room,
            Family::RoomGifters,
            Family::RoomViewers,
            Family::Settings
        ])
        .indexes(&[&GSI3])
);
pub static LEAVE_ROOM: Route = route!(
    "leave-room",
    "POST",
    "/rooms/{id}/leave",
    ANY,
    room::leave_room_http,
    Api::new().says("Leaves a live room (and its stage: a seat held there is freed)"),
    // A guest leaving stops publishing at Agora.
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Room,
        Family::RoomViewers,
        Family::Settings
    ])
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
        .codes(&["not_moderator", "vip_protected", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Room,
        Family::RoomViewers
    ])
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
        .codes(&["not_moderator", "vip_protected", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Room,
        Family::RoomViewers
    ])
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
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Room,
        Family::RoomViewers
    ])
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
        .codes(&["too_many_moderators"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Settings])
);
pub static REMOVE_MODERATOR: Route = route!(
    "remove-moderator",
    "DELETE",
    "/host/moderators/{id}",
    HOST,
    moderation::remove_moderator_http,
    Api::new().says("Takes an account's moderator rights away"),
    Needs::of_method("DELETE").keys(&[Family::Account])
);
pub static LIST_MODERATORS: Route = route!(
    "list-moderators",
    "GET",
    "/host/moderators",
    HOST,
    moderation::list_moderators_http,
    Api::new().says("Lists the host's room moderators"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static INVITE_PK: Route = route!(
    "invite-pk",
    "POST",
    "/pk/invitations",
    HOST,
    pk::invite_pk_http,
    Api::new()
        .says("A live host challenges another to a PK battle (one waiting per pair, 10 invitations a minute)")
        .links(links_by_id!("$response.body#/id": "accept-pk", "decline-pk", "cancel-pk"))
        .body(schema_of::<pk::InvitePkInput>)
        .codes(&["host_busy", "not_live", "blocked", "already_invited"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::PkInvite, Family::PkPair, Family::Rate, Family::Room])
);
pub static ACCEPT_PK: Route = route!(
    "accept-pk",
    "POST",
    "/pk/invitations/{id}/accept",
    HOST,
    pk::accept_pk_http,
    Api::new()
        .says("The invited host accepts: the battle starts now")
        .links(links_by_id!("$response.body#/battle/id": "get-pk", "end-pk"))
        .codes(&["host_busy", "not_live", "blocked", "invitation_expired", "invitation_closed"]),
    Needs::write()
        .secrets(&[Secret::AgoraTokens])
        .keys(&[
            Family::Account,
            Family::Battle,
            Family::PkGifters,
            Family::PkInvite,
            Family::PkPair,
            Family::PkQueue,
            Family::Room
        ])
        .indexes(&[&GSI3])
);
pub static DECLINE_PK: Route = route!(
    "decline-pk",
    "POST",
    "/pk/invitations/{id}/decline",
    HOST,
    pk::decline_pk_http,
    Api::new().says("The invited host turns a PK challenge down").codes(&["invitation_expired", "invitation_closed"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::PkInvite, Family::PkPair])
);
pub static CANCEL_PK: Route = route!(
    "cancel-pk",
    "POST",
    "/pk/invitations/{id}/cancel",
    HOST,
    pk::cancel_pk_http,
    Api::new().says("The inviting host withdraws a PK challenge").codes(&["invitation_expired", "invitation_closed"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::PkInvite, Family::PkPair])
);
pub static MATCH_PK: Route = route!(
    "match-pk",
    "POST",
    "/pk/match",
    HOST,
    pk::match_pk_http,
    Api::new()
        .says("Pairs the host with the longest-waiting live host, or queues it; the shorter length asked holds")
        .optional_body()
        .body(schema_of::<pk::MatchInput>)
        .codes(&["host_busy", "not_live"]),
    Needs::write()
        .secrets(&[Secret::AgoraTokens])
        .keys(&[Family::Account, Family::Battle, Family::PkGifters, Family::PkQueue, Family::Room])
        .indexes(&[&GSI3])
);
pub static LEAVE_PK_MATCH: Route = route!(
    "leave-pk-match",
    "DELETE",
    "/pk/match",
    HOST,
    pk::leave_pk_match_http,
    Api::new().says("Takes the host off the random-match queue"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::PkQueue])
);
/// A battle read past its end ends it and, once its gifts are applied,
/// settles it (`pk::fresh_pk`): the scores, the boards, the winner's bonus.
const READS_A_BATTLE: Needs = Needs::write()
    .secrets(&[Secret::AgoraTokens])
    .keys(&[
        Family::Account,
        Family::Battle,
        Family::Event,
        Family::Events,
        Family::PkBoard,
        Family::PkGifters,
        Family::Room,
        Family::Settings,
    ])
    .indexes(&[&GSI1, &GSI3]);

pub static GET_CURRENT_PK: Route = route!(
    "get-current-pk",
    "GET",
    "/pk/current",
    HOST,
    pk::current_pk_http,
    Api::new().says("The host's battle now, its place in the match queue and invitations to it"),
    // The host's read of its battle past the end ends it (and settles it once its gifts are applied).
    Needs::write()
        .secrets(&[Secret::AgoraTokens])
        .keys(&[
            Family::Account,
            Family::Battle,
            Family::Event,
            Family::Events,
            Family::PkBoard,
            Family::PkGifters,
            Family::PkInvitesTo,
            Family::PkQueue,
            Family::Room,
            Family::Settings
        ])
        .indexes(&[&GSI1, &GSI3])
);
pub static GET_PK: Route = route!(
    "get-pk",
    "GET",
    "/pk/{id}",
    ANY,
    pk::get_pk_http,
    Api::new().says("A PK battle: both sides' scores and top gifters, the winner once final"),
    READS_A_BATTLE
);
pub static END_PK: Route = route!(
    "end-pk",
    "POST",
    "/pk/{id}/end",
    HOST,
    pk::end_pk_http,
    Api::new().says("Either host ends the battle now, the scores as they stand"),
    READS_A_BATTLE
);
pub static GET_PK_LEADERBOARD: Route = route!(
    "get-pk-leaderboard",
    "GET",
    "/leaderboards/pk",
    ANY,
    pk_board::pk_leaderboard_http,
    Api::new().says("Hosts by PK wins, then score, for a day or a week").query(&[(
        "period",
        r#"{"type": "string", "enum": ["day", "week"]}"#,
        "day (UTC, the default) or week (ISO, UTC)"
    )]),
    Needs::of_method("GET").keys(&[Family::Account, Family::PkBoard]).indexes(&[&GSI3])
);
pub static REQUEST_SEAT: Route = route!(
    "request-seat",
    "POST",
    "/rooms/{id}/seat-requests",
    ANY,
    seats::request_seat_http,
    Api::new().says("A viewer asks the host for a guest seat").codes(&[
        "room_ended",
        "no_seats",
        "already_seated",
        "already_requested",
        "blocked",
        "kicked"
    ]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Room])
);
pub static LIST_SEAT_REQUESTS: Route = route!(
    "list-seat-requests",
    "GET",
    "/rooms/{id}/seat-requests",
    ANY,
    seats::list_seat_requests_http,
    Api::new()
        .says("The host or a moderator sees who asks for a seat, oldest first")
        .codes(&["not_moderator", "room_ended"]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Room])
);
pub static APPROVE_SEAT_REQUEST: Route = route!(
    "approve-seat-request",
    "POST",
    "/rooms/{id}/seat-requests/{account_id}/approve",
    ANY,
    seats::approve_seat_request_http,
    Api::new()
        .says("The host or a moderator puts an asking viewer on a seat")
        .body(schema_of::<seats::ApproveSeatInput>)
        .codes(&["not_moderator", "room_ended", "seat_taken", "seat_locked", "already_seated", "blocked", "kicked"]),
    // Publishing taken away on an earlier leave is given back.
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[Family::Account, Family::Audit, Family::Room])
);
pub static REJECT_SEAT_REQUEST: Route = route!(
    "reject-seat-request",
    "POST",
    "/rooms/{id}/seat-requests/{account_id}/reject",
    ANY,
    seats::reject_seat_request_http,
    Api::new().says("The host or a moderator turns a seat request down").codes(&["not_moderator", "room_ended"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Room])
);
pub static INVITE_TO_SEAT: Route = route!(
    "invite-to-seat",
    "POST",
    "/rooms/{id}/seats/{seat}/invite",
    ANY,
    seats::invite_to_seat_http,
    Api::new()
        .says("The host or a moderator invites someone to a seat (one waiting each, 10 invitations a minute)")
        .body(schema_of::<seats::InviteSeatInput>)
        .codes(&["not_moderator", "room_ended", "seat_taken", "seat_locked", "already_invited", "blocked", "kicked"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Rate, Family::Room])
);
pub static ACCEPT_SEAT: Route = route!(
    "accept-seat",
    "POST",
    "/rooms/{id}/seats/{seat}/accept",
    ANY,
    seats::accept_seat_http,
    Api::new().says("The invitee takes the seat: answers a token to publish from it").codes(&[
        "room_ended",
        "seat_taken",
        "seat_locked",
        "already_seated",
        "blocked",
        "kicked"
    ]),
    Needs::write().secrets(&[Secret::AgoraTokens, Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Room
    ])
);
pub static LEAVE_SEAT: Route = route!(
    "leave-seat",
    "DELETE",
    "/rooms/{id}/seats/{seat}",
    ANY,
    seats::leave_seat_http,
    Api::new().says("The guest leaves a seat, or the host or a moderator takes them off it").codes(&["not_moderator"]),
    // Agora stops the guest publishing.
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[Family::Account, Family::Audit, Family::Room])
);
pub static UPDATE_SEAT: Route = route!(
    "update-seat",
    "PUT",
    "/rooms/{id}/seats/{seat}",
    ANY,
    seats::update_seat_http,
    Api::new()
        .says("The host or a moderator locks, unlocks, mutes or unmutes a seat")
        .body(schema_of::<seats::SeatChanges>)
        .codes(&["not_moderator", "room_ended"]),
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[Family::Account, Family::Audit, Family::Room])
);
