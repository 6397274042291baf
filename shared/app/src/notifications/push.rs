//! Push: the `send-push` worker the table's stream feeds with new
//! notification items, FCM delivery to every device of the recipient, and the
//! Firebase custom token for the chat module.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use integrations::google::{PushError, PushMessage};

use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// Tries per device before the record is given back to the stream (then the DLQ).
const MAX_TRIES: u32 = 4;
/// The longest `Retry-After` we wait inside one invocation.
const MAX_WAIT: Duration = Duration::from_secs(20);
/// Incoming calls ring for 45 s; a later push is useless.
const CALL_TTL_SECS: u32 = 45;

/// What the apps get for one notification on one device.
pub fn message_for(n: &store::Notification, token: &str) -> PushMessage {
    let mut data = n.data.clone();
    data.insert("type".into(), n.kind.clone());
    data.insert("notification_id".into(), n.id.clone());
    let call = n.kind == "incoming_call";
    PushMessage {
        token: token.into(),
        title: n.title.clone(),
        body: n.body.clone(),
        title_loc_key: format!("notification_{}_title", n.kind),
        body_loc_key: format!("notification_{}_body", n.kind),
        data,
        high_priority: call,
        ttl_secs: call.then_some(CALL_TTL_SECS),
        collapse_key: if call { n.data.get("call_id").map(|id| format!("call-{id}")) } else { None },
    }
}

/// Pushes one notification to every device of its recipient: dead tokens are
/// deleted; 429/5xx are retried with backoff (`Retry-After` honoured); what
/// still fails makes the whole record fail (the stream retries it).
pub async fn deliver(state: &AppState, n: &store::Notification) -> Result<usize, String> {
    let tokens = state.db.list_push_tokens(&n.account_id).await.map_err(|e| e.to_string())?;
    let Some(google) = state.google().filter(|_| !state.config.push_log_only) else {
        // Never the tokens themselves in a log line.
        tracing::info!(account_id = %n.account_id, kind = %n.kind, title = %n.title, devices = tokens.len(), "push (local log)");
        return Ok(tokens.len());
    };
    let mut sent = 0;
    for (token, _platform) in &tokens {
        let msg = message_for(n, token);
        let mut tries = 0;
        loop {
            tries += 1;
            match google.send(&msg, state.now() / 1000).await {
                Ok(()) => {
                    sent += 1;
                    break;
                }
                Err(PushError::DeadToken) => {
                    state
                        .db
                        .delete_push_token(&n.account_id, &crate::kernel::auth::token_hash(token))
                        .await
                        .map_err(|e| e.to_string())?;
                    tracing::info!(account_id = %n.account_id, "removed a dead push token");
                    break;
                }
                Err(PushError::Retry(after)) if tries < MAX_TRIES => {
                    let backoff = Duration::from_millis(200 * 2u64.pow(tries));
                    tokio::time::sleep(after.unwrap_or(backoff).min(MAX_WAIT)).await;
                }
                Err(e) => return Err(format!("push to a device of {} failed: {e:?}", n.account_id)),
            }
        }
    }
    Ok(sent)
}

/// One stream batch: `(sequence number, the notification if the record is a
/// new one)`. Answers the sequence numbers that failed, so only those are retried.
pub async fn handle_records(state: &AppState, records: Vec<(String, Option<store::Notification>)>) -> Vec<String> {
    stream::iter(records)
        .map(|(seq, n)| async move {
            let n = n?;
            // The recipient's live channel first (once, however often the record comes).
            if let Err(e) = announce(state, &n).await {
                tracing::error!(notification_id = %n.id, error = %e.message, "publishing a notification failed");
                return Some(seq);
            }
            match deliver(state, &n).await {
                Ok(_) => None,
                Err(e) => {
                    tracing::error!(notification_id = %n.id, error = %e, "push failed");
                    Some(seq)
                }
            }
        })
        .buffered(8)
        .filter_map(|failed| async move { failed })
        .collect()
        .await
}

async fn announce(state: &AppState, n: &store::Notification) -> DomainResult<bool> {
    let channel = crate::live::user_channel(&n.account_id);
    crate::live::publish_once(state, &channel, &format!("NOTIF#{}", n.id), crate::live::notification_messages(n)).await
}

/// The Lambda entry: DynamoDB stream records (filtered to new notification
/// items by the event source mapping, and again here).
pub async fn send_push_event(
    state: std::sync::Arc<AppState>,
    event: aws_lambda_events::event::dynamodb::Event,
) -> DomainResult<aws_lambda_events::event::streams::DynamoDbEventResponse> {
    use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
    let records = event
        .records
        .into_iter()
        .map(|r| {
            let seq = r.change.sequence_number.clone().unwrap_or_default();
            #[derive(serde::Deserialize)]
            struct Keys {
                sk: String,
            }
            let keys: Option<Keys> = serde_dynamo::from_item(r.change.keys).ok();
            let is_note = r.event_name == "INSERT" && keys.is_some_and(|k| store::is_notification_sk(&k.sk));
            let n = is_note.then(|| serde_dynamo::from_item(r.change.new_image).ok()).flatten();
            (seq, n)
        })
        .collect();
    let failed = handle_records(&state, records).await;
    let mut response = DynamoDbEventResponse::default();
    for seq in failed {
        let mut f = DynamoDbBatchItemFailure::default();
        f.item_identifier = Some(seq);
        response.batch_item_failures.push(f);
    }
    Ok(response)
}

/// `POST /me/chat-token`: a Firebase custom token (uid = account id, `role` claim).
/// A Firebase custom token: sign in to Firebase with it to use chat.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatToken {
    pub token: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub expires_at: String,
}

pub async fn get_chat_token_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ChatToken>> {
    let caller = ctx.caller()?;
    let google = state.google().ok_or_else(|| DomainError::unavailable("chat is not configured"))?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::unauthenticated("account gone"))?;
    if me.banned {
        return Err(DomainError::banned());
    }
    let now = state.now() / 1000;
    let claims = [("role".to_string(), me.role.as_str().to_string())].into();
    let token = google.custom_token(&me.id, claims, now).map_err(DomainError::internal)?;
    Ok(Json::new(ChatToken { token, expires_at: views::time((now + 3600) * 1000) }))
}
