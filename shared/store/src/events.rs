//! Money events and their aggregation.
//!
//! Every transaction that writes ledger entries also writes one immutable
//! event (`keys::event`, id = its first ledger entry's): the dashboard counts
//! its entries add and, for a gift, the host's side (`Credit`). The request's
//! transaction thus touches only the payer's items. The aggregator (the
//! table's stream → `aggregate`) applies a batch of events in three passes,
//! each exactly once per event:
//! 1. the host's side, per host and day: one transaction marks up to 90
//!    events applied (conditioned on them not being so yet) beside what they
//!    add up to: the host's earnings with one ledger entry naming the events,
//!    the host's day item, room totals, the host's board entry and one
//!    notification. An event whose host can no longer earn (banned, no longer
//!    a host) is refunded to its payer instead;
//! 2. the senders' side of credited gifts, per sender and day: marks
//!    (`ranked_at`), the sender's entry in each room's top gifters (its own
//!    partition) and on the gifters board. Senders share no item: many at once;
//! 3. the platform counters, per day over any hosts: one transaction marks up
//!    to 93 events counted and adds their sums to one stats lane, so the 16
//!    lanes see a transaction per 93 events, not per host.
//!
//! A credit's event lives in one of its host's 16 partitions (`keys::event`),
//! so the stream hands a host's events to at most 16 invocations at once,
//! each applying them in up to 90-event transactions.
//!
//! Call minutes released by the tick are credits too (`call_earning`).
//! A redelivered batch, a retried invocation or two racing on the same events
//! apply each event once: the loser's marks fail, it re-reads which are done
//! and goes on with the rest. An event leaves the sharded GSI1 partitions of
//! pending events (`pending_events`) once counted, so a sweeper finds what
//! the stream did not deliver.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;

use serde::{Deserialize, Serialize};

use crate::boards::{BoardKind, BoardMode};
use crate::core::db::{Action, Db, Item, TxItem, n, s};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::notifications::Notification;
use crate::stats::{Counters, add_entry_counts, ledger_puts_counts};
use crate::wallet::{Balance, LedgerEntry, WalletChange};

/// A money movement's event, as stored and as the stream delivers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MoneyEvent {
    pub id: String,
    pub created_at: i64,
    /// What the payer's side adds to the day's platform counters and the totals.
    #[serde(default)]
    pub day: Counters,
    #[serde(default)]
    pub totals: Counters,
    /// The host's side, applied by the aggregator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<Credit>,
    /// The accounts whose ledger the transaction wrote (the windowed
    /// reconciliation checks those of a window).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// When the host's side was applied, and how: `credited` or `refunded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// When a credited gift's sender side (room gifters, gifters board) was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranked_at: Option<i64>,
    /// When the platform counters took it: the event is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counted_at: Option<i64>,
}

impl MoneyEvent {
    /// The event of a room owner's share of a gift to a guest, beside the
    /// gift's own (one transaction, two payees: each applied on its own).
    pub(crate) fn share(credit: Credit, created_at: i64) -> MoneyEvent {
        MoneyEvent {
            id: crate::wallet::entry_id(created_at),
            created_at,
            day: Counters::new(),
            totals: Counters::new(),
            credit: Some(credit),
            accounts: Vec::new(),
            applied_at: None,
            outcome: None,
            ranked_at: None,
            counted_at: None,
        }
    }

    /// Its item's key (`keys::event`).
    pub fn key(&self) -> (String, String) {
        (keys::event(&self.id, self.credit.as_ref().map(|c| c.host_id.as_str())), keys::event_sk(&self.id))
    }
}

/// The host's side of a gift or of call minutes: who earns what, and what it counts towards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Credit {
    pub host_id: String,
    pub payer_id: String,
    #[serde(default)]
    pub payer_name: String,
    pub amount: i64,
    /// What the sender paid, when more than `amount` (a guest's gift, the room owner's share apart).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub coins: i64,
    #[serde(default)]
    pub quantity: i64,
    #[serde(default)]
    pub gift_id: String,
    #[serde(default)]
    pub gift_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    /// Call minutes instead of a gift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallCredit>,
    /// A gift to a guest seated in `room_id` (who may earn without being a host).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guest: bool,
    /// The room owner's share of a gift to this guest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<String>,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Minutes of a call passed on to its host: `minutes` from `first_minute` on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallCredit {
    pub call_id: String,
    pub first_minute: i64,
    pub minutes: i64,
}

