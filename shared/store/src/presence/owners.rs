//! What Agora's notifications keep: which room or call a channel is, which
//! account a uid is in a room, the last event order per uid, notices seen.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::calls::call::Call;
use crate::core::db::{Action, Db, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::{GSI2, TTL_ATTRIBUTE};
use crate::rooms::room::Room;

/// What an Agora channel belongs to.
pub enum ChannelOwner {
    Room(Room),
    Call(Call),
}

const WEEK_SECS: i64 = 7 * 24 * 3600;

impl Db {
    /// The room or call whose channel this is.
    pub async fn channel_owner(&self, channel: &str) -> Result<Option<ChannelOwner>> {
        let page = self.query_page(Some(&GSI2), keys::channel(channel), 1, None, None, false).await?;
        let Some(item) = page.items.into_iter().next() else { return Ok(None) };
        let sk = item.get(crate::core::table::SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        Ok(Some(if sk == keys::ROOM {
            ChannelOwner::Room(serde_dynamo::from_item(item)?)
        } else {
            ChannelOwner::Call(serde_dynamo::from_item(item)?)
        }))
    }

    /// Remembers that `uid` is `account` in the room (safe to repeat).
    pub async fn put_room_uid(&self, room_id: &str, uid: u32, account: &str) -> Result<()> {
        let mut item = Self::key(keys::room(room_id), keys::room_uid(uid));
        item.insert("account_id".into(), str_av(account));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    pub async fn room_uid_account(&self, room_id: &str, uid: u32) -> Result<Option<String>> {
        let item = self.get(keys::room(room_id), &keys::room_uid(uid)).await?;
        Ok(item.and_then(|i| i.get("account_id")?.as_s().ok().cloned()))
    }

    /// Whether this notice was handled already.
    pub async fn agora_notice_seen(&self, notice_id: &str) -> Result<bool> {
        Ok(self.get(keys::agora_notice(notice_id), keys::AGORA_NOTICE).await?.is_some())
    }

    pub async fn mark_agora_notice(&self, notice_id: &str, now_ms: i64) -> Result<()> {
        let mut item = Self::key(keys::agora_notice(notice_id), keys::AGORA_NOTICE);
        item.insert(TTL_ATTRIBUTE.into(), num_av(now_ms / 1000 + WEEK_SECS));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// Records `seq` as the uid's latest event in the channel: `Ok(false)`
    /// when a later one was handled already (this one is stale). An equal one
    /// passes: a redelivery whose effect may not have landed runs again.
    pub async fn advance_agora_seq(&self, channel: &str, uid: u32, seq: i64, now_ms: i64) -> Result<bool> {
        let res = self
            .transact(vec![
                Action::update(
                    self,
                    keys::agora_seq(channel, uid),
                    keys::AGORA_SEQ,
                    format!("SET seq = :seq, {TTL_ATTRIBUTE} = :ttl"),
                )
                .when("attribute_not_exists(seq) OR seq <= :seq")
                .val(":seq", num_av(seq))
                .val(":ttl", num_av(now_ms / 1000 + WEEK_SECS))
                .because("stale_event"),
            ])
            .await;
        match res {
            Ok(()) => Ok(true),
            Err(Error::Condition("stale_event")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A party of an active call joined its channel at `at`; once both have,
    /// the call is connected from the later join. Answers the call after.
    pub async fn call_joined(&self, call_id: &str, caller_side: bool, at: i64) -> Result<Call> {
        let field = if caller_side { "caller_joined_at" } else { "host_joined_at" };
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::call(call_id), keys::CALL)))
            .update_expression(format!("SET {field} = if_not_exists({field}, :at)"))
            .condition_expression("#state = :active")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":active", str_av("active"))
            .expression_attribute_values(":at", num_av(at));
        let call: Call = self.update_returning(req, "call_not_active").await?;
        let (Some(a), Some(b)) = (call.caller_joined_at, call.host_joined_at) else { return Ok(call) };
        if call.connected_at.is_some() {
            return Ok(call);
        }
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::call(call_id), keys::CALL)))
            .update_expression("SET connected_at = if_not_exists(connected_at, :at)")
            .condition_expression("#state = :active")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":active", str_av("active"))
            .expression_attribute_values(":at", AttributeValue::N(a.max(b).to_string()));
        self.update_returning(req, "call_not_active").await
    }
}
