//! Money events: the payer's recorder. Every transaction that writes ledger
//! entries also writes one immutable event (`keys::event`, id = its first
//! ledger entry's): the dashboard counts its entries add and, for a gift, the
//! host's side (`Credit`). The request's transaction thus touches only the
//! payer's items; `operations::aggregate` applies the payee's side.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::wallet::counts::{Counters, ledger_puts_counts};

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
            id: crate::wallet::balance::entry_id(created_at),
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
    /// A gift bought with bonus coins: `coins` is what the sender paid (in
    /// bonus coins), `amount` the host's promotional pay; no board, PK or XP.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bonus: bool,
    /// The sender's wealth level when sending (the room's gift message shows it).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub payer_wealth_level: i64,
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
    pub(crate) fn kinds(&self) -> (&'static str, &'static str) {
        if self.call.is_some() {
            ("call_earning", "call_refund")
        } else if self.bonus {
            ("bonus_gift_received", "bonus_gift_refunded")
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
        item.insert("gsi1pk".into(), str_av(keys::pending_events(keys::shard_of(&e.id, keys::PENDING_SHARDS))));
        item.insert("gsi1sk".into(), str_av(keys::by_time(e.created_at, &e.id)));
        let window = keys::events_at(&keys::hour_of(e.created_at), keys::shard_of(&e.id, keys::WINDOW_SHARDS));
        item.insert("gsi2pk".into(), str_av(window));
        item.insert("gsi2sk".into(), str_av(&e.id));
        Ok(Action::put(self, item).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT))
    }

    /// The payer-side transaction of a money movement with its event (see the module).
    pub(crate) async fn transact_recording(&self, mut items: Vec<TxItem>, rec: Recording) -> Result<()> {
        if let Some(e) = self.money_event(&items, rec) {
            items.push(self.event_put(&e)?);
        }
        self.transact_only(items).await
    }
}
