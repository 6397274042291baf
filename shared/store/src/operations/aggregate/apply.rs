//! Applying a batch of events, pass by pass (the module's doc), and which gifts fell in a PK battle.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;

use super::{HOSTS_AT_ONCE, PayeeRules, chunked, credit_actions, rank_actions};
use crate::core::db::Db;
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::wallet::events::*;

impl Db {
    /// Applies `events` exactly once each (see the module); answers how many
    /// this call finished (those finished before are skipped).
    pub async fn apply_events(&self, events: Vec<MoneyEvent>, now: i64, rules: &dyn PayeeRules) -> Result<usize> {
        let mut seen = BTreeSet::new();
        let events: Vec<MoneyEvent> =
            events.into_iter().filter(|e| e.counted_at.is_none() && seen.insert(e.id.clone())).collect();
        // Which gifts fall in a PK battle, by their rooms' windows and their own time.
        let pks = self.pk_matches(&events, rules).await?;
        let pks = &pks;
        // 1. The host's side. Earlier days first: a board entry only ever rolls forward.
        let mut outcomes: BTreeMap<String, String> = BTreeMap::new();
        // Per day, per host and kind (gifts, call minutes, room shares).
        let mut groups: BTreeMap<String, BTreeMap<(String, &'static str), Vec<MoneyEvent>>> = BTreeMap::new();
        for e in &events {
            match (&e.credit, &e.outcome) {
                (Some(_), Some(o)) => {
                    outcomes.insert(e.id.clone(), o.clone());
                }
                (Some(c), None) => {
                    let day = groups.entry(keys::day_of(e.created_at)).or_default();
                    day.entry((c.host_id.clone(), c.kinds().0)).or_default().push(e.clone());
                }
                (None, _) => {}
            }
        }
        // Day by day; hosts share no item, so several at once, one host's chunks in turn.
        for hosts in groups.into_values() {
            let hosts = hosts.into_values().map(|group| async move {
                let mut outcomes = BTreeMap::new();
                for chunk in chunked(group, credit_actions) {
                    outcomes.extend(self.credit_chunk(chunk, now, false, pks, rules).await?);
                }
                Ok::<_, Error>(outcomes)
            });
            let mut applied = futures_util::stream::iter(hosts).buffer_unordered(HOSTS_AT_ONCE);
            while let Some(host) = applied.next().await {
                outcomes.extend(host?);
            }
        }
        // 2. The senders' side of credited gifts and calls (room gifter
        // entries, the gifters board, task progress), per sender and day:
        // senders share no item, so many at once.
        let mut senders: BTreeMap<String, BTreeMap<String, Vec<MoneyEvent>>> = BTreeMap::new();
        for e in &events {
            // Paid gifts and call minutes: bonus gifts rank nowhere and count for no task.
            if let Some(c) = e.credit.as_ref().filter(|c| !c.bonus)
                && outcomes.get(&e.id).map(String::as_str) == Some("credited")
                && e.ranked_at.is_none()
            {
                let day = senders.entry(keys::day_of(e.created_at)).or_default();
                day.entry(c.payer_id.clone()).or_default().push(e.clone());
            }
        }
        for payers in senders.into_values() {
            let payers = payers.into_values().map(|group| async move {
                for chunk in chunked(group, rank_actions) {
                    self.rank_chunk(chunk, now, pks, rules).await?;
                }
                Ok::<_, Error>(())
            });
            let mut ranked = futures_util::stream::iter(payers).buffer_unordered(HOSTS_AT_ONCE);
            while let Some(r) = ranked.next().await {
                r?;
            }
        }
        // 3. The platform counters, per day.
        let mut days: BTreeMap<String, Vec<MoneyEvent>> = BTreeMap::new();
        for e in events {
            days.entry(keys::day_of(e.created_at)).or_default().push(e);
        }
        let mut counted = 0;
        for (_, group) in days {
            // Marks, the day's and the totals' lanes, the gift types' lane.
            for chunk in chunked(group, |c: &[MoneyEvent]| c.len() + 3) {
                counted += self.count_chunk(chunk, &outcomes, now).await?;
            }
        }
        Ok(counted)
    }

    /// Which of `chunk` are marked `attr` already, with their outcome; an
    /// event that no longer exists counts as done (nothing left to apply;
    /// reconciliation reports the loss).
    pub(super) async fn marked(&self, chunk: &[MoneyEvent], attr: &str) -> Result<BTreeMap<String, String>> {
        let keys = chunk.iter().map(|e| e.key()).map(|(pk, sk)| Self::key(pk, sk)).collect();
        let projection = format!("pk, sk, id, outcome, {attr}");
        let found = self.batch_get_projected(keys, &projection).await?;
        let mut done: BTreeMap<String, String> = chunk.iter().map(|e| (e.id.clone(), "missing".to_string())).collect();
        for i in found {
            let Some(id) = i.get("id").and_then(|v| v.as_s().ok()).cloned() else { continue };
            if i.contains_key(attr) {
                done.insert(id, i.get("outcome").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default());
            } else {
                done.remove(&id);
            }
        }
        for (id, _) in done.iter().filter(|(_, o)| *o == "missing") {
            tracing::error!(event_id = %id, "a money event disappeared before it was applied");
        }
        Ok(done)
    }
}

/// Gift events that fell in a PK battle: event id → (battle, side's host).
pub(super) type PkMatches = BTreeMap<String, (String, String)>;

impl Db {
    /// Which of `events` (gifts sent in a room) fell in a battle of that room:
    /// the room's windows are read once per room, and the rules say which
    /// battle, if any, an event's time scores for.
    pub(super) async fn pk_matches(&self, events: &[MoneyEvent], rules: &dyn PayeeRules) -> Result<PkMatches> {
        let mut latest: BTreeMap<String, i64> = BTreeMap::new();
        for e in events {
            if let Some(room) = e.credit.as_ref().filter(|c| c.call.is_none()).and_then(|c| c.room_id.clone()) {
                let t = latest.entry(room).or_default();
                *t = (*t).max(e.created_at);
            }
        }
        let mut windows: BTreeMap<String, Vec<crate::rooms::pk::PkWindow>> = BTreeMap::new();
        let reads = latest.into_iter().map(|(room, upto)| async move {
            let found = self.room_pk_windows(&room, upto).await;
            found.map(|w| (room, w))
        });
        let mut reads = futures_util::stream::iter(reads).buffer_unordered(HOSTS_AT_ONCE);
        while let Some(read) = reads.next().await {
            let (room, w) = read?;
            windows.insert(room, w);
        }
        let mut out = PkMatches::new();
        for e in events {
            let Some(room) =
                e.credit.as_ref().filter(|c| c.call.is_none() && !c.bonus).and_then(|c| c.room_id.as_deref())
            else {
                continue;
            };
            let found = windows.get(room).and_then(|ws| rules.battle_of(e.created_at, ws));
            if let Some(w) = found {
                out.insert(e.id.clone(), (w.pk_id.clone(), w.host_id.clone()));
            }
        }
        Ok(out)
    }
}
