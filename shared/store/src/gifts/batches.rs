//! The gifts one aggregation transaction credited in one room, written in
//! that transaction (so exactly once) for the room's live channel
//! (`publish-live` reads them off the stream: `crate::live::channels`).

use serde::{Deserialize, Serialize};

use crate::core::db::{Db, num_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::table::TTL_ATTRIBUTE;

/// One gift as a room's channel announces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomGift {
    pub event_id: String,
    pub sender_id: String,
    #[serde(default)]
    pub sender_name: String,
    pub gift_id: String,
    #[serde(default)]
    pub gift_name: String,
    pub quantity: i64,
    /// What the sender paid.
    pub coins: i64,
    pub to_id: String,
    pub at: i64,
    /// The sender's wealth level when sending.
    #[serde(default)]
    pub sender_wealth_level: i64,
}

/// The gifts one aggregation transaction credited in one room: written in
/// that transaction (so once), read off the stream by `publish-live`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftBatch {
    pub id: String,
    pub room_id: String,
    pub gifts: Vec<RoomGift>,
    pub created_at: i64,
}

/// How long a gift batch is kept (the stream hands it over within 24 h; an
/// hour covers the retries that matter to a live room).
pub(crate) const GIFT_BATCH_KEEP_MS: i64 = 60 * 60_000;

impl Db {
    pub(crate) fn gift_batch_put(&self, batch: &GiftBatch) -> Result<crate::core::db::TxItem> {
        let mut item: crate::core::db::Item = serde_dynamo::to_item(batch)?;
        item.extend(Self::key(keys::room(&batch.room_id), keys::gift_batch(&batch.id)));
        item.insert(TTL_ATTRIBUTE.into(), num_av((batch.created_at + GIFT_BATCH_KEEP_MS) / 1000));
        Ok(crate::core::db::Action::put(self, item).because("room_missing"))
    }
}
