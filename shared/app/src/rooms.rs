//! Live rooms: a host goes live (publisher token), viewers join (subscriber
//! token and what the room screen shows), gifts sent in the room add up to its
//! `host_earning` and top gifters.

use std::collections::HashMap;

use integrations::agora::RtcRole;
use serde::Deserialize;
use serde_json::{Value, json};
use store::{Account, Role, Room};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply, list_reply};
use crate::{ApiError, AppState, validate, views};

/// Rooms have no set end: their tokens last the longest Agora allows us, a day.
pub const ROOM_TOKEN_SECS: i64 = 24 * 3600;
pub const TOP_GIFTERS: usize = 3;

pub fn room_json(r: &Room) -> Value {
    json!({
        "id": r.id,
        "host_id": r.host_id,
        "channel": r.channel,
        "title": r.title,
        "viewers": r.viewers,
        "host_earning": r.host_earning,
        "live": r.live,
        "started_at": views::time(r.started_at),
        "ended_at": r.ended_at.map(views::time),
    })
}

/// `{app_id, channel, uid, token, expires_at}` for `account_id` in `channel`.
pub fn agora_grant(
    state: &AppState,
    channel: &str,
    account_id: &str,
    role: RtcRole,
    expire_secs: i64,
) -> ApiResult<Value> {
    if !state.agora.configured() {
        return Err(ApiError::unavailable("video is not configured"));
    }
    let now = state.now();
    let secs = expire_secs.clamp(60, ROOM_TOKEN_SECS);
    let uid = integrations::agora::uid_for(account_id);
    let token = state.agora.rtc_token(channel, uid, role, secs as u32, (now / 1000) as u32);
    Ok(json!({
        "app_id": state.agora.app_id,
        "channel": channel,
        "uid": uid,
        "token": token,
        "expires_at": views::time(now / 1000 * 1000 + secs * 1000),
    }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRoomInput {
    pub title: Option<String>,
}

/// Goes live. A host already live gets that room back (200) rather than a
/// second one: the app may have lost it in a crash or a reconnect.
pub async fn start_room(state: &AppState, host_id: &str, input: StartRoomInput) -> ApiResult<Reply> {
    let title = input.title.as_deref().map(|t| validate::text("title", t, 1, 100)).transpose()?;
    for _ in 0..3 {
        if let Some(id) = state.db.live_room_of(host_id).await?
            && let Some(room) = state.db.get_room(&id).await?
            && room.live
        {
            let agora = agora_grant(state, &room.channel, host_id, RtcRole::Publisher, ROOM_TOKEN_SECS)?;
            return Ok(Reply::ok(json!({ "room": room_json(&room), "agora": agora })));
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
        };
        let agora = agora_grant(state, &room.channel, host_id, RtcRole::Publisher, ROOM_TOKEN_SECS)?;
        match state.db.start_room(&room).await {
            Ok(()) => return Ok(Reply::created(json!({ "room": room_json(&room), "agora": agora }))),
            // Another start won the race: answer its room.
            Err(store::Error::Condition("host_live")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("the room is changing; try again"))
}

pub async fn start_room_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let input = if ctx.body.iter().all(u8::is_ascii_whitespace) { StartRoomInput::default() } else { ctx.json()? };
    start_room(state, &caller.id, input).await
}

async fn existing_room(state: &AppState, ctx: &Ctx) -> ApiResult<Room> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("room not found"))?;
    state.db.get_room(&id).await?.ok_or_else(|| ApiError::not_found("room not found"))
}

/// Ends the room (its host, or an admin). Ending an ended room answers it again.
pub async fn end_room_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    if room.host_id != caller.id && caller.role != Role::Admin {
        return Err(ApiError::forbidden("only the room's host can end it"));
    }
    if room.live {
        match state.db.end_room(&room, state.now()).await {
            Ok(()) | Err(store::Error::Condition("room_ended")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let room = state.db.get_room(&room.id).await?.ok_or_else(|| ApiError::not_found("room not found"))?;
    Ok(Reply::ok(room_json(&room)))
}

fn person(a: &Account) -> Value {
    json!({ "id": a.id, "name": a.name, "role": a.role, "avatar_id": a.avatar_id })
}

async fn accounts_by_id(state: &AppState, ids: Vec<String>) -> ApiResult<HashMap<String, Account>> {
    Ok(state.db.get_accounts(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect())
}

pub async fn list_rooms_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let (limit, start) = ctx.page(state, "rooms")?;
    let page = state.db.list_live_rooms(limit, start).await?;
    let hosts = accounts_by_id(state, page.items.iter().map(|r| r.host_id.clone()).collect()).await?;
    let items = page
        .items
        .iter()
        .map(|r| {
            let mut v = room_json(r);
            v["host"] = hosts.get(&r.host_id).map(person).unwrap_or(Value::Null);
            v
        })
        .collect();
    Ok(list_reply(state, "rooms", items, page.next))
}

pub async fn get_room_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    let host = state.db.get_account(&room.host_id).await?;
    let mut v = room_json(&room);
    v["host"] = host.as_ref().map(person).unwrap_or(Value::Null);
    Ok(Reply::ok(v))
}

/// Joins a live room: counted once however often the same viewer joins.
pub async fn join_room(state: &AppState, viewer_id: &str, room_id: &str) -> ApiResult<Reply> {
    let room = state.db.get_room(room_id).await?.ok_or_else(|| ApiError::not_found("room not found"))?;
    if room.host_id == viewer_id {
        return Err(ApiError::invalid("id: you host this room; start it instead of joining"));
    }
    let ended = || ApiError::conflict("room_ended", "this room has ended");
    if !room.live {
        return Err(ended());
    }
    match state.db.join_room(room_id, viewer_id, state.now()).await {
        Ok(_) => {}
        Err(store::Error::Condition("room_ended")) => return Err(ended()),
        Err(e) => return Err(e.into()),
    }
    let room = state.db.get_room(room_id).await?.ok_or_else(|| ApiError::not_found("room not found"))?;
    let gifters = state.db.top_gifters(room_id, TOP_GIFTERS).await?;
    let mut ids: Vec<String> = gifters.iter().map(|(id, _)| id.clone()).collect();
    ids.push(room.host_id.clone());
    let people = accounts_by_id(state, ids).await?;
    let host = people.get(&room.host_id).ok_or_else(|| ApiError::not_found("the room's host is gone"))?;
    let top: Vec<Value> = gifters
        .iter()
        .filter_map(|(id, coins)| {
            let mut v = person(people.get(id)?);
            v["coins"] = json!(coins);
            Some(v)
        })
        .collect();
    let agora = agora_grant(state, &room.channel, viewer_id, RtcRole::Subscriber, ROOM_TOKEN_SECS)?;
    Ok(Reply::ok(json!({
        "room": room_json(&room),
        "agora": agora,
        "host": views::profile(host, None),
        "viewers": room.viewers,
        "host_earning": room.host_earning,
        "top_gifters": top,
    })))
}

pub async fn join_room_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("room not found"))?;
    join_room(state, &caller.id, &id).await
}

pub async fn leave_room_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let room = existing_room(state, ctx).await?;
    state.db.leave_room(&room.id, &caller.id).await?;
    Ok(Reply::no_content())
}
