//! Pass 2: the senders' side of credited gifts (room gifters, the gifters board).

use std::collections::BTreeMap;

use super::apply::PkMatches;
use crate::core::db::{Action, Db, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::gifts::boards::{BoardKind, BoardMode};
use crate::wallet::events::*;

impl Db {
    /// One transaction for one sender's credited gifts of one day: marks
    /// (`ranked_at`), the sender's entry in each room's top gifters and on
    /// the gifters board.
    pub(super) async fn rank_chunk(
        &self,
        mut chunk: Vec<MoneyEvent>,
        now: i64,
        pks: &PkMatches,
        rules: &dyn super::PayeeRules,
    ) -> Result<()> {
        let mut mode = BoardMode::Current;
        for _ in 0..8 {
            if chunk.is_empty() {
                return Ok(());
            }
            match self.transact_only(self.rank_items(&chunk, &mode, now, pks, rules)).await {
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

    pub(super) fn rank_items(
        &self,
        chunk: &[MoneyEvent],
        mode: &BoardMode,
        now: i64,
        pks: &PkMatches,
        rules: &dyn super::PayeeRules,
    ) -> Vec<TxItem> {
        let mut items: Vec<TxItem> = chunk
            .iter()
            .map(|e| {
                Action::update(self, e.key().0, &e.key().1, "SET ranked_at = :now")
                    .when("attribute_exists(pk) AND attribute_not_exists(ranked_at)")
                    .val(":now", num_av(now))
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
                .val(":sender", str_av(sender))
                .val(":gifters", str_av(keys::room_gifters(room, keys::shard_of(sender, keys::ROOM_GIFTER_SHARDS))))
                .val(":zero", num_av(0))
                .val(":t", num_av(coins))
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
                .val(":sender", str_av(sender))
                .val(":gifters", str_av(keys::pk_gifters(pk, side, keys::shard_of(sender, keys::PK_GIFTER_SHARDS))))
                .val(":zero", num_av(0))
                .val(":t", num_av(coins))
                .because("room_missing"),
            );
        }
        let at = chunk.iter().map(|e| e.created_at).max().unwrap_or(now);
        // The sender's task progress, by the periods each event falls in.
        let mut by_periods: BTreeMap<Vec<String>, [i64; 3]> = BTreeMap::new();
        for e in chunk {
            let Some(c) = &e.credit else { continue };
            let slot = by_periods.entry(rules.task_periods(e.created_at).0).or_default();
            match &c.call {
                Some(call) => {
                    slot[1] += c.amount;
                    slot[2] += call.minutes;
                }
                // A guest's gift is two events (the guest's part, the owner's share): their amounts add up to the gift.
                None => {
                    slot[0] += c.quantity;
                    slot[1] += c.amount;
                }
            }
        }
        for (periods, [gifts, coins, minutes]) in by_periods {
            let counts: Vec<(&str, i64)> = [("send_gifts", gifts), ("spend_coins", coins), ("call_minutes", minutes)]
                .into_iter()
                .filter(|(kind, _)| rules.counts_for_tasks(kind))
                .collect();
            items.extend(self.task_progress_items(sender, &crate::core::keys::Periods(periods), &counts, now));
        }
        // Call minutes are no gifts: on no board.
        let total: i64 = credits.iter().filter(|c| c.call.is_none()).map(|c| c.amount).sum();
        if total > 0 {
            items.push(self.board_add(BoardKind::Gifters, sender, total, at, mode));
        }
        items
    }
}
