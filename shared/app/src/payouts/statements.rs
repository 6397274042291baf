//! A host's month statement: drafted after the month (late events and
//! chargebacks still change it), closed 72 h after it, disputable for 7
//! days, then final, when the month's salary is credited to
//! `payable_minor`. Every line points at what it sums: ledger entries (one
//! line per kind and UTC day, at most `REFS_PER_LINE` entries a line),
//! settlements. Coin lines add up to the month's earnings entries; money
//! lines to the payouts and the salary credited. A final statement never
//! changes: a correction is a line of the next month.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Balance, Dispute, LedgerEntry, Statement, StatementLine};

use super::months::{self, check_id};
use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::calendar;
use crate::kernel::error::DomainResult;
use crate::kernel::{validate, views};
use crate::{AppState, DomainError};

const HOUR: i64 = 3_600_000;
/// A draft closes this long after its month.
pub const CLOSE_AFTER_MS: i64 = 72 * HOUR;
/// Disputes are taken this long after closing; then the statement is final.
pub const DISPUTE_WINDOW_MS: i64 = 7 * 24 * HOUR;
/// The most ledger entries one line names (a busy day has several lines).
pub const REFS_PER_LINE: usize = 200;
/// Hosts a run closes at once (100,000 in about 3 minutes: `make capacity`).
pub const CLOSE_AT_ONCE: usize = 32;

/// The statement's id: its month and host.
pub fn statement_id(month: &str, host: &str) -> String {
    format!("{}-{host}", month.replace('-', ""))
}

/// The line a ledger entry falls in, and why (None: not the statement's).
fn line_kind(e: &LedgerEntry) -> Option<(&'static str, &'static str)> {
    match (e.balance, e.kind.as_str()) {
        (Balance::Earnings, "gift_received" | "room_share") => {
            Some(("gift_earnings", "gifts received from paid coins"))
        }
        (Balance::Earnings, "call_earning") => Some(("call_earnings", "paid call minutes")),
        (Balance::Earnings, "pk_bonus") => Some(("pk_bonus", "the platform's PK winner bonus")),
        (Balance::Earnings, "bonus_gift_received") => {
            Some(("bonus_gifts", "bonus gifts: paid from the platform's promotion budget, not counted for targets"))
        }
        (Balance::Earnings, "settlement") => Some(("settlement", "earnings settled into money")),
        (Balance::Earnings, _) if e.amount < 0 => Some(("clawback", "earnings taken back")),
        (Balance::Earnings, _) => Some(("correction", "earnings added by an admin")),
        _ => None,
    }
}

