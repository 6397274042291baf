//! The Event API's authorizer (AWS_LAMBDA mode), taking our access token:
//! connecting needs a live session; subscribing, that and `may_subscribe`
//! on the channel; a client's publish is always refused (only our functions
//! publish, with IAM). The local stand-in calls the same code.

use serde::{Deserialize, Serialize};

use super::channels::may_subscribe;
use crate::kernel::error::DomainResult;
use crate::{AppState, DomainError};

/// What a client asks the Event API to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum EventsOp {
    #[serde(rename = "EVENT_CONNECT")]
    Connect,
    #[serde(rename = "EVENT_SUBSCRIBE")]
    Subscribe,
    #[serde(rename = "EVENT_PUBLISH")]
    Publish,
}

/// The account `token` stands for, if it may do `op` (on `channel`).
pub async fn authorize_events(
    state: &AppState,
    token: &str,
    op: EventsOp,
    channel: Option<&str>,
) -> DomainResult<String> {
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    let caller = crate::http::authenticate(state, token).await?;
    match op {
        EventsOp::Connect => Ok(caller.id),
        EventsOp::Subscribe => {
            let channel = channel.ok_or_else(|| DomainError::invalid("channel: required to subscribe"))?;
            may_subscribe(state, &caller.id, channel).await?;
            Ok(caller.id)
        }
        EventsOp::Publish => Err(DomainError::forbidden("only the server publishes on live channels")),
    }
}

/// AppSync's request to the Lambda authorizer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsAuthRequest {
    #[serde(default)]
    pub authorization_token: String,
    pub request_context: EventsAuthContext,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsAuthContext {
    pub operation: EventsOp,
    #[serde(default)]
    pub channel: Option<String>,
}

/// The authorizer's answer: allowed or not, and for how long AppSync may keep the answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsAuthResponse {
    pub is_authorized: bool,
    /// Seconds; 0 so a kick or a ban holds at the next subscribe
    pub ttl_override: i64,
}

/// `authorize-events`: the Lambda authorizer of the Event API.
pub async fn authorize_events_event(
    state: std::sync::Arc<AppState>,
    req: EventsAuthRequest,
) -> DomainResult<EventsAuthResponse> {
    let op = req.request_context.operation;
    let outcome = authorize_events(&state, &req.authorization_token, op, req.request_context.channel.as_deref()).await;
    if let Err(e) = &outcome
        && e.kind == crate::kernel::error::ErrorKind::Internal
    {
        return Err(outcome.expect_err("an error"));
    }
    Ok(EventsAuthResponse { is_authorized: outcome.is_ok(), ttl_override: 0 })
}
