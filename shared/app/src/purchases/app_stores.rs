//! Coins bought in the phone apps: a Google Play purchase is verified with
//! Google before its coins are credited, credited once (keyed on the purchase
//! token), then consumed; Google's notifications credit a purchase the app
//! never reported and take back voided ones.

use base64::Engine;
use integrations::appstore::{AppStore, AppleError, Transaction};
use integrations::play::{PlayError, PurchaseState};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::{CoinPackage, Recharge};

use crate::http::WebhookAnswer;
use crate::http::idempotency::retrying;
use crate::http::{CreatedOrFound, Ctx};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views::account_ref;
use crate::wallet::{RechargeView, Takeback, claw_back, recharge_view};
use crate::{AppState, DomainError};

/// The account id of a reference made by `account_ref`.
pub fn account_of_ref(reference: &str) -> Option<String> {
    let hex: String = reference.chars().filter(|c| *c != '-').collect();
    (hex.len() == 32).then_some(())?;
    u128::from_str_radix(&hex, 16).ok().map(|n| ulid::Ulid::from(n).to_string())
}

/// The key of a store purchase among recharges: purchase tokens are long.
fn reference(token: &str) -> String {
    crate::kernel::auth::token_hash(token)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoogleRechargeInput {
    pub package_id: String,
    /// From the app's `Purchase.getPurchaseToken()`; the app sets
    /// `obfuscatedAccountId` to `store_account_ref` of `GET /me` when it buys.
    pub purchase_token: String,
}

fn play(state: &AppState) -> DomainResult<&(integrations::play::Play, integrations::play::PushVerifier)> {
    state.play().ok_or_else(|| DomainError::unavailable("Google Play purchases are not configured"))
}

fn unavailable(e: PlayError) -> DomainError {
    match e {
        PlayError::UnknownToken => DomainError::invalid("purchase_token: Google Play does not know this purchase"),
        PlayError::Unavailable(why) => {
            tracing::error!(error = %why, "Google Play did not answer");
            DomainError::unavailable("Google Play is not answering; try again")
        }
    }
}

/// `POST /recharges/google`: 201 with the credited recharge; the same
/// purchase again answers it again (200), from another account 409.
pub async fn google_recharge_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<RechargeView>> {
    let caller = ctx.caller()?;
    let input: GoogleRechargeInput = ctx.json()?;
    validate::id("package_id", &input.package_id)?;
    let token = input.purchase_token.trim();
    if token.is_empty() || token.len() > 1024 || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::invalid("purchase_token: 1 to 1024 visible characters"));
    }
    play(state)?;
    let package = crate::catalog::existing_package(state, &input.package_id).await?;
    if package.google_product_id.is_none() {
        return Err(DomainError::invalid("package_id: this package is not sold in Google Play"));
    }
    credit_play_purchase(state, token, Some(&caller.id), Some(&package)).await.map(Credited::for_app)
}

/// What crediting a store purchase came to.
enum Credited {
    /// Credited now.
    New(RechargeView),
    /// Credited before (to the buyer, when one is named).
    Before(Recharge),
}

impl Credited {
    /// The app's answer: 201 with the recharge, 200 with it again after.
    fn for_app(self) -> CreatedOrFound<RechargeView> {
        match self {
            Credited::New(v) => CreatedOrFound::new(v),
            Credited::Before(r) => CreatedOrFound::new(recharge_view(&r)).also(),
        }
    }
    /// A store notification's answer: 201 with a recharge it credited.
    fn for_notice(self) -> CreatedOrFound<StoreNotice> {
        match self {
            Credited::New(v) => CreatedOrFound::new(StoreNotice::Credited(v)),
            Credited::Before(r) => StoreNotice::ignored(Some(r.id), "credited before"),
        }
    }
}

/// A store notification's answer: the recharge it credited (201), or what
/// became of it (200).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum StoreNotice {
    Credited(RechargeView),
    Handled(WebhookAnswer),
}