impl Credit {
    /// The host's ledger entry kind, and the payer's when refunded.
    fn kinds(&self) -> (&'static str, &'static str) {
        if self.call.is_some() {
            ("call_earning", "call_refund")
        } else if self.share_of.is_some() {
            ("room_share", "gift_refunded")
        } else {
            ("gift_received", "gift_refunded")
        }
    }
}

/// What a transaction records beside its ledger puts' counts.
#[derive(Default)]
pub(crate) struct Recording {
    pub credit: Option<Credit>,
    /// Day counters with no ledger entry behind them (a sign-up), at this time.
    pub day: Vec<(&'static str, i64)>,
    pub at: i64,
}

/// The most actions one aggregation transaction holds (DynamoDB allows 100).
const MAX_ACTIONS: usize = 96;
/// Hosts whose side one invocation applies at once.
const HOSTS_AT_ONCE: usize = 16;

/// Whether a stream record's sort key is an event's.
pub fn is_event_sk(sk: &str) -> bool {
    sk.starts_with(keys::EVENT_PREFIX)
}

impl Db {
    /// The event of a transaction's items, if it moves money or counts something.
    pub(crate) fn money_event(&self, items: &[TxItem], rec: Recording) -> Option<MoneyEvent> {
        let counted = ledger_puts_counts(items);
        if counted.is_none() && rec.credit.is_none() && rec.day.is_empty() {
            return None;
        }
        let (id, created_at, mut day, totals) =
            counted.unwrap_or_else(|| (ulid::Ulid::new().to_string(), rec.at, Counters::new(), Counters::new()));
        for (field, v) in rec.day {
            *day.entry(field.to_string()).or_default() += v;
        }
        let mut accounts: Vec<String> = Vec::new();
        for put in items.iter().filter_map(|t| t.item.put()) {
            let sk = put.item().get(crate::core::table::SK).and_then(|v| v.as_s().ok());
            let account = put.item().get("account_id").and_then(|v| v.as_s().ok());
            if let (Some(sk), Some(a)) = (sk, account)
                && sk.starts_with(keys::LEDGER_PREFIX)
                && !accounts.contains(a)
            {
                accounts.push(a.clone());
            }
        }
        Some(MoneyEvent {
            id,
            created_at,
            day,
            totals,
            credit: rec.credit,
            accounts,
            applied_at: None,
            outcome: None,
            ranked_at: None,
            counted_at: None,
        })
    }

