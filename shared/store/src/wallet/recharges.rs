//! Recharges: a pending order for a coin package, credited once by the
//! provider's webhook.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::db::Action;
use crate::core::db::{Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI2;
use crate::wallet::balance::{Balance, IdempotentReply, LedgerEntry};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Recharge {
    pub id: String,
    pub account_id: String,
    pub package_id: String,
    pub provider: String,
    pub provider_ref: String,
    /// The package's terms when ordered: later catalog edits do not change them.
    pub coins: i64,
    pub bonus_coins: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// pending → credited → partially_refunded / refunded (and back, when a
    /// refund is reversed)
    pub status: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credited_at: Option<i64>,
    /// How much of the price the provider refunded or lost to disputes, and
    /// the coins taken back for it (`total × refunded / price`, rounded down).
    #[serde(default)]
    pub refunded_minor: i64,
    #[serde(default)]
    pub clawed_coins: i64,
    /// The largest refunded total the provider reported for the whole payment
    /// (Stripe's `amount_refunded`): it only grows, so an older event with a
    /// smaller total gives nothing back.
    #[serde(default)]
    pub refund_total_minor: i64,
    /// Every refund and dispute by the provider's id. An entry only ever
    /// grows and a reversal sticks, so events merge to the same state in any
    /// order (`refunded_minor` follows from them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub takebacks: BTreeMap<String, Takeback>,
    /// Bumped by every change of the above (the condition of the next one).
    #[serde(default)]
    pub takeback_version: i64,
    /// Store purchases: the product and the store's token (to consume it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
}

/// One refund or dispute of a payment, as its provider reported it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Takeback {
    /// refund or dispute
    pub kind: String,
    pub amount_minor: i64,
    /// The refund failed or was cancelled, or the dispute was won.
    #[serde(default)]
    pub reversed: bool,
}

impl Recharge {
    pub fn total_coins(&self) -> i64 {
        self.coins + self.bonus_coins
    }
}

/// Coins and coin debt of one account changed together (a clawback, a
/// recharge paying debt first): one update conditioned on both as read, and
/// the ledger entries (coins and debt) whose sums are the change.
pub struct CoinsAndDebt {
    pub account_id: String,
    pub coins: i64,
    pub debt: i64,
    pub entries: Vec<LedgerEntry>,
    /// The account's first paid recharge: the offer's claim, with its bonus
    /// grant unless the payment's fingerprint took it before.
    pub first: Option<FirstRecharge>,
    /// A credit: the periods whose `recharge_coins` task progress its coins add to.
    pub tasks: Option<crate::core::keys::Periods>,
}

/// The first-recharge offer taken with a credit (`offer_taken` when the
/// account or the fingerprint took it meanwhile: credit without it).
pub struct FirstRecharge {
    pub grant: Option<crate::wallet::bonus::BonusGrant>,
    /// The payment's fingerprint (provider-qualified), once across accounts.
    pub fingerprint: Option<String>,
}

/// The claim that marks an account's first paid recharge.
pub const FIRST_RECHARGE: (&str, &str) = ("offer", "first_recharge");

impl CoinsAndDebt {
    fn after(&self, b: Balance) -> i64 {
        let start = if b == Balance::Debt { self.debt } else { self.coins };
        start + self.entries.iter().filter(|e| e.balance == b).map(|e| e.amount).sum::<i64>()
    }
}

