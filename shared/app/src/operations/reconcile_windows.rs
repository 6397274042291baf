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
use serde::{Deserialize, Serialize};
use store::reconcile::{Checkpoint, LedgerSums};

use crate::AppState;
use crate::kernel::error::DomainResult;

/// Mismatches a report lists (all are counted).
pub const MAX_LISTED: usize = 100;

/// One thing reconciliation found wrong (this and the full pass).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mismatch {
    /// account_balance, recharge_credit, call_minutes, settlement_coins,
    /// gift_events, global, gift_debit, window
    pub kind: String,
    pub id: String,
    pub detail: String,
}

/// Counts a mismatch and lists it among the first `MAX_LISTED`.
pub fn record(count: &mut i64, first: &mut Vec<Mismatch>, m: Mismatch) {
    *count += 1;
    if first.len() < MAX_LISTED {
        first.push(m);
    }
}

const HOUR_MS: i64 = 3_600_000;
/// Windows one run does at most (a day and a half of catching up).
const MAX_WINDOWS: i64 = 36;
/// Shards reconciled at once when the run does them itself (no queue).
const SHARDS_AT_ONCE: usize = 8;

/// What a window (or one of its shards) held and what was wrong with it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Tally {
    pub events: i64,
    /// Coins the gift events carry, and the payers' debits found for them
    pub gift_coins: i64,
    pub gift_debits: i64,
    /// Of the gift coins: credited to hosts, refunded to payers, still pending
    pub credited: i64,
    pub refunded: i64,
    pub pending: i64,
    pub accounts_checked: i64,
    /// Accounts that kept moving through three reads: checked with a later window
    pub accounts_busy: i64,
    /// Worker invocations it took (a worker past its time goes on in the next)
    #[serde(default)]
    pub runs: i64,
    pub mismatches: i64,
    pub first: Vec<Mismatch>,
}

impl Tally {
    pub fn mismatch(&mut self, kind: &str, id: &str, detail: String) {
        record(&mut self.mismatches, &mut self.first, Mismatch { kind: kind.into(), id: id.into(), detail });
    }

    /// Adds another part's tally (a shard's to its window's).
    pub fn add(&mut self, o: &Tally) {
        self.events += o.events;
        self.gift_coins += o.gift_coins;
        self.gift_debits += o.gift_debits;
        self.credited += o.credited;
        self.refunded += o.refunded;
        self.pending += o.pending;
        self.accounts_checked += o.accounts_checked;
        self.accounts_busy += o.accounts_busy;
        self.runs += o.runs;
        self.mismatches += o.mismatches;
        let room = MAX_LISTED.saturating_sub(self.first.len());
        self.first.extend(o.first.iter().take(room).cloned());
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WindowReport {
    /// The window: `yyyy-mm-ddThh` (UTC), from `from` (ms) for an hour
    pub window: String,
    pub from: i64,
    #[serde(flatten)]
    pub tally: Tally,
}

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

pub(super) enum Checked {
    Equal,
    Busy,
    Differs(String),
}

/// An account's balances against its checkpoint plus its ledger since,
/// read between two reads of the balances that agree (else retried, then
/// left: `Busy`). Equal: the checkpoint moves to the last entry.
pub(super) async fn check_account(state: &AppState, account: &str, now: i64) -> DomainResult<Checked> {
    let held = |a: &store::Account| [a.coins, a.earnings, a.coin_debt, a.settled_earnings];
    for _ in 0..3 {
        let Some(before) = state.db.get_account(account).await? else {
            return Ok(Checked::Differs("ledger entries of an account that does not exist".into()));
        };
        let cp = state.db.account_checkpoint(account).await?.unwrap_or_default();
        let (since, last) = state.db.ledger_after(account, cp.upto.as_deref()).await?;
        let Some(after) = state.db.get_account(account).await? else { continue };
        if held(&before) != held(&after) {
            continue;
        }
        let s = sum(&cp.sums, &since);
        let ledger = [s.coins, s.earnings, s.coin_debt, s.settled];
        let balances = held(&after);
        if ledger != balances {
            let names = ["coins", "earnings", "coin_debt", "settled_earnings"];
            let detail: Vec<String> = (0..4)
                .filter(|i| ledger[*i] != balances[*i])
                .map(|i| format!("{} {} ≠ ledger {}", names[i], balances[i], ledger[i]))
                .collect();
            return Ok(Checked::Differs(detail.join(", ")));
        }
        if last.is_some() {
            let next = Checkpoint { sums: s, upto: last, at: now };
            state.db.put_account_checkpoint(account, &next).await?;
        }
        return Ok(Checked::Equal);
    }
    Ok(Checked::Busy)
}

fn sum(a: &LedgerSums, b: &LedgerSums) -> LedgerSums {
    LedgerSums {
        coins: a.coins + b.coins,
        earnings: a.earnings + b.earnings,
        coin_debt: a.coin_debt + b.coin_debt,
        settled: a.settled + b.settled,
        entries: a.entries + b.entries,
    }
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
