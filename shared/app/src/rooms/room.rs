//! Live rooms: a host goes live (publisher token), viewers join (subscriber
//! token and what the room screen shows), gifts sent in the room add up to its
//! `host_earning` and top gifters.

use std::collections::HashMap;

use integrations::agora::RtcRole;
use serde::{Deserialize, Serialize};
use store::{Account, Role, Room};
use utoipa::ToSchema;

pub use super::grants::{AgoraGrant, ROOM_TOKEN_SECS, agora_grant};
use crate::http::{CreatedOrFound, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::ids::{AccountId, HostId, RoomId};
use crate::kernel::validate;
use crate::kernel::views::{self, Person, person};
use crate::{AppState, DomainError};

pub const TOP_GIFTERS: usize = 3;

/// A live room (or one that ended).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomView {
    pub id: String,
    pub host_id: String,
    /// The Agora channel
    pub channel: String,
    pub title: Option<String>,
    pub viewers: i64,
    /// Coins the host earned in this room
    pub host_earning: i64,
    pub live: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub started_at: String,
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    /// Lists and `GET /rooms/{id}`: who hosts it
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Person>,
    /// video, or audio (a party room: everyone on audio only)
    #[schema(schema_with = crate::kernel::vocab::room_kind)]
    pub kind: String,
    /// How many guest seats it has
    pub seat_count: i64,
    /// `GET /rooms/{id}`: who sits where
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seats: Option<Vec<super::seats::SeatView>>,
    /// `GET /rooms/{id}`: the PK battle the host is in now
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pk: Option<Box<super::pk::PkView>>,
}

pub fn room_view(r: &Room) -> RoomView {
    RoomView {
        id: r.id.clone(),
        host_id: r.host_id.clone(),
        channel: r.channel.clone(),
        title: r.title.clone(),
        viewers: r.viewers,
        host_earning: r.host_earning,
        live: r.live,
        started_at: views::time(r.started_at),
        ended_at: r.ended_at.map(views::time),
        host: None,
        kind: r.kind.clone(),
        seat_count: r.seats,
        seats: None,
        pk: None,
    }
}

/// A started (or resumed) room and the host's grant to publish in it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomStarted {
    pub room: RoomView,
    pub agora: AgoraGrant,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRoomInput {
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
    /// video (the default) or audio: a party room on the mic only
    #[schema(schema_with = crate::kernel::vocab::room_kind_or_null)]
    pub kind: Option<String>,
    /// Guest seats: 0 to 8 in a video room (0 by default), 1 to 12 in an audio one (8 by default)
    #[schema(minimum = 0, maximum = 12)]
    pub seats: Option<i64>,
}

/// Goes live. A host already live gets that room back (200) rather than a
/// second one: the app may have lost it in a crash or a reconnect.
pub async fn start_room(
    state: &AppState,
    host_id: &HostId,
    input: StartRoomInput,
) -> DomainResult<CreatedOrFound<RoomStarted>> {
    let title = input.title.as_deref().map(|t| validate::text("title", t, 1, 100)).transpose()?;
    let (kind, seats) = super::seats::room_kind(input.kind.as_deref(), input.seats)?;
    for _ in 0..3 {
        if let Some(id) = state.db.live_room_of(host_id).await?
            && let Some(room) = state.db.get_room(&id).await?
            && room.live
        {
            let agora = agora_grant(state, &room.channel, host_id, super::seats::publisher(&room), ROOM_TOKEN_SECS)?;
            return Ok(CreatedOrFound::new(RoomStarted { room: room_view(&room), agora }).also());
        }
        let id = ulid::Ulid::new().to_string();
        let room = Room {
            channel: state.agora.channel_name("r", &id),
            id,
            host_id: host_id.to_string(),
            title: title.clone(),
            viewers: 0,
            host_earning: 0,
            live: true,
            started_at: state.now(),
            ended_at: None,
            kind: kind.into(),
            seats,
            slow_mode_secs: 0,
            min_chat_level: 0,
        };
        let agora = agora_grant(state, &room.channel, host_id, super::seats::publisher(&room), ROOM_TOKEN_SECS)?;
        match state.db.start_room(&room).await {
            Ok(()) => return Ok(CreatedOrFound::new(RoomStarted { room: room_view(&room), agora })),
            // Another start won the race: answer its room.
            Err(store::Error::Condition("host_live")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("the room is changing; try again"))
}

pub async fn start_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<RoomStarted>> {
    let caller = ctx.caller()?;
    let input = if ctx.body.iter().all(u8::is_ascii_whitespace) { StartRoomInput::default() } else { ctx.json()? };
    start_room(state, &HostId::known(&caller.id), input).await
}

async fn existing_room(state: &AppState, ctx: &Ctx) -> DomainResult<Room> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    state.db.get_room(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))
}

