//! Buying coins: a pending recharge with the provider's order, credited once
//! by the provider's signed webhook.

use integrations::payments::{self, Buyer, Provider};
use serde::Deserialize;
use serde_json::Value;
use store::{Balance, CoinsAndDebt, LedgerEntry, Recharge};

use crate::catalog::existing_package;
use crate::http::WebhookAnswer;
use crate::http::idempotency::{Idem, retrying, with_retries};
use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// A recharge: an order with a payment provider, credited once paid.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RechargeView {
    pub id: String,
    /// stripe, razorpay or google
    #[schema(schema_with = crate::kernel::vocab::provider)]
    pub provider: String,
    /// The provider's order (payment intent, order id) to pay in the app
    pub provider_ref: String,
    pub package_id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    pub total_coins: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// pending, credited, partially_refunded or refunded
    #[schema(schema_with = crate::kernel::vocab::recharge_status)]
    pub status: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    /// On a Stripe recharge's creation: what the app's PaymentSheet takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripe: Option<StripeCheckout>,
    /// On a Razorpay recharge's creation: what the app's Checkout takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub razorpay: Option<RazorpayCheckout>,
}

/// Stripe's mobile PaymentSheet for a recharge: the PaymentIntent's client
/// secret, the buyer's Customer and a short-lived key to it (saved cards).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeCheckout {
    pub publishable_key: String,
    pub client_secret: String,
    pub customer: String,
    pub ephemeral_key: String,
}

/// Razorpay's Checkout for a recharge: the order to pay and the public key id.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RazorpayCheckout {
    pub key_id: String,
    pub order_id: String,
    /// In minor units, as Razorpay takes it
    pub amount: i64,
    pub currency: String,
}

pub fn recharge_view(r: &Recharge) -> RechargeView {
    RechargeView {
        id: r.id.clone(),
        provider: r.provider.clone(),
        provider_ref: r.provider_ref.clone(),
        package_id: r.package_id.clone(),
        coins: r.coins,
        bonus_coins: r.bonus_coins,
        total_coins: r.coins + r.bonus_coins,
        amount_minor: r.amount_minor,
        currency: r.currency.clone(),
        status: r.status.clone(),
        created_at: views::time(r.created_at),
        stripe: None,
        razorpay: None,
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RechargeInput {
    pub package_id: String,
    #[schema(schema_with = crate::kernel::vocab::payment_provider)]
    pub provider: String,
}

pub async fn create_recharge(
    state: &AppState,
    account_id: &str,
    input: RechargeInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<RechargeView>> {
    let provider =
        Provider::parse(&input.provider).ok_or_else(|| DomainError::invalid("provider: stripe or razorpay"))?;
    validate::id("package_id", &input.package_id)?;
    with_retries(state, idem, || async {
        let package = existing_package(state, &input.package_id).await?;
        if !package.active {
            return Err(DomainError::conflict("package_retired", "this coin package is no longer sold"));
        }
        let account = state
            .db
            .get_account(account_id)
            .await?
            .ok_or_else(|| DomainError::unauthenticated("account no longer exists"))?;
        if account.banned {
            return Err(DomainError::banned());
        }
        let now = state.now();
        let id = ulid::Ulid::new().to_string();
        let buyer = Buyer { account_id, stripe_customer: account.stripe_customer_id.as_deref() };
        let order = state
            .payments()
            .create_order(provider, &id, package.price_minor, &package.currency, &buyer)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "creating the provider order failed");
                DomainError::unavailable("the payment provider is not answering; try again")
            })?;
        if let Some(c) = order.customer.as_deref().filter(|_| account.stripe_customer_id.is_none()) {
            state.db.set_stripe_customer(account_id, c).await?;
        }
        let r = Recharge {
            id,
            account_id: account_id.to_string(),
            package_id: package.id.clone(),
            provider: provider.as_str().into(),
            provider_ref: order.reference.clone(),
            coins: package.coins,
            bonus_coins: package.bonus_coins,
            amount_minor: package.price_minor,
            currency: package.currency.clone(),
            status: "pending".into(),
            created_at: now,
            credited_at: None,
            product_id: None,
            purchase_token: None,
            ..Default::default()
        };
        let mut view = recharge_view(&r);
        match provider {
            Provider::Stripe => {
                view.stripe = Some(StripeCheckout {
                    publishable_key: state.config.stripe_publishable_key.clone(),
                    client_secret: order.client_secret.clone().unwrap_or_default(),
                    customer: order.customer.clone().unwrap_or_default(),
                    ephemeral_key: order.ephemeral_key.clone().unwrap_or_default(),
                })
            }
            Provider::Razorpay => {
                view.razorpay = Some(RazorpayCheckout {
                    key_id: state.config.razorpay_key_id.clone(),
                    order_id: order.reference.clone(),
                    amount: r.amount_minor,
                    currency: r.currency.clone(),
                })
            }
        }
        let reply = Created::new(view);
        let record = idem.map(|i| (i, i.record(&reply, now)));
        state
            .db
            .create_recharge(&r, record.as_ref().map(|(i, rec)| (i.account_id.as_str(), i.key.as_str(), rec)))
            .await?;
        Ok(reply)
    })
    .await
}

