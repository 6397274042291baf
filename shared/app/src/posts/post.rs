//! Posts: create from an upload, read, the author's list, the feed, likes,
//! comments, shares, views, and deletion with everything hanging on a post.
//!
//! Feed: fan-out on write. Creating a post writes one feed entry per follower
//! (`ACCOUNT#follower` / `FEED#time#post`); `GET /feed` is one query of the
//! caller's partition plus one BatchGetItem of the posts. A follow backfills
//! the account's newest posts, an unfollow removes them (`social`). See docs/posts-and-media.md for
//! how this changes for accounts with very many followers.

use serde::Deserialize;
use serde_json::{Value, json};
use store::{Comment, Post, Role};

use super::audios;
use super::media;
use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::{AppState, DomainError};

pub const MAX_CAPTION: usize = 2200;
pub const MAX_COMMENT: usize = 1000;

/// A post.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostView {
    pub id: String,
    pub author_id: String,
    /// The author's display name (null when the account is gone)
    pub author_name: Option<String>,
    pub caption: String,
    pub media_key: String,
    /// video or image
    #[schema(schema_with = crate::kernel::vocab::media_type)]
    pub media_type: String,
    /// Where to play it (presigned or CDN)
    pub media_url: String,
    pub audio_id: Option<String>,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub views: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    /// `GET /posts/{id}`: whether the caller likes it
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_liked: Option<bool>,
}

pub async fn post_view(state: &AppState, p: &Post) -> DomainResult<PostView> {
    let names = Names::of(&state.db, [p.author_id.as_str()]).await?;
    post_view_named(state, p, &names).await
}

async fn post_view_named(state: &AppState, p: &Post, names: &Names) -> DomainResult<PostView> {
    Ok(PostView {
        id: p.id.clone(),
        author_id: p.author_id.clone(),
        author_name: names.get(&p.author_id),
        caption: p.caption.clone(),
        media_key: p.media_key.clone(),
        media_type: p.media_type.clone(),
        media_url: media::playable_url(state, &p.media_key).await?,
        audio_id: p.audio_id.clone(),
        likes: p.likes,
        comments: p.comments,
        shares: p.shares,
        views: p.views,
        created_at: views::time(p.created_at),
        is_liked: None,
    })
}

async fn posts_view(state: &AppState, posts: &[Post]) -> DomainResult<Vec<PostView>> {
    let names = Names::of(&state.db, posts.iter().map(|p| p.author_id.as_str())).await?;
    let mut out = Vec::with_capacity(posts.len());
    for p in posts {
        out.push(post_view_named(state, p, &names).await?);
    }
    Ok(out)
}

/// A comment on a post.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentView {
    pub id: String,
    pub post_id: String,
    pub author_id: String,
    pub text: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

fn comment_view(c: &Comment) -> CommentView {
    CommentView {
        id: c.id.clone(),
        post_id: c.post_id.clone(),
        author_id: c.author_id.clone(),
        text: c.text.clone(),
        created_at: views::time(c.created_at),
    }
}

/// A like's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Liked {
    pub post_id: String,
    pub liked: bool,
}

/// A share's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    pub post_id: String,
    pub share_id: String,
}

/// A view's answer: counted only on a viewer's first view.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Viewed {
    pub post_id: String,
    pub counted: bool,
}

