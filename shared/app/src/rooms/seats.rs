//! Guest seats: a viewer asks for a seat and the host (or a moderator)
//! approves it onto one, or the host invites someone straight to a seat; a
//! seated guest publishes in the room's channel (audio only in an audio
//! party room) until they leave, are removed or the room ends, when Agora's
//! banning rules take publishing away. Seats can be locked and muted.

use integrations::agora::{Privilege, RtcRole};
use serde::{Deserialize, Serialize};
use store::{Role, Room, Seat, SeatAsk, SeatClaim};
use utoipa::ToSchema;

use super::grants::{AgoraGrant, agora_grant};
use crate::http::{Created, Ctx, Json, NoContent};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::notices::note;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::{AppState, DomainError};

/// A seated guest's token: short, renewed by joining again while seated, so
/// a guest who loses the seat loses publishing when it lapses at the latest.
pub const SEAT_TOKEN_SECS: i64 = 600;
/// How long an invitation to a seat waits.
pub const SEAT_INVITE_SECS: i64 = 60;
pub const MAX_VIDEO_SEATS: i64 = 8;
pub const MAX_AUDIO_SEATS: i64 = 12;

/// One seat of a room.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatView {
    pub seat: i64,
    /// Who sits there; null when free
    pub account_id: Option<String>,
    pub display_name: Option<String>,
    pub locked: bool,
    pub muted: bool,
}

pub fn seat_view(s: &Seat, names: &Names) -> SeatView {
    SeatView {
        seat: s.seat,
        account_id: s.account_id.clone(),
        display_name: s.account_id.as_deref().and_then(|a| names.get(a)),
        locked: s.locked,
        muted: s.muted,
    }
}

/// A room's seats as shown.
pub async fn seats_view(state: &AppState, room: &Room) -> DomainResult<Vec<SeatView>> {
    if room.seats == 0 {
        return Ok(Vec::new());
    }
    let seats = state.db.room_seats(&room.id).await?;
    let names = Names::of(&state.db, seats.iter().filter_map(|s| s.account_id.as_deref())).await?;
    Ok(seats.iter().map(|s| seat_view(s, &names)).collect())
}

/// The role a seated guest publishes with: audio only in an audio room.
pub fn publisher(room: &Room) -> RtcRole {
    if room.kind == "audio" { RtcRole::AudioPublisher } else { RtcRole::Publisher }
}

fn ended() -> DomainError {
    DomainError::conflict("room_ended", "this room has ended")
}

async fn live_room(state: &AppState, ctx: &Ctx) -> DomainResult<Room> {
    let missing = || DomainError::not_found("room not found");
    let id = validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let room = state.db.get_room_item(&id).await?.ok_or_else(missing)?;
    if !room.live {
        return Err(ended());
    }
    Ok(room)
}

/// The room's host, an admin or one of the host's moderators (403 `not_moderator` otherwise).
async fn may_manage(state: &AppState, room: &Room, ctx: &Ctx) -> DomainResult<()> {
    let caller = ctx.caller()?;
    if room.host_id == caller.id
        || caller.role == Role::Admin
        || state.db.is_moderator(&room.host_id, &caller.id).await?
    {
        return Ok(());
    }
    Err(DomainError::new(ErrorKind::Forbidden, "not_moderator", "only the room's host or its moderators can do this"))
}

fn seat_number(room: &Room, raw: &str) -> DomainResult<i64> {
    let bad = || {
        if room.seats == 0 {
            DomainError::invalid("seat: this room has no guest seats")
        } else {
            DomainError::invalid(format!("seat: a seat from 1 to {}", room.seats))
        }
    };
    raw.parse::<i64>().ok().filter(|s| (1..=room.seats).contains(s)).ok_or_else(bad)
}

/// Why a seat cannot be taken, from the seat as it is now.
fn seat_refusal(seat: Option<&Seat>) -> DomainError {
    match seat {
        None => DomainError::not_found("seat not found"),
        Some(s) if s.closed => ended(),
        Some(s) if s.locked => DomainError::conflict("seat_locked", "this seat is locked"),
        Some(_) => DomainError::conflict("seat_taken", "someone sits there already"),
    }
}

