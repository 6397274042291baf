//! Bonus coins: promotional grants kept apart from paid coins. Each grant is
//! an item under its account (`keys::bonus_grant`, by expiry) until it
//! expires; the account's `bonus_coins` is what is left of the live grants.
//! Spending takes from the grants that expire first, so what is left of each
//! is never stored: the live grants add up to `L`, the balance is `H`, and
//! the first `L - H` coins of the live grants (by expiry) are spent. An
//! expiry takes what is left of the grants due and deletes them; the rest
//! of the spending then falls on the later grants.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::wallet::balance::{Balance, LedgerEntry};
use crate::wallet::events::Recording;

/// Days a grant lasts unless its source says otherwise.
pub const BONUS_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

/// One grant of bonus coins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BonusGrant {
    pub id: String,
    pub account_id: String,
    pub amount: i64,
    /// check_in, task, first_recharge, vip_daily, promotion
    pub source: String,
    /// What it came from: a recharge, a task, an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_id: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
}

impl BonusGrant {
    /// A grant of `amount` from `source` at `now`, expiring after the default days.
    pub fn new(account_id: &str, amount: i64, source: &str, ref_id: Option<String>, now: i64) -> BonusGrant {
        BonusGrant {
            id: crate::wallet::balance::entry_id(now),
            account_id: account_id.into(),
            amount,
            source: source.into(),
            ref_id,
            expires_at: now + BONUS_DAYS * DAY_MS,
            created_at: now,
        }
    }
}

/// What is left of each live grant (by expiry), given the balance held.
pub fn remaining(grants: &[BonusGrant], held: i64) -> Vec<(&BonusGrant, i64)> {
    let live: i64 = grants.iter().map(|g| g.amount).sum();
    let mut spent = (live - held).max(0);
    grants
        .iter()
        .map(|g| {
            let used = spent.min(g.amount);
            spent -= used;
            (g, g.amount - used)
        })
        .collect()
}

/// What an account holds of bonus coins, as read (what a take is conditioned on).
struct Held {
    id: String,
    bonus_coins: i64,
    bonus_granted: i64,
}

impl Held {
    fn of(a: &impl BonusHeld) -> Held {
        Held { id: a.id().into(), bonus_coins: a.bonus_coins(), bonus_granted: a.bonus_granted() }
    }
}

/// An account's bonus balance (the accounts domain's profile implements it).
pub trait BonusHeld {
    fn id(&self) -> &str;
    fn bonus_coins(&self) -> i64;
    fn bonus_granted(&self) -> i64;
}

/// A once-only proof written beside a grant (`keys::claim`): a second claim
/// of the same period is refused with `reason`.
pub struct Claim {
    pub kind: &'static str,
    pub period: String,
    /// Kept on the claim (a check-in's day in its cycle).
    pub attrs: Vec<(&'static str, i64)>,
    pub reason: &'static str,
}

impl Db {
    /// The items of a grant: the balance (`ADD`), its ledger entry
    /// (`bonus_grant`), the grant, and the claim if any.
    pub(crate) fn bonus_grant_items(&self, g: &BonusGrant, claim: Option<&Claim>) -> Result<Vec<TxItem>> {
        let mut items = vec![
            Action::update(
                self,
                keys::account(&g.account_id),
                keys::PROFILE,
                "ADD bonus_coins :amount, bonus_granted :amount",
            )
            .when("attribute_exists(pk)")
            .val(":amount", num_av(g.amount))
            .because("account_missing"),
        ];
        items.extend(self.bonus_grant_puts(g, claim)?);
        Ok(items)
    }

