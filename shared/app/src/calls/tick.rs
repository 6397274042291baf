//! The call tick (every minute, and at each call's end): bills begun minutes
//! in one small transaction per call (the caller's wallet, the call, an event
//! the aggregator credits the host from), warns on low balance, ends calls
//! whose caller cannot pay or whose parties went silent.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use futures_util::stream;
use integrations::notify::Notification;
use serde::Serialize;
use serde_json::Value;
use store::{Account, Balance, Call, CallState, Payer, Release, Role, WalletChange};

use crate::kernel::error::DomainResult;
use crate::{AppState, DomainError};

/// Warn the caller when the coins cover fewer minutes than this.
pub const LOW_BALANCE_MINUTES: i64 = 2;
/// Calls the tick reads accounts for in one BatchGetItem (two accounts each).
const TICK_CHUNK: usize = 25;
/// Chunks the tick works on at once: at most `TICK_CHUNK × TICK_CHUNKS_IN_FLIGHT` transactions in flight.
const TICK_CHUNKS_IN_FLIGHT: usize = 4;

/// The caller's side of minute `minute`: coins down, held on the call.
pub(super) fn charge_entry(call: &Call, caller: &Payer, minute: i64, now: i64) -> WalletChange {
    let mut e = store::LedgerEntry::new(&caller.id, "call_charge", Balance::Coins, -call.price_per_minute, None, now);
    e.counterparty_id = Some(call.host_id.clone());
    e.call_id = Some(call.id.clone());
    e.minute = Some(minute);
    WalletChange::exact(caller.coins, e)
}

/// Minutes begun by `at` (at least the first).
fn minutes_begun(from: i64, at: i64) -> i64 {
    let elapsed = (at - from).max(0);
    ((elapsed + MINUTE_MS - 1) / MINUTE_MS).max(1)
}

/// Up to when the call counts as connected at `now`: now, or, while a party
/// is silent, that party's last heartbeat plus one heartbeat interval.
fn connected_until(call: &Call, now: i64) -> i64 {
    let last_seen = call.caller_seen_at.unwrap_or(now).min(call.host_seen_at.unwrap_or(now));
    if now - last_seen > SILENT_AFTER_MS { (last_seen + HEARTBEAT_INTERVAL_MS).min(now) } else { now }
}

/// Of the paid minutes, those the caller owes for good at `at`: the ones
/// begun by then, none while the connection grace runs.
///
/// Where Agora reports the channel (a party's join seen), the call counts
/// from when both parties were in it, and costs nothing until they were.
fn billable_minutes(call: &Call, at: i64, grace_ms: i64) -> i64 {
    let start = match (call.connected_at, call.caller_joined_at.or(call.host_joined_at)) {
        (Some(c), _) => c,
        (None, Some(_)) => return 0,
        (None, None) => call.accepted_at.unwrap_or(at),
    };
    if at - start < grace_ms { 0 } else { minutes_begun(start, at).min(call.paid_minutes) }
}

/// Passes the call's held minutes up to `earned` on to the host, through the
/// transaction's event (the aggregator credits the host, or gives the caller
/// the minutes back if the host can no longer earn).
fn release_to(call: &Call, earned: i64, now: i64) -> Option<Release> {
    let minutes = earned - call.earned_minutes;
    (minutes > 0).then(|| {
        let credit = store::Credit {
            host_id: call.host_id.clone(),
            payer_id: call.caller_id.clone(),
            amount: minutes * call.price_per_minute,
            call: Some(store::CallCredit { call_id: call.id.clone(), first_minute: call.earned_minutes + 1, minutes }),
            ..Default::default()
        };
        Release { earned_minutes: earned, credit, at: now }
    })
}

/// Gives the caller back `minutes` held minutes.
fn refund_entry(call: &Call, caller: &Payer, minutes: i64, now: i64) -> WalletChange {
    let mut e =
        store::LedgerEntry::new(&caller.id, "call_refund", Balance::Coins, minutes * call.price_per_minute, None, now);
    e.counterparty_id = Some(call.host_id.clone());
    e.call_id = Some(call.id.clone());
    e.quantity = Some(minutes);
    WalletChange::exact(caller.coins, e)
}

