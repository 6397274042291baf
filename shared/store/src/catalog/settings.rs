//! The settings admins change at run time (one item): the PK winner's bonus
//! a room owner's share of gifts to its guests, and which gifts a room's
//! channel announces on their own.

use serde::{Deserialize, Serialize};

use crate::core::db::{Db, Item};
use crate::core::error::Result;
use crate::core::keys;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Percent of the PK winner's score the platform pays it (0–50).
    #[serde(default)]
    pub pk_winner_bonus_pct: i64,
    /// Percent of a gift to a seated guest that goes to the room's owner (0–50).
    #[serde(default = "default_room_owner_share")]
    pub room_owner_share_pct: i64,
    /// A gift of at least this many coins is its own entry in a room's `gifts` message.
    #[serde(default = "default_big_gift_coins")]
    pub big_gift_coins: i64,
    /// Basis points of a bonus gift's value its host earns (0–5,000), the platform's promotion expense.
    #[serde(default)]
    pub bonus_host_rate_bps: i64,
    /// The most bonus coins the first-recharge offer gives.
    #[serde(default = "default_first_recharge_max_bonus")]
    pub first_recharge_max_bonus: i64,
    /// Minutes after 00:00 UTC the economy day (check-in, daily tasks and claims) starts.
    #[serde(default)]
    pub economy_day_offset_minutes: i64,
    /// Bonus coins of each day of the 7-day check-in cycle.
    #[serde(default = "default_check_in_rewards")]
    pub check_in_rewards: Vec<i64>,
    /// `[min_charm_level, max_price_per_minute]`, by level: what a host of a
    /// charm level may charge a minute (none: no cap).
    #[serde(default)]
    pub call_price_bands: Vec<[i64; 2]>,
    /// Basis points of a settlement's gross that are the host's (the rest is
    /// the platform's, the agency's commission out of it).
    #[serde(default = "default_host_share_bps")]
    pub host_share_bps: i64,
    /// Days earnings wait before a settlement may pay them: a refund inside
    /// takes them back, after it the platform bears it.
    #[serde(default = "default_clawback_hold_days")]
    pub clawback_hold_days: i64,
    /// Hours a new or changed payout account waits before it is paid to.
    #[serde(default = "default_payout_account_hold_hours")]
    pub payout_account_hold_hours: i64,
    #[serde(default = "default_withdrawal_min_minor")]
    pub withdrawal_min_minor: i64,
    #[serde(default = "default_withdrawal_max_minor_per_7_days")]
    pub withdrawal_max_minor_per_7_days: i64,
    #[serde(default)]
    pub withdrawal_fee_flat_minor: i64,
    #[serde(default = "default_withdrawal_fee_bps")]
    pub withdrawal_fee_bps: i64,
    #[serde(default)]
    pub updated_at: i64,
}

fn default_host_share_bps() -> i64 {
    6_000
}

fn default_clawback_hold_days() -> i64 {
    7
}

fn default_payout_account_hold_hours() -> i64 {
    72
}

fn default_withdrawal_min_minor() -> i64 {
    1_000
}

fn default_withdrawal_max_minor_per_7_days() -> i64 {
    500_000
}

fn default_withdrawal_fee_bps() -> i64 {
    100
}

/// The wealth and charm level tables: `[level, xp]` steps (empty: the defaults).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LevelTables {
    #[serde(default)]
    pub wealth: Vec<[i64; 2]>,
    #[serde(default)]
    pub charm: Vec<[i64; 2]>,
    #[serde(default)]
    pub updated_at: i64,
}

fn default_check_in_rewards() -> Vec<i64> {
    vec![5, 5, 10, 10, 15, 15, 40]
}

fn default_first_recharge_max_bonus() -> i64 {
    1000
}

fn default_big_gift_coins() -> i64 {
    1000
}

fn default_room_owner_share() -> i64 {
    10
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pk_winner_bonus_pct: 0,
            room_owner_share_pct: default_room_owner_share(),
            big_gift_coins: default_big_gift_coins(),
            bonus_host_rate_bps: 0,
            first_recharge_max_bonus: default_first_recharge_max_bonus(),
            economy_day_offset_minutes: 0,
            check_in_rewards: default_check_in_rewards(),
            call_price_bands: Vec::new(),
            host_share_bps: default_host_share_bps(),
            clawback_hold_days: default_clawback_hold_days(),
            payout_account_hold_hours: default_payout_account_hold_hours(),
            withdrawal_min_minor: default_withdrawal_min_minor(),
            withdrawal_max_minor_per_7_days: default_withdrawal_max_minor_per_7_days(),
            withdrawal_fee_flat_minor: 0,
            withdrawal_fee_bps: default_withdrawal_fee_bps(),
            updated_at: 0,
        }
    }
}

impl Db {
    /// The settings, or the defaults before an admin first saves them.
    pub async fn get_settings(&self) -> Result<Settings> {
        Ok(self.get_as(keys::SETTINGS.to_string(), keys::SETTINGS).await?.unwrap_or_default())
    }

    /// The level tables as admins set them.
    pub async fn get_level_tables(&self) -> Result<LevelTables> {
        Ok(self.get_as(keys::SETTINGS.to_string(), keys::LEVELS).await?.unwrap_or_default())
    }

    pub async fn put_level_tables(&self, v: &LevelTables) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(v)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), keys::LEVELS));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    pub async fn put_settings(&self, v: &Settings) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(v)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), keys::SETTINGS));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }
}
