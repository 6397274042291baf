//! Room moderation: a host names up to five moderators; the host or one of
//! them can mute a viewer's chat and mic, and kick a viewer out of the room
//! for ten minutes or for the room's life. A kick also drops the viewer from
//! the Agora channel through Agora's banning rules, and a mic mute stops
//! them publishing audio there, so neither rests on the viewer's app.

use serde::Deserialize;
use store::{Kick, Moderator, Mute, Role, Room};

use crate::http::{CreatedOrFound, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views;
use crate::kernel::views::Person;
use crate::{AppState, DomainError};
use integrations::agora::Privilege;

pub const KICK_MINUTES: i64 = 10;
/// The longest Agora keeps a banning rule: a room's life (room tokens last a day).
const ROOM_LIFE_SECS: i64 = *integrations::agora::RULE_SECS.end();

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeratorInput {
    pub user_id: String,
}

/// One of a host's moderators.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeratorView {
    pub host_id: String,
    pub user: Person,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

async fn moderator_view(state: &AppState, m: &Moderator) -> DomainResult<ModeratorView> {
    let a = state.db.get_account(&m.user_id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
    Ok(ModeratorView {
        host_id: m.host_id.clone(),
        user: crate::kernel::views::person(&a, &*state.levels().await?),
        created_at: views::time(m.created_at),
    })
}

/// Names a moderator of the host's rooms: 201, 200 when already one.
pub async fn add_moderator_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<ModeratorView>> {
    let host = ctx.caller()?;
    let input: ModeratorInput = ctx.json()?;
    let user = validate::id("user_id", &input.user_id).map_err(|_| DomainError::not_found("user not found"))?;
    if user == host.id {
        return Err(DomainError::invalid("user_id: you moderate your rooms already"));
    }
    if state.db.get_account(&user).await?.is_none() {
        return Err(DomainError::not_found("user not found"));
    }
    let m = Moderator { host_id: host.id.clone(), user_id: user.clone(), created_at: state.now() };
    let created = state.db.add_moderator(&m).await.map_err(|e| match e {
        store::Error::Condition("too_many_moderators") => DomainError::conflict(
            "too_many_moderators",
            format!("a host has at most {} moderators; remove one first", store::MAX_MODERATORS),
        ),
        other => other.into(),
    })?;
    let m = state.db.get_moderator(&host.id, &user).await?.unwrap_or(m);
    let view = moderator_view(state, &m).await?;
    let answer = CreatedOrFound::new(view);
    Ok(if created { answer } else { answer.also() })
}

pub async fn remove_moderator_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let host = ctx.caller()?;
    let user = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("not a moderator"))?;
    if !state.db.remove_moderator(&host.id, &user).await? {
        return Err(DomainError::not_found("not one of your moderators"));
    }
    Ok(NoContent::done())
}

