//! The platform's counters for the admin dashboard: per UTC day (accounts
//! created, coins sold, gifts, call minutes, host earnings, settlements) and
//! running totals (unsettled host earnings, coins in wallets).
//!
//! They are derived from the ledger entries a transaction writes, by
//! `transact` itself, so every money path counts without remembering to: the
//! transaction's event carries its counts (`crate::wallet::events`), and the
//! aggregator adds them once, off the request path, to one of `STATS_SHARDS`
//! shards (picked by the batch's first event id); reads merge the shards.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::db::Db;
use crate::core::db::{Action, Item, TxItem, attr_n, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::wallet::counts::Counters;

/// One UTC day's counters, summed over the shards.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DayStats {
    /// `yyyy-mm-dd`.
    pub day: String,
    pub new_users: i64,
    /// Coins credited by paid recharges (bonus included).
    pub coins_sold: i64,
    pub recharges: i64,
    /// Coins granted by admins (corrections negative).
    pub coins_granted: i64,
    pub gifts_sent: i64,
    pub gift_coins: i64,
    /// Call minutes passed to hosts (billed minutes).
    pub call_minutes: i64,
    /// Coins hosts earned (gifts and call minutes).
    pub host_earnings: i64,
    /// Host earnings settled (paid out).
    pub settled_coins: i64,
    /// Coins refunds and chargebacks took back (from wallets or as debt; reversals count negative).
    pub coins_refunded: i64,
}

/// Running totals, summed over the shards.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub unsettled_earnings: i64,
    pub wallet_coins: i64,
    pub coin_debt: i64,
    /// Bonus coins held, and hosts' pay for bonus gifts (the promotion expense).
    pub bonus_coins: i64,
    pub promo_expense: i64,
    /// Paid coins spent on what no one earns (VIP).
    pub platform_revenue: i64,
    /// Coins refunded after the clawback hold that hosts had earned: the platform bears them.
    pub chargeback_loss: i64,
    /// Money hosts and agencies may withdraw (minor units).
    pub payable_minor: i64,
}

const DAY_FIELDS: [&str; 10] = [
    "new_users",
    "coins_sold",
    "recharges",
    "coins_granted",
    "gifts_sent",
    "gift_coins",
    "call_minutes",
    "host_earnings",
    "settled_coins",
    "coins_refunded",
];

impl DayStats {
    /// The counters in `DAY_FIELDS` order.
    fn counts_mut(&mut self) -> [&mut i64; 10] {
        [
            &mut self.new_users,
            &mut self.coins_sold,
            &mut self.recharges,
            &mut self.coins_granted,
            &mut self.gifts_sent,
            &mut self.gift_coins,
            &mut self.call_minutes,
            &mut self.host_earnings,
            &mut self.settled_coins,
            &mut self.coins_refunded,
        ]
    }

    /// Adds another day's counters to these (a period's sums).
    pub fn add(&mut self, other: &DayStats) {
        let mut other = other.clone();
        for (mine, theirs) in self.counts_mut().into_iter().zip(other.counts_mut()) {
            *mine += *theirs;
        }
    }
}

impl Db {
    /// Adds `counts` to the day of `at`, on the shard of `seed` (an id).
    pub(crate) fn count_day(&self, day: &str, seed: &str, counts: &Counters) -> TxItem {
        self.counter_add(keys::stats_day(day, keys::shard_of(seed, keys::STATS_SHARDS)), counts, Some(day))
    }

    /// Adds `counts` to the running totals, on the shard of `seed` (an id).
    pub(crate) fn count_totals(&self, seed: &str, counts: &Counters) -> TxItem {
        self.counter_add(keys::stats_total(keys::shard_of(seed, keys::STATS_SHARDS)), counts, None)
    }

    fn counter_add(&self, pk: String, counts: &Counters, day: Option<&str>) -> TxItem {
        let adds: Vec<String> = counts.keys().enumerate().map(|(i, f)| format!("{f} :v{i}")).collect();
        let set = if day.is_some() { "SET #day = :day " } else { "" };
        let mut a = Action::update(self, pk, keys::STATS, format!("{set}ADD {}", adds.join(", ")));
        if let Some(d) = day {
            a = a.name("#day", "day").val(":day", str_av(d));
        }
        // `ADD` without a condition: it never cancels the transaction.
        counts.values().enumerate().fold(a, |a, (i, v)| a.val(&format!(":v{i}"), num_av(*v))).because("balance_changed")
    }

