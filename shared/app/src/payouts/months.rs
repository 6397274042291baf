//! Host months: the targets (tiers of valid days, valid hours and earnings,
//! each with a salary) frozen when the month starts, and where a host
//! stands in its month, live, with the gap to the next tier.
//!
//! Valid time is a day's live sessions of at least 30 minutes plus its paid
//! call minutes, at most 2 hours counted a day; a valid day has at least
//! 60. The earnings basis is what paid coins earned, net of clawbacks
//! (bonus gifts pay but count for no target). Both come from the host's day
//! items, which the aggregator and the room's end write (UTC days).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{HostDay, HostTarget, HostTargets};

use crate::http::{Ctx, Json};
use crate::kernel::calendar::{days_of, month_bounds, month_of, month_param};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::{AppState, DomainError};

const MIN: i64 = 60_000;
/// A live session counts from 30 minutes.
pub const MIN_SESSION_MINUTES: i64 = 30;
/// At most this much of a day counts.
pub const DAY_CAP_MINUTES: i64 = 120;
/// A valid day has at least this much.
pub const VALID_DAY_MINUTES: i64 = 60;

/// A live session's minutes by UTC day, when it lasted long enough to count.
pub fn live_minutes(started_at: i64, ended_at: i64) -> Vec<(String, i64)> {
    if ended_at - started_at < MIN_SESSION_MINUTES * MIN {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut at = started_at;
    while at < ended_at {
        let next_day = (at.div_euclid(86_400_000) + 1) * 86_400_000;
        let until = next_day.min(ended_at);
        let minutes = (until - at) / MIN;
        if minutes > 0 {
            out.push((store::day_of(at), minutes));
        }
        at = until;
    }
    out
}

/// A month's targets: as an admin set them, else the defaults.
pub async fn targets_for(state: &AppState, month: &str) -> DomainResult<HostTargets> {
    Ok(state.db.get_host_targets(month).await?.unwrap_or_else(|| HostTargets::defaults(month)))
}

/// What a host's days add up to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub valid_days: i64,
    pub valid_minutes: i64,
    pub earnings_coins: i64,
}

pub fn figures(days: &[HostDay]) -> Figures {
    let mut f = Figures::default();
    for d in days {
        let minutes = (d.live_minutes + d.call_minutes).min(DAY_CAP_MINUTES);
        f.valid_minutes += minutes;
        f.valid_days += i64::from(minutes >= VALID_DAY_MINUTES);
        f.earnings_coins += d.earned - d.bonus_earned;
    }
    f
}

fn meets(f: &Figures, t: &HostTarget) -> bool {
    f.earnings_coins >= t.min_earnings_coins
        && f.valid_days >= t.min_valid_days
        && f.valid_minutes >= t.min_valid_hours * 60
}

/// The highest tier `f` meets (no cliff is hidden: every tier's figures are shown).
pub fn tier_reached<'a>(f: &Figures, t: &'a HostTargets) -> Option<&'a HostTarget> {
    t.tiers.iter().filter(|t| meets(f, t)).max_by_key(|t| t.tier)
}

/// One tier of a month's targets.
#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct TargetTier {
    #[schema(minimum = 1, maximum = 10)]
    pub tier: i64,
    #[schema(minimum = 0)]
    pub min_earnings_coins: i64,
    #[schema(minimum = 0, maximum = 31)]
    pub min_valid_days: i64,
    #[schema(minimum = 0, maximum = 62)]
    pub min_valid_hours: i64,
    /// Paid to the host's payable_minor when the month's statement is final
    #[schema(minimum = 0)]
    pub salary_minor: i64,
    /// Paid to the host's agency with its month statement
    #[schema(minimum = 0)]
    pub agency_bonus_minor: i64,
}

fn tier_view(t: &HostTarget) -> TargetTier {
    TargetTier {
        tier: t.tier,
        min_earnings_coins: t.min_earnings_coins,
        min_valid_days: t.min_valid_days,
        min_valid_hours: t.min_valid_hours,
        salary_minor: t.salary_minor,
        agency_bonus_minor: t.agency_bonus_minor,
    }
}

/// A month's targets.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsView {
    pub month: String,
    pub tiers: Vec<TargetTier>,
    /// false: the defaults (no admin set this month's)
    pub custom: bool,
    /// true once the month started: they no longer change
    pub frozen: bool,
}

fn targets_view(state: &AppState, t: &HostTargets) -> TargetsView {
    let started = month_bounds(&t.month).is_some_and(|(start, _)| state.now() >= start);
    TargetsView {
        month: t.month.clone(),
        tiers: t.tiers.iter().map(tier_view).collect(),
        custom: t.updated_at > 0,
        frozen: started,
    }
}

/// `GET /admin/host-targets/{month}`.
pub async fn get_host_targets_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<TargetsView>> {
    let month = month_param("month", ctx.param("month"))?;
    Ok(Json::new(targets_view(state, &targets_for(state, &month).await?)))
}

