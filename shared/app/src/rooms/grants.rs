//! Agora grants: what joining (or publishing in) a channel takes.

use integrations::agora::RtcRole;
use serde::Serialize;
use utoipa::ToSchema;

use crate::kernel::error::DomainResult;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// Rooms have no set end: their tokens last the longest Agora allows us, a day.
pub const ROOM_TOKEN_SECS: i64 = 24 * 3600;

/// What joining a video channel takes.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgoraGrant {
    pub app_id: String,
    pub channel: String,
    /// The caller's Agora uid (derived from the account id)
    pub uid: u32,
    pub token: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// `{app_id, channel, uid, token, expires_at}` for `account_id` in `channel`.
pub fn agora_grant(
    state: &AppState,
    channel: &str,
    account_id: &str,
    role: RtcRole,
    expire_secs: i64,
) -> DomainResult<AgoraGrant> {
    if !state.agora.configured() {
        return Err(DomainError::unavailable("video is not configured"));
    }
    let now = state.now();
    let secs = expire_secs.clamp(60, ROOM_TOKEN_SECS);
    let uid = integrations::agora::uid_for(account_id);
    let token = state.agora.rtc_token(channel, uid, role, secs as u32, (now / 1000) as u32);
    Ok(AgoraGrant {
        app_id: state.agora.app_id.clone(),
        channel: channel.to_string(),
        uid,
        token,
        expires_at: views::time(now / 1000 * 1000 + secs * 1000),
    })
}
