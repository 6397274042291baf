//! The first-recharge offer: an account's first paid recharge (any provider)
//! also grants bonus coins, 100 % of the package's base coins up to
//! `first_recharge_max_bonus`, once per account and once per payment
//! fingerprint (a card, a Razorpay customer or UPI address); a refund of
//! that recharge takes back what is left of them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;

/// Bonus coins per 100 base coins of the first recharge.
pub const FIRST_RECHARGE_BONUS_PERCENT: i64 = 100;

/// Whether `account` made a paid recharge before (`except` aside): its claim,
/// else (accounts from before the offer) a credited recharge on its list.
async fn recharged_before(state: &AppState, account: &str, except: &str) -> DomainResult<bool> {
    let (kind, period) = store::FIRST_RECHARGE;
    if state.db.get_claim(account, kind, period).await?.is_some() {
        return Ok(true);
    }
    let mut start = None;
    loop {
        let page = state.db.list_recharges_of(account, 100, start).await?;
        if page.items.iter().any(|r| r.id != except && r.status != "pending") {
            return Ok(true);
        }
        match page.next {
            Some(n) => start = Some(n),
            None => return Ok(false),
        }
    }
}

/// The offer a credit of `r` takes, if it is the account's first paid
/// recharge: with its grant unless the fingerprint took it before or the
/// offer is worth nothing.
pub async fn first_recharge(
    state: &AppState,
    r: &store::Recharge,
    fingerprint: Option<String>,
    now: i64,
) -> DomainResult<Option<store::FirstRecharge>> {
    if recharged_before(state, &r.account_id, &r.id).await? {
        return Ok(None);
    }
    let max = state.db.get_settings().await?.first_recharge_max_bonus;
    let bonus = (r.coins * FIRST_RECHARGE_BONUS_PERCENT / 100).min(max);
    let used = match &fingerprint {
        Some(fp) => state.db.offer_fingerprint_used(store::FIRST_RECHARGE.1, fp).await?,
        None => false,
    };
    if used || bonus <= 0 {
        return Ok(Some(store::FirstRecharge { grant: None, fingerprint: None }));
    }
    let grant = store::BonusGrant::new(&r.account_id, bonus, "first_recharge", Some(r.id.clone()), now);
    Ok(Some(store::FirstRecharge { grant: Some(grant), fingerprint }))
}

/// The first-recharge offer as the apps show it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstRechargeOffer {
    /// Whether the caller's next paid recharge takes it (none made yet)
    pub available: bool,
    /// Bonus coins per 100 base coins of the package
    pub bonus_percent: i64,
    /// The most bonus coins it gives
    pub max_bonus: i64,
}

/// `GET /me/offers`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Offers {
    pub first_recharge: FirstRechargeOffer,
}

pub async fn get_offers_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Offers>> {
    let caller = ctx.caller()?;
    let available = !recharged_before(state, &caller.id, "").await?;
    let max_bonus = state.db.get_settings().await?.first_recharge_max_bonus;
    let first_recharge = FirstRechargeOffer { available, bonus_percent: FIRST_RECHARGE_BONUS_PERCENT, max_bonus };
    Ok(Json::new(Offers { first_recharge }))
}

/// Takes back what is left of the offer's grant when its recharge was
/// refunded (any part of it): what was spent stays spent, no debt.
pub async fn take_back_first_recharge_bonus(state: &AppState, r: &store::Recharge) -> DomainResult<i64> {
    if r.clawed_coins <= 0 {
        return Ok(0);
    }
    Ok(state.db.claw_back_bonus(&r.account_id, "first_recharge", &r.id, state.now()).await?)
}
