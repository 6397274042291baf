//! Paid one-to-one video calls: the state machine, the per-minute prepaid
//! billing and the `call-tick` schedule that drives it.
//!
//! Billing: accepting charges minute 1 and sets `paid_until = accepted_at + 60 s`.
//! Minute k+1 is charged when it is due within the coming minute (by the tick)
//! or has started (when a party ends the call). A caller who cannot pay has the
//! call ended at `paid_until`. Each minute is one transaction conditioned on
//! `paid_minutes` as read, so ticks running twice, late or at once charge it once.
//! Paid coins are held on the call and pass to the host's earnings only once
//! their minute has begun past the connection grace, so a settlement never
//! takes a minute that may go back; the ending transaction gives the caller
//! back the rest (`call_refund`): none for time after the end, none within the
//! grace, none past a silent party's last heartbeat plus one interval.

use integrations::agora::RtcRole;
use serde::{Deserialize, Serialize};
use store::{Call, CallState, NewCall, Payer, Role};
use utoipa::ToSchema;

use super::tick::{MINUTE_MS, TickReport, charge_entry, settle, warn_if_low};
use crate::http::idempotency::{Idem, with_retries};
use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::ids::{AccountId, CallId, HostId};
use crate::kernel::ledger::no_debt;
use crate::kernel::validate;
use crate::kernel::views;
use crate::rooms::{AgoraGrant, ROOM_TOKEN_SECS, agora_grant};
use crate::{AppState, DomainError};

pub const MAX_PRICE_PER_MINUTE: i64 = 100_000;
/// Call tokens outlive the paid time by this much: the tick prepays the next
/// minute within a minute of it being due, and EventBridge may fire late.
const TOKEN_MARGIN_SECS: i64 = 90;
/// A call as either party (or an admin) sees it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallView {
    pub id: String,
    pub caller_id: String,
    pub host_id: String,
    /// ringing, cancelled, declined, missed, active or ended
    #[schema(schema_with = crate::kernel::vocab::call_state)]
    pub state: &'static str,
    pub price_per_minute: i64,
    /// Minutes charged so far, the prepaid one included
    pub paid_minutes: i64,
    /// Minutes passed on to the host (final once ended; 0 within the connection grace)
    pub billed_minutes: i64,
    /// Coins charged: paid_minutes × price_per_minute
    pub total_coins: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub accepted_at: Option<String>,
    /// When both parties were in the video channel (Agora's notifications; billing counts from here)
    #[schema(format = DateTime)]
    pub connected_at: Option<String>,
    /// When the next minute is due
    pub paid_until: Option<String>,
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    pub duration_secs: Option<i64>,
    /// cancelled, replaced, declined, accepted_elsewhere, missed, ended_by_caller, ended_by_host, caller_left, host_left, channel_closed, insufficient_coins, coin_debt, dropped, banned, account_gone
    pub end_reason: Option<String>,
    /// `GET /calls/{id}` by a party of an active call: a fresh token for the channel
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agora: Option<AgoraGrant>,
}

pub fn call_view(c: &Call) -> CallView {
    let duration = match (c.accepted_at, c.ended_at) {
        (Some(a), Some(e)) => Some((e - a).max(0) / 1000),
        _ => None,
    };
    CallView {
        id: c.id.clone(),
        caller_id: c.caller_id.clone(),
        host_id: c.host_id.clone(),
        state: c.state.as_str(),
        price_per_minute: c.price_per_minute,
        paid_minutes: c.paid_minutes,
        billed_minutes: c.earned_minutes,
        total_coins: c.total_coins(),
        created_at: views::time(c.created_at),
        accepted_at: c.accepted_at.map(views::time),
        connected_at: c.connected_at.map(views::time),
        paid_until: c.paid_until.map(views::time),
        ended_at: c.ended_at.map(views::time),
        duration_secs: duration,
        end_reason: c.end_reason.clone(),
        agora: None,
    }
}

/// An accepted call and the host's grant to join its channel.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptedCall {
    pub call: CallView,
    pub agora: AgoraGrant,
}

/// A host's call settings.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallSettings {
    pub price_per_minute: Option<i64>,
    pub online: bool,
}

fn call_error(e: store::Error) -> DomainError {
    match e {
        store::Error::Condition("call_not_ringing") => {
            DomainError::conflict("call_not_ringing", "the call is not ringing")
        }
        store::Error::Condition("call_not_active") => {
            DomainError::conflict("call_not_active", "the call is not active")
        }
        store::Error::Condition("caller_busy") => DomainError::conflict("caller_busy", "the caller is in another call"),
        store::Error::Condition("host_busy") => DomainError::conflict("host_busy", "the host is in another call"),
        other => other.into(),
    }
}

