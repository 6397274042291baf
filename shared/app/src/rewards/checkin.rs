//! `POST /me/check-in`: once an economy day, a 7-day ladder of bonus coins;
//! a missed day starts the ladder again at day 1.

use chrono::Datelike;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::http::{Created, Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::views;

const DAY_MS: i64 = 86_400_000;

/// The economy day (`yyyy-mm-dd`) of `now`: days start at 00:00 UTC plus `offset_minutes`.
pub fn economy_day(now: i64, offset_minutes: i64) -> String {
    store::day_of(now - offset_minutes * 60_000)
}

/// The task progress periods of `now`: its economy day, its week (Monday
/// first) and all time.
pub fn task_periods(now: i64, offset_minutes: i64) -> store::Periods {
    let day = economy_day(now, offset_minutes);
    let date = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap_or_default();
    let week = date.iso_week();
    store::Periods(vec![format!("D#{day}"), format!("W#{}-W{:02}", week.year(), week.week()), "O".into()])
}

/// A check-in's reward.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckedIn {
    /// Which day of the 7-day cycle this was (1–7)
    #[schema(minimum = 1, maximum = 7)]
    pub day_in_cycle: i64,
    /// Bonus coins granted
    pub reward: i64,
    /// The economy day checked in (yyyy-mm-dd)
    pub day: String,
    /// When the granted coins expire (RFC 3339)
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub wallet: views::Wallet,
}

/// Where the caller stands in the ladder.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInStatus {
    pub checked_in_today: bool,
    /// Today's day of the cycle if checked in, else the day a check-in now would be
    #[schema(minimum = 1, maximum = 7)]
    pub day_in_cycle: i64,
    /// Bonus coins of each day of the cycle
    pub rewards: Vec<i64>,
}

/// The cycle day of a check-in on `day`, from yesterday's claim (1 after a missed day).
async fn cycle_day(state: &AppState, account: &str, now: i64, offset: i64) -> DomainResult<(String, Option<i64>, i64)> {
    let day = economy_day(now, offset);
    let today = state.db.get_claim(account, "checkin", &day).await?;
    let n = |i: &store::reconcile::Item| store::reconcile::attr_n(i, "day_in_cycle");
    if let Some(t) = today {
        return Ok((day, n(&t), n(&t).unwrap_or(1)));
    }
    let yesterday = state.db.get_claim(account, "checkin", &economy_day(now - DAY_MS, offset)).await?;
    let next = yesterday.as_ref().and_then(n).map_or(1, |d| d % 7 + 1);
    Ok((day, None, next))
}

pub async fn check_in_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<CheckedIn>> {
    let caller = ctx.caller()?;
    let now = state.now();
    let settings = state.db.get_settings().await?;
    let (day, done, n) = cycle_day(state, &caller.id, now, settings.economy_day_offset_minutes).await?;
    if done.is_some() {
        return Err(store::Error::Condition("already_checked_in").into());
    }
    let reward = settings.check_in_rewards.get(n as usize - 1).copied().unwrap_or(0);
    let grant = store::BonusGrant::new(&caller.id, reward, "check_in", Some(day.clone()), now);
    let claim = store::Claim {
        kind: "checkin",
        period: day.clone(),
        attrs: vec![("day_in_cycle", n)],
        reason: "already_checked_in",
    };
    // Two at once: one claim is written, the other's transaction is refused (409).
    state.db.grant_bonus(&grant, Some(&claim)).await?;
    let a = state.own_account(&caller.id).await?;
    Ok(Created::new(CheckedIn {
        day_in_cycle: n,
        reward,
        day,
        expires_at: views::time(grant.expires_at),
        wallet: views::Wallet::of(&a),
    }))
}

pub async fn get_check_in_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<CheckInStatus>> {
    let caller = ctx.caller()?;
    let settings = state.db.get_settings().await?;
    let (_, done, n) = cycle_day(state, &caller.id, state.now(), settings.economy_day_offset_minutes).await?;
    Ok(Json::new(CheckInStatus {
        checked_in_today: done.is_some(),
        day_in_cycle: n,
        rewards: settings.check_in_rewards,
    }))
}
