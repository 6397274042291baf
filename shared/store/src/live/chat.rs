//! Room chat the server keeps: each line (`CHAT#room` / `LINE#id`, a day),
//! the room's slow mode (on the room item), each account's last line in a
//! room for slow mode (`account` / `CHATLAST#room`, its own partition), and
//! the admins' list of masked words (one item).

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::TTL_ATTRIBUTE;

/// How long a chat line is kept (a room's history for the apps that join late).
const LINE_KEEP_MS: i64 = 24 * 3_600_000;

/// A line of a room's chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLine {
    pub id: String,
    pub room_id: String,
    pub sender_id: String,
    pub sender_name: String,
    /// The sender's levels when sending.
    #[serde(default)]
    pub wealth_level: i64,
    #[serde(default)]
    pub charm_level: i64,
    pub text: String,
    /// Its message's seq on the room's channel.
    pub seq: i64,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
}

/// The words admins mask in room chat.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatWords {
    pub words: Vec<String>,
    #[serde(default)]
    pub updated_at: i64,
}

impl Db {
    pub async fn put_chat_line(&self, line: &ChatLine) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(line)?;
        item.extend(Self::key(keys::room_chat(&line.room_id), keys::chat_line(&line.id)));
        item.insert(TTL_ATTRIBUTE.into(), num_av((line.created_at + LINE_KEEP_MS) / 1000));
        self.write_one(Action::put(self, item).because("chat_line")).await
    }

    pub async fn get_chat_line(&self, room_id: &str, id: &str) -> Result<Option<ChatLine>> {
        self.get_as(keys::room_chat(room_id), &keys::chat_line(id)).await
    }

    /// A room's last `limit` lines not deleted, oldest first.
    pub async fn recent_chat_lines(&self, room_id: &str, limit: usize) -> Result<Vec<ChatLine>> {
        let page =
            self.query_page(None, keys::room_chat(room_id), limit, Some(keys::CHAT_LINE_PREFIX), None, true).await?;
        let mut lines: Vec<ChatLine> = page
            .items
            .into_iter()
            .filter_map(|i| serde_dynamo::from_item::<_, ChatLine>(i).ok())
            .filter(|l| l.deleted_at.is_none())
            .collect();
        lines.reverse();
        Ok(lines)
    }

    /// Marks a line deleted: `false` when it was deleted before.
    pub async fn delete_chat_line(&self, room_id: &str, id: &str, by: &str, now: i64) -> Result<bool> {
        let mark = Action::update(
            self,
            keys::room_chat(room_id),
            &keys::chat_line(id),
            "SET deleted_at = :now, deleted_by = :by",
        )
        .when("attribute_exists(pk) AND attribute_not_exists(deleted_at)")
        .val(":now", num_av(now))
        .val(":by", crate::core::db::str_av(by))
        .because("deleted");
        match self.write_one(mark).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("deleted")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Takes `account`'s turn to chat in `room` under slow mode: `false` when
    /// its last line there is less than `slow_mode_ms` old.
    pub async fn take_chat_turn(&self, account: &str, room_id: &str, slow_mode_ms: i64, now: i64) -> Result<bool> {
        let mut item = Self::key(keys::account(account), keys::chat_last(room_id));
        item.insert("at".into(), num_av(now));
        item.insert(TTL_ATTRIBUTE.into(), num_av((now + slow_mode_ms) / 1000 + 60));
        let put = Action::put(self, item)
            .when("attribute_not_exists(pk) OR #at <= :cutoff")
            .name("#at", "at")
            .val(":cutoff", num_av(now - slow_mode_ms))
            .because("slow_mode");
        match self.write_one(put).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("slow_mode")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// When `account` last chatted in `room` (for slow mode's wait).
    pub async fn last_chat_at(&self, account: &str, room_id: &str) -> Result<Option<i64>> {
        let item = self.get(keys::account(account), &keys::chat_last(room_id)).await?;
        Ok(item.and_then(|i| crate::core::db::attr_n(&i, "at")))
    }

    /// Sets a live room's slow mode and the wealth level its chat needs:
    /// `false` when the room is not live.
    pub async fn set_chat_settings(&self, room_id: &str, secs: i64, min_level: i64) -> Result<bool> {
        let set = Action::update(
            self,
            keys::room(room_id),
            keys::ROOM,
            "SET slow_mode_secs = :secs, min_chat_level = :level",
        )
        .when("attribute_exists(pk) AND live = :t")
        .val(":secs", num_av(secs))
        .val(":level", num_av(min_level))
        .val(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
        .because("room_ended");
        match self.write_one(set).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("room_ended")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn get_chat_words(&self) -> Result<ChatWords> {
        Ok(self.get_as(keys::SETTINGS.to_string(), keys::CHAT_WORDS).await?.unwrap_or_default())
    }

    pub async fn put_chat_words(&self, words: &ChatWords) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(words)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), keys::CHAT_WORDS));
        self.write_one(Action::put(self, item).because("chat_words")).await
    }
}
