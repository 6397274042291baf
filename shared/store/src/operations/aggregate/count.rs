//! Pass 3: the platform counters (the day's and the totals' lanes, the gift types' lane).

use std::collections::BTreeMap;

use crate::core::db::{Action, Db, TxItem, num_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::wallet::balance::{Balance, LedgerEntry};
use crate::wallet::counts::{Counters, add_entry_counts};
use crate::wallet::events::*;

impl Db {
    /// One transaction counting events of one day; answers how many it counted.
    pub(super) async fn count_chunk(
        &self,
        mut chunk: Vec<MoneyEvent>,
        outcomes: &BTreeMap<String, String>,
        now: i64,
    ) -> Result<usize> {
        for _ in 0..8 {
            if chunk.is_empty() {
                return Ok(0);
            }
            let mut items: Vec<TxItem> = chunk
                .iter()
                .map(|e| {
                    Action::update(self, e.key().0, &e.key().1, "SET counted_at = :now REMOVE gsi1pk, gsi1sk")
                        .when("attribute_exists(pk) AND attribute_not_exists(counted_at)")
                        .val(":now", num_av(now))
                        .because("event_counted")
                })
                .collect();
            items.extend(self.count_items(&chunk, outcomes)?);
            match self.transact_only(items).await {
                Ok(()) => return Ok(chunk.len()),
                Err(Error::Condition("event_counted")) => {
                    let done = self.marked(&chunk, "counted_at").await?;
                    chunk.retain(|e| !done.contains_key(&e.id));
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }

    /// The platform counters of `chunk`, on the chunk's lane: each event's
    /// own counts and, for a credited gift, the host's earnings; a refunded
    /// gift counts nothing (its coins went back).
    pub(super) fn count_items(&self, chunk: &[MoneyEvent], outcomes: &BTreeMap<String, String>) -> Result<Vec<TxItem>> {
        let seed = &chunk[0].id;
        let (mut day, mut totals) = (Counters::new(), Counters::new());
        let mut gifts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for e in chunk {
            let outcome = outcomes.get(&e.id).map(String::as_str);
            if let Some(c) = &e.credit {
                if outcome != Some("credited") {
                    continue;
                }
                if c.call.is_none() {
                    let slot = gifts.entry(c.gift_id.clone()).or_default();
                    slot.0 += c.quantity;
                    slot.1 += c.amount;
                }
                let earned = LedgerEntry::new(&c.host_id, c.kinds().0, Balance::Earnings, c.amount, None, e.created_at);
                add_entry_counts(&serde_dynamo::to_item(&earned)?, &mut day, &mut totals);
            }
            e.day.iter().for_each(|(f, v)| *day.entry(f.clone()).or_default() += v);
            e.totals.iter().for_each(|(f, v)| *totals.entry(f.clone()).or_default() += v);
        }
        day.retain(|_, v| *v != 0);
        totals.retain(|_, v| *v != 0);
        let mut out = Vec::new();
        if !day.is_empty() {
            out.push(self.count_day(&keys::day_of(chunk[0].created_at), seed, &day));
        }
        if !totals.is_empty() {
            out.push(self.count_totals(seed, &totals));
        }
        if !gifts.is_empty() {
            out.push(self.count_gifts(seed, &gifts));
        }
        Ok(out)
    }
}
