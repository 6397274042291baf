//! In-app notifications: one item per notification in the recipient's
//! partition (also the outbox the table's stream hands to `send-push`), and
//! an unread counter on the account kept in the same transactions.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::TTL_ATTRIBUTE;

/// How long a notification stays in the list once read. Unread ones never
/// expire: TTL removing one would leave the unread counter above the items.
pub const NOTIFICATION_TTL_MS: i64 = 90 * 24 * 3600 * 1000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// A ULID: the list sorts by it.
    pub id: String,
    pub account_id: String,
    /// follow, gift, incoming_call, missed_call, low_balance, host_application, settlement
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub data: BTreeMap<String, String>,
    #[serde(default)]
    pub read: bool,
    pub created_at: i64,
}

impl Db {
    /// The notification's item (what the stream picks up for the push).
    pub(crate) fn notification_put(&self, n_: &Notification) -> Result<TxItem> {
        let mut item: Item = serde_dynamo::to_item(n_)?;
        item.extend(Self::key(keys::account(&n_.account_id), keys::notification(&n_.id)));
        Ok(Action::put(self, item).when("attribute_not_exists(pk)").because("notification_exists"))
    }

    /// Stores a notification and counts it unread, in one transaction.
    pub async fn put_notification(&self, n_: &Notification) -> Result<()> {
        self.transact(vec![
            self.notification_put(n_)?,
            Action::update(self, keys::account(&n_.account_id), keys::PROFILE, "ADD unread_notifications :one")
                .when("attribute_exists(pk)")
                .val(":one", num_av(1))
                .because("account_missing"),
        ])
        .await
    }

    /// An account's notifications, newest first.
    pub async fn list_notifications(
        &self,
        account: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Notification>> {
        let page =
            self.query_page(None, keys::account(account), limit, Some(keys::NOTIFICATION_PREFIX), start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Which of `ids` (or, with `None`, of all the account's notifications) are unread.
    pub async fn unread_notification_ids(&self, account: &str, ids: Option<&[String]>) -> Result<Vec<String>> {
        let mut out = Vec::new();
        match ids {
            Some(ids) => {
                for chunk in ids.chunks(100) {
                    let keys =
                        chunk.iter().map(|id| Self::key(keys::account(account), keys::notification(id))).collect();
                    for item in self.batch_get(keys).await? {
                        let n_: Notification = serde_dynamo::from_item(item)?;
                        if !n_.read {
                            out.push(n_.id);
                        }
                    }
                }
            }
            None => {
                let mut start = None;
                loop {
                    let page = self.list_notifications(account, 500, start).await?;
                    out.extend(page.items.into_iter().filter(|n_| !n_.read).map(|n_| n_.id));
                    match page.next {
                        Some(k) => start = Some(k),
                        None => break,
                    }
                }
            }
        }
        Ok(out)
    }

    /// Marks unread notifications read and lowers the unread count by as many,
    /// 99 to a transaction; `changed` when one was read meanwhile (read again).
    /// Marks them read (and from then on expiring, `NOTIFICATION_TTL_MS` after `now`).
    pub async fn mark_notifications_read(&self, account: &str, unread: &[String], now: i64) -> Result<()> {
        for chunk in unread.chunks(99) {
            let mut items: Vec<TxItem> = chunk
                .iter()
                .map(|id| {
                    Action::update(
                        self,
                        keys::account(account),
                        &keys::notification(id),
                        "SET #read = :true, #ttl = :ttl",
                    )
                    .when("#read = :false")
                    .name("#read", "read")
                    .name("#ttl", TTL_ATTRIBUTE)
                    .val(":ttl", num_av((now + NOTIFICATION_TTL_MS) / 1000))
                    .val(":true", AttributeValue::Bool(true))
                    .val(":false", AttributeValue::Bool(false))
                    .because("changed")
                })
                .collect();
            items.push(
                Action::update(self, keys::account(account), keys::PROFILE, "ADD unread_notifications :minus")
                    .when("unread_notifications >= :count")
                    .val(":minus", num_av(-(chunk.len() as i64)))
                    .val(":count", num_av(chunk.len() as i64))
                    .because("changed"),
            );
            self.transact(items).await?;
        }
        Ok(())
    }

    /// When a notification expires (epoch seconds), if it does.
    pub async fn notification_expiry(&self, account: &str, id: &str) -> Result<Option<i64>> {
        let item = self.get(keys::account(account), &keys::notification(id)).await?;
        Ok(item.and_then(|i| i.get(TTL_ATTRIBUTE)?.as_n().ok()?.parse().ok()))
    }

    pub async fn unread_notifications(&self, account: &str) -> Result<i64> {
        let item = self.get(keys::account(account), keys::PROFILE).await?.ok_or(Error::Condition("account_missing"))?;
        Ok(item.get("unread_notifications").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    pub async fn delete_push_token(&self, account: &str, token_hash: &str) -> Result<()> {
        self.delete(keys::account(account), &keys::push_token(token_hash)).await
    }
}

/// Whether an item's sort key is a notification's (what `send-push` handles).
pub fn is_notification_sk(sk: &str) -> bool {
    sk.starts_with(keys::NOTIFICATION_PREFIX)
}
