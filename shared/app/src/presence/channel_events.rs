//! `POST /webhooks/agora`: Agora's Notification Center Service. Viewers who
//! join and leave a room's channel (103–106) keep its viewer count exact even
//! when an app dies without calling leave; both parties joining a call's
//! channel (103, 105 or 107) mark it connected, and a party leaving (104, 106
//! or 108) or the channel closing (102) ends it like a hang-up. Each notice is handled once; per uid,
//! an event older (`clientSeq`) than one handled already is dropped.

use serde::Deserialize;
use serde_json::Value;
use store::ChannelOwner;

use crate::http::WebhookAnswer;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::{AppState, DomainError};

#[derive(Deserialize)]
struct Notice {
    #[serde(rename = "noticeId")]
    notice_id: String,
    #[serde(rename = "eventType")]
    event_type: i64,
    #[serde(rename = "notifyMs", default)]
    notify_ms: i64,
    #[serde(default)]
    payload: Value,
}

fn answer(status: &'static str) -> DomainResult<Json<WebhookAnswer>> {
    Ok(Json::new(WebhookAnswer { status, recharge_id: None, coins: None }))
}

pub async fn agora_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WebhookAnswer>> {
    let secret = &state.config.agora_ncs_secret;
    if secret.is_empty() {
        tracing::error!("AGORA_NCS_SECRET is not configured");
        return Err(DomainError::unavailable("video notifications are not configured"));
    }
    let sig = ctx.headers.get("agora-signature-v2").and_then(|v| v.to_str().ok());
    let sig =
        sig.ok_or_else(|| DomainError::new(ErrorKind::Invalid, "invalid_signature", "Agora-Signature-V2: missing"))?;
    if !integrations::agora::verify_ncs(secret, &ctx.body, sig) {
        return Err(DomainError::new(
            ErrorKind::Invalid,
            "invalid_signature",
            "Agora-Signature-V2 does not match the body",
        ));
    }
    let notice: Notice = serde_json::from_slice(&ctx.body)
        .map_err(|e| DomainError::invalid(format!("body: not an Agora notification: {e}")))?;
    if state.db.agora_notice_seen(&notice.notice_id).await? {
        return answer("duplicate");
    }
    let status = handle(state, &notice).await?;
    state.db.mark_agora_notice(&notice.notice_id, state.now()).await?;
    answer(status)
}

/// The event's time: the payload's `ts` (seconds), else when Agora sent it,
/// never after now. A `ts` no clock can hold (past the year 9999 or before
/// 1970) is refused, not multiplied into an overflow.
fn event_time(p: &Value, notify_ms: i64, now: i64) -> DomainResult<i64> {
    const LATEST_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let at = match &p["ts"] {
        Value::Null => notify_ms,
        ts => match ts.as_i64() {
            Some(s) if (0..=LATEST_SECS).contains(&s) => s * 1000,
            _ => return Err(DomainError::invalid("payload.ts: seconds since 1970, up to the year 9999")),
        },
    };
    Ok(if at <= 0 { now } else { at.min(now) })
}

async fn handle(state: &AppState, n: &Notice) -> DomainResult<&'static str> {
    let p = &n.payload;
    let Some(channel) = p["channelName"].as_str() else { return Ok("ignored") };
    let at = event_time(p, n.notify_ms, state.now())?;
    let uid = p["uid"].as_u64().and_then(|u| u32::try_from(u).ok());
    let Some(owner) = state.db.channel_owner(channel).await? else { return Ok("ignored") };
    if let (Some(uid), Some(seq)) = (uid, p["clientSeq"].as_i64())
        && !state.db.advance_agora_seq(channel, uid, seq, state.now()).await?
    {
        return Ok("stale");
    }
    let uid_of = integrations::agora::uid_for;
    match (owner, n.event_type, uid) {
        (ChannelOwner::Room(room), 103 | 105, Some(uid)) if uid != uid_of(&room.host_id) => {
            let Some(account) = state.db.room_uid_account(&room.id, uid).await? else { return Ok("ignored") };
            if !room.live {
                return Ok("ignored");
            }
            match state.db.join_room(&room, &account, at).await {
                Ok(_) => Ok("applied"),
                Err(store::Error::Condition("room_ended" | "blocked" | "kicked")) => Ok("ignored"),
                Err(e) => Err(e.into()),
            }
        }
        (ChannelOwner::Room(room), 104 | 106, Some(uid)) if uid != uid_of(&room.host_id) => {
            let Some(account) = state.db.room_uid_account(&room.id, uid).await? else { return Ok("ignored") };
            state.db.leave_room(&room.id, &account, None).await?;
            // Out of the channel is off the stage (an app that died on a seat).
            crate::rooms::leave_stage(state, &room.id, &account).await?;
            Ok("applied")
        }
        (ChannelOwner::Room(room), 102, _) if room.live => {
            crate::rooms::close_room(state, &room, at).await?;
            Ok("applied")
        }
        // Agora reports a join as 103 (broadcaster), 105 (audience) or 107
        // (communication profile), depending on the app's channel profile and
        // role: any of them counts, for either party.
        (ChannelOwner::Call(call), 103 | 105 | 107, Some(uid)) => {
            let caller_side = uid == uid_of(&call.caller_id);
            if !caller_side && uid != uid_of(&call.host_id) {
                return Ok("ignored");
            }
            match state.db.call_joined(&call.id, caller_side, at).await {
                Ok(_) => Ok("applied"),
                Err(store::Error::Condition("call_not_active")) => Ok("ignored"),
                Err(e) => Err(e.into()),
            }
        }
        (ChannelOwner::Call(call), 104 | 106 | 108, Some(uid)) => {
            let reason = if uid == uid_of(&call.caller_id) {
                "caller_left"
            } else if uid == uid_of(&call.host_id) {
                "host_left"
            } else {
                return Ok("ignored");
            };
            crate::calls::end_from_channel(state, call, reason, at).await?;
            Ok("applied")
        }
        (ChannelOwner::Call(call), 102, _) => {
            crate::calls::end_from_channel(state, call, "channel_closed", at).await?;
            Ok("applied")
        }
        _ => Ok("ignored"),
    }
}
