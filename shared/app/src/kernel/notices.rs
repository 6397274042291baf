//! The notifier every use case sends through: it stores a notification (the
//! in-app list, and the outbox whose stream `send-push` delivers).

use std::future::Future;
use std::pin::Pin;

use integrations::notify::{Notification, Notifier};

use crate::kernel::clock::Clock;

/// The record a notification becomes, at `now`.
pub fn record(n: Notification, now: i64) -> store::Notification {
    store::Notification {
        id: crate::kernel::ledger::entry_id(now),
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
