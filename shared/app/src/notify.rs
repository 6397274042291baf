//! Notifications: the notifier that stores them (the in-app list, and the
//! outbox whose stream `send-push` delivers), the list and mark-read endpoints.

use std::future::Future;
use std::pin::Pin;

use integrations::notify::{Notification, Notifier};
use serde::Deserialize;

use crate::error::ApiResult;
use crate::http::{Ctx, Reply};
use crate::{ApiError, AppState, Clock, validate, views};

/// The record a notification becomes, at `now`.
pub fn record(n: Notification, now: i64) -> store::Notification {
    store::Notification {
        id: crate::wallet::entry_id(now),
        account_id: n.account_id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        data: n.data,
        read: false,
        created_at: now,
    }
}

/// Stores each notification (item + unread count in one transaction); the
/// table's stream then pushes it. A failure is logged: the event that caused
/// it has happened and stays.
#[derive(Debug)]
pub struct TableNotifier {
    pub db: store::Db,
    pub clock: Clock,
}

impl Notifier for TableNotifier {
    fn send(&self, n: Notification) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            let r = record(n, self.clock.now_ms());
            if let Err(e) = self.db.put_notification(&r).await {
                tracing::error!(kind = %r.kind, error = %e, "storing a notification failed");
            }
        })
    }
}

/// A notification of `kind` for `account`, with `data` (ids the apps route on).
pub fn note(account: &str, kind: &str, title: &str, body: String, data: &[(&str, &str)]) -> Notification {
    Notification {
        account_id: account.to_string(),
        kind: kind.into(),
        title: title.into(),
        body,
        data: data.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

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

pub async fn list_notifications_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
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
    Ok(Reply::ok(NotificationsPage {
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
pub async fn mark_notifications_read_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let input: ReadInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { ReadInput::default() } else { ctx.json()? };
    let ids = match &input.ids {
        Some(ids) if ids.len() > 500 => return Err(ApiError::invalid("ids: at most 500")),
        Some(ids) => Some(validate::unique(ids.iter().map(|i| validate::id("ids", i)).collect::<ApiResult<Vec<_>>>()?)),
        None => None,
    };
    for _ in 0..10 {
        let unread = state.db.unread_notification_ids(&caller.id, ids.as_deref()).await?;
        match state.db.mark_notifications_read(&caller.id, &unread, state.now()).await {
            Ok(()) => return Ok(Reply::ok(Unread { unread: state.db.unread_notifications(&caller.id).await? })),
            // Another request marked some meanwhile: read again.
            Err(store::Error::Condition("changed")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("notifications are changing; try again"))
}
