//! Broadcasts: an admin's message to a segment of accounts, fanned out to
//! their notifications a page at a time by `send-broadcasts`. One partition
//! holds them all (an admin's action, a few a day), newest first.

use serde::{Deserialize, Serialize};

use crate::core::db::{Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Broadcast {
    pub id: String,
    /// all, users, hosts or agencies
    pub segment: String,
    pub title: String,
    pub body: String,
    /// sending, then sent
    pub status: String,
    /// Accounts reached so far (each page counted once, by the run that records it).
    #[serde(default)]
    pub sent: i64,
    /// Where the fan-out goes on: the segment's next page (JSON), none at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
}

fn sk(b: &Broadcast) -> String {
    keys::by_time(b.created_at, &b.id)
}

impl Db {
    pub async fn put_broadcast(&self, b: &Broadcast) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(b)?;
        item.extend(Self::key(keys::BROADCASTS.into(), sk(b)));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await?;
        Ok(())
    }

    /// Broadcasts, newest first.
    pub async fn list_broadcasts(&self, limit: usize, start: Option<PageKey>) -> Result<Page<Broadcast>> {
        let page = self.query_page(None, keys::BROADCASTS.into(), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// The broadcasts still sending (consistently read). The partition is
    /// read whole: a filter would cost the same reads, and it holds a few a day.
    pub async fn sending_broadcasts(&self) -> Result<Vec<Broadcast>> {
        let mut items = Vec::new();
        // Sort keys are `keys::by_time`: digits first.
        self.each_between(keys::BROADCASTS.into(), "0", "~", |i| items.push(i.clone())).await?;
        let all: Vec<Broadcast> =
            items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(all.into_iter().filter(|b| b.status == "sending").collect())
    }

    /// Records a page sent: `added` more accounts reached, the fan-out going on
    /// at `next` (finished at `now` when `None`). `broadcast_moved` when
    /// another run recorded this page first (its cursor is no longer `b`'s).
    pub async fn advance_broadcast(&self, b: &Broadcast, added: i64, next: Option<String>, now: i64) -> Result<()> {
        let mut q = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::BROADCASTS.into(), sk(b))))
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#cursor", "cursor")
            .expression_attribute_names("#sent", "sent")
            .expression_attribute_values(":added", num_av(added))
            .expression_attribute_values(":sending", str_av("sending"));
        q = match &next {
            Some(c) => q
                .update_expression("SET #cursor = :next ADD #sent :added")
                .expression_attribute_values(":next", str_av(c)),
            None => q
                .update_expression("SET #status = :sent, finished_at = :now ADD #sent :added REMOVE #cursor")
                .expression_attribute_values(":sent", str_av("sent"))
                .expression_attribute_values(":now", num_av(now)),
        };
        q = match &b.cursor {
            Some(c) => q
                .condition_expression("#status = :sending AND #cursor = :was")
                .expression_attribute_values(":was", str_av(c)),
            None => q.condition_expression("#status = :sending AND attribute_not_exists(#cursor)"),
        };
        match q.send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Err(Error::Condition("broadcast_moved"))
            }
            Err(e) => Err(e.into()),
        }
    }
}
