//! `GET|PUT /admin/settings`: the percentages and thresholds admins set at run time.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// The run-time settings.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsView {
    /// Percent of a PK winner's score the platform adds to its earnings (0–50)
    pub pk_winner_bonus_pct: i64,
    /// Percent of a gift to a seated guest that goes to the room's owner (0–50)
    pub room_owner_share_pct: i64,
    /// A gift of at least this many coins is its own entry in a room's `gifts` message, never merged (1–1,000,000)
    pub big_gift_coins: i64,
    /// Basis points of a bonus gift's value its host earns, booked as the platform's promotion expense (0–5,000)
    pub bonus_host_rate_bps: i64,
    /// The most bonus coins the first-recharge offer gives (0–1,000,000)
    pub first_recharge_max_bonus: i64,
    /// Minutes after 00:00 UTC the economy day starts: check-in, daily tasks and claims (-720–840)
    pub economy_day_offset_minutes: i64,
    /// Bonus coins of each day of the daily check-in's 7-day cycle (each 0–100,000)
    pub check_in_rewards: Vec<i64>,
    /// What a host may charge a minute by charm level (none: no cap)
    pub call_price_bands: Vec<PriceBand>,
    /// Basis points of a settlement's gross paid to the host; the agency's commission comes out of the rest (0–10,000)
    pub host_share_bps: i64,
    /// Days earnings wait before a settlement pays them; refunds inside take them back (0–90)
    pub clawback_hold_days: i64,
    /// Hours a new or changed payout account waits before withdrawals to it (0–720)
    pub payout_account_hold_hours: i64,
    /// The smallest withdrawal, minor units (1–100,000,000)
    pub withdrawal_min_minor: i64,
    /// The most an account may withdraw in 7 days, minor units (1–1,000,000,000)
    pub withdrawal_max_minor_per_7_days: i64,
    /// A withdrawal's flat fee, minor units, inside the amount (0–1,000,000)
    pub withdrawal_fee_flat_minor: i64,
    /// A withdrawal's fee in basis points of the amount, on top of the flat fee (0–2,000)
    pub withdrawal_fee_bps: i64,
    /// RFC 3339; null until an admin first saves them
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

fn settings_view(s: &store::Settings) -> SettingsView {
    SettingsView {
        pk_winner_bonus_pct: s.pk_winner_bonus_pct,
        room_owner_share_pct: s.room_owner_share_pct,
        big_gift_coins: s.big_gift_coins,
        bonus_host_rate_bps: s.bonus_host_rate_bps,
        first_recharge_max_bonus: s.first_recharge_max_bonus,
        economy_day_offset_minutes: s.economy_day_offset_minutes,
        check_in_rewards: s.check_in_rewards.clone(),
        call_price_bands: s
            .call_price_bands
            .iter()
            .map(|[l, p]| PriceBand { min_charm_level: *l, max_price_per_minute: *p })
            .collect(),
        host_share_bps: s.host_share_bps,
        clawback_hold_days: s.clawback_hold_days,
        payout_account_hold_hours: s.payout_account_hold_hours,
        withdrawal_min_minor: s.withdrawal_min_minor,
        withdrawal_max_minor_per_7_days: s.withdrawal_max_minor_per_7_days,
        withdrawal_fee_flat_minor: s.withdrawal_fee_flat_minor,
        withdrawal_fee_bps: s.withdrawal_fee_bps,
        updated_at: (s.updated_at > 0).then(|| views::time(s.updated_at)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChanges {
    #[schema(minimum = 0, maximum = 50)]
    pub pk_winner_bonus_pct: Option<i64>,
    #[schema(minimum = 0, maximum = 50)]
    pub room_owner_share_pct: Option<i64>,
    #[schema(minimum = 1, maximum = 1000000)]
    pub big_gift_coins: Option<i64>,
    #[schema(minimum = 0, maximum = 5000)]
    pub bonus_host_rate_bps: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub first_recharge_max_bonus: Option<i64>,
    #[schema(minimum = -720, maximum = 840)]
    pub economy_day_offset_minutes: Option<i64>,
    #[schema(min_items = 7, max_items = 7)]
    pub check_in_rewards: Option<Vec<i64>>,
    #[schema(max_items = 50)]
    pub call_price_bands: Option<Vec<PriceBand>>,
    #[schema(minimum = 0, maximum = 10000)]
    pub host_share_bps: Option<i64>,
    #[schema(minimum = 0, maximum = 90)]
    pub clawback_hold_days: Option<i64>,
    #[schema(minimum = 0, maximum = 720)]
    pub payout_account_hold_hours: Option<i64>,
    #[schema(minimum = 1, maximum = 100000000)]
    pub withdrawal_min_minor: Option<i64>,
    #[schema(minimum = 1, maximum = 1000000000)]
    pub withdrawal_max_minor_per_7_days: Option<i64>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub withdrawal_fee_flat_minor: Option<i64>,
    #[schema(minimum = 0, maximum = 2000)]
    pub withdrawal_fee_bps: Option<i64>,
}

/// From a charm level on, the most a host may charge a minute.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceBand {
    #[schema(minimum = 1, maximum = 50)]
    pub min_charm_level: i64,
    #[schema(minimum = 1, maximum = 100000)]
    pub max_price_per_minute: i64,
}

/// `v` when within `range`, else 400 naming `field`.
fn within(field: &str, v: i64, range: std::ops::RangeInclusive<i64>) -> DomainResult<i64> {
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::invalid(format!("{field}: a whole number from {} to {}", range.start(), range.end())))
    }
}

