//! The aggregator: the payee's side of money events (`wallet::events`).
//!
//! The aggregator (the
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
mod count;
mod credit;
mod rank;
mod read;
mod refund;

use std::collections::BTreeSet;

use crate::notifications::notification::Notification;
use crate::rooms::pk::PkWindow;
use crate::wallet::events::{Credit, MoneyEvent};

/// The payee side's decisions, which the app's domains make
/// (`app::operations::aggregate`); this crate builds the items and the
/// transactions they decide.
pub trait PayeeRules: Sync {
    /// The host's notification of the gifts one transaction credits them.
    fn gifts_notification(&self, host: &str, credits: &[&Credit], now: i64) -> Notification;
    /// The battle a gift sent in its room at `at` scores for, among the room's battle windows.
    fn battle_of<'w>(&self, at: i64, windows: &'w [PkWindow]) -> Option<&'w PkWindow>;
    /// The task progress periods an event at `at` counts in (`rewards::tasks`):
    /// only those some active task reads.
    fn task_periods(&self, at: i64) -> crate::core::keys::Periods;
    /// Whether an active task counts `kind` (else its progress is not written).
    fn counts_for_tasks(&self, kind: &str) -> bool;
}

/// The most actions one aggregation transaction holds (DynamoDB allows 100).
const MAX_ACTIONS: usize = 96;
/// Hosts whose side one invocation applies at once.
const HOSTS_AT_ONCE: usize = 16;

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
/// room's gifter entry (and its PK side's), the gifters board entry, the
/// task progress of two economy days' periods at most.
fn rank_actions(chunk: &[MoneyEvent]) -> usize {
    let rooms: BTreeSet<&str> =
        chunk.iter().filter_map(|e| e.credit.as_ref()).filter_map(|c| c.room_id.as_deref()).collect();
    chunk.len() + 2 * rooms.len() + 1 + 6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::counts::Counters;
    use crate::wallet::events::Credit;

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
        // One sender: 2 marks + 1 room gifter entry + 1 PK side entry + 1 board entry + 6 task periods.
        assert_eq!(rank_actions(&[gift("1", "a", Some("r")), gift("2", "a", Some("r"))]), 11);
        // A crowd of distinct senders still fills a host's transaction.
        let many: Vec<MoneyEvent> = (0..100).map(|i| gift(&i.to_string(), &format!("s{i}"), Some("r"))).collect();
        let chunks = chunked(many.clone(), credit_actions);
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), vec![88, 12]);
        // Refunding them takes smaller transactions.
        assert_eq!(chunked(many, refund_actions).iter().map(Vec::len).max(), Some(32));
    }
}
