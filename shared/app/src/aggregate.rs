//! The aggregator: applies money events to the host's side, the rooms, the
//! boards and the platform counters, each exactly once (`store::events`).
//! `aggregate` reads the table's stream; `sweep-events` re-drives events
//! the stream did not get applied (a batch sent to the dead-letter queue,
//! records past the stream's 24 h).

use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use store::MoneyEvent;

use crate::AppState;
use crate::error::ApiResult;

/// Events older than this that are still pending are the sweeper's.
pub const SWEEP_AFTER_MS: i64 = 60_000;
/// Events a sweep reads per shard and run.
const SWEEP_BATCH: usize = 200;

/// Applies the events of one batch; answers how many this call applied.
pub async fn apply(state: &AppState, events: Vec<MoneyEvent>) -> ApiResult<usize> {
    let n = state.db.apply_events(events, state.now()).await?;
    Ok(n)
}

/// The event in a stream record, if it is a new one (marking events applied
/// modifies them: those records are not events to apply).
pub fn event_of(event_name: &str, sk: &str, new_image: impl FnOnce() -> Option<MoneyEvent>) -> Option<MoneyEvent> {
    (event_name == "INSERT" && store::is_event_sk(sk)).then(new_image).flatten()
}

/// The new events of a Lambda stream batch, with their records' sequence numbers.
pub fn events_of(event: aws_lambda_events::event::dynamodb::Event) -> Vec<(String, MoneyEvent)> {
    #[derive(serde::Deserialize)]
    struct Keys {
        sk: String,
    }
    event
        .records
        .into_iter()
        .filter_map(|r| {
            let keys: Option<Keys> = serde_dynamo::from_item(r.change.keys).ok();
            let sk = keys.map(|k| k.sk).unwrap_or_default();
            let image = r.change.new_image;
            let e = event_of(&r.event_name, &sk, || serde_dynamo::from_item(image).ok())?;
            Some((r.change.sequence_number.unwrap_or_default(), e))
        })
        .collect()
}

/// The Lambda entry: a batch of stream records (filtered to new events by the
/// event source mapping, and again here). On failure the first event's record
/// is reported failed, so the batch is retried from there (applied events are
/// skipped), then goes to the dead-letter queue.
pub async fn aggregate_event(
    state: std::sync::Arc<AppState>,
    event: aws_lambda_events::event::dynamodb::Event,
) -> ApiResult<DynamoDbEventResponse> {
    let (seqs, events): (Vec<String>, Vec<MoneyEvent>) = events_of(event).into_iter().unzip();
    let mut response = DynamoDbEventResponse::default();
    if let Err(e) = apply(&state, events).await {
        tracing::error!(error = %e.message, "applying events failed; the batch is retried");
        let mut f = DynamoDbBatchItemFailure::default();
        f.item_identifier = seqs.into_iter().next();
        response.batch_item_failures.push(f);
    }
    Ok(response)
}

/// Applies events pending for longer than `SWEEP_AFTER_MS`; answers how many.
pub async fn sweep(state: &AppState) -> ApiResult<usize> {
    let upto = state.now() - SWEEP_AFTER_MS;
    let mut applied = 0;
    loop {
        let pending = state.db.pending_events(upto, SWEEP_BATCH).await?;
        let full = pending.len() >= SWEEP_BATCH;
        let n = apply(state, pending).await?;
        applied += n;
        if !full || n == 0 {
            return Ok(applied);
        }
    }
}

/// `sweep-events` as a scheduled Lambda: pending events, then the live
/// rooms' viewer counts (the counts the fast paths leave to be repaired).
pub async fn sweep_events_event(state: std::sync::Arc<AppState>, _event: serde_json::Value) -> ApiResult<usize> {
    let n = sweep(&state).await?;
    if n > 0 {
        tracing::warn!(applied = n, "the sweeper applied events the stream had not");
    }
    let rooms = crate::rooms::roll_up_viewers(&state).await?;
    if rooms > 0 {
        tracing::info!(rooms, "live rooms' viewer counts rolled up");
    }
    Ok(n)
}
