//! Pass 1, the host's side: crediting a host's chunk, with the room's gift batch and the host's notification (a chunk whose host can no longer earn goes to `refund`).

use std::collections::{BTreeMap, BTreeSet};

use super::apply::PkMatches;
use super::{PayeeRules, chunked, refund_actions};
use crate::core::db::{Action, Db, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::gifts::boards::{BoardKind, BoardMode};
use crate::wallet::balance::{Balance, LedgerEntry, WalletChange};
use crate::wallet::events::*;

impl Db {
    /// One transaction for gifts (or call minutes) to one host on one day:
    /// answers each event's outcome. A host that can no longer earn has the
    /// chunk refunded instead (`refund`), in smaller transactions (two items
    /// per payer).
    pub(super) async fn credit_chunk(
        &self,
        mut chunk: Vec<MoneyEvent>,
        now: i64,
        refund: bool,
        pks: &PkMatches,
        rules: &dyn PayeeRules,
    ) -> Result<BTreeMap<String, String>> {
        let mut outcomes = BTreeMap::new();
        let mut mode = BoardMode::Current;
        for _ in 0..8 {
            if chunk.is_empty() {
                return Ok(outcomes);
            }
            let items = if refund {
                self.refund_items(&chunk, now)?
            } else {
                self.credit_items(&chunk, &mode, now, pks, rules)?
            };
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
                        outcomes.extend(Box::pin(self.credit_chunk(part, now, true, pks, rules)).await?);
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

    pub(super) fn mark_applied(&self, e: &MoneyEvent, outcome: &str, now: i64) -> TxItem {
        Action::update(self, e.key().0, &e.key().1, "SET applied_at = :now, outcome = :outcome")
            .when("attribute_exists(pk) AND attribute_not_exists(applied_at)")
            .val(":now", num_av(now))
            .val(":outcome", str_av(outcome))
            .because("event_applied")
    }

    /// Applying a chunk of gifts to one host: marks and the host's side.
    pub(super) fn credit_items(
        &self,
        chunk: &[MoneyEvent],
        mode: &BoardMode,
        now: i64,
        pks: &PkMatches,
        rules: &dyn PayeeRules,
    ) -> Result<Vec<TxItem>> {
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
        let note = (!share).then(|| rules.gifts_notification(host, &credits, now));
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
                    .val(":t", num_av(sum))
                    .because("room_missing"),
            );
            // What the room's channel announces, written once with the credit (a share is no gift of its own).
            if !share {
                let in_room =
                    chunk.iter().filter(|e| e.credit.as_ref().and_then(|c| c.room_id.as_deref()) == Some(room));
                items.push(self.gift_batch_put(&gift_batch_of(room, in_room, now))?);
            }
        }
        // A bonus gift scores nowhere: no PK side, no board.
        if first.bonus {
            return Ok(items);
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
                Action::update(self, keys::battle(pk), &keys::pk_side(side), "ADD score :t")
                    .val(":t", num_av(coins))
                    .because("room_missing"),
            );
        }
        // The host's board entry; the senders' side comes after (`rank_chunk`).
        items.push(self.board_add(BoardKind::Hosts, host, total, at, mode));
        Ok(items)
    }

    /// Call minutes to one host: earnings with one `call_earning` entry naming
    /// the events, the host's and the day's `call_minutes`.
    pub(super) fn call_credit_items(&self, credits: &[&Credit], chunk: &[MoneyEvent], now: i64) -> Result<Vec<TxItem>> {
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
}

/// The batch of `events` (gifts credited in `room`) for the room's channel.
pub(super) fn gift_batch_of<'a>(
    room: &str,
    events: impl Iterator<Item = &'a MoneyEvent>,
    now: i64,
) -> crate::gifts::batches::GiftBatch {
    let gifts = events
        .filter_map(|e| {
            let c = e.credit.as_ref()?;
            Some(crate::gifts::batches::RoomGift {
                event_id: e.id.clone(),
                sender_id: c.payer_id.clone(),
                sender_name: c.payer_name.clone(),
                gift_id: c.gift_id.clone(),
                gift_name: c.gift_name.clone(),
                quantity: c.quantity,
                coins: c.coins.max(c.amount),
                to_id: c.host_id.clone(),
                at: e.created_at,
                sender_wealth_level: c.payer_wealth_level,
            })
        })
        .collect::<Vec<_>>();
    // Named by its first event: the same events credited again would name the same batch.
    let id = gifts.first().map_or_else(|| ulid::Ulid::new().to_string(), |g| g.event_id.clone());
    crate::gifts::batches::GiftBatch { id, room_id: room.to_string(), gifts, created_at: now }
}