/// `PUT /admin/host-targets/{month}` `[{tier, ...}]`: a month not started
/// yet (409 `month_started`: an edit applies from the next month).
pub async fn put_host_targets_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<TargetsView>> {
    let month = month_param("month", ctx.param("month"))?;
    let tiers: Vec<TargetTier> = ctx.json_list()?;
    let (start, _) = month_bounds(&month).unwrap_or_default();
    if state.now() >= start {
        return Err(DomainError::conflict("month_started", format!("{month} has started: its targets are frozen")));
    }
    if tiers.is_empty() || tiers.len() > 10 {
        return Err(DomainError::invalid("body: 1 to 10 tiers"));
    }
    for (i, t) in tiers.iter().enumerate() {
        let field = |f: &str| format!("[{i}].{f}");
        let within = |f: &str, v: i64, max: i64| {
            if (0..=max).contains(&v) {
                Ok(())
            } else {
                Err(DomainError::invalid(format!("{}: a whole number from 0 to {max}", field(f))))
            }
        };
        if t.tier != i as i64 + 1 {
            return Err(DomainError::invalid(format!("{}: tiers run 1, 2, 3 … in order", field("tier"))));
        }
        within("min_earnings_coins", t.min_earnings_coins, 1_000_000_000)?;
        within("min_valid_days", t.min_valid_days, 31)?;
        within("min_valid_hours", t.min_valid_hours, 62)?;
        within("salary_minor", t.salary_minor, 1_000_000_000)?;
        within("agency_bonus_minor", t.agency_bonus_minor, 1_000_000_000)?;
        if let Some(prev) = i.checked_sub(1).map(|p| &tiers[p])
            && (t.min_earnings_coins < prev.min_earnings_coins
                || t.min_valid_days < prev.min_valid_days
                || t.min_valid_hours < prev.min_valid_hours)
        {
            return Err(DomainError::invalid(format!("[{i}]: each tier asks at least what the one below asks")));
        }
    }
    let before = targets_view(state, &targets_for(state, &month).await?);
    let t = HostTargets {
        month,
        tiers: tiers
            .into_iter()
            .map(|t| HostTarget {
                tier: t.tier,
                min_earnings_coins: t.min_earnings_coins,
                min_valid_days: t.min_valid_days,
                min_valid_hours: t.min_valid_hours,
                salary_minor: t.salary_minor,
                agency_bonus_minor: t.agency_bonus_minor,
            })
            .collect(),
        updated_at: state.now(),
    };
    state.db.put_host_targets(&t).await?;
    Ok(Json::new(targets_view(state, &t)).with_before(before))
}

/// How far a host is from a tier (0 where it is met).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierGaps {
    pub earnings_coins: i64,
    pub valid_days: i64,
    pub valid_hours: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NextTier {
    pub tier: i64,
    pub salary_minor: i64,
    pub gaps: TierGaps,
}

/// Where a host stands in a month.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostMonth {
    pub month: String,
    pub valid_days: i64,
    /// Whole hours of valid time (`valid_minutes` / 60)
    pub valid_hours: i64,
    pub valid_minutes: i64,
    /// Earnings from paid coins net of clawbacks (bonus gifts left out)
    pub earnings_coins: i64,
    /// 0: none yet
    pub tier_reached: i64,
    /// The salary of the tier reached (paid when the month's statement is final)
    pub salary_minor: i64,
    /// The next tier up and what is missing (null at the top)
    pub next_tier: Option<NextTier>,
    /// Every tier of the month, as frozen when it started
    pub tiers: Vec<TargetTier>,
    pub currency: String,
}

pub fn host_month(state: &AppState, month: &str, f: &Figures, t: &HostTargets) -> HostMonth {
    let reached = tier_reached(f, t);
    let level = reached.map_or(0, |t| t.tier);
    let next = t.tiers.iter().filter(|t| t.tier > level).min_by_key(|t| t.tier).map(|n| NextTier {
        tier: n.tier,
        salary_minor: n.salary_minor,
        gaps: TierGaps {
            earnings_coins: (n.min_earnings_coins - f.earnings_coins).max(0),
            valid_days: (n.min_valid_days - f.valid_days).max(0),
            valid_hours: ((n.min_valid_hours * 60 - f.valid_minutes).max(0) + 59) / 60,
        },
    });
    HostMonth {
        month: month.into(),
        valid_days: f.valid_days,
        valid_hours: f.valid_minutes / 60,
        valid_minutes: f.valid_minutes,
        earnings_coins: f.earnings_coins,
        tier_reached: level,
        salary_minor: reached.map_or(0, |t| t.salary_minor),
        next_tier: next,
        tiers: t.tiers.iter().map(tier_view).collect(),
        currency: state.config.settlement_currency.clone(),
    }
}

/// `GET /host/month?month=yyyy-mm` (this month by default), live.
pub async fn get_host_month_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<HostMonth>> {
    let caller = ctx.caller()?;
    let month = match ctx.query.get("month") {
        Some(m) => month_param("month", m)?,
        None => month_of(state.now()),
    };
    let days = state.db.host_days(&caller.id, &days_of(&month)).await?;
    let t = targets_for(state, &month).await?;
    Ok(Json::new(host_month(state, &month, &figures(&days), &t)))
}

pub fn check_id(raw: &str) -> DomainResult<String> {
    validate::id("id", raw).map_err(|_| DomainError::not_found("no such statement"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_counts_from_30_minutes_split_by_day() {
        let day = 86_400_000;
        assert!(live_minutes(0, 29 * MIN).is_empty());
        assert_eq!(live_minutes(0, 30 * MIN), vec![("1970-01-01".to_string(), 30)]);
        let across = live_minutes(day - 20 * MIN, day + 40 * MIN);
        assert_eq!(across, vec![("1970-01-01".to_string(), 20), ("1970-01-02".to_string(), 40)]);
    }

    #[test]
    fn a_day_counts_at_most_two_hours_and_is_valid_from_one() {
        let d = |live, call, earned, bonus| HostDay {
            day: "d".into(),
            earned,
            bonus_earned: bonus,
            live_minutes: live,
            call_minutes: call,
        };
        let f = figures(&[d(200, 0, 100, 0), d(40, 19, 50, 20), d(30, 30, 0, 0)]);
        assert_eq!(f, Figures { valid_days: 2, valid_minutes: 120 + 59 + 60, earnings_coins: 130 });
        let t = HostTargets::defaults("2026-12");
        assert!(tier_reached(&f, &t).is_none());
    }
}
