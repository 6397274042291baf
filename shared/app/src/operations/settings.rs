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
    /// RFC 3339; null until an admin first saves them
    #[schema(format = DateTime)]
    pub updated_at: Option<String>,
}

fn settings_view(s: &store::Settings) -> SettingsView {
    SettingsView {
        pk_winner_bonus_pct: s.pk_winner_bonus_pct,
        room_owner_share_pct: s.room_owner_share_pct,
        big_gift_coins: s.big_gift_coins,
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
}

fn percent(field: &str, v: i64) -> DomainResult<i64> {
    if (0..=50).contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::invalid(format!("{field}: a whole number from 0 to 50")))
    }
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
        if !(1..=1_000_000).contains(&v) {
            return Err(DomainError::invalid("big_gift_coins: a whole number from 1 to 1,000,000"));
        }
        s.big_gift_coins = v;
    }
    s.updated_at = state.now();
    state.db.put_settings(&s).await?;
    Ok(Json::new(settings_view(&s)).with_before(before))
}
