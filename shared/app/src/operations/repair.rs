//! Repair tools an operator needs: replaying a batch the aggregator
//! dead-lettered (`POST /admin/redrive`, `make redrive`) and counting a
//! post's, an account's or a room's counters again from what they count
//! (`POST /admin/recount`). Both are safe to repeat: every event and edge is
//! applied once whatever replays it, and a recount of right counters changes nothing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::aggregate::{apply_work, sweep_upto, work_of};
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::{AppState, DomainError};

/// Dead-letter messages one redrive reads at most, unless asked for fewer.
pub const REDRIVE_MAX: i64 = 100;

#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedriveInput {
    /// Dead-lettered batches to replay (1 to 100; 100 when left out)
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// What a redrive did.
#[derive(Serialize, Default, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct Redriven {
    /// Dead-lettered batches replayed (and taken off the queue)
    pub batches: i64,
    /// Their stream records read back
    pub records: i64,
    /// Events and edges applied now (those applied before are skipped)
    pub applied: i64,
    /// Batches whose records the stream no longer had (past 24 h): their events were applied from the pending index instead
    pub expired: i64,
    /// Messages that were not a dead-lettered batch (left on the queue)
    pub unreadable: i64,
}

/// The part of Lambda's on-failure record for a stream batch that says which records it held.
#[derive(Deserialize)]
struct FailedBatch {
    #[serde(rename = "DDBStreamBatchInfo")]
    info: BatchInfo,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchInfo {
    shard_id: String,
    start_sequence_number: String,
    end_sequence_number: String,
    stream_arn: String,
}

/// Replays up to `limit` dead-lettered aggregator batches: each batch's
/// records read back off the stream and applied as the aggregator would;
/// a batch past the stream's 24 h has its events applied from the pending
/// index. Each replayed message leaves the queue.
pub async fn redrive(state: &AppState, limit: i64) -> DomainResult<Redriven> {
    let url = state
        .config
        .aggregate_dlq_url
        .clone()
        .ok_or_else(|| DomainError::unavailable("no dead-letter queue is configured (AGGREGATE_DLQ_URL)"))?;
    let mut r = Redriven::default();
    while r.batches + r.unreadable < limit {
        let want = (limit - r.batches - r.unreadable).min(10) as i32;
        let got = state.queues().receive(&url, want, 120).await.map_err(DomainError::internal)?;
        if got.is_empty() {
            break;
        }
        for m in got {
            let Ok(batch) = serde_json::from_str::<FailedBatch>(&m.body) else {
                tracing::error!(body = %m.body, "redrive: not a dead-lettered stream batch");
                r.unreadable += 1;
                continue;
            };
            let b = batch.info;
            match store::stream::records_between(
                state.streams(),
                &b.stream_arn,
                &b.shard_id,
                &b.start_sequence_number,
                &b.end_sequence_number,
            )
            .await?
            {
                Some(records) => {
                    r.records += records.len() as i64;
                    let work = records.into_iter().filter_map(|x| work_of(&x.event_name, &x.sk, x.new_image)).collect();
                    r.applied += apply_work(state, work).await? as i64;
                }
                None => {
                    r.expired += 1;
                    r.applied += sweep_upto(state, state.now()).await? as i64;
                }
            }
            state.queues().delete(&url, &m.receipt).await.map_err(DomainError::internal)?;
            r.batches += 1;
        }
    }
    Ok(r)
}

pub async fn redrive_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Redriven>> {
    let input: RedriveInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { RedriveInput::default() } else { ctx.json()? };
    let limit = match input.limit {
        None => REDRIVE_MAX,
        Some(n) => validate::positive("limit", n, REDRIVE_MAX)?,
    };
    Ok(Json::new(redrive(state, limit).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecountInput {
    /// A post: its likes, views, shares and comments
    pub post_id: Option<String>,
    /// An account: its followers, following and posts
    pub account_id: Option<String>,
    /// A room: its gift total (host_earning)
    pub room_id: Option<String>,
}

/// One counter counted again.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterFix {
    pub counter: String,
    pub before: i64,
    pub after: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recount {
    /// post, account or room
    pub kind: &'static str,
    pub id: String,
    pub counters: Vec<CounterFix>,
}

/// Counts one post's, account's or room's counters again from what they
/// count and sets them (the audit log keeps the values before).
pub async fn recount_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Recount>> {
    let input: RecountInput = ctx.json()?;
    let given: Vec<(&'static str, &String)> =
        [("post", &input.post_id), ("account", &input.account_id), ("room", &input.room_id)]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_ref()?)))
            .collect();
    let [(kind, raw)] = given[..] else {
        return Err(DomainError::invalid("post_id, account_id, room_id: exactly one of them"));
    };
    let id = validate::id(&format!("{kind}_id"), raw)?;
    let missing = || DomainError::not_found(format!("{kind} not found"));
    let fixed = match kind {
        "post" => state.db.recount_post(&id).await?,
        "account" => state.db.recount_account(&id).await?,
        _ => {
            let room = state.db.get_room_item(&id).await?.ok_or_else(missing)?;
            state.db.recount_room(&id, room.started_at, room.ended_at.unwrap_or_else(|| state.now())).await?
        }
    };
    let counters = fixed
        .ok_or_else(missing)?
        .into_iter()
        .map(|c| CounterFix { counter: c.counter.to_string(), before: c.before, after: c.after })
        .collect::<Vec<_>>();
    let before: serde_json::Map<String, serde_json::Value> =
        counters.iter().map(|c| (c.counter.clone(), c.before.into())).collect();
    Ok(Json::new(Recount { kind, id, counters }).with_before(before))
}