fn gone(e: store::Error) -> DomainError {
    match e {
        store::Error::Condition("post_gone") => DomainError::not_found("post not found"),
        other => other.into(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    pub media_key: String,
    #[serde(default)]
    #[schema(max_length = 2200)]
    pub caption: String,
    pub audio_id: Option<String>,
}

/// Creates the post (author's count in the same transaction), then puts it in
/// every follower's feed.
pub async fn create_post(state: &AppState, author_id: &str, input: PostInput) -> DomainResult<Post> {
    let caption = validate::text("caption", &input.caption, 0, MAX_CAPTION)?;
    let audio_id = match input.audio_id.as_deref() {
        Some(id) => Some(audios::usable_audio(state, id).await?.id),
        None => None,
    };
    let media_type = media::check_upload(state, "media_key", author_id, &input.media_key, &["video", "image"]).await?;
    let now = state.now();
    let post = Post {
        id: crate::kernel::ledger::entry_id(now),
        author_id: author_id.to_string(),
        caption,
        media_key: input.media_key,
        media_type,
        audio_id,
        likes: 0,
        comments: 0,
        shares: 0,
        views: 0,
        created_at: now,
        deleted: false,
    };
    state.db.create_post(&post).await?;
    // Best effort: the post exists either way; a follower missing it only misses a feed line.
    let fan_out = async {
        let followers = state.db.all_followers(author_id).await?;
        state.db.fan_out_post(&post, &followers).await
    };
    if let Err(e) = fan_out.await {
        tracing::error!(post_id = %post.id, error = %e, "feed fan-out failed");
    }
    Ok(post)
}

pub async fn create_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<PostView>> {
    let caller = ctx.caller()?;
    let post = create_post(state, &caller.id, ctx.json()?).await?;
    Ok(Created::new(post_view(state, &post).await?))
}

/// A live post (deleted ones, even mid-clean-up, are 404).
async fn live_post(state: &AppState, ctx: &Ctx) -> DomainResult<Post> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("post not found"))?;
    state.db.get_post(&id).await?.filter(|p| !p.deleted).ok_or_else(|| DomainError::not_found("post not found"))
}

pub async fn get_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PostView>> {
    let caller = ctx.caller()?;
    let post = live_post(state, ctx).await?;
    let mut v = post_view(state, &post).await?;
    v.is_liked = Some(state.db.has_liked(&post.id, &caller.id).await?);
    Ok(Json::new(v))
}

pub async fn list_user_posts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<PostView>> {
    ctx.caller()?;
    let author = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    let scope = format!("posts:{author}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_posts(Some(&author), limit, start).await?;
    Ok(list_reply(state, &scope, posts_view(state, &page.items).await?, page.next))
}

/// Posts of the accounts the caller follows, newest first; everyone's recent
/// posts while the caller follows nobody.
pub async fn get_feed_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<PostView>> {
    let caller = ctx.caller()?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::unauthenticated("account gone"))?;
    let (scope, page): (String, store::Page<Post>) = if me.following == 0 {
        let scope = format!("feed-everyone:{}", caller.id);
        let (limit, start) = ctx.page(state, &scope)?;
        (scope, state.db.list_posts(None, limit, start).await?)
    } else {
        let scope = format!("feed:{}", caller.id);
        let (limit, start) = ctx.page(state, &scope)?;
        let ids = state.db.feed_page(&caller.id, limit, start).await?;
        (scope, store::Page { items: state.db.get_live_posts(&ids.items).await?, next: ids.next })
    };
    // Accounts the caller blocked stay out (of everyone's feed, and of one still being cleaned up).
    let blocked = state.db.blocked_ids(&caller.id, crate::social::FEED_FILTER_MAX).await?;
    let items: Vec<Post> = page.items.into_iter().filter(|p| !blocked.contains(&p.author_id)).collect();
    Ok(list_reply(state, &scope, posts_view(state, &items).await?, page.next))
}

/// The post id of the path; a missing or deleted post is found out by the
/// write's own condition (`post_gone` → 404), not by a read before it.
fn post_id(ctx: &Ctx) -> DomainResult<String> {
    validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("post not found"))
}

pub async fn like_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<Liked>> {
    let caller = ctx.caller()?;
    let id = post_id(ctx)?;
    state.db.like_post(&id, &caller.id, state.now()).await.map_err(|e| match e {
        store::Error::Condition("already_liked") => {
            DomainError::conflict("already_liked", "you already like this post")
        }
        other => gone(other),
    })?;
    Ok(Created::new(Liked { post_id: id, liked: true }))
}

pub async fn unlike_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = post_id(ctx)?;
    state.db.unlike_post(&id, &caller.id).await.map_err(|e| match e {
        store::Error::Condition("not_liked") => DomainError::not_found("you do not like this post"),
        other => gone(other),
    })?;
    Ok(NoContent::done())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    #[schema(min_length = 1, max_length = 1000)]
    pub text: String,
}