fn insufficient(price: i64, coins: i64) -> DomainError {
    DomainError::new(
        ErrorKind::Payment,
        "insufficient_coins",
        format!("a minute costs {price} coins; you have {coins}"),
    )
}

// ---- host settings ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallSettingsInput {
    #[schema(minimum = 1, maximum = 100000)]
    pub price_per_minute: i64,
    pub online: bool,
}

pub async fn put_call_settings_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallSettings>> {
    let caller = ctx.caller()?;
    let input: CallSettingsInput = ctx.json()?;
    let price = crate::kernel::validate::positive("price_per_minute", input.price_per_minute, MAX_PRICE_PER_MINUTE)?;
    // The charm level's price band caps what a host may ask.
    let (me, settings) = tokio::try_join!(state.db.get_account(&caller.id), state.db.get_settings())?;
    let level = state.levels().await?.charm_level(me.map_or(0, |a| a.charm_xp));
    if let Some(cap) = crate::kernel::levels::price_cap(&settings.call_price_bands, level).filter(|cap| price > *cap) {
        return Err(DomainError::invalid(format!(
            "price_per_minute: at charm level {level} a host may ask at most {cap} coins a minute"
        )));
    }
    let a = state.db.set_call_settings(&caller.id, price, input.online).await.map_err(|e| match e {
        store::Error::Condition("not_host") => DomainError::forbidden("only hosts have call settings"),
        other => other.into(),
    })?;
    Ok(Json::new(CallSettings { price_per_minute: a.call_price, online: a.online }))
}

// ---- ringing ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartCallInput {
    pub host_id: String,
}

/// Rings a host. The caller's earlier ringing request is cancelled in the same transaction.
pub async fn start_call(
    state: &AppState,
    caller_id: &AccountId,
    input: StartCallInput,
    idem: Option<&Idem>,
) -> DomainResult<Created<CallView>> {
    let caller_id = caller_id.as_str();
    let host_id = HostId::parse("host_id", &input.host_id)?;
    if host_id.as_str() == caller_id {
        return Err(DomainError::invalid("host_id: you cannot call yourself"));
    }
    with_retries(state, idem, || async {
        let now = state.now();
        let view = state.db.call_start_view(caller_id, &host_id).await?;
        let caller = view.caller.ok_or_else(|| DomainError::unauthenticated("account no longer exists"))?;
        let host = view
            .host
            .filter(|h| h.role == Role::Host && !h.banned)
            .ok_or_else(|| DomainError::not_found("host not found"))?;
        if caller.banned {
            return Err(DomainError::banned());
        }
        if view.caller_busy {
            return Err(DomainError::conflict("caller_busy", "you are in a call already"));
        }
        let price = match host.call_price {
            Some(p) if host.online => p,
            _ => return Err(DomainError::conflict("host_offline", "the host is offline")),
        };
        // A price set before the bands (or the host's level) changed is held to today's cap.
        let bands = state.db.get_settings().await?.call_price_bands;
        let cap = crate::kernel::levels::price_cap(&bands, state.levels().await?.charm_level(host.charm_xp));
        let price = cap.map_or(price, |cap| price.min(cap));
        if view.host_busy {
            return Err(DomainError::conflict("host_busy", "the host is in another call"));
        }
        no_debt(caller.coin_debt)?;
        if caller.coins < price {
            return Err(insufficient(price, caller.coins));
        }
        let replaces = match view.caller_ringing {
            Some(id) => state.db.get_call(&id).await?,
            None => None,
        };
        let id = crate::kernel::ledger::entry_id(now);
        let call = Call {
            channel: state.agora.channel_name("c", &id),
            id,
            caller_id: caller_id.to_string(),
            host_id: host_id.to_string(),
            state: CallState::Ringing,
            price_per_minute: price,
            paid_minutes: 0,
            earned_minutes: 0,
            refunded_minutes: 0,
            paid_until: None,
            created_at: now,
            accepted_at: None,
            ended_at: None,
            caller_seen_at: None,
            host_seen_at: None,
            caller_joined_at: None,
            host_joined_at: None,
            connected_at: None,
            end_reason: None,
        };
        let reply = Created::new(call_view(&call));
        let record = idem.map(|i| (i, i.record(&reply, now)));
        let new_call = NewCall {
            call: &call,
            replaces: replaces.as_ref(),
            idempotency: record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r)),
        };
        state.db.create_call(new_call).await.map_err(call_error)?;
        let body = format!("{} is calling ({price} coins a minute)", caller.name);
        let data = [("call_id", call.id.as_str()), ("caller_id", caller_id)];
        state
            .notifier
            .send(crate::kernel::notices::note(&host_id, "incoming_call", "Incoming call", body, &data))
            .await;
        Ok(reply)
    })
    .await
}