impl Db {
    /// A recharge's item, on its buyer's list (GSI2) too.
    fn recharge_item(r: &Recharge) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(r)?;
        item.extend(Self::key(keys::recharge(&r.id), keys::RECHARGE));
        item.insert(GSI2.pk.into(), str_av(keys::recharges_of(&r.account_id)));
        item.insert(GSI2.sk.into(), str_av(keys::by_time(r.created_at, &r.id)));
        item.extend(crate::wallet::daylog::day_log_entry(keys::RECHARGE_LOG, &r.id, r.created_at));
        Ok(item)
    }

    /// The recharges begun on `day` (yyyy-mm-dd), newest first, with this
    /// status and provider when given (every provider and store).
    pub async fn list_recharges_on(
        &self,
        day: &str,
        status: Option<&str>,
        provider: Option<&str>,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Recharge>> {
        let matching = [("status", status), ("provider", provider)];
        let page = self.day_log_page(keys::RECHARGE_LOG, day, &matching, limit, start).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// An account's recharges, newest first.
    pub async fn list_recharges_of(
        &self,
        account_id: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Recharge>> {
        let page = self.query_page(Some(&GSI2), keys::recharges_of(account_id), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Stores a pending recharge and its provider reference (for webhook look-ups).
    pub async fn create_recharge(
        &self,
        r: &Recharge,
        idempotency: Option<(&str, &str, &IdempotentReply)>,
    ) -> Result<()> {
        let item = Self::recharge_item(r)?;
        let mut by_ref = Self::key(keys::payment_ref(&r.provider, &r.provider_ref), keys::PAYMENT_REF);
        by_ref.insert("recharge_id".into(), str_av(&r.id));
        let put = |item: Item| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()
                        .expect("put"),
                )
                .build()
        };
        let mut items =
            vec![TxItem { item: put(item), reason: "exists" }, TxItem { item: put(by_ref), reason: "exists" }];
        if let Some((account, key, reply)) = idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    pub async fn get_recharge(&self, id: &str) -> Result<Option<Recharge>> {
        self.get_as(keys::recharge(id), keys::RECHARGE).await
    }

    pub async fn find_recharge_by_ref(&self, provider: &str, reference: &str) -> Result<Option<Recharge>> {
        let Some(item) = self.get(keys::payment_ref(provider, reference), keys::PAYMENT_REF).await? else {
            return Ok(None);
        };
        let id =
            item.get("recharge_id").and_then(|v| v.as_s().ok()).ok_or(Error::Corrupt("payref without id".into()))?;
        self.get_recharge(id).await
    }

    /// The account update and ledger puts of a `CoinsAndDebt`
    /// (`balance_changed` when either moved since read).
    fn coins_and_debt_items(&self, c: &CoinsAndDebt) -> Result<Vec<TxItem>> {
        let same_debt =
            if c.debt == 0 { "(attribute_not_exists(coin_debt) OR coin_debt = :d0)" } else { "coin_debt = :d0" };
        let bonus = c.first.as_ref().and_then(|f| f.grant.as_ref()).map_or(0, |g| g.amount);
        let add = if bonus > 0 { " ADD bonus_coins :b, bonus_granted :b" } else { "" };
        let profile = Action::update(
            self,
            keys::account(&c.account_id),
            keys::PROFILE,
            format!("SET coins = :c1, coin_debt = :d1{add}"),
        )
        .when(format!("coins = :c0 AND {same_debt}"))
        .val(":c0", num_av(c.coins))
        .val(":d0", num_av(c.debt))
        .val(":c1", num_av(c.after(Balance::Coins)))
        .val(":d1", num_av(c.after(Balance::Debt)));
        let profile = if bonus > 0 { profile.val(":b", num_av(bonus)) } else { profile };
        let mut items = vec![profile.because("balance_changed")];
        for (i, e) in c.entries.iter().enumerate() {
            let mut item: Item = serde_dynamo::to_item(e)?;
            item.extend(Self::key(keys::account(&e.account_id), keys::ledger(&e.id)));
            let reason = if i == 0 { crate::core::db::PROOF_OF_COMMIT } else { "balance_changed" };
            items.push(Action::put(self, item).when("attribute_not_exists(pk)").because(reason));
        }
        if let Some(periods) = &c.tasks {
            let coins: i64 = c.entries.iter().filter(|e| e.kind == "recharge").map(|e| e.amount).sum();
            let now = c.entries.first().map_or(0, |e| e.created_at);
            items.extend(self.task_progress_items(&c.account_id, periods, &[("recharge_coins", coins)], now));
        }
        if let Some(f) = &c.first {
            let claim = crate::wallet::bonus::Claim {
                kind: FIRST_RECHARGE.0,
                period: FIRST_RECHARGE.1.into(),
                attrs: vec![],
                reason: "offer_taken",
            };
            match &f.grant {
                Some(g) => items.extend(self.bonus_grant_puts(g, Some(&claim))?),
                None => items.push(self.claim_put(&c.account_id, &claim, None)?),
            }
            if let (Some(fp), Some(g)) = (&f.fingerprint, &f.grant) {
                let mut item = Self::key(keys::offer_fingerprint(FIRST_RECHARGE.1, fp), keys::OFFER_FINGERPRINT);
                item.insert("account_id".into(), str_av(&c.account_id));
                item.insert("created_at".into(), num_av(g.created_at));
                items.push(Action::put(self, item).when("attribute_not_exists(pk)").because("offer_taken"));
            }
        }
        Ok(items)
    }

    /// Whether a payment fingerprint took the offer `offer` already.
    pub async fn offer_fingerprint_used(&self, offer: &str, fingerprint: &str) -> Result<bool> {
        Ok(self.get(keys::offer_fingerprint(offer, fingerprint), keys::OFFER_FINGERPRINT).await?.is_some())
    }

    /// Marks the recharge credited and credits the coins (paying any debt
    /// first) with their ledger entries, in one transaction: `already_credited`
    /// when it was credited before (a replayed webhook), `balance_changed` when
    /// the wallet moved since read.
    pub async fn credit_recharge(&self, recharge_id: &str, change: &CoinsAndDebt, now: i64) -> Result<()> {
        let mark = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::recharge(recharge_id), keys::RECHARGE)))
            .update_expression("SET #status = :credited, credited_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":credited", str_av("credited"))
            .expression_attribute_values(":pending", str_av("pending"))
            .expression_attribute_values(":now", num_av(now))
            .build()
            .expect("update");
        let mut items = self.coins_and_debt_items(change)?;
        items.insert(0, TxItem { item: TransactWriteItem::builder().update(mark).build(), reason: "already_credited" });
        self.transact(items).await
    }

    /// Applies a refund, dispute or reversal to a credited recharge: `after`
    /// is the recharge with its takebacks merged and `refunded_minor` and
    /// `clawed_coins` recomputed, written if nothing changed them since `r` was
    /// read (`refund_changed`); the wallet change takes the coins back (or gives
    /// them back), and `event` (provider, id) is recorded so a second delivery
    /// is `duplicate_refund`.
    pub async fn adjust_recharge(
        &self,
        r: &Recharge,
        after: &Recharge,
        event: (&str, &str),
        change: &CoinsAndDebt,
        now: i64,
    ) -> Result<()> {
        let status = match after.clawed_coins {
            0 => "credited",
            c if c >= r.total_coins() => "refunded",
            _ => "partially_refunded",
        };
        // Recharges written before takebacks existed have no version yet.
        let update = Action::update(
            self,
            keys::recharge(&r.id),
            keys::RECHARGE,
            "SET #status = :status, refunded_minor = :r1, clawed_coins = :c1, refunded_at = :now, \
             refund_total_minor = :t1, takebacks = :tb, takeback_version = :v1",
        )
        .when("#status <> :pending AND (attribute_not_exists(takeback_version) OR takeback_version = :v0)")
        .name("#status", "status")
        .val(":pending", str_av("pending"))
        .val(":status", str_av(status))
        .val(":r1", num_av(after.refunded_minor))
        .val(":c1", num_av(after.clawed_coins))
        .val(":t1", num_av(after.refund_total_minor))
        .val(":tb", serde_dynamo::to_attribute_value(&after.takebacks)?)
        .val(":v0", num_av(r.takeback_version))
        .val(":v1", num_av(r.takeback_version + 1))
        .val(":now", num_av(now));
        let mut marker = Self::key(keys::refund_event(event.0, event.1), keys::REFUND_EVENT);
        marker.insert("recharge_id".into(), str_av(&r.id));
        marker.insert("created_at".into(), num_av(now));
        let mut items = vec![
            update.because("refund_changed"),
            Action::put(self, marker).when("attribute_not_exists(pk)").because("duplicate_refund"),
        ];
        if !change.entries.is_empty() {
            items.extend(self.coins_and_debt_items(change)?);
        }
        self.transact(items).await
    }

    /// Whether a provider's refund or dispute event was applied already.
    pub async fn refund_event_seen(&self, provider: &str, id: &str) -> Result<bool> {
        Ok(self.get(keys::refund_event(provider, id), keys::REFUND_EVENT).await?.is_some())
    }

    /// Records a verified store purchase as a credited recharge and credits
    /// it (debt first), in one transaction keyed on the store's reference:
    /// `purchase_claimed` when that purchase was recorded before (by anyone).
    /// With `to_consume` it waits on the store's unconsumed list until `consumed`.
    pub async fn credit_store_purchase(&self, r: &Recharge, change: &CoinsAndDebt, to_consume: bool) -> Result<()> {
        let mut item = Self::recharge_item(r)?;
        if to_consume {
            item.insert(crate::core::table::GSI1.pk.into(), str_av(keys::unconsumed(&r.provider)));
            item.insert(crate::core::table::GSI1.sk.into(), str_av(keys::by_time(r.created_at, &r.id)));
        }
        let mut by_ref = Self::key(keys::payment_ref(&r.provider, &r.provider_ref), keys::PAYMENT_REF);
        by_ref.insert("recharge_id".into(), str_av(&r.id));
        let mut items = vec![
            Action::put(self, by_ref).when("attribute_not_exists(pk)").because("purchase_claimed"),
            Action::put(self, item).when("attribute_not_exists(pk)").because("purchase_claimed"),
        ];
        items.extend(self.coins_and_debt_items(change)?);
        self.transact(items).await
    }

    /// The store consumed the purchase: off the unconsumed list.
    pub async fn mark_consumed(&self, recharge_id: &str, now: i64) -> Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::recharge(recharge_id), keys::RECHARGE)))
            .update_expression("SET consumed_at = :now REMOVE gsi1pk, gsi1sk")
            .expression_attribute_values(":now", num_av(now))
            .send()
            .await?;
        Ok(())
    }

    /// Up to `limit` credited purchases of `store` not consumed yet, oldest first.
    pub async fn unconsumed_purchases(&self, store: &str, limit: usize) -> Result<Vec<Recharge>> {
        let page =
            self.query_page(Some(&crate::core::table::GSI1), keys::unconsumed(store), limit, None, None, false).await?;
        Ok(page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?)
    }

    /// Whether a store notification with this id was handled before.
    pub async fn store_message_seen(&self, store: &str, id: &str) -> Result<bool> {
        Ok(self.get(keys::store_message(store, id), keys::STORE_MESSAGE).await?.is_some())
    }

    /// Records a handled store notification's id (kept a week).
    pub async fn remember_store_message(&self, store: &str, id: &str, now: i64) -> Result<()> {
        let mut item = Self::key(keys::store_message(store, id), keys::STORE_MESSAGE);
        item.insert(crate::core::table::TTL_ATTRIBUTE.into(), num_av(now / 1000 + 7 * 86_400));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Where a store's backstop sync got to (ms), if it ran before.
    pub async fn store_checkpoint(&self, store: &str) -> Result<Option<i64>> {
        let item = self.get(keys::store_checkpoint(store), keys::STORE_MESSAGE).await?;
        Ok(item.and_then(|i| i.get("last_ms")?.as_n().ok()?.parse().ok()))
    }

    pub async fn set_store_checkpoint(&self, store: &str, last_ms: i64) -> Result<()> {
        let mut item = Self::key(keys::store_checkpoint(store), keys::STORE_MESSAGE);
        item.insert("last_ms".into(), num_av(last_ms));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }
}