pub async fn create_comment_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<CommentView>> {
    let caller = ctx.caller()?;
    let input: CommentInput = ctx.json()?;
    let text = validate::text("text", &input.text, 1, MAX_COMMENT)?;
    let post = live_post(state, ctx).await?;
    let now = state.now();
    let c = Comment {
        id: crate::kernel::ledger::entry_id(now),
        post_id: post.id,
        author_id: caller.id.clone(),
        text,
        created_at: now,
    };
    state.db.add_comment(&c, &post.author_id).await.map_err(gone)?;
    Ok(Created::new(comment_view(&c)))
}

pub async fn list_comments_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<CommentView>> {
    ctx.caller()?;
    let post = live_post(state, ctx).await?;
    let scope = format!("comments:{}", post.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_comments(&post.id, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(comment_view).collect(), page.next))
}

/// By the comment's author, the post's author, or an admin.
pub async fn delete_comment_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let post = live_post(state, ctx).await?;
    let missing = || DomainError::not_found("comment not found");
    let cid = validate::id("comment_id", ctx.param("comment_id")).map_err(|_| missing())?;
    let c = state.db.get_comment(&post.id, &cid).await?.ok_or_else(missing)?;
    if c.author_id != caller.id && post.author_id != caller.id && caller.role != Role::Admin {
        return Err(DomainError::forbidden("only the comment's author, the post's author or an admin can delete it"));
    }
    state.db.delete_comment(&post.id, &cid).await.map_err(|e| match e {
        store::Error::Condition("comment_gone") => missing(),
        other => gone(other),
    })?;
    Ok(NoContent::done())
}

pub async fn share_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<Shared>> {
    let caller = ctx.caller()?;
    let id = post_id(ctx)?;
    let now = state.now();
    let share_id = crate::kernel::ledger::entry_id(now);
    state.db.share_post(&id, &share_id, &caller.id, now).await.map_err(gone)?;
    Ok(Created::new(Shared { post_id: id, share_id }))
}

/// Counts the caller's view once per post; later views answer `counted: false`.
pub async fn view_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Viewed>> {
    let caller = ctx.caller()?;
    let id = post_id(ctx)?;
    let counted = state.db.view_post(&id, &caller.id, state.now()).await.map_err(gone)?;
    Ok(Json::new(Viewed { post_id: id, counted }))
}

/// Deletes a post (its author or an admin): marks it deleted first (never
/// shown again from that moment), then removes likes, comments, shares,
/// views, feed entries, the S3 object and the post itself. A crash half way
/// is finished by a repeated DELETE or by `purge_deleted_posts`.
pub async fn delete_post_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("post not found"))?;
    let post = state.db.get_post(&id).await?.ok_or_else(|| DomainError::not_found("post not found"))?;
    if post.author_id != caller.id && caller.role != Role::Admin {
        return Err(if post.deleted {
            DomainError::not_found("post not found")
        } else {
            DomainError::forbidden("only the post's author or an admin can delete it")
        });
    }
    if !post.deleted {
        match state.db.mark_post_deleted(&post, state.now()).await {
            Ok(()) | Err(store::Error::Condition("post_gone")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    finish_deletion(state, &post).await?;
    Ok(NoContent::done())
}

/// Steps 2 and 3 of deleting a marked post; safe to repeat.
pub async fn finish_deletion(state: &AppState, post: &Post) -> DomainResult<()> {
    state.db.purge_post_children(&post.id).await?;
    state.media().delete(&post.media_key).await.map_err(DomainError::internal)?;
    state.db.remove_post_item(&post.id).await?;
    Ok(())
}

/// The schedule's sweep: finishes deletions a crash left half done.
pub async fn purge_deleted_posts(state: &AppState) -> DomainResult<usize> {
    let posts = state.db.posts_being_deleted(100).await?;
    for p in &posts {
        finish_deletion(state, p).await?;
    }
    Ok(posts.len())
}

/// The scheduled Lambda's entry.
pub async fn scheduled_purge(state: std::sync::Arc<AppState>, _event: Value) -> DomainResult<Value> {
    Ok(json!({ "finished": purge_deleted_posts(&state).await? }))
}