impl StoreNotice {
    fn handled(answer: WebhookAnswer) -> CreatedOrFound<StoreNotice> {
        CreatedOrFound::new(StoreNotice::Handled(answer)).also()
    }
    fn ignored(recharge_id: Option<String>, why: &str) -> CreatedOrFound<StoreNotice> {
        tracing::info!(why, "store notification ignored");
        Self::handled(WebhookAnswer { status: "ignored", recharge_id, coins: None })
    }
}

/// Verifies and credits a Play purchase. `buyer`: the account that must have
/// made it (the app's call); `None` for a notification (the purchase names
/// its buyer). `package`: the one the app says it bought.
async fn credit_play_purchase(
    state: &AppState,
    token: &str,
    buyer: Option<&str>,
    package: Option<&CoinPackage>,
) -> DomainResult<Credited> {
    let (client, _) = play(state)?;
    if let Some(known) = already_recorded(state, "google", &reference(token), buyer).await? {
        return Ok(Credited::Before(known));
    }
    let p = client.purchase(token, state.now() / 1000).await.map_err(unavailable)?;
    match p.state {
        PurchaseState::Purchased => {}
        PurchaseState::Pending => {
            return Err(DomainError::conflict(
                "purchase_pending",
                "the purchase is not paid yet; coins come once it is",
            ));
        }
        PurchaseState::Cancelled => {
            return Err(DomainError::conflict("purchase_cancelled", "the purchase was cancelled"));
        }
        PurchaseState::Other(s) => {
            return Err(DomainError::conflict("purchase_cancelled", format!("the purchase is {s}, not purchased")));
        }
    }
    if p.test && !state.config.google_play.as_ref().is_some_and(|g| g.allow_test_purchases) {
        return Err(DomainError::conflict("test_purchase", "a license tester's purchase buys no coins here"));
    }
    let owner = p.account_ref.as_deref().and_then(account_of_ref);
    let account_id = match (buyer, owner) {
        (Some(b), Some(o)) if b == o => o,
        (None, Some(o)) => o,
        _ => return Err(DomainError::conflict("purchase_not_yours", "this purchase was made for another account")),
    };
    let product = p.product_id.clone().unwrap_or_default();
    let package = match package {
        Some(pk) => pk.clone(),
        None => state
            .db
            .package_by_store_product("google", &product)
            .await?
            .ok_or_else(|| DomainError::conflict("wrong_product", format!("no coin package sells {product}")))?,
    };
    if package.google_product_id.as_deref() != Some(product.as_str()) {
        return Err(DomainError::conflict("wrong_product", format!("the purchase is of {product}, not this package")));
    }
    let bought =
        Bought { store: "google", reference: reference(token), product: product.clone(), token: Some(token.into()) };
    let made = match credit_once(state, &account_id, &bought, &package).await {
        Err(e) if e.code == "purchase_claimed" => {
            let known = already_recorded(state, "google", &reference(token), buyer).await?;
            return known.map(Credited::Before).ok_or(e);
        }
        other => other?,
    };
    consume(state, &made.id, token, &product).await;
    Ok(Credited::New(made))
}

/// The recharge of a purchase recorded before; 409 `purchase_claimed` when
/// it went to another account than `buyer`.
async fn already_recorded(
    state: &AppState,
    store: &str,
    reference: &str,
    buyer: Option<&str>,
) -> DomainResult<Option<Recharge>> {
    let Some(r) = state.db.find_recharge_by_ref(store, reference).await? else { return Ok(None) };
    match buyer {
        Some(b) if b != r.account_id => {
            Err(DomainError::conflict("purchase_claimed", "this purchase was credited to another account"))
        }
        _ => Ok(Some(r)),
    }
}

/// A verified store purchase: which store, its key among recharges, the
/// product, and (Google) the token to consume it with.
struct Bought {
    store: &'static str,
    reference: String,
    product: String,
    token: Option<String>,
}

