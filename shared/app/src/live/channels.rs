//! Channel names, publishing (seq, the kept log) and who may read a channel.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::http::{Ctx, Json};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::validate;
use crate::{AppState, DomainError};
use store::CHANNEL_SLOT_MS;

/// Messages a catch-up answers at most (a channel carries at most 10 a second).
pub const CATCH_UP_MAX: usize = 1000;

pub fn room_channel(room_id: &str) -> String {
    format!("/rooms/{room_id}")
}

pub fn user_channel(account_id: &str) -> String {
    format!("/users/{account_id}")
}

/// How long a publish may wait for a room channel's slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// As long as it takes (what the stream hands over is never dropped).
    Wait,
    /// At most this many ms, else `Sent::Busy` (a chat line in a busy room).
    AtMost(i64),
}

/// What a publish did.
#[derive(Debug)]
pub enum Sent {
    /// The messages as sent, with their `seq` and `at`.
    Sent(Vec<Value>),
    /// These claims were taken before: nothing was sent.
    Claimed(Vec<String>),
    /// The room's next free slot is further away than the pace allows.
    Busy,
}

/// Publishes `messages` (JSON objects with their `type`) on `channel`, in
/// order, once for `claims` (what they come from): each gets the channel's
/// next `seq` and `at` and is kept for catching up, in one transaction with
/// the claims. A room's channel carries one message per 100 ms slot: when the
/// next free slot is ahead, the message waits for it (at most 10 a second
/// whatever the rate of what happens in the room).
pub async fn publish_claimed(
    state: &AppState,
    channel: &str,
    claims: &[String],
    messages: Vec<Value>,
    pace: Pace,
) -> DomainResult<Sent> {
    if messages.is_empty() {
        return Ok(Sent::Sent(Vec::new()));
    }
    let paced = channel.starts_with("/rooms/");
    for _ in 0..50 {
        let head = state.db.channel_head(channel).await?;
        let now = state.now();
        let first_slot = (now.div_euclid(CHANNEL_SLOT_MS)).max(head.slot + 1);
        let start = first_slot * CHANNEL_SLOT_MS;
        if let Pace::AtMost(ms) = pace
            && paced
            && start - now > ms
        {
            return Ok(Sent::Busy);
        }
        let at = if paced { start.max(now) } else { now };
        let mut sent = Vec::with_capacity(messages.len());
        let mut kept = Vec::with_capacity(messages.len());
        for (i, m) in messages.iter().enumerate() {
            let seq = head.seq + 1 + i as i64;
            let mut m = m.clone();
            let Some(obj) = m.as_object_mut() else {
                return Err(DomainError::internal(format!("a message on {channel} is not an object")));
            };
            obj.insert("seq".into(), seq.into());
            obj.insert("at".into(), crate::kernel::views::time(at).into());
            kept.push(store::ChannelMessage { seq, at, body: m.to_string() });
            sent.push(m);
        }
        let slot = paced.then_some(first_slot + messages.len() as i64 - 1);
        match state.db.append_channel(channel, &head, slot, claims, &kept).await? {
            store::Appended::Done => {}
            store::Appended::Moved => continue,
            store::Appended::Claimed => {
                return Ok(Sent::Claimed(state.db.claimed_channel_keys(channel, claims).await?));
            }
        }
        // Kept first: a publish that fails is caught up from the log by the apps.
        if let Some(events) = state.events() {
            for (i, m) in kept.into_iter().enumerate() {
                if paced {
                    state.clock.wait_until(start + i as i64 * CHANNEL_SLOT_MS).await;
                }
                if let Err(e) = events.publish(channel, &[m.body]).await {
                    tracing::error!(error = %e, channel, "publishing on a live channel failed");
                }
            }
        }
        return Ok(Sent::Sent(sent));
    }
    Err(DomainError::unavailable("the channel is busy; try again"))
}

/// Publishes `messages` on `channel` (see `publish_claimed`), waiting for its slot.
pub async fn publish(state: &AppState, channel: &str, messages: Vec<Value>) -> DomainResult<Vec<Value>> {
    match publish_claimed(state, channel, &[], messages, Pace::Wait).await? {
        Sent::Sent(sent) => Ok(sent),
        Sent::Claimed(_) | Sent::Busy => Err(DomainError::internal("an unclaimed publish was refused")),
    }
}

/// `publish`, once for `key` (what the messages come from): a retried stream
/// record publishes nothing again. Answers whether it published.
pub async fn publish_once(state: &AppState, channel: &str, key: &str, messages: Vec<Value>) -> DomainResult<bool> {
    let sent = publish_claimed(state, channel, &[key.to_string()], messages, Pace::Wait).await?;
    Ok(matches!(sent, Sent::Sent(_)))
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