    /// The counters of `days` (`yyyy-mm-dd`), in that order; days without
    /// activity are all zeros.
    pub async fn day_stats(&self, days: &[String]) -> Result<Vec<DayStats>> {
        let mut by_day: BTreeMap<String, DayStats> = BTreeMap::new();
        let keys: Vec<Item> = days
            .iter()
            .flat_map(|d| (0..keys::STATS_SHARDS).map(move |k| Self::key(keys::stats_day(d, k), keys::STATS)))
            .collect();
        for chunk in keys.chunks(100) {
            for item in self.batch_get(chunk.to_vec()).await? {
                let Some(day) = item.get("day").and_then(|v| v.as_s().ok()) else { continue };
                let d = by_day.entry(day.clone()).or_default();
                for (field, slot) in DAY_FIELDS.iter().zip(d.counts_mut()) {
                    *slot += attr_n(&item, field).unwrap_or(0);
                }
            }
        }
        Ok(days.iter().map(|d| DayStats { day: d.clone(), ..by_day.remove(d).unwrap_or_default() }).collect())
    }

    /// Per gift type: (how many were sent, for how many coins), summed over the lanes.
    pub async fn gift_counts(&self, gift_ids: &[&str]) -> Result<BTreeMap<String, (i64, i64)>> {
        let keys = (0..keys::STATS_SHARDS).map(|k| Self::key(keys::stats_gifts(k), keys::STATS)).collect();
        let mut out: BTreeMap<String, (i64, i64)> = gift_ids.iter().map(|g| (g.to_string(), (0, 0))).collect();
        for item in self.batch_get(keys).await? {
            for (id, slot) in out.iter_mut() {
                slot.0 += attr_n(&item, &format!("sent#{id}")).unwrap_or(0);
                slot.1 += attr_n(&item, &format!("coins#{id}")).unwrap_or(0);
            }
        }
        Ok(out)
    }

    /// Adds gift types' counts (gift → (sent, coins)) on the lane of `seed`.
    pub(crate) fn count_gifts(&self, seed: &str, counts: &BTreeMap<String, (i64, i64)>) -> TxItem {
        let lane = keys::stats_gifts(keys::shard_of(seed, keys::STATS_SHARDS));
        let adds: Vec<String> = (0..counts.len()).map(|i| format!("#s{i} :s{i}, #c{i} :c{i}")).collect();
        let mut a = Action::update(self, lane, keys::STATS, format!("ADD {}", adds.join(", ")));
        for (i, (gift, (sent, coins))) in counts.iter().enumerate() {
            a = a
                .name(&format!("#s{i}"), &format!("sent#{gift}"))
                .name(&format!("#c{i}"), &format!("coins#{gift}"))
                .val(&format!(":s{i}"), num_av(*sent))
                .val(&format!(":c{i}"), num_av(*coins));
        }
        a.because("balance_changed")
    }

    /// The running totals.
    pub async fn stats_totals(&self) -> Result<Totals> {
        let keys = (0..keys::STATS_SHARDS).map(|k| Self::key(keys::stats_total(k), keys::STATS)).collect();
        let mut t = Totals::default();
        for item in self.batch_get(keys).await? {
            t.unsettled_earnings += attr_n(&item, "unsettled_earnings").unwrap_or(0);
            t.wallet_coins += attr_n(&item, "wallet_coins").unwrap_or(0);
            t.coin_debt += attr_n(&item, "coin_debt").unwrap_or(0);
            t.bonus_coins += attr_n(&item, "bonus_coins").unwrap_or(0);
            t.promo_expense += attr_n(&item, "promo_expense").unwrap_or(0);
            t.platform_revenue += attr_n(&item, "platform_revenue").unwrap_or(0);
            t.chargeback_loss += attr_n(&item, "chargeback_loss").unwrap_or(0);
            t.payable_minor += attr_n(&item, "payable_minor").unwrap_or(0);
        }
        Ok(t)
    }

    /// How many rooms are live now (a count over the live-room shards).
    pub async fn count_live_rooms(&self) -> Result<i64> {
        let counts = (0..keys::LIVE_ROOM_SHARDS)
            .map(|shard| self.count_in(&crate::core::table::GSI3, keys::live_rooms(shard), None));
        Ok(futures_util::future::try_join_all(counts).await?.into_iter().sum())
    }
}
