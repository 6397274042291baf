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

mod apply;
mod credit;
mod rank;
mod read;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::core::db::{Db, TxItem};
use crate::core::error::Result;
use crate::core::keys;
use crate::stats::Counters;
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
    use super::credit::gifts_notification;
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