/// One transaction: the recharge (credited), its reference, the coins (debt first).
async fn credit_once(
    state: &AppState,
    account_id: &str,
    b: &Bought,
    package: &CoinPackage,
) -> DomainResult<RechargeView> {
    retrying(state, || async {
        let account = state
            .db
            .get_account(account_id)
            .await?
            .ok_or_else(|| DomainError::conflict("purchase_not_yours", "the buyer's account no longer exists"))?;
        let now = state.now();
        let r = Recharge {
            id: crate::kernel::ledger::entry_id(now),
            account_id: account.id.clone(),
            package_id: package.id.clone(),
            provider: b.store.into(),
            provider_ref: b.reference.clone(),
            coins: package.coins,
            bonus_coins: package.bonus_coins,
            amount_minor: package.price_minor,
            currency: package.currency.clone(),
            status: "credited".into(),
            created_at: now,
            credited_at: Some(now),
            product_id: Some(b.product.clone()),
            purchase_token: b.token.clone(),
            ..Default::default()
        };
        // The stores name no payer of their own (only our account reference): the offer is once per account.
        let change = crate::wallet::credit_change(state, &account, &r, None, now).await?;
        match state.db.credit_store_purchase(&r, &change, b.token.is_some()).await {
            Ok(()) => {
                crate::kernel::metrics::coins(state, "RechargesCredited", r.coins + r.bonus_coins);
                Ok(recharge_view(&r))
            }
            Err(store::Error::Condition("purchase_claimed")) => {
                Err(DomainError::conflict("purchase_claimed", "this purchase was credited before"))
            }
            // The account's first recharge was credited meanwhile: read again, without the offer.
            Err(store::Error::Condition("offer_taken")) => {
                Err(DomainError::conflict("balance_changed", "the offer was taken meanwhile"))
            }
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Consumes the purchase so the product can be bought again; a failure
/// leaves it on the unconsumed list for `consume-purchases`.
async fn consume(state: &AppState, recharge_id: &str, token: &str, product: &str) {
    let Some((client, _)) = state.play() else { return };
    match client.consume(product, token, state.now() / 1000).await {
        Ok(()) => {
            if let Err(e) = state.db.mark_consumed(recharge_id, state.now()).await {
                tracing::warn!(error = %e, recharge_id, "consumed, but not marked: the schedule retries");
            }
        }
        Err(e) => tracing::warn!(error = ?e, recharge_id, "consume failed: the schedule retries"),
    }
}

/// The `consume-purchases` schedule: consumes credited purchases whose
/// consume failed. Never credits anything.
pub async fn consume_pending(state: &AppState) -> DomainResult<usize> {
    let mut done = 0;
    for r in state.db.unconsumed_purchases("google", 100).await? {
        let (Some(token), Some(product)) = (&r.purchase_token, &r.product_id) else { continue };
        consume(state, &r.id, token, product).await;
        done += 1;
    }
    Ok(done)
}

pub async fn scheduled_consume(state: std::sync::Arc<AppState>, _event: Value) -> DomainResult<Value> {
    Ok(serde_json::json!({ "tried": consume_pending(&state).await? }))
}

/// The `sync-voided-purchases` schedule (daily): Google's voided purchases
/// since the last run (a day back at first) take their coins back, in case a
/// notification was lost. Returns how many it applied.
pub async fn sync_voided(state: &AppState) -> DomainResult<usize> {
    let (client, _) = play(state)?;
    let now = state.now();
    let start = state.db.store_checkpoint("google").await?.unwrap_or(now - 86_400_000);
    let (mut page, mut applied) = (None::<String>, 0);
    loop {
        let (items, next) = client.voided(start, page.as_deref(), now / 1000).await.map_err(unavailable)?;
        for v in items {
            let answer = take_back(state, &v.purchase_token, v.order_id.as_deref()).await?;
            if answer.is_some_and(|a| a.status == "clawed_back") {
                applied += 1;
            }
        }
        match next {
            Some(n) => page = Some(n),
            None => break,
        }
    }
    // A little overlap: a purchase voided at the boundary is seen twice, applied once.
    state.db.set_store_checkpoint("google", now - 3_600_000).await?;
    Ok(applied)
}

pub async fn scheduled_sync_voided(state: std::sync::Arc<AppState>, _event: Value) -> DomainResult<Value> {
    Ok(serde_json::json!({ "applied": sync_voided(&state).await? }))
}

/// A voided purchase: all its coins come back (once, keyed on the order).
async fn take_back(state: &AppState, token: &str, order: Option<&str>) -> DomainResult<Option<WebhookAnswer>> {
    let Some(r) = state.db.find_recharge_by_ref("google", &reference(token)).await? else { return Ok(None) };
    let event = order.unwrap_or(token).to_string();
    let voided = Takeback::Part { id: &event, kind: "refund", amount: r.amount_minor, reversed: false };
    claw_back(state, &r.id, ("google", &event), None, &[voided]).await.map(Some)
}

/// `POST /webhooks/google`: real-time developer notifications through a
/// Pub/Sub push subscription with an OIDC token.
pub async fn google_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<StoreNotice>> {
    let (_, verifier) = play(state)?;
    let bearer = ctx
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| DomainError::unauthenticated("Authorization: the push subscription's OIDC token is required"))?;
    verifier.verify(bearer).await.map_err(DomainError::unauthenticated)?;
    let push: Value =
        serde_json::from_slice(&ctx.body).map_err(|_| DomainError::invalid("body: not a Pub/Sub push"))?;
    let (Some(data), Some(id)) = (push["message"]["data"].as_str(), push["message"]["messageId"].as_str()) else {
        return Err(DomainError::invalid("message: data and messageId are required"));
    };
    let note: Value = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| DomainError::invalid("message.data: not a developer notification"))?;
    if state.db.store_message_seen("google", id).await? {
        return ignored("message seen before");
    }
    let package = state.config.google_play.as_ref().map(|g| g.package_name.as_str());
    if note["packageName"].as_str() != package {
        return ignored("another app's notification");
    }
    let answer = if let Some(v) = note.get("voidedPurchaseNotification") {
        let token = v["purchaseToken"].as_str().unwrap_or_default();
        match take_back(state, token, v["orderId"].as_str()).await? {
            Some(a) => StoreNotice::handled(a),
            None => return ignored("voided purchase never credited"),
        }
    } else if let Some(o) = note.get("oneTimeProductNotification") {
        let token = o["purchaseToken"].as_str().unwrap_or_default();
        match o["notificationType"].as_i64() {
            // Purchased: credit it unless the app did already.
            Some(1) => match credit_play_purchase(state, token, None, None).await {
                Ok(r) => r.for_notice(),
                // Nothing to credit (pending, not ours, unknown product): say so, do not retry.
                Err(e) if e.kind.is_callers() => return ignored(&e.message),
                Err(e) => return Err(e),
            },
            // Cancelled: re-read; a purchase credited and now cancelled gives its coins back.
            Some(2) => {
                let credited = state.db.find_recharge_by_ref("google", &reference(token)).await?.is_some();
                let (client, _) = play(state)?;
                let p = client.purchase(token, state.now() / 1000).await.map_err(unavailable)?;
                match (credited, p.state) {
                    (true, PurchaseState::Cancelled) => match take_back(state, token, p.order_id.as_deref()).await? {
                        Some(a) => StoreNotice::handled(a),
                        None => return ignored("cancelled purchase never credited"),
                    },
                    _ => return ignored("cancelled before payment: nothing was credited"),
                }
            }
            _ => return ignored("notification type not handled"),
        }
    } else {
        return ignored("notification type not handled");
    };
    state.db.remember_store_message("google", id, state.now()).await?;
    Ok(answer)
}

// ---- App Store ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppleRechargeInput {
    pub package_id: String,
    /// The StoreKit 2 transaction's id; the app sets `appAccountToken` to
    /// `store_account_ref` of `GET /me` when it buys.
    pub transaction_id: String,
}

fn apple(state: &AppState) -> DomainResult<&AppStore> {
    state.apple().ok_or_else(|| DomainError::unavailable("App Store purchases are not configured"))
}

fn apple_error(e: AppleError) -> DomainError {
    match e {
        AppleError::UnknownTransaction => {
            DomainError::invalid("transaction_id: the App Store does not know this transaction")
        }
        AppleError::Unverified(why) => {
            tracing::warn!(error = %why, "App Store signed data failed verification");
            DomainError::conflict("purchase_unverified", "the App Store's signed transaction did not verify")
        }
        AppleError::Unavailable(why) => {
            tracing::error!(error = %why, "the App Store did not answer");
            DomainError::unavailable("the App Store is not answering; try again")
        }
    }
}

/// `POST /recharges/apple`: 201 with the credited recharge; the same
/// transaction again answers it again (200), from another account 409.
pub async fn apple_recharge_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<RechargeView>> {
    let caller = ctx.caller()?;
    let input: AppleRechargeInput = ctx.json()?;
    validate::id("package_id", &input.package_id)?;
    let id = input.transaction_id.trim();
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        return Err(DomainError::invalid("transaction_id: 1 to 128 letters, digits, '-', '_' or '.'"));
    }
    let store = apple(state)?;
    let package = crate::catalog::existing_package(state, &input.package_id).await?;
    if package.apple_product_id.is_none() {
        return Err(DomainError::invalid("package_id: this package is not sold in the App Store"));
    }
    if let Some(known) = already_recorded(state, "apple", id, Some(&caller.id)).await? {
        return Ok(Credited::Before(known).for_app());
    }
    let t = store.transaction(id, state.now() / 1000).await.map_err(apple_error)?;
    credit_apple(state, &t, Some(&caller.id), Some(&package)).await.map(Credited::for_app)
}

