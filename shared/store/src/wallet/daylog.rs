//! Day logs: calls and recharges by the UTC day they began, for the admins'
//! lists. A day is `DAY_LOG_SHARDS` GSI3 partitions, so a busy day's writes
//! (and every later update of a logged item, the index being ALL-projected)
//! spread; a page merges the shards newest first.

use aws_sdk_dynamodb::types::AttributeValue;
use futures_util::future::try_join_all;

use crate::core::db::{Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI3;

/// GSI3 attributes that put an item created at `ms` on `kind`'s log of that day.
/// The sort key is the time with a 3-digit tail from the id, so two items of
/// one millisecond still differ and a cursor can be a plain "before".
pub(crate) fn day_log_entry(kind: &str, id: &str, ms: i64) -> [(String, AttributeValue); 2] {
    let shard = keys::shard_of(id, keys::DAY_LOG_SHARDS);
    [
        (GSI3.pk.into(), str_av(keys::day_log(kind, &keys::day_of(ms), shard))),
        (GSI3.sk.into(), num_av(ms * 1000 + i64::from(keys::shard_of(id, 1000)))),
    ]
}

/// Attribute = value conditions on a log's items (`None` values are left out).
pub type Matching<'a> = &'a [(&'a str, Option<&'a str>)];

fn sort_key(item: &Item) -> Result<i64> {
    match item.get(GSI3.sk) {
        Some(AttributeValue::N(v)) => v.parse().map_err(|_| Error::Corrupt(format!("day log key {v}"))),
        _ => Err(Error::Corrupt("a day log item without its sort key".into())),
    }
}

impl Db {
    /// A page of `kind`'s log of `day` (yyyy-mm-dd), newest first, of the
    /// items `matching` says. Each shard is read newest first; an item is
    /// answered only when no shard with more to read could hold a newer
    /// match, so a sparse filter may answer a short page with a cursor.
    pub(crate) async fn day_log_page(
        &self,
        kind: &str,
        day: &str,
        matching: Matching<'_>,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Item>> {
        let before = match start {
            None => None,
            Some(k) if k.len() == 1 => Some(k["before"].parse::<i64>().map_err(|_| Error::Condition("bad_cursor"))?),
            Some(_) => return Err(Error::Condition("bad_cursor")),
        };
        let reads = (0..keys::DAY_LOG_SHARDS).map(|shard| {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI3.name)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", GSI3.pk)
                .expression_attribute_values(":pk", str_av(keys::day_log(kind, day, shard)))
                .scan_index_forward(false)
                .limit(limit as i32 + 1);
            if let Some(b) = before {
                q = q
                    .key_condition_expression("#pk = :pk AND #sk < :before")
                    .expression_attribute_names("#sk", GSI3.sk)
                    .expression_attribute_values(":before", num_av(b));
            }
            let mut filter = Vec::new();
            for (i, (name, value)) in matching.iter().enumerate() {
                if let Some(v) = value {
                    filter.push(format!("#f{i} = :f{i}"));
                    q = q
                        .expression_attribute_names(format!("#f{i}"), *name)
                        .expression_attribute_values(format!(":f{i}"), str_av(*v));
                }
            }
            if !filter.is_empty() {
                q = q.filter_expression(filter.join(" AND "));
            }
            async move {
                let out = q.send().await?;
                let more = out.last_evaluated_key.as_ref().map(sort_key).transpose()?;
                Ok::<_, Error>((out.items.unwrap_or_default(), more))
            }
        });
        let shards = try_join_all(reads).await?;
        // Below the highest point a shard stopped at, that shard may hold newer matches.
        let floor = shards.iter().filter_map(|(_, more)| *more).max();
        let mut items: Vec<(i64, Item)> = Vec::new();
        for item in shards.into_iter().flat_map(|(items, _)| items) {
            let key = sort_key(&item)?;
            if floor.is_none_or(|f| key > f) {
                items.push((key, item));
            }
        }
        items.sort_by_key(|(key, _)| std::cmp::Reverse(*key));
        let next = if items.len() > limit {
            items.truncate(limit);
            Some(items[limit - 1].0)
        } else {
            // The floor item itself was read, not answered: the next page starts at it.
            floor.map(|f| f + 1)
        };
        let next = next.map(|b| PageKey::from([("before".to_string(), b.to_string())]));
        Ok(Page { items: items.into_iter().map(|(_, item)| item).collect(), next })
    }
}