pub async fn list_moderators_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<ModeratorView>> {
    let host = ctx.caller()?;
    let scope = format!("moderators:{}", host.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_moderators(&host.id, limit, start).await?;
    let mut items = Vec::new();
    for m in &page.items {
        items.push(moderator_view(state, m).await?);
    }
    Ok(list_reply(state, &scope, items, page.next))
}

/// The live room of the path, the target viewer, and whether the caller
/// may act on them: the host on anyone, a moderator on viewers who are not
/// moderators (403 `not_moderator` otherwise).
async fn moderated(state: &AppState, ctx: &Ctx, user_id: &str, protect_vip: bool) -> DomainResult<(Room, String)> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    let room = state.db.get_room(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    let user = validate::id("user_id", user_id).map_err(|_| DomainError::not_found("user not found"))?;
    let not_moderator = || {
        DomainError::new(ErrorKind::Forbidden, "not_moderator", "only the room's host or its moderators can do this")
    };
    let is_host = room.host_id == caller.id;
    if !is_host && caller.role != Role::Admin && !state.db.is_moderator(&room.host_id, &caller.id).await? {
        return Err(not_moderator());
    }
    if user == room.host_id || user == caller.id {
        return Err(DomainError::invalid("user_id: not the room's host, nor yourself"));
    }
    if !is_host && caller.role != Role::Admin && state.db.is_moderator(&room.host_id, &user).await? {
        return Err(DomainError::new(
            ErrorKind::Forbidden,
            "not_moderator",
            "a moderator cannot act on another moderator",
        ));
    }
    if !room.live {
        return Err(DomainError::conflict("room_ended", "this room has ended"));
    }
    let Some(target) = state.db.get_account(&user).await? else {
        return Err(DomainError::not_found("user not found"));
    };
    // VIP 3: the room's moderators cannot kick or mute them (its host and admins still can).
    if protect_vip && !is_host && caller.role != Role::Admin && target.vip_tier(state.now()) >= 3 {
        return Err(DomainError::new(
            ErrorKind::Forbidden,
            "vip_protected",
            "a VIP 3 viewer can be kicked or muted only by the room's host or an admin",
        ));
    }
    Ok((room, user))
}

fn agora_failed(e: String) -> DomainError {
    tracing::error!(error = %e, "Agora banning rule failed");
    DomainError::unavailable("done here, but the video service did not confirm; try again")
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KickInput {
    pub user_id: String,
    /// Keep them out for the room's life instead of 10 minutes
    #[serde(default)]
    pub for_room: bool,
}

/// A kick: who is out of which room until when.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Kicked {
    pub room_id: String,
    pub user_id: String,
    /// RFC 3339; far in the future for the room's life
    #[schema(format = DateTime)]
    pub until: String,
    pub for_room: bool,
    /// Agora's banning rule, when the video service is configured
    pub agora_rule_id: Option<i64>,
}

/// Kicks a viewer: out of the room's count now, refused on joining again
/// until then (403 `kicked`), and out of the Agora channel. Repeating it
/// extends nothing and answers the same kick.
pub async fn kick_viewer_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Kicked>> {
    let caller = ctx.caller()?;
    let input: KickInput = ctx.json()?;
    let (room, user) = moderated(state, ctx, &input.user_id, true).await?;
    let now = state.now();
    let until = if input.for_room { i64::MAX / 2 } else { now + KICK_MINUTES * 60_000 };
    let mut kick = Kick {
        room_id: room.id.clone(),
        user_id: user.clone(),
        by: caller.id.clone(),
        until,
        created_at: now,
        agora_rule_id: None,
    };
    state.db.put_kick(&kick).await?;
    state.db.leave_room(&room.id, &user, None).await?;
    // A kicked guest leaves the stage too.
    super::seats::unseat(state, &user, Some(&room.id)).await?;
    if let Some(rules) = state.agora_rules() {
        let secs = if input.for_room { ROOM_LIFE_SECS } else { KICK_MINUTES * 60 };
        let uid = integrations::agora::uid_for(&user);
        let id = rules.ban(&room.channel, uid, Privilege::JoinChannel, secs).await.map_err(agora_failed)?;
        kick.agora_rule_id = Some(id);
        state.db.put_kick(&kick).await?;
    }
    Ok(Json::new(Kicked {
        room_id: room.id,
        user_id: user,
        until: views::time(until.min(253_402_300_799_000)),
        for_room: input.for_room,
        agora_rule_id: kick.agora_rule_id,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MuteInput {
    pub user_id: String,
    /// Mute their chat (default true)
    pub chat: Option<bool>,
    /// Mute their mic (default true)
    pub mic: Option<bool>,
}

/// A viewer's mutes in a room.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Muted {
    pub room_id: String,
    pub user_id: String,
    pub chat: bool,
    pub mic: bool,
}

/// Mutes a viewer's chat and/or mic for the room's life. The mic is
/// enforced by Agora (no publishing audio in the channel); the chat by the
/// apps, which read it in the join answer.
pub async fn mute_viewer_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Muted>> {
    let caller = ctx.caller()?;
    let input: MuteInput = ctx.json()?;
    let (room, user) = moderated(state, ctx, &input.user_id, true).await?;
    let (chat, mic) = (input.chat.unwrap_or(true), input.mic.unwrap_or(true));
    if !chat && !mic {
        return Err(DomainError::invalid("chat, mic: mute at least one (unmute lifts both)"));
    }
    let before = state.db.get_mute(&room.id, &user).await?;
    let mut rule = before.as_ref().and_then(|m| m.agora_rule_id);
    if let Some(rules) = state.agora_rules() {
        let uid = integrations::agora::uid_for(&user);
        match (mic, rule) {
            (true, None) => {
                rule = Some(
                    rules
                        .ban(&room.channel, uid, Privilege::PublishAudio, ROOM_LIFE_SECS)
                        .await
                        .map_err(agora_failed)?,
                )
            }
            (false, Some(id)) => {
                rules.unban(id).await.map_err(agora_failed)?;
                rule = None;
            }
            _ => {}
        }
    }
    let m = Mute {
        room_id: room.id.clone(),
        user_id: user.clone(),
        by: caller.id.clone(),
        chat,
        mic,
        created_at: state.now(),
        agora_rule_id: rule,
    };
    state.db.put_mute(&m).await?;
    Ok(Json::new(Muted { room_id: room.id, user_id: user, chat, mic }))
}

/// Lifts a viewer's mutes (204 either way).
pub async fn unmute_viewer_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let input: ModeratorInput = ctx.json()?;
    let (room, user) = moderated(state, ctx, &input.user_id, false).await?;
    if let Some(m) = state.db.get_mute(&room.id, &user).await? {
        if let (Some(rules), Some(id)) = (state.agora_rules(), m.agora_rule_id) {
            rules.unban(id).await.map_err(agora_failed)?;
        }
        state.db.delete_mute(&room.id, &user).await?;
    }
    Ok(NoContent::done())
}
