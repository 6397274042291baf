//! `reconcile`: the money checked every day, not only in tests. One paged
//! pass over the table and, for every account with ledger entries in the
//! range, its whole ledger summed:
//! - an account's coins, earnings, coin debt and settled earnings equal the
//!   sums of its ledger entries;
//! - every recharge credited in the range has exactly one ledger credit;
//! - every call of the range that ended has ledger minutes (charged less
//!   refunded) equal to its `paid_minutes`;
//! - every settlement of the range took exactly its coins in ledger debits;
//! - the coins senders gave in the range (`gift_sent`) equal the coins of the
//!   gift events of the range (a lost event would never reach its host);
//! - globally, what came in from outside (recharges, grants, corrections,
//!   refunds and debts) equals what accounts hold, settled and owe plus
//!   what active calls hold plus what gift events not applied yet carry.
//!
//! It never changes a balance: it stores a report (counts, the first 100
//! mismatches with ids) and emits `ReconcileMismatches`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::reconcile::{attr_n, attr_s, item_kind};

use crate::AppState;
use crate::kernel::error::DomainResult;

pub use super::reconcile_checks::{Mismatch, record};
const DAY_MS: i64 = 86_400_000;
/// Ledger types that move value between accounts (or an account's own
/// balances, or into a call's hold); all others bring value in or out.
const INTERNAL: &[&str] = &[
    "gift_sent",
    "gift_received",
    "gift_refunded",
    "room_share",
    "call_charge",
    "call_earning",
    "call_refund",
    "settlement",
    "debt_repaid",
];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReconcileReport {
    /// The range, by day (`2026-11-29..2026-11-30`) or ms
    pub run_id: String,
    /// The range's bounds (ms): entries created at or after `from`, before `to`
    pub from: i64,
    pub to: i64,
    /// false: out of time; the next run resumes from its checkpoint
    pub complete: bool,
    /// Invocations the run took (resumed ones included)
    pub invocations: i64,
    pub items_scanned: i64,
    pub ledger_entries: i64,
    pub accounts_checked: i64,
    pub recharges_checked: i64,
    pub calls_checked: i64,
    pub settlements_checked: i64,
    /// Closed and final host statements checked against their month's ledger
    #[serde(default)]
    pub statements_checked: i64,
    /// Value that came in from outside, what accounts hold of it, and what active calls hold
    pub external: i64,
    pub balances: i64,
    pub held: i64,
    /// Coins in events not applied yet (taken from payers, not yet the hosts')
    #[serde(default)]
    pub pending: i64,
    /// Coins senders gave in the range, and the coins of the range's gift events
    #[serde(default)]
    pub gift_coins_sent: i64,
    #[serde(default)]
    pub gift_coins_in_events: i64,
    /// Money (minor units): credited to payable balances ever (settlement
    /// payouts, salaries, agency commissions), held in them now, in open
    /// withdrawals, and paid out; credited = held + in flight + paid
    #[serde(default)]
    pub payable_credited: i64,
    #[serde(default)]
    pub payable_held: i64,
    #[serde(default)]
    pub withdrawals_in_flight: i64,
    #[serde(default)]
    pub withdrawals_paid: i64,
    pub mismatches: i64,
    /// The first `MAX_LISTED` mismatches
    pub first: Vec<Mismatch>,
}

impl ReconcileReport {
    fn mismatch(&mut self, kind: &str, id: &str, detail: String) {
        record(&mut self.mismatches, &mut self.first, Mismatch { kind: kind.into(), id: id.into(), detail });
    }
}

/// The account whose partition the pass is in: its ledger so far and its profile.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Partition {
    pk: String,
    account_id: Option<String>,
    sums: store::reconcile::LedgerSums,
    /// It has a ledger entry in the range (only those are checked).
    touched: bool,
    /// coins, earnings, coin_debt, settled_earnings, bonus_coins, payable_minor
    profile: Option<[i64; 6]>,
}

/// Where a run is: saved when it runs out of time, resumed by the next.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Progress {
    report: ReconcileReport,
    current: Partition,
    next: Option<(String, String)>,
}

