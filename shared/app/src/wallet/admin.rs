//! The admins' view of purchases: every provider and store, by day, status
//! and provider, or found by a recharge id, a provider's reference or a buyer.

use serde::Serialize;
use store::Recharge;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::{Ctx, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::kernel::vocab;

/// A purchase as admins see it: the buyer, what was paid and what went back.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminRecharge {
    pub id: String,
    pub account_id: String,
    pub account_name: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::provider)]
    pub provider: String,
    /// The provider's reference: payment intent, order, purchase token, transaction
    pub provider_ref: String,
    pub package_id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    pub amount_minor: i64,
    pub currency: String,
    #[schema(schema_with = crate::kernel::vocab::recharge_status)]
    pub status: String,
    /// Of the price, refunded or lost to disputes
    pub refunded_minor: i64,
    /// Coins taken back for refunds
    pub clawed_coins: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub credited_at: Option<String>,
}

async fn admin_recharges(state: &AppState, recharges: &[Recharge]) -> DomainResult<Vec<AdminRecharge>> {
    let names = Names::of(&state.db, recharges.iter().map(|r| r.account_id.as_str())).await?;
    Ok(recharges
        .iter()
        .map(|r| AdminRecharge {
            id: r.id.clone(),
            account_id: r.account_id.clone(),
            account_name: names.get(&r.account_id),
            provider: r.provider.clone(),
            provider_ref: r.provider_ref.clone(),
            package_id: r.package_id.clone(),
            coins: r.coins,
            bonus_coins: r.bonus_coins,
            amount_minor: r.amount_minor,
            currency: r.currency.clone(),
            status: r.status.clone(),
            refunded_minor: r.refunded_minor,
            clawed_coins: r.clawed_coins,
            created_at: views::time(r.created_at),
            credited_at: r.credited_at.map(views::time),
        })
        .collect())
}

/// `?q=` finds: a recharge id, a provider's reference, or a buyer (account
/// id, e-mail or phone: their purchases, newest first). Without it, the
/// purchases begun on `?day=` (UTC, today by default), newest first, with
/// `?status=` and `?provider=` when given.
pub async fn list_recharges_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AdminRecharge>> {
    // Every parameter is checked, whichever way the list is read.
    let word = |name: &str, words: &[&str]| ctx.query.get(name).map(|v| validate::word(name, v, words)).transpose();
    let status = word("status", vocab::RECHARGE_STATUSES)?;
    let provider = word("provider", vocab::PROVIDERS)?;
    let day = match ctx.query.get("day") {
        Some(d) => validate::day("day", d)?.format("%Y-%m-%d").to_string(),
        None => store::day_of(state.now()),
    };
    let q = ctx.query.get("q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    let scope = match &q {
        Some(q) => format!("admin-recharges-q:{}", q.to_lowercase()),
        None => format!("admin-recharges:{day}:{status:?}:{provider:?}"),
    };
    let (limit, start) = ctx.page(state, &scope)?;
    if let Some(q) = q {
        if q.chars().count() > 200 {
            return Err(crate::DomainError::invalid("q: at most 200 characters"));
        }
        let mut found = Vec::new();
        if let Some(r) = state.db.get_recharge(&q).await? {
            found.push(r);
        }
        for provider in vocab::PROVIDERS {
            if let Some(r) = state.db.find_recharge_by_ref(provider, &q).await? {
                found.push(r);
            }
        }
        if !found.is_empty() {
            return Ok(list_reply(state, "admin-recharges-found", admin_recharges(state, &found).await?, None));
        }
        let buyer = if q.contains('@') || q.starts_with('+') {
            state.db.find_account_by_login(&validate::login(&q)?).await?
        } else {
            state.db.get_account(&q.to_ascii_uppercase()).await?
        };
        let Some(buyer) = buyer else { return Ok(list_reply(state, "admin-recharges-found", Vec::new(), None)) };
        let page = state.db.list_recharges_of(&buyer.id, limit, start).await?;
        return Ok(list_reply(state, &scope, admin_recharges(state, &page.items).await?, page.next));
    }
    let page = state.db.list_recharges_on(&day, status.as_deref(), provider.as_deref(), limit, start).await?;
    Ok(list_reply(state, &scope, admin_recharges(state, &page.items).await?, page.next))
}
