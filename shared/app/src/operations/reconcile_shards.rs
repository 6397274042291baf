//! The hourly reconciliation fanned out: a window's events sit in
//! `store::WINDOW_SHARDS` (64) index partitions, and each is reconciled
//! on its own by a worker (`reconcile-shard`, one SQS message per window
//! shard), a page at a time: only the page, the shard's running sums and the
//! accounts this invocation checked are in memory, whatever the hour held. After
//! every page the worker saves where it got to (the shard's watermark: the
//! index's page key and the sums); one that nears its time limit stops there
//! and sends its message again, and the next invocation goes on from the
//! watermark. The worker that finishes a window's last shard writes the
//! window's report (`close_window`); a repeat writes the same report.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use store::reconcile::{attr_n, attr_s};

use super::reconcile_checks::{Checked, Tally, WindowReport, check_account};
use crate::AppState;
use crate::kernel::error::DomainResult;

/// Events a worker reads at a time (one index query; its ledger debits in 100s).
pub const PAGE: usize = 500;
/// Accounts checked at once.
const ACCOUNTS_AT_ONCE: usize = 16;
/// A worker stops for its watermark this long before its function's time-out (300 s).
pub const WORKER_SECS: u64 = 270;

/// What one shard of a window held and what was wrong with it, so far (`done`: all of it).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ShardReport {
    pub window: String,
    pub from: i64,
    pub shard: u32,
    pub done: bool,
    /// Where the next page starts (the index's page key)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<store::PageKey>,
    pub pages: i64,
    #[serde(flatten)]
    pub tally: Tally,
}

/// One window shard to reconcile: the message a worker gets.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct ShardTask {
    /// The window's start (ms, on the hour)
    pub from: i64,
    pub shard: u32,
}

/// Reconciles `task` from its watermark until it is done or `deadline` passes.
pub async fn reconcile_shard(state: &AppState, task: ShardTask, deadline: Instant) -> DomainResult<ShardReport> {
    reconcile_shard_paged(state, task, deadline, PAGE).await
}

/// `reconcile_shard`, `page` events at a time.
pub async fn reconcile_shard_paged(
    state: &AppState,
    task: ShardTask,
    deadline: Instant,
    page: usize,
) -> DomainResult<ShardReport> {
    let window = store::hour_of(task.from);
    let saved = state.db.shard_progress(&window, task.shard).await?;
    let mut r: ShardReport = saved.and_then(|v| serde_json::from_value(v).ok()).unwrap_or_else(|| ShardReport {
        window: window.clone(),
        from: task.from,
        shard: task.shard,
        ..Default::default()
    });
    if r.done {
        return Ok(r);
    }
    r.tally.runs += 1;
    let mut checked: HashSet<String> = HashSet::new();
    loop {
        let events = state.db.window_events_page(&window, task.shard, r.cursor.clone(), page).await?;
        check_page(state, &mut r, &events.items, &mut checked).await?;
        r.pages += 1;
        r.cursor = events.next;
        r.done = r.cursor.is_none();
        if r.done && r.tally.gift_coins != r.tally.credited + r.tally.refunded + r.tally.pending {
            let detail = format!(
                "gifts {} ≠ credited {} + refunded {} + pending {}",
                r.tally.gift_coins, r.tally.credited, r.tally.refunded, r.tally.pending
            );
            r.tally.mismatch("window", &format!("{window}#{}", task.shard), detail);
        }
        let json = serde_json::to_value(&r).map_err(crate::DomainError::internal)?;
        state.db.put_shard_progress(&window, task.shard, &json).await?;
        if r.done || Instant::now() >= deadline {
            return Ok(r);
        }
    }
}

/// A bonus gift's event against its payer's `bonus_gift` debit; a credited
/// one's host pay is promotion expense.
fn check_bonus_gift(
    r: &mut ShardReport,
    e: &store::MoneyEvent,
    c: &store::Credit,
    entry: Option<&store::reconcile::Item>,
) {
    r.tally.bonus_gift_coins += c.coins;
    if e.outcome.as_deref() == Some("credited") {
        r.tally.promo_expense += c.amount;
    }
    let debit = entry.filter(|i| attr_s(i, "type") == Some("bonus_gift")).and_then(|i| attr_n(i, "amount"));
    if debit != Some(-c.coins) {
        let detail = format!("the payer's bonus_gift entry is {debit:?} for a bonus gift of {}", c.coins);
        r.tally.mismatch("gift_debit", &e.id, detail);
    }
}