/// Seats `guest`, mapping each way it can lose to its own code.
async fn seat_guest(state: &AppState, room: &Room, seat: i64, guest: &str, claim: SeatClaim) -> DomainResult<Seat> {
    let now_seat = state.db.get_seat(&room.id, seat).await?;
    if now_seat.as_ref().is_none_or(|s| s.closed || s.locked || s.account_id.is_some()) {
        return Err(seat_refusal(now_seat.as_ref()));
    }
    match state.db.take_seat((&room.id, &room.host_id), seat, guest, claim, state.now()).await {
        Ok(()) => {}
        Err(store::Error::Condition(why @ ("blocked" | "kicked" | "banned"))) => return Err(off_stage(why)),
        Err(store::Error::Condition("seat_changed")) => {
            return Err(seat_refusal(state.db.get_seat(&room.id, seat).await?.as_ref()));
        }
        Err(store::Error::Condition("already_seated")) => {
            return Err(DomainError::conflict("already_seated", "this account holds a seat already; leave it first"));
        }
        Err(store::Error::Condition("no_request")) => return Err(DomainError::not_found("no such seat request")),
        Err(store::Error::Condition("no_invitation")) => {
            return Err(DomainError::not_found("no invitation to this seat (or it expired)"));
        }
        Err(e) => return Err(e.into()),
    }
    // Publishing taken away on an earlier leave is given back, but for a
    // muted seat's mic: a seat's mute holds for whoever sits on it.
    lift_publish_ban(state, room, guest).await;
    let taken = state.db.get_seat(&room.id, seat).await?.ok_or_else(|| DomainError::not_found("seat not found"))?;
    if taken.muted {
        mute_mic(state, room, guest).await?;
    }
    Ok(taken)
}

/// Why someone may not come on a room's stage: a block either way, a kick, a ban.
fn off_stage(why: &str) -> DomainError {
    match why {
        "blocked" => {
            DomainError::new(ErrorKind::Forbidden, "blocked", "the host and this account have blocked one another")
        }
        "kicked" => DomainError::new(ErrorKind::Forbidden, "kicked", "this account was kicked out of the room"),
        _ => DomainError::banned(),
    }
}

/// Agora stops `guest` publishing audio in the room (a muted seat), recorded to lift later.
async fn mute_mic(state: &AppState, room: &Room, guest: &str) -> DomainResult<()> {
    let Some(rules) = state.agora_rules() else { return Ok(()) };
    match rules.ban(&room.channel, integrations::agora::uid_for(guest), Privilege::PublishAudio, SEAT_TOKEN_SECS).await
    {
        Ok(id) => state.db.put_publish_bans(&room.id, guest, &[id]).await?,
        Err(e) => tracing::error!(error = %e, "muting a seat at Agora failed"),
    }
    Ok(())
}

/// A request for a seat.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatRequestView {
    pub room_id: String,
    pub account_id: String,
    pub display_name: Option<String>,
    /// The asker's VIP tier (0: none): VIP 2 and up come first in the queue
    pub vip_tier: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A viewer asks for a seat (201; 409 `already_requested` when asked already).
pub async fn request_seat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<SeatRequestView>> {
    let caller = ctx.caller()?;
    let room = live_room(state, ctx).await?;
    if room.host_id == caller.id {
        return Err(DomainError::invalid("id: you host this room"));
    }
    if room.seats == 0 {
        return Err(DomainError::conflict("no_seats", "this room has no guest seats"));
    }
    if let Some((r, _)) = state.db.seated_in(&caller.id).await? {
        let msg = if r == room.id {
            "you hold a seat in this room"
        } else {
            "you hold a seat in another room; leave it first"
        };
        return Err(DomainError::conflict("already_seated", msg));
    }
    let ask = SeatAsk { account_id: caller.id.clone(), seat: None, created_at: state.now(), expires_at: None };
    match state.db.put_seat_ask((&room.id, &room.host_id), &ask, ask.created_at).await {
        Ok(()) => {}
        Err(store::Error::Condition("already_requested")) => {
            return Err(DomainError::conflict("already_requested", "you asked for a seat already"));
        }
        Err(store::Error::Condition(why @ ("blocked" | "kicked" | "banned"))) => return Err(off_stage(why)),
        Err(e) => return Err(e.into()),
    }
    let asker = state.db.get_account(&caller.id).await?;
    let name = asker.as_ref().map(|a| a.name.clone());
    let body = format!("{} asks for a seat", name.clone().unwrap_or_default());
    state
        .notifier
        .send(note(
            &room.host_id,
            "seat_request",
            "Seat request",
            body,
            &[("room_id", &room.id), ("account_id", &caller.id)],
        ))
        .await;
    Ok(Created::new(SeatRequestView {
        room_id: room.id,
        account_id: caller.id.clone(),
        display_name: name,
        vip_tier: asker.map_or(0, |a| a.vip_tier(state.now())),
        created_at: views::time(ask.created_at),
    }))
}

