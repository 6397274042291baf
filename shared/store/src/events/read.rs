//! Writing and reading money events: the event of a transaction, the pending ones, a window's.

use super::*;
use crate::core::db::{Action, Db, Item, TxItem, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::stats::{Counters, ledger_puts_counts};

impl Db {
    /// The event of a transaction's items, if it moves money or counts something.
    pub(crate) fn money_event(&self, items: &[TxItem], rec: Recording) -> Option<MoneyEvent> {
        let counted = ledger_puts_counts(items);
        if counted.is_none() && rec.credit.is_none() && rec.day.is_empty() {
            return None;
        }
        let (id, created_at, mut day, totals) =
            counted.unwrap_or_else(|| (ulid::Ulid::new().to_string(), rec.at, Counters::new(), Counters::new()));
        for (field, v) in rec.day {
            *day.entry(field.to_string()).or_default() += v;
        }
        let mut accounts: Vec<String> = Vec::new();
        for put in items.iter().filter_map(|t| t.item.put()) {
            let sk = put.item().get(crate::core::table::SK).and_then(|v| v.as_s().ok());
            let account = put.item().get("account_id").and_then(|v| v.as_s().ok());
            if let (Some(sk), Some(a)) = (sk, account)
                && sk.starts_with(keys::LEDGER_PREFIX)
                && !accounts.contains(a)
            {
                accounts.push(a.clone());
            }
        }
        Some(MoneyEvent {
            id,
            created_at,
            day,
            totals,
            credit: rec.credit,
            accounts,
            applied_at: None,
            outcome: None,
            ranked_at: None,
            counted_at: None,
        })
    }

    pub(crate) fn event_put(&self, e: &MoneyEvent) -> Result<TxItem> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        let (pk, sk) = e.key();
        item.extend(Self::key(pk, sk));
        item.insert("gsi1pk".into(), str_av(keys::pending_events(keys::shard_of(&e.id, keys::PENDING_SHARDS))));
        item.insert("gsi1sk".into(), str_av(keys::by_time(e.created_at, &e.id)));
        let window = keys::events_at(&keys::hour_of(e.created_at), keys::shard_of(&e.id, keys::WINDOW_SHARDS));
        item.insert("gsi2pk".into(), str_av(window));
        item.insert("gsi2sk".into(), str_av(&e.id));
        Ok(Action::put(self, item).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT))
    }

    /// An event by its id and, for a credit, its host.
    pub async fn get_event(&self, id: &str, host: Option<&str>) -> Result<Option<MoneyEvent>> {
        self.get_as(keys::event(id, host), &keys::event_sk(id)).await
    }

    /// Events not applied yet created at or before `upto` (ms), oldest first, up to `limit` per shard.
    pub async fn pending_events(&self, upto: i64, limit: usize) -> Result<Vec<MoneyEvent>> {
        Ok(self.pending_by_shard(upto, limit).await?.into_iter().flatten().collect())
    }

    /// `pending_events`, shard by shard.
    pub(super) async fn pending_by_shard(&self, upto: i64, limit: usize) -> Result<Vec<Vec<MoneyEvent>>> {
        let shards = (0..keys::PENDING_SHARDS).map(|shard| {
            self.client
                .query()
                .table_name(&self.table)
                .index_name(crate::core::table::GSI1.name)
                .key_condition_expression("gsi1pk = :pk AND gsi1sk <= :upto")
                .expression_attribute_values(":pk", str_av(keys::pending_events(shard)))
                .expression_attribute_values(":upto", str_av(keys::by_time_upto(upto)))
                .limit(limit as i32)
                .send()
        });
        let mut out = Vec::new();
        for page in futures_util::future::try_join_all(shards).await? {
            let items = page.items.unwrap_or_default();
            out.push(items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?);
        }
        Ok(out)
    }

    /// Whether a gift sent into one of `rooms` at or before `upto` (ms) may
    /// still be unapplied: a pending one is found, or a shard has more
    /// pending events than one page shows. Unrelated pending events (a
    /// stuck one in another room) do not count.
    pub async fn gifts_pending_in(&self, rooms: &[&str], upto: i64) -> Result<bool> {
        const PAGE: usize = 100;
        let in_rooms =
            |e: &MoneyEvent| e.credit.as_ref().and_then(|c| c.room_id.as_deref()).is_some_and(|r| rooms.contains(&r));
        Ok(self
            .pending_by_shard(upto, PAGE)
            .await?
            .iter()
            .any(|shard| shard.len() >= PAGE || shard.iter().any(in_rooms)))
    }

    /// Every event written in `hour` (`keys::hour_of`), all shards, all pages.
    pub async fn events_in_window(&self, hour: &str) -> Result<Vec<MoneyEvent>> {
        let shards = (0..keys::WINDOW_SHARDS).map(|shard| async move {
            let mut out: Vec<MoneyEvent> = Vec::new();
            let mut start = None;
            loop {
                let page = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(crate::core::table::GSI2.name)
                    .key_condition_expression("gsi2pk = :pk")
                    .expression_attribute_values(":pk", str_av(keys::events_at(hour, shard)))
                    .set_exclusive_start_key(start)
                    .send()
                    .await?;
                for item in page.items.unwrap_or_default() {
                    out.push(serde_dynamo::from_item(item)?);
                }
                start = page.last_evaluated_key;
                if start.is_none() {
                    return Ok::<_, Error>(out);
                }
            }
        });
        Ok(futures_util::future::try_join_all(shards).await?.into_iter().flatten().collect())
    }
}
