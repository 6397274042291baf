//! The admins' view of calls: who is in one now, and each day's calls with
//! what was charged and given back.

use serde::Serialize;
use store::Call;
use utoipa::ToSchema;

use super::call::call_view;
use crate::AppState;
use crate::http::{Ctx, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::Names;
use crate::kernel::vocab;

/// A call as admins see it: both parties by name, coins charged and refunded.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminCall {
    pub id: String,
    pub caller_id: String,
    pub caller_name: Option<String>,
    pub host_id: String,
    pub host_name: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::call_state)]
    pub state: &'static str,
    pub price_per_minute: i64,
    pub paid_minutes: i64,
    /// Minutes passed on to the host
    pub billed_minutes: i64,
    /// Coins charged: paid_minutes × price_per_minute
    pub total_coins: i64,
    /// Coins given back to the caller when it ended: paid minutes that never started, or all within the connection grace
    pub refunded_coins: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub accepted_at: Option<String>,
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    pub duration_secs: Option<i64>,
    pub end_reason: Option<String>,
}

async fn admin_calls(state: &AppState, calls: &[Call]) -> DomainResult<Vec<AdminCall>> {
    let names = Names::of(&state.db, calls.iter().flat_map(|c| [c.caller_id.as_str(), c.host_id.as_str()])).await?;
    Ok(calls
        .iter()
        .map(|c| {
            let v = call_view(c);
            AdminCall {
                caller_name: names.get(&c.caller_id),
                host_name: names.get(&c.host_id),
                refunded_coins: c.refunded_minutes * c.price_per_minute,
                id: v.id,
                caller_id: v.caller_id,
                host_id: v.host_id,
                state: v.state,
                price_per_minute: v.price_per_minute,
                paid_minutes: v.paid_minutes,
                billed_minutes: v.billed_minutes,
                total_coins: v.total_coins,
                created_at: v.created_at,
                accepted_at: v.accepted_at,
                ended_at: v.ended_at,
                duration_secs: v.duration_secs,
                end_reason: v.end_reason,
            }
        })
        .collect())
}

/// `?state=active`: every call in progress (whatever day it began), longest
/// running first. Otherwise the calls begun on `?day=` (UTC, today by
/// default), newest first, in `?state=` when given.
pub async fn list_calls_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AdminCall>> {
    let wanted = ctx.query.get("state").map(|s| validate::word("state", s, vocab::CALL_STATES)).transpose()?;
    let day = match ctx.query.get("day") {
        Some(d) => validate::day("day", d)?.format("%Y-%m-%d").to_string(),
        None => store::day_of(state.now()),
    };
    let scope = format!("admin-calls:{day}:{}", wanted.as_deref().unwrap_or("*"));
    let (limit, start) = ctx.page(state, &scope)?;
    if wanted.as_deref() == Some("active") {
        let mut calls = state.db.active_calls_due(i64::MAX).await?;
        calls.sort_by_key(|c| c.accepted_at.unwrap_or(c.created_at));
        return Ok(list_reply(state, "admin-calls-active", admin_calls(state, &calls).await?, None));
    }
    let page = state.db.list_calls_on(&day, wanted.as_deref(), limit, start).await?;
    Ok(list_reply(state, &scope, admin_calls(state, &page.items).await?, page.next))
}