/// Credits a verified App Store transaction not credited before (consumable,
/// not revoked, of the package's product, for the buyer its `appAccountToken` names).
async fn credit_apple(
    state: &AppState,
    t: &Transaction,
    buyer: Option<&str>,
    package: Option<&CoinPackage>,
) -> DomainResult<Credited> {
    // Callers looked for an earlier credit already (before asking Apple).
    if t.revoked {
        return Err(DomainError::conflict("purchase_cancelled", "the App Store refunded this transaction"));
    }
    if !t.consumable {
        return Err(DomainError::conflict("wrong_product", format!("{} is not a consumable", t.product_id)));
    }
    let owner = t.app_account_token.as_deref().and_then(account_of_ref);
    let account_id = match (buyer, owner) {
        (Some(b), Some(o)) if b == o => o,
        (None, Some(o)) => o,
        _ => return Err(DomainError::conflict("purchase_not_yours", "this purchase was made for another account")),
    };
    let package =
        match package {
            Some(p) => p.clone(),
            None => state.db.package_by_store_product("apple", &t.product_id).await?.ok_or_else(|| {
                DomainError::conflict("wrong_product", format!("no coin package sells {}", t.product_id))
            })?,
        };
    if package.apple_product_id.as_deref() != Some(t.product_id.as_str()) {
        return Err(DomainError::conflict(
            "wrong_product",
            format!("the purchase is of {}, not this package", t.product_id),
        ));
    }
    let bought =
        Bought { store: "apple", reference: t.transaction_id.clone(), product: t.product_id.clone(), token: None };
    match credit_once(state, &account_id, &bought, &package).await {
        Err(e) if e.code == "purchase_claimed" => {
            already_recorded(state, "apple", &t.transaction_id, buyer).await?.map(Credited::Before).ok_or(e)
        }
        other => other.map(Credited::New),
    }
}