    /// A grant's items but the balance's (a transaction that updates the
    /// profile already adds `bonus_coins` and `bonus_granted` in its own update).
    pub(crate) fn bonus_grant_puts(&self, g: &BonusGrant, claim: Option<&Claim>) -> Result<Vec<TxItem>> {
        let mut entry = LedgerEntry::new(&g.account_id, "bonus_grant", Balance::Bonus, g.amount, None, g.created_at);
        entry.reason = Some(g.source.clone());
        entry.recharge_id = g.ref_id.clone().filter(|_| g.source == "first_recharge");
        let mut items = vec![TxItem { item: self.ledger_put(&entry)?, reason: crate::core::db::PROOF_OF_COMMIT }];
        let mut item: Item = serde_dynamo::to_item(g)?;
        item.extend(Self::key(keys::account(&g.account_id), &keys::bonus_grant(g.expires_at, &g.id)));
        let shard = keys::shard_of(&g.account_id, keys::BONUS_DUE_SHARDS);
        item.insert("gsi1pk".into(), str_av(keys::bonus_due(&keys::day_of(g.expires_at), shard)));
        item.insert("gsi1sk".into(), str_av(keys::by_time(g.expires_at, &g.id)));
        items.push(Action::put(self, item).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT));
        if let Some(c) = claim {
            items.push(self.claim_put(&g.account_id, c, Some(g))?);
        }
        Ok(items)
    }

    /// A claim's item: refused with `c.reason` when the period's was taken.
    pub(crate) fn claim_put(&self, account: &str, c: &Claim, g: Option<&BonusGrant>) -> Result<TxItem> {
        let mut item = Self::key(keys::account(account), &keys::claim(c.kind, &c.period));
        if let Some(g) = g {
            item.insert("grant_id".into(), str_av(&g.id));
            item.insert("amount".into(), num_av(g.amount));
            item.insert("created_at".into(), num_av(g.created_at));
        }
        for (k, v) in &c.attrs {
            item.insert((*k).into(), num_av(*v));
        }
        Ok(Action::put(self, item).when("attribute_not_exists(pk)").because(c.reason))
    }

    /// Grants bonus coins in one transaction (with its claim: `c.reason`
    /// when the period's reward was taken already).
    pub async fn grant_bonus(&self, g: &BonusGrant, claim: Option<&Claim>) -> Result<()> {
        let items = self.bonus_grant_items(g, claim)?;
        self.transact_recording(items, Recording { at: g.created_at, ..Default::default() }).await
    }

    /// A claim's item, if taken: its attributes by name.
    pub async fn get_claim(&self, account: &str, kind: &str, period: &str) -> Result<Option<Item>> {
        self.get(keys::account(account), &keys::claim(kind, period)).await
    }

    /// The account's live grants, soonest to expire first.
    pub async fn bonus_grants(&self, account: &str) -> Result<Vec<BonusGrant>> {
        let mut out = Vec::new();
        let to = format!("{}~", keys::BONUS_PREFIX);
        let mut bad = None;
        self.each_between(keys::account(account), keys::BONUS_PREFIX, &to, |i| {
            match serde_dynamo::from_item(i.clone()) {
                Ok(g) => out.push(g),
                Err(e) => bad = Some(e),
            }
        })
        .await?;
        if let Some(e) = bad {
            return Err(e.into());
        }
        Ok(out)
    }

