//! Wallets, the ledger and admin grants.

use serde::Deserialize;
use store::{Balance, LedgerEntry, WalletChange};

use crate::http::idempotency::{Idem, with_retries};
use crate::http::{Created, Ctx, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

pub async fn list_transactions_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<views::LedgerLine>> {
    ledger_page(state, ctx, &ctx.caller()?.id).await
}

/// `GET /admin/users/{id}/transactions`: any account's ledger, for support.
pub async fn list_user_transactions_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<views::LedgerLine>> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    state.db.get_account(&id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
    ledger_page(state, ctx, &id).await
}

async fn ledger_page(state: &AppState, ctx: &Ctx, account_id: &str) -> DomainResult<Page<views::LedgerLine>> {
    let scope = format!("ledger:{account_id}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_ledger(account_id, limit, start).await?;
    let items = page.items.iter().map(views::ledger_entry).collect();
    Ok(list_reply(state, &scope, items, page.next))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub amount: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

/// A grant's answer: its ledger line and the wallet after it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Granted {
    pub entry: views::LedgerLine,
    pub wallet: views::Wallet,
}

/// The largest single grant or correction, so a typo cannot mint a fortune.
pub const MAX_GRANT: i64 = 100_000_000;

/// Adds coins to an account (a grant) or, negative, takes them back (a
/// correction that never goes below zero: 402 when the account has fewer).
pub async fn grant_coins(
    state: &AppState,
    admin_id: &str,
    account_id: &str,
    input: GrantInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<Granted>> {
    // unsigned_abs: i64::MIN has no positive counterpart.
    if input.amount == 0 || input.amount.unsigned_abs() > MAX_GRANT as u64 {
        return Err(DomainError::invalid(format!("amount: a non-zero whole number of coins within ±{MAX_GRANT}")));
    }
    let reason = validate::text("reason", &input.reason, 1, 200)?;
    with_retries(state, idem, || async {
        let now = state.now();
        let account =
            state.db.get_account(account_id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
        let after = account.coins + input.amount;
        if after < 0 {
            return Err(DomainError::new(
                ErrorKind::Payment,
                "insufficient_coins",
                format!("the account holds only {} coins", account.coins),
            ));
        }
        let kind = if input.amount > 0 { "grant" } else { "correction" };
        let mut entry = LedgerEntry::new(account_id, kind, Balance::Coins, input.amount, Some(after), now);
        entry.counterparty_id = Some(admin_id.to_string());
        entry.reason = Some(reason.clone());
        let reply = Created::new(Granted {
            entry: views::ledger_entry(&entry),
            wallet: views::Wallet { coins: after, ..views::Wallet::of(&account) },
        });
        let change = WalletChange::exact(account.coins, entry);
        let record = idem.map(|i| (i, i.record(&reply, now)));
        state
            .db
            .apply_wallet_changes(
                &[change],
                &[],
                record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
            )
            .await?;
        Ok(reply)
    })
    .await
}

pub async fn grant_coins_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<Granted>> {
    let admin = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    let idem = Idem::from_ctx(ctx)?;
    grant_coins(state, &admin.id, &id, ctx.json()?, idem.as_ref()).await
}