/// What a full run covers: by hand `{"full": true, "from": "2026-11-01",
/// "to": "2026-11-30"}` (days, UTC, `to` included) or ms; without `from`,
/// yesterday. The schedule's empty event reconciles by the hour instead
/// (`crate::reconcile_windows`).
#[derive(Debug, Default, Deserialize)]
pub struct ReconcileInput {
    pub from: Option<Value>,
    pub to: Option<Value>,
    /// The full pass (a scan; for a restored point-in-time copy): by hand only.
    #[serde(default)]
    pub full: bool,
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

/// A run's name: its days when it covers whole days, else its bounds.
pub fn run_id(from: i64, to: i64) -> String {
    if from % DAY_MS == 0 && to % DAY_MS == 0 {
        format!("{}..{}", store::day_of(from), store::day_of(to))
    } else {
        format!("{from}..{to}")
    }
}

/// How a run pages and when it stops to leave a checkpoint.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub page: i32,
    /// Stop (checkpoint) once this instant (ms, the state's clock) has passed.
    pub until_ms: i64,
}

/// Runs (or resumes) the checks over `[from, to)`. A finished run stores
/// its report and answers it; one out of time saves a checkpoint and
/// answers `complete: false` (the next run of the same range resumes it).
pub async fn reconcile(state: &AppState, from: i64, to: i64, budget: Budget) -> DomainResult<ReconcileReport> {
    let id = run_id(from, to);
    let mut p: Progress = match state.db.reconcile_checkpoint().await? {
        Some(v) => serde_json::from_value::<Progress>(v).ok().filter(|p| p.report.run_id == id).unwrap_or_default(),
        None => Progress::default(),
    };
    if p.report.run_id.is_empty() {
        p.report = ReconcileReport { run_id: id, from, to, ..Default::default() };
    }
    p.report.invocations += 1;
    loop {
        let page = state.db.scan_page(p.next.take(), budget.page).await?;
        for item in &page.items {
            visit(state, &mut p, item).await?;
        }
        p.next = page.next;
        if p.next.is_none() {
            break;
        }
        if state.now() >= budget.until_ms {
            let json = serde_json::to_value(&p).map_err(crate::DomainError::internal)?;
            state.db.put_reconcile_checkpoint(&json).await?;
            return Ok(p.report);
        }
    }
    let last = std::mem::take(&mut p.current);
    finish_account(&mut p.report, last);
    let r = &mut p.report;
    if r.gift_coins_sent != r.gift_coins_in_events {
        let detail = format!("senders gave {} ≠ gift events carry {}", r.gift_coins_sent, r.gift_coins_in_events);
        r.mismatch("gift_events", "platform", detail);
    }
    if r.payable_held + r.withdrawals_in_flight + r.withdrawals_paid != r.payable_credited {
        let detail = format!(
            "payable credited {} ≠ held {} + in open withdrawals {} + paid out {}",
            r.payable_credited, r.payable_held, r.withdrawals_in_flight, r.withdrawals_paid
        );
        r.mismatch("payable", "platform", detail);
    }
    if r.balances + r.held + r.pending != r.external {
        let detail = format!(
            "came in from outside {} ≠ held by accounts {} + held in calls {} + in events not applied {}",
            r.external, r.balances, r.held, r.pending
        );
        r.mismatch("global", "platform", detail);
    }
    r.complete = true;
    let json = serde_json::to_value(&*r).map_err(crate::DomainError::internal)?;
    state.db.put_reconcile_report(&r.run_id, &json, state.now()).await?;
    crate::kernel::metrics::emit(state, &[], &[("ReconcileMismatches", r.mismatches as f64, "Count")]);
    Ok(p.report)
}

