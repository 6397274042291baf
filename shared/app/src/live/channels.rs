//! Channel names, publishing (seq, the kept log) and who may read a channel.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::{Ctx, Json};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::validate;
use crate::{AppState, DomainError};

/// Messages a catch-up answers at most (a channel carries at most 10 a second).
pub const CATCH_UP_MAX: usize = 1000;

pub fn room_channel(room_id: &str) -> String {
    format!("/rooms/{room_id}")
}

pub fn user_channel(account_id: &str) -> String {
    format!("/users/{account_id}")
}

/// Publishes `messages` (JSON objects with their `type`) on `channel`, in
/// order: each gets the channel's next `seq` and `at`, and is kept for
/// catching up. Answers the messages as sent.
pub async fn publish(state: &AppState, channel: &str, messages: Vec<Value>) -> DomainResult<Vec<Value>> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let first = state.db.take_channel_seqs(channel, messages.len()).await?;
    let at = state.now();
    let mut sent = Vec::with_capacity(messages.len());
    let mut kept = Vec::with_capacity(messages.len());
    for (i, mut m) in messages.into_iter().enumerate() {
        let seq = first + i as i64;
        let Some(obj) = m.as_object_mut() else {
            return Err(DomainError::internal(format!("a message on {channel} is not an object")));
        };
        obj.insert("seq".into(), seq.into());
        obj.insert("at".into(), crate::kernel::views::time(at).into());
        kept.push(store::ChannelMessage { seq, at, body: m.to_string() });
        sent.push(m);
    }
    state.db.keep_channel_messages(channel, &kept).await?;
    // Kept first: a publish that fails is caught up from the log by the apps.
    if let Some(events) = state.events() {
        let bodies: Vec<String> = kept.into_iter().map(|m| m.body).collect();
        if let Err(e) = events.publish(channel, &bodies).await {
            tracing::error!(error = %e, channel, "publishing on a live channel failed");
        }
    }
    Ok(sent)
}

/// `publish`, once for `key` (what the messages come from): a retried stream
/// record publishes nothing again. Answers whether it published.
pub async fn publish_once(state: &AppState, channel: &str, key: &str, messages: Vec<Value>) -> DomainResult<bool> {
    if !state.db.claim_channel_publish(channel, key, state.now()).await? {
        return Ok(false);
    }
    publish(state, channel, messages).await?;
    Ok(true)
}

/// Whether `account` may read `channel`: its own `/users/…`; a room's when
/// the room exists, its host has not blocked the account and no kick keeps it
/// out (a banned account has no session to ask with). Live or just ended:
/// the last messages (`room_ended`) stay readable for catching up.
pub async fn may_subscribe(state: &AppState, account: &str, channel: &str) -> DomainResult<()> {
    let refused = |code: &'static str, why: &str| DomainError::new(ErrorKind::Forbidden, code, why.to_string());
    if let Some(id) = channel.strip_prefix("/users/") {
        if id == account {
            return Ok(());
        }
        return Err(refused("forbidden", "only your own channel"));
    }
    let Some(room_id) = channel.strip_prefix("/rooms/").filter(|r| validate::id("room_id", r).is_ok()) else {
        return Err(DomainError::not_found("no such channel"));
    };
    let room = state.db.get_room_item(room_id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    if room.host_id != account {
        if state.db.get_block(&room.host_id, account).await?.is_some() {
            return Err(refused("blocked", "the room's host blocked you"));
        }
        if state.db.get_kick(room_id, account).await?.is_some_and(|k| k.until > state.now()) {
            return Err(refused("kicked", "you were removed from this room"));
        }
    }
    Ok(())
}

/// A channel's messages after a seq.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelEvents {
    pub channel: String,
    /// The messages after `after` still kept (10 minutes), oldest first: `{type, seq, at, …}`
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
    /// The channel's last seq (0 before its first message): more than the last item's when older ones lapsed
    pub last_seq: i64,
}

fn after(ctx: &Ctx) -> DomainResult<i64> {
    match ctx.query.get("after") {
        None => Ok(0),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=i64::MAX / 4).contains(n))
            .ok_or_else(|| DomainError::invalid("after: a seq, a whole number from 0")),
    }
}

async fn catch_up(state: &AppState, channel: String, after: i64) -> DomainResult<Json<ChannelEvents>> {
    let (kept, last_seq) = state.db.channel_messages_after(&channel, after, CATCH_UP_MAX, state.now()).await?;
    let items = kept.iter().filter_map(|m| serde_json::from_str(&m.body).ok()).collect();
    Ok(Json::new(ChannelEvents { channel, items, last_seq }))
}

pub async fn room_events_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChannelEvents>> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    let after = after(ctx)?;
    let channel = room_channel(&id);
    may_subscribe(state, &caller.id, &channel).await?;
    catch_up(state, channel, after).await
}

pub async fn my_events_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChannelEvents>> {
    let caller = ctx.caller()?;
    let after = after(ctx)?;
    catch_up(state, user_channel(&caller.id), after).await
}