fn percent(field: &str, v: i64) -> DomainResult<i64> {
    within(field, v, 0..=50)
}

pub async fn get_settings_http(state: &AppState, _ctx: &Ctx) -> DomainResult<Json<SettingsView>> {
    Ok(Json::new(settings_view(&state.db.get_settings().await?)))
}

pub async fn put_settings_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SettingsView>> {
    let input: SettingsChanges = ctx.json()?;
    let mut s = state.db.get_settings().await?;
    // The audit log shows what the change replaced.
    let before = settings_view(&s);
    if let Some(v) = input.pk_winner_bonus_pct {
        s.pk_winner_bonus_pct = percent("pk_winner_bonus_pct", v)?;
    }
    if let Some(v) = input.room_owner_share_pct {
        s.room_owner_share_pct = percent("room_owner_share_pct", v)?;
    }
    if let Some(v) = input.big_gift_coins {
        s.big_gift_coins = within("big_gift_coins", v, 1..=1_000_000)?;
    }
    if let Some(v) = input.bonus_host_rate_bps {
        s.bonus_host_rate_bps = within("bonus_host_rate_bps", v, 0..=5_000)?;
    }
    if let Some(v) = input.first_recharge_max_bonus {
        s.first_recharge_max_bonus = within("first_recharge_max_bonus", v, 0..=1_000_000)?;
    }
    if let Some(v) = input.economy_day_offset_minutes {
        s.economy_day_offset_minutes = within("economy_day_offset_minutes", v, -720..=840)?;
    }
    if let Some(v) = input.check_in_rewards {
        if v.len() != 7 {
            return Err(DomainError::invalid("check_in_rewards: 7 amounts, one a day of the cycle"));
        }
        for (i, r) in v.iter().enumerate() {
            within(&format!("check_in_rewards[{i}]"), *r, 0..=100_000)?;
        }
        s.check_in_rewards = v;
    }
    if let Some(bands) = input.call_price_bands {
        if bands.len() > 50 {
            return Err(DomainError::invalid("call_price_bands: at most 50 bands"));
        }
        for (i, b) in bands.iter().enumerate() {
            within(&format!("call_price_bands[{i}].min_charm_level"), b.min_charm_level, 1..=50)?;
            within(&format!("call_price_bands[{i}].max_price_per_minute"), b.max_price_per_minute, 1..=100_000)?;
            if i > 0 && b.min_charm_level <= bands[i - 1].min_charm_level {
                return Err(DomainError::invalid(format!(
                    "call_price_bands[{i}].min_charm_level: bands run by rising level"
                )));
            }
        }
        s.call_price_bands = bands.iter().map(|b| [b.min_charm_level, b.max_price_per_minute]).collect();
    }
    let ranges: [(&str, Option<i64>, &mut i64, std::ops::RangeInclusive<i64>); 7] = [
        ("host_share_bps", input.host_share_bps, &mut s.host_share_bps, 0..=10_000),
        ("clawback_hold_days", input.clawback_hold_days, &mut s.clawback_hold_days, 0..=90),
        ("payout_account_hold_hours", input.payout_account_hold_hours, &mut s.payout_account_hold_hours, 0..=720),
        ("withdrawal_min_minor", input.withdrawal_min_minor, &mut s.withdrawal_min_minor, 1..=100_000_000),
        (
            "withdrawal_max_minor_per_7_days",
            input.withdrawal_max_minor_per_7_days,
            &mut s.withdrawal_max_minor_per_7_days,
            1..=1_000_000_000,
        ),
        ("withdrawal_fee_flat_minor", input.withdrawal_fee_flat_minor, &mut s.withdrawal_fee_flat_minor, 0..=1_000_000),
        ("withdrawal_fee_bps", input.withdrawal_fee_bps, &mut s.withdrawal_fee_bps, 0..=2_000),
    ];
    for (field, v, slot, range) in ranges {
        if let Some(v) = v {
            *slot = within(field, v, range)?;
        }
    }
    s.updated_at = state.now();
    state.db.put_settings(&s).await?;
    Ok(Json::new(settings_view(&s)).with_before(before))
}
