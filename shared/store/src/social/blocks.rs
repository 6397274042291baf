//! Blocks: `ACCOUNT#blocker` / `BLOCK#blocked`, mirrored as `ACCOUNT#blocked`
//! / `BLOCKED_BY#blocker` in the same transaction. Every write a blocked
//! account may not make toward its blocker carries `not_blocked` as a
//! condition of its own transaction, so a block landing meanwhile is never
//! slipped past; the check reads the mirror, on the actor's own partition, so
//! a crowd writing to one account (gifts to a host) shares no item there.

use serde::Deserialize;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::core::db::{Action, Db, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI1;

#[derive(Clone, Debug, Deserialize)]
pub struct Block {
    pub blocker_id: String,
    pub blocked_id: String,
    pub created_at: i64,
}

impl Db {
    /// A transaction condition: `blocker` has not blocked `actor` (`blocked`).
    pub(crate) fn not_blocked(&self, blocker: &str, actor: &str) -> TxItem {
        Action::check(self, keys::account(actor), &keys::blocked_by(blocker))
            .when("attribute_not_exists(pk)")
            .because("blocked")
    }

    /// Blocks and, in the same transaction, ends follows both ways (their
    /// counters with them). `Ok(false)` when the block existed already.
    pub async fn block(&self, b: &Block, follows: (bool, bool)) -> Result<bool> {
        let mut item = Self::key(keys::account(&b.blocker_id), keys::block(&b.blocked_id));
        item.insert("blocker_id".into(), str_av(&b.blocker_id));
        item.insert("blocked_id".into(), str_av(&b.blocked_id));
        item.insert("created_at".into(), num_av(b.created_at));
        item.insert(GSI1.pk.into(), str_av(keys::blocks_of(&b.blocker_id)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(b.created_at, &b.blocked_id)));
        let mut mirror = Self::key(keys::account(&b.blocked_id), keys::blocked_by(&b.blocker_id));
        mirror.insert("created_at".into(), num_av(b.created_at));
        let mut items = vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("already_blocked"),
            Action::put(self, mirror).because("already_blocked"),
        ];
        // Follows as read; one that changed meanwhile fails its condition and
        // is re-read. Each ended follow leaves a tombstone: the stream takes it
        // off the followee's `followers` (`crate::operations::counts`).
        let mut following = [0i64; 2];
        for (i, on, from, to) in
            [(0, follows.0, &b.blocker_id, &b.blocked_id), (1, follows.1, &b.blocked_id, &b.blocker_id)]
        {
            items.push(
                if on {
                    following[i] -= 1;
                    self.unfollow_edge(from, to)
                } else {
                    Action::check(self, keys::account(from), &keys::follows(to))
                        .when("attribute_not_exists(pk) OR removed = :true")
                        .val(":true", AttributeValue::Bool(true))
                }
                .because("follow_changed"),
            );
        }
        for (i, id) in [&b.blocker_id, &b.blocked_id].into_iter().enumerate() {
            if following[i] != 0 {
                items.push(
                    Action::update(self, keys::account(id), keys::PROFILE, "ADD following :fg")
                        .when("attribute_exists(pk) AND following >= :mfg")
                        .val(":fg", num_av(following[i]))
                        .val(":mfg", num_av(-following[i]))
                        .because("follow_changed"),
                );
            }
        }
        match self.transact(items).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("already_blocked")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// `Ok(false)` when there was no block.
    pub async fn unblock(&self, blocker: &str, blocked: &str) -> Result<bool> {
        let res = self
            .transact(vec![
                Action::delete(self, keys::account(blocker), &keys::block(blocked))
                    .when("attribute_exists(pk)")
                    .because("not_blocked"),
                Action::delete(self, keys::account(blocked), &keys::blocked_by(blocker)).because("not_blocked"),
            ])
            .await;
        match res {
            Ok(()) => Ok(true),
            Err(Error::Condition("not_blocked")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn get_block(&self, blocker: &str, blocked: &str) -> Result<Option<Block>> {
        self.get_as(keys::account(blocker), &keys::block(blocked)).await
    }

    /// Whom `blocker` blocked, newest first.
    pub async fn list_blocks(&self, blocker: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Block>> {
        let page = self.query_page(Some(&GSI1), keys::blocks_of(blocker), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// The ids `blocker` blocked, up to `max` (to hide them from feeds).
    pub async fn blocked_ids(&self, blocker: &str, max: usize) -> Result<Vec<String>> {
        Ok(self.list_blocks(blocker, max, None).await?.items.into_iter().map(|b| b.blocked_id).collect())
    }
}
