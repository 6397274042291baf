//! Buying coins: a pending recharge with the provider's order, credited once
//! by the provider's signed webhook.

use integrations::payments::{self, Provider};
use serde::Deserialize;
use serde_json::Value;
use store::{Balance, Recharge, WalletChange};

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
    /// stripe or razorpay
    pub provider: String,
    /// The provider's order (payment intent, order id) to pay in the app
    pub provider_ref: String,
    pub package_id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    pub total_coins: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// pending or credited
    pub status: String,
    /// RFC 3339
    pub created_at: String,
}

fn recharge_json(r: &Recharge) -> RechargeView {
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
    /// credited or ignored
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
            state.payments.create_order(provider, &id, package.price_minor, &package.currency).await.map_err(|e| {
                tracing::error!(error = %e, "creating the provider order failed");
                ApiError::unavailable("the payment provider is not answering; try again")
            })?;
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

/// Credits a paid recharge's coins (plus bonus) once, whatever the number of deliveries.
async fn credit(state: &AppState, recharge: &Recharge) -> ApiResult<Reply> {
    with_retries(state, None, || async {
        let Some(account) = state.db.get_account(&recharge.account_id).await? else {
            return ignored("recharge of a deleted account");
        };
        let now = state.now();
        let total = recharge.coins + recharge.bonus_coins;
        let mut entry = new_entry(&account.id, "recharge", Balance::Coins, total, Some(account.coins + total), now);
        entry.recharge_id = Some(recharge.id.clone());
        match state.db.credit_recharge(&recharge.id, &WalletChange::exact(account.coins, entry), now).await {
            Ok(()) => Ok(Reply::ok(WebhookAnswer {
                status: "credited",
                recharge_id: Some(recharge.id.clone()),
                coins: Some(total),
            })),
            Err(store::Error::Condition("already_credited")) => ignored("already credited"),
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

/// `POST /webhooks/stripe`: `payment_intent.succeeded` credits its recharge.
pub async fn stripe_webhook_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let sig = header(ctx, "stripe-signature")?;
    payments::verify_stripe(sig, &ctx.body, secret(&state.config.stripe_webhook_secret)?, state.now() / 1000)
        .map_err(|m| ApiError::new(400, "invalid_signature", m))?;
    let ev = event(ctx)?;
    if ev["type"] != "payment_intent.succeeded" {
        return ignored("event type not handled");
    }
    let pi = &ev["data"]["object"];
    let Some(reference) = pi["id"].as_str() else { return ignored("no payment intent id") };
    if let Some(rid) = pi["metadata"]["recharge_id"].as_str()
        && state.db.find_recharge_by_ref("stripe", reference).await?.is_some_and(|r| r.id != rid)
    {
        return ignored("metadata names another recharge");
    }
    settle(state, Provider::Stripe, reference, pi["amount"].as_i64(), pi["currency"].as_str()).await
}

/// `POST /webhooks/razorpay`: `payment.captured` credits the order's recharge.
pub async fn razorpay_webhook_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let sig = header(ctx, "x-razorpay-signature")?;
    payments::verify_razorpay(sig, &ctx.body, secret(&state.config.razorpay_webhook_secret)?)
        .map_err(|m| ApiError::new(400, "invalid_signature", m))?;
    let ev = event(ctx)?;
    if ev["event"] != "payment.captured" {
        return ignored("event type not handled");
    }
    let payment = &ev["payload"]["payment"]["entity"];
    let Some(order) = payment["order_id"].as_str() else { return ignored("no order id") };
    settle(state, Provider::Razorpay, order, payment["amount"].as_i64(), payment["currency"].as_str()).await
}
