//! Repair: a post's, an account's or a room's counters counted again from
//! what they count (edges, comments, posts, the room's applied gift events)
//! and set to that, for an operator who finds one wrong.
//!
//! What the aggregator has applied is what a counter holds: an edge counts
//! once it is marked `counted` (a counted tombstone until the aggregator
//! deletes it), a gift event once it is `credited`. The new values are
//! written only if the counters are still what was read before counting
//! (`counter_moved` otherwise, and the caller counts again), so an edge or
//! event applied meanwhile is neither lost nor taken twice. Running it again
//! changes nothing.

use crate::core::db::attr_n;
use crate::core::db::{Action, Db, Item, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::{GSI1, GSI2};
use crate::wallet::events::MoneyEvent;

/// One counter: its name, the value it held and the value counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recounted {
    pub counter: &'static str,
    pub before: i64,
    pub after: i64,
}

fn flag(i: &Item, k: &str) -> bool {
    i.get(k).and_then(|v| v.as_bool().ok()).copied().unwrap_or(false)
}

impl Db {
    /// The counters of the item (`pk`, `sk`) as they are now (0 when absent; `None`: no item).
    async fn counters_now(&self, pk: &str, sk: &str, names: &[&'static str]) -> Result<Option<Vec<i64>>> {
        let item = self.get(pk.to_string(), sk).await?;
        Ok(item.map(|i| names.iter().map(|f| attr_n(&i, f).unwrap_or(0)).collect()))
    }

    /// Sets the counters to `after` if they still hold `before` (`counter_moved` otherwise).
    async fn set_counters(
        &self,
        pk: &str,
        sk: &str,
        names: &[&'static str],
        before: &[i64],
        after: &[i64],
    ) -> Result<()> {
        let sets: Vec<String> = (0..names.len()).map(|i| format!("#c{i} = :a{i}")).collect();
        let conds: Vec<String> = (0..names.len())
            .map(|i| {
                if before[i] == 0 {
                    format!("(attribute_not_exists(#c{i}) OR #c{i} = :b{i})")
                } else {
                    format!("#c{i} = :b{i}")
                }
            })
            .collect();
        let mut a = Action::update(self, pk.to_string(), sk, format!("SET {}", sets.join(", ")))
            .when(format!("attribute_exists(pk) AND {}", conds.join(" AND ")));
        for (i, name) in names.iter().enumerate() {
            a = a
                .name(&format!("#c{i}"), name)
                .val(&format!(":a{i}"), num_av(after[i]))
                .val(&format!(":b{i}"), num_av(before[i]));
        }
        self.write_one(a.because("counter_moved")).await
    }

    /// Counts `names` of (`pk`, `sk`) with `count` and sets them, again while
    /// something is applied meanwhile; `None` when the item does not exist.
    async fn recount_item<F, Fut>(
        &self,
        pk: &str,
        sk: &str,
        names: &[&'static str],
        count: F,
    ) -> Result<Option<Vec<Recounted>>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<i64>>>,
    {
        let mut retry = self.retry();
        loop {
            let Some(before) = self.counters_now(pk, sk, names).await? else { return Ok(None) };
            let after = count().await?;
            if before == after {
                return Ok(Some(recounted(names, &before, &after)));
            }
            match self.set_counters(pk, sk, names, &before, &after).await {
                Ok(()) => return Ok(Some(recounted(names, &before, &after))),
                Err(Error::Condition("counter_moved")) if retry.attempt().await => continue,
                Err(Error::Condition("counter_moved")) => return Err(Error::Busy),
                Err(e) => return Err(e),
            }
        }
    }

    /// A post's likes, views and shares (edges counted) and comments.
    pub async fn recount_post(&self, post_id: &str) -> Result<Option<Vec<Recounted>>> {
        let pk = keys::post(post_id);
        let names = ["likes", "views", "shares", "comments"];
        self.recount_item(&pk, keys::POST, &names, || async {
            let mut c = [0i64; 4];
            for (i, prefix) in ["LIKE#", "VIEW#", "SHARE#", keys::COMMENT_PREFIX].iter().enumerate() {
                self.each_between(pk.clone(), prefix, &format!("{prefix}~"), |item| {
                    if i == 3 || flag(item, "counted") {
                        c[i] += 1;
                    }
                })
                .await?;
            }
            Ok(c.to_vec())
        })
        .await
    }

    /// An account's followers (follow edges counted), following (its own
    /// live follow edges) and posts (its live posts).
    pub async fn recount_account(&self, account: &str) -> Result<Option<Vec<Recounted>>> {
        let pk = keys::account(account);
        let names = ["followers", "following", "posts"];
        self.recount_item(&pk, keys::PROFILE, &names, || async {
            let mut followers = 0;
            let mut start = None;
            loop {
                let page = self.query_page(Some(&GSI1), keys::followers_of(account), 500, None, start, false).await?;
                followers += page.items.iter().filter(|i| flag(i, "counted")).count() as i64;
                match page.next {
                    Some(next) => start = Some(next),
                    None => break,
                }
            }
            let mut following = 0;
            self.each_between(pk.clone(), "FOLLOWS#", "FOLLOWS#~", |i| following += i64::from(!flag(i, "removed")))
                .await?;
            let mut posts = 0;
            let mut start = None;
            loop {
                let page = self.query_page(Some(&GSI2), keys::posts_by(account), 500, None, start, false).await?;
                posts += page.items.iter().filter(|i| !flag(i, "deleted")).count() as i64;
                match page.next {
                    Some(next) => start = Some(next),
                    None => break,
                }
            }
            Ok(vec![followers, following, posts])
        })
        .await
    }

    /// A room's gift total: the coins of the gift events credited into it
    /// (read from the window index over the hours the room was live).
    pub async fn recount_room(&self, room_id: &str, started_at: i64, until: i64) -> Result<Option<Vec<Recounted>>> {
        let pk = keys::room(room_id);
        if self.get(pk.clone(), keys::ROOM_TOTAL).await?.is_none() {
            // A room without gifts has no total item yet: counted from nothing.
            let mut item = Self::key(pk.clone(), keys::ROOM_TOTAL);
            item.insert("host_earning".into(), num_av(0));
            let put = Action::put(self, item).when("attribute_not_exists(pk)").because("counter_moved");
            match self.write_one(put).await {
                Ok(()) | Err(Error::Condition("counter_moved")) => {}
                Err(e) => return Err(e),
            }
        }
        self.recount_item(&pk, keys::ROOM_TOTAL, &["host_earning"], || async {
            let mut total = 0;
            let mut hour = started_at.div_euclid(3_600_000) * 3_600_000;
            while hour <= until {
                for shard in 0..keys::WINDOW_SHARDS {
                    let mut start = None;
                    loop {
                        let page = self.window_events_page(&keys::hour_of(hour), shard, start, 500).await?;
                        total += page
                            .items
                            .iter()
                            .filter(|e: &&MoneyEvent| e.outcome.as_deref() == Some("credited"))
                            .filter_map(|e| e.credit.as_ref())
                            .filter(|c| c.call.is_none() && c.room_id.as_deref() == Some(room_id))
                            .map(|c| c.amount)
                            .sum::<i64>();
                        match page.next {
                            Some(next) => start = Some(next),
                            None => break,
                        }
                    }
                }
                hour += 3_600_000;
            }
            Ok(vec![total])
        })
        .await
    }
}

fn recounted(names: &[&'static str], before: &[i64], after: &[i64]) -> Vec<Recounted> {
    (0..names.len()).map(|i| Recounted { counter: names[i], before: before[i], after: after[i] }).collect()
}