/// A page of events: each gift against its payer's debit, then each account
/// the page touched (once an invocation) against its checkpoint and ledger.
async fn check_page(
    state: &AppState,
    r: &mut ShardReport,
    events: &[store::MoneyEvent],
    checked: &mut HashSet<String>,
) -> DomainResult<()> {
    r.tally.events += events.len() as i64;
    let gifts: Vec<&store::MoneyEvent> =
        events.iter().filter(|e| e.credit.as_ref().is_some_and(|c| c.call.is_none())).collect();
    for chunk in gifts.chunks(100) {
        let keys: Vec<(String, String)> =
            chunk.iter().filter_map(|e| Some((e.credit.as_ref()?.payer_id.clone(), e.id.clone()))).collect();
        let found = state.db.ledger_entries(&keys).await?;
        for e in chunk {
            let c = e.credit.as_ref().expect("a gift");
            let entry = found.iter().find(|i| attr_s(i, "id") == Some(e.id.as_str()));
            if c.bonus {
                check_bonus_gift(r, e, c, entry);
                continue;
            }
            r.tally.gift_coins += c.amount;
            match e.outcome.as_deref() {
                Some("credited") => r.tally.credited += c.amount,
                Some("refunded") => r.tally.refunded += c.amount,
                _ => r.tally.pending += c.amount,
            }
            let debit = entry.filter(|i| attr_s(i, "type") == Some("gift_sent")).and_then(|i| attr_n(i, "amount"));
            match debit {
                Some(d) if -d == c.amount => r.tally.gift_debits += -d,
                Some(d) => {
                    r.tally.mismatch("gift_debit", &e.id, format!("the payer gave {} for a gift of {}", -d, c.amount))
                }
                None => {
                    r.tally.mismatch("gift_debit", &e.id, format!("no gift_sent entry of {} for the event", c.payer_id))
                }
            }
        }
    }
    let mut accounts: Vec<String> = Vec::new();
    for e in events {
        let credit = e.credit.iter().flat_map(|c| [c.host_id.clone(), c.payer_id.clone()]);
        for a in e.accounts.iter().cloned().chain(credit) {
            if checked.insert(a.clone()) {
                accounts.push(a);
            }
        }
    }
    let now = state.now();
    let mut checks = futures_util::stream::iter(accounts.into_iter().map(|a| async move {
        let outcome = check_account(state, &a, now).await;
        (a, outcome)
    }))
    .buffer_unordered(ACCOUNTS_AT_ONCE);
    while let Some((account, outcome)) = checks.next().await {
        match outcome? {
            Checked::Equal => r.tally.accounts_checked += 1,
            Checked::Busy => r.tally.accounts_busy += 1,
            Checked::Differs(detail) => {
                r.tally.accounts_checked += 1;
                r.tally.mismatch("account_balance", &account, detail);
            }
        }
    }
    Ok(())
}

/// The window's report once every shard is done (`None` before), stored as
/// `W<window>` with the mismatch metric; a repeat answers the stored one.
pub async fn close_window(state: &AppState, from: i64) -> DomainResult<Option<WindowReport>> {
    let window = store::hour_of(from);
    let run_id = format!("W{window}");
    if let Some(done) = state.db.reconcile_report(&run_id).await? {
        return Ok(serde_json::from_value(done).ok());
    }
    let shards: Vec<ShardReport> =
        state.db.window_shards(&window).await?.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect();
    if shards.len() < store::WINDOW_SHARDS as usize || shards.iter().any(|s| !s.done) {
        return Ok(None);
    }
    let mut w = WindowReport { window: window.clone(), from, ..Default::default() };
    for s in &shards {
        w.tally.add(&s.tally);
    }
    let json = serde_json::to_value(&w).map_err(crate::DomainError::internal)?;
    state.db.put_window_report(&run_id, &json, state.now()).await?;
    crate::kernel::metrics::emit(state, &[], &[("ReconcileMismatches", w.tally.mismatches as f64, "Count")]);
    Ok(Some(w))
}

/// The window's 64 shard tasks.
pub fn window_tasks(from: i64) -> Vec<ShardTask> {
    (0..store::WINDOW_SHARDS).map(|shard| ShardTask { from, shard }).collect()
}

/// What a `reconcile-shard` invocation did.
#[derive(Debug, Default, Serialize)]
pub struct ShardRun {
    /// Shards finished
    pub done: Vec<ShardTask>,
    /// Shards past the time, sent on to the next invocation
    pub continued: Vec<ShardTask>,
    /// Windows whose last shard this was
    pub windows: Vec<WindowReport>,
}

/// `reconcile-shard`: SQS hands it window shards (one a message); each runs
/// until done or `WORKER_SECS`, when its message goes back on the queue to
/// continue from the watermark.
pub async fn reconcile_shard_event(
    state: std::sync::Arc<AppState>,
    event: aws_lambda_events::event::sqs::SqsEvent,
) -> DomainResult<ShardRun> {
    let deadline = Instant::now() + Duration::from_secs(WORKER_SECS);
    let mut run = ShardRun::default();
    for m in &event.records {
        let body = m.body.as_deref().unwrap_or_default();
        let Ok(task) = serde_json::from_str::<ShardTask>(body) else {
            // Nothing to retry in a message that is not a task: dropped, and said.
            tracing::error!(body, "reconcile-shard: not a window shard");
            continue;
        };
        let r = reconcile_shard(&state, task, deadline).await?;
        if r.done {
            run.done.push(task);
            run.windows.extend(close_window(&state, task.from).await?);
        } else {
            send_tasks(&state, &[task]).await?;
            run.continued.push(task);
        }
    }
    Ok(run)
}

/// Puts `tasks` on the reconciliation queue.
pub async fn send_tasks(state: &AppState, tasks: &[ShardTask]) -> DomainResult<()> {
    let url =
        state.config.reconcile_queue_url.as_deref().ok_or_else(|| {
            crate::DomainError::internal("RECONCILE_QUEUE_URL is not set: the shards have nowhere to go")
        })?;
    let bodies: Vec<String> = tasks.iter().map(|t| serde_json::json!(t).to_string()).collect();
    state.queues().send_all(url, &bodies).await.map_err(crate::DomainError::internal)
}