/// Ends the room (its host, or an admin). Ending an ended room answers it again.
pub async fn end_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<RoomView>> {
    let caller = ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    if room.host_id != caller.id && caller.role != Role::Admin {
        return Err(DomainError::forbidden("only the room's host can end it"));
    }
    if room.live && room.host_id != caller.id {
        // An admin ends it: the host's app may not cooperate, so Agora drops the publisher too.
        end_live_room_of(state, &HostId::known(&room.host_id)).await?;
    } else if room.live {
        close_room(state, &room, state.now()).await?;
    }
    let room = state.db.get_room(&room.id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    Ok(Json::new(room_view(&room)))
}

/// Ends a live room at `at` (an ended one stays as it is), with what lives
/// only as long as the room: its host's PK battle.
pub async fn close_room(state: &AppState, room: &Room, at: i64) -> DomainResult<()> {
    let live = crate::payouts::live_minutes(room.started_at, at);
    match state.db.end_room(room, at, &live).await {
        Ok(()) | Err(store::Error::Condition("room_ended")) => {}
        Err(e) => return Err(e.into()),
    }
    // A battle needs both rooms: it ends with either.
    super::pk::end_pk_of(state, &room.host_id).await?;
    super::seats::close_seats(state, room).await
}

/// Ends `host_id`'s live room, if any, as the host's own end would, and has
/// Agora drop the publisher from its channel (a banned host's stream stops
/// now, not when the app next asks).
pub async fn end_live_room_of(state: &AppState, host_id: &HostId) -> DomainResult<()> {
    let Some(id) = state.db.live_room_of(host_id).await? else { return Ok(()) };
    let Some(room) = state.db.get_room(&id).await?.filter(|r| r.live) else { return Ok(()) };
    close_room(state, &room, state.now()).await?;
    if let Some(rules) = state.agora_rules() {
        let uid = integrations::agora::uid_for(host_id);
        if let Err(e) =
            rules.ban(&room.channel, uid, integrations::agora::Privilege::JoinChannel, ROOM_TOKEN_SECS).await
        {
            // The room is ended for us already; the publisher's token is refused on rejoin.
            tracing::error!(error = %e, room_id = %room.id, "dropping the publisher failed");
        }
    }
    Ok(())
}

/// One of a room's top gifters.
#[derive(Serialize, ToSchema)]
pub struct TopGifter {
    #[serde(flatten)]
    pub person: Person,
    /// Coins sent in this room
    pub coins: i64,
}

/// Joining a room: the room, a grant to watch, its host and top gifters.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomJoined {
    pub room: RoomView,
    pub agora: AgoraGrant,
    pub host: views::Profile,
    pub viewers: i64,
    pub host_earning: i64,
    pub top_gifters: Vec<TopGifter>,
    /// The room's moderators muted this viewer's chat (the app keeps them from sending)
    pub chat_muted: bool,
    /// ... or mic (Agora keeps them from publishing audio)
    pub mic_muted: bool,
}