pub(super) async fn warn_if_low(state: &AppState, call: &Call, coins_left: i64) {
    if coins_left < LOW_BALANCE_MINUTES * call.price_per_minute {
        let n = Notification {
            account_id: call.caller_id.clone(),
            kind: "low_balance".into(),
            title: "Low balance".into(),
            body: format!("{coins_left} coins left: less than {LOW_BALANCE_MINUTES} more minutes of this call"),
            data: [("call_id".to_string(), call.id.clone()), ("coins".to_string(), coins_left.to_string())].into(),
        };
        state.notifier.send(n).await;
    }
}

/// What one tick did.
#[derive(Debug, Default, Serialize)]
pub struct TickReport {
    pub missed: AtomicUsize,
    pub charged_minutes: AtomicUsize,
    pub ended: AtomicUsize,
    pub dropped: AtomicUsize,
    pub failed: AtomicUsize,
}

impl TickReport {
    fn add(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    pub fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::Relaxed)
    }
}

/// Brings one active call up to date at `now`. While both parties are
/// heard from it charges every minute begun (with `prepay`, also the one due
/// within the coming minute) while the caller can pay, and passes begun
/// minutes past the grace on to the host; with a silent party it charges only
/// up to that party's last heartbeat plus one interval and never prepays. It
/// ends the call when a party has been silent past the timeout (`dropped`),
/// when the caller cannot pay a minute that has begun (at the paid time), when
/// a party is banned or gone, and, with `end_reason`, now. Ending keeps the
/// minutes begun by the end (none within the grace) and gives the rest back.
/// `accounts`: (caller, host) as read with the call, if at hand; the tick
/// reads only callers (`host: None`): a refusal re-reads both.
pub(super) async fn settle(
    state: &AppState,
    mut call: Call,
    mut accounts: Option<(Payer, Option<Account>)>,
    now: i64,
    prepay: bool,
    end_reason: Option<&str>,
    report: &TickReport,
) -> DomainResult<Call> {
    let grace = state.config.call_grace_secs * 1000;
    // Set when a re-read found a party gone (accounts are never deleted today).
    let mut gone = false;
    let mut retry = state.db.retry();
    while retry.attempt().await {
        if call.state != CallState::Active {
            return Ok(call);
        }
        let paid_until = call.paid_until.unwrap_or(now);
        let until = connected_until(&call, now);
        let last_seen = call.caller_seen_at.unwrap_or(now).min(call.host_seen_at.unwrap_or(now));
        let charge_upto = if prepay && until == now { now + MINUTE_MS } else { until - 1 };
        let mut ending = None;
        if paid_until <= charge_upto {
            if accounts.is_none() {
                accounts = read_parties(state, &call).await?;
                gone = accounts.is_none();
            }
            match &accounts {
                None => ending = Some((until.min(paid_until), "account_gone")),
                Some((caller, host)) if caller.banned || host.as_ref().is_some_and(|h| h.banned) => {
                    ending = Some((until.min(paid_until), "banned"))
                }
                Some((caller, _)) if caller.coins < call.price_per_minute || caller.coin_debt > 0 => {
                    if paid_until > now && end_reason.is_none() {
                        // The paid minute still runs; the next tick ends it unless topped up.
                        return Ok(call);
                    }
                    let reason = if caller.coin_debt > 0 { "coin_debt" } else { "insufficient_coins" };
                    ending = Some((paid_until.min(until), reason));
                }
                Some(_) => {}
            }
        } else if now - last_seen > HEARTBEAT_TIMEOUT_MS {
            ending = Some((until.min(paid_until), "dropped"));
        } else if let Some(reason) = end_reason {
            ending = Some((until.min(paid_until), reason));
        } else {
            return Ok(call);
        }
        if let Some((at, reason)) = ending {
            let mut kept = billable_minutes(&call, at, grace).max(call.earned_minutes);
            if kept < call.paid_minutes && accounts.is_none() {
                accounts = read_parties(state, &call).await?;
                gone = accounts.is_none();
            }
            let release = match &accounts {
                // A banned host (or one no longer a host) earns nothing more: the held minutes go back.
                Some((_, Some(h))) if h.banned || h.role != Role::Host => None,
                _ if gone => None,
                _ => release_to(&call, kept, now),
            };
            if release.is_none() {
                kept = call.earned_minutes;
            }
            let refund = match &accounts {
                Some((caller, _)) if kept < call.paid_minutes => {
                    Some(refund_entry(&call, caller, call.paid_minutes - kept, now))
                }
                _ => None,
            };
            let end = store::CallEnd { at, reason, kept, release: release.as_ref(), refund: refund.as_ref() };
            match state.db.end_call(&call, &end).await {
                Ok(()) => {
                    drop_parties(state, &call).await;
                    TickReport::add(if reason == "dropped" { &report.dropped } else { &report.ended });
                    call.state = CallState::Ended;
                    call.ended_at = Some(at);
                    call.end_reason = Some(reason.into());
                    call.paid_until = call.accepted_at.map(|a| a + kept * MINUTE_MS);
                    call.paid_minutes = kept;
                    call.earned_minutes = kept;
                    return Ok(call);
                }
                Err(store::Error::Condition("call_changed")) => {
                    call =
                        state.db.get_call(&call.id).await?.ok_or_else(|| DomainError::not_found("call not found"))?;
                }
                Err(store::Error::Condition("balance_changed" | "account_banned")) => {
                    accounts = read_parties(state, &call).await?;
                    gone = accounts.is_none();
                }
                Err(e) => return Err(e.into()),
            }
            continue;
        }
        let (caller, _) = accounts.as_ref().expect("read above");
        let minute = call.paid_minutes + 1;
        let charge = charge_entry(&call, caller, minute, now);
        let release = release_to(&call, billable_minutes(&call, until, grace), now);
        match state.db.charge_call_minute(&call, &charge, release.as_ref()).await {
            Ok(()) => {
                TickReport::add(&report.charged_minutes);
                crate::kernel::metrics::emit(state, &[], &[("CallMinutesCharged", 1.0, "Count")]);
                call.paid_minutes = minute;
                call.paid_until = Some(paid_until + MINUTE_MS);
                if let Some(r) = &release {
                    call.earned_minutes = r.earned_minutes;
                }
                let (mut caller, host) = accounts.take().expect("read above");
                caller.coins -= call.price_per_minute;
                warn_if_low(state, &call, caller.coins).await;
                accounts = Some((caller, host));
            }
            Err(store::Error::Condition("call_changed")) => {
                call = state.db.get_call(&call.id).await?.ok_or_else(|| DomainError::not_found("call not found"))?;
            }
            Err(store::Error::Condition("balance_changed" | "account_banned")) => {
                accounts = read_parties(state, &call).await?;
                gone = accounts.is_none();
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("this call is busy; try again"))
}

/// Both parties of a call, fresh: `None` when either is gone.
async fn read_parties(state: &AppState, call: &Call) -> DomainResult<Option<(Payer, Option<Account>)>> {
    let a = state.db.get_accounts(&[call.caller_id.clone(), call.host_id.clone()]).await?;
    let find = |id: &str| a.iter().find(|x| x.id == id).cloned();
    Ok(find(&call.caller_id).zip(find(&call.host_id)).map(|(c, h)| (Payer::from(&c), Some(h))))
}

/// One run of the schedule at `now`: ringing calls unanswered for 45 s become
/// missed; every active call due within the coming minute is settled (see
/// `settle`). Calls are found through GSI1, never a scan; work is bounded in
/// concurrency. One call failing does not stop the others: the next run retries it.
pub async fn call_tick(state: &AppState, now: i64) -> DomainResult<TickReport> {
    let report = TickReport::default();
    let ringing = state.db.ringing_calls_before(now - RING_TIMEOUT_MS).await?;
    stream::iter(ringing)
        .for_each_concurrent(TICK_CHUNK * TICK_CHUNKS_IN_FLIGHT, |c| {
            let report = &report;
            async move {
                match state.db.finish_ringing(&c, CallState::Missed, "missed", now).await {
                    Ok(()) => {
                        TickReport::add(&report.missed);
                        for (who, body) in
                            [(&c.caller_id, "Your call was not answered"), (&c.host_id, "You missed a call")]
                        {
                            let data = [("call_id", c.id.as_str()), ("caller_id", c.caller_id.as_str())];
                            let n = crate::kernel::notices::note(who, "missed_call", "Missed call", body.into(), &data);
                            state.notifier.send(n).await;
                        }
                    }
                    Err(store::Error::Condition("call_not_ringing")) => {}
                    Err(e) => {
                        TickReport::add(&report.failed);
                        tracing::error!(call_id = %c.id, error = %e, "missing a call failed");
                    }
                }
            }
        })
        .await;
    let due = state.db.active_calls_due(now + MINUTE_MS).await?;
    stream::iter(due.chunks(TICK_CHUNK))
        .for_each_concurrent(TICK_CHUNKS_IN_FLIGHT, |chunk| {
            let report = &report;
            async move {
                // Callers only: the host side of a charge is an ADD guarded by its own conditions.
                let ids: Vec<String> = chunk.iter().map(|c| c.caller_id.clone()).collect();
                let accounts = match state.db.get_payers(&ids).await {
                    Ok(a) => a,
                    Err(e) => {
                        report.failed.fetch_add(chunk.len(), Ordering::Relaxed);
                        tracing::error!(error = %e, "reading call accounts failed");
                        return;
                    }
                };
                let find = |id: &str| accounts.iter().find(|a| a.id == id).cloned();
                stream::iter(chunk)
                    .for_each_concurrent(None, |c| {
                        let pair = find(&c.caller_id).map(|caller| (caller, None));
                        async move {
                            if let Err(e) = settle(state, c.clone(), pair, now, true, None, report).await {
                                TickReport::add(&report.failed);
                                tracing::error!(call_id = %c.id, error = %e.message, "settling a call failed");
                            }
                        }
                    })
                    .await;
            }
        })
        .await;
    Ok(report)
}

/// The scheduled Lambda's entry: EventBridge's event says nothing we need; the clock says when.
pub async fn scheduled_tick(state: std::sync::Arc<AppState>, _event: Value) -> DomainResult<TickReport> {
    call_tick(&state, state.now()).await
}

pub const MINUTE_MS: i64 = 60_000;
/// Ringing this long unanswered: missed.
pub const RING_TIMEOUT_MS: i64 = 45_000;
/// No heartbeat from a party this long: the call dropped.
pub const HEARTBEAT_TIMEOUT_MS: i64 = 90_000;
/// Parties send a heartbeat about this often while a call is active.
pub const HEARTBEAT_INTERVAL_MS: i64 = 30_000;
/// A party not heard from for this long is silent: no minute is prepaid, and
/// the call is billed only up to its last heartbeat plus one interval.
pub const SILENT_AFTER_MS: i64 = 45_000;
/// An ended call's parties are refused its channel this long: longer than
/// any token of it stays valid (the paid time plus the margin).
const CALL_KICK_SECS: i64 = 600;
/// Has Agora drop both parties from an ended call's channel and refuse their
/// tokens there: ending a call ends the video, not only the billing. A
/// failure is logged; the tokens still expire with the paid time.
pub(super) async fn drop_parties(state: &AppState, call: &Call) {
    let Some(rules) = state.agora_rules() else { return };
    for id in [&call.caller_id, &call.host_id] {
        let uid = integrations::agora::uid_for(id);
        if let Err(e) = rules.ban(&call.channel, uid, integrations::agora::Privilege::JoinChannel, CALL_KICK_SECS).await
        {
            tracing::error!(error = %e, call_id = %call.id, "dropping a party from the call's channel failed");
        }
    }
}
