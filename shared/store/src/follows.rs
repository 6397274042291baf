use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use serde::Deserialize;

use crate::db::{Db, TxItem, n, s};
use crate::page::{Page, PageKey};
use crate::table::{GSI1, GSI2};
use crate::{Result, keys};

/// One follow edge as the lists show it: the other account and when.
#[derive(Clone, Debug, Deserialize)]
pub struct FollowEdge {
    pub follower_id: String,
    pub followee_id: String,
    pub created_at: i64,
}

impl Db {
    pub(crate) fn counter(&self, id: &str, field: &str, delta: i64) -> TransactWriteItem {
        let mut u = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .update_expression(format!("ADD {field} :d"))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":d", n(delta));
        if delta < 0 {
            // Never below zero, even if an earlier bug had made the count drift.
            u = u
                .condition_expression(format!("attribute_exists(pk) AND {field} >= :one"))
                .expression_attribute_values(":one", n(1));
        }
        TransactWriteItem::builder().update(u.build().expect("update")).build()
    }

    /// The edge and both counters in one transaction: `already_following`,
    /// `blocked` (either way), or `account_missing` when either account does not exist.
    pub async fn follow(&self, follower: &str, followee: &str, now: i64) -> Result<()> {
        let mut edge = Self::key(keys::account(follower), keys::follows(followee));
        edge.insert("follower_id".into(), s(follower));
        edge.insert("followee_id".into(), s(followee));
        edge.insert("created_at".into(), n(now));
        edge.insert(GSI1.pk.into(), s(keys::followers_of(followee)));
        edge.insert(GSI1.sk.into(), s(keys::by_time(now, follower)));
        edge.insert(GSI2.pk.into(), s(keys::following_of(follower)));
        edge.insert(GSI2.sk.into(), s(keys::by_time(now, followee)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(edge))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put");
        self.transact(vec![
            TxItem { item: TransactWriteItem::builder().put(put).build(), reason: "already_following" },
            TxItem { item: self.counter(follower, "following", 1), reason: "account_missing" },
            TxItem { item: self.counter(followee, "followers", 1), reason: "account_missing" },
            // Neither may have blocked the other.
            self.not_blocked(followee, follower),
            self.not_blocked(follower, followee),
        ])
        .await
    }

    /// Removes the edge and decrements both counters: `not_following` if there is no edge.
    pub async fn unfollow(&self, follower: &str, followee: &str) -> Result<()> {
        let del = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(follower), keys::follows(followee))))
            .condition_expression("attribute_exists(pk)")
            .build()
            .expect("delete");
        self.transact(vec![
            TxItem { item: TransactWriteItem::builder().delete(del).build(), reason: "not_following" },
            TxItem { item: self.counter(follower, "following", -1), reason: "account_missing" },
            TxItem { item: self.counter(followee, "followers", -1), reason: "account_missing" },
        ])
        .await
    }

    /// Whether a follows b and b follows a, in one read.
    pub async fn follows_both_ways(&self, a: &str, b: &str) -> Result<(bool, bool)> {
        let (ab, ba) = (Self::key(keys::account(a), keys::follows(b)), Self::key(keys::account(b), keys::follows(a)));
        let found = self.batch_get_projected(vec![ab.clone(), ba.clone()], "pk, sk").await?;
        Ok((found.contains(&ab), found.contains(&ba)))
    }

    pub async fn is_following(&self, follower: &str, followee: &str) -> Result<bool> {
        Ok(self.get(keys::account(follower), &keys::follows(followee)).await?.is_some())
    }

    /// Who follows `id`, newest first.
    pub async fn list_followers(&self, id: &str, limit: usize, start: Option<PageKey>) -> Result<Page<FollowEdge>> {
        self.edges(&GSI1, keys::followers_of(id), limit, start).await
    }

    /// Whom `id` follows, newest first.
    pub async fn list_following(&self, id: &str, limit: usize, start: Option<PageKey>) -> Result<Page<FollowEdge>> {
        self.edges(&GSI2, keys::following_of(id), limit, start).await
    }

    async fn edges(
        &self,
        ix: &crate::table::Index,
        pk: String,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<FollowEdge>> {
        let page = self.query_page(Some(ix), pk, limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}
