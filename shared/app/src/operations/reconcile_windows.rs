//! The nightly reconciliation, by the hour: it reads a window's events (an
//! index kept for it), never the table, so it finishes at any size:
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

use std::collections::BTreeSet;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use store::reconcile::{Checkpoint, LedgerSums, attr_n, attr_s};

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
/// Accounts checked at once.
const ACCOUNTS_AT_ONCE: usize = 16;
/// Windows one run does at most (a day and a half of catching up).
const MAX_WINDOWS: i64 = 36;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WindowReport {
    /// The window: `yyyy-mm-ddThh` (UTC), from `from` (ms) for an hour
    pub window: String,
    pub from: i64,
    pub events: i64,
    /// Coins the window's gift events carry, and the payers' debits found for them
    pub gift_coins: i64,
    pub gift_debits: i64,
    /// Of the gift coins: credited to hosts, refunded to payers, still pending
    pub credited: i64,
    pub refunded: i64,
    pub pending: i64,
    pub accounts_checked: i64,
    /// Accounts that kept moving through three reads: checked with a later window
    pub accounts_busy: i64,
    pub mismatches: i64,
    pub first: Vec<Mismatch>,
}

impl WindowReport {
    fn mismatch(&mut self, kind: &str, id: &str, detail: String) {
        record(&mut self.mismatches, &mut self.first, Mismatch { kind: kind.into(), id: id.into(), detail });
    }
}

/// Reconciles the hour starting at `from` (ms, on the hour).
pub async fn reconcile_window(state: &AppState, from: i64) -> DomainResult<WindowReport> {
    let window = store::hour_of(from);
    let events = state.db.events_in_window(&window).await?;
    let mut r = WindowReport { window, from, events: events.len() as i64, ..Default::default() };
    // Gifts: each event's payer debit, by the event's id (its first ledger entry's).
    let gifts: Vec<&store::MoneyEvent> =
        events.iter().filter(|e| e.credit.as_ref().is_some_and(|c| c.call.is_none())).collect();
    for chunk in gifts.chunks(100) {
        let keys: Vec<(String, String)> =
            chunk.iter().filter_map(|e| Some((e.credit.as_ref()?.payer_id.clone(), e.id.clone()))).collect();
        let found = state.db.ledger_entries(&keys).await?;
        for e in chunk {
            let c = e.credit.as_ref().expect("a gift");
            r.gift_coins += c.amount;
            match e.outcome.as_deref() {
                Some("credited") => r.credited += c.amount,
                Some("refunded") => r.refunded += c.amount,
                _ => r.pending += c.amount,
            }
            let entry = found.iter().find(|i| attr_s(i, "id") == Some(e.id.as_str()));
            let debit = entry.filter(|i| attr_s(i, "type") == Some("gift_sent")).and_then(|i| attr_n(i, "amount"));
            match debit {
                Some(d) if -d == c.amount => r.gift_debits += -d,
                Some(d) => r.mismatch("gift_debit", &e.id, format!("the payer gave {} for a gift of {}", -d, c.amount)),
                None => r.mismatch("gift_debit", &e.id, format!("no gift_sent entry of {} for the event", c.payer_id)),
            }
        }
    }
    if r.gift_coins != r.credited + r.refunded + r.pending {
        let detail = format!(
            "gifts {} ≠ credited {} + refunded {} + pending {}",
            r.gift_coins, r.credited, r.refunded, r.pending
        );
        r.mismatch("window", &r.window.clone(), detail);
    }
    // Accounts the window touched: every ledger the events wrote, and the hosts they credit.
    let mut accounts: BTreeSet<String> = BTreeSet::new();
    for e in &events {
        accounts.extend(e.accounts.iter().cloned());
        if let Some(c) = &e.credit {
            accounts.insert(c.host_id.clone());
            accounts.insert(c.payer_id.clone());
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
            Checked::Equal => r.accounts_checked += 1,
            Checked::Busy => r.accounts_busy += 1,
            Checked::Differs(detail) => {
                r.accounts_checked += 1;
                r.mismatch("account_balance", &account, detail);
            }
        }
    }
    Ok(r)
}

enum Checked {
    Equal,
    Busy,
    Differs(String),
}

/// An account's balances against its checkpoint plus its ledger since,
/// read between two reads of the balances that agree (else retried, then
/// left: `Busy`). Equal: the checkpoint moves to the last entry.
async fn check_account(state: &AppState, account: &str, now: i64) -> DomainResult<Checked> {
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

/// The schedule's run: every closed hour since the last one done (the
/// previous hour on the first run), each stored as its own report; answers them.
pub async fn reconcile_windows(state: &AppState) -> DomainResult<Vec<WindowReport>> {
    let current = state.now().div_euclid(HOUR_MS) * HOUR_MS;
    let mut from = state.db.windows_done().await?.unwrap_or(current - HOUR_MS);
    from = from.max(current - MAX_WINDOWS * HOUR_MS);
    let mut reports = Vec::new();
    while from < current {
        let r = reconcile_window(state, from).await?;
        let json = serde_json::to_value(&r).map_err(crate::DomainError::internal)?;
        state.db.put_window_report(&format!("W{}", r.window), &json, state.now()).await?;
        crate::kernel::metrics::emit(state, &[], &[("ReconcileMismatches", r.mismatches as f64, "Count")]);
        from += HOUR_MS;
        state.db.put_windows_done(from).await?;
        reports.push(r);
    }
    Ok(reports)
}