/// One item of the pass. An account's items come together; when the pass
/// leaves its partition, its balances are compared with its ledger's sums.
async fn visit(state: &AppState, p: &mut Progress, item: &store::reconcile::Item) -> DomainResult<()> {
    let r = &mut p.report;
    r.items_scanned += 1;
    let window = r.from..r.to;
    let in_range = |ms: Option<i64>| ms.is_some_and(|t| window.contains(&t));
    let pk = attr_s(item, "pk").unwrap_or_default();
    if pk != p.current.pk {
        let done = std::mem::replace(&mut p.current, Partition { pk: pk.to_string(), ..Default::default() });
        finish_account(r, done);
    }
    match item_kind(item) {
        "ledger" => {
            r.ledger_entries += 1;
            let amount = attr_n(item, "amount").unwrap_or(0);
            let value = if attr_s(item, "balance") == Some("debt") { -amount } else { amount };
            // Bonus coins are no paid value, payable money no coins: their own
            // balances, checked per account.
            let bonus = matches!(attr_s(item, "balance"), Some("bonus" | "payable"));
            if !bonus && !INTERNAL.contains(&attr_s(item, "type").unwrap_or_default()) {
                r.external += value;
            }
            if matches!(attr_s(item, "type"), Some("settlement_payout" | "salary" | "agency_commission")) {
                r.payable_credited += amount;
            }
            p.current.sums.add(item);
            p.current.account_id = attr_s(item, "account_id").map(String::from);
            p.current.touched |= in_range(attr_n(item, "created_at"));
            if attr_s(item, "type") == Some("gift_sent") && in_range(attr_n(item, "created_at")) {
                r.gift_coins_sent -= amount;
            }
        }
        "event" => {
            let credit = item.get("credit").and_then(|c| c.as_m().ok());
            let amount: Option<i64> =
                credit.and_then(|c| c.get("amount")).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok());
            // A bonus gift's event carries no paid coins (its host's pay is the promotion expense).
            let bonus = credit.is_some_and(|c| c.get("bonus").and_then(|v| v.as_bool().ok()) == Some(&true));
            if let Some(amount) = amount.filter(|_| !bonus) {
                let gift = credit.is_some_and(|c| !c.contains_key("call"));
                if gift && in_range(attr_n(item, "created_at")) {
                    r.gift_coins_in_events += amount;
                }
                if !item.contains_key("applied_at") {
                    r.pending += amount;
                }
            }
        }
        "account" => {
            let n = |k: &str| attr_n(item, k).unwrap_or(0);
            r.balances += n("coins") + n("earnings") + n("settled_earnings") - n("coin_debt");
            r.payable_held += n("payable_minor");
            p.current.account_id = attr_s(item, "id").map(String::from);
            p.current.profile = Some([
                n("coins"),
                n("earnings"),
                n("coin_debt"),
                n("settled_earnings"),
                n("bonus_coins"),
                n("payable_minor"),
            ]);
        }
        "recharge"
            if attr_s(item, "status") == Some("credited")
                && in_range(attr_n(item, "credited_at").or(attr_n(item, "created_at"))) =>
        {
            check_recharge(state, r, item).await?
        }
        "call" => {
            let n = |k: &str| attr_n(item, k).unwrap_or(0);
            match attr_s(item, "state") {
                Some("active") => r.held += (n("paid_minutes") - n("earned_minutes")) * n("price_per_minute"),
                Some("ended") if in_range(attr_n(item, "created_at")) => check_call(state, r, item).await?,
                _ => {}
            }
        }
        "settlement" if in_range(attr_n(item, "created_at")) => check_settlement(state, r, item).await?,
        "statement" if attr_s(item, "kind") != Some("agency") && attr_s(item, "status") != Some("draft") => {
            check_statement(state, r, item).await?
        }
        "withdrawal" => {
            let amount = attr_n(item, "amount_minor").unwrap_or(0);
            match attr_s(item, "status") {
                Some("requested" | "approved" | "processing") => r.withdrawals_in_flight += amount,
                Some("paid") => r.withdrawals_paid += amount,
                _ => {}
            }
        }
        _ => {}
    }
    Ok(())
}

/// An account the pass has seen whole: checked when it had an entry in the range.
fn finish_account(r: &mut ReconcileReport, a: Partition) {
    if !a.touched {
        return;
    }
    let id = a.account_id.unwrap_or(a.pk);
    r.accounts_checked += 1;
    let Some(held) = a.profile else {
        r.mismatch("account_balance", &id, "ledger entries of an account that does not exist".into());
        return;
    };
    let s = &a.sums;
    for (what, held, ledger) in [
        ("coins", held[0], s.coins),
        ("earnings", held[1], s.earnings),
        ("coin_debt", held[2], s.coin_debt),
        ("settled_earnings", held[3], s.settled),
        ("bonus_coins", held[4], s.bonus),
        ("payable_minor", held[5], s.payable),
    ] {
        if held != ledger {
            r.mismatch("account_balance", &id, format!("{what} {held} ≠ ledger {ledger}"));
        }
    }
}