/// `POST /webhooks/apple`: App Store Server Notifications V2. `REFUND` takes
/// the coins back, `REFUND_REVERSED` gives them again, `CONSUMPTION_REQUEST`
/// answers with how much of the purchase was used, `ONE_TIME_CHARGE` credits
/// a purchase the app never reported. Each notification is handled once.
pub async fn apple_webhook_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<StoreNotice>> {
    let store = apple(state)?;
    let body: Value =
        serde_json::from_slice(&ctx.body).map_err(|_| DomainError::invalid("body: {signedPayload} expected"))?;
    let signed = body["signedPayload"].as_str().ok_or_else(|| DomainError::invalid("signedPayload: required"))?;
    let n = store.verify_notification(signed).map_err(|e| match e {
        AppleError::Unverified(why) => {
            DomainError::new(ErrorKind::Invalid, "invalid_signature", format!("signedPayload: {why}"))
        }
        other => apple_error(other),
    })?;
    if n.uuid.is_empty() || state.db.store_message_seen("apple", &n.uuid).await? {
        return ignored("notification seen before");
    }
    let Some(t) = n.transaction else { return ignored("no transaction in the notification") };
    let recharge = state.db.find_recharge_by_ref("apple", &t.transaction_id).await?;
    let answer = match (n.kind.as_str(), recharge) {
        // Apple refunds a consumable whole; a reversal undoes that refund for good.
        (kind @ ("REFUND" | "REFUND_REVERSED"), Some(r)) => {
            let reversed = kind == "REFUND_REVERSED";
            let refund = Takeback::Part { id: &t.transaction_id, kind: "refund", amount: r.amount_minor, reversed };
            StoreNotice::handled(claw_back(state, &r.id, ("apple", &n.uuid), None, &[refund]).await?)
        }
        ("CONSUMPTION_REQUEST", Some(r)) => {
            send_consumption(state, store, &r, &t).await?;
            StoreNotice::handled(WebhookAnswer { status: "answered", recharge_id: Some(r.id), coins: None })
        }
        ("ONE_TIME_CHARGE", None) => match credit_apple(state, &t, None, None).await {
            Ok(r) => r.for_notice(),
            Err(e) if e.kind.is_callers() => return ignored(&e.message),
            Err(e) => return Err(e),
        },
        (_, None) => return ignored("a transaction never credited"),
        _ => return ignored("notification type not handled"),
    };
    state.db.remember_store_message("apple", &n.uuid, state.now()).await?;
    Ok(answer)
}

