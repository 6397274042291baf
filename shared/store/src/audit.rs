//! The audit log: one item per admin or agency action, newest first.

use serde::{Deserialize, Serialize};

use crate::db::{Db, Item};
use crate::page::{Page, PageKey};
use crate::{Result, keys};

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

impl Db {
    pub async fn put_audit(&self, e: &AuditEntry) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        item.extend(Self::key(keys::AUDIT.into(), keys::by_time(e.created_at, &e.id)));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    pub async fn list_audit(&self, limit: usize, start: Option<PageKey>) -> Result<Page<AuditEntry>> {
        let page = self.query_page(None, keys::AUDIT.into(), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}