async fn accounts_by_id(state: &AppState, ids: Vec<String>) -> DomainResult<HashMap<String, Account>> {
    Ok(state.db.get_accounts(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect())
}

pub async fn list_rooms_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<RoomView>> {
    let caller = ctx.caller()?;
    let (limit, start) = ctx.page(state, "rooms")?;
    let page = state.db.list_live_rooms(limit, start).await?;
    let blocked = state.db.blocked_ids(&caller.id, crate::social::FEED_FILTER_MAX).await?;
    let hosts = accounts_by_id(state, page.items.iter().map(|r| r.host_id.clone()).collect()).await?;
    let levels = state.levels().await?;
    let items = page
        .items
        .iter()
        .filter(|r| !blocked.contains(&r.host_id))
        .map(|r| RoomView { host: hosts.get(&r.host_id).map(|h| person(h, &levels)), ..room_view(r) })
        .collect::<Vec<_>>();
    Ok(list_reply(state, "rooms", items, page.next))
}

pub async fn get_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<RoomView>> {
    let caller = ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    let host = state.db.get_account(&room.host_id).await?;
    let pk = match state.db.pk_of_host(&room.host_id).await? {
        Some((id, _)) if room.live => {
            super::pk::fresh_pk(state, &id, Some(&caller.id)).await?.filter(|b| b.state == "active")
        }
        _ => None,
    };
    let pk = match pk {
        Some(b) => Some(Box::new(super::pk::pk_view(state, &b, &caller.id).await?)),
        None => None,
    };
    let seats = Some(super::seats::seats_view(state, &room).await?);
    let levels = state.levels().await?;
    Ok(Json::new(RoomView { host: host.as_ref().map(|h| person(h, &levels)), pk, seats, ..room_view(&room) }))
}

/// Sets every live room's count (the live list's order) to its shards' sum
/// where a join's or leave's update of the room item was lost; answers how many moved.
pub async fn roll_up_viewers(state: &AppState) -> DomainResult<usize> {
    let (mut start, mut moved) = (None, 0);
    loop {
        let page = state.db.list_live_rooms(100, start).await?;
        for room in &page.items {
            moved += usize::from(state.db.roll_up_viewers(room).await?);
        }
        match page.next {
            Some(next) => start = Some(next),
            None => return Ok(moved),
        }
    }
}

/// Joins a live room: counted once however often the same viewer joins.
pub async fn join_room(state: &AppState, viewer_id: &AccountId, room_id: &RoomId) -> DomainResult<Json<RoomJoined>> {
    let (viewer_id, room_id) = (viewer_id.as_str(), room_id.as_str());
    let room = state.db.get_room(room_id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    if room.host_id == viewer_id {
        return Err(DomainError::invalid("id: you host this room; start it instead of joining"));
    }
    let ended = || DomainError::conflict("room_ended", "this room has ended");
    if !room.live {
        return Err(ended());
    }
    match state.db.join_room(&room, viewer_id, state.now()).await {
        // Agora's notifications name the viewer by uid.
        Ok(_) => state.db.put_room_uid(&room.id, integrations::agora::uid_for(viewer_id), viewer_id).await?,
        Err(store::Error::Condition("room_ended")) => return Err(ended()),
        Err(e) => return Err(e.into()),
    }
    let room = state.db.get_room(room_id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    let gifters = state.db.top_gifters(room_id, TOP_GIFTERS).await?;
    let mut ids: Vec<String> = gifters.iter().map(|(id, _)| id.clone()).collect();
    ids.push(room.host_id.clone());
    let people = accounts_by_id(state, ids).await?;
    let host = people.get(&room.host_id).ok_or_else(|| DomainError::not_found("the room's host is gone"))?;
    let levels = state.levels().await?;
    let top = gifters
        .iter()
        .filter_map(|(id, coins)| {
            let p = person(people.get(id)?, &levels);
            Some(TopGifter { person: p, coins: *coins })
        })
        .collect();
    // A seated guest publishes (and joins again to renew the short token).
    let agora = if super::seats::seated_here(state, &room, viewer_id).await? {
        agora_grant(state, &room.channel, viewer_id, super::seats::publisher(&room), super::seats::SEAT_TOKEN_SECS)?
    } else {
        agora_grant(state, &room.channel, viewer_id, RtcRole::Subscriber, ROOM_TOKEN_SECS)?
    };
    let mute = state.db.get_mute(room_id, viewer_id).await?;
    Ok(Json::new(RoomJoined {
        chat_muted: mute.as_ref().is_some_and(|m| m.chat),
        mic_muted: mute.as_ref().is_some_and(|m| m.mic),
        agora,
        host: views::profile(host, None, &levels),
        viewers: room.viewers,
        host_earning: room.host_earning,
        top_gifters: top,
        room: room_view(&room),
    }))
}

pub async fn join_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<RoomJoined>> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    join_room(state, &AccountId::known(&caller.id), &RoomId::parse("id", &id)?).await
}

pub async fn leave_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    // The minutes watched count for the viewer's tasks (a session counts 4 h at most).
    let now = state.now();
    let periods = crate::rewards::TaskCounting::read(state).await?.periods_of("watch_minutes", now);
    state.db.leave_room(&room.id, &caller.id, periods.as_ref().map(|p| (p, now, 240))).await?;
    super::seats::leave_stage(state, &room.id, &caller.id).await?;
    Ok(NoContent::done())
}