async fn check_recharge(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> DomainResult<()> {
    r.recharges_checked += 1;
    let (id, account) = (attr_s(item, "id").unwrap_or_default(), attr_s(item, "account_id").unwrap_or_default());
    let credits = state.db.recharge_credits(account, id, attr_n(item, "created_at").unwrap_or(0)).await?;
    if credits != 1 {
        r.mismatch("recharge_credit", id, format!("credited, with {credits} ledger credits (one expected)"));
    }
    Ok(())
}

async fn check_call(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> DomainResult<()> {
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

async fn check_settlement(
    state: &AppState,
    r: &mut ReconcileReport,
    item: &store::reconcile::Item,
) -> DomainResult<()> {
    r.settlements_checked += 1;
    let (id, host) = (attr_s(item, "id").unwrap_or_default(), attr_s(item, "host_id").unwrap_or_default());
    let coins = attr_n(item, "coins").unwrap_or(0);
    let debited = state.db.settlement_ledger_coins(host, id, attr_n(item, "created_at").unwrap_or(0)).await?;
    if debited != coins {
        r.mismatch("settlement_coins", id, format!("coins {coins} ≠ ledger debits {debited}"));
    }
    Ok(())
}

/// A closed or final host statement against its month's ledger: its coin
/// lines sum the month's earnings entries, its money lines the payouts
/// credited that month plus its salary.
async fn check_statement(state: &AppState, r: &mut ReconcileReport, item: &store::reconcile::Item) -> DomainResult<()> {
    r.statements_checked += 1;
    let (id, host, month) = (
        attr_s(item, "id").unwrap_or_default(),
        attr_s(item, "host_id").unwrap_or_default(),
        attr_s(item, "month").unwrap_or_default(),
    );
    let Some((from, to)) = crate::kernel::calendar::month_bounds(month) else {
        r.mismatch("statement", id, format!("month {month} is not a month"));
        return Ok(());
    };
    let entries = state.db.ledger_in(host, from, to).await?;
    let coins: i64 = entries.iter().filter(|e| e.balance == store::Balance::Earnings).map(|e| e.amount).sum();
    let paid: i64 = entries.iter().filter(|e| e.kind == "settlement_payout").map(|e| e.amount).sum();
    let (lines_coins, lines_money) =
        (attr_n(item, "coins_total").unwrap_or(0), attr_n(item, "amount_minor_total").unwrap_or(0));
    let salary = attr_n(item, "salary_minor").unwrap_or(0);
    if lines_coins != coins || lines_money != paid + salary {
        let detail = format!(
            "lines: {lines_coins} coins, {lines_money} money ≠ ledger: {coins} coins earned, {paid} paid out + {salary} salary"
        );
        r.mismatch("statement", id, detail);
    }
    Ok(())
}

/// Lambda's limit is 900 s: a run stops for a checkpoint after 780.
const RUN_SECS: i64 = 780;

/// The hourly schedule: resumes an unfinished run, else does yesterday once
/// (nothing when its report exists); or a run by hand over `{from, to}`.
pub async fn scheduled_reconcile(state: std::sync::Arc<AppState>, event: Value) -> DomainResult<Value> {
    let input: ReconcileInput = serde_json::from_value(event).unwrap_or_default();
    if !input.full {
        // The schedule: the closed hours since the last run, by their events.
        let run = super::reconcile_windows::reconcile_windows(&state).await?;
        return serde_json::to_value(run).map_err(crate::DomainError::internal);
    }
    let budget = Budget { page: 500, until_ms: state.now() + RUN_SECS * 1000 };
    let by_hand = input.from.is_some() || input.to.is_some();
    let (from, to) = match state.db.reconcile_checkpoint().await? {
        Some(p) if !by_hand => (p["report"]["from"].as_i64().unwrap_or(0), p["report"]["to"].as_i64().unwrap_or(0)),
        _ => range(&input, state.now()).map_err(crate::DomainError::invalid)?,
    };
    if !by_hand && let Some(done) = state.db.reconcile_report(&run_id(from, to)).await? {
        return Ok(serde_json::json!({"already_done": done}));
    }
    let r = reconcile(&state, from, to, budget).await?;
    serde_json::to_value(r).map_err(crate::DomainError::internal)
}
