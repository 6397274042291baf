//! Notifications: the list and mark-read endpoints (the notifier that stores
//! them is `crate::kernel::notices`).

use serde::Deserialize;

use crate::http::{Ctx, Json, WholePage};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// A notification as the app lists it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationView {
    pub id: String,
    /// follow, gift, incoming_call, missed_call, low_balance, settlement, host_application, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub body: String,
    /// What the app needs to open it (ids)
    pub data: std::collections::BTreeMap<String, String>,
    pub read: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// How many notifications are unread.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unread {
    pub unread: i64,
}

/// A page of notifications and the unread count.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationsPage {
    pub items: Vec<NotificationView>,
    /// Pass as `cursor` for the next page; null on the last
    pub next_cursor: Option<String>,
    pub unread: i64,
}

pub async fn list_notifications_http(state: &AppState, ctx: &Ctx) -> DomainResult<WholePage<NotificationsPage>> {
    let caller = ctx.caller()?;
    let scope = format!("notifications:{}", caller.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_notifications(&caller.id, limit, start).await?;
    let items = page
        .items
        .iter()
        .map(|n| NotificationView {
            id: n.id.clone(),
            kind: n.kind.clone(),
            title: n.title.clone(),
            body: n.body.clone(),
            data: n.data.clone(),
            read: n.read,
            created_at: views::time(n.created_at),
        })
        .collect();
    Ok(WholePage(NotificationsPage {
        items,
        next_cursor: crate::http::next_cursor(state, &scope, page.next),
        unread: state.db.unread_notifications(&caller.id).await?,
    }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadInput {
    pub ids: Option<Vec<String>>,
}

/// Marks the given notifications (all when `ids` is absent) read; answers the unread count.
pub async fn mark_notifications_read_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Unread>> {
    let caller = ctx.caller()?;
    let input: ReadInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { ReadInput::default() } else { ctx.json()? };
    let ids = match &input.ids {
        Some(ids) if ids.len() > 500 => return Err(DomainError::invalid("ids: at most 500")),
        Some(ids) => {
            Some(validate::unique(ids.iter().map(|i| validate::id("ids", i)).collect::<DomainResult<Vec<_>>>()?))
        }
        None => None,
    };
    for _ in 0..10 {
        let unread = state.db.unread_notification_ids(&caller.id, ids.as_deref()).await?;
        match state.db.mark_notifications_read(&caller.id, &unread, state.now()).await {
            Ok(()) => return Ok(Json::new(Unread { unread: state.db.unread_notifications(&caller.id).await? })),
            // Another request marked some meanwhile: read again.
            Err(store::Error::Condition("changed")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("notifications are changing; try again"))
}
