//! The live channels' log: every message published on a channel (`/rooms/id`,
//! `/users/id`) is kept 10 minutes under the channel with its `seq`, so an
//! app that reconnects asks for what it missed (`after` the last seq it saw)
//! and gets the same messages. Messages are appended in one transaction
//! conditioned on the channel's head (`CHANLOG#channel` / `SEQ`: its last seq
//! and, for a room, its last 100 ms slot), with the claims of what they come
//! from, so a retried stream record publishes nothing twice and a room's
//! channel takes at most one message a slot: its head is written at most 10
//! times a second, and never in a request's own transaction.

use serde::Deserialize;

use crate::core::db::{Db, attr_n, attr_s, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::{PK, SK, TTL_ATTRIBUTE};
use crate::gifts::batches::GiftBatch;

/// How long a channel keeps its messages for catching up.
pub const CHANNEL_KEEP_MS: i64 = 10 * 60_000;

/// A message as kept: its seq and its JSON (which carries the seq too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelMessage {
    pub seq: i64,
    pub at: i64,
    pub body: String,
}

/// Where a channel stands: its last seq and, for a room's, the last 100 ms
/// slot a message took (`CHANNEL_SLOT_MS`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChannelHead {
    pub seq: i64,
    pub slot: i64,
}

/// How an append went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    Done,
    /// Another publisher appended since the head was read: read it again.
    Moved,
    /// One of the claims was taken before (`claimed_channel_keys` says which).
    Claimed,
}

/// A room channel's slot: one message per slot, so at most 10 a second.
pub const CHANNEL_SLOT_MS: i64 = 100;
/// Claims and messages one append holds (a transaction holds 100 items).
pub const APPEND_MAX: usize = 90;

impl Db {
    /// The channel's head, read strongly (the append is conditioned on it).
    pub async fn channel_head(&self, channel: &str) -> Result<ChannelHead> {
        let item = self.get(keys::channel_log(channel), keys::CHANNEL_SEQ).await?;
        let at = |a: &str| item.as_ref().and_then(|i| attr_n(i, a)).unwrap_or(0);
        Ok(ChannelHead { seq: at("seq"), slot: at("slot") })
    }

    /// Appends `messages` (seqs `head.seq + 1…`, in order) to `channel` in one
    /// transaction with `claims` (what they come from, each published once)
    /// and, for a room's channel, the slot `slot` (the last the messages take).
    /// Conditioned on the head: a concurrent append makes this one `Moved`.
    /// The messages are kept `CHANNEL_KEEP_MS`; so are the claims.
    pub async fn append_channel(
        &self,
        channel: &str,
        head: &ChannelHead,
        slot: Option<i64>,
        claims: &[String],
        messages: &[ChannelMessage],
    ) -> Result<Appended> {
        if claims.len() + messages.len() > APPEND_MAX {
            return Err(Error::Db(format!("an append holds at most {APPEND_MAX} claims and messages")));
        }
        let pk = keys::channel_log(channel);
        let now = messages.first().map_or(0, |m| m.at);
        let ttl = num_av((now + CHANNEL_KEEP_MS) / 1000 + 60);
        let mut items = Vec::with_capacity(claims.len() + messages.len() + 1);
        for c in claims {
            let mut item = Self::key(pk.clone(), keys::channel_claim(c));
            item.insert(TTL_ATTRIBUTE.into(), ttl.clone());
            items.push(crate::core::db::Action::put(self, item).when("attribute_not_exists(pk)").because("claimed"));
        }
        let last = head.seq + messages.len() as i64;
        let (set, cond) = match (slot, head.seq) {
            (Some(_), 0) => ("SET seq = :last, slot = :slot", "attribute_not_exists(seq)"),
            (Some(_), _) => ("SET seq = :last, slot = :slot", "seq = :cur"),
            (None, 0) => ("SET seq = :last", "attribute_not_exists(seq)"),
            (None, _) => ("SET seq = :last", "seq = :cur"),
        };
        let mut head_update = crate::core::db::Action::update(self, pk.clone(), keys::CHANNEL_SEQ, set)
            .when(cond)
            .val(":last", num_av(last));
        if head.seq != 0 {
            head_update = head_update.val(":cur", num_av(head.seq));
        }
        if let Some(slot) = slot {
            head_update = head_update.val(":slot", num_av(slot));
        }
        let head_update = head_update.because("channel_moved");
        items.push(head_update);
        for m in messages {
            let mut item = Self::key(pk.clone(), keys::channel_message(m.seq));
            item.insert("seq".into(), num_av(m.seq));
            item.insert("at".into(), num_av(m.at));
            item.insert("body".into(), str_av(&m.body));
            item.insert(TTL_ATTRIBUTE.into(), ttl.clone());
            items.push(crate::core::db::Action::put(self, item).because("channel_moved"));
        }
        match self.transact_only(items).await {
            Ok(()) => Ok(Appended::Done),
            Err(Error::Condition("claimed")) => Ok(Appended::Claimed),
            Err(Error::Condition("channel_moved")) => Ok(Appended::Moved),
            Err(e) => Err(e),
        }
    }

