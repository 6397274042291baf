//! `reconcile`: the money checked every day, not only in tests. One paged
//! pass over the table and, for every account with ledger entries in the
//! range, its whole ledger summed:
//! - an account's coins, earnings, coin debt and settled earnings equal the
//!   sums of its ledger entries;
//! - every recharge credited in the range has exactly one ledger credit;
//! - every call of the range that ended has ledger minutes (charged less
//!   refunded) equal to its `paid_minutes`;
//! - every settlement of the range took exactly its coins in ledger debits;
//! - globally, what came in from outside (recharges, grants, corrections,
//!   refunds and debts) equals what accounts hold, settled and owe plus
//!   what active calls hold.
//!
//! It never changes a balance: it stores a report (counts, the first 100
//! mismatches with ids) and emits `ReconcileMismatches`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::reconcile::{attr_n, attr_s, item_kind};

use crate::AppState;
use crate::error::ApiResult;

pub const MAX_LISTED: usize = 100;
const DAY_MS: i64 = 86_400_000;
/// Ledger types that move value between accounts (or an account's own
/// balances, or into a call's hold); all others bring value in or out.
const INTERNAL: &[&str] =
    &["gift_sent", "gift_received", "call_charge", "call_earning", "call_refund", "settlement", "debt_repaid"];

#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    /// account_balance, recharge_credit, call_minutes, settlement_coins, global
    pub kind: &'static str,
    pub id: String,
    pub detail: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ReconcileReport {
    pub run_id: String,
    /// The range's bounds (ms): entries created at or after `from`, before `to`
    pub from: i64,
    pub to: i64,
    pub items_scanned: i64,
    pub ledger_entries: i64,
    pub accounts_checked: i64,
    pub recharges_checked: i64,
    pub calls_checked: i64,
    pub settlements_checked: i64,
    /// Value that came in from outside, and what accounts and calls hold of it
    pub external: i64,
    pub held: i64,
    pub mismatches: i64,
    /// The first `MAX_LISTED` mismatches
    pub first: Vec<Mismatch>,
}

impl ReconcileReport {
    fn mismatch(&mut self, kind: &'static str, id: &str, detail: String) {
        self.mismatches += 1;
        if self.first.len() < MAX_LISTED {
            self.first.push(Mismatch { kind, id: id.into(), detail });
        }
    }
}

/// What a run covers: by hand `{"from": "2026-11-01", "to": "2026-11-30"}`
/// (days, UTC, `to` included) or ms; the schedule's empty event means yesterday.
#[derive(Debug, Default, Deserialize)]
pub struct ReconcileInput {
    pub from: Option<Value>,
    pub to: Option<Value>,
}

fn day_start(v: &Value, end: bool) -> Result<i64, String> {
    if let Some(ms) = v.as_i64() {
        return Ok(ms);
    }
    let s = v.as_str().ok_or("from/to: a day (yyyy-mm-dd) or milliseconds")?;
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s}: not a day (yyyy-mm-dd)"))?;
    let ms = d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis();
    Ok(if end { ms + DAY_MS } else { ms })
}

/// The range an input names at `now`.
pub fn range(input: &ReconcileInput, now: i64) -> Result<(i64, i64), String> {
    let today = now.div_euclid(DAY_MS) * DAY_MS;
    let from = input.from.as_ref().map(|v| day_start(v, false)).transpose()?.unwrap_or(today - DAY_MS);
    let to = input.to.as_ref().map(|v| day_start(v, true)).transpose()?.unwrap_or(today);
    if to <= from {
        return Err("to: after from".into());
    }
    Ok((from, to))
}

