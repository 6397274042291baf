//! Nightly reconciliation's reads: one paged pass over the table (a page at a
//! time, never the whole table in memory), each account's ledger summed, and
//! the ledger entries a recharge, a call or a settlement points to. It never
//! writes a balance; its report is one item.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;

pub use crate::core::db::Item;
use crate::core::db::{Db, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI2, PK, SK};
use crate::wallet::events::MoneyEvent;

/// An account's balances as its ledger gave them up to `upto` (a ledger sort key).
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub sums: LedgerSums,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upto: Option<String>,
    pub at: i64,
}

/// One page of the table pass, and where the next starts (`None`: done):
/// the last item's `pk` and `sk`.
pub struct ScanPage {
    pub items: Vec<Item>,
    pub next: Option<(String, String)>,
}

/// An account's ledger summed per balance (settlement debits apart: they
/// move earnings to `settled_earnings`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct LedgerSums {
    pub coins: i64,
    pub earnings: i64,
    pub coin_debt: i64,
    pub settled: i64,
    #[serde(default)]
    pub bonus: i64,
    /// Money (minor units), not coins: `payable_minor`.
    #[serde(default)]
    pub payable: i64,
    pub entries: i64,
}

impl LedgerSums {
    /// Adds one ledger entry.
    pub fn add(&mut self, i: &Item) {
        let amount = attr_n(i, "amount").unwrap_or(0);
        self.entries += 1;
        match (attr_s(i, "balance"), attr_s(i, "type")) {
            (Some("earnings"), Some("settlement")) => {
                self.earnings += amount;
                self.settled -= amount;
            }
            (Some("earnings"), _) => self.earnings += amount,
            (Some("debt"), _) => self.coin_debt += amount,
            (Some("bonus"), _) => self.bonus += amount,
            (Some("payable"), _) => self.payable += amount,
            _ => self.coins += amount,
        }
    }
}

pub use crate::core::db::{attr_n, attr_s};

impl Db {
    /// One consistent page of the whole table, after `start` (a `ScanPage::next`).
    /// A partition's items come together, so a pass sees an account whole.
    pub async fn scan_page(&self, start: Option<(String, String)>, limit: i32) -> Result<ScanPage> {
        let start: Option<HashMap<String, AttributeValue>> = start.map(|(pk, sk)| Self::key(pk, sk));
        let out = self
            .client
            .scan()
            .table_name(&self.table)
            .consistent_read(true)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        let next =
            out.last_evaluated_key.and_then(|k| Some((attr_s(&k, PK)?.to_string(), attr_s(&k, SK)?.to_string())));
        Ok(ScanPage { items: out.items.unwrap_or_default(), next })
    }

    /// The account's ledger entries between two times (all of them with
    /// `None`), page by page, passed to `each`.
    async fn ledger_between(
        &self,
        account: &str,
        from_ms: Option<i64>,
        to_ms: Option<i64>,
        each: impl FnMut(&Item),
    ) -> Result<()> {
        let bound = |ms: i64| keys::ledger(&ulid::Ulid::from_parts(ms.max(0) as u64, 0).to_string());
        let from = from_ms.map_or_else(|| keys::LEDGER_PREFIX.to_string(), bound);
        let to = to_ms.map_or_else(|| format!("{}~", keys::LEDGER_PREFIX), bound);
        self.each_between(keys::account(account), &from, &to, each).await
    }

    /// The account's `recharge` credits of recharge `id` (there must be one).
    pub async fn recharge_credits(&self, account: &str, recharge_id: &str, from_ms: i64) -> Result<i64> {
        let mut count = 0;
        self.ledger_between(account, Some(from_ms), None, |i| {
            if attr_s(i, "type") == Some("recharge") && attr_s(i, "recharge_id") == Some(recharge_id) {
                count += 1;
            }
        })
        .await?;
        Ok(count)
    }

