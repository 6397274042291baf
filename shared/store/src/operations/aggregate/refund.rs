//! Pass 1 when the host can no longer earn (banned, no longer a host): each payer's coins back.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::db::{Db, TxItem};
use crate::core::error::Result;
use crate::wallet::balance::{Balance, LedgerEntry, WalletChange};
use crate::wallet::events::*;

impl Db {
    /// Refunding a chunk whose host can no longer earn: each payer's coins
    /// back with one ledger entry per payer; nothing is counted.
    pub(super) fn refund_items(&self, chunk: &[MoneyEvent], now: i64) -> Result<Vec<TxItem>> {
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
                // A bonus gift gives back the bonus coins it took, whatever the host's pay.
                slot.coins += if c.bonus { c.coins } else { c.amount };
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
        let balance = if first.is_some_and(|c| c.bonus) { Balance::Bonus } else { Balance::Coins };
        for (payer, Back { coins: amount, events, calls, minutes }) in by_payer {
            let entry = LedgerEntry {
                counterparty_id: host.clone(),
                reason: Some("host_unavailable".into()),
                call_id: (calls.len() == 1).then(|| calls.iter().next().expect("one").to_string()),
                quantity: (minutes > 0).then_some(minutes),
                events,
                ..LedgerEntry::new(payer, kind, balance, amount, None, now)
            };
            items.extend(self.wallet_items(&[WalletChange::add(entry)], &[])?);
        }
        Ok(items)
    }
}
