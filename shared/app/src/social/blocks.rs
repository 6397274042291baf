//! Blocks: a blocked account cannot follow, call, gift, comment on or join
//! the rooms of its blocker (403 `blocked`, enforced by each write's own
//! transaction), and leaves the blocker's lists, feed and live room.

use store::Block;

use crate::http::{CreatedOrFound, Ctx, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Person};
use crate::{AppState, DomainError};

/// How many blocked accounts a feed read leaves out (the newest blocks).
pub const FEED_FILTER_MAX: usize = 500;

/// A block's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Blocked {
    pub blocker_id: String,
    pub blocked_id: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A blocked account in `GET /me/blocks`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BlockedAccount {
    #[serde(flatten)]
    pub person: Person,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub blocked_at: String,
}

fn target(ctx: &Ctx, me: &str) -> DomainResult<String> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    if id == me {
        return Err(DomainError::invalid("id: you cannot block yourself"));
    }
    Ok(id)
}

/// Blocks `blocked`: 201 the first time, 200 with the same block after.
pub async fn block(state: &AppState, blocker: &str, blocked: &str) -> DomainResult<CreatedOrFound<Blocked>> {
    if state.db.get_account(blocked).await?.is_none() {
        return Err(DomainError::not_found("user not found"));
    }
    let b = Block { blocker_id: blocker.into(), blocked_id: blocked.into(), created_at: state.now() };
    let mut created = None;
    for _ in 0..5 {
        let follows = state.db.follows_both_ways(blocker, blocked).await?;
        match state.db.block(&b, follows).await {
            Ok(c) => {
                created = Some(c);
                break;
            }
            Err(store::Error::Condition("follow_changed")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let created = created.ok_or_else(|| DomainError::unavailable("the follows changed meanwhile; try again"))?;
    // Each other's posts leave the feeds (safe to repeat), and a blocked
    // viewer leaves the blocker's live room.
    state.db.remove_from_feed(blocker, blocked).await?;
    state.db.remove_from_feed(blocked, blocker).await?;
    if let Some(room) = state.db.live_room_of(blocker).await? {
        state.db.leave_room(&room, blocked, None).await?;
    }
    let b = state.db.get_block(blocker, blocked).await?.unwrap_or(b);
    let body = Blocked { blocker_id: b.blocker_id, blocked_id: b.blocked_id, created_at: views::time(b.created_at) };
    let answer = CreatedOrFound::new(body);
    Ok(if created { answer } else { answer.also() })
}

pub async fn block_user_http(state: &AppState, ctx: &Ctx) -> DomainResult<CreatedOrFound<Blocked>> {
    let caller = ctx.caller()?;
    let id = target(ctx, &caller.id)?;
    block(state, &caller.id, &id).await
}

/// Unblocks: 204; 404 `not_found` when there was no block.
pub async fn unblock_user_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id = target(ctx, &caller.id)?;
    if !state.db.unblock(&caller.id, &id).await? {
        return Err(DomainError::not_found("you have not blocked this user"));
    }
    Ok(NoContent::done())
}

pub async fn list_blocks_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<BlockedAccount>> {
    let caller = ctx.caller()?;
    let scope = format!("blocks:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_blocks(&caller.id, limit, start).await?;
    let ids: Vec<String> = page.items.iter().map(|b| b.blocked_id.clone()).collect();
    let accounts = state.db.get_accounts(&ids).await?;
    let levels = state.levels().await?;
    let items: Vec<BlockedAccount> = page
        .items
        .iter()
        .filter_map(|b| {
            let a = accounts.iter().find(|a| a.id == b.blocked_id)?;
            Some(BlockedAccount { person: views::person(a, &levels), blocked_at: views::time(b.created_at) })
        })
        .collect();
    Ok(list_reply(state, &scope, items, page.next))
}
