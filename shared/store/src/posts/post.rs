//! Short-video posts and what hangs on them: likes, shares and views (one
//! edge write each; the post's counts come from the stream, `crate::operations::counts`),
//! comments (comment and count in one transaction), feed entries (fan-out on
//! write), and deletion that marks first and cleans up idempotently after.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2, PK, SK};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Post {
    pub id: String,
    pub author_id: String,
    pub caption: String,
    pub media_key: String,
    pub media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_id: Option<String>,
    #[serde(default)]
    pub likes: i64,
    #[serde(default)]
    pub comments: i64,
    #[serde(default)]
    pub shares: i64,
    #[serde(default)]
    pub views: i64,
    pub created_at: i64,
    /// Set first when a post is deleted: from then on it is never shown and
    /// nothing new can hang on it, while its children are cleaned up.
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub post_id: String,
    pub author_id: String,
    pub text: String,
    pub created_at: i64,
}

fn f() -> AttributeValue {
    AttributeValue::Bool(false)
}

fn from_items<T: serde::de::DeserializeOwned>(items: Vec<Item>) -> Result<Vec<T>> {
    items.into_iter().map(|i| serde_dynamo::from_item(i).map_err(Error::from)).collect()
}

impl Db {
    /// A counter on a live (not deleted) post: `post_gone` otherwise.
    fn post_counter(&self, post_id: &str, field: &str, delta: i64) -> crate::core::db::TxItem {
        // A placeholder: some counter names (views, ...) are DynamoDB reserved words.
        Action::update(self, keys::post(post_id), keys::POST, "ADD #counter :d")
            .name("#counter", field)
            .when("attribute_exists(pk) AND deleted = :false")
            .val(":d", num_av(delta))
            .val(":false", f())
            .because("post_gone")
    }

