//! Buying coins: a pending recharge with the provider's order, credited once
//! by the provider's signed webhook.

use integrations::payments::{self, Provider};
use serde::Deserialize;
use serde_json::Value;
use store::{Balance, CoinsAndDebt, LedgerEntry, Recharge};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply};
use crate::packages::existing_package;
use crate::wallet::{Idem, new_entry, with_retries};
use crate::{ApiError, AppState, validate, views};

/// A recharge: an order with a payment provider, credited once paid.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RechargeView {
    pub id: String,
    /// stripe, razorpay or google
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
    pub status: String,
    /// RFC 3339
    pub created_at: String,
}

pub(crate) fn recharge_json(r: &Recharge) -> RechargeView {
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
    }
}

/// A webhook's answer to the provider.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookAnswer {
    /// credited, clawed_back, answered (Apple's consumption request), ignored;
    /// Agora's: applied, stale (older than an event handled), duplicate
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recharge_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coins: Option<i64>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RechargeInput {
    pub package_id: String,
    pub provider: String,
}

pub async fn create_recharge(
    state: &AppState,
    account_id: &str,
    input: RechargeInput,
    idem: Option<&Idem>,
) -> ApiResult<Reply> {
    let provider = Provider::parse(&input.provider).ok_or_else(|| ApiError::invalid("provider: stripe or razorpay"))?;
    validate::id("package_id", &input.package_id)?;
    with_retries(state, idem, || async {
        let package = existing_package(state, &input.package_id).await?;
        if !package.active {
            return Err(ApiError::conflict("package_retired", "this coin package is no longer sold"));
        }
        let account = state
            .db
            .get_account(account_id)
            .await?
            .ok_or_else(|| ApiError::unauthenticated("account no longer exists"))?;
        if account.banned {
            return Err(ApiError::forbidden("this account is banned"));
        }
        let now = state.now();
        let id = ulid::Ulid::new().to_string();
        let provider_ref =
            state.payments().create_order(provider, &id, package.price_minor, &package.currency).await.map_err(
                |e| {
                    tracing::error!(error = %e, "creating the provider order failed");
                    ApiError::unavailable("the payment provider is not answering; try again")
                },
            )?;
        let r = Recharge {
            id,
            account_id: account_id.to_string(),
            package_id: package.id.clone(),
            provider: provider.as_str().into(),
            provider_ref,
            coins: package.coins,
            bonus_coins: package.bonus_coins,
            amount_minor: package.price_minor,
            currency: package.currency.clone(),
            status: "pending".into(),
            created_at: now,
            credited_at: None,
            refunded_minor: 0,
            clawed_coins: 0,
            product_id: None,
            purchase_token: None,
        };
        let reply = Reply::created(recharge_json(&r));
        let record = idem.map(|i| (i, i.record(&reply, now)));
        state
            .db
            .create_recharge(&r, record.as_ref().map(|(i, rec)| (i.account_id.as_str(), i.key.as_str(), rec)))
            .await?;
        Ok(reply)
    })
    .await
}

pub async fn create_recharge_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let idem = Idem::from_ctx(ctx)?;
    create_recharge(state, &caller.id, ctx.json()?, idem.as_ref()).await
}

fn ignored(why: &str) -> ApiResult<Reply> {
    tracing::info!(why, "webhook ignored");
    Ok(Reply::ok(WebhookAnswer { status: "ignored", recharge_id: None, coins: None }))
}