    /// Expires what is left of the account's grants due at `now` (through
    /// the ledger, `bonus_expired`) and deletes them; answers the coins
    /// expired. Conditioned on the balance and the grants read, so a spend or
    /// a grant meanwhile re-reads; run twice, the second finds nothing due.
    pub async fn expire_bonus(&self, account: &str, now: i64) -> Result<i64> {
        let mut expired = 0;
        for _ in 0..8 {
            let Some(a) = self.get_account(account).await?.map(|a| Held::of(&a)) else { return Ok(expired) };
            let grants = self.bonus_grants(account).await?;
            // At most 80 grants a transaction (the balance, its entry and the event beside them).
            let due: Vec<(&BonusGrant, i64)> =
                remaining(&grants, a.bonus_coins).into_iter().filter(|(g, _)| g.expires_at <= now).take(80).collect();
            if due.is_empty() {
                return Ok(expired);
            }
            let left: i64 = due.iter().map(|(_, r)| r).sum::<i64>().min(a.bonus_coins);
            match self
                .take_bonus(&a, &due.iter().map(|(g, _)| *g).collect::<Vec<_>>(), left, "bonus_expired", now)
                .await
            {
                Ok(()) => expired += left,
                Err(Error::Condition("balance_changed")) => {}
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }

    /// Takes back what is left of the grant `source`/`ref_id` (a refunded
    /// first recharge's): `bonus_clawback`, never below zero; answers the
    /// coins taken (0 when the grant is gone: spent and expired, or taken).
    pub async fn claw_back_bonus(&self, account: &str, source: &str, ref_id: &str, now: i64) -> Result<i64> {
        for _ in 0..8 {
            let Some(a) = self.get_account(account).await?.map(|a| Held::of(&a)) else { return Ok(0) };
            let grants = self.bonus_grants(account).await?;
            let found = remaining(&grants, a.bonus_coins)
                .into_iter()
                .find(|(g, _)| g.source == source && g.ref_id.as_deref() == Some(ref_id));
            let Some((g, left)) = found else { return Ok(0) };
            let left = left.min(a.bonus_coins);
            match self.take_bonus(&a, &[g], left, "bonus_clawback", now).await {
                Ok(()) => return Ok(left),
                Err(Error::Condition("balance_changed")) => {}
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }

    /// One transaction: `amount` off the balance read (conditioned on it and
    /// on no grant since), its ledger entry when above zero, the grants deleted.
    async fn take_bonus(&self, a: &Held, grants: &[&BonusGrant], amount: i64, kind: &str, now: i64) -> Result<()> {
        let mut items = vec![
            Action::update(self, keys::account(&a.id), keys::PROFILE, "SET bonus_coins = :after")
                .when("bonus_coins = :held AND bonus_granted = :granted")
                .val(":after", num_av(a.bonus_coins - amount))
                .val(":held", num_av(a.bonus_coins))
                .val(":granted", num_av(a.bonus_granted))
                .because("balance_changed"),
        ];
        if amount > 0 {
            let mut entry = LedgerEntry::new(&a.id, kind, Balance::Bonus, -amount, Some(a.bonus_coins - amount), now);
            entry.reason = grants.first().map(|g| g.source.clone());
            entry.recharge_id = grants.first().and_then(|g| g.ref_id.clone()).filter(|_| kind == "bonus_clawback");
            items.push(TxItem { item: self.ledger_put(&entry)?, reason: crate::core::db::PROOF_OF_COMMIT });
        }
        for g in grants {
            items.push(
                Action::delete(self, keys::account(&a.id), &keys::bonus_grant(g.expires_at, &g.id))
                    .when("attribute_exists(pk)")
                    .because("balance_changed"),
            );
        }
        self.transact_recording(items, Recording { at: now, ..Default::default() }).await
    }

    /// Accounts with grants due at or before `upto`, from the expiry days
    /// of the last week (a schedule that missed runs catches up).
    pub async fn accounts_with_bonus_due(&self, upto: i64) -> Result<Vec<String>> {
        let mut out = std::collections::BTreeSet::new();
        for back in 0..7 {
            let day = keys::day_of(upto - back * DAY_MS);
            for shard in 0..keys::BONUS_DUE_SHARDS {
                for item in self.gsi1_due(&keys::bonus_due(&day, shard), upto).await? {
                    if let Some(a) = item.get("account_id").and_then(|v| v.as_s().ok()) {
                        out.insert(a.clone());
                    }
                }
            }
        }
        Ok(out.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(amount: i64, expires_at: i64) -> BonusGrant {
        BonusGrant { expires_at, ..BonusGrant::new("a", amount, "check_in", None, 0) }
    }

    #[test]
    fn spending_falls_on_the_grants_that_expire_first() {
        let grants = [g(10, 1), g(10, 2), g(5, 3)];
        let left: Vec<i64> = remaining(&grants, 25).into_iter().map(|(_, r)| r).collect();
        assert_eq!(left, vec![10, 10, 5]);
        let left: Vec<i64> = remaining(&grants, 12).into_iter().map(|(_, r)| r).collect();
        assert_eq!(left, vec![0, 7, 5]);
        let left: Vec<i64> = remaining(&grants, 0).into_iter().map(|(_, r)| r).collect();
        assert_eq!(left, vec![0, 0, 0]);
        // Held above the live grants (a refund after an expiry): nothing counts as spent.
        let left: Vec<i64> = remaining(&grants, 40).into_iter().map(|(_, r)| r).collect();
        assert_eq!(left, vec![10, 10, 5]);
    }
}
