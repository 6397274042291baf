//! The nightly reconciliation, by the hour: it reads a window's events (an
//! index kept for it, in 64 shards each reconciled on its own by
//! `crate::operations::reconcile_shards`), never the table, so it finishes at
//! any size:
//! - per window, the coins payers gave in the window's gifts (their
//!   `gift_sent` entries, found by event id) equal the coins the gift events
//!   carry, and those are credited, refunded or still pending;
//! - per account the window touched (the events name them), its balances
//!   equal its last checkpoint plus its ledger since; then the checkpoint
//!   moves on. An account busy through three reads is left for its next
//!   window (counted, not a mismatch).
//!
//! The global invariant (what came in from outside equals what accounts,
//! calls and pending events hold) needs a consistent snapshot: the full pass
//! (`crate::reconcile`) runs it by hand, `{"full": true}`, on a table
//! restored from a point-in-time export.

use futures_util::StreamExt;
use serde::Serialize;

use super::reconcile_checks::WindowReport;
use crate::AppState;
use crate::kernel::error::DomainResult;

const HOUR_MS: i64 = 3_600_000;
/// Windows one run does at most (a day and a half of catching up).
const MAX_WINDOWS: i64 = 36;
/// Shards reconciled at once when the run does them itself (no queue).
const SHARDS_AT_ONCE: usize = 8;

/// Reconciles the hour starting at `from` (ms, on the hour) here, its shards
/// a few at a time (each from its watermark), and answers its report.
pub async fn reconcile_window(state: &AppState, from: i64) -> DomainResult<WindowReport> {
    let far = std::time::Instant::now() + std::time::Duration::from_secs(365 * 24 * 3600);
    let mut shards = futures_util::stream::iter(
        super::reconcile_shards::window_tasks(from)
            .into_iter()
            .map(|t| super::reconcile_shards::reconcile_shard(state, t, far)),
    )
    .buffer_unordered(SHARDS_AT_ONCE);
    while let Some(r) = shards.next().await {
        r?;
    }
    super::reconcile_shards::close_window(state, from)
        .await?
        .ok_or_else(|| crate::DomainError::internal("a window's shards were not all done"))
}

/// What the hourly run did: the windows it reconciled itself, or the
/// windows whose shards it queued for the `reconcile-shard` workers.
#[derive(Debug, Default, Serialize)]
pub struct WindowsRun {
    pub windows: Vec<WindowReport>,
    /// `yyyy-mm-ddThh` of each window queued (64 messages each)
    pub queued: Vec<String>,
}

/// The schedule's run: every closed hour since the last one done (the
/// previous hour on the first run). With a queue (`RECONCILE_QUEUE_URL`) it
/// sends each window's 64 shards to the workers; without, it reconciles them
/// itself, each window stored as its own report.
pub async fn reconcile_windows(state: &AppState) -> DomainResult<WindowsRun> {
    let current = state.now().div_euclid(HOUR_MS) * HOUR_MS;
    let mut from = state.db.windows_done().await?.unwrap_or(current - HOUR_MS);
    from = from.max(current - MAX_WINDOWS * HOUR_MS);
    let mut run = WindowsRun::default();
    while from < current {
        if state.config.reconcile_queue_url.is_some() {
            super::reconcile_shards::send_tasks(state, &super::reconcile_shards::window_tasks(from)).await?;
            run.queued.push(store::hour_of(from));
        } else {
            run.windows.push(reconcile_window(state, from).await?);
        }
        from += HOUR_MS;
        state.db.put_windows_done(from).await?;
    }
    Ok(run)
}