    /// The post and the author's `posts` count in one transaction.
    pub async fn create_post(&self, p: &Post) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(p)?;
        item.extend(Self::key(keys::post(&p.id), keys::POST));
        item.insert(GSI1.pk.into(), str_av(keys::ALL_POSTS));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(p.created_at, &p.id)));
        item.insert(GSI2.pk.into(), str_av(keys::posts_by(&p.author_id)));
        item.insert(GSI2.sk.into(), str_av(keys::by_time(p.created_at, &p.id)));
        self.transact(vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("post_exists"),
            crate::core::db::TxItem { item: self.counter(&p.author_id, "posts", 1), reason: "account_missing" },
        ])
        .await
    }

    /// Every follower of `account` (for the fan-out).
    pub async fn all_followers(&self, account: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self.query_page(Some(&GSI1), keys::followers_of(account), 1000, None, start, false).await?;
            out.extend(page.items.iter().filter_map(|i| i.get("follower_id")?.as_s().ok().cloned()));
            match page.next {
                Some(k) => start = Some(k),
                None => return Ok(out),
            }
        }
    }

    /// The post's entry in `follower`'s feed.
    fn feed_item(follower: &str, p: &Post) -> Item {
        let mut item = Self::key(keys::account(follower), keys::feed_entry(p.created_at, &p.id));
        item.insert("post_id".into(), str_av(&p.id));
        item.insert(GSI1.pk.into(), str_av(keys::feed_of(&p.id)));
        item.insert(GSI1.sk.into(), str_av(follower));
        item
    }

    /// Puts the post in each follower's feed (repeatable: same keys).
    pub async fn fan_out_post(&self, p: &Post, followers: &[String]) -> Result<()> {
        self.batch_write(followers.iter().map(|f| (Item::new(), Some(Self::feed_item(f, p)))).collect()).await
    }

    /// Puts posts in one follower's feed, where their times sort them among
    /// the rest (a follow's backfill; repeatable).
    pub async fn backfill_feed(&self, follower: &str, posts: &[Post]) -> Result<()> {
        self.batch_write(posts.iter().map(|p| (Item::new(), Some(Self::feed_item(follower, p)))).collect()).await
    }

    /// Removes every post of `author` from `follower`'s feed (an unfollow):
    /// the author's posts are listed page by page and their entries deleted by key.
    pub async fn remove_from_feed(&self, follower: &str, author: &str) -> Result<()> {
        let mut start = None;
        loop {
            let page = self.query_page(Some(&GSI2), keys::posts_by(author), 500, None, start, true).await?;
            let ops = from_items::<Post>(page.items)?
                .iter()
                .map(|p| (Self::key(keys::account(follower), keys::feed_entry(p.created_at, &p.id)), None))
                .collect();
            self.batch_write(ops).await?;
            match page.next {
                Some(k) => start = Some(k),
                None => return Ok(()),
            }
        }
    }

    pub async fn get_post(&self, id: &str) -> Result<Option<Post>> {
        self.get_as(keys::post(id), keys::POST).await
    }

    /// Posts by id in the order asked, leaving out missing and deleted ones.
    pub async fn get_live_posts(&self, ids: &[String]) -> Result<Vec<Post>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| Self::key(keys::post(id), keys::POST)).collect();
            out.extend(from_items::<Post>(self.batch_get(keys).await?)?.into_iter().filter(|p| !p.deleted));
        }
        Ok(out)
    }

    /// An author's posts (or with `author: None` everyone's), newest first.
    pub async fn list_posts(&self, author: Option<&str>, limit: usize, start: Option<PageKey>) -> Result<Page<Post>> {
        let page = match author {
            Some(a) => self.query_page(Some(&GSI2), keys::posts_by(a), limit, None, start, true).await?,
            None => self.query_page(Some(&GSI1), keys::ALL_POSTS.into(), limit, None, start, true).await?,
        };
        let items = from_items::<Post>(page.items)?.into_iter().filter(|p| !p.deleted).collect();
        Ok(Page { items, next: page.next })
    }

    /// A page of an account's feed: post ids, newest first.
    pub async fn feed_page(&self, account: &str, limit: usize, start: Option<PageKey>) -> Result<Page<String>> {
        let page = self.query_page(None, keys::account(account), limit, Some(keys::FEED_PREFIX), start, true).await?;
        let ids = page.items.iter().filter_map(|i| i.get("post_id")?.as_s().ok().cloned()).collect();
        Ok(Page { items: ids, next: page.next })
    }

    /// The like edge with a check that the post's author has not blocked the
    /// liker (the post's `likes` is counted from the stream, `crate::operations::counts`):
    /// `already_liked`, `post_gone`, `blocked`. Liking again over an unlike's
    /// tombstone revives it, keeping its `counted` mark.
    pub async fn like_post(&self, post_id: &str, account: &str, now: i64) -> Result<()> {
        let post = self.live_post(post_id).await?;
        let edge = Action::update(
            self,
            keys::post(post_id),
            &keys::post_like(account),
            "SET account_id = :a, created_at = :now REMOVE removed",
        )
        .when("attribute_not_exists(pk) OR removed = :true")
        .val(":a", str_av(account))
        .val(":now", num_av(now))
        .val(":true", AttributeValue::Bool(true));
        self.transact(vec![edge.because("already_liked"), self.not_blocked(&post.author_id, account)]).await
    }

    /// Leaves a tombstone of the like: `not_liked`, `post_gone`.
    pub async fn unlike_post(&self, post_id: &str, account: &str) -> Result<()> {
        self.live_post(post_id).await?;
        let edge = Action::update(self, keys::post(post_id), &keys::post_like(account), "SET removed = :true")
            .when("attribute_exists(pk) AND NOT removed = :true")
            .val(":true", AttributeValue::Bool(true));
        self.write_one(edge.because("not_liked")).await
    }

    pub async fn has_liked(&self, post_id: &str, account: &str) -> Result<bool> {
        let edge = self.get(keys::post(post_id), &keys::post_like(account)).await?;
        Ok(edge.is_some_and(|i| !crate::social::follows::removed(&i)))
    }

    /// The post, `post_gone` unless it exists and is not deleted.
    async fn live_post(&self, post_id: &str) -> Result<Post> {
        match self.get_post(post_id).await? {
            Some(p) if !p.deleted => Ok(p),
            _ => Err(Error::Condition("post_gone")),
        }
    }

    /// `post_gone`.
    /// `post_gone`; `blocked` when the post's author (`post_author`) blocked the commenter.
    pub async fn add_comment(&self, c: &Comment, post_author: &str) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(c)?;
        item.extend(Self::key(keys::post(&c.post_id), keys::post_comment(&c.id)));
        item.insert(GSI2.pk.into(), str_av(keys::comment_by_id(&c.id)));
        item.insert(GSI2.sk.into(), str_av(&c.post_id));
        self.transact(vec![
            self.post_counter(&c.post_id, "comments", 1),
            Action::put(self, item).when("attribute_not_exists(pk)").because("post_gone"),
            self.not_blocked(post_author, &c.author_id),
        ])
        .await
    }

    /// A comment by its id alone (its post unknown).
    pub async fn find_comment(&self, comment_id: &str) -> Result<Option<Comment>> {
        let page = self.query_page(Some(&GSI2), keys::comment_by_id(comment_id), 1, None, None, false).await?;
        page.items
            .into_iter()
            .next()
            .map(|i| serde_dynamo::from_item(i).map_err(crate::core::error::Error::from))
            .transpose()
    }

    pub async fn get_comment(&self, post_id: &str, comment_id: &str) -> Result<Option<Comment>> {
        self.get_as(keys::post(post_id), &keys::post_comment(comment_id)).await
    }

    /// `comment_gone`, `post_gone`.
    pub async fn delete_comment(&self, post_id: &str, comment_id: &str) -> Result<()> {
        self.transact(vec![
            self.post_counter(post_id, "comments", -1),
            Action::delete(self, keys::post(post_id), &keys::post_comment(comment_id))
                .when("attribute_exists(pk)")
                .because("comment_gone"),
        ])
        .await
    }

    /// A post's comments, newest first.
    pub async fn list_comments(&self, post_id: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Comment>> {
        let page = self.query_page(None, keys::post(post_id), limit, Some(keys::COMMENT_PREFIX), start, true).await?;
        Ok(Page { items: from_items(page.items)?, next: page.next })
    }

    /// One share (an account may share a post many times) with a check that
    /// the author has not blocked the sharer: `post_gone`, `blocked`. The
    /// post's `shares` is counted from the stream.
    pub async fn share_post(&self, post_id: &str, share_id: &str, account: &str, now: i64) -> Result<()> {
        let post = self.live_post(post_id).await?;
        let mut edge = Self::key(keys::post(post_id), keys::post_share(share_id));
        edge.insert("account_id".into(), str_av(account));
        edge.insert("created_at".into(), num_av(now));
        self.transact(vec![
            Action::put(self, edge).when("attribute_not_exists(pk)").because("post_gone"),
            self.not_blocked(&post.author_id, account),
        ])
        .await
    }

    /// Counts the account's view once, one write: `Ok(false)` when it was
    /// counted before; `post_gone`. The post's `views` is counted from the stream.
    pub async fn view_post(&self, post_id: &str, account: &str, now: i64) -> Result<bool> {
        self.live_post(post_id).await?;
        let mut edge = Self::key(keys::post(post_id), keys::post_view(account));
        edge.insert("created_at".into(), num_av(now));
        match self.write_one(Action::put(self, edge).when("attribute_not_exists(pk)").because("already_viewed")).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("already_viewed")) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Step 1 of deleting: the post disappears from every list and refuses new
    /// likes/comments/shares/views, the author's count drops, and the post
    /// joins the to-clean-up index. `post_gone` when it was deleted already.
    pub async fn mark_post_deleted(&self, p: &Post, now: i64) -> Result<()> {
        self.transact(vec![
            Action::update(
                self,
                keys::post(&p.id),
                keys::POST,
                "SET deleted = :true, deleted_at = :now, gsi1pk = :deleting, gsi1sk = :at REMOVE gsi2pk, gsi2sk",
            )
            .when("attribute_exists(pk) AND deleted = :false")
            .val(":true", AttributeValue::Bool(true))
            .val(":false", f())
            .val(":now", num_av(now))
            .val(":deleting", str_av(keys::DELETING_POSTS))
            .val(":at", str_av(keys::by_time(now, &p.id)))
            .because("post_gone"),
            crate::core::db::TxItem { item: self.counter(&p.author_id, "posts", -1), reason: "post_gone" },
        ])
        .await
    }

    /// Step 2: removes everything under the post and its feed entries. Safe to
    /// repeat; answers how many items it removed.
    pub async fn purge_post_children(&self, post_id: &str) -> Result<usize> {
        let mut removed = 0;
        loop {
            let page = self.query_page(None, keys::post(post_id), 500, None, None, false).await?;
            let mut keys: Vec<Item> = page
                .items
                .iter()
                .filter(|i| i.get(SK).and_then(|v| v.as_s().ok()).map(String::as_str) != Some(keys::POST))
                .map(|i| i.iter().filter(|(k, _)| *k == PK || *k == SK).map(|(k, v)| (k.clone(), v.clone())).collect())
                .collect();
            let feed = self.query_page(Some(&GSI1), keys::feed_of(post_id), 500, None, None, false).await?;
            keys.extend(feed.items.iter().map(|i| {
                i.iter().filter(|(k, _)| *k == PK || *k == SK).map(|(k, v)| (k.clone(), v.clone())).collect::<Item>()
            }));
            if keys.is_empty() {
                return Ok(removed);
            }
            removed += keys.len();
            self.batch_write(keys.into_iter().map(|k| (k, None)).collect()).await?;
        }
    }

    /// Step 3: the post item itself, once nothing hangs on it.
    pub async fn remove_post_item(&self, post_id: &str) -> Result<()> {
        self.delete(keys::post(post_id), keys::POST).await
    }

    /// Posts marked deleted whose clean-up has not finished (oldest first).
    pub async fn posts_being_deleted(&self, limit: usize) -> Result<Vec<Post>> {
        let page = self.query_page(Some(&GSI1), keys::DELETING_POSTS.into(), limit, None, None, false).await?;
        from_items(page.items)
    }
}