/// The statement of `host`'s `month` as the ledger and day items have it now.
pub async fn build(
    state: &AppState,
    host: &store::Account,
    month: &str,
    targets: &store::HostTargets,
    status: &str,
    now: i64,
) -> DomainResult<(Statement, Vec<StatementLine>)> {
    let (start, end) =
        calendar::month_bounds(month).ok_or_else(|| DomainError::invalid("month: a month like 2026-12"))?;
    let entries = state.db.ledger_in(&host.id, start, end).await?;
    let mut lines: Vec<StatementLine> = Vec::new();
    let mut line =
        |kind: &str, coins: i64, amount_minor: i64, ref_ids: Vec<String>, reason: String, day: Option<String>| {
            lines.push(StatementLine {
                id: format!("L{:05}", lines.len() + 1),
                kind: kind.into(),
                coins,
                amount_minor,
                ref_ids,
                reason,
                day,
            })
        };
    // Earnings by kind and day, in order.
    let mut by_day: BTreeMap<(String, &str), (Vec<&LedgerEntry>, &str)> = BTreeMap::new();
    for e in &entries {
        match line_kind(e) {
            Some(("settlement" | "clawback" | "correction", _)) | None => {}
            Some((kind, why)) => by_day.entry((store::day_of(e.created_at), kind)).or_insert((vec![], why)).0.push(e),
        }
    }
    for ((day, kind), (es, why)) in &by_day {
        for part in es.chunks(REFS_PER_LINE) {
            let coins = part.iter().map(|e| e.amount).sum();
            line(kind, coins, 0, part.iter().map(|e| e.id.clone()).collect(), why.to_string(), Some(day.clone()));
        }
    }
    // Clawbacks and corrections one by one, naming what they undo.
    for e in entries.iter().filter(|e| matches!(line_kind(e), Some(("clawback" | "correction", _)))) {
        let (kind, why) = line_kind(e).unwrap_or_default();
        let reason = match (&e.recharge_id, &e.reason) {
            (Some(r), _) => format!("{why}: recharge {r} was refunded"),
            (None, Some(r)) => format!("{why}: {r}"),
            (None, None) => why.to_string(),
        };
        line(kind, e.amount, 0, vec![e.id.clone()], reason, Some(store::day_of(e.created_at)));
    }
    // Settlements: the coins they took, their gross, fee and commission; the
    // three money lines add up to the payout credited (`settlement_payout`).
    for e in entries.iter().filter(|e| e.balance == Balance::Earnings && e.kind == "settlement") {
        let sid = e.reason.as_deref().and_then(|r| r.strip_prefix("settlement ")).unwrap_or_default().to_string();
        let payout = entries.iter().find(|p| p.kind == "settlement_payout" && p.reason == e.reason);
        let mut refs = vec![e.id.clone()];
        refs.extend(payout.map(|p| p.id.clone()));
        refs.push(sid.clone());
        let st = state.db.get_settlement(&sid).await?;
        let day = Some(store::day_of(e.created_at));
        match st {
            Some(st) => {
                line("settlement", e.amount, st.gross_minor, refs, format!("settlement {sid}: gross"), day.clone());
                line(
                    "platform_fee",
                    0,
                    -st.platform_fee_minor,
                    vec![sid.clone()],
                    format!("settlement {sid}: the platform's share"),
                    day.clone(),
                );
                if st.agency_commission_minor > 0 {
                    let why = format!("settlement {sid}: the agency's commission, out of the platform's share");
                    line("agency_commission", 0, -st.agency_commission_minor, vec![sid.clone()], why, day);
                }
            }
            None => {
                line("settlement", e.amount, payout.map_or(0, |p| p.amount), refs, format!("settlement {sid}"), day)
            }
        }
    }
    let days = state.db.host_days(&host.id, &calendar::days_of(month)).await?;
    let f = months::figures(&days);
    let reached = months::tier_reached(&f, targets);
    let salary = reached.map_or(0, |t| t.salary_minor);
    if let Some(t) = reached {
        let why = format!(
            "tier {} reached: {} valid days, {} valid hours, {} coins earned",
            t.tier,
            f.valid_days,
            f.valid_minutes / 60,
            f.earnings_coins
        );
        line("salary", 0, salary, vec![], why, None);
    }
    let st = Statement {
        id: statement_id(month, &host.id),
        host_id: host.id.clone(),
        kind: "host".into(),
        agency_id: host.agency_id.clone(),
        month: month.into(),
        status: status.into(),
        valid_days: f.valid_days,
        valid_minutes: f.valid_minutes,
        earnings_coins: f.earnings_coins,
        tier_reached: reached.map_or(0, |t| t.tier),
        salary_minor: salary,
        agency_bonus_minor: reached.map_or(0, |t| t.agency_bonus_minor),
        coins_total: lines.iter().map(|l| l.coins).sum(),
        amount_minor_total: lines.iter().map(|l| l.amount_minor).sum(),
        lines: lines.len(),
        open_disputes: 0,
        created_at: now,
        updated_at: now,
        closed_at: (status == "closed").then_some(now),
        final_at: None,
    };
    Ok((st, lines))
}

/// What one run of `close-host-month` did.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRun {
    pub month: String,
    pub drafted: i64,
    pub closed: i64,
    pub finalized: i64,
}

/// The daily schedule as of `now`: the last month's statements are drafted
/// (and redrafted) until 72 h after it, closed then, and made final 7 days
/// after closing when no dispute is open. Every step is conditional, so a
/// run again, late or at once with another changes nothing twice.
pub async fn close_host_month(state: &AppState, now: i64) -> DomainResult<CloseRun> {
    use futures_util::StreamExt;
    let month = calendar::month_before(&calendar::month_of(now));
    let (_, end) = calendar::month_bounds(&month).unwrap_or_default();
    let targets = months::targets_for(state, &month).await?;
    let mut run = CloseRun { month: month.clone(), ..Default::default() };
    let mut start = None;
    loop {
        let page = state.db.list_host_accounts(100, start).await?;
        // Hosts are independent (each statement its own items): many at once.
        let (month, targets) = (&month, &targets);
        let done: Vec<DomainResult<CloseRun>> = futures_util::stream::iter(page.items)
            .map(|host| async move {
                let mut one = CloseRun::default();
                close_one(state, &host, month, targets, end, now, &mut one).await?;
                // A dispute may have held the month before past its own run.
                let before = calendar::month_before(month);
                if let Some(st) = state.db.get_statement(&statement_id(&before, &host.id)).await? {
                    one.finalized += i64::from(finalize(state, &st, now).await?);
                }
                Ok(one)
            })
            .buffer_unordered(CLOSE_AT_ONCE)
            .collect()
            .await;
        for one in done {
            let one = one?;
            run.drafted += one.drafted;
            run.closed += one.closed;
            run.finalized += one.finalized;
        }
        match page.next {
            Some(next) => start = Some(next),
            None => break,
        }
    }
    // Agencies after their hosts: a host statement's agency bonus is a line of its agency's.
    let mut start = None;
    loop {
        let page = state.db.list_agencies(100, start).await?;
        for a in page.items.iter().filter(|a| a.status == "active") {
            close_agency(state, a, &month, end, now, &mut run).await?;
        }
        match page.next {
            Some(next) => start = Some(next),
            None => return Ok(run),
        }
    }
}