/// One of the caller's recharges: how its payment went (pending, credited,
/// refunded), whatever the provider or store. Another account's is 404.
pub async fn get_recharge_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<RechargeView>> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id"))?;
    match state.db.get_recharge(&id).await? {
        Some(r) if r.account_id == caller.id => Ok(Json::new(recharge_view(&r))),
        _ => Err(DomainError::not_found("recharge not found")),
    }
}

/// The caller's recharges, newest first.
pub async fn list_my_recharges_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<RechargeView>> {
    let caller = ctx.caller()?;
    let scope = format!("recharges:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_recharges_of(&caller.id, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(recharge_view).collect(), page.next))
}

pub async fn create_recharge_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<RechargeView>> {
    let caller = ctx.caller()?;
    let idem = Idem::from_ctx(ctx)?;
    create_recharge(state, &caller.id, ctx.json()?, idem.as_ref()).await
}

fn ignored(why: &str) -> DomainResult<WebhookAnswer> {
    tracing::info!(why, "webhook ignored");
    Ok(WebhookAnswer { status: "ignored", recharge_id: None, coins: None })
}

/// What crediting `r` to `account` changes, as read: the `recharge` entry,
/// any debt paid from it, the first-recharge offer if it is the account's
/// first, and the recharge tasks' progress (a provider's or a store's credit).
pub async fn credit_change(
    state: &AppState,
    account: &store::Account,
    r: &Recharge,
    fingerprint: Option<String>,
    now: i64,
) -> DomainResult<CoinsAndDebt> {
    let total = r.total_coins();
    let mut entry = LedgerEntry::new(&account.id, "recharge", Balance::Coins, total, Some(account.coins + total), now);
    entry.recharge_id = Some(r.id.clone());
    let mut entries = vec![entry];
    entries.extend(repay_debt(account, account.coins + total, total, r, now));
    Ok(CoinsAndDebt {
        account_id: account.id.clone(),
        coins: account.coins,
        debt: account.coin_debt,
        entries,
        first: super::offers::first_recharge(state, r, fingerprint, now).await?,
        tasks: crate::rewards::TaskCounting::read(state).await?.periods_of("recharge_coins", now),
    })
}

/// Credits a paid recharge's coins (plus bonus) once, whatever the number of
/// deliveries; coins owed after an earlier refund are paid from them first.
/// The account's first paid recharge takes the first-recharge offer too
/// (`fingerprint`: the payment's, provider-qualified).
async fn credit(state: &AppState, recharge: &Recharge, fingerprint: Option<String>) -> DomainResult<WebhookAnswer> {
    retrying(state, || async {
        let Some(account) = state.db.get_account(&recharge.account_id).await? else {
            return ignored("recharge of a deleted account");
        };
        let now = state.now();
        let total = recharge.total_coins();
        let change = credit_change(state, &account, recharge, fingerprint.clone(), now).await?;
        match state.db.credit_recharge(&recharge.id, &change, now).await {
            Ok(()) => {
                crate::kernel::metrics::coins(state, "RechargesCredited", total);
                Ok(WebhookAnswer { status: "credited", recharge_id: Some(recharge.id.clone()), coins: Some(total) })
            }
            Err(store::Error::Condition("already_credited")) => ignored("already credited"),
            // Another recharge or account took the offer meanwhile: read
            // again, and the coins go in without it.
            Err(store::Error::Condition("offer_taken")) => {
                Err(DomainError::conflict("balance_changed", "the offer was taken meanwhile"))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// The entries paying the account's debt out of `available` newly credited
/// coins (the balance being `coins` after the credit): coins down, debt down.
pub fn repay_debt(account: &store::Account, coins: i64, available: i64, r: &Recharge, now: i64) -> Vec<LedgerEntry> {
    let repay = account.coin_debt.min(available);
    if repay <= 0 {
        return vec![];
    }
    let mut paid = LedgerEntry::new(&account.id, "debt_repaid", Balance::Coins, -repay, Some(coins - repay), now);
    let mut debt =
        LedgerEntry::new(&account.id, "debt_repaid", Balance::Debt, -repay, Some(account.coin_debt - repay), now);
    paid.recharge_id = Some(r.id.clone());
    debt.recharge_id = Some(r.id.clone());
    vec![paid, debt]
}

/// What one provider event says about a payment's refunds and disputes.
#[derive(Clone, Copy, Debug)]
pub enum Takeback<'a> {
    /// The payment's refunded total so far (Stripe's `amount_refunded`).
    RefundedTotal(i64),
    /// One refund or dispute (`kind`) by the provider's id: money taken, or
    /// with `reversed` given back (a refund failed or cancelled, a dispute won).
    Part { id: &'a str, kind: &'static str, amount: i64, reversed: bool },
}

/// The recharge with `changes` merged in and what it takes back recomputed.
/// Every merge only grows (a total is a maximum, a part's amount a maximum,
/// a reversal sticks), so any order of the same events ends in one state.
pub(crate) fn merged(r: &Recharge, changes: &[Takeback]) -> Recharge {
    let mut after = r.clone();
    for c in changes {
        match *c {
            Takeback::RefundedTotal(t) => after.refund_total_minor = after.refund_total_minor.max(t),
            Takeback::Part { id, kind, amount, reversed } => {
                let e = after
                    .takebacks
                    .entry(id.to_string())
                    .or_insert_with(|| store::Takeback { kind: kind.into(), ..Default::default() });
                e.amount_minor = e.amount_minor.max(amount);
                e.reversed |= reversed;
            }
        }
    }
    let (mut refunded, mut reversed, mut disputed) = (0i64, 0i64, 0i64);
    for t in after.takebacks.values() {
        let sum = match (t.kind.as_str(), t.reversed) {
            ("dispute", false) => &mut disputed,
            ("dispute", true) => continue,
            (_, false) => &mut refunded,
            (_, true) => &mut reversed,
        };
        *sum = sum.saturating_add(t.amount_minor);
    }
    // A total without the refunds it is made of counts less the refunds known reversed.
    let refunded = refunded.max(after.refund_total_minor.saturating_sub(reversed)).max(0);
    after.refunded_minor = refunded.saturating_add(disputed).min(r.amount_minor);
    after.clawed_coins =
        (r.total_coins() as i128 * after.refunded_minor as i128 / r.amount_minor.max(1) as i128) as i64;
    after
}

/// A provider's figures are checked like user input: an amount within the
/// payment's, the payment's currency.
fn check_takeback(r: &Recharge, currency: Option<&str>, changes: &[Takeback]) -> DomainResult<()> {
    if let Some(c) = currency
        && !c.eq_ignore_ascii_case(&r.currency)
    {
        return Err(DomainError::invalid(format!("currency: {c} is not the payment's currency {}", r.currency)));
    }
    for c in changes {
        let (field, amount, least) = match *c {
            Takeback::RefundedTotal(t) => ("amount_refunded", t, 0),
            Takeback::Part { amount, .. } => ("amount", amount, 1),
        };
        if !(least..=r.amount_minor).contains(&amount) {
            return Err(DomainError::invalid(format!(
                "{field}: must be from {least} to the payment's {}, got {amount}",
                r.amount_minor
            )));
        }
    }
    Ok(())
}

/// Applies a refund, dispute or reversal event (`event`: provider and the
/// provider's event id, applied at most once) to a credited recharge: the
/// coins its takebacks now cover, `total × taken / price`, less those taken
/// before, go (what the balance cannot cover becomes `coin_debt`), or, after
/// an explicit reversal, come back (paying debt first).
pub async fn claw_back(
    state: &AppState,
    recharge_id: &str,
    event: (&str, &str),
    currency: Option<&str>,
    changes: &[Takeback<'_>],
) -> DomainResult<WebhookAnswer> {
    let answer = if state.db.refund_event_seen(event.0, event.1).await? {
        ignored("event applied before")?
    } else {
        apply_takeback(state, recharge_id, event, currency, changes).await?
    };
    // What is left of the first-recharge offer's grant goes with any refund
    // of its recharge: again on a replay (a crash between the two is mended;
    // the grant is gone after the first).
    if let Some(r) = state.db.get_recharge(recharge_id).await? {
        super::offers::take_back_first_recharge_bonus(state, &r).await?;
    }
    Ok(answer)
}

/// The reason of a refund's debt the platform bears (`chargeback_loss` in the dashboard's totals).
pub const CHARGEBACK_LOSS: &str = "chargeback_loss";

async fn apply_takeback(
    state: &AppState,
    recharge_id: &str,
    event: (&str, &str),
    currency: Option<&str>,
    changes: &[Takeback<'_>],
) -> DomainResult<WebhookAnswer> {
    let hold_ms = state.db.get_settings().await?.clawback_hold_days * 86_400_000;
    retrying(state, || async {
        let Some(r) = state.db.get_recharge(recharge_id).await? else { return ignored("unknown recharge") };
        if r.status == "pending" {
            return ignored("refund of a recharge never credited");
        }
        check_takeback(&r, currency, changes)?;
        let after = merged(&r, changes);
        if after.takebacks == r.takebacks && after.refund_total_minor == r.refund_total_minor {
            return ignored("the event tells nothing new");
        }
        let delta = after.clawed_coins - r.clawed_coins;
        let Some(account) = state.db.get_account(&r.account_id).await? else {
            return ignored("refund of a deleted account");
        };
        let now = state.now();
        let mut entries = Vec::new();
        let mut entry = |kind: &str, balance: Balance, amount: i64, after: i64| {
            let mut e = LedgerEntry::new(&account.id, kind, balance, amount, Some(after), now);
            e.recharge_id = Some(r.id.clone());
            entries.push(e);
        };
        if delta > 0 {
            let take = account.coins.min(delta);
            if take > 0 {
                entry("refund_clawback", Balance::Coins, -take, account.coins - take);
            }
            if delta > take {
                entry("refund_debt", Balance::Debt, delta - take, account.coin_debt + delta - take);
            }
        } else if delta < 0 {
            entry("refund_reversed", Balance::Coins, -delta, account.coins - delta);
            entries.extend(repay_debt(&account, account.coins - delta, -delta, &r, now));
        }
        // Coins already spent out of a purchase older than the clawback hold:
        // their earnings are the hosts' to keep, the platform bears it.
        if r.credited_at.unwrap_or(r.created_at) + hold_ms <= now
            && let Some(e) = entries.iter_mut().find(|e| e.kind == "refund_debt")
        {
            e.reason = Some(CHARGEBACK_LOSS.into());
        }
        let change = CoinsAndDebt {
            account_id: account.id.clone(),
            coins: account.coins,
            debt: account.coin_debt,
            entries,
            first: None,
            tasks: None,
        };
        match state.db.adjust_recharge(&r, &after, event, &change, now).await {
            Ok(()) => Ok({
                crate::kernel::metrics::coins(
                    state,
                    if delta >= 0 { "Refunds" } else { "RefundsReversed" },
                    delta.abs(),
                );
                WebhookAnswer {
                    status: if delta >= 0 { "clawed_back" } else { "credited" },
                    recharge_id: Some(r.id.clone()),
                    coins: Some(delta.abs()),
                }
            }),
            Err(store::Error::Condition("duplicate_refund")) => ignored("event applied before"),
            Err(store::Error::Condition("refund_changed")) => {
                Err(DomainError::conflict("balance_changed", "another refund landed; re-read"))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Checks that the paid amount and currency are the order's, then credits.
async fn settle(
    state: &AppState,
    provider: Provider,
    reference: &str,
    (amount, currency): (Option<i64>, Option<&str>),
    fingerprint: Option<&str>,
) -> DomainResult<WebhookAnswer> {
    let Some(recharge) = state.db.find_recharge_by_ref(provider.as_str(), reference).await? else {
        return ignored("unknown recharge");
    };
    if amount != Some(recharge.amount_minor) || !currency.is_some_and(|c| c.eq_ignore_ascii_case(&recharge.currency)) {
        tracing::warn!(recharge_id = %recharge.id, "paid amount or currency differs from the order");
        return ignored("amount or currency mismatch");
    }
    let fingerprint = fingerprint.filter(|f| !f.is_empty()).map(|f| format!("{}:{f}", provider.as_str()));
    credit(state, &recharge, fingerprint).await
}

fn secret(s: &str) -> DomainResult<&str> {
    if s.is_empty() {
        tracing::error!("webhook secret is not configured");
        return Err(DomainError::unavailable("payments are not configured"));
    }
    Ok(s)
}

fn header<'a>(ctx: &'a Ctx, name: &str) -> DomainResult<&'a str> {
    ctx.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| DomainError::new(ErrorKind::Invalid, "invalid_signature", format!("{name}: missing")))
}

fn event(ctx: &Ctx) -> DomainResult<Value> {
    serde_json::from_slice(&ctx.body).map_err(|_| DomainError::invalid("body: not a JSON event"))
}

/// A provider's amount field: a whole number of minor units (a float, a
/// string or a figure past the integer limits is a 400, not a guess).
fn amount_of(v: &Value, field: &str) -> DomainResult<i64> {
    v[field]
        .as_i64()
        .ok_or_else(|| DomainError::invalid(format!("{field}: an integer amount in minor units is required")))
}

fn id_of<'a>(v: &'a Value, field: &str) -> DomainResult<&'a str> {
    v[field].as_str().filter(|s| !s.is_empty()).ok_or_else(|| DomainError::invalid(format!("{field}: required")))
}

/// `POST /webhooks/stripe`: `payment_intent.succeeded` credits its recharge;
/// refunds (`charge.refunded`'s total and its refunds, `charge.refund.updated`,
/// `refund.*`) and disputes (`charge.dispute.*`) take the coins back, and only
/// a failed or cancelled refund or a won dispute gives them back. Each event
/// is applied once, by its `evt_` id, and any order ends in the same state.
pub async fn stripe_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WebhookAnswer>> {
    stripe_webhook(state, ctx).await.map(Json::new)
}

async fn stripe_webhook(state: &AppState, ctx: &Ctx) -> DomainResult<WebhookAnswer> {
    let sig = header(ctx, "stripe-signature")?;
    payments::verify_stripe(sig, &ctx.body, secret(&state.config.stripe_webhook_secret)?, state.now() / 1000)
        .map_err(|m| DomainError::new(ErrorKind::Invalid, "invalid_signature", m))?;
    let ev = event(ctx)?;
    let object = &ev["data"]["object"];
    let kind = ev["type"].as_str().unwrap_or_default();
    let reversed_refund = |o: &Value| matches!(o["status"].as_str(), Some("failed" | "canceled"));
    let mut changes = Vec::new();
    match kind {
        "payment_intent.succeeded" => {
            let Some(reference) = object["id"].as_str() else { return ignored("no payment intent id") };
            if let Some(rid) = object["metadata"]["recharge_id"].as_str()
                && state.db.find_recharge_by_ref("stripe", reference).await?.is_some_and(|r| r.id != rid)
            {
                return ignored("metadata names another recharge");
            }
            // The card's fingerprint (on the charge the intent carries): the offer's once-per-card.
            let card = &object["charges"]["data"][0]["payment_method_details"]["card"]["fingerprint"];
            let paid = (object["amount"].as_i64(), object["currency"].as_str());
            return settle(state, Provider::Stripe, reference, paid, card.as_str()).await;
        }
        "charge.refunded" => {
            changes.push(Takeback::RefundedTotal(amount_of(object, "amount_refunded")?));
            for refund in object["refunds"]["data"].as_array().into_iter().flatten() {
                let (id, amount) = (id_of(refund, "id")?, amount_of(refund, "amount")?);
                changes.push(Takeback::Part { id, kind: "refund", amount, reversed: reversed_refund(refund) });
            }
        }
        "charge.refund.updated" | "refund.created" | "refund.updated" | "refund.failed" => {
            let (id, amount) = (id_of(object, "id")?, amount_of(object, "amount")?);
            let reversed = kind == "refund.failed" || reversed_refund(object);
            changes.push(Takeback::Part { id, kind: "refund", amount, reversed });
        }
        "charge.dispute.created"
        | "charge.dispute.funds_withdrawn"
        | "charge.dispute.closed"
        | "charge.dispute.funds_reinstated" => {
            let (id, amount) = (id_of(object, "id")?, amount_of(object, "amount")?);
            // A dispute closed won (or an inquiry closed without a chargeback) gives the money back.
            let reversed = kind == "charge.dispute.funds_reinstated"
                || (kind == "charge.dispute.closed"
                    && matches!(object["status"].as_str(), Some("won" | "warning_closed")));
            changes.push(Takeback::Part { id, kind: "dispute", amount, reversed });
        }
        _ => return ignored("event type not handled"),
    }
    let event_id = id_of(&ev, "id")?;
    let Some(id) = recharge_of(state, Provider::Stripe, object["payment_intent"].as_str()).await? else {
        return ignored("unknown recharge");
    };
    claw_back(state, &id, ("stripe", event_id), object["currency"].as_str(), &changes).await
}

/// The recharge a provider's order or payment intent belongs to.
async fn recharge_of(state: &AppState, provider: Provider, reference: Option<&str>) -> DomainResult<Option<String>> {
    let Some(reference) = reference else { return Ok(None) };
    Ok(state.db.find_recharge_by_ref(provider.as_str(), reference).await?.map(|r| r.id))
}

/// `POST /webhooks/razorpay`: `payment.captured` credits the order's recharge;
/// `refund.processed` and `payment.dispute.created|lost` take the coins back,
/// `refund.failed` and `payment.dispute.won` give them back. Each event is
/// applied once (by `X-Razorpay-Event-Id`, else by its type and the refund's
/// or dispute's id).
pub async fn razorpay_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WebhookAnswer>> {
    razorpay_webhook(state, ctx).await.map(Json::new)
}

async fn razorpay_webhook(state: &AppState, ctx: &Ctx) -> DomainResult<WebhookAnswer> {
    let sig = header(ctx, "x-razorpay-signature")?;
    payments::verify_razorpay(sig, &ctx.body, secret(&state.config.razorpay_webhook_secret)?)
        .map_err(|m| DomainError::new(ErrorKind::Invalid, "invalid_signature", m))?;
    let ev = event(ctx)?;
    let payment = &ev["payload"]["payment"]["entity"];
    let kind = ev["event"].as_str().unwrap_or_default();
    let (what, takeback, reversed) = match kind {
        "payment.captured" => {
            let Some(order) = payment["order_id"].as_str() else { return ignored("no order id") };
            // The payer's Razorpay customer, else UPI address: the offer's once-per-payer.
            let payer = payment["customer_id"].as_str().or(payment["vpa"].as_str());
            let paid = (payment["amount"].as_i64(), payment["currency"].as_str());
            return settle(state, Provider::Razorpay, order, paid, payer).await;
        }
        "refund.processed" => ("refund", "refund", false),
        "refund.failed" => ("refund", "refund", true),
        "payment.dispute.created" | "payment.dispute.lost" => ("dispute", "dispute", false),
        "payment.dispute.won" => ("dispute", "dispute", true),
        _ => return ignored("event type not handled"),
    };
    let entity = &ev["payload"][what]["entity"];
    let (id, amount) = (id_of(entity, "id")?, amount_of(entity, "amount")?);
    let event_id = match ctx.headers.get("x-razorpay-event-id").and_then(|v| v.to_str().ok()) {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => format!("{kind}:{id}"),
    };
    let Some(rid) = recharge_of(state, Provider::Razorpay, payment["order_id"].as_str()).await? else {
        return ignored("unknown recharge");
    };
    let currency = entity["currency"].as_str().or(payment["currency"].as_str());
    let change = Takeback::Part { id, kind: takeback, amount, reversed };
    claw_back(state, &rid, ("razorpay", &event_id), currency, &[change]).await
}