pub async fn start_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<CallView>> {
    let caller = ctx.caller()?;
    let idem = Idem::from_ctx(ctx)?;
    start_call(state, &AccountId::known(&caller.id), ctx.json()?, idem.as_ref()).await
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Party {
    Caller,
    Host,
}

/// The call and the caller's part in it; strangers get 404 (a call's
/// existence is private), admins may read any call.
async fn call_for(state: &AppState, ctx: &Ctx) -> DomainResult<(Call, Option<Party>)> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("call not found"))?;
    let call = state.db.get_call(&id).await?.ok_or_else(|| DomainError::not_found("call not found"))?;
    let party = if call.caller_id == caller.id {
        Some(Party::Caller)
    } else if call.host_id == caller.id {
        Some(Party::Host)
    } else if caller.role == Role::Admin {
        None
    } else {
        return Err(DomainError::not_found("call not found"));
    };
    Ok((call, party))
}

fn only(party: Option<Party>, who: Party, what: &str) -> DomainResult<()> {
    if party == Some(who) {
        Ok(())
    } else {
        let who = if who == Party::Caller { "caller" } else { "host" };
        Err(DomainError::forbidden(format!("only the {who} can {what} this call")))
    }
}

async fn finish_ringing(state: &AppState, mut call: Call, to: CallState, reason: &str) -> DomainResult<Json<CallView>> {
    if call.state != CallState::Ringing {
        return Err(DomainError::conflict("call_not_ringing", "the call is not ringing"));
    }
    let now = state.now();
    state.db.finish_ringing(&call, to, reason, now).await.map_err(call_error)?;
    call.state = to;
    call.ended_at = Some(now);
    call.end_reason = Some(reason.into());
    Ok(Json::new(call_view(&call)))
}

pub async fn cancel_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallView>> {
    let (call, party) = call_for(state, ctx).await?;
    only(party, Party::Caller, "cancel")?;
    finish_ringing(state, call, CallState::Cancelled, "cancelled").await
}

pub async fn decline_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallView>> {
    let (call, party) = call_for(state, ctx).await?;
    only(party, Party::Host, "decline")?;
    finish_ringing(state, call, CallState::Declined, "declined").await
}

/// A call's token lasts to the end of the paid time plus a margin; every paid
/// minute moves that on, and the heartbeat answer (and `GET /calls/{id}`)
/// carries a renewed token, so a token never outlives its call by more than
/// the margin.
fn call_token_secs(call: &Call, now: i64) -> i64 {
    ((call.paid_until.unwrap_or(now) - now).max(0) / 1000 + TOKEN_MARGIN_SECS).min(ROOM_TOKEN_SECS)
}

/// A party's grant to an active call's channel, valid for the paid time.
fn call_grant(state: &AppState, call: &Call, account_id: &str) -> DomainResult<AgoraGrant> {
    agora_grant(state, &call.channel, account_id, RtcRole::Publisher, call_token_secs(call, state.now()))
}

