//! The host's and the agency's dashboards: totals, and earnings, call minutes
//! and gifts per UTC day, read from the hosts' day items (never the ledger).

use chrono::{Datelike, Duration};
use serde::Serialize;
use utoipa::ToSchema;

use super::agency::my_agency;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::{AppState, DomainError};

/// One UTC day's figures.
#[derive(Serialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct DayFigures {
    #[schema(format = Date)]
    pub day: String,
    /// Coins earned (gifts and call minutes)
    pub earnings: i64,
    pub call_minutes: i64,
    pub gifts_received: i64,
}

/// The last `n` UTC days up to today, oldest first, summed over `hosts` (0 on a day without any).
async fn series(state: &AppState, hosts: &[String], n: i64) -> DomainResult<Vec<DayFigures>> {
    let now = state.now();
    let days: Vec<String> = (0..n).rev().map(|i| store::day_of(now - i * 86_400_000)).collect();
    let found = state.db.earning_days(hosts, &days).await?;
    Ok(days
        .into_iter()
        .map(|day| {
            let f = found.iter().find(|f| f.0 == day);
            let (earnings, call_minutes, gifts_received) = f.map_or((0, 0, 0), |f| (f.1, f.2, f.3));
            DayFigures { day, earnings, call_minutes, gifts_received }
        })
        .collect())
}

/// A host's own numbers.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub earnings_today: i64,
    pub earnings_week: i64,
    pub unsettled_earnings: i64,
    pub settled_earnings: i64,
    pub call_minutes_today: i64,
    pub call_minutes_week: i64,
    pub call_minutes_total: i64,
    pub gifts_received_total: i64,
    pub agency_id: Option<String>,
    /// Days in the series (`?days=`, 30 by default)
    pub days: i64,
    /// Per UTC day, oldest first, today last
    pub series: Vec<DayFigures>,
}

/// The host panel's figures: earnings today and this week (UTC, weeks from
/// Monday), unsettled and settled earnings, call minutes today and this week,
/// and the last `?days=` days one by one.
pub async fn get_host_dashboard_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Dashboard>> {
    let caller = ctx.caller()?;
    let days = validate::days(ctx.query.get("days"))?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::unauthenticated("account gone"))?;
    let now = chrono::DateTime::from_timestamp_millis(state.now()).unwrap_or_default();
    let week_start = (now - Duration::days(now.weekday().num_days_from_monday() as i64)).format("%Y-%m-%d").to_string();
    // At least this week's days: the week's sums come from the same read.
    let mut all = series(state, std::slice::from_ref(&caller.id), days.max(7)).await?;
    let today = all.last().cloned().expect("one day at least");
    let week = all.iter().filter(|d| d.day >= week_start);
    let (earnings_week, call_minutes_week) = week.fold((0, 0), |(e, m), d| (e + d.earnings, m + d.call_minutes));
    let series = all.split_off(all.len() - days as usize);
    Ok(Json::new(Dashboard {
        earnings_today: today.earnings,
        earnings_week,
        unsettled_earnings: me.earnings,
        settled_earnings: me.settled_earnings,
        call_minutes_today: today.call_minutes,
        call_minutes_week,
        call_minutes_total: me.call_minutes,
        gifts_received_total: me.gifts_received,
        agency_id: me.agency_id.clone(),
        days,
        series,
    }))
}

/// An agency's numbers over its current hosts.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyDashboard {
    pub hosts: i64,
    pub unsettled_earnings: i64,
    pub settled_earnings: i64,
    pub call_minutes_total: i64,
    pub gifts_received_total: i64,
    pub days: i64,
    /// Per UTC day, oldest first, today last: the hosts' sums
    pub series: Vec<DayFigures>,
}

/// The agency panel's figures: its hosts' totals and their earnings, call
/// minutes and gifts per day (hosts × days day items, 100 per BatchGetItem).
pub async fn get_agency_dashboard_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyDashboard>> {
    let agency = my_agency(state, ctx).await?;
    let days = validate::days(ctx.query.get("days"))?;
    let ids = state.db.agency_host_ids(&agency.id).await?;
    let hosts = state.db.get_accounts(&ids).await?;
    let sum = |f: fn(&store::Account) -> i64| hosts.iter().map(f).sum::<i64>();
    Ok(Json::new(AgencyDashboard {
        hosts: hosts.len() as i64,
        unsettled_earnings: sum(|h| h.earnings),
        settled_earnings: sum(|h| h.settled_earnings),
        call_minutes_total: sum(|h| h.call_minutes),
        gifts_received_total: sum(|h| h.gifts_received),
        days,
        series: series(state, &ids, days).await?,
    }))
}
