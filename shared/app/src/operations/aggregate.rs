//! The aggregator: applies money events to the host's side, the rooms, the
//! boards and the platform counters, each exactly once. The stream's events
//! come here; each decision is its domain's (`Rules`: the gift notification's
//! wording, which battle a gift scores for), and the store builds the items.
//! `aggregate` reads the table's stream; `sweep-events` re-drives events
//! the stream did not get applied (a batch sent to the dead-letter queue,
//! records past the stream's 24 h).

use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use store::MoneyEvent;

use crate::AppState;
use crate::kernel::error::DomainResult;

/// Events older than this that are still pending are the sweeper's.
pub const SWEEP_AFTER_MS: i64 = 60_000;
/// Events a sweep reads per shard and run.
const SWEEP_BATCH: usize = 200;

/// The payee side's decisions, each made by its domain; the store builds
/// the items and transactions.
struct Rules {
    /// The economy day's start and what active tasks count (read once a
    /// batch): only those periods and kinds are written.
    tasks: crate::rewards::TaskCounting,
}

impl store::PayeeRules for Rules {
    fn gifts_notification(&self, host: &str, credits: &[&store::Credit], now: i64) -> store::Notification {
        crate::gifts::gifts_notification(host, credits, now)
    }
    fn battle_of<'w>(&self, at: i64, windows: &'w [store::PkWindow]) -> Option<&'w store::PkWindow> {
        crate::rooms::battle_of(at, windows)
    }
    fn task_periods(&self, at: i64) -> store::Periods {
        self.tasks.periods(at)
    }
    fn counts_for_tasks(&self, kind: &str) -> bool {
        self.tasks.counts(kind)
    }
}

/// Applies the events of one batch; answers how many this call applied.
pub async fn apply(state: &AppState, events: Vec<MoneyEvent>) -> DomainResult<usize> {
    let rules = Rules { tasks: crate::rewards::TaskCounting::read(state).await? };
    let n = state.db.apply_events(events, state.now(), &rules).await?;
    Ok(n)
}

/// What a stream record asks of the aggregator: a new money event to apply,
/// or an edge (a follow, a like, a view, a share) whose count is behind.
#[derive(Debug)]
pub enum Work {
    Event(Box<MoneyEvent>),
    Edge(String, String),
}

/// The aggregator's work in a stream record, if any. Marking events applied
/// modifies them: those records are not events to apply; an edge's record is
/// work while the edge is new or a tombstone.
pub fn work_of<I: Into<serde_dynamo::Item>>(event_name: &str, sk: &str, new_image: Option<I>) -> Option<Work> {
    #[derive(serde::Deserialize)]
    struct Edge {
        pk: String,
        sk: String,
        #[serde(default)]
        removed: bool,
        #[serde(default)]
        counted: bool,
    }
    let image: serde_dynamo::Item = new_image?.into();
    if store::is_event_sk(sk) {
        return (event_name == "INSERT")
            .then(|| serde_dynamo::from_item(image).ok().map(|e| Work::Event(Box::new(e))))
            .flatten();
    }
    let e: Edge = serde_dynamo::from_item(image).ok()?;
    store::edge_needs_count(&e.pk, &e.sk, e.removed, e.counted).then_some(Work::Edge(e.pk, e.sk))
}

/// Applies a batch's work: its events, then its edges' counts.
pub async fn apply_work(state: &AppState, work: Vec<Work>) -> DomainResult<usize> {
    let (mut events, mut edges) = (Vec::new(), Vec::new());
    for w in work {
        match w {
            Work::Event(e) => events.push(*e),
            Work::Edge(pk, sk) => edges.push((pk, sk)),
        }
    }
    let applied = apply(state, events).await?;
    let counted = state.db.count_edges(edges).await?;
    Ok(applied + counted)
}

/// The work of a Lambda stream batch, with its records' sequence numbers.
pub fn work_in(event: aws_lambda_events::event::dynamodb::Event) -> Vec<(String, Work)> {
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
            let w = work_of(&r.event_name, &sk, Some(r.change.new_image).filter(|i| !i.is_empty()))?;
            Some((r.change.sequence_number.unwrap_or_default(), w))
        })
        .collect()
}

/// The Lambda entry: a batch of stream records (filtered to new events and
/// counted edges by the event source mapping, and again here). On failure the
/// first record is reported failed, so the batch is retried from there
/// (applied events and counted edges are skipped), then goes to the
/// dead-letter queue.
pub async fn aggregate_event(
    state: std::sync::Arc<AppState>,
    event: aws_lambda_events::event::dynamodb::Event,
) -> DomainResult<DynamoDbEventResponse> {
    let (seqs, work): (Vec<String>, Vec<Work>) = work_in(event).into_iter().unzip();
    let mut response = DynamoDbEventResponse::default();
    if let Err(e) = apply_work(&state, work).await {
        tracing::error!(error = %e.message, "applying the batch failed; it is retried");
        let mut f = DynamoDbBatchItemFailure::default();
        f.item_identifier = seqs.into_iter().next();
        response.batch_item_failures.push(f);
    }
    Ok(response)
}

/// Applies events pending for longer than `SWEEP_AFTER_MS`; answers how many.
pub async fn sweep(state: &AppState) -> DomainResult<usize> {
    sweep_upto(state, state.now() - SWEEP_AFTER_MS).await
}

/// Applies the events pending since `upto` or before; answers how many.
pub async fn sweep_upto(state: &AppState, upto: i64) -> DomainResult<usize> {
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
pub async fn sweep_events_event(state: std::sync::Arc<AppState>, _event: serde_json::Value) -> DomainResult<usize> {
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
