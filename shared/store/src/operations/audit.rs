//! The audit log: one item per admin or agency action, newest first.

use serde::{Deserialize, Serialize};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::core::db::{Db, Item, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{PK, SK};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub actor_id: String,
    pub actor_role: String,
    /// The function that ran: `ban-user`, `approve-host-application`, ...
    pub action: String,
    pub method: String,
    pub path: String,
    /// JSON text: the request body, the resource before and after (when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub status: u16,
    pub created_at: i64,
}

/// Which audit lines to list; `None` matches every one.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// Epoch ms, both ends included.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

/// The largest time `keys::by_time` writes in its 15 digits.
const LAST_MS: i64 = 999_999_999_999_999;

fn entries(items: Vec<Item>) -> Result<Vec<AuditEntry>> {
    Ok(items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?)
}

impl Db {
    pub async fn put_audit(&self, e: &AuditEntry) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        item.extend(Self::key(keys::AUDIT.into(), keys::by_time(e.created_at, &e.id)));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// The lines `filter` matches, newest first. The time range is the key
    /// condition; actor and action are a filter, so a page may take several
    /// reads: after ten it answers what it found with a cursor to go on from.
    pub async fn list_audit(
        &self,
        filter: &AuditFilter,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<AuditEntry>> {
        let key_of = |item: &Item| -> Result<PageKey> {
            [PK, SK]
                .iter()
                .map(|n| match item.get(*n) {
                    Some(AttributeValue::S(v)) => Ok((n.to_string(), v.clone())),
                    _ => Err(Error::Corrupt(format!("audit line without {n}"))),
                })
                .collect()
        };
        let mut from: Option<Item> = match start {
            None => None,
            Some(k) if k.len() == 2 && k.get(PK).map(String::as_str) == Some(keys::AUDIT) && k.contains_key(SK) => {
                Some(k.into_iter().map(|(n, v)| (n, str_av(v))).collect())
            }
            Some(_) => return Err(Error::Condition("bad_cursor")),
        };
        let mut found: Vec<Item> = Vec::new();
        for _ in 0..10 {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", str_av(keys::AUDIT))
                .expression_attribute_values(":lo", str_av(keys::by_time(filter.from_ms.unwrap_or(0), "")))
                .expression_attribute_values(":hi", str_av(keys::by_time_upto(filter.to_ms.unwrap_or(LAST_MS))));
            let mut conditions = Vec::new();
            if let Some(actor) = &filter.actor_id {
                conditions.push("#actor = :actor");
                q = q
                    .expression_attribute_names("#actor", "actor_id")
                    .expression_attribute_values(":actor", str_av(actor));
            }
            if let Some(action) = &filter.action {
                conditions.push("#action = :action");
                q = q
                    .expression_attribute_names("#action", "action")
                    .expression_attribute_values(":action", str_av(action));
            }
            if !conditions.is_empty() {
                q = q.filter_expression(conditions.join(" AND "));
            }
            let out = q
                .scan_index_forward(false)
                .limit(100)
                .set_exclusive_start_key(from.take())
                .consistent_read(true)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                if found.len() == limit {
                    let next = key_of(found.last().expect("limit >= 1"))?;
                    return Ok(Page { items: entries(found)?, next: Some(next) });
                }
                found.push(item);
            }
            match out.last_evaluated_key {
                None => return Ok(Page { items: entries(found)?, next: None }),
                Some(k) => from = Some(k),
            }
        }
        let next = from.as_ref().map(key_of).transpose()?;
        Ok(Page { items: entries(found)?, next })
    }
}
