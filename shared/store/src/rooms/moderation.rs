//! Room moderation: a host's moderators (at most `MAX_MODERATORS`, counted on
//! the host's profile in the same transaction), and per room the viewers
//! kicked out (until when) and muted.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};

pub const MAX_MODERATORS: i64 = 5;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Moderator {
    pub host_id: String,
    pub user_id: String,
    pub created_at: i64,
}

/// A viewer kept out of a room until `until` (ms).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Kick {
    pub room_id: String,
    pub user_id: String,
    pub by: String,
    pub until: i64,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agora_rule_id: Option<i64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mute {
    pub room_id: String,
    pub user_id: String,
    pub by: String,
    pub chat: bool,
    pub mic: bool,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agora_rule_id: Option<i64>,
}

impl Db {
    /// `Ok(false)` when already a moderator; `too_many_moderators` past the limit.
    pub async fn add_moderator(&self, m: &Moderator) -> Result<bool> {
        let mut item: Item = serde_dynamo::to_item(m)?;
        item.extend(Self::key(keys::account(&m.host_id), keys::moderator(&m.user_id)));
        let res = self
            .transact(vec![
                Action::put(self, item).when("attribute_not_exists(pk)").because("already_moderator"),
                Action::update(self, keys::account(&m.host_id), keys::PROFILE, "ADD moderators :one")
                    .when("attribute_exists(pk) AND (attribute_not_exists(moderators) OR moderators < :max)")
                    .val(":one", num_av(1))
                    .val(":max", num_av(MAX_MODERATORS))
                    .because("too_many_moderators"),
            ])
            .await;
        match res {
            Ok(()) => Ok(true),
            Err(Error::Condition("already_moderator")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `Ok(false)` when not a moderator.
    pub async fn remove_moderator(&self, host: &str, user: &str) -> Result<bool> {
        let res = self
            .transact(vec![
                Action::delete(self, keys::account(host), &keys::moderator(user))
                    .when("attribute_exists(pk)")
                    .because("not_moderator"),
                Action::update(self, keys::account(host), keys::PROFILE, "ADD moderators :minus")
                    .when("moderators >= :one")
                    .val(":minus", num_av(-1))
                    .val(":one", num_av(1))
                    .because("not_moderator"),
            ])
            .await;
        match res {
            Ok(()) => Ok(true),
            Err(Error::Condition("not_moderator")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn is_moderator(&self, host: &str, user: &str) -> Result<bool> {
        Ok(self.get(keys::account(host), &keys::moderator(user)).await?.is_some())
    }

    pub async fn list_moderators(&self, host: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Moderator>> {
        let page =
            self.query_page(None, keys::account(host), limit, Some(keys::MODERATOR_PREFIX), start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    pub async fn get_moderator(&self, host: &str, user: &str) -> Result<Option<Moderator>> {
        self.get_as(keys::account(host), &keys::moderator(user)).await
    }

    /// Records (or extends) a kick; the caller then counts the viewer out.
    /// The kick, and its mirror on the kicked account's partition (what a join checks).
    pub async fn put_kick(&self, k: &Kick) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(k)?;
        let mut mirror = item.clone();
        item.extend(Self::key(keys::room(&k.room_id), keys::room_kick(&k.user_id)));
        mirror.extend(Self::key(keys::account(&k.user_id), keys::kicked_from(&k.room_id)));
        self.transact(vec![
            Action::put(self, item).because("kick_changed"),
            Action::put(self, mirror).because("kick_changed"),
        ])
        .await
    }

    pub async fn get_kick(&self, room: &str, user: &str) -> Result<Option<Kick>> {
        self.get_as(keys::room(room), &keys::room_kick(user)).await
    }

    /// A transaction condition: `user` is not kicked out of the room at `now` (`kicked`).
    pub(crate) fn not_kicked(&self, room: &str, user: &str, now: i64) -> crate::core::db::TxItem {
        Action::check(self, keys::account(user), &keys::kicked_from(room))
            .when("attribute_not_exists(pk) OR #until < :now")
            .name("#until", "until")
            .val(":now", num_av(now))
            .because("kicked")
    }

    pub async fn put_mute(&self, m: &Mute) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(m)?;
        item.extend(Self::key(keys::room(&m.room_id), keys::room_mute(&m.user_id)));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    pub async fn get_mute(&self, room: &str, user: &str) -> Result<Option<Mute>> {
        self.get_as(keys::room(room), &keys::room_mute(user)).await
    }

    pub async fn delete_mute(&self, room: &str, user: &str) -> Result<()> {
        self.delete(keys::room(room), &keys::room_mute(user)).await
    }
}