async fn close_agency(
    state: &AppState,
    a: &store::Agency,
    month: &str,
    month_end: i64,
    now: i64,
    run: &mut CloseRun,
) -> DomainResult<()> {
    let id = statement_id(month, &a.id);
    let existing = state.db.get_statement(&id).await?;
    match existing.as_ref().map(|s| s.status.as_str()) {
        None | Some("draft") => {
            let status = if now >= month_end + CLOSE_AFTER_MS { "closed" } else { "draft" };
            let lines = crate::agencies::agency_statement_lines(state, a, month).await?;
            if lines.is_empty() && existing.is_none() {
                return Ok(());
            }
            let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
            let st = Statement {
                id,
                host_id: a.owner_id.clone(),
                kind: "agency".into(),
                agency_id: Some(a.id.clone()),
                month: month.into(),
                status: status.into(),
                valid_days: 0,
                valid_minutes: 0,
                earnings_coins: 0,
                tier_reached: 0,
                salary_minor: total,
                agency_bonus_minor: 0,
                coins_total: 0,
                amount_minor_total: total,
                lines: lines.len(),
                open_disputes: 0,
                created_at: existing.as_ref().map_or(now, |e| e.created_at),
                updated_at: now,
                closed_at: (status == "closed").then_some(now),
                final_at: None,
            };
            match state.db.write_statement(&st, &lines).await {
                Ok(()) if status == "closed" => run.closed += 1,
                Ok(()) => run.drafted += 1,
                Err(store::Error::Condition("statement_moved")) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Some("closed") => run.finalized += i64::from(finalize(state, existing.as_ref().expect("closed"), now).await?),
        _ => {}
    }
    Ok(())
}

async fn close_one(
    state: &AppState,
    host: &store::Account,
    month: &str,
    targets: &store::HostTargets,
    month_end: i64,
    now: i64,
    run: &mut CloseRun,
) -> DomainResult<()> {
    let existing = state.db.get_statement(&statement_id(month, &host.id)).await?;
    match existing.as_ref().map(|s| s.status.as_str()) {
        None | Some("draft") => {
            let status = if now >= month_end + CLOSE_AFTER_MS { "closed" } else { "draft" };
            let (mut st, lines) = build(state, host, month, targets, status, now).await?;
            // A month with nothing in it has no statement.
            if lines.is_empty() && st.valid_minutes == 0 && existing.is_none() {
                return Ok(());
            }
            if let Some(old) = &existing {
                st.created_at = old.created_at;
            }
            match state.db.write_statement(&st, &lines).await {
                Ok(()) if status == "closed" => run.closed += 1,
                Ok(()) => run.drafted += 1,
                // Closed by a run at the same time.
                Err(store::Error::Condition("statement_moved")) => {}
                Err(e) => return Err(e.into()),
            }
            if status == "closed" {
                let body = format!("Your {month} statement is ready: disputes are open for 7 days");
                let data = [("statement_id", st.id.as_str()), ("month", month)];
                state
                    .notifier
                    .send(crate::kernel::notices::note(&host.id, "statement", "Statement ready", body, &data))
                    .await;
            }
        }
        Some("closed") => run.finalized += i64::from(finalize(state, existing.as_ref().expect("closed"), now).await?),
        _ => {}
    }
    Ok(())
}

/// Makes a closed statement final once its dispute window passed with no
/// dispute open, crediting its salary; whether it did.
async fn finalize(state: &AppState, st: &Statement, now: i64) -> DomainResult<bool> {
    let window_over = st.closed_at.is_some_and(|c| now >= c + DISPUTE_WINDOW_MS);
    if st.status != "closed" || !window_over || st.open_disputes > 0 {
        return Ok(false);
    }
    let salary = (st.salary_minor > 0).then(|| {
        let kind = if st.kind == "agency" { "agency_commission" } else { "salary" };
        let mut e = LedgerEntry::new(&st.host_id, kind, Balance::Payable, st.salary_minor, None, now);
        e.reason = Some(format!("statement {} (tier {})", st.id, st.tier_reached));
        e
    });
    match state.db.finalize_statement(st, salary.as_ref(), now).await {
        Ok(()) => {
            if st.salary_minor > 0 {
                let body = format!(
                    "{} {} salary for {} is yours to withdraw",
                    st.salary_minor, state.config.settlement_currency, st.month
                );
                let data = [("statement_id", st.id.as_str())];
                state
                    .notifier
                    .send(crate::kernel::notices::note(&st.host_id, "statement", "Salary paid", body, &data))
                    .await;
            }
            Ok(true)
        }
        Err(store::Error::Condition("statement_moved")) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The daily schedule (EventBridge): as of now.
pub async fn close_host_month_event(
    state: std::sync::Arc<AppState>,
    _event: serde_json::Value,
) -> DomainResult<CloseRun> {
    let run = close_host_month(&state, state.now()).await?;
    tracing::info!(month = %run.month, drafted = run.drafted, closed = run.closed, finalized = run.finalized, "host months");
    Ok(run)
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementLineView {
    pub id: String,
    /// gift_earnings, call_earnings, pk_bonus, bonus_gifts, clawback, correction, settlement, platform_fee, agency_commission, salary;
    /// an agency's: commission, tier_adjustment, sub_agency_override, host_bonus
    pub kind: String,
    pub coins: i64,
    pub amount_minor: i64,
    /// The ledger entries (and settlements) it sums
    pub ref_ids: Vec<String>,
    pub reason: String,
    /// yyyy-mm-dd (UTC) of its entries
    pub day: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeView {
    pub id: String,
    pub line_id: String,
    pub text: String,
    /// open or resolved
    pub status: String,
    pub resolution: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub resolved_at: Option<String>,
}

fn dispute_view(d: &Dispute) -> DisputeView {
    DisputeView {
        id: d.id.clone(),
        line_id: d.line_id.clone(),
        text: d.text.clone(),
        status: d.status.clone(),
        resolution: d.resolution.clone(),
        created_at: views::time(d.created_at),
        resolved_at: d.resolved_at.map(views::time),
    }
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementView {
    pub id: String,
    /// The payee: the host, or the agency's owner
    pub host_id: String,
    /// host or agency
    pub kind: String,
    pub agency_id: Option<String>,
    pub month: String,
    /// draft, closed (disputable), final
    pub status: String,
    pub valid_days: i64,
    pub valid_hours: i64,
    pub earnings_coins: i64,
    pub tier_reached: i64,
    pub salary_minor: i64,
    /// The coin lines' sum: the month's earnings entries in the ledger
    pub coins_total: i64,
    /// The money lines' sum: payouts credited plus the salary
    pub amount_minor_total: i64,
    pub currency: String,
    pub open_disputes: i64,
    /// Until then a line may be disputed (closed statements)
    #[schema(format = DateTime)]
    pub disputable_until: Option<String>,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    #[schema(format = DateTime)]
    pub final_at: Option<String>,
    /// The lines (the list leaves them out)
    pub lines: Option<Vec<StatementLineView>>,
    pub disputes: Option<Vec<DisputeView>>,
}

fn statement_view(state: &AppState, st: &Statement) -> StatementView {
    StatementView {
        id: st.id.clone(),
        host_id: st.host_id.clone(),
        kind: st.kind.clone(),
        agency_id: st.agency_id.clone(),
        month: st.month.clone(),
        status: st.status.clone(),
        valid_days: st.valid_days,
        valid_hours: st.valid_minutes / 60,
        earnings_coins: st.earnings_coins,
        tier_reached: st.tier_reached,
        salary_minor: st.salary_minor,
        coins_total: st.coins_total,
        amount_minor_total: st.amount_minor_total,
        currency: state.config.settlement_currency.clone(),
        open_disputes: st.open_disputes,
        disputable_until: st.closed_at.filter(|_| st.status == "closed").map(|c| views::time(c + DISPUTE_WINDOW_MS)),
        closed_at: st.closed_at.map(views::time),
        final_at: st.final_at.map(views::time),
        lines: None,
        disputes: None,
    }
}

/// `GET /agency/statements`: the agency's month statements (commission, tier
/// adjustment, sub-agency overrides, host bonuses), newest first.
pub async fn list_agency_statements_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<StatementView>> {
    list_host_statements_http(state, ctx).await
}

/// `GET /host/statements`, newest month first.
pub async fn list_host_statements_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<StatementView>> {
    let caller = ctx.caller()?;
    let scope = format!("statements:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_host_statements(&caller.id, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(|s| statement_view(state, s)).collect(), page.next))
}

async fn whole(state: &AppState, st: &Statement) -> DomainResult<StatementView> {
    let lines = state.db.statement_lines(st).await?;
    let disputes = state.db.statement_disputes(&st.id).await?;
    let mut v = statement_view(state, st);
    v.lines = Some(
        lines
            .into_iter()
            .map(|l| StatementLineView {
                id: l.id,
                kind: l.kind,
                coins: l.coins,
                amount_minor: l.amount_minor,
                ref_ids: l.ref_ids,
                reason: l.reason,
                day: l.day,
            })
            .collect(),
    );
    v.disputes = Some(disputes.iter().map(dispute_view).collect());
    Ok(v)
}

async fn own_statement(state: &AppState, ctx: &Ctx) -> DomainResult<Statement> {
    let caller = ctx.caller()?;
    let id = check_id(ctx.param("id"))?;
    let st = state.db.get_statement(&id).await?.filter(|s| s.host_id == caller.id || caller.role == store::Role::Admin);
    st.ok_or_else(|| DomainError::not_found("no such statement"))
}

/// `GET /host/statements/{id}` (and an admin's): the statement with its lines and disputes.
pub async fn get_host_statement_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<StatementView>> {
    let st = own_statement(state, ctx).await?;
    Ok(Json::new(whole(state, &st).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeInput {
    /// The line disputed (its `id`)
    pub line_id: String,
    /// What is wrong, 2–1,000 characters
    pub text: String,
}

/// `POST /host/statements/{id}/disputes {line_id, text}`: while the
/// statement is closed and for 7 days after (409 `dispute_window_closed`).
pub async fn create_dispute_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<DisputeView>> {
    let input: DisputeInput = ctx.json()?;
    let text = validate::text("text", &input.text, 2, 1000)?;
    let st = own_statement(state, ctx).await?;
    let now = state.now();
    let open = st.status == "closed" && st.closed_at.is_some_and(|c| now < c + DISPUTE_WINDOW_MS);
    if !open {
        let why = match st.status.as_str() {
            "draft" => "the statement is still a draft: disputes open when it closes".to_string(),
            _ => "the dispute window of this statement has closed: a correction is a line of a later month".to_string(),
        };
        return Err(DomainError::conflict("dispute_window_closed", why));
    }
    let lines = state.db.statement_lines(&st).await?;
    if !lines.iter().any(|l| l.id == input.line_id) {
        return Err(DomainError::invalid("line_id: not a line of this statement"));
    }
    let d = Dispute {
        id: crate::kernel::ledger::entry_id(now),
        statement_id: st.id.clone(),
        host_id: st.host_id.clone(),
        line_id: input.line_id,
        text,
        status: "open".into(),
        resolution: None,
        created_at: now,
        resolved_at: None,
    };
    match state.db.open_dispute(&d, now - DISPUTE_WINDOW_MS).await {
        Ok(()) => Ok(Created::new(dispute_view(&d))),
        Err(store::Error::Condition("statement_moved")) => {
            Err(DomainError::conflict("dispute_window_closed", "the dispute window of this statement has closed"))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveDisputeInput {
    /// The answer the host sees, 2–1,000 characters (a correction, if any, is a line of the next month)
    pub resolution: String,
}

/// `POST /admin/statements/{id}/disputes/{dispute_id}/resolve {resolution}`.
pub async fn resolve_dispute_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<DisputeView>> {
    let input: ResolveDisputeInput = ctx.json()?;
    let resolution = validate::text("resolution", &input.resolution, 2, 1000)?;
    let id = check_id(ctx.param("id"))?;
    let dispute_id =
        validate::id("dispute_id", ctx.param("dispute_id")).map_err(|_| DomainError::not_found("no such dispute"))?;
    let disputes = state.db.statement_disputes(&id).await?;
    let mut d =
        disputes.into_iter().find(|d| d.id == dispute_id).ok_or_else(|| DomainError::not_found("no such dispute"))?;
    if d.status != "open" {
        return Err(DomainError::conflict("dispute_resolved", "this dispute was resolved already"));
    }
    let before = dispute_view(&d);
    d.status = "resolved".into();
    d.resolution = Some(resolution);
    d.resolved_at = Some(state.now());
    state.db.resolve_dispute(&d).await?;
    let data = [("statement_id", d.statement_id.as_str()), ("dispute_id", d.id.as_str())];
    let body = d.resolution.clone().unwrap_or_default();
    state.notifier.send(crate::kernel::notices::note(&d.host_id, "statement", "Dispute answered", body, &data)).await;
    Ok(Json::new(dispute_view(&d)).with_before(before))
}
