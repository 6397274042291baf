//! VIP: tiers bought with paid coins, each tier's time kept on the profile
//! (`vip1_ends_at` …), so a purchase is one transaction on the buyer's own
//! items: the coins (conditioned on the balance read), the tier's end
//! (conditioned on the end read), the ledger entry, its event.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::wallet::balance::{IdempotentReply, LedgerEntry};
use crate::wallet::events::Recording;

/// One VIP tier as admins set it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VipTier {
    pub tier: i64,
    pub name: String,
    pub price_coins: i64,
    pub renew_price_coins: i64,
    pub days: i64,
    pub daily_bonus: i64,
}

/// The tiers (`SETTINGS` / `VIPTIERS`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VipTiers {
    pub tiers: Vec<VipTier>,
    #[serde(default)]
    pub updated_at: i64,
}

impl Default for VipTiers {
    fn default() -> Self {
        let tier = |tier: i64, name: &str, price: i64, daily_bonus: i64| VipTier {
            tier,
            name: name.into(),
            price_coins: price,
            renew_price_coins: price * 9 / 10,
            days: 30,
            daily_bonus,
        };
        VipTiers {
            tiers: vec![tier(1, "Silver", 1_000, 20), tier(2, "Gold", 3_000, 50), tier(3, "Diamond", 10_000, 150)],
            updated_at: 0,
        }
    }
}

/// The profile attribute of a tier's end.
pub fn vip_attr(tier: i64) -> String {
    format!("vip{tier}_ends_at")
}

/// A VIP purchase: the buyer's coins `expected` → `expected + entry.amount`,
/// the tier's end `prior` (0: none) → `ends_at`.
pub struct VipPurchase<'a> {
    pub tier: i64,
    pub expected: i64,
    pub prior: i64,
    pub ends_at: i64,
    pub entry: LedgerEntry,
    pub idempotency: Option<(&'a str, &'a str, &'a IdempotentReply)>,
}

/// How long before a tier ends its reminder is due.
pub const REMIND_BEFORE_MS: i64 = 3 * 86_400_000;

/// A reminder due: whose tier, ending when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VipReminder {
    pub account_id: String,
    pub tier: i64,
    pub ends_at: i64,
}

impl Db {
    /// Reminders due at or before `upto` (from the last two days' partitions).
    pub async fn vip_reminders_due(&self, upto: i64) -> Result<Vec<VipReminder>> {
        let mut out = Vec::new();
        for back in 0..2 {
            let day = keys::day_of(upto - back * 86_400_000);
            for shard in 0..keys::VIP_REMINDER_SHARDS {
                for item in self.gsi1_due(&keys::vip_reminders_due(&day, shard), upto).await? {
                    out.push(serde_dynamo::from_item(item)?);
                }
            }
        }
        Ok(out)
    }

    /// Takes a reminder as read (`false`: a purchase moved it, or another run took it).
    pub async fn take_vip_reminder(&self, r: &VipReminder) -> Result<bool> {
        let del = Action::delete(self, keys::account(&r.account_id), &keys::vip_reminder(r.tier))
            .when("ends_at = :ends")
            .val(":ends", num_av(r.ends_at))
            .because("reminder_moved");
        match self.write_one(del).await {
            Ok(()) => Ok(true),
            Err(crate::core::error::Error::Condition("reminder_moved")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn get_vip_tiers(&self) -> Result<VipTiers> {
        Ok(self.get_as(keys::SETTINGS.to_string(), keys::VIP_TIERS).await?.unwrap_or_default())
    }

    pub async fn put_vip_tiers(&self, v: &VipTiers) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(v)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), keys::VIP_TIERS));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// One transaction: `balance_changed` when the coins or the tier's end
    /// moved since read (re-read), `account_banned`, `idempotent_replay`.
    pub async fn buy_vip(&self, p: VipPurchase<'_>) -> Result<()> {
        let account = p.entry.account_id.clone();
        // Never bought: the attribute is absent, or 0 on profiles written whole.
        let prior = if p.prior == 0 { "(attribute_not_exists(#end) OR #end = :prior)" } else { "#end = :prior" };
        let profile = Action::update(
            self,
            keys::account(&account),
            keys::PROFILE,
            "SET coins = :after, #end = :ends ADD wealth_xp :xp",
        )
        .when(format!(
            "coins = :expected AND {prior} AND (attribute_not_exists(coin_debt) OR coin_debt <= :zero) \
             AND NOT (banned = :true)"
        ))
        .name("#end", &vip_attr(p.tier))
        .val(":after", num_av(p.expected + p.entry.amount))
        .val(":expected", num_av(p.expected))
        .val(":ends", num_av(p.ends_at))
        .val(":xp", num_av(-p.entry.amount))
        .val(":zero", num_av(0))
        .val(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
        .val(":prior", num_av(p.prior));
        let mut entry = p.entry;
        entry.balance_after = Some(p.expected + entry.amount);
        // The push 3 days before the tier ends: one reminder a tier, moved by every purchase.
        let remind_at = p.ends_at - REMIND_BEFORE_MS;
        let mut reminder = Self::key(keys::account(&account), &keys::vip_reminder(p.tier));
        reminder.insert("account_id".into(), str_av(&account));
        reminder.insert("tier".into(), num_av(p.tier));
        reminder.insert("ends_at".into(), num_av(p.ends_at));
        let shard = keys::shard_of(&account, keys::VIP_REMINDER_SHARDS);
        reminder.insert("gsi1pk".into(), str_av(keys::vip_reminders_due(&keys::day_of(remind_at), shard)));
        reminder.insert("gsi1sk".into(), str_av(keys::by_time(remind_at, &format!("{account}#{}", p.tier))));
        let mut items = vec![
            profile.because("balance_changed"),
            TxItem { item: self.ledger_put(&entry)?, reason: crate::core::db::PROOF_OF_COMMIT },
            Action::put(self, reminder).because(crate::core::db::PROOF_OF_COMMIT),
        ];
        if let Some((a, key, reply)) = p.idempotency {
            items.push(self.idempotency_item(a, key, reply)?);
        }
        self.transact_recording(items, Recording { at: entry.created_at, ..Default::default() }).await
    }
}