    /// Which of `claims` on `channel` were taken before.
    pub async fn claimed_channel_keys(&self, channel: &str, claims: &[String]) -> Result<Vec<String>> {
        let pk = keys::channel_log(channel);
        let keys = claims.iter().map(|c| Self::key(pk.clone(), keys::channel_claim(c))).collect();
        let found = self.batch_get_projected(keys, "pk, sk").await?;
        let taken: std::collections::BTreeSet<String> =
            found.iter().filter_map(|i| attr_s(i, SK)).map(str::to_string).collect();
        Ok(claims.iter().filter(|c| taken.contains(&keys::channel_claim(c))).cloned().collect())
    }

    /// The messages of `channel` after seq `after` (oldest first, up to
    /// `limit`) still kept at `now`, and the channel's last seq.
    pub async fn channel_messages_after(
        &self,
        channel: &str,
        after: i64,
        limit: usize,
        now: i64,
    ) -> Result<(Vec<ChannelMessage>, i64)> {
        let pk = keys::channel_log(channel);
        let last = self.get(pk.clone(), keys::CHANNEL_SEQ).await?.and_then(|i| attr_n(&i, "seq")).unwrap_or(0);
        // After `after`: its key is where the page starts (whether or not it is still kept).
        let start: crate::core::page::PageKey =
            [(PK.to_string(), pk.clone()), (SK.to_string(), keys::channel_message(after))].into_iter().collect();
        let page = self.query_page(None, pk, limit, Some(keys::CHANNEL_MESSAGE_PREFIX), Some(start), false).await?;
        let kept = page
            .items
            .iter()
            .filter_map(|i| {
                let m = ChannelMessage {
                    seq: attr_n(i, "seq")?,
                    at: attr_n(i, "at")?,
                    body: attr_s(i, "body")?.to_string(),
                };
                (m.at + CHANNEL_KEEP_MS > now).then_some(m)
            })
            .collect();
        Ok((kept, last))
    }
}

/// A change that a live channel announces (a room's, or an account's own),
/// read off the table's stream.
#[derive(Clone, Debug)]
pub enum RoomRecord {
    /// The room item: live or ended, its viewer count.
    Room(crate::rooms::room::Room),
    Kick(crate::rooms::moderation::Kick),
    Mute(crate::rooms::moderation::Mute),
    Unmuted {
        room_id: String,
        user_id: String,
    },
    /// One of the room's seats changed.
    Seat {
        room_id: String,
    },
    /// A PK side's score changed (the aggregator added gifts to it).
    PkScore {
        pk_id: String,
    },
    /// A PK battle's item changed: ended, or its result written.
    PkBattle(crate::rooms::pk::PkBattle),
    /// A call's item, new or changed (its parties' channels say its state).
    Call(crate::calls::call::Call),
    /// Gifts credited in a room.
    Gifts(GiftBatch),
    /// A ledger entry: its account's balances changed (`wallet`).
    Ledger(crate::wallet::balance::LedgerEntry),
    /// An account banned, at this time (`banned`).
    Banned {
        account_id: String,
        at: i64,
    },
}