    /// A call's minutes in its caller's ledger: coins charged less refunded,
    /// over the price. Minutes the aggregator gave back because the host could
    /// no longer earn (`host_unavailable`) stay paid on the call: their events
    /// account for them.
    pub async fn call_ledger_minutes(&self, caller: &str, call_id: &str, price: i64, from_ms: i64) -> Result<i64> {
        let mut coins = 0;
        self.ledger_between(caller, Some(from_ms), None, |i| {
            if attr_s(i, "call_id") == Some(call_id)
                && matches!(attr_s(i, "type"), Some("call_charge" | "call_refund"))
                && attr_s(i, "reason") != Some("host_unavailable")
            {
                coins -= attr_n(i, "amount").unwrap_or(0);
            }
        })
        .await?;
        Ok(coins / price.max(1))
    }

    /// The coins the settlement's ledger debit(s) on the host took.
    pub async fn settlement_ledger_coins(&self, host: &str, settlement_id: &str, at_ms: i64) -> Result<i64> {
        let reason = format!("settlement {settlement_id}");
        let mut coins = 0;
        self.ledger_between(host, Some(at_ms - 1000), Some(at_ms + 1000), |i| {
            if attr_s(i, "type") == Some("settlement") && attr_s(i, "reason") == Some(reason.as_str()) {
                coins -= attr_n(i, "amount").unwrap_or(0);
            }
        })
        .await?;
        Ok(coins)
    }

    /// Where the windowed reconciliation last found the account's balances
    /// equal to its ledger.
    pub async fn account_checkpoint(&self, account: &str) -> Result<Option<Checkpoint>> {
        self.get_as(keys::account(account), keys::CHECKPOINT).await
    }

    pub async fn put_account_checkpoint(&self, account: &str, c: &Checkpoint) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(c)?;
        item.extend(Self::key(keys::account(account), keys::CHECKPOINT));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// The account's ledger entries after `after` (a ledger sort key; all
    /// with `None`) summed, and the last one's sort key.
    pub async fn ledger_after(&self, account: &str, after: Option<&str>) -> Result<(LedgerSums, Option<String>)> {
        let from = after.unwrap_or(keys::LEDGER_PREFIX).to_string();
        let to = format!("{}~", keys::LEDGER_PREFIX);
        let (mut sums, mut last) = (LedgerSums::default(), None);
        self.each_between(keys::account(account), &from, &to, |i| {
            let sk = attr_s(i, SK).unwrap_or_default();
            if Some(sk) != after {
                sums.add(i);
                last = Some(sk.to_string());
            }
        })
        .await?;
        Ok((sums, last))
    }

    /// The start of the first window not reconciled yet (`None`: none done).
    pub async fn windows_done(&self) -> Result<Option<i64>> {
        let item = self.get(keys::RECONCILE_CURRENT.into(), keys::RECONCILE_WINDOWS).await?;
        Ok(item.and_then(|i| attr_n(&i, "upto")))
    }

