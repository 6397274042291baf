//! Balances and the ledger. Every change of `coins` or `earnings` is one
//! transaction: each balance update is conditioned on the exact value the
//! caller read (so the ledger's `balance_after` is exact and a balance can
//! never go below zero), and writes its ledger entry beside it.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::db::{Db, Item, TxItem, n};
use crate::page::{Page, PageKey};
use crate::table::TTL_ATTRIBUTE;
use crate::{Result, keys};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Balance {
    Coins,
    Earnings,
}

impl Balance {
    fn attr(self) -> &'static str {
        match self {
            Balance::Coins => "coins",
            Balance::Earnings => "earnings",
        }
    }
}

/// One line of an account's ledger.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// A ULID made from `created_at`, so the ledger sorts by time.
    pub id: String,
    pub account_id: String,
    /// grant, correction, recharge, gift_sent, gift_received, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub balance: Balance,
    pub amount: i64,
    pub balance_after: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recharge_id: Option<String>,
    /// Call charges: the call and which of its minutes (1 = the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute: Option<i64>,
    pub created_at: i64,
}

/// A balance change: `expected` is the value read before, `entry.amount` the delta.
pub struct WalletChange {
    pub expected: i64,
    pub entry: LedgerEntry,
}

/// A stored answer to a request made with an Idempotency-Key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdempotentReply {
    pub status: u16,
    pub body: String,
    pub created_at: i64,
}

pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 3600 * 1000;

impl Db {
    fn wallet_update(
        &self,
        c: &WalletChange,
        condition_extra: Option<&str>,
        counters: &[(&str, i64)],
    ) -> TransactWriteItem {
        let attr = c.entry.balance.attr();
        let mut cond = format!("attribute_exists(pk) AND {attr} = :expected");
        if let Some(extra) = condition_extra {
            cond = format!("{cond} AND {extra}");
        }
        let u = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(&c.entry.account_id), keys::PROFILE)))
            // Activity counters ride on the same update (no extra request).
            .update_expression(if counters.is_empty() {
                format!("SET {attr} = :after")
            } else {
                let adds: Vec<String> =
                    counters.iter().enumerate().map(|(i, (f, _))| format!("{f} :count{i}")).collect();
                format!("SET {attr} = :after ADD {}", adds.join(", "))
            })
            .condition_expression(cond)
            .expression_attribute_values(":expected", n(c.expected))
            .expression_attribute_values(":after", n(c.entry.balance_after));
        let u = counters
            .iter()
            .enumerate()
            .fold(u, |u, (i, (_, d))| u.expression_attribute_values(format!(":count{i}"), n(*d)));
        let u = if condition_extra.is_some() {
            u.expression_attribute_values(":true", AttributeValue::Bool(true))
        } else {
            u
        };
        TransactWriteItem::builder().update(u.build().expect("update")).build()
    }

    fn ledger_put(&self, e: &LedgerEntry) -> Result<TransactWriteItem> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        item.extend(Self::key(keys::account(&e.account_id), keys::ledger(&e.id)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put");
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The transaction items of balance changes: `balance_changed` when a
    /// balance is not what was read (re-read and retry), `account_banned` when
    /// an account that must not be banned is.
    pub(crate) fn wallet_items(&self, changes: &[WalletChange], not_banned: &[&str]) -> Result<Vec<TxItem>> {
        self.wallet_items_counting(changes, not_banned, &[])
    }

    /// `wallet_items`, also adding to activity counters of the changed
    /// accounts: `(account, field, delta)`, e.g. a host's `gifts_received`.
    pub(crate) fn wallet_items_counting(
        &self,
        changes: &[WalletChange],
        not_banned: &[&str],
        counters: &[(&str, &str, i64)],
    ) -> Result<Vec<TxItem>> {
        let mut items = Vec::new();
        for c in changes {
            let guard = not_banned.contains(&c.entry.account_id.as_str()).then_some("NOT (banned = :true)");
            let mine: Vec<(&str, i64)> =
                counters.iter().filter(|(a, _, _)| *a == c.entry.account_id).map(|(_, f, d)| (*f, *d)).collect();
            items.push(TxItem { item: self.wallet_update(c, guard, &mine), reason: "balance_changed" });
            items.push(TxItem { item: self.ledger_put(&c.entry)?, reason: "duplicate_entry" });
        }
        Ok(items)
    }

    /// The idempotency record for `(account, key)`, written in the same
    /// transaction as the effect: `idempotent_replay` if one exists already.
    pub(crate) fn idempotency_item(&self, account_id: &str, key: &str, reply: &IdempotentReply) -> Result<TxItem> {
        let mut item: Item = serde_dynamo::to_item(reply)?;
        item.extend(Self::key(keys::idempotency(account_id, key), keys::IDEMPOTENCY));
        item.insert(TTL_ATTRIBUTE.into(), n((reply.created_at + IDEMPOTENCY_TTL_MS) / 1000));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            // An expired record that TTL has not removed yet no longer counts.
            .condition_expression("attribute_not_exists(pk) OR created_at < :cutoff")
            .expression_attribute_values(":cutoff", n(reply.created_at - IDEMPOTENCY_TTL_MS))
            .build()
            .expect("put");
        Ok(TxItem { item: TransactWriteItem::builder().put(put).build(), reason: "idempotent_replay" })
    }

    /// The answer stored for `(account, key)`, if any within 24 h of `now`.
    pub async fn get_idempotent_reply(&self, account_id: &str, key: &str, now: i64) -> Result<Option<IdempotentReply>> {
        let r: Option<IdempotentReply> = self.get_as(keys::idempotency(account_id, key), keys::IDEMPOTENCY).await?;
        Ok(r.filter(|r| r.created_at >= now - IDEMPOTENCY_TTL_MS))
    }

    /// Applies balance changes with their ledger entries (and an idempotency
    /// record) in one transaction.
    pub async fn apply_wallet_changes(
        &self,
        changes: &[WalletChange],
        not_banned: &[&str],
        idempotency: Option<(&str, &str, &IdempotentReply)>,
    ) -> Result<()> {
        let mut items = self.wallet_items(changes, not_banned)?;
        if let Some((account, key, reply)) = idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    /// An account's ledger, newest first.
    pub async fn list_ledger(
        &self,
        account_id: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<LedgerEntry>> {
        let page =
            self.query_page(None, keys::account(account_id), limit, Some(keys::LEDGER_PREFIX), start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}

impl Db {
    /// Sums every account's coins, unsettled and settled earnings: the
    /// right-hand side of the conservation invariant (coins credited by
    /// recharges and grants = their sum), for reconciliation (a full scan: not for requests).
    pub async fn sum_balances(&self) -> Result<(i64, i64, i64)> {
        let (mut coins, mut earnings, mut settled) = (0, 0, 0);
        let mut start = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("sk = :profile")
                .expression_attribute_values(":profile", AttributeValue::S(keys::PROFILE.into()))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items() {
                let num =
                    |k: &str| item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                coins += num("coins");
                earnings += num("earnings");
                settled += num("settled_earnings");
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok((coins, earnings, settled));
            }
        }
    }
}
