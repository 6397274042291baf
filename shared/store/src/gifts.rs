//! Sending a gift: the one transaction that moves a sender's coins to a
//! host's earnings, with both ledger entries, the gift's counters and the
//! live room's total.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::boards::{BoardKind, BoardMode};
use crate::catalog::{Catalog, bool_av, catalog_entry};
use crate::db::{Action, Db, TxItem, n, s};
use crate::wallet::{IdempotentReply, WalletChange};
use crate::{Account, Error, Result, keys};

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

catalog_entry!(Gift, |e| format!("{:012}", e.price_coins), ["sent_count", "coins_total"]);

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
    /// The host's "gift received" notification, written in the same transaction.
    pub notification: Option<&'a crate::Notification>,
}

impl Db {
    /// One transaction: `balance_changed` (a balance or the gift's price moved
    /// since it was read: re-read and retry), `account_banned`,
    /// `room_unavailable` (no live room of this host), `blocked` (the host
    /// blocked the sender), `idempotent_replay`.
    pub async fn send_gift(&self, g: GiftSend<'_>) -> Result<()> {
        let now = g.changes[1].entry.created_at;
        let boards = [(BoardKind::Gifters, g.sender_id), (BoardKind::Hosts, g.receiver_id)];
        let mut modes = [BoardMode::Current, BoardMode::Current];
        // The first gift of a day or week to touch an entry rolls it on (see `boards`).
        for _ in 0..4 {
            match self.send_gift_once(&g, &modes, now).await {
                Err(Error::Condition("gifters_board_rolled" | "hosts_board_rolled" | "board_changed")) => {
                    for (i, (kind, subject)) in boards.iter().enumerate() {
                        modes[i] = self.board_mode(*kind, subject, now).await?;
                    }
                }
                other => return other,
            }
        }
        Err(Error::Busy)
    }

    async fn send_gift_once(&self, g: &GiftSend<'_>, modes: &[BoardMode; 2], now: i64) -> Result<()> {
        let mut counters = vec![(g.receiver_id, "gifts_received", g.quantity)];
        if g.notification.is_some() {
            counters.push((g.receiver_id, "unread_notifications", 1));
        }
        let mut items = self.wallet_items_counting(&g.changes, &[g.sender_id, g.receiver_id], &counters)?;
        if let Some(note) = g.notification {
            items.push(self.notification_put(note)?);
        }
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
            // The live room's running total, and this sender's part of it: its
            // coins double as the top-gifters sort key, kept equal in one update.
            items.push(
                Action::update(self, keys::room(room), keys::ROOM, "ADD host_earning :t")
                    .when("live = :true AND host_id = :host")
                    .val(":true", bool_av(true))
                    .val(":host", s(g.receiver_id))
                    .val(":t", n(total))
                    .because("room_unavailable"),
            );
            items.push(
                Action::update(
                    self,
                    keys::room(room),
                    &keys::room_gifter(g.sender_id),
                    "SET sender_id = :sender, gsi3pk = :gifters, coins = if_not_exists(coins, :zero) + :t, \
                     gsi3sk = if_not_exists(coins, :zero) + :t",
                )
                .val(":sender", s(g.sender_id))
                .val(":gifters", s(keys::room_gifters(room)))
                .val(":zero", n(0))
                .val(":t", n(total))
                .because("room_unavailable"),
            );
        }
        items.push(self.not_blocked(g.receiver_id, g.sender_id));
        items.push(self.board_add(BoardKind::Gifters, g.sender_id, total, now, &modes[0]));
        items.push(self.board_add(BoardKind::Hosts, g.receiver_id, total, now, &modes[1]));
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
}
