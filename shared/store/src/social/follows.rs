use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use serde::Deserialize;

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2};

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
            .expression_attribute_values(":d", num_av(delta));
        if delta < 0 {
            // Never below zero, even if an earlier bug had made the count drift.
            u = u
                .condition_expression(format!("attribute_exists(pk) AND {field} >= :one"))
                .expression_attribute_values(":one", num_av(1));
        }
        TransactWriteItem::builder().update(u.build().expect("update")).build()
    }

    /// The edge and the follower's `following` in one transaction:
    /// `already_following`, `blocked` (either way). Never the followee's
    /// profile: its `followers` is counted from the stream (`crate::operations::counts`).
    /// Following again over an unfollow's tombstone revives it, keeping its
    /// `counted` mark.
    /// `first_host`: the followee is a host the follower never followed
    /// before: its mark (`followed_before` if one appeared meanwhile) and the
    /// follower's `follow_new_host` task progress in those periods.
    pub async fn follow(
        &self,
        follower: &str,
        followee: &str,
        now: i64,
        first_host: Option<&crate::core::keys::Periods>,
    ) -> Result<()> {
        let edge = Action::update(
            self,
            keys::account(follower),
            &keys::follows(followee),
            "SET follower_id = :a, followee_id = :b, created_at = :now, \
             gsi1pk = :g1, gsi1sk = :s1, gsi2pk = :g2, gsi2sk = :s2 REMOVE removed",
        )
        .when("attribute_not_exists(pk) OR removed = :true")
        .val(":a", str_av(follower))
        .val(":b", str_av(followee))
        .val(":now", num_av(now))
        .val(":g1", str_av(keys::followers_of(followee)))
        .val(":s1", str_av(keys::by_time(now, follower)))
        .val(":g2", str_av(keys::following_of(follower)))
        .val(":s2", str_av(keys::by_time(now, followee)))
        .val(":true", AttributeValue::Bool(true))
        .because("already_following");
        let mut items = vec![
            edge,
            TxItem { item: self.counter(follower, "following", 1), reason: "account_missing" },
            // Neither may have blocked the other.
            self.not_blocked(followee, follower),
            self.not_blocked(follower, followee),
        ];
        if let Some(periods) = first_host {
            let mark = Self::key(keys::account(follower), &keys::claim("followed", followee));
            items.push(Action::put(self, mark).when("attribute_not_exists(pk)").because("followed_before"));
            items.extend(self.task_progress_items(follower, periods, &[("follow_new_host", 1)], now));
        }
        self.transact(items).await
    }

    /// Whether `follower` ever followed `host` since follows counted for tasks.
    pub async fn followed_before(&self, follower: &str, host: &str) -> Result<bool> {
        Ok(self.get(keys::account(follower), &keys::claim("followed", host)).await?.is_some())
    }

    /// Leaves a tombstone of the edge (out of both lists; the stream takes it
    /// off the followee's count) and decrements `following`: `not_following`.
    pub async fn unfollow(&self, follower: &str, followee: &str) -> Result<()> {
        self.transact(vec![
            self.unfollow_edge(follower, followee).because("not_following"),
            TxItem { item: self.counter(follower, "following", -1), reason: "account_missing" },
        ])
        .await
    }

    /// The tombstone of a live follow edge.
    pub(crate) fn unfollow_edge(&self, follower: &str, followee: &str) -> Action {
        Action::update(
            self,
            keys::account(follower),
            &keys::follows(followee),
            "SET removed = :true REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk",
        )
        .when("attribute_exists(pk) AND NOT removed = :true")
        .val(":true", AttributeValue::Bool(true))
    }

    /// Whether a follows b and b follows a, in one read.
    pub async fn follows_both_ways(&self, a: &str, b: &str) -> Result<(bool, bool)> {
        let (ab, ba) = (Self::key(keys::account(a), keys::follows(b)), Self::key(keys::account(b), keys::follows(a)));
        let found = self.batch_get_projected(vec![ab.clone(), ba.clone()], "pk, sk, removed").await?;
        let live =
            |k: &Item| found.iter().any(|i| i.get("pk") == k.get("pk") && i.get("sk") == k.get("sk") && !removed(i));
        Ok((live(&ab), live(&ba)))
    }

    pub async fn is_following(&self, follower: &str, followee: &str) -> Result<bool> {
        Ok(self.get(keys::account(follower), &keys::follows(followee)).await?.is_some_and(|i| !removed(&i)))
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
        ix: &crate::core::table::Index,
        pk: String,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<FollowEdge>> {
        let page = self.query_page(Some(ix), pk, limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}

/// Whether an edge item is an unfollow's or unlike's tombstone (`crate::operations::counts`).
pub(crate) fn removed(i: &Item) -> bool {
    i.get("removed").and_then(|v| v.as_bool().ok()).copied().unwrap_or(false)
}
