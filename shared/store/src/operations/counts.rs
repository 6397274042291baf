//! Counts of edges that a crowd writes at once: an account's followers and a
//! post's likes, views and shares.
//!
//! The request writes only its own edge item (a follow, a like, a view, a
//! share), never the counted item (the followee's profile, the post), so a
//! crowd following one host or liking one post never meets on one item. The
//! aggregator (the table's stream) brings the count up to date, per counted
//! item one transaction for up to `EDGES_PER_TX` edges: it marks each new
//! edge `counted` and deletes each removed one (an unfollow or unlike leaves a
//! tombstone, `removed`, out of every index) beside one `ADD` of the sum on
//! the counted item. Every action is conditioned on the edge's state as read,
//! so a redelivered record, a retried invocation or two racing count each
//! edge once; a lost race re-reads. Following again over a tombstone revives
//! it with its `counted` mark, so the count is never taken twice.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue;
use futures_util::StreamExt;

use crate::core::db::attr_s;
use crate::core::db::{Action, Db, Item, TxItem, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::{PK, SK};

/// Edges one counting transaction holds beside the counted item.
const EDGES_PER_TX: usize = 98;
/// Counted items one invocation works on at once.
const TARGETS_AT_ONCE: usize = 16;

/// An edge item's key.
type Edge = (String, String);
/// A counted item's key and counter: `[pk, sk, attribute]`.
type Target = [String; 3];

/// The item an edge counts on and the counter: `(pk, sk, attribute)`.
pub fn counted_by(pk: &str, sk: &str) -> Option<(String, &'static str, &'static str)> {
    if pk.starts_with("ACCOUNT#") {
        let followee = sk.strip_prefix("FOLLOWS#")?;
        return Some((keys::account(followee), keys::PROFILE, "followers"));
    }
    if pk.starts_with("POST#") {
        let field = if sk.starts_with("LIKE#") {
            "likes"
        } else if sk.starts_with("VIEW#") {
            "views"
        } else if sk.starts_with("SHARE#") {
            "shares"
        } else {
            return None;
        };
        return Some((pk.to_string(), keys::POST, field));
    }
    None
}

/// Whether an edge's new image (from the stream) leaves work for the
/// aggregator: a live edge not counted yet, or a tombstone.
pub fn edge_needs_count(pk: &str, sk: &str, removed: bool, counted: bool) -> bool {
    counted_by(pk, sk).is_some() && (removed || !counted)
}

/// What to do with one edge as read, and what it adds to the count.
fn step(db: &Db, pk: &str, sk: &str, edge: Option<&Item>) -> Option<(TxItem, i64)> {
    let edge = edge?;
    let flag = |k: &str| edge.get(k).and_then(|v| v.as_bool().ok()).copied().unwrap_or(false);
    let t = AttributeValue::Bool(true);
    match (flag("removed"), flag("counted")) {
        (false, false) => Some((
            Action::update(db, pk.to_string(), sk, "SET counted = :t")
                .when("attribute_exists(pk) AND attribute_not_exists(counted) AND NOT removed = :t")
                .val(":t", t)
                .because("edge_changed"),
            1,
        )),
        (true, counted) => {
            let still = if counted { "counted = :t" } else { "attribute_not_exists(counted)" };
            Some((
                Action::delete(db, pk.to_string(), sk)
                    .when(format!("removed = :t AND {still}"))
                    .val(":t", t)
                    .because("edge_changed"),
                if counted { -1 } else { 0 },
            ))
        }
        (false, true) => None,
    }
}

impl Db {
    /// Brings the counts of `edges` (`(pk, sk)` from the stream) up to date;
    /// answers how many edges this call counted or removed.
    pub async fn count_edges(&self, edges: Vec<(String, String)>) -> Result<usize> {
        let mut by_target: BTreeMap<Target, Vec<Edge>> = BTreeMap::new();
        for (pk, sk) in edges {
            if let Some((tpk, tsk, field)) = counted_by(&pk, &sk) {
                let list = by_target.entry([tpk, tsk.to_string(), field.to_string()]).or_default();
                if !list.contains(&(pk.clone(), sk.clone())) {
                    list.push((pk, sk));
                }
            }
        }
        // Owned (no borrowed str in the futures: they must be Send for any lifetime).
        let mut work: Vec<(Target, Vec<Edge>)> = Vec::new();
        for (target, edges) in by_target {
            for chunk in edges.chunks(EDGES_PER_TX) {
                work.push((target.clone(), chunk.to_vec()));
            }
        }
        let mut done = 0;
        let mut runs = futures_util::stream::iter(work)
            .map(|(target, chunk)| async move { self.count_chunk_of(&target, chunk).await })
            .buffer_unordered(TARGETS_AT_ONCE);
        while let Some(n) = runs.next().await {
            done += n?;
        }
        Ok(done)
    }

    /// One counted item's chunk of edges: read, then one transaction; a lost
    /// race re-reads. A counted item that is gone (a purged post) only has its
    /// edges marked.
    async fn count_chunk_of(&self, [pk, sk, field]: &Target, chunk: Vec<Edge>) -> Result<usize> {
        let mut target_gone = false;
        for _ in 0..8 {
            let keys: Vec<Item> = chunk.iter().map(|(p, s)| Self::key(p.clone(), s.as_str())).collect();
            let found = self.batch_get_projected(keys, "pk, sk, removed, counted").await?;
            let find = |p: &str, s: &str| found.iter().find(|i| attr_s(i, PK) == Some(p) && attr_s(i, SK) == Some(s));
            let steps: Vec<(TxItem, i64)> = chunk.iter().filter_map(|(p, s)| step(self, p, s, find(p, s))).collect();
            if steps.is_empty() {
                return Ok(0);
            }
            let delta: i64 = steps.iter().map(|(_, d)| d).sum();
            let count = steps.len();
            let mut items: Vec<TxItem> = steps.into_iter().map(|(t, _)| t).collect();
            if delta != 0 && !target_gone {
                items.push(
                    Action::update(self, pk.clone(), sk, "ADD #f :d")
                        .name("#f", field)
                        .when("attribute_exists(pk)")
                        .val(":d", num_av(delta))
                        .because("target_gone"),
                );
            }
            match self.transact_only(items).await {
                Ok(()) => return Ok(count),
                Err(Error::Condition("edge_changed")) => {}
                Err(Error::Condition("target_gone")) => target_gone = true,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }
}