/// The room's open seat requests: VIP 2 and up first, then the rest, each oldest first.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatRequests {
    pub items: Vec<SeatRequestView>,
}

pub async fn list_seat_requests_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SeatRequests>> {
    let room = live_room(state, ctx).await?;
    may_manage(state, &room, ctx).await?;
    let asks = state.db.seat_requests(&room.id, 100).await?;
    let ids: Vec<String> = asks.iter().map(|a| a.account_id.clone()).collect();
    let askers = state.db.get_accounts(&ids).await?;
    let now = state.now();
    let mut items: Vec<SeatRequestView> = asks
        .iter()
        .map(|a| {
            let asker = askers.iter().find(|p| p.id == a.account_id);
            SeatRequestView {
                room_id: room.id.clone(),
                account_id: a.account_id.clone(),
                display_name: asker.map(|p| p.name.clone()),
                vip_tier: asker.map_or(0, |p| p.vip_tier(now)),
                created_at: views::time(a.created_at),
            }
        })
        .collect();
    // VIP 2 and up first (a stable sort: each group stays in the order asked).
    items.sort_by_key(|v| v.vip_tier < 2);
    Ok(Json::new(SeatRequests { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveSeatInput {
    /// The seat to put them on
    #[schema(minimum = 1, maximum = 12)]
    pub seat: i64,
}

/// The host or a moderator puts the asker on a seat.
pub async fn approve_seat_request_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SeatView>> {
    let input: ApproveSeatInput = ctx.json()?;
    let room = live_room(state, ctx).await?;
    may_manage(state, &room, ctx).await?;
    let seat = seat_number(&room, &input.seat.to_string())?;
    let guest = validate::id("account_id", ctx.param("account_id"))
        .map_err(|_| DomainError::not_found("no such seat request"))?;
    let taken = seat_guest(state, &room, seat, &guest, SeatClaim::Request).await?;
    let n = note(
        &guest,
        "seat_approved",
        "You're on stage",
        format!("Seat {seat} is yours: join the room again to go live"),
        &[("room_id", &room.id), ("seat", &seat.to_string())],
    );
    state.notifier.send(n).await;
    let names = Names::of(&state.db, [guest.as_str()]).await?;
    Ok(Json::new(seat_view(&taken, &names)))
}

pub async fn reject_seat_request_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let room = live_room(state, ctx).await?;
    may_manage(state, &room, ctx).await?;
    let asker = validate::id("account_id", ctx.param("account_id"))
        .map_err(|_| DomainError::not_found("no such seat request"))?;
    match state.db.delete_seat_request(&room.id, &asker).await {
        Ok(()) => Ok(NoContent::done()),
        Err(store::Error::Condition("no_request")) => Err(DomainError::not_found("no such seat request")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteSeatInput {
    pub account_id: String,
}

/// An invitation to a seat.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatInvitation {
    pub room_id: String,
    pub seat: i64,
    pub account_id: String,
    /// RFC 3339: accept before this
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// The host (or a moderator) invites someone straight to a seat; they accept within a minute.
pub async fn invite_to_seat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<SeatInvitation>> {
    let input: InviteSeatInput = ctx.json()?;
    let room = live_room(state, ctx).await?;
    may_manage(state, &room, ctx).await?;
    let seat = seat_number(&room, ctx.param("seat"))?;
    let guest = validate::id("account_id", &input.account_id)?;
    let account = state.db.get_account(&guest).await?.filter(|a| !a.banned);
    let account = account.ok_or_else(|| DomainError::not_found("user not found"))?;
    if account.id == room.host_id {
        return Err(DomainError::invalid("account_id: the host is on stage already"));
    }
    let now_seat = state.db.get_seat(&room.id, seat).await?;
    if now_seat.as_ref().is_none_or(|s| s.closed || s.locked || s.account_id.is_some()) {
        return Err(seat_refusal(now_seat.as_ref()));
    }
    let now = state.now();
    let expires = now + SEAT_INVITE_SECS * 1000;
    let ask = SeatAsk { account_id: guest.clone(), seat: Some(seat), created_at: now, expires_at: Some(expires) };
    crate::http::limits::check(state, &[(&crate::http::limits::INVITES_PER_HOST, &room.host_id)]).await?;
    match state.db.put_seat_ask((&room.id, &room.host_id), &ask, now).await {
        Ok(()) => {}
        Err(store::Error::Condition("already_invited")) => {
            return Err(DomainError::conflict("already_invited", "an invitation to this account is waiting already"));
        }
        Err(store::Error::Condition(why @ ("blocked" | "kicked" | "banned"))) => return Err(off_stage(why)),
        Err(e) => return Err(e.into()),
    }
    let n = note(
        &guest,
        "seat_invitation",
        "Join me on stage",
        format!("You're invited to seat {seat}"),
        &[("room_id", &room.id), ("seat", &seat.to_string())],
    );
    state.notifier.send(n).await;
    Ok(Created::new(SeatInvitation { room_id: room.id, seat, account_id: guest, expires_at: views::time(expires) }))
}

/// A taken seat and the grant to publish from it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatTaken {
    pub seat: SeatView,
    pub agora: AgoraGrant,
}

/// The invitee takes the seat.
pub async fn accept_seat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SeatTaken>> {
    let caller = ctx.caller()?;
    let room = live_room(state, ctx).await?;
    let seat = seat_number(&room, ctx.param("seat"))?;
    let taken = seat_guest(state, &room, seat, &caller.id, SeatClaim::Invitation).await?;
    let agora = agora_grant(state, &room.channel, &caller.id, publisher(&room), SEAT_TOKEN_SECS)?;
    let names = Names::of(&state.db, [caller.id.as_str()]).await?;
    Ok(Json::new(SeatTaken { seat: seat_view(&taken, &names), agora }))
}

/// The guest leaves, or the host or a moderator takes them off: the seat is
/// free and Agora stops the guest publishing.
pub async fn leave_seat_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let missing = || DomainError::not_found("room not found");
    let id = validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let room = state.db.get_room_item(&id).await?.ok_or_else(missing)?;
    let seat = seat_number(&room, ctx.param("seat"))?;
    let Some(guest) = state.db.get_seat(&room.id, seat).await?.and_then(|s| s.account_id) else {
        return Err(DomainError::not_found("nobody sits there"));
    };
    if guest != caller.id {
        may_manage(state, &room, ctx).await?;
    }
    match state.db.free_seat(&room.id, seat, &guest).await {
        Ok(()) | Err(store::Error::Condition("not_seated")) => {}
        Err(e) => return Err(e.into()),
    }
    stop_publishing(state, &room, &guest).await;
    Ok(NoContent::done())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatChanges {
    /// A locked seat takes no one
    pub locked: Option<bool>,
    /// A muted seat's guest cannot publish audio (Agora enforces it)
    pub muted: Option<bool>,
}

/// The host or a moderator locks or mutes a seat.
pub async fn update_seat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SeatView>> {
    let input: SeatChanges = ctx.json()?;
    let room = live_room(state, ctx).await?;
    may_manage(state, &room, ctx).await?;
    let seat = seat_number(&room, ctx.param("seat"))?;
    let before = state.db.get_seat(&room.id, seat).await?;
    let s = match state.db.set_seat(&room.id, seat, input.locked, input.muted).await {
        Ok(s) => s,
        Err(store::Error::Condition("seat_changed")) => return Err(ended()),
        Err(e) => return Err(e.into()),
    };
    if let Some(guest) = &s.account_id
        && before.as_ref().is_some_and(|b| b.muted != s.muted)
    {
        if s.muted {
            mute_mic(state, &room, guest).await?;
        } else {
            lift_publish_ban(state, &room, guest).await;
        }
    }
    let names = Names::of(&state.db, s.account_id.as_deref()).await?;
    Ok(Json::new(seat_view(&s, &names)))
}

/// Agora stops `guest` publishing in the room's channel for as long as a seat token lasts.
async fn stop_publishing(state: &AppState, room: &Room, guest: &str) {
    let Some(rules) = state.agora_rules() else { return };
    let uid = integrations::agora::uid_for(guest);
    let mut ids = Vec::new();
    for p in [Privilege::PublishAudio, Privilege::PublishVideo] {
        match rules.ban(&room.channel, uid, p, SEAT_TOKEN_SECS).await {
            Ok(id) => ids.push(id),
            // The seat is free for us; the guest's token lapses within SEAT_TOKEN_SECS.
            Err(e) => tracing::error!(error = %e, room_id = %room.id, "revoking a guest's publishing failed"),
        }
    }
    if let Err(e) = state.db.put_publish_bans(&room.id, guest, &ids).await {
        tracing::error!(error = %e, "recording a guest's publishing ban failed");
    }
}

/// Lifts the publishing bans an earlier leave or mute left on `guest`.
async fn lift_publish_ban(state: &AppState, room: &Room, guest: &str) {
    let Some(rules) = state.agora_rules() else { return };
    let ids = match state.db.take_publish_bans(&room.id, guest).await {
        Ok(ids) => ids,
        Err(e) => return tracing::error!(error = %e, "reading a guest's publishing bans failed"),
    };
    for id in ids {
        if let Err(e) = rules.unban(id).await {
            tracing::error!(error = %e, "lifting a publishing ban failed");
        }
    }
}

/// An ended room's seats: closed, their guests freed and stopped publishing.
pub async fn close_seats(state: &AppState, room: &Room) -> DomainResult<()> {
    if room.seats == 0 {
        return Ok(());
    }
    for (_, guest) in state.db.close_seats(&room.id).await? {
        stop_publishing(state, room, &guest).await;
    }
    Ok(())
}

/// Whether `account` sits in `room` (their join then grants publishing).
pub async fn seated_here(state: &AppState, room: &Room, account: &str) -> DomainResult<bool> {
    Ok(room.seats > 0 && state.db.seated_in(account).await?.is_some_and(|(r, _)| r == room.id))
}

/// What `POST /rooms` takes for seats: the kind and count, checked.
pub fn room_kind(kind: Option<&str>, seats: Option<i64>) -> DomainResult<(&'static str, i64)> {
    let kind = match kind.unwrap_or("video") {
        "video" => "video",
        "audio" => "audio",
        _ => return Err(DomainError::invalid("kind: video or audio")),
    };
    let (range, default) = if kind == "audio" { (1..=MAX_AUDIO_SEATS, 8) } else { (0..=MAX_VIDEO_SEATS, 0) };
    let seats = seats.unwrap_or(default);
    if !range.contains(&seats) {
        return Err(DomainError::invalid(format!("seats: {} to {} for a {kind} room", range.start(), range.end())));
    }
    Ok((kind, seats))
}

/// Takes `account` off the seat it holds (in `only_in`, when given): a kick
/// or a ban frees the seat and Agora stops them publishing.
pub async fn unseat(state: &AppState, account: &str, only_in: Option<&str>) -> DomainResult<()> {
    let Some((room_id, seat)) = state.db.seated_in(account).await? else { return Ok(()) };
    if only_in.is_some_and(|r| r != room_id) {
        return Ok(());
    }
    match state.db.free_seat(&room_id, seat, account).await {
        Ok(()) | Err(store::Error::Condition("not_seated")) => {}
        Err(e) => return Err(e.into()),
    }
    if let Some(room) = state.db.get_room_item(&room_id).await? {
        stop_publishing(state, &room, account).await;
    }
    Ok(())
}

/// A viewer who leaves the room leaves its stage: their seat (if any) is
/// freed and their open request for one withdrawn.
pub async fn leave_stage(state: &AppState, room_id: &str, account: &str) -> DomainResult<()> {
    unseat(state, account, Some(room_id)).await?;
    match state.db.delete_seat_request(room_id, account).await {
        Ok(()) | Err(store::Error::Condition("no_request")) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
