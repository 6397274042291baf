//! Tasks: the catalog admins keep (one item, `SETTINGS` / `TASKS`) and each
//! account's progress, one item per period (`keys::task_progress`: an
//! economy day, a week, or all time) with a counter per kind. Progress is
//! added in the same transaction as what it counts (the aggregator's
//! senders' pass for gifts and calls, a recharge's credit, a follow, a room
//! left or shared), so each event counts once.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::TTL_ATTRIBUTE;

/// One task of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    /// daily, weekly or once
    pub period: String,
    /// watch_minutes, send_gifts, spend_coins, follow_new_host, share_room, call_minutes, recharge_coins
    pub kind: String,
    pub target: i64,
    pub reward_bonus_coins: i64,
    pub active: bool,
    #[serde(default)]
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The catalog (`version` is the condition of the next change).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tasks {
    #[serde(default)]
    pub tasks: Vec<Task>,
    #[serde(default)]
    pub version: i64,
}

pub use crate::core::keys::Periods;

/// How long a day's or a week's progress is kept after it starts.
const KEEP_MS: i64 = 15 * 86_400_000;

impl Db {
    pub async fn get_tasks(&self) -> Result<Tasks> {
        Ok(self.get_as(keys::SETTINGS.to_string(), keys::TASKS).await?.unwrap_or_default())
    }

    /// Saves the catalog if no one changed it since `was` was read (`tasks_changed`).
    pub async fn put_tasks(&self, t: &Tasks, was: i64) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(t)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), keys::TASKS));
        let put = Action::put(self, item)
            .when("attribute_not_exists(pk) OR version = :was")
            .val(":was", num_av(was))
            .because("tasks_changed");
        self.write_one(put).await
    }

    /// `ADD`s of `counts` (kind, amount) to `account`'s progress in each of `periods`.
    pub(crate) fn task_progress_items(
        &self,
        account: &str,
        periods: &Periods,
        counts: &[(&str, i64)],
        now: i64,
    ) -> Vec<TxItem> {
        let counts: Vec<&(&str, i64)> = counts.iter().filter(|(_, n)| *n != 0).collect();
        if counts.is_empty() {
            return Vec::new();
        }
        periods
            .0
            .iter()
            .map(|p| {
                let adds: Vec<String> = counts.iter().enumerate().map(|(i, (k, _))| format!("{k} :n{i}")).collect();
                // All-time progress is kept; a day's or week's for two weeks.
                let mut a = if p == "O" {
                    Action::update(
                        self,
                        keys::account(account),
                        &keys::task_progress(p),
                        format!("ADD {}", adds.join(", ")),
                    )
                } else {
                    Action::update(
                        self,
                        keys::account(account),
                        &keys::task_progress(p),
                        format!("SET #ttl = if_not_exists(#ttl, :ttl) ADD {}", adds.join(", ")),
                    )
                    .name("#ttl", TTL_ATTRIBUTE)
                    .val(":ttl", num_av((now + KEEP_MS) / 1000))
                };
                for (i, (_, n)) in counts.iter().enumerate() {
                    a = a.val(&format!(":n{i}"), num_av(*n));
                }
                a.because("account_missing")
            })
            .collect()
    }

    /// Adds progress on its own (what no other transaction carries).
    pub async fn add_task_progress(
        &self,
        account: &str,
        periods: &Periods,
        counts: &[(&str, i64)],
        now: i64,
    ) -> Result<()> {
        let items = self.task_progress_items(account, periods, counts, now);
        if items.is_empty() {
            return Ok(());
        }
        self.transact_only(items).await
    }

    /// `account`'s counters in `period`, by kind.
    pub async fn task_progress(&self, account: &str, periods: &[String]) -> Result<Vec<(String, Item)>> {
        let keys = periods.iter().map(|p| Self::key(keys::account(account), &keys::task_progress(p))).collect();
        let found = self.batch_get(keys).await?;
        Ok(periods
            .iter()
            .filter_map(|p| {
                let sk = keys::task_progress(p);
                found
                    .iter()
                    .find(|i| i.get(crate::core::table::SK).and_then(|v| v.as_s().ok()) == Some(&sk))
                    .map(|i| (p.clone(), i.clone()))
            })
            .collect())
    }

    /// Counts a room shared once a day per room: `Ok(false)` when it was counted already.
    pub async fn share_room_once(
        &self,
        account: &str,
        room_id: &str,
        day: &str,
        periods: &Periods,
        now: i64,
    ) -> Result<bool> {
        let mut mark = Self::key(keys::account(account), &keys::claim("share", &format!("{day}#{room_id}")));
        mark.insert(TTL_ATTRIBUTE.into(), num_av((now + KEEP_MS) / 1000));
        let mut items = vec![Action::put(self, mark).when("attribute_not_exists(pk)").because("shared_before")];
        items.extend(self.task_progress_items(account, periods, &[("share_room", 1)], now));
        match self.transact_only(items).await {
            Ok(()) => Ok(true),
            Err(Error::Condition("shared_before")) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
