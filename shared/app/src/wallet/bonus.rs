//! Bonus coins as the apps see them (the balance with what expires when),
//! and their hourly expiry through the ledger (`store::Db::expire_bonus`).

use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::DomainError;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::views;

/// Bonus coins that expire at one time.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BonusExpiring {
    pub amount: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// The caller's balances, with when their bonus coins expire.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalletDetails {
    /// Paid coins to spend (recharges, purchases): they buy anything but bonus gifts
    pub coins: i64,
    /// Promotional coins: they buy only bonus gifts, expire, and are never cashed out
    pub bonus_coins: i64,
    /// What is left of each bonus grant, soonest to expire first (spending takes those first)
    pub bonus_expiring: Vec<BonusExpiring>,
    /// A host's unsettled earnings, in coins
    pub earnings: i64,
    /// Coins a refund or chargeback took back that the balance could not cover
    pub coin_debt: i64,
    /// Money a host or agency may withdraw (settled earnings' share, salary, commission), in minor units of `currency`
    pub payable_minor: i64,
    /// ISO 4217: the currency of `payable_minor` (settlements and withdrawals)
    pub currency: String,
}

impl WalletDetails {
    fn of(state: &AppState, a: &store::Account, bonus_expiring: Vec<BonusExpiring>) -> WalletDetails {
        WalletDetails {
            coins: a.coins,
            bonus_coins: a.bonus_coins,
            bonus_expiring,
            earnings: a.earnings,
            coin_debt: a.coin_debt,
            payable_minor: a.payable_minor,
            currency: state.config.settlement_currency.clone(),
        }
    }
}

/// What is left of `account`'s grants, by expiry (grants expiring at the same time merged).
pub async fn bonus_expiring(state: &AppState, a: &store::Account) -> DomainResult<Vec<BonusExpiring>> {
    let grants = state.db.bonus_grants(&a.id).await?;
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (g, left) in store::bonus_remaining(&grants, a.bonus_coins) {
        match out.last_mut() {
            _ if left == 0 => {}
            Some((at, amount)) if *at == g.expires_at => *amount += left,
            _ => out.push((g.expires_at, left)),
        }
    }
    Ok(out.into_iter().map(|(at, amount)| BonusExpiring { amount, expires_at: views::time(at) }).collect())
}

pub async fn get_wallet_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WalletDetails>> {
    let caller = ctx.caller()?;
    let a = state.own_account(&caller.id).await?;
    let bonus_expiring = bonus_expiring(state, &a).await?;
    Ok(Json::new(WalletDetails::of(state, &a, bonus_expiring)))
}

/// `GET /admin/users/{id}/wallet`: an account's balances and bonus grants, for support.
pub async fn get_user_wallet_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<WalletDetails>> {
    let id =
        crate::kernel::validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    let a = state.db.get_account(&id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
    let bonus_expiring = bonus_expiring(state, &a).await?;
    Ok(Json::new(WalletDetails::of(state, &a, bonus_expiring)))
}

/// What an expiry run did.
#[derive(Debug, Default, Serialize)]
pub struct ExpiryRun {
    pub accounts: usize,
    pub expired_coins: i64,
}

/// Expires every grant due at `now` (`bonus_expired` entries); a second run
/// at the same time finds nothing left to expire.
pub async fn expire_bonus_coins(state: &AppState, now: i64) -> DomainResult<ExpiryRun> {
    let accounts = state.db.accounts_with_bonus_due(now).await?;
    let mut run = ExpiryRun::default();
    for a in accounts {
        let n = state.db.expire_bonus(&a, now).await?;
        if n > 0 {
            run.accounts += 1;
            run.expired_coins += n;
        }
    }
    Ok(run)
}

/// The hourly schedule: expires what is due now.
pub async fn expire_bonus_coins_event(
    state: std::sync::Arc<AppState>,
    _event: serde_json::Value,
) -> DomainResult<ExpiryRun> {
    let run = expire_bonus_coins(&state, state.now()).await?;
    if run.accounts > 0 {
        tracing::info!(accounts = run.accounts, coins = run.expired_coins, "bonus coins expired");
    }
    Ok(run)
}
