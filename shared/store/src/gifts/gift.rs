//! Sending a gift: the one transaction that takes a sender's coins and
//! records the gift's event; the host's side follows from the event.

use serde::{Deserialize, Serialize};

use crate::accounts::account::Account;
use crate::catalog::entries::{Catalog, catalog_entry};
use crate::core::db::Db;
use crate::core::error::Result;
use crate::core::keys;
use crate::wallet::balance::{IdempotentReply, WalletChange};
use crate::wallet::events::Credit;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gift {
    pub id: String,
    pub name: String,
    pub price_coins: i64,
    pub image_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub animation_key: Option<String>,
    pub active: bool,
    /// What buys it: paid coins, or bonus coins only.
    #[serde(default)]
    pub currency: GiftCurrency,
    /// The sender's wealth level it needs (0: any).
    #[serde(default)]
    pub min_wealth_level: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GiftCurrency {
    #[default]
    Coins,
    Bonus,
}

/// What a gift send decides on (`Db::gift_send_view`).
#[derive(Clone, Debug, Default)]
pub struct GiftSendView {
    pub sender: Option<Account>,
    pub receiver: Option<Account>,
    pub gift: Option<Gift>,
    pub room: Option<crate::rooms::room::Room>,
    /// With a room: the room and seat the receiver holds, if any (a guest's gift).
    pub receiver_seat: Option<(String, i64)>,
    /// The settings (a bonus gift's host rate, a room owner's share of a guest's gifts).
    pub settings: Option<crate::catalog::settings::Settings>,
}

// How many were sent, and for how many coins, is counted on the platform
// counters' lanes (`Db::gift_counts`), not on this item every gift would write.
catalog_entry!(Gift, |e| format!("{:012}", e.price_coins));

/// Everything a gift send writes: the sender's side only (see `crate::wallet::events`).
pub struct GiftSend<'a> {
    /// The sender's coins.
    pub change: WalletChange,
    /// The host's side (a seated guest's), applied by the aggregator.
    pub credit: Credit,
    /// A gift to a guest: the room owner's share, its own event.
    pub share: Option<Credit>,
    pub idempotency: Option<(&'a str, &'a str, &'a IdempotentReply)>,
}

impl Db {
    /// One transaction on the sender's items only: the wallet (conditioned on
    /// the balance read, no debt, not banned), the ledger entry, the gift's
    /// event and the block check. `balance_changed` (re-read and retry),
    /// `blocked` (the host blocked the sender), `idempotent_replay`. The host,
    /// the room and the gift were checked from a read; the aggregator refunds
    /// a gift whose host can no longer earn by the time it applies it.
    pub async fn send_gift(&self, g: GiftSend<'_>) -> Result<()> {
        let sender = g.change.entry.account_id.clone();
        let mut items = self.wallet_items(std::slice::from_ref(&g.change), &[&sender])?;
        items.push(self.not_blocked(&g.credit.host_id, &sender));
        if let Some((account, key, reply)) = g.idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        if let Some(share) = g.share {
            items.push(self.event_put(&crate::wallet::events::MoneyEvent::share(share, g.change.entry.created_at))?);
        }
        let rec = crate::wallet::events::Recording { credit: Some(g.credit), ..Default::default() };
        self.transact_recording(items, rec).await
    }

    /// What a gift send decides on, in one BatchGetItem: the sender, the
    /// receiver and the gift.
    pub async fn gift_send_view(
        &self,
        sender_id: &str,
        receiver_id: &str,
        gift_id: &str,
        room_id: Option<&str>,
    ) -> Result<GiftSendView> {
        let mut keys = vec![
            Self::key(keys::account(sender_id), keys::PROFILE),
            Self::key(keys::account(receiver_id), keys::PROFILE),
            Self::catalog_key(Catalog::Gift, gift_id),
        ];
        // The settings: a bonus gift's host rate, a guest's room owner share.
        keys.push(Self::key(keys::SETTINGS.to_string(), keys::SETTINGS));
        if let Some(room) = room_id {
            keys.push(Self::key(keys::room(room), keys::ROOM));
            keys.push(Self::key(keys::account(receiver_id), keys::SEATED));
        }
        let mut view = GiftSendView { settings: Some(Default::default()), ..Default::default() };
        for item in self.batch_get(keys).await? {
            let pk = item.get(crate::core::table::PK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            let sk = item.get(crate::core::table::SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            if sk == keys::SEATED {
                let room = item.get("room_id").and_then(|v| v.as_s().ok()).cloned();
                let seat = item.get("seat").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok());
                view.receiver_seat = room.zip(seat);
            } else if sk == keys::SETTINGS {
                view.settings = Some(serde_dynamo::from_item(item)?);
            } else if pk == keys::account(sender_id) {
                view.sender = Some(serde_dynamo::from_item(item)?);
            } else if pk == keys::account(receiver_id) {
                view.receiver = Some(serde_dynamo::from_item(item)?);
            } else if room_id.is_some_and(|r| pk == keys::room(r)) {
                view.room = Some(serde_dynamo::from_item(item)?);
            } else {
                view.gift = Some(serde_dynamo::from_item(item)?);
            }
        }
        Ok(view)
    }
}