/// Accepts a ringing call (host only): busy markers, minute 1 charged, the
/// call active, in one transaction; then the host's other requests are declined.
pub async fn accept_call(
    state: &AppState,
    host_id: &HostId,
    call_id: &CallId,
    idem: Option<&Idem>,
) -> DomainResult<Json<AcceptedCall>> {
    let (host_id, call_id) = (host_id.as_str(), call_id.as_str());
    let reply = with_retries(state, idem, || async {
        let now = state.now();
        let call = state.db.get_call(call_id).await?.ok_or_else(|| DomainError::not_found("call not found"))?;
        if call.state != CallState::Ringing {
            return Err(DomainError::conflict("call_not_ringing", "the call is not ringing"));
        }
        let accounts = state.db.get_accounts(&[call.caller_id.clone(), call.host_id.clone()]).await?;
        let find = |id: &str| accounts.iter().find(|a| a.id == id).cloned();
        let caller = find(&call.caller_id).ok_or_else(|| DomainError::not_found("the caller is gone"))?;
        find(&call.host_id).ok_or_else(|| DomainError::not_found("host not found"))?;
        if caller.banned {
            // Banned while it rang: the request ends now, not after a retry budget of refusals.
            match state.db.finish_ringing(&call, CallState::Cancelled, "banned", now).await {
                Ok(()) | Err(store::Error::Condition("call_not_ringing")) => {}
                Err(e) => return Err(e.into()),
            }
            return Err(DomainError::conflict("caller_banned", "the caller has been banned; the call is cancelled"));
        }
        no_debt(caller.coin_debt)?;
        if caller.coins < call.price_per_minute {
            return Err(insufficient(call.price_per_minute, caller.coins));
        }
        let charge = charge_entry(&call, &Payer::from(&caller), 1, now);
        let mut active = call.clone();
        active.state = CallState::Active;
        active.accepted_at = Some(now);
        active.paid_minutes = 1;
        active.paid_until = Some(now + MINUTE_MS);
        active.caller_seen_at = Some(now);
        active.host_seen_at = Some(now);
        let coins_left = caller.coins - call.price_per_minute;
        let reply = Json::new(AcceptedCall { call: call_view(&active), agora: call_grant(state, &active, host_id)? });
        let record = idem.map(|i| (i, i.record(&reply, now)));
        let idempotency = record.as_ref().map(|(i, r)| (i.account_id.as_str(), i.key.as_str(), r));
        state.db.accept_call(&call, now, &charge, idempotency).await.map_err(call_error)?;
        warn_if_low(state, &active, coins_left).await;
        Ok(reply)
    })
    .await?;
    // The host is busy now: their other requests will not be answered.
    for other in state.db.incoming_calls(host_id).await? {
        if other != call_id
            && let Some(c) = state.db.get_call(&other).await?
        {
            match state.db.finish_ringing(&c, CallState::Declined, "accepted_elsewhere", state.now()).await {
                Ok(()) | Err(store::Error::Condition("call_not_ringing")) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(reply)
}

pub async fn accept_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AcceptedCall>> {
    let (call, party) = call_for(state, ctx).await?;
    only(party, Party::Host, "accept")?;
    let idem = Idem::from_ctx(ctx)?;
    accept_call(state, &HostId::known(&call.host_id), &CallId::known(&call.id), idem.as_ref()).await
}

// ---- active ----

pub async fn call_heartbeat_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallView>> {
    let (call, party) = call_for(state, ctx).await?;
    let Some(party) = party else {
        return Err(DomainError::forbidden("only the call's parties send heartbeats"));
    };
    let call = state.db.call_heartbeat(&call.id, party == Party::Caller, state.now()).await.map_err(call_error)?;
    // The answer renews the party's token up to the paid time.
    let mut v = call_view(&call);
    v.agora = Some(call_grant(state, &call, &ctx.caller()?.id)?);
    Ok(Json::new(v))
}

/// Ends an active call (either party): minutes started and not yet charged
/// are charged first (if the caller can pay), then the call ends. Ending an
/// ended call answers it again.
pub async fn end_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallView>> {
    let (call, party) = call_for(state, ctx).await?;
    let Some(party) = party else {
        return Err(DomainError::forbidden("only the call's parties can end it"));
    };
    match call.state {
        CallState::Ended => return Ok(Json::new(call_view(&call))),
        CallState::Active => {}
        _ => return Err(DomainError::conflict("call_not_active", "the call is not active; cancel or decline it")),
    }
    let now = state.now();
    let reason = if party == Party::Caller { "ended_by_caller" } else { "ended_by_host" };
    let report = TickReport::default();
    let call = settle(state, call, None, now, false, Some(reason), &report).await?;
    Ok(Json::new(call_view(&call)))
}

/// Agora saw a party leave the call's channel, or the channel close, at
/// `at`: the call ends then, like a hang-up (idempotent: an ended call stays).
pub async fn end_from_channel(state: &AppState, call: Call, reason: &str, at: i64) -> DomainResult<Call> {
    if call.state != CallState::Active {
        return Ok(call);
    }
    settle(state, call, None, at.min(state.now()), false, Some(reason), &TickReport::default()).await
}

/// Ends every call of `account_id` still ringing or active (a ban): ringing
/// ones are cancelled or declined, active ones end now with the unused
/// minutes refunded. Calls are short, so the newest page of theirs holds them.
pub async fn end_calls_of(state: &AppState, account_id: &str, reason: &str) -> DomainResult<()> {
    let page = state.db.list_calls_of(account_id, 20, None).await?;
    for call in page.items {
        match call.state {
            CallState::Ringing => {
                let to = if call.caller_id == account_id { CallState::Cancelled } else { CallState::Declined };
                match state.db.finish_ringing(&call, to, reason, state.now()).await {
                    Ok(()) | Err(store::Error::Condition("call_not_ringing")) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            CallState::Active => {
                settle(state, call, None, state.now(), false, Some(reason), &TickReport::default()).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

pub async fn get_call_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CallView>> {
    let (call, party) = call_for(state, ctx).await?;
    let mut v = call_view(&call);
    // A party of an active call gets a fresh token (to join, or to renew one).
    if call.state == CallState::Active && party.is_some() {
        v.agora = Some(call_grant(state, &call, &ctx.caller()?.id)?);
    }
    Ok(Json::new(v))
}

pub async fn list_my_calls_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<CallView>> {
    let caller = ctx.caller()?;
    let scope = format!("calls:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_calls_of(&caller.id, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(call_view).collect(), page.next))
}

// ---- billing ----
