//! The retry-and-replay loop every coin-moving use case runs in: an
//! Idempotency-Key binds a request to its stored reply.

use serde_json::Value;
use store::IdempotentReply;

use crate::http::output::Stored;
use crate::http::{Ctx, Reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::{AppState, DomainError};

/// The request's Idempotency-Key, scoped to the caller and bound to the request.
pub struct Idem {
    pub account_id: String,
    pub key: String,
    pub request_hash: String,
}

impl Idem {
    pub fn from_ctx(ctx: &Ctx) -> DomainResult<Option<Idem>> {
        let caller = ctx.caller()?;
        Ok(ctx.idempotency_key()?.map(|key| Idem {
            account_id: caller.id.clone(),
            key,
            request_hash: request_hash(ctx),
        }))
    }

    pub fn record(&self, answer: &impl Stored, now: i64) -> IdempotentReply {
        let reply = answer.reply();
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
async fn stored_reply<O: Stored>(state: &AppState, idem: &Idem) -> DomainResult<Option<O>> {
    match state.db.get_idempotent_reply(&idem.account_id, &idem.key, state.now()).await? {
        None => Ok(None),
        Some(r) if r.request_hash == idem.request_hash => replay(r).map(Some),
        Some(_) => Err(DomainError::new(
            ErrorKind::Unprocessable,
            "idempotency_key_reused",
            "Idempotency-Key: already used for a different request",
        )),
    }
}

fn replay<O: Stored>(r: IdempotentReply) -> DomainResult<O> {
    let body: Value = serde_json::from_str(&r.body).map_err(DomainError::internal)?;
    Ok(O::replayed(Reply { status: r.status, body: (!body.is_null()).then_some(body), before: None, html: None }))
}

/// Runs `attempt` (read, decide, one transaction) until it is not beaten by
/// a concurrent change of the same balances.
pub async fn retrying<T, F, Fut>(state: &AppState, mut attempt: F) -> DomainResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DomainResult<T>>,
{
    let mut retry = state.db.retry();
    while retry.attempt().await {
        match attempt().await {
            Err(e) if e.code == "balance_changed" => continue,
            other => return other,
        }
    }
    Err(DomainError::unavailable("this wallet is busy; try again"))
}

/// `retrying`, and answers the stored answer when the Idempotency-Key was
/// used before, including by a request racing this one.
pub async fn with_retries<O: Stored, F, Fut>(state: &AppState, idem: Option<&Idem>, attempt: F) -> DomainResult<O>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DomainResult<O>>,
{
    let Some(i) = idem else { return retrying(state, attempt).await };
    if let Some(r) = stored_reply(state, i).await? {
        return Ok(r);
    }
    match retrying(state, attempt).await {
        Err(e) if e.code == "idempotent_replay" => {
            stored_reply(state, i).await?.ok_or_else(|| DomainError::internal("idempotency record vanished"))
        }
        // A request racing one with the same key may have read before it
        // committed and be refused now (402): it answers the first answer.
        Err(e) if e.kind.is_callers() => match stored_reply(state, i).await? {
            Some(r) => Ok(r),
            None => Err(e),
        },
        other => other,
    }
}
