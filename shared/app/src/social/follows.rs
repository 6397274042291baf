//! Public profiles and the follow graph.

use store::FollowEdge;

use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

fn target(ctx: &Ctx) -> DomainResult<String> {
    validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))
}

pub async fn get_user_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<views::Profile>> {
    let caller = ctx.caller()?;
    let id = target(ctx)?;
    let account = state.db.get_account(&id).await?.ok_or_else(|| DomainError::not_found("user not found"))?;
    let is_following = if caller.id == id { None } else { Some(state.db.is_following(&caller.id, &id).await?) };
    Ok(Json::new(views::profile(&account, is_following, &*state.levels().await?)))
}

/// A follow puts this many of the account's most recent posts in the follower's feed.
pub const FEED_BACKFILL: usize = 20;

pub async fn follow(state: &AppState, follower: &str, followee: &str) -> DomainResult<i64> {
    if follower == followee {
        return Err(DomainError::invalid("id: you cannot follow yourself"));
    }
    // The followee's profile is not in the follow's transaction (a crowd
    // following one host would meet there): it is read instead.
    let Some(target) = state.db.get_account(followee).await? else {
        return Err(DomainError::not_found("user not found"));
    };
    let now = state.now();
    // A host followed for the first time counts for the follower's tasks (an
    // unfollow and a follow again do not).
    let periods = match crate::rewards::TaskCounting::read(state).await?.periods_of("follow_new_host", now) {
        Some(p) if target.role == store::Role::Host && !state.db.followed_before(follower, followee).await? => Some(p),
        _ => None,
    };
    let first = state.db.follow(follower, followee, now, periods.as_ref()).await;
    let first = match first {
        // Counted meanwhile by a follow that raced this one: follow without counting.
        Err(store::Error::Condition("followed_before")) => state.db.follow(follower, followee, now, None).await,
        other => other,
    };
    first.map_err(|e| match e {
        store::Error::Condition("account_missing") => DomainError::not_found("user not found"),
        other => other.into(),
    })?;
    let recent = state.db.list_posts(Some(followee), FEED_BACKFILL, None).await?.items;
    state.db.backfill_feed(follower, &recent).await?;
    // An unfollow that landed while this ran must not leave the posts behind.
    if !state.db.is_following(follower, followee).await? {
        state.db.remove_from_feed(follower, followee).await?;
    }
    // Follow, unfollow, follow again: one new-follower push a day for the pair.
    if crate::http::limits::allow(state, &crate::http::limits::FOLLOW_PUSH, &format!("{followee}:{follower}")).await? {
        let name = state.db.get_account(follower).await?.map(|a| a.name).unwrap_or_default();
        let body = format!("{name} follows you");
        let note = crate::kernel::notices::note(followee, "follow", "New follower", body, &[("follower_id", follower)]);
        state.notifier.send(note).await;
    }
    Ok(now)
}

/// A follow's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Followed {
    pub follower_id: String,
    pub followee_id: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

pub async fn follow_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<Followed>> {
    let caller = ctx.caller()?;
    let id = target(ctx)?;
    let at = follow(state, &caller.id, &id).await?;
    Ok(Created::new(Followed { follower_id: caller.id.clone(), followee_id: id, created_at: views::time(at) }))
}

pub async fn unfollow_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = target(ctx)?;
    if id == caller.id {
        return Err(DomainError::invalid("id: you cannot follow yourself"));
    }
    state.db.unfollow(&caller.id, &id).await?;
    state.db.remove_from_feed(&caller.id, &id).await?;
    Ok(NoContent::done())
}

enum Direction {
    Followers,
    Following,
}

async fn list(state: &AppState, ctx: &Ctx, dir: Direction) -> DomainResult<Page<views::AccountSummary>> {
    let id = target(ctx)?;
    let scope = match dir {
        Direction::Followers => format!("followers:{id}"),
        Direction::Following => format!("following:{id}"),
    };
    let (limit, start) = ctx.page(state, &scope)?;
    if state.db.get_account(&id).await?.is_none() {
        return Err(DomainError::not_found("user not found"));
    }
    let page: store::Page<FollowEdge> = match dir {
        Direction::Followers => state.db.list_followers(&id, limit, start).await?,
        Direction::Following => state.db.list_following(&id, limit, start).await?,
    };
    let other = |e: &FollowEdge| match dir {
        Direction::Followers => e.follower_id.clone(),
        Direction::Following => e.followee_id.clone(),
    };
    let ids: Vec<String> = page.items.iter().map(other).collect();
    let accounts = state.db.get_accounts(&ids).await?;
    let levels = state.levels().await?;
    let items = page
        .items
        .iter()
        .filter_map(|e| {
            accounts.iter().find(|a| a.id == other(e)).map(|a| views::account_summary(a, e.created_at, &levels))
        })
        .collect();
    Ok(list_reply(state, &scope, items, page.next))
}

pub async fn list_followers_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<views::AccountSummary>> {
    list(state, ctx, Direction::Followers).await
}

pub async fn list_following_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<views::AccountSummary>> {
    list(state, ctx, Direction::Following).await
}
