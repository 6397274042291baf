//! Reading money events: one by its id, the pending ones, a window's.

use crate::core::db::{Db, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::wallet::events::*;

impl Db {
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
