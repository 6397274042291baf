//! Notifications to people (push now; in-app later). Use cases speak to the
//! `Notifier` trait; until FCM arrives the one implementation records what it
//! was asked to send and logs it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub account_id: String,
    /// `low_balance`, ...: what the app does with it.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub data: BTreeMap<String, String>,
}

pub trait Notifier: Send + Sync + Debug {
    /// Best effort: a notification that cannot be delivered is logged, never an error to the caller.
    fn send(&self, n: Notification) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Keeps every notification in memory (tests read them) and logs its kind.
#[derive(Clone, Debug, Default)]
pub struct RecordingNotifier(Arc<Mutex<Vec<Notification>>>);

impl RecordingNotifier {
    pub fn sent(&self) -> Vec<Notification> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Notifier for RecordingNotifier {
    fn send(&self, n: Notification) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        tracing::info!(account_id = %n.account_id, kind = %n.kind, "notification");
        if let Ok(mut v) = self.0.lock() {
            v.push(n);
        }
        Box::pin(async {})
    }
}