    pub async fn put_windows_done(&self, upto: i64) -> Result<()> {
        let mut item = Self::key(keys::RECONCILE_CURRENT.into(), keys::RECONCILE_WINDOWS);
        item.insert("upto".into(), num_av(upto));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Stores a finished run's report (`RECONCILE#run` / `REPORT`) and drops its checkpoint.
    pub async fn put_reconcile_report(&self, run_id: &str, report: &serde_json::Value, now: i64) -> Result<()> {
        self.put_window_report(run_id, report, now).await?;
        self.delete(keys::RECONCILE_CURRENT.into(), keys::RECONCILE_CHECKPOINT).await
    }

    /// Stores a report under its run's id, leaving any full run's checkpoint.
    pub async fn put_window_report(&self, run_id: &str, report: &serde_json::Value, now: i64) -> Result<()> {
        let mut item = Self::key(keys::reconcile(run_id), keys::RECONCILE_REPORT);
        item.insert("report".into(), str_av(report.to_string()));
        item.insert("created_at".into(), num_av(now));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// One page of a window shard's events (GSI2 `EVENTS#AT#hour#shard`), in id order.
    pub async fn window_events_page(
        &self,
        hour: &str,
        shard: u32,
        start: Option<PageKey>,
        limit: usize,
    ) -> Result<Page<MoneyEvent>> {
        let page = self.query_page(Some(&GSI2), keys::events_at(hour, shard), limit, None, start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Where a window shard's worker got to (its own JSON), if it started.
    pub async fn shard_progress(&self, hour: &str, shard: u32) -> Result<Option<serde_json::Value>> {
        let item = self.get(keys::reconcile_shards(hour), &keys::reconcile_shard(shard)).await?;
        Ok(item.and_then(|i| serde_json::from_str(attr_s(&i, "progress")?).ok()))
    }

    pub async fn put_shard_progress(&self, hour: &str, shard: u32, progress: &serde_json::Value) -> Result<()> {
        let mut item = Self::key(keys::reconcile_shards(hour), keys::reconcile_shard(shard));
        item.insert("progress".into(), str_av(progress.to_string()));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Every shard's progress of a window (those started).
    pub async fn window_shards(&self, hour: &str) -> Result<Vec<serde_json::Value>> {
        let page = self
            .query_page(None, keys::reconcile_shards(hour), keys::WINDOW_SHARDS as usize, None, None, false)
            .await?;
        Ok(page.items.iter().filter_map(|i| serde_json::from_str(attr_s(i, "progress")?).ok()).collect())
    }

    /// Ledger entries by `(account, entry id)`, those that exist.
    pub async fn ledger_entries(&self, ids: &[(String, String)]) -> Result<Vec<Item>> {
        let keys = ids.iter().map(|(a, id)| Self::key(keys::account(a), keys::ledger(id))).collect();
        self.batch_get(keys).await
    }

    /// A finished run's report, if there is one.
    pub async fn reconcile_report(&self, run_id: &str) -> Result<Option<serde_json::Value>> {
        let item = self.get(keys::reconcile(run_id), keys::RECONCILE_REPORT).await?;
        Ok(item.and_then(|i| serde_json::from_str(attr_s(&i, "report")?).ok()))
    }

    /// Saves where an unfinished run got to (its own JSON).
    pub async fn put_reconcile_checkpoint(&self, progress: &serde_json::Value) -> Result<()> {
        let mut item = Self::key(keys::RECONCILE_CURRENT.into(), keys::RECONCILE_CHECKPOINT);
        item.insert("progress".into(), str_av(progress.to_string()));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    pub async fn reconcile_checkpoint(&self) -> Result<Option<serde_json::Value>> {
        let item = self.get(keys::RECONCILE_CURRENT.into(), keys::RECONCILE_CHECKPOINT).await?;
        Ok(item.and_then(|i| serde_json::from_str(attr_s(&i, "progress")?).ok()))
    }
}

/// Whether a scanned item is a ledger entry, an account, a recharge, a call or a settlement.
pub fn item_kind(item: &Item) -> &'static str {
    let (pk, sk) = (attr_s(item, PK).unwrap_or_default(), attr_s(item, SK).unwrap_or_default());
    if pk.starts_with("ACCOUNT#") && sk.starts_with(keys::LEDGER_PREFIX) {
        "ledger"
    } else if pk.starts_with("ACCOUNT#") && sk == keys::PROFILE {
        "account"
    } else if sk == keys::RECHARGE {
        "recharge"
    } else if sk == keys::CALL {
        "call"
    } else if sk == keys::SETTLEMENT {
        "settlement"
    } else if sk == keys::WITHDRAWAL {
        "withdrawal"
    } else if sk == keys::STATEMENT {
        "statement"
    } else if crate::wallet::events::is_event_sk(sk) {
        "event"
    } else {
        "other"
    }
}