/// Runs the checks over `[from, to)`; stores and answers the report.
pub async fn reconcile(state: &AppState, from: i64, to: i64) -> ApiResult<ReconcileReport> {
    let mut r = ReconcileReport { run_id: crate::wallet::entry_id(state.now()), from, to, ..Default::default() };
    let in_range = |ms: Option<i64>| ms.is_some_and(|t| (from..to).contains(&t));
    let mut touched: HashSet<String> = HashSet::new();
    let mut balances = 0i64;
    let mut start = None;
    loop {
        let page = state.db.scan_page(start, 500).await?;
        for item in &page.items {
            r.items_scanned += 1;
            match item_kind(item) {
                "ledger" => {
                    r.ledger_entries += 1;
                    let amount = attr_n(item, "amount").unwrap_or(0);
                    let value = if attr_s(item, "balance") == Some("debt") { -amount } else { amount };
                    if !INTERNAL.contains(&attr_s(item, "type").unwrap_or_default()) {
                        r.external += value;
                    }
                    if in_range(attr_n(item, "created_at"))
                        && let Some(a) = attr_s(item, "account_id")
                    {
                        touched.insert(a.to_string());
                    }
                }
                "account" => {
                    let n = |k: &str| attr_n(item, k).unwrap_or(0);
                    balances += n("coins") + n("earnings") + n("settled_earnings") - n("coin_debt");
                }
                "recharge" if attr_s(item, "status") == Some("credited") => {
                    let credited = attr_n(item, "credited_at").or(attr_n(item, "created_at"));
                    if in_range(credited) {
                        check_recharge(state, &mut r, item).await?;
                    }
                }
                "call" => {
                    let n = |k: &str| attr_n(item, k).unwrap_or(0);
                    match attr_s(item, "state") {
                        Some("active") => r.held += (n("paid_minutes") - n("earned_minutes")) * n("price_per_minute"),
                        Some("ended") if in_range(attr_n(item, "created_at")) => {
                            check_call(state, &mut r, item).await?
                        }
                        _ => {}
                    }
                }
                "settlement" if in_range(attr_n(item, "created_at")) => check_settlement(state, &mut r, item).await?,
                _ => {}
            }
        }
        start = page.next;
        if start.is_none() {
            break;
        }
    }
    let mut touched: Vec<String> = touched.into_iter().collect();
    touched.sort();
    for account in &touched {
        check_account(state, &mut r, account).await?;
    }
    if balances + r.held != r.external {
        let detail =
            format!("came in from outside {} ≠ held by accounts {} + held in calls {}", r.external, balances, r.held);
        r.mismatch("global", "platform", detail);
    }
    let json = serde_json::to_value(&r).map_err(crate::ApiError::internal)?;
    state.db.put_reconcile_report(&r.run_id, &json, state.now()).await?;
    crate::metrics::emit(state, &[], &[("ReconcileMismatches", r.mismatches as f64, "Count")]);
    Ok(r)
}

async fn check_account(state: &AppState, r: &mut ReconcileReport, id: &str) -> ApiResult<()> {
    r.accounts_checked += 1;
    let Some(a) = state.db.get_account(id).await? else {
        r.mismatch("account_balance", id, "ledger entries of an account that does not exist".into());
        return Ok(());
    };
    let sums = state.db.ledger_sums(id).await?;
    for (what, held, ledger) in [
        ("coins", a.coins, sums.coins),
        ("earnings", a.earnings, sums.earnings),
        ("coin_debt", a.coin_debt, sums.coin_debt),
        ("settled_earnings", a.settled_earnings, sums.settled),
    ] {
        if held != ledger {
            r.mismatch("account_balance", id, format!("{what} {held} ≠ ledger {ledger}"));
        }
    }
    Ok(())
}

async fn check_recharge(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> ApiResult<()> {
    r.recharges_checked += 1;
    let (id, account) = (attr_s(item, "id").unwrap_or_default(), attr_s(item, "account_id").unwrap_or_default());
    let credits = state.db.recharge_credits(account, id, attr_n(item, "created_at").unwrap_or(0)).await?;
    if credits != 1 {
        r.mismatch("recharge_credit", id, format!("credited, with {credits} ledger credits (one expected)"));
    }
    Ok(())
}

async fn check_call(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> ApiResult<()> {
    r.calls_checked += 1;
    let (id, caller) = (attr_s(item, "id").unwrap_or_default(), attr_s(item, "caller_id").unwrap_or_default());
    let price = attr_n(item, "price_per_minute").unwrap_or(1).max(1);
    let paid = attr_n(item, "paid_minutes").unwrap_or(0);
    let ledger = state.db.call_ledger_minutes(caller, id, price, attr_n(item, "created_at").unwrap_or(0)).await?;
    if ledger != paid {
        r.mismatch("call_minutes", id, format!("paid_minutes {paid} ≠ ledger minutes {ledger}"));
    }
    Ok(())
}

async fn check_settlement(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> ApiResult<()> {
    r.settlements_checked += 1;
    let (id, host) = (attr_s(item, "id").unwrap_or_default(), attr_s(item, "host_id").unwrap_or_default());
    let coins = attr_n(item, "coins").unwrap_or(0);
    let debited = state.db.settlement_ledger_coins(host, id, attr_n(item, "created_at").unwrap_or(0)).await?;
    if debited != coins {
        r.mismatch("settlement_coins", id, format!("coins {coins} ≠ ledger debits {debited}"));
    }
    Ok(())
}

/// The daily schedule (yesterday, UTC), or a run by hand over `{from, to}`.
pub async fn scheduled_reconcile(state: std::sync::Arc<AppState>, event: Value) -> ApiResult<ReconcileReport> {
    let input: ReconcileInput = serde_json::from_value(event).unwrap_or_default();
    let (from, to) = range(&input, state.now()).map_err(crate::ApiError::invalid)?;
    reconcile(&state, from, to).await
}
