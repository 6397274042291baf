//! The live channels' log: every message published on a channel (`/rooms/id`,
//! `/users/id`) is kept 10 minutes under the channel with its `seq`, so an
//! app that reconnects asks for what it missed (`after` the last seq it saw)
//! and gets the same messages. A batch of messages takes its seqs with one
//! `ADD` on the channel's counter (`CHANLOG#channel` / `SEQ`): the publisher
//! writes it once a batch (at most 10 times a second a room), never a request.

use aws_sdk_dynamodb::types::ReturnValue;

use crate::db::{Db, n, s};
use crate::reconcile::{attr_n, attr_s};
use crate::table::{PK, SK, TTL_ATTRIBUTE};
use crate::{Error, Result, keys};

/// How long a channel keeps its messages for catching up.
pub const CHANNEL_KEEP_MS: i64 = 10 * 60_000;

/// A message as kept: its seq and its JSON (which carries the seq too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelMessage {
    pub seq: i64,
    pub at: i64,
    pub body: String,
}

impl Db {
    /// Takes the next `count` seqs of `channel`: answers the first.
    pub async fn take_channel_seqs(&self, channel: &str, count: usize) -> Result<i64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::channel_log(channel), keys::CHANNEL_SEQ)))
            .update_expression("ADD seq :n")
            .expression_attribute_values(":n", n(count as i64))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await?;
        let last =
            out.attributes.as_ref().and_then(|a| attr_n(a, "seq")).ok_or(Error::Corrupt("channel seq".into()))?;
        Ok(last - count as i64 + 1)
    }

    /// Keeps `messages` on `channel` for `CHANNEL_KEEP_MS`.
    pub async fn keep_channel_messages(&self, channel: &str, messages: &[ChannelMessage]) -> Result<()> {
        let ops = messages
            .iter()
            .map(|m| {
                let key = Self::key(keys::channel_log(channel), &keys::channel_message(m.seq));
                let mut item = key.clone();
                item.insert("seq".into(), n(m.seq));
                item.insert("at".into(), n(m.at));
                item.insert("body".into(), s(&m.body));
                item.insert(TTL_ATTRIBUTE.into(), n((m.at + CHANNEL_KEEP_MS) / 1000 + 60));
                (key, Some(item))
            })
            .collect();
        self.batch_write(ops).await
    }

    /// Claims the publishing of what `key` names on `channel` (a notification,
    /// a stream record): `false` when it was claimed before, so a retried
    /// record does not publish its message twice. Kept as long as the messages.
    pub async fn claim_channel_publish(&self, channel: &str, key: &str, now: i64) -> Result<bool> {
        let mut item = Self::key(keys::channel_log(channel), &keys::channel_claim(key));
        item.insert(TTL_ATTRIBUTE.into(), n((now + CHANNEL_KEEP_MS) / 1000 + 60));
        let put = crate::db::Action::put(self, item).when("attribute_not_exists(pk)").because("claimed");
        match self.write_one(put).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("claimed")) => Ok(false),
            Err(e) => Err(e),
        }
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
        let start: crate::PageKey =
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

/// A change in a room that its channel announces, read off the table's stream.
#[derive(Clone, Debug)]
pub enum RoomRecord {
    /// The room item: live or ended, its viewer count.
    Room(crate::Room),
    Kick(crate::Kick),
    Mute(crate::Mute),
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
    PkBattle(crate::PkBattle),
    /// A call's item, new or changed (its parties' channels say its state).
    Call(crate::Call),
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
    if let Some(pk_id) = pk.strip_prefix("PK#").filter(|id| keys::pk(id) == pk && event_name == "MODIFY") {
        if sk.starts_with(keys::PK_SIDE_PREFIX) {
            return Some(RoomRecord::PkScore { pk_id: pk_id.to_string() });
        }
        if sk == keys::PK_BATTLE {
            let image: serde_dynamo::Item = new_image?.into();
            return serde_dynamo::from_item(image).ok().map(RoomRecord::PkBattle);
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
    r#"{"eventName": ["MODIFY"], "dynamodb": {"Keys": {"pk": {"S": [{"prefix": "PK#"}]}, "sk": {"S": ["BATTLE", {"prefix": "SIDE#"}]}}}}"#,
    r#"{"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "CALL#"}]}, "sk": {"S": ["CALL"]}}}}"#,
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
        assert!(keys::pk("b").starts_with("PK#") && ROOM_RECORD_FILTERS[2].contains(keys::PK_SIDE_PREFIX));
        assert!(ROOM_RECORD_FILTERS[2].contains(&format!("\"{}\"", keys::PK_BATTLE)));
        assert!(
            keys::call("c").starts_with("CALL#") && ROOM_RECORD_FILTERS[3].contains(&format!("\"{}\"", keys::CALL))
        );
        let none: Option<serde_dynamo::Item> = None;
        assert!(room_record("MODIFY", "ROOM#r", &keys::seat(3), none.clone()).is_some());
        assert!(room_record("REMOVE", "ROOM#r", &keys::room_mute("u"), none.clone()).is_some());
        assert!(room_record("INSERT", "ROOM#r", "TOTAL", none).is_none());
    }
}
