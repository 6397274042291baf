//! Withdrawals out of `payable_minor`, and their payouts: requested by the
//! host or agency owner, approved by an admin, sent through RazorpayX (bank
//! and UPI) or marked paid by an admin with the provider's reference
//! (PayPal, or when RazorpayX is not configured). RazorpayX's signed
//! webhooks settle a payout's fate; each state is reached once whatever
//! the order and number of deliveries (`store::payouts::withdrawals`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Balance, LedgerEntry, OPEN_WITHDRAWAL_STATES, Withdrawal, WithdrawalMove, WithdrawalStep};

use super::accounts::masked;
use crate::http::idempotency::{Idem, with_retries};
use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::{DomainResult, ErrorKind};
use crate::kernel::{validate, views};
use crate::{AppState, DomainError};

const WEEK_MS: i64 = 7 * 86_400_000;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalInput {
    /// Minor units of the settlement currency, out of `payable_minor`; the fee is inside it
    pub amount_minor: i64,
    pub payout_account_id: String,
}

/// One state a withdrawal went through.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalStepView {
    #[schema(schema_with = crate::kernel::vocab::withdrawal_status)]
    pub status: String,
    #[schema(format = DateTime)]
    pub at: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalView {
    pub id: String,
    pub account_id: String,
    /// The requester's display name (admins' lists; null when the account is gone)
    pub account_name: Option<String>,
    /// What left `payable_minor`
    pub amount_minor: i64,
    /// The platform's fee, inside the amount: flat + basis points
    pub fee_minor: i64,
    /// What is sent: amount − fee
    pub payout_minor: i64,
    pub currency: String,
    #[schema(schema_with = crate::kernel::vocab::withdrawal_status)]
    pub status: String,
    pub payout_account_id: String,
    #[schema(schema_with = crate::kernel::vocab::payout_method)]
    pub method: String,
    pub holder_name: String,
    /// Where it goes, hidden but for the end
    pub destination: String,
    /// Why it was rejected or failed
    pub reason: Option<String>,
    /// The bank's UTR or the provider's reference, once paid
    pub reference: Option<String>,
    /// RazorpayX's payout id, once sent
    pub provider_payout_id: Option<String>,
    pub history: Vec<WithdrawalStepView>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

fn withdrawal_view(w: &Withdrawal, name: Option<String>) -> WithdrawalView {
    WithdrawalView {
        id: w.id.clone(),
        account_id: w.account_id.clone(),
        account_name: name,
        amount_minor: w.amount_minor,
        fee_minor: w.fee_minor,
        payout_minor: w.payout_minor,
        currency: w.currency.clone(),
        status: w.status.clone(),
        payout_account_id: w.payout_account_id.clone(),
        method: w.method.clone(),
        holder_name: w.holder_name.clone(),
        destination: w.destination.clone(),
        reason: w.reason.clone(),
        reference: w.reference.clone(),
        provider_payout_id: w.provider_payout_id.clone(),
        history: w
            .history
            .iter()
            .map(|s| WithdrawalStepView { status: s.status.clone(), at: views::time(s.at) })
            .collect(),
        created_at: views::time(w.created_at),
        updated_at: views::time(w.updated_at),
    }
}

/// The fee of a withdrawal of `amount` (flat + basis points, rounded down).
pub fn fee_of(amount: i64, settings: &store::Settings) -> i64 {
    settings.withdrawal_fee_flat_minor + amount * settings.withdrawal_fee_bps / 10_000
}

/// `POST /me/withdrawals` (`Idempotency-Key`): one transaction on the requester's items.
pub async fn create_withdrawal(
    state: &AppState,
    account_id: &str,
    input: WithdrawalInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<WithdrawalView>> {
    let settings = state.db.get_settings().await?;
    let amount = input.amount_minor;
    if amount < settings.withdrawal_min_minor {
        let min = settings.withdrawal_min_minor;
        return Err(DomainError::new(
            ErrorKind::Invalid,
            "below_minimum",
            format!("amount_minor: the smallest withdrawal is {min}"),
        )
        .with("minimum_minor", min));
    }
    if amount > settings.withdrawal_max_minor_per_7_days {
        let max = settings.withdrawal_max_minor_per_7_days;
        return Err(DomainError::conflict("weekly_limit", format!("at most {max} a week may be withdrawn"))
            .with("maximum_minor", max));
    }
    let fee = fee_of(amount, &settings);
    if fee >= amount {
        return Err(DomainError::invalid(format!("amount_minor: must be more than the fee, {fee}")));
    }
    let payout_id = validate::id("payout_account_id", &input.payout_account_id).map_err(|_| no_payout_account())?;
    with_retries(state, idem, || async {
        let now = state.now();
        let a = state.own_account(account_id).await?;
        if a.banned {
            return Err(DomainError::banned());
        }
        match views::kyc_status(&a, now) {
            "verified" => {}
            "expired" => {
                return Err(DomainError::conflict("kyc_expired", "your identity document expired: verify again"));
            }
            _ => return Err(DomainError::conflict("kyc_required", "verify your identity first (POST /me/kyc)")),
        }
        let p = state.db.get_payout_account(account_id, &payout_id).await?.ok_or_else(no_payout_account)?;
        if p.opens_at > now {
            return Err(DomainError::conflict(
                "payout_account_on_hold",
                format!("a new payout account is paid from {}", views::time(p.opens_at)),
            )
            .with("opens_at", views::time(p.opens_at)));
        }
        if let Some(open) = &a.withdrawal_open {
            return Err(DomainError::conflict("withdrawal_open", format!("withdrawal {open} is still open")));
        }
        if a.last_withdrawal_at > now - WEEK_MS {
            let opens = views::time(a.last_withdrawal_at + WEEK_MS);
            return Err(DomainError::conflict(
                "withdrawal_too_soon",
                format!("one withdrawal a week: the next from {opens}"),
            )
            .with("opens_at", opens));
        }
        if amount > a.payable_minor {
            return Err(DomainError::conflict(
                "insufficient_payable",
                format!("{} may be withdrawn now", a.payable_minor),
            )
            .with("payable_minor", a.payable_minor));
        }
        let w = Withdrawal {
            id: crate::kernel::ledger::entry_id(now),
            account_id: account_id.to_string(),
            amount_minor: amount,
            fee_minor: fee,
            payout_minor: amount - fee,
            currency: state.config.settlement_currency.clone(),
            payout_account_id: p.id.clone(),
            method: p.method.clone(),
            holder_name: p.holder_name.clone(),
            destination: masked(&p),
            status: "requested".into(),
            reason: None,
            reference: None,
            provider_payout_id: None,
            prev_withdrawal_at: a.last_withdrawal_at,
            created_at: now,
            updated_at: now,
            history: vec![WithdrawalStep { status: "requested".into(), at: now, by: account_id.to_string() }],
        };
        let mut entry = LedgerEntry::new(account_id, "withdrawal", Balance::Payable, -amount, None, now);
        entry.reason = Some(format!("withdrawal {}", w.id));
        let reply = Created::new(withdrawal_view(&w, None));
        let record = idem.map(|i| (i, i.record(&reply, now)));
        state
            .db
            .request_withdrawal(store::WithdrawalRequest {
                withdrawal: &w,
                expected_payable: a.payable_minor,
                entry,
                week_ago: now - WEEK_MS,
                idempotency: record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
            })
            .await?;
        Ok(reply)
    })
    .await
}

fn no_payout_account() -> DomainError {
    DomainError::not_found("no such payout account")
}

pub async fn create_withdrawal_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<WithdrawalView>> {
    let caller = ctx.caller()?;
    let idem = Idem::from_ctx(ctx)?;
    create_withdrawal(state, &caller.id, ctx.json()?, idem.as_ref()).await
}

/// `GET /me/withdrawals`, newest first.
pub async fn list_my_withdrawals_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<WithdrawalView>> {
    let caller = ctx.caller()?;
    let scope = format!("withdrawals-of:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_account_withdrawals(&caller.id, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(|w| withdrawal_view(w, None)).collect(), page.next))
}

/// `GET /admin/withdrawals?status=requested`: the queue, oldest first.
pub async fn list_withdrawals_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<WithdrawalView>> {
    let status = ctx.query.get("status").map_or("requested", String::as_str);
    let status = validate::word("status", status, crate::kernel::vocab::WITHDRAWAL_STATUSES)?;
    let scope = format!("withdrawals:{status}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_withdrawals(&status, limit, start).await?;
    let names = views::Names::of(&state.db, page.items.iter().map(|w| w.account_id.as_str())).await?;
    let items = page.items.iter().map(|w| withdrawal_view(w, names.get(&w.account_id))).collect();
    Ok(list_reply(state, &scope, items, page.next))
}

async fn withdrawal_of(state: &AppState, ctx: &Ctx) -> DomainResult<Withdrawal> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("no such withdrawal"))?;
    state.db.get_withdrawal(&id).await?.ok_or_else(|| DomainError::not_found("no such withdrawal"))
}

async fn admin_view(state: &AppState, w: &Withdrawal) -> DomainResult<WithdrawalView> {
    let names = views::Names::of(&state.db, [w.account_id.as_str()]).await?;
    Ok(withdrawal_view(w, names.get(&w.account_id)))
}

/// `GET /admin/withdrawals/{id}`: the preview before approval (what leaves,
/// to which account, the fee) and, later, its fate.
pub async fn get_withdrawal_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WithdrawalView>> {
    let w = withdrawal_of(state, ctx).await?;
    Ok(Json::new(admin_view(state, &w).await?))
}

/// Moves `w` to `status` from any of `from`, giving the amount back when it
/// ends unpaid; tells the requester. `withdrawal_moved` when it was not in `from`.
async fn move_to(
    state: &AppState,
    w: &Withdrawal,
    status: &str,
    from: &[&str],
    by: &str,
    change: impl FnOnce(&mut Withdrawal),
) -> DomainResult<Withdrawal> {
    let now = state.now();
    let mut after = w.clone();
    after.status = status.into();
    after.updated_at = now;
    after.history.push(WithdrawalStep { status: status.into(), at: now, by: by.into() });
    change(&mut after);
    let open_before = OPEN_WITHDRAWAL_STATES.contains(&w.status.as_str());
    let ends_unpaid = matches!(status, "rejected" | "cancelled" | "failed" | "reversed");
    let give_back = ends_unpaid.then(|| {
        let mut e = LedgerEntry::new(&w.account_id, "withdrawal_returned", Balance::Payable, w.amount_minor, None, now);
        e.reason = Some(format!("withdrawal {} {status}", w.id));
        e
    });
    let close = open_before && !OPEN_WITHDRAWAL_STATES.contains(&status);
    state.db.move_withdrawal(WithdrawalMove { withdrawal: &after, from, close, give_back }).await?;
    let (title, body) = match status {
        "approved" => ("Withdrawal approved", format!("{} {} is on its way", after.payout_minor, after.currency)),
        "processing" => {
            ("Withdrawal sent", format!("{} {} was sent to {}", after.payout_minor, after.currency, after.destination))
        }
        "paid" => {
            ("Withdrawal paid", format!("{} {} reached {}", after.payout_minor, after.currency, after.destination))
        }
        _ => (
            "Withdrawal returned",
            format!("{} {} is back in your balance ({status})", after.amount_minor, after.currency),
        ),
    };
    if status != "cancelled" {
        let data = [("withdrawal_id", after.id.as_str()), ("status", status)];
        state.notifier.send(crate::kernel::notices::note(&after.account_id, "withdrawal", title, body, &data)).await;
    }
    Ok(after)
}

/// `POST /me/withdrawals/{id}/cancel`: the requester, while it is `requested`.
pub async fn cancel_withdrawal_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WithdrawalView>> {
    let caller = ctx.caller()?;
    let w = withdrawal_of(state, ctx).await?;
    if w.account_id != caller.id {
        return Err(DomainError::not_found("no such withdrawal"));
    }
    if w.status != "requested" {
        return Err(DomainError::conflict(
            "not_cancellable",
            format!("a withdrawal {} can no longer be cancelled", w.status),
        ));
    }
    let after = move_to(state, &w, "cancelled", &["requested"], &caller.id, |_| {}).await?;
    Ok(Json::new(withdrawal_view(&after, None)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectWithdrawalInput {
    /// Shown to the requester (2–500 characters)
    pub reason: String,
}

/// `POST /admin/withdrawals/{id}/reject {reason}`: the amount goes back.
pub async fn reject_withdrawal_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WithdrawalView>> {
    let input: RejectWithdrawalInput = ctx.json()?;
    let reason = validate::text("reason", &input.reason, 2, 500)?;
    let w = withdrawal_of(state, ctx).await?;
    if !matches!(w.status.as_str(), "requested" | "approved") {
        return Err(DomainError::conflict("withdrawal_moved", format!("a withdrawal {} cannot be rejected", w.status)));
    }
    let before = admin_view(state, &w).await?;
    let after =
        move_to(state, &w, "rejected", &["requested", "approved"], &ctx.caller()?.id, |a| a.reason = Some(reason))
            .await?;
    Ok(Json::new(admin_view(state, &after).await?).with_before(before))
}

/// Whether RazorpayX pays this withdrawal (bank and UPI, when configured).
fn by_razorpayx(state: &AppState, w: &Withdrawal) -> bool {
    state.razorpayx().is_some() && matches!(w.method.as_str(), "bank" | "upi")
}

/// `POST /admin/withdrawals/{id}/approve`: bank and UPI payouts go out
/// through RazorpayX at once (an approval again re-sends one the provider
/// did not take: the same idempotency key makes it the same payout).
pub async fn approve_withdrawal_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WithdrawalView>> {
    let admin = ctx.caller()?.id.clone();
    let mut w = withdrawal_of(state, ctx).await?;
    let before = admin_view(state, &w).await?;
    match w.status.as_str() {
        "requested" => w = move_to(state, &w, "approved", &["requested"], &admin, |_| {}).await?,
        "approved" if by_razorpayx(state, &w) => {}
        s => return Err(DomainError::conflict("withdrawal_moved", format!("a withdrawal {s} cannot be approved"))),
    }
    if by_razorpayx(state, &w) {
        w = send_payout(state, &w, &admin).await?;
    }
    Ok(Json::new(admin_view(state, &w).await?).with_before(before))
}

/// Sends an approved withdrawal through RazorpayX and marks it processing.
async fn send_payout(state: &AppState, w: &Withdrawal, by: &str) -> DomainResult<Withdrawal> {
    let Some(x) = state.razorpayx() else { return Ok(w.clone()) };
    let p = state.db.get_payout_account(&w.account_id, &w.payout_account_id).await?.ok_or_else(|| {
        DomainError::conflict("payout_account_changed", "the payout account was removed: reject the withdrawal")
    })?;
    let destination = match p.method.as_str() {
        "bank" => integrations::payouts::Destination::Bank {
            name: &p.holder_name,
            ifsc: p.ifsc.as_deref().unwrap_or_default(),
            account_number: p.account_number.as_deref().unwrap_or_default(),
        },
        _ => integrations::payouts::Destination::Upi { address: p.vpa.as_deref().unwrap_or_default() },
    };
    let fund = p.provider_contact_id.as_deref().zip(p.provider_fund_account_id.as_deref());
    let order = integrations::payouts::PayoutOrder {
        withdrawal_id: &w.id,
        account_id: &w.account_id,
        contact_name: &p.holder_name,
        amount_minor: w.payout_minor,
        currency: &w.currency,
        destination,
        fund_account: fund,
    };
    let sent = x.pay(&order).await.map_err(|e| {
        tracing::warn!(withdrawal = %w.id, error = %e, "razorpayx payout not made");
        DomainError::unavailable("RazorpayX did not take the payout; approve again to retry")
    })?;
    if fund.is_none() {
        state.db.set_payout_account_provider(&p, &sent.contact_id, &sent.fund_account_id).await?;
    }
    match move_to(state, w, "processing", &["approved"], by, |a| a.provider_payout_id = Some(sent.id.clone())).await {
        // Its webhook was quicker than our answer: it is past processing already.
        Err(e) if e.code == "withdrawal_moved" => {
            Ok(state.db.get_withdrawal(&w.id).await?.unwrap_or_else(|| w.clone()))
        }
        other => other,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkPaidInput {
    /// The provider's reference of the money sent (PayPal's transaction id, a bank's UTR), 2–100 characters
    pub reference: String,
}

/// `POST /admin/withdrawals/{id}/mark-paid {reference}`: a payout made
/// outside RazorpayX (PayPal; or bank and UPI when it is not configured).
pub async fn mark_withdrawal_paid_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WithdrawalView>> {
    let input: MarkPaidInput = ctx.json()?;
    let reference = validate::text("reference", &input.reference, 2, 100)?;
    let w = withdrawal_of(state, ctx).await?;
    if by_razorpayx(state, &w) {
        return Err(DomainError::conflict(
            "paid_by_provider",
            "RazorpayX pays this withdrawal; its webhook marks it paid",
        ));
    }
    if w.status != "approved" {
        return Err(DomainError::conflict(
            "withdrawal_moved",
            format!("a withdrawal {} cannot be marked paid", w.status),
        ));
    }
    let before = admin_view(state, &w).await?;
    let after = move_to(state, &w, "paid", &["approved"], &ctx.caller()?.id, |a| a.reference = Some(reference)).await?;
    Ok(Json::new(admin_view(state, &after).await?).with_before(before))
}

/// What the RazorpayX webhook did.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutWebhookAnswer {
    /// applied, duplicate (this state was reached already) or ignored
    #[schema(schema_with = crate::kernel::vocab::webhook_outcome)]
    pub status: &'static str,
    pub withdrawal_id: Option<String>,
}

fn answer(status: &'static str, w: Option<&Withdrawal>) -> DomainResult<Json<PayoutWebhookAnswer>> {
    Ok(Json::new(PayoutWebhookAnswer { status, withdrawal_id: w.map(|w| w.id.clone()) }))
}

/// `POST /webhooks/razorpayx`: `payout.processed`, `payout.failed` and
/// `payout.reversed`, signed with `RAZORPAYX_WEBHOOK_SECRET`. Processed and
/// failed end an open payout; reversed ends it too, or takes a paid one
/// back. Anything after a failure or a reversal is ignored, so a
/// `processed` arriving late never pays twice.
pub async fn razorpayx_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PayoutWebhookAnswer>> {
    let secret = &state.config.razorpayx_webhook_secret;
    if secret.is_empty() {
        tracing::error!("RAZORPAYX_WEBHOOK_SECRET is not configured");
        return Err(DomainError::unavailable("payouts are not configured"));
    }
    let sig =
        ctx.headers.get("x-razorpay-signature").and_then(|v| v.to_str().ok()).ok_or_else(|| {
            DomainError::new(ErrorKind::Invalid, "invalid_signature", "x-razorpay-signature: missing")
        })?;
    integrations::payments::verify_razorpay(sig, &ctx.body, secret)
        .map_err(|m| DomainError::new(ErrorKind::Invalid, "invalid_signature", m))?;
    let ev: serde_json::Value =
        serde_json::from_slice(&ctx.body).map_err(|_| DomainError::invalid("body: not a JSON event"))?;
    let payout = &ev["payload"]["payout"]["entity"];
    let kind = ev["event"].as_str().unwrap_or_default();
    if !matches!(kind, "payout.processed" | "payout.failed" | "payout.reversed") {
        return answer("ignored", None);
    }
    let reference = payout["reference_id"].as_str().or(payout["notes"]["withdrawal_id"].as_str()).unwrap_or_default();
    let Ok(id) = validate::id("reference_id", reference) else { return answer("ignored", None) };
    let Some(w) = state.db.get_withdrawal(&id).await? else { return answer("ignored", None) };
    let payout_id = payout["id"].as_str().unwrap_or_default().to_string();
    if w.provider_payout_id.as_deref().is_some_and(|p| p != payout_id)
        || payout["amount"].as_i64() != Some(w.payout_minor)
    {
        tracing::warn!(withdrawal = %w.id, payout = %payout_id, "a payout event that is not this withdrawal's");
        return answer("ignored", Some(&w));
    }
    let reason =
        payout["status_details"]["description"].as_str().or(payout["failure_reason"].as_str()).map(String::from);
    let (status, from): (&str, &[&str]) = match kind {
        "payout.processed" => ("paid", &["approved", "processing"]),
        "payout.failed" => ("failed", &["approved", "processing"]),
        _ if w.status == "paid" => ("reversed", &["paid"]),
        _ => ("reversed", &["approved", "processing"]),
    };
    if w.status == status {
        return answer("duplicate", Some(&w));
    }
    if !from.contains(&w.status.as_str()) {
        return answer("ignored", Some(&w));
    }
    let utr = payout["utr"].as_str().map(String::from);
    let result = move_to(state, &w, status, from, "razorpayx", |a| {
        a.provider_payout_id = Some(payout_id.clone());
        if status == "paid" {
            a.reference = utr.or(Some(payout_id.clone()));
        } else {
            a.reason = reason.or(Some(format!("the payout was {status}")));
        }
    })
    .await;
    match result {
        Ok(after) => answer("applied", Some(&after)),
        // A delivery racing this one moved it first.
        Err(e) if e.code == "withdrawal_moved" => answer("duplicate", Some(&w)),
        Err(e) => Err(e),
    }
}