/// Credits a paid recharge's coins (plus bonus) once, whatever the number of
/// deliveries; coins owed after an earlier refund are paid from them first.
async fn credit(state: &AppState, recharge: &Recharge) -> ApiResult<Reply> {
    with_retries(state, None, || async {
        let Some(account) = state.db.get_account(&recharge.account_id).await? else {
            return ignored("recharge of a deleted account");
        };
        let now = state.now();
        let total = recharge.total_coins();
        let mut entry = new_entry(&account.id, "recharge", Balance::Coins, total, Some(account.coins + total), now);
        entry.recharge_id = Some(recharge.id.clone());
        let mut entries = vec![entry];
        entries.extend(repay_debt(&account, account.coins + total, total, recharge, now));
        let change =
            CoinsAndDebt { account_id: account.id.clone(), coins: account.coins, debt: account.coin_debt, entries };
        match state.db.credit_recharge(&recharge.id, &change, now).await {
            Ok(()) => {
                crate::metrics::coins(state, "RechargesCredited", total);
                Ok(Reply::ok(WebhookAnswer {
                    status: "credited",
                    recharge_id: Some(recharge.id.clone()),
                    coins: Some(total),
                }))
            }
            Err(store::Error::Condition("already_credited")) => ignored("already credited"),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// The entries paying the account's debt out of `available` newly credited
/// coins (the balance being `coins` after the credit): coins down, debt down.
pub(crate) fn repay_debt(
    account: &store::Account,
    coins: i64,
    available: i64,
    r: &Recharge,
    now: i64,
) -> Vec<LedgerEntry> {
    let repay = account.coin_debt.min(available);
    if repay <= 0 {
        return vec![];
    }
    let mut paid = new_entry(&account.id, "debt_repaid", Balance::Coins, -repay, Some(coins - repay), now);
    let mut debt = new_entry(&account.id, "debt_repaid", Balance::Debt, -repay, Some(account.coin_debt - repay), now);
    paid.recharge_id = Some(r.id.clone());
    debt.recharge_id = Some(r.id.clone());
    vec![paid, debt]
}

/// A refund, chargeback or reversal: `refunded_minor` of the recharge's
/// price is now refunded in all. Takes back `total × refunded / price` coins
/// (less what was taken before); what the balance cannot cover becomes
/// `coin_debt`. A smaller figure than before gives coins back (paying debt
/// first). `event` (provider, id) deduplicates per-refund notifications.
pub async fn claw_back(
    state: &AppState,
    recharge_id: &str,
    refunded_minor: impl Fn(&Recharge) -> i64,
    event: Option<(&str, &str)>,
) -> ApiResult<Reply> {
    with_retries(state, None, || async {
        let Some(r) = state.db.get_recharge(recharge_id).await? else { return ignored("unknown recharge") };
        if r.status == "pending" {
            return ignored("refund of a recharge never credited");
        }
        let refunded = refunded_minor(&r).clamp(0, r.amount_minor);
        if refunded == r.refunded_minor && event.is_none() {
            return ignored("refund already applied");
        }
        let target = (r.total_coins() as i128 * refunded as i128 / r.amount_minor.max(1) as i128) as i64;
        let delta = target - r.clawed_coins;
        let Some(account) = state.db.get_account(&r.account_id).await? else {
            return ignored("refund of a deleted account");
        };
        let now = state.now();
        let mut entries = Vec::new();
        let mut entry = |kind: &str, balance: Balance, amount: i64, after: i64| {
            let mut e = new_entry(&account.id, kind, balance, amount, Some(after), now);
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
        let change =
            CoinsAndDebt { account_id: account.id.clone(), coins: account.coins, debt: account.coin_debt, entries };
        match state.db.adjust_recharge(&r, refunded, target, event, &change, now).await {
            Ok(()) => Ok(Reply::ok({
                crate::metrics::coins(state, if delta >= 0 { "Refunds" } else { "RefundsReversed" }, delta.abs());
                WebhookAnswer {
                    status: if delta >= 0 { "clawed_back" } else { "credited" },
                    recharge_id: Some(r.id.clone()),
                    coins: Some(delta.abs()),
                }
            })),
            Err(store::Error::Condition("duplicate_refund")) => ignored("refund already applied"),
            Err(store::Error::Condition("refund_changed")) => {
                Err(ApiError::conflict("balance_changed", "another refund landed; re-read"))
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
    amount: Option<i64>,
    currency: Option<&str>,
) -> ApiResult<Reply> {
    let Some(recharge) = state.db.find_recharge_by_ref(provider.as_str(), reference).await? else {
        return ignored("unknown recharge");
    };
    if amount != Some(recharge.amount_minor) || !currency.is_some_and(|c| c.eq_ignore_ascii_case(&recharge.currency)) {
        tracing::warn!(recharge_id = %recharge.id, "paid amount or currency differs from the order");
        return ignored("amount or currency mismatch");
    }
    credit(state, &recharge).await
}

fn secret(s: &str) -> ApiResult<&str> {
    if s.is_empty() {
        tracing::error!("webhook secret is not configured");
        return Err(ApiError::unavailable("payments are not configured"));
    }
    Ok(s)
}

fn header<'a>(ctx: &'a Ctx, name: &str) -> ApiResult<&'a str> {
    ctx.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::new(400, "invalid_signature", format!("{name}: missing")))
}

fn event(ctx: &Ctx) -> ApiResult<Value> {
    serde_json::from_slice(&ctx.body).map_err(|_| ApiError::invalid("body: not a JSON event"))
}

/// `POST /webhooks/stripe`: `payment_intent.succeeded` credits its recharge;
/// `charge.refunded` (the charge's refunded total) and `charge.dispute.created`
/// take the coins back.
pub async fn stripe_webhook_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let sig = header(ctx, "stripe-signature")?;
    payments::verify_stripe(sig, &ctx.body, secret(&state.config.stripe_webhook_secret)?, state.now() / 1000)
        .map_err(|m| ApiError::new(400, "invalid_signature", m))?;
    let ev = event(ctx)?;
    let object = &ev["data"]["object"];
    match ev["type"].as_str() {
        Some("payment_intent.succeeded") => {}
        Some("charge.refunded") => {
            let Some(refunded) = object["amount_refunded"].as_i64() else { return ignored("no amount_refunded") };
            let id = recharge_of(state, Provider::Stripe, object["payment_intent"].as_str()).await?;
            let Some(id) = id else { return ignored("unknown recharge") };
            return claw_back(state, &id, |_| refunded, None).await;
        }
        Some("charge.dispute.created") => {
            let (Some(amount), Some(dispute)) = (object["amount"].as_i64(), object["id"].as_str()) else {
                return ignored("no dispute amount or id");
            };
            let Some(id) = recharge_of(state, Provider::Stripe, object["payment_intent"].as_str()).await? else {
                return ignored("unknown recharge");
            };
            return claw_back(state, &id, |r| r.refunded_minor + amount, Some(("stripe", dispute))).await;
        }
        _ => return ignored("event type not handled"),
    }
    let pi = object;
    let Some(reference) = pi["id"].as_str() else { return ignored("no payment intent id") };
    if let Some(rid) = pi["metadata"]["recharge_id"].as_str()
        && state.db.find_recharge_by_ref("stripe", reference).await?.is_some_and(|r| r.id != rid)
    {
        return ignored("metadata names another recharge");
    }
    settle(state, Provider::Stripe, reference, pi["amount"].as_i64(), pi["currency"].as_str()).await
}

/// The recharge a provider's order or payment intent belongs to.
async fn recharge_of(state: &AppState, provider: Provider, reference: Option<&str>) -> ApiResult<Option<String>> {
    let Some(reference) = reference else { return Ok(None) };
    Ok(state.db.find_recharge_by_ref(provider.as_str(), reference).await?.map(|r| r.id))
}

/// `POST /webhooks/razorpay`: `payment.captured` credits the order's recharge;
/// `refund.processed` and `payment.dispute.created` (each applied once, by its
/// id) take the coins back.
pub async fn razorpay_webhook_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let sig = header(ctx, "x-razorpay-signature")?;
    payments::verify_razorpay(sig, &ctx.body, secret(&state.config.razorpay_webhook_secret)?)
        .map_err(|m| ApiError::new(400, "invalid_signature", m))?;
    let ev = event(ctx)?;
    let payment = &ev["payload"]["payment"]["entity"];
    let taken_back = match ev["event"].as_str() {
        Some("payment.captured") => None,
        Some("refund.processed") => Some(&ev["payload"]["refund"]["entity"]),
        Some("payment.dispute.created") => Some(&ev["payload"]["dispute"]["entity"]),
        _ => return ignored("event type not handled"),
    };
    if let Some(what) = taken_back {
        let (Some(amount), Some(event_id)) = (what["amount"].as_i64(), what["id"].as_str()) else {
            return ignored("no amount or id");
        };
        let Some(id) = recharge_of(state, Provider::Razorpay, payment["order_id"].as_str()).await? else {
            return ignored("unknown recharge");
        };
        return claw_back(state, &id, |r| r.refunded_minor + amount, Some(("razorpay", event_id))).await;
    }
    let Some(order) = payment["order_id"].as_str() else { return ignored("no order id") };
    settle(state, Provider::Razorpay, order, payment["amount"].as_i64(), payment["currency"].as_str()).await
}