/// What a stream record of the table is to a room's channel, if anything:
/// `event_name` (INSERT, MODIFY, REMOVE), the item's keys and its new image.
pub fn room_record<I: Into<serde_dynamo::Item>>(
    event_name: &str,
    pk: &str,
    sk: &str,
    new_image: Option<I>,
) -> Option<RoomRecord> {
    if pk.strip_prefix("CALL#").is_some_and(|id| keys::call(id) == pk && sk == keys::CALL) {
        let image: serde_dynamo::Item = new_image.filter(|_| event_name != "REMOVE")?.into();
        return serde_dynamo::from_item(image).ok().map(RoomRecord::Call);
    }
    if let Some(pk_id) = pk.strip_prefix("PK#").filter(|id| keys::battle(id) == pk && event_name == "MODIFY") {
        if sk.starts_with(keys::PK_SIDE_PREFIX) {
            return Some(RoomRecord::PkScore { pk_id: pk_id.to_string() });
        }
        if sk == keys::PK_BATTLE {
            let image: serde_dynamo::Item = new_image?.into();
            return serde_dynamo::from_item(image).ok().map(RoomRecord::PkBattle);
        }
        return None;
    }
    if let Some(account) = pk.strip_prefix("ACCOUNT#").filter(|id| keys::account(id) == pk) {
        let image: serde_dynamo::Item = new_image.filter(|_| event_name != "REMOVE")?.into();
        if sk.starts_with(keys::LEDGER_PREFIX) && event_name == "INSERT" {
            return serde_dynamo::from_item(image).ok().map(RoomRecord::Ledger);
        }
        if sk == keys::PROFILE && event_name == "MODIFY" {
            #[derive(Deserialize)]
            struct Ban {
                #[serde(default)]
                banned: bool,
                #[serde(default)]
                banned_at: i64,
            }
            let ban: Ban = serde_dynamo::from_item(image).ok()?;
            return ban.banned.then(|| RoomRecord::Banned { account_id: account.to_string(), at: ban.banned_at });
        }
        return None;
    }
    let room_id = pk.strip_prefix("ROOM#")?.to_string();
    if keys::room(&room_id) != pk {
        return None;
    }
    if let Some(user) = sk.strip_prefix("MUTE#").filter(|_| event_name == "REMOVE") {
        return (keys::room_mute(user) == sk).then(|| RoomRecord::Unmuted { room_id, user_id: user.to_string() });
    }
    if sk.starts_with(keys::GIFT_BATCH_PREFIX) {
        let image: serde_dynamo::Item = new_image.filter(|_| event_name == "INSERT")?.into();
        return serde_dynamo::from_item(image).ok().map(RoomRecord::Gifts);
    }
    if sk.starts_with(keys::SEAT_PREFIX) {
        return (event_name == "MODIFY").then_some(RoomRecord::Seat { room_id });
    }
    let image: serde_dynamo::Item = new_image.filter(|_| event_name != "REMOVE")?.into();
    if sk == keys::ROOM {
        return serde_dynamo::from_item(image).ok().map(RoomRecord::Room);
    }
    if sk.starts_with("KICK#") {
        return serde_dynamo::from_item(image).ok().map(RoomRecord::Kick);
    }
    if sk.starts_with("MUTE#") {
        return serde_dynamo::from_item(image).ok().map(RoomRecord::Mute);
    }
    None
}

/// The stream filter patterns of the records `room_record` reads (the
/// `publish-live` event source mapping's, so nothing else wakes it).
pub const ROOM_RECORD_FILTERS: &[&str] = &[
    r#"{"eventName": ["MODIFY"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ROOM#"}]}, "sk": {"S": ["ROOM", {"prefix": "SEAT#"}]}}}}"#,
    r#"{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ROOM#"}]}, "sk": {"S": [{"prefix": "KICK#"}, {"prefix": "MUTE#"}]}}}}"#,
    r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ROOM#"}]}, "sk": {"S": [{"prefix": "GIFTBATCH#"}]}}}}"#,
    r#"{"eventName": ["MODIFY"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "PK#"}]}, "sk": {"S": ["BATTLE", {"prefix": "SIDE#"}]}}}}"#,
    r#"{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "CALL#"}]}, "sk": {"S": ["CALL"]}}}}"#,
    r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ACCOUNT#"}]}, "sk": {"S": [{"prefix": "LEDGER#"}]}}}}"#,
    r#"{"eventName": ["MODIFY"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "ACCOUNT#"}]}, "sk": {"S": ["PROFILE"]}}, "NewImage": {"banned": {"BOOL": [true]}}}}"#,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_name_what_room_record_reads() {
        assert!(ROOM_RECORD_FILTERS[0].contains(&format!("\"{}\"", keys::ROOM)));
        assert!(ROOM_RECORD_FILTERS[0].contains(keys::SEAT_PREFIX));
        assert!(keys::room_kick("u").starts_with("KICK#") && keys::room_mute("u").starts_with("MUTE#"));
        assert!(keys::room("r").starts_with("ROOM#"));
        assert!(keys::battle("b").starts_with("PK#") && ROOM_RECORD_FILTERS[3].contains(keys::PK_SIDE_PREFIX));
        assert!(ROOM_RECORD_FILTERS[2].contains(keys::GIFT_BATCH_PREFIX));
        assert!(ROOM_RECORD_FILTERS[3].contains(&format!("\"{}\"", keys::PK_BATTLE)));
        assert!(
            keys::call("c").starts_with("CALL#") && ROOM_RECORD_FILTERS[4].contains(&format!("\"{}\"", keys::CALL))
        );
        assert!(keys::account("a").starts_with("ACCOUNT#") && ROOM_RECORD_FILTERS[5].contains(keys::LEDGER_PREFIX));
        assert!(ROOM_RECORD_FILTERS[6].contains(&format!("\"{}\"", keys::PROFILE)));
        let none: Option<serde_dynamo::Item> = None;
        assert!(room_record("MODIFY", "ROOM#r", &keys::seat(3), none.clone()).is_some());
        assert!(room_record("REMOVE", "ROOM#r", &keys::room_mute("u"), none.clone()).is_some());
        assert!(room_record("INSERT", "ROOM#r", "TOTAL", none).is_none());
    }
}