/// Tells Apple how much of a purchase whose refund was requested was used:
/// the coins it bought against what the buyer still holds. The apps' terms
/// ask buyers to consent to sharing this with Apple.
async fn send_consumption(state: &AppState, store: &AppStore, r: &Recharge, t: &Transaction) -> DomainResult<()> {
    let coins = state.db.get_account(&r.account_id).await?.map(|a| a.coins).unwrap_or(0);
    let total = r.total_coins();
    // 1 not consumed, 2 partially, 3 fully; then whether to grant the refund: 2 decline when used up.
    let (status, preference) = if coins >= total {
        (1, 1)
    } else if coins > 0 {
        (2, 0)
    } else {
        (3, 2)
    };
    let body = serde_json::json!({
        "customerConsented": true, "consumptionStatus": status, "platform": 1, "sampleContentProvided": false,
        "deliveryStatus": 0, "appAccountToken": account_ref(&r.account_id), "accountTenure": 0, "playTime": 0,
        "lifetimeDollarsRefunded": 0, "lifetimeDollarsPurchased": 0, "userStatus": 1, "refundPreference": preference,
    });
    store.send_consumption(&t.transaction_id, &body, state.now() / 1000).await.map_err(apple_error)
}

fn ignored(why: &str) -> DomainResult<CreatedOrFound<StoreNotice>> {
    Ok(StoreNotice::ignored(None, why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_ref_is_a_uuid_that_maps_back_to_its_account() {
        let id = &ulid::Ulid::new().to_string();
        let r = account_ref(id);
        assert_eq!((r.len(), r.matches('-').count()), (36, 4));
        assert_eq!(account_of_ref(&r).as_ref(), Some(id));
        assert_eq!(account_of_ref(&r.to_uppercase()).as_ref(), Some(id));
        assert_eq!(account_of_ref("not-a-ref"), None);
    }
}
