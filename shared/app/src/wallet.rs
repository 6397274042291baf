//! Wallets, the ledger and admin grants; the retry-and-replay loop every
//! coin-moving use case runs in.

use serde::Deserialize;
use serde_json::Value;
use store::{Balance, IdempotentReply, LedgerEntry, WalletChange};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply, list_reply};
use crate::{ApiError, AppState, validate, views};

/// The request's Idempotency-Key, scoped to the caller and bound to the request.
pub struct Idem {
    pub account_id: String,
    pub key: String,
    pub request_hash: String,
}

impl Idem {
    pub fn from_ctx(ctx: &Ctx) -> ApiResult<Option<Idem>> {
        let caller = ctx.caller()?;
        Ok(ctx.idempotency_key()?.map(|key| Idem {
            account_id: caller.id.clone(),
            key,
            request_hash: request_hash(ctx),
        }))
    }

    pub fn record(&self, reply: &Reply, now: i64) -> IdempotentReply {
        IdempotentReply {
            request_hash: self.request_hash.clone(),
            status: reply.status,
            body: reply.body.as_ref().unwrap_or(&Value::Null).to_string(),
            created_at: now,
        }
    }
}

/// SHA-256 over the method, route, path parameters (sorted) and the body
/// (as canonical JSON when it is JSON, so spacing and key order do not count).
fn request_hash(ctx: &Ctx) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut params: Vec<_> = ctx.params.iter().collect();
    params.sort();
    let body =
        serde_json::from_slice::<Value>(&ctx.body).map(|v| v.to_string().into_bytes()).unwrap_or(ctx.body.clone());
    for part in [ctx.method.as_bytes(), ctx.route.as_bytes()]
        .into_iter()
        .chain(params.iter().flat_map(|(k, v)| [k.as_bytes(), v.as_bytes()]))
    {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.update(&body);
    format!("{:x}", h.finalize())
}

/// The stored answer for `idem`'s key, if its request was this one: another
/// request under the same key is 422 `idempotency_key_reused`.
async fn stored_reply(state: &AppState, idem: &Idem) -> ApiResult<Option<Reply>> {
    match state.db.get_idempotent_reply(&idem.account_id, &idem.key, state.now()).await? {
        None => Ok(None),
        Some(r) if r.request_hash == idem.request_hash => replay(r).map(Some),
        Some(_) => {
            Err(ApiError::new(422, "idempotency_key_reused", "Idempotency-Key: already used for a different request"))
        }
    }
}

fn replay(r: IdempotentReply) -> ApiResult<Reply> {
    let body: Value = serde_json::from_str(&r.body).map_err(ApiError::internal)?;
    Ok(Reply { status: r.status, body: (!body.is_null()).then_some(body), before: None, html: None })
}

/// Runs `attempt` (read, decide, one transaction) until it is not beaten by a
/// concurrent change of the same balances; answers a stored reply when the
/// Idempotency-Key was used before, including by a request racing this one.
pub async fn with_retries<F, Fut>(state: &AppState, idem: Option<&Idem>, mut attempt: F) -> ApiResult<Reply>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ApiResult<Reply>>,
{
    if let Some(i) = idem
        && let Some(r) = stored_reply(state, i).await?
    {
        return Ok(r);
    }
    let mut retry = state.db.retry();
    while retry.attempt().await {
        match attempt().await {
            Err(e) if e.code == "balance_changed" => continue,
            Err(e) if e.code == "idempotent_replay" => {
                let i = idem.expect("a record only with a key");
                return stored_reply(state, i).await?.ok_or_else(|| ApiError::internal("idempotency record vanished"));
            }
            // A request racing one with the same key may have read before it
            // committed and be refused now (402): it answers the first answer.
            Err(e) if e.status >= 400 && e.status < 500 && idem.is_some() => {
                return match stored_reply(state, idem.expect("checked")).await? {
                    Some(r) => Ok(r),
                    None => Err(e),
                };
            }
            other => return other,
        }
    }
    Err(ApiError::unavailable("this wallet is busy; try again"))
}

pub use store::entry_id;

pub async fn get_wallet_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let a =
        state.db.get_account(&caller.id).await?.ok_or_else(|| ApiError::unauthenticated("account no longer exists"))?;
    Ok(Reply::ok(views::Wallet { coins: a.coins, earnings: a.earnings, coin_debt: a.coin_debt }))
}

pub async fn list_transactions_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    ledger_page(state, ctx, &ctx.caller()?.id).await
}

/// `GET /admin/users/{id}/transactions`: any account's ledger, for support.
pub async fn list_user_transactions_admin_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("user not found"))?;
    state.db.get_account(&id).await?.ok_or_else(|| ApiError::not_found("user not found"))?;
    ledger_page(state, ctx, &id).await
}

async fn ledger_page(state: &AppState, ctx: &Ctx, account_id: &str) -> ApiResult<Reply> {
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
) -> ApiResult<Reply> {
    // unsigned_abs: i64::MIN has no positive counterpart.
    if input.amount == 0 || input.amount.unsigned_abs() > MAX_GRANT as u64 {
        return Err(ApiError::invalid(format!("amount: a non-zero whole number of coins within ±{MAX_GRANT}")));
    }
    let reason = validate::text("reason", &input.reason, 1, 200)?;
    with_retries(state, idem, || async {
        let now = state.now();
        let account = state.db.get_account(account_id).await?.ok_or_else(|| ApiError::not_found("user not found"))?;
        let after = account.coins + input.amount;
        if after < 0 {
            return Err(ApiError::new(
                402,
                "insufficient_coins",
                format!("the account holds only {} coins", account.coins),
            ));
        }
        let kind = if input.amount > 0 { "grant" } else { "correction" };
        let mut entry = LedgerEntry::new(account_id, kind, Balance::Coins, input.amount, Some(after), now);
        entry.counterparty_id = Some(admin_id.to_string());
        entry.reason = Some(reason.clone());
        let reply = Reply::created(Granted {
            entry: views::ledger_entry(&entry),
            wallet: views::Wallet { coins: after, earnings: account.earnings, coin_debt: account.coin_debt },
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

pub async fn grant_coins_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let admin = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("user not found"))?;
    let idem = Idem::from_ctx(ctx)?;
    grant_coins(state, &admin.id, &id, ctx.json()?, idem.as_ref()).await
}
