//! Broadcasts: an admin's message to a segment (everyone, users, hosts or
//! agencies). The request only records it; `send-broadcasts` fans it out a
//! page of accounts at a time into their notifications (whose stream pushes
//! them), recording its place after each page, so a run that stops resumes
//! and two runs never store one account's copy twice (the copy's id is the
//! broadcast's).

use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use store::{Broadcast, PageKey, Role};
use utoipa::ToSchema;

use crate::http::{Accepted, Ctx, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views;
use crate::kernel::vocab;
use crate::{AppState, DomainError};

/// Accounts read per page of the fan-out.
const PAGE: usize = 100;
/// Pages one run sends per broadcast before it lets the next run go on.
const PAGES_PER_RUN: usize = 50;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastInput {
    #[schema(schema_with = crate::kernel::vocab::segment)]
    pub segment: String,
    #[schema(min_length = 1, max_length = 80)]
    pub title: String,
    #[schema(min_length = 1, max_length = 500)]
    pub body: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastView {
    pub id: String,
    #[schema(schema_with = crate::kernel::vocab::segment)]
    pub segment: String,
    pub title: String,
    pub body: String,
    #[schema(schema_with = crate::kernel::vocab::broadcast_status)]
    pub status: String,
    /// Accounts reached so far (each gets a notification, pushed to their devices)
    pub sent: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub finished_at: Option<String>,
}

fn broadcast_view(b: &Broadcast) -> BroadcastView {
    BroadcastView {
        id: b.id.clone(),
        segment: b.segment.clone(),
        title: b.title.clone(),
        body: b.body.clone(),
        status: b.status.clone(),
        sent: b.sent,
        created_at: views::time(b.created_at),
        finished_at: b.finished_at.map(views::time),
    }
}

pub async fn create_broadcast(state: &AppState, admin_id: &str, input: BroadcastInput) -> DomainResult<Broadcast> {
    let now = state.now();
    let b = Broadcast {
        id: crate::kernel::ledger::entry_id(now),
        segment: validate::word("segment", &input.segment, vocab::SEGMENTS)?,
        title: validate::text("title", &input.title, 1, 80)?,
        body: validate::text("body", &input.body, 1, 500)?,
        status: "sending".into(),
        sent: 0,
        cursor: None,
        created_by: admin_id.to_string(),
        created_at: now,
        finished_at: None,
    };
    state.db.put_broadcast(&b).await?;
    Ok(b)
}

pub async fn create_broadcast_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<BroadcastView>> {
    let b = create_broadcast(state, &ctx.caller()?.id, ctx.json()?).await?;
    Ok(Accepted::new(broadcast_view(&b)))
}

pub async fn list_broadcasts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<BroadcastView>> {
    let (limit, start) = ctx.page(state, "broadcasts")?;
    let page = state.db.list_broadcasts(limit, start).await?;
    Ok(list_reply(state, "broadcasts", page.items.iter().map(broadcast_view).collect(), page.next))
}

/// One page of the segment's accounts (those of its role), and where the next starts.
async fn segment_page(
    state: &AppState,
    segment: &str,
    start: Option<PageKey>,
) -> DomainResult<(Vec<String>, Option<PageKey>)> {
    let page = match segment {
        "hosts" => state.db.list_host_accounts(PAGE, start).await?,
        _ => state.db.list_accounts(None, PAGE, start).await?,
    };
    let wanted = |role: Role| match segment {
        "users" => role == Role::User,
        "agencies" => role == Role::Agency,
        "hosts" => role == Role::Host,
        _ => true,
    };
    let ids = page.items.into_iter().filter(|a| wanted(a.role) && !a.banned).map(|a| a.id).collect();
    Ok((ids, page.next))
}

/// Stores the broadcast's copy for each account; answers how many copies
/// were new, and how many of the accounts now have one (new, or stored by
/// another run: the page counts once, by the run that records it).
async fn deliver(state: &AppState, b: &Broadcast, accounts: Vec<String>) -> DomainResult<(i64, i64)> {
    let results: Vec<Result<Option<bool>, store::Error>> = stream::iter(accounts)
        .map(|account_id| async move {
            let n = store::Notification {
                id: b.id.clone(),
                account_id,
                kind: "broadcast".into(),
                title: b.title.clone(),
                body: b.body.clone(),
                data: [("broadcast_id".to_string(), b.id.clone())].into(),
                read: false,
                created_at: b.created_at,
            };
            match state.db.put_notification(&n).await {
                Ok(()) => Ok(Some(true)),
                Err(store::Error::Condition("notification_exists")) => Ok(Some(false)),
                // Gone since the page was read: nobody to reach.
                Err(store::Error::Condition("account_missing")) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let (mut new, mut reached) = (0, 0);
    for r in results {
        if let Some(fresh) = r? {
            new += i64::from(fresh);
            reached += 1;
        }
    }
    Ok((new, reached))
}

/// `send-broadcasts`: goes on with every broadcast still sending, up to
/// `PAGES_PER_RUN` pages each; answers how many notifications it stored.
pub async fn send_broadcasts(state: &AppState) -> DomainResult<i64> {
    let mut stored = 0;
    for mut b in state.db.sending_broadcasts().await? {
        for _ in 0..PAGES_PER_RUN {
            let start = match &b.cursor {
                Some(c) => Some(serde_json::from_str::<PageKey>(c).map_err(DomainError::internal)?),
                None => None,
            };
            let (accounts, next) = segment_page(state, &b.segment, start).await?;
            let (new, reached) = deliver(state, &b, accounts).await?;
            stored += new;
            let next = next.map(|k| serde_json::to_string(&k).expect("a map of strings"));
            match state.db.advance_broadcast(&b, reached, next.clone(), state.now()).await {
                Ok(()) => {}
                // Another run took this page: it goes on from there.
                Err(store::Error::Condition("broadcast_moved")) => break,
                Err(e) => return Err(e.into()),
            }
            b.sent += reached;
            match next {
                Some(c) => b.cursor = Some(c),
                None => break,
            }
        }
    }
    Ok(stored)
}

pub async fn send_broadcasts_event(state: std::sync::Arc<AppState>, _event: serde_json::Value) -> DomainResult<i64> {
    let n = send_broadcasts(&state).await?;
    if n > 0 {
        tracing::info!(notifications = n, "send-broadcasts");
    }
    Ok(n)
}