    pub(crate) fn event_put(&self, e: &MoneyEvent) -> Result<TxItem> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        let (pk, sk) = e.key();
        item.extend(Self::key(pk, sk));
        item.insert("gsi1pk".into(), s(keys::pending_events(keys::shard_of(&e.id, keys::PENDING_SHARDS))));
        item.insert("gsi1sk".into(), s(keys::by_time(e.created_at, &e.id)));
        let window = keys::events_at(&keys::hour_of(e.created_at), keys::shard_of(&e.id, keys::WINDOW_SHARDS));
        item.insert("gsi2pk".into(), s(window));
        item.insert("gsi2sk".into(), s(&e.id));
        Ok(Action::put(self, item).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT))
    }

    /// An event by its id and, for a credit, its host.
    pub async fn get_event(&self, id: &str, host: Option<&str>) -> Result<Option<MoneyEvent>> {
        self.get_as(keys::event(id, host), &keys::event_sk(id)).await
    }

    /// Events not applied yet created at or before `upto` (ms), oldest first, up to `limit` per shard.
    pub async fn pending_events(&self, upto: i64, limit: usize) -> Result<Vec<MoneyEvent>> {
        Ok(self.pending_by_shard(upto, limit).await?.into_iter().flatten().collect())
    }

    /// `pending_events`, shard by shard.
    async fn pending_by_shard(&self, upto: i64, limit: usize) -> Result<Vec<Vec<MoneyEvent>>> {
        let shards = (0..keys::PENDING_SHARDS).map(|shard| {
            self.client
                .query()
                .table_name(&self.table)
                .index_name(crate::core::table::GSI1.name)
                .key_condition_expression("gsi1pk = :pk AND gsi1sk <= :upto")
                .expression_attribute_values(":pk", s(keys::pending_events(shard)))
                .expression_attribute_values(":upto", s(keys::by_time_upto(upto)))
                .limit(limit as i32)
                .send()
        });
        let mut out = Vec::new();
        for page in futures_util::future::try_join_all(shards).await? {
            let items = page.items.unwrap_or_default();
            out.push(items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?);
        }
        Ok(out)
    }

    /// Whether a gift sent into one of `rooms` at or before `upto` (ms) may
    /// still be unapplied: a pending one is found, or a shard has more
    /// pending events than one page shows. Unrelated pending events (a
    /// stuck one in another room) do not count.
    pub async fn gifts_pending_in(&self, rooms: &[&str], upto: i64) -> Result<bool> {
        const PAGE: usize = 100;
        let in_rooms =
            |e: &MoneyEvent| e.credit.as_ref().and_then(|c| c.room_id.as_deref()).is_some_and(|r| rooms.contains(&r));
        Ok(self
            .pending_by_shard(upto, PAGE)
            .await?
            .iter()
            .any(|shard| shard.len() >= PAGE || shard.iter().any(in_rooms)))
    }

    /// Every event written in `hour` (`keys::hour_of`), all shards, all pages.
    pub async fn events_in_window(&self, hour: &str) -> Result<Vec<MoneyEvent>> {
        let shards = (0..keys::WINDOW_SHARDS).map(|shard| async move {
            let mut out: Vec<MoneyEvent> = Vec::new();
            let mut start = None;
            loop {
                let page = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .index_name(crate::core::table::GSI2.name)
                    .key_condition_expression("gsi2pk = :pk")
                    .expression_attribute_values(":pk", s(keys::events_at(hour, shard)))
                    .set_exclusive_start_key(start)
                    .send()
                    .await?;
                for item in page.items.unwrap_or_default() {
                    out.push(serde_dynamo::from_item(item)?);
                }
                start = page.last_evaluated_key;
                if start.is_none() {
                    return Ok::<_, Error>(out);
                }
            }
        });
        Ok(futures_util::future::try_join_all(shards).await?.into_iter().flatten().collect())
    }

    /// Applies `events` exactly once each (see the module); answers how many
    /// this call finished (those finished before are skipped).
    pub async fn apply_events(&self, events: Vec<MoneyEvent>, now: i64) -> Result<usize> {
        let mut seen = BTreeSet::new();
        let events: Vec<MoneyEvent> =
            events.into_iter().filter(|e| e.counted_at.is_none() && seen.insert(e.id.clone())).collect();
        // Which gifts fall in a PK battle, by their rooms' windows and their own time.
        let pks = self.pk_matches(&events).await?;
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
                    outcomes.extend(self.credit_chunk(chunk, now, false, pks).await?);
                }
                Ok::<_, Error>(outcomes)
            });
            let mut applied = futures_util::stream::iter(hosts).buffer_unordered(HOSTS_AT_ONCE);
            while let Some(host) = applied.next().await {
                outcomes.extend(host?);
            }
        }
        // 2. The senders' side of credited gifts (room gifter entries, the
        // gifters board), per sender and day: senders share no item, so many at once.
        let mut senders: BTreeMap<String, BTreeMap<String, Vec<MoneyEvent>>> = BTreeMap::new();
        for e in &events {
            if let Some(c) = e.credit.as_ref().filter(|c| c.call.is_none())
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
                    self.rank_chunk(chunk, now, pks).await?;
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
    async fn marked(&self, chunk: &[MoneyEvent], attr: &str) -> Result<BTreeMap<String, String>> {
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

    /// One transaction for gifts (or call minutes) to one host on one day:
    /// answers each event's outcome. A host that can no longer earn has the
    /// chunk refunded instead (`refund`), in smaller transactions (two items
    /// per payer).
    async fn credit_chunk(
        &self,
        mut chunk: Vec<MoneyEvent>,
        now: i64,
        refund: bool,
        pks: &PkMatches,
    ) -> Result<BTreeMap<String, String>> {
        let mut outcomes = BTreeMap::new();
        let mut mode = BoardMode::Current;
        for _ in 0..8 {
            if chunk.is_empty() {
                return Ok(outcomes);
            }
            let items =
                if refund { self.refund_items(&chunk, now)? } else { self.credit_items(&chunk, &mode, now, pks)? };
            match self.transact_only(items).await {
                Ok(()) => {
                    let outcome = if refund { "refunded" } else { "credited" };
                    outcomes.extend(chunk.iter().map(|e| (e.id.clone(), outcome.to_string())));
                    return Ok(outcomes);
                }
                Err(Error::Condition("event_applied")) => {
                    let done = self.marked(&chunk, "applied_at").await?;
                    chunk.retain(|e| !done.contains_key(&e.id));
                    outcomes.extend(done);
                }
                Err(Error::Condition("host_unavailable")) => {
                    for part in chunked(chunk, refund_actions) {
                        outcomes.extend(Box::pin(self.credit_chunk(part, now, true, pks)).await?);
                    }
                    return Ok(outcomes);
                }
                Err(Error::Condition("hosts_board_rolled" | "board_changed")) => {
                    let at = chunk.iter().map(|e| e.created_at).max().unwrap_or(now);
                    if let Some(host) = chunk.iter().find_map(|e| e.credit.as_ref()).map(|c| c.host_id.clone()) {
                        mode = self.board_mode(BoardKind::Hosts, &host, at).await?;
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }

    /// One transaction for one sender's credited gifts of one day: marks
    /// (`ranked_at`), the sender's entry in each room's top gifters and on
    /// the gifters board.
    async fn rank_chunk(&self, mut chunk: Vec<MoneyEvent>, now: i64, pks: &PkMatches) -> Result<()> {
        let mut mode = BoardMode::Current;
        for _ in 0..8 {
            if chunk.is_empty() {
                return Ok(());
            }
            match self.transact_only(self.rank_items(&chunk, &mode, now, pks)).await {
                Ok(()) => return Ok(()),
                Err(Error::Condition("event_ranked")) => {
                    let done = self.marked(&chunk, "ranked_at").await?;
                    chunk.retain(|e| !done.contains_key(&e.id));
                }
                Err(Error::Condition("gifters_board_rolled" | "board_changed")) => {
                    let at = chunk.iter().map(|e| e.created_at).max().unwrap_or(now);
                    let sender = chunk.iter().find_map(|e| e.credit.as_ref()).map(|c| c.payer_id.clone());
                    mode = self.board_mode(BoardKind::Gifters, &sender.unwrap_or_default(), at).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Busy)
    }

    fn rank_items(&self, chunk: &[MoneyEvent], mode: &BoardMode, now: i64, pks: &PkMatches) -> Vec<TxItem> {
        let mut items: Vec<TxItem> = chunk
            .iter()
            .map(|e| {
                Action::update(self, e.key().0, &e.key().1, "SET ranked_at = :now")
                    .when("attribute_exists(pk) AND attribute_not_exists(ranked_at)")
                    .val(":now", n(now))
                    .because("event_ranked")
            })
            .collect();
        let credits: Vec<&Credit> = chunk.iter().filter_map(|e| e.credit.as_ref()).collect();
        let Some(sender) = credits.first().map(|c| c.payer_id.as_str()) else { return items };
        let mut by_room: BTreeMap<&str, i64> = BTreeMap::new();
        for c in &credits {
            if let Some(room) = c.room_id.as_deref() {
                *by_room.entry(room).or_default() += c.amount;
            }
        }
        for (room, coins) in by_room {
            // Its coins double as the top-gifters sort key, kept equal in one update.
            items.push(
                Action::update(
                    self,
                    keys::room_gifter(room, sender),
                    keys::GIFTER,
                    "SET sender_id = :sender, gsi3pk = :gifters, coins = if_not_exists(coins, :zero) + :t, \
                     gsi3sk = if_not_exists(coins, :zero) + :t",
                )
                .val(":sender", s(sender))
                .val(":gifters", s(keys::room_gifters(room, keys::shard_of(sender, keys::ROOM_GIFTER_SHARDS))))
                .val(":zero", n(0))
                .val(":t", n(coins))
                .because("room_missing"),
            );
        }
        // The sender's coins on each PK side its gifts fell in.
        let mut by_side: BTreeMap<&(String, String), i64> = BTreeMap::new();
        for e in chunk {
            if let (Some(side), Some(c)) = (pks.get(&e.id), &e.credit) {
                *by_side.entry(side).or_default() += c.amount;
            }
        }
        for ((pk, side), coins) in by_side {
            items.push(
                Action::update(
                    self,
                    keys::pk_gifter(pk, side, sender),
                    keys::GIFTER,
                    "SET sender_id = :sender, gsi3pk = :gifters, coins = if_not_exists(coins, :zero) + :t, \
                     gsi3sk = if_not_exists(coins, :zero) + :t",
                )
                .val(":sender", s(sender))
                .val(":gifters", s(keys::pk_gifters(pk, side, keys::shard_of(sender, keys::PK_GIFTER_SHARDS))))
                .val(":zero", n(0))
                .val(":t", n(coins))
                .because("room_missing"),
            );
        }
        let at = chunk.iter().map(|e| e.created_at).max().unwrap_or(now);
        let total: i64 = credits.iter().map(|c| c.amount).sum();
        items.push(self.board_add(BoardKind::Gifters, sender, total, at, mode));
        items
    }

    /// One transaction counting events of one day; answers how many it counted.
    async fn count_chunk(
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
                        .val(":now", n(now))
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

    fn mark_applied(&self, e: &MoneyEvent, outcome: &str, now: i64) -> TxItem {
        Action::update(self, e.key().0, &e.key().1, "SET applied_at = :now, outcome = :outcome")
            .when("attribute_exists(pk) AND attribute_not_exists(applied_at)")
            .val(":now", n(now))
            .val(":outcome", s(outcome))
            .because("event_applied")
    }

    /// The platform counters of `chunk`, on the chunk's lane: each event's
    /// own counts and, for a credited gift, the host's earnings; a refunded
    /// gift counts nothing (its coins went back).
    fn count_items(&self, chunk: &[MoneyEvent], outcomes: &BTreeMap<String, String>) -> Result<Vec<TxItem>> {
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

    /// Applying a chunk of gifts to one host: marks and the host's side.
    fn credit_items(&self, chunk: &[MoneyEvent], mode: &BoardMode, now: i64, pks: &PkMatches) -> Result<Vec<TxItem>> {
        let mut items: Vec<TxItem> = chunk.iter().map(|e| self.mark_applied(e, "credited", now)).collect();
        let credits: Vec<&Credit> = chunk.iter().filter_map(|e| e.credit.as_ref()).collect();
        let Some(first) = credits.first() else { return Ok(items) };
        if first.call.is_some() {
            items.extend(self.call_credit_items(&credits, chunk, now)?);
            return Ok(items);
        }
        let host = first.host_id.as_str();
        let at = chunk.iter().map(|e| e.created_at).max().unwrap_or(now);
        let total: i64 = credits.iter().map(|c| c.amount).sum();
        let quantity: i64 = credits.iter().map(|c| c.quantity).sum();
        let senders: BTreeSet<&str> = credits.iter().map(|c| c.payer_id.as_str()).collect();
        let gifts: BTreeSet<&str> = credits.iter().map(|c| c.gift_id.as_str()).collect();
        let rooms: BTreeSet<&str> = credits.iter().filter_map(|c| c.room_id.as_deref()).collect();
        let one = |set: &BTreeSet<&str>| (set.len() == 1).then(|| set.iter().next().expect("one").to_string());
        let entry = LedgerEntry {
            counterparty_id: one(&senders),
            gift_id: one(&gifts),
            gift_name: one(&gifts).map(|_| first.gift_name.clone()),
            quantity: Some(quantity),
            room_id: one(&rooms),
            events: chunk.iter().map(|e| e.id.clone()).collect(),
            ..LedgerEntry::new(host, first.kinds().0, Balance::Earnings, total, None, now)
        };
        // A room owner's share is no gift of its own: no notification, no count.
        let share = first.share_of.is_some();
        let note = (!share).then(|| gifts_notification(host, &credits, now));
        let mut counters = vec![(host, "gifts_received", quantity), (host, "unread_notifications", i64::from(!share))];
        counters.retain(|c| c.2 != 0);
        let change =
            if first.guest { WalletChange::add(entry.clone()).to_guest() } else { WalletChange::add(entry.clone()) };
        let mut host_items = self.wallet_items_counting(&[change], &[host], &counters)?;
        // Only a host that may still earn (not banned, still a host) is
        // credited; else the chunk is refunded.
        host_items[0].reason = "host_unavailable";
        items.extend(host_items);
        if let Some(note) = note {
            items.push(self.notification_put(&note)?);
        }
        for room in &rooms {
            let in_room: Vec<&&Credit> = credits.iter().filter(|c| c.room_id.as_deref() == Some(room)).collect();
            let sum: i64 = in_room.iter().map(|c| c.amount).sum();
            items.push(
                Action::update(self, keys::room(room), keys::ROOM_TOTAL, "ADD host_earning :t")
                    .val(":t", n(sum))
                    .because("room_missing"),
            );
            // What the room's channel announces, written once with the credit (a share is no gift of its own).
            if !share {
                let in_room =
                    chunk.iter().filter(|e| e.credit.as_ref().and_then(|c| c.room_id.as_deref()) == Some(room));
                items.push(self.gift_batch_put(&gift_batch_of(room, in_room, now))?);
            }
        }
        // Each PK side the gifts fell in: its score (the battle's own partition).
        let mut by_side: BTreeMap<&(String, String), i64> = BTreeMap::new();
        for e in chunk {
            if let (Some(side), Some(c)) = (pks.get(&e.id), &e.credit) {
                *by_side.entry(side).or_default() += c.amount;
            }
        }
        for ((pk, side), coins) in by_side {
            items.push(
                Action::update(self, keys::pk(pk), &keys::pk_side(side), "ADD score :t")
                    .val(":t", n(coins))
                    .because("room_missing"),
            );
        }
        // The host's board entry; the senders' side comes after (`rank_chunk`).
        items.push(self.board_add(BoardKind::Hosts, host, total, at, mode));
        Ok(items)
    }

    /// Call minutes to one host: earnings with one `call_earning` entry naming
    /// the events, the host's and the day's `call_minutes`.
    fn call_credit_items(&self, credits: &[&Credit], chunk: &[MoneyEvent], now: i64) -> Result<Vec<TxItem>> {
        let host = credits[0].host_id.as_str();
        let calls: Vec<&CallCredit> = credits.iter().filter_map(|c| c.call.as_ref()).collect();
        let minutes: i64 = calls.iter().map(|c| c.minutes).sum();
        let call_ids: BTreeSet<&str> = calls.iter().map(|c| c.call_id.as_str()).collect();
        let payers: BTreeSet<&str> = credits.iter().map(|c| c.payer_id.as_str()).collect();
        let one = |set: &BTreeSet<&str>| (set.len() == 1).then(|| set.iter().next().expect("one").to_string());
        let entry = LedgerEntry {
            counterparty_id: one(&payers),
            call_id: one(&call_ids),
            minute: one(&call_ids).and_then(|_| calls.iter().map(|c| c.first_minute).min()),
            quantity: Some(minutes),
            events: chunk.iter().map(|e| e.id.clone()).collect(),
            ..LedgerEntry::new(
                host,
                "call_earning",
                Balance::Earnings,
                credits.iter().map(|c| c.amount).sum(),
                None,
                now,
            )
        };
        let mut items =
            self.wallet_items_counting(&[WalletChange::add(entry)], &[host], &[(host, "call_minutes", minutes)])?;
        items[0].reason = "host_unavailable";
        Ok(items)
    }

    /// Refunding a chunk whose host can no longer earn: each payer's coins
    /// back with one ledger entry per payer; nothing is counted.
    fn refund_items(&self, chunk: &[MoneyEvent], now: i64) -> Result<Vec<TxItem>> {
        let mut items: Vec<TxItem> = chunk.iter().map(|e| self.mark_applied(e, "refunded", now)).collect();
        #[derive(Default)]
        struct Back<'a> {
            coins: i64,
            events: Vec<String>,
            calls: BTreeSet<&'a str>,
            minutes: i64,
        }
        let mut by_payer: BTreeMap<&str, Back> = BTreeMap::new();
        for e in chunk {
            if let Some(c) = &e.credit {
                let slot = by_payer.entry(c.payer_id.as_str()).or_default();
                slot.coins += c.amount;
                slot.events.push(e.id.clone());
                if let Some(call) = &c.call {
                    slot.calls.insert(call.call_id.as_str());
                    slot.minutes += call.minutes;
                }
            }
        }
        let first = chunk.iter().find_map(|e| e.credit.as_ref());
        let host = first.map(|c| c.host_id.clone());
        let kind = first.map_or("gift_refunded", |c| c.kinds().1);
        for (payer, Back { coins: amount, events, calls, minutes }) in by_payer {
            let entry = LedgerEntry {
                counterparty_id: host.clone(),
                reason: Some("host_unavailable".into()),
                call_id: (calls.len() == 1).then(|| calls.iter().next().expect("one").to_string()),
                quantity: (minutes > 0).then_some(minutes),
                events,
                ..LedgerEntry::new(payer, kind, Balance::Coins, amount, None, now)
            };
            items.extend(self.wallet_items(&[WalletChange::add(entry)], &[])?);
        }
        Ok(items)
    }
}

/// The batch of `events` (gifts credited in `room`) for the room's channel.
fn gift_batch_of<'a>(
    room: &str,
    events: impl Iterator<Item = &'a MoneyEvent>,
    now: i64,
) -> crate::gift_batches::GiftBatch {
    let gifts = events
        .filter_map(|e| {
            let c = e.credit.as_ref()?;
            Some(crate::gift_batches::RoomGift {
                event_id: e.id.clone(),
                sender_id: c.payer_id.clone(),
                sender_name: c.payer_name.clone(),
                gift_id: c.gift_id.clone(),
                gift_name: c.gift_name.clone(),
                quantity: c.quantity,
                coins: c.coins.max(c.amount),
                to_id: c.host_id.clone(),
                at: e.created_at,
            })
        })
        .collect::<Vec<_>>();
    // Named by its first event: the same events credited again would name the same batch.
    let id = gifts.first().map_or_else(|| ulid::Ulid::new().to_string(), |g| g.event_id.clone());
    crate::gift_batches::GiftBatch { id, room_id: room.to_string(), gifts, created_at: now }
}

/// Gift events that fell in a PK battle: event id → (battle, side's host).
type PkMatches = BTreeMap<String, (String, String)>;

impl Db {
    /// Which of `events` (gifts sent in a room) fell in a battle of that room:
    /// the room's windows are read once per room, and an event counts when
    /// its own time is within one (the boundaries included).
    async fn pk_matches(&self, events: &[MoneyEvent]) -> Result<PkMatches> {
        let mut latest: BTreeMap<String, i64> = BTreeMap::new();
        for e in events {
            if let Some(room) = e.credit.as_ref().filter(|c| c.call.is_none()).and_then(|c| c.room_id.clone()) {
                let t = latest.entry(room).or_default();
                *t = (*t).max(e.created_at);
            }
        }
        let mut windows: BTreeMap<String, Vec<crate::pk::PkWindow>> = BTreeMap::new();
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
            let Some(room) = e.credit.as_ref().filter(|c| c.call.is_none()).and_then(|c| c.room_id.as_deref()) else {
                continue;
            };
            let found = windows
                .get(room)
                .and_then(|ws| ws.iter().find(|w| w.started_at <= e.created_at && e.created_at <= w.ends_at));
            if let Some(w) = found {
                out.insert(e.id.clone(), (w.pk_id.clone(), w.host_id.clone()));
            }
        }
        Ok(out)
    }
}

/// `events` cut into chunks of at most `MAX_ACTIONS` actions as `actions` counts them.
fn chunked(events: Vec<MoneyEvent>, actions: impl Fn(&[MoneyEvent]) -> usize) -> Vec<Vec<MoneyEvent>> {
    let mut out: Vec<Vec<MoneyEvent>> = vec![Vec::new()];
    for e in events {
        let last = out.last_mut().expect("one");
        last.push(e);
        if last.len() > 1 && actions(last) > MAX_ACTIONS {
            let e = last.pop().expect("just pushed");
            out.push(vec![e]);
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// How many actions crediting `chunk` to its host takes: marks, the host's
/// profile, ledger entry, day item and notification, each room's total (and
/// its PK side's score), the host's board entry.
fn credit_actions(chunk: &[MoneyEvent]) -> usize {
    let rooms: BTreeSet<Option<&str>> =
        chunk.iter().filter_map(|e| e.credit.as_ref()).map(|c| c.room_id.as_deref()).collect();
    chunk.len() + 4 + 3 * rooms.len() + 1
}

/// How many actions refunding `chunk` takes: marks, each payer's profile and ledger entry.
fn refund_actions(chunk: &[MoneyEvent]) -> usize {
    let payers: BTreeSet<&str> = chunk.iter().filter_map(|e| e.credit.as_ref()).map(|c| c.payer_id.as_str()).collect();
    chunk.len() + 2 * payers.len()
}

/// How many actions one sender's `chunk` takes in `rank_chunk`: marks, each
/// room's gifter entry (and its PK side's), the gifters board entry.
fn rank_actions(chunk: &[MoneyEvent]) -> usize {
    let rooms: BTreeSet<&str> =
        chunk.iter().filter_map(|e| e.credit.as_ref()).filter_map(|c| c.room_id.as_deref()).collect();
    chunk.len() + 2 * rooms.len() + 1
}

/// The host's notification of a chunk's gifts: the gift itself when one,
/// else a summary ("12 gifts from 8 fans").
fn gifts_notification(host: &str, credits: &[&Credit], now: i64) -> Notification {
    let coins: i64 = credits.iter().map(|c| c.amount).sum();
    let (body, data) = match credits {
        [c] => (
            format!("{} sent you {} × {} ({coins} coins)", c.payer_name, c.quantity, c.gift_name),
            [
                ("gift_id", c.gift_id.clone()),
                ("sender_id", c.payer_id.clone()),
                ("quantity", c.quantity.to_string()),
                ("coins", coins.to_string()),
            ]
            .to_vec(),
        ),
        _ => {
            let gifts: i64 = credits.iter().map(|c| c.quantity).sum();
            let fans = credits.iter().map(|c| c.payer_id.as_str()).collect::<BTreeSet<_>>().len();
            let fans_word = if fans == 1 { "fan" } else { "fans" };
            (
                format!("{gifts} gifts from {fans} {fans_word} ({coins} coins)"),
                [("gifts", gifts.to_string()), ("senders", fans.to_string()), ("coins", coins.to_string())].to_vec(),
            )
        }
    };
    Notification {
        id: crate::wallet::entry_id(now),
        account_id: host.to_string(),
        kind: "gift".into(),
        title: "New gift".into(),
        body,
        data: data.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        read: false,
        created_at: now,
    }
}

impl Db {
    /// The payer-side transaction of a money movement with its event (see the module).
    pub(crate) async fn transact_recording(&self, mut items: Vec<TxItem>, rec: Recording) -> Result<()> {
        if let Some(e) = self.money_event(&items, rec) {
            items.push(self.event_put(&e)?);
        }
        self.transact_only(items).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gift(id: &str, payer: &str, room: Option<&str>) -> MoneyEvent {
        MoneyEvent {
            id: id.into(),
            created_at: 0,
            day: Counters::new(),
            totals: Counters::new(),
            credit: Some(Credit {
                host_id: "h".into(),
                payer_id: payer.into(),
                payer_name: payer.into(),
                amount: 10,
                quantity: 1,
                gift_id: "g".into(),
                gift_name: "Rose".into(),
                room_id: room.map(str::to_string),
                ..Default::default()
            }),
            accounts: Vec::new(),
            applied_at: None,
            outcome: None,
            ranked_at: None,
            counted_at: None,
        }
    }

    #[test]
    fn a_chunk_counts_its_actions_per_pass() {
        let two = [gift("1", "a", Some("r")), gift("2", "b", Some("r"))];
        // 2 marks + 4 host + 1 room total + 1 PK side + 1 gift batch + 1 host board: the senders' side is apart.
        assert_eq!(credit_actions(&two), 10);
        // 2 marks + 2 × (profile, ledger entry).
        assert_eq!(refund_actions(&two), 6);
        // One sender: 2 marks + 1 room gifter entry + 1 PK side entry + 1 board entry.
        assert_eq!(rank_actions(&[gift("1", "a", Some("r")), gift("2", "a", Some("r"))]), 5);
        // A crowd of distinct senders still fills a host's transaction.
        let many: Vec<MoneyEvent> = (0..100).map(|i| gift(&i.to_string(), &format!("s{i}"), Some("r"))).collect();
        let chunks = chunked(many.clone(), credit_actions);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), vec![88, 12]);
        // Refunding them takes smaller transactions.
        assert_eq!(chunked(many, refund_actions).iter().map(Vec::len).max(), Some(32));
    }

    #[test]
    fn one_gift_is_named_and_many_are_summed_up() {
        let a = gift("1", "Ann", None);
        let b = gift("2", "Bob", None);
        let one = gifts_notification("h", &[a.credit.as_ref().unwrap()], 1);
        assert_eq!(one.body, "Ann sent you 1 × Rose (10 coins)");
        let two = gifts_notification("h", &[a.credit.as_ref().unwrap(), b.credit.as_ref().unwrap()], 1);
        assert_eq!(two.body, "2 gifts from 2 fans (20 coins)");
    }
}
