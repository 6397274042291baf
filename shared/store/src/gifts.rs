//! Sending a gift: the one transaction that moves a sender's coins to a
//! host's earnings, with both ledger entries, the gift's counters and the
//! live room's total.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CatalogEntry, bool_av};
use crate::db::{Db, TxItem, n, s};
use crate::wallet::{IdempotentReply, WalletChange};
use crate::{Account, Result, keys};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gift {
    pub id: String,
    pub name: String,
    pub price_coins: i64,
    pub image_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub animation_key: Option<String>,
    pub active: bool,
    /// How many were sent and for how many coins in all.
    #[serde(default)]
    pub sent_count: i64,
    #[serde(default)]
    pub coins_total: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CatalogEntry for Gift {
    fn id(&self) -> &str {
        &self.id
    }
    fn active(&self) -> bool {
        self.active
    }
    fn sort_key(&self) -> String {
        format!("{:012}", self.price_coins)
    }
}

/// Everything a gift send writes; `changes` are the sender's coins and the host's earnings.
pub struct GiftSend<'a> {
    pub changes: [WalletChange; 2],
    pub sender_id: &'a str,
    pub receiver_id: &'a str,
    pub gift_id: &'a str,
    pub price_coins: i64,
    pub quantity: i64,
    pub room_id: Option<&'a str>,
    pub idempotency: Option<(&'a str, &'a str, &'a IdempotentReply)>,
}

impl Db {
    /// One transaction: `balance_changed` (a balance or the gift's price moved
    /// since it was read: re-read and retry), `account_banned`,
    /// `room_not_host` (the room belongs to another host), `idempotent_replay`.
    pub async fn send_gift(&self, g: GiftSend<'_>) -> Result<()> {
        let mut items = self.wallet_items(&g.changes, &[g.sender_id])?;
        let total = g.price_coins * g.quantity;
        let counters = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::catalog_key(Catalog::Gift, g.gift_id)))
            .update_expression("ADD sent_count :q, coins_total :t")
            .condition_expression("active = :true AND price_coins = :price")
            .expression_attribute_values(":q", n(g.quantity))
            .expression_attribute_values(":t", n(total))
            .expression_attribute_values(":true", bool_av(true))
            .expression_attribute_values(":price", n(g.price_coins))
            .build()
            .expect("update");
        items.push(TxItem { item: TransactWriteItem::builder().update(counters).build(), reason: "balance_changed" });
        if let Some(room) = g.room_id {
            // The room's running total and this sender's part of it (top gifters).
            // Live rooms arrive later; until then the first gift names the room's host.
            let total_update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(Self::key(keys::room(room), keys::ROOM)))
                .update_expression("SET host_id = if_not_exists(host_id, :host) ADD host_earning :t")
                .condition_expression("attribute_not_exists(host_id) OR host_id = :host")
                .expression_attribute_values(":host", s(g.receiver_id))
                .expression_attribute_values(":t", n(total))
                .build()
                .expect("update");
            let gifter = Update::builder()
                .table_name(&self.table)
                .set_key(Some(Self::key(keys::room(room), keys::room_gifter(g.sender_id))))
                .update_expression("SET sender_id = :sender ADD coins :t")
                .expression_attribute_values(":sender", s(g.sender_id))
                .expression_attribute_values(":t", n(total))
                .build()
                .expect("update");
            items.push(TxItem {
                item: TransactWriteItem::builder().update(total_update).build(),
                reason: "room_not_host",
            });
            items.push(TxItem { item: TransactWriteItem::builder().update(gifter).build(), reason: "room_not_host" });
        }
        if let Some((account, key, reply)) = g.idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    /// What a gift send decides on, in one BatchGetItem: the sender, the
    /// receiver and the gift.
    pub async fn gift_send_view(
        &self,
        sender_id: &str,
        receiver_id: &str,
        gift_id: &str,
    ) -> Result<(Option<Account>, Option<Account>, Option<Gift>)> {
        let keys = vec![
            Self::key(keys::account(sender_id), keys::PROFILE),
            Self::key(keys::account(receiver_id), keys::PROFILE),
            Self::catalog_key(Catalog::Gift, gift_id),
        ];
        let (mut sender, mut receiver, mut gift) = (None, None, None);
        for item in self.batch_get(keys).await? {
            let pk = item.get(crate::table::PK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            if pk == keys::account(sender_id) {
                sender = Some(serde_dynamo::from_item(item)?);
            } else if pk == keys::account(receiver_id) {
                receiver = Some(serde_dynamo::from_item(item)?);
            } else {
                gift = Some(serde_dynamo::from_item(item)?);
            }
        }
        Ok((sender, receiver, gift))
    }

    /// A room's gift total (`host_earning`), 0 when nothing was sent in it.
    pub async fn room_host_earning(&self, room_id: &str) -> Result<i64> {
        let item = self.get(keys::room(room_id), keys::ROOM).await?;
        Ok(item.and_then(|i| i.get("host_earning")?.as_n().ok()?.parse().ok()).unwrap_or(0))
    }
}
