//! Paid video calls: the call item and every state change as one transaction
//! with its condition, the parties' markers (ringing, busy) and the money.
//!
//! ringing → cancelled | declined | missed | active;  active → ended.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::accounts::account::Account;
use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2, PK};
use crate::wallet::balance::{IdempotentReply, WalletChange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallState {
    Ringing,
    Cancelled,
    Declined,
    Missed,
    Active,
    Ended,
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Ringing => "ringing",
            CallState::Cancelled => "cancelled",
            CallState::Declined => "declined",
            CallState::Missed => "missed",
            CallState::Active => "active",
            CallState::Ended => "ended",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Call {
    pub id: String,
    pub caller_id: String,
    pub host_id: String,
    pub state: CallState,
    pub price_per_minute: i64,
    /// Minutes charged to the caller so far (prepaid: the current minute included).
    #[serde(default)]
    pub paid_minutes: i64,
    /// Minutes passed on to the host's earnings: started, past the connection
    /// grace. The rest of the paid minutes are held on the call (escrow) until
    /// they start (then earned) or the call ends first (then refunded): a
    /// settlement never takes a minute that may still go back.
    #[serde(default)]
    pub earned_minutes: i64,
    /// Minutes paid and given back when the call ended (never started, or
    /// within the connection grace): the caller's `call_refund`.
    #[serde(default)]
    pub refunded_minutes: i64,
    /// `accepted_at + paid_minutes × 60 s`: when the next minute is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_until: Option<i64>,
    pub channel: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// Last heartbeats of each party (accept counts as one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_seen_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_seen_at: Option<i64>,
    /// When each party joined the Agora channel, and when both had (from
    /// Agora's notifications; absent where they are not configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_joined_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_joined_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connected_at: Option<i64>,
    /// Why it ended: cancelled, replaced, declined, accepted_elsewhere, missed,
    /// ended_by_caller, ended_by_host, insufficient_coins, dropped, banned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
}

impl Call {
    /// Coins charged so far.
    pub fn total_coins(&self) -> i64 {
        self.paid_minutes * self.price_per_minute
    }

    /// Coins paid by the caller and not yet the host's: held on the call.
    pub fn held_coins(&self) -> i64 {
        (self.paid_minutes - self.earned_minutes) * self.price_per_minute
    }
}

/// Who sees a call in the tick's indexes.
fn index_value(partition: &str, ms: i64, id: &str) -> (AttributeValue, AttributeValue) {
    (str_av(partition), str_av(keys::by_time(ms, id)))
}

fn call_key_update(db: &Db, call_id: &str, expression: &str) -> Action {
    Action::update(db, keys::call(call_id), keys::CALL, expression).name("#state", "state")
}

/// What creating a call read and decided.
pub struct NewCall<'a> {
    pub call: &'a Call,
    /// The caller's ringing request this one replaces (cancels), as read.
    pub replaces: Option<&'a Call>,
    pub idempotency: Option<(&'a str, &'a str, &'a IdempotentReply)>,
}

impl Db {
    fn call_item(&self, c: &Call) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(c)?;
        item.extend(Self::key(keys::call(&c.id), keys::CALL));
        Ok(item)
    }

    /// Ends a ringing call (`call_not_ringing` if it is not) and clears its markers.
    fn finish_ringing_items(&self, c: &Call, state: CallState, reason: &str, now: i64) -> Vec<TxItem> {
        vec![
            call_key_update(
                self,
                &c.id,
                "SET #state = :new, ended_at = :now, end_reason = :reason REMOVE gsi1pk, gsi1sk",
            )
            .when("#state = :ringing")
            .val(":new", str_av(state.as_str()))
            .val(":ringing", str_av(CallState::Ringing.as_str()))
            .val(":now", num_av(now))
            .val(":reason", str_av(reason))
            .because("call_not_ringing"),
            Action::delete(self, keys::account(&c.caller_id), keys::RINGING)
                .when("attribute_not_exists(pk) OR call_id = :call")
                .val(":call", str_av(&c.id))
                .because("call_not_ringing"),
            Action::delete(self, keys::account(&c.host_id), &keys::incoming(&c.id)).because("call_not_ringing"),
        ]
    }

    /// Creates a ringing call. Conditions: the caller's ringing marker is as
    /// read (`balance_changed`: re-read), neither party busy (`caller_busy`,
    /// `host_busy`), the host still an online host at this price and the caller
    /// able to pay a minute (`balance_changed`: re-read and decide), the
    /// replaced request still ringing (`balance_changed`), the caller not
    /// blocked by the host (`blocked`).
    pub async fn create_call(&self, nc: NewCall<'_>) -> Result<()> {
        let c = nc.call;
        let mut item = self.call_item(c)?;
        let (gpk, gsk) =
            index_value(&keys::ringing_calls(keys::shard_of(&c.id, keys::CALL_SHARDS)), c.created_at, &c.id);
        item.insert(GSI1.pk.into(), gpk);
        item.insert(GSI1.sk.into(), gsk);
        item.insert(GSI2.pk.into(), str_av(keys::channel(&c.channel)));
        item.insert(GSI2.sk.into(), str_av(keys::CALL));
        item.extend(crate::wallet::daylog::day_log_entry(keys::CALL_LOG, &c.id, c.created_at));
        let mut ringing = Self::key(keys::account(&c.caller_id), keys::RINGING);
        ringing.insert("call_id".into(), str_av(&c.id));
        let mut incoming = Self::key(keys::account(&c.host_id), keys::incoming(&c.id));
        incoming.insert("call_id".into(), str_av(&c.id));
        let reference = |account: &str| {
            let mut r = Self::key(keys::account(account), keys::call_ref(c.created_at, &c.id));
            r.insert("call_id".into(), str_av(&c.id));
            Action::put(self, r).because("balance_changed")
        };
        let mut items = vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("balance_changed"),
            match nc.replaces {
                None => Action::put(self, ringing).when("attribute_not_exists(pk)"),
                Some(old) => Action::put(self, ringing).when("call_id = :old").val(":old", str_av(&old.id)),
            }
            .because("balance_changed"),
            Action::put(self, incoming).because("balance_changed"),
            Action::check(self, keys::account(&c.caller_id), keys::BUSY)
                .when("attribute_not_exists(pk)")
                .because("caller_busy"),
            Action::check(self, keys::account(&c.host_id), keys::BUSY)
                .when("attribute_not_exists(pk)")
                .because("host_busy"),
            Action::check(self, keys::account(&c.host_id), keys::PROFILE)
                .when("#role = :host AND #online = :true AND call_price = :price")
                .name("#role", "role")
                .name("#online", "online")
                .val(":host", str_av("host"))
                .val(":true", AttributeValue::Bool(true))
                .val(":price", num_av(c.price_per_minute))
                .because("balance_changed"),
            Action::check(self, keys::account(&c.caller_id), keys::PROFILE)
                .when("coins >= :price AND NOT (banned = :true)")
                .val(":true", AttributeValue::Bool(true))
                .val(":price", num_av(c.price_per_minute))
                .because("balance_changed"),
            reference(&c.caller_id),
            reference(&c.host_id),
            self.not_blocked(&c.host_id, &c.caller_id),
        ];
        if let Some(old) = nc.replaces {
            let mut replaced = self.finish_ringing_items(old, CallState::Cancelled, "replaced", c.created_at);
            replaced.remove(1); // the caller's ringing marker is overwritten above
            for r in &mut replaced {
                r.reason = "balance_changed";
            }
            items.extend(replaced);
        }
        if let Some((account, key, reply)) = nc.idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    /// cancelled / declined / missed: `call_not_ringing` when it no longer rings.
    pub async fn finish_ringing(&self, c: &Call, state: CallState, reason: &str, now: i64) -> Result<()> {
        self.transact(self.finish_ringing_items(c, state, reason, now)).await
    }

    /// Accepts a ringing call: both parties marked busy, the first minute
    /// charged to the caller (`charge`) and held on the call, the call active.
    /// `call_not_ringing`, `caller_busy`, `host_busy`, `balance_changed`,
    /// `account_banned` (either party), `idempotent_replay`.
    pub async fn accept_call(
        &self,
        c: &Call,
        now: i64,
        charge: &WalletChange,
        idempotency: Option<(&str, &str, &IdempotentReply)>,
    ) -> Result<()> {
        let paid_until = now + 60_000;
        let (gpk, gsk) = index_value(&keys::active_calls(keys::shard_of(&c.id, keys::CALL_SHARDS)), paid_until, &c.id);
        let busy = |account: &str, reason: &'static str| {
            let mut m = Self::key(keys::account(account), keys::BUSY);
            m.insert("call_id".into(), str_av(&c.id));
            Action::put(self, m).when("attribute_not_exists(pk)").because(reason)
        };
        let mut items = vec![
            call_key_update(
                self,
                &c.id,
                "SET #state = :active, accepted_at = :now, paid_minutes = :one, earned_minutes = :zero, \
                 paid_until = :until, caller_seen_at = :now, host_seen_at = :now, gsi1pk = :gpk, gsi1sk = :gsk",
            )
            .when("#state = :ringing")
            .val(":active", str_av(CallState::Active.as_str()))
            .val(":ringing", str_av(CallState::Ringing.as_str()))
            .val(":now", num_av(now))
            .val(":one", num_av(1))
            .val(":zero", num_av(0))
            .val(":until", num_av(paid_until))
            .val(":gpk", gpk)
            .val(":gsk", gsk)
            .because("call_not_ringing"),
            busy(&c.caller_id, "caller_busy"),
            busy(&c.host_id, "host_busy"),
            Action::delete(self, keys::account(&c.caller_id), keys::RINGING)
                .when("attribute_not_exists(pk) OR call_id = :call")
                .val(":call", str_av(&c.id))
                .because("call_not_ringing"),
            Action::delete(self, keys::account(&c.host_id), &keys::incoming(&c.id)).because("call_not_ringing"),
            Action::check(self, keys::account(&c.host_id), keys::PROFILE)
                .when("#role = :host AND NOT (banned = :true)")
                .name("#role", "role")
                .val(":host", str_av("host"))
                .val(":true", AttributeValue::Bool(true))
                .because("account_banned"),
        ];
        items.extend(self.wallet_items(std::slice::from_ref(charge), &[&c.caller_id])?);
        if let Some((account, key, reply)) = idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    /// Prepays the next minute of an active call (`charge`: the caller's
    /// coins, held on the call) and passes started minutes on to the host
    /// (`release`, through the event: the host's items are not in the
    /// transaction). `call_changed` when the call is no longer active with
    /// `paid_minutes` as read, `balance_changed` (or a banned caller).
    pub async fn charge_call_minute(&self, c: &Call, charge: &WalletChange, release: Option<&Release>) -> Result<()> {
        let paid_until = c.paid_until.unwrap_or_default() + 60_000;
        let earned = release.map_or(c.earned_minutes, |r| r.earned_minutes);
        let mut items = vec![
            call_key_update(
                self,
                &c.id,
                "SET paid_minutes = :next, earned_minutes = :earned, paid_until = :until, gsi1sk = :gsk",
            )
            .when("#state = :active AND paid_minutes = :paid")
            .val(":active", str_av(CallState::Active.as_str()))
            .val(":paid", num_av(c.paid_minutes))
            .val(":next", num_av(c.paid_minutes + 1))
            .val(":earned", num_av(earned))
            .val(":until", num_av(paid_until))
            .val(":gsk", str_av(keys::by_time(paid_until, &c.id)))
            .because("call_changed"),
        ];
        items.extend(self.wallet_items(std::slice::from_ref(charge), &[&c.caller_id])?);
        self.transact_recording(items, recording(release)).await
    }

    /// Ends an active call at `ended_at` and frees both parties, keeping
    /// `kept` of the minutes paid: `release` passes the kept minutes not yet
    /// earned on to the host, `refund` gives the caller back the rest (minutes
    /// that never started, or all within the connection grace); nothing stays
    /// held. `call_changed` when the call is no longer active with
    /// `paid_minutes` as read; `balance_changed` (the caller's refund).
    pub async fn end_call(&self, c: &Call, end: &CallEnd<'_>) -> Result<()> {
        let free = |account: &str| {
            Action::delete(self, keys::account(account), keys::BUSY)
                .when("attribute_not_exists(pk) OR call_id = :call")
                .val(":call", str_av(&c.id))
                .because("call_changed")
        };
        let paid_until = c.accepted_at.unwrap_or(end.at) + end.kept * 60_000;
        let mut items = vec![
            call_key_update(
                self,
                &c.id,
                "SET #state = :ended, ended_at = :at, end_reason = :reason, paid_minutes = :kept, \
                 earned_minutes = :kept, refunded_minutes = :refunded, paid_until = :until REMOVE gsi1pk, gsi1sk",
            )
            .when("#state = :active AND paid_minutes = :paid")
            .val(":active", str_av(CallState::Active.as_str()))
            .val(":ended", str_av(CallState::Ended.as_str()))
            .val(":paid", num_av(c.paid_minutes))
            .val(":kept", num_av(end.kept))
            .val(":refunded", num_av((c.paid_minutes - end.kept).max(0)))
            .val(":until", num_av(paid_until))
            .val(":at", num_av(end.at))
            .val(":reason", str_av(end.reason))
            .because("call_changed"),
            free(&c.caller_id),
            free(&c.host_id),
        ];
        if let Some(refund) = end.refund {
            items.extend(self.wallet_items(std::slice::from_ref(refund), &[])?);
        }
        self.transact_recording(items, recording(end.release)).await
    }

    /// Records a party's heartbeat; `call_not_active` unless the call is active.
    pub async fn call_heartbeat(&self, call_id: &str, caller_side: bool, now: i64) -> Result<Call> {
        let field = if caller_side { "caller_seen_at" } else { "host_seen_at" };
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::call(call_id), keys::CALL)))
            .update_expression(format!("SET {field} = :now"))
            .condition_expression("#state = :active")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":active", str_av(CallState::Active.as_str()))
            .expression_attribute_values(":now", num_av(now));
        self.update_returning(req, "call_not_active").await
    }

    pub async fn get_call(&self, id: &str) -> Result<Option<Call>> {
        self.get_as(keys::call(id), keys::CALL).await
    }

    /// What starting a call decides on, in one BatchGetItem: the caller, the
    /// host, the caller's ringing request id and whether each party is busy.
    pub async fn call_start_view(&self, caller_id: &str, host_id: &str) -> Result<CallStartView> {
        let keys = vec![
            Self::key(keys::account(caller_id), keys::PROFILE),
            Self::key(keys::account(host_id), keys::PROFILE),
            Self::key(keys::account(caller_id), keys::RINGING),
            Self::key(keys::account(caller_id), keys::BUSY),
            Self::key(keys::account(host_id), keys::BUSY),
        ];
        let mut v = CallStartView::default();
        for item in self.batch_get(keys).await? {
            let pk = item.get(PK).and_then(|x| x.as_s().ok()).cloned().unwrap_or_default();
            let sk = item.get(crate::core::table::SK).and_then(|x| x.as_s().ok()).cloned().unwrap_or_default();
            let call_id = || item.get("call_id").and_then(|x| x.as_s().ok()).cloned();
            match (pk == keys::account(caller_id), sk.as_str()) {
                (true, keys::PROFILE) => v.caller = Some(serde_dynamo::from_item(item)?),
                (false, keys::PROFILE) => v.host = Some(serde_dynamo::from_item(item)?),
                (true, keys::RINGING) => v.caller_ringing = call_id(),
                (true, keys::BUSY) => v.caller_busy = true,
                (false, keys::BUSY) => v.host_busy = true,
                _ => {}
            }
        }
        Ok(v)
    }

    /// Ids of the ringing requests to a host.
    pub async fn incoming_calls(&self, host_id: &str) -> Result<Vec<String>> {
        let page = self.query_page(None, keys::account(host_id), 100, Some(keys::INCOMING_PREFIX), None, false).await?;
        Ok(page.items.iter().filter_map(|i| i.get("call_id")?.as_s().ok().cloned()).collect())
    }

    /// An account's calls (made or received), newest first.
    pub async fn list_calls_of(&self, account_id: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Call>> {
        let page =
            self.query_page(None, keys::account(account_id), limit, Some(keys::CALL_REF_PREFIX), start, true).await?;
        let ids: Vec<Item> = page
            .items
            .iter()
            .filter_map(|i| Some(Self::key(keys::call(i.get("call_id")?.as_s().ok()?), keys::CALL)))
            .collect();
        let calls = self
            .batch_get(ids)
            .await?
            .into_iter()
            .map(serde_dynamo::from_item)
            .collect::<std::result::Result<_, _>>()?;
        Ok(Page { items: calls, next: page.next })
    }

    /// Calls of a sharded tick index with sort time at or before `upto`: every
    /// shard at once, all pages.
    async fn calls_due(&self, partition: fn(u32) -> String, upto: i64) -> Result<Vec<Call>> {
        let shards = (0..keys::CALL_SHARDS).map(|k| self.calls_due_in(partition(k), upto));
        let mut out = Vec::new();
        for calls in futures_util::future::try_join_all(shards).await? {
            out.extend(calls);
        }
        Ok(out)
    }

    async fn calls_due_in(&self, partition: String, upto: i64) -> Result<Vec<Call>> {
        let items = self.gsi1_due(&partition, upto).await?;
        Ok(items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?)
    }

    /// Active calls whose next minute is due at or before `upto` (the index is
    /// eventually consistent: every change re-checks its conditions).
    pub async fn active_calls_due(&self, upto: i64) -> Result<Vec<Call>> {
        self.calls_due(keys::active_calls, upto).await
    }

    /// The calls begun on `day` (yyyy-mm-dd), newest first, in `state` when given.
    pub async fn list_calls_on(
        &self,
        day: &str,
        state: Option<&str>,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Call>> {
        let page = self.day_log_page(keys::CALL_LOG, day, &[("state", state)], limit, start).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Ringing calls created at or before `upto`.
    pub async fn ringing_calls_before(&self, upto: i64) -> Result<Vec<Call>> {
        self.calls_due(keys::ringing_calls, upto).await
    }

    /// Coins held on active calls (paid, not yet earned nor refunded): with
    /// `sum_balances`, the conservation invariant's right-hand side (a full
    /// scan: for reconciliation, not for requests).
    pub async fn held_in_calls(&self) -> Result<i64> {
        let items = self
            .scan_all(
                "sk = :call AND #state = :active",
                &[("#state", "state")],
                &[(":call", str_av(keys::CALL)), (":active", str_av(CallState::Active.as_str()))],
            )
            .await?;
        items.into_iter().try_fold(0, |held, item| Ok(held + serde_dynamo::from_item::<_, Call>(item)?.held_coins()))
    }

    /// Sets a host's call price and online flag; `not_host` when the account is no host.
    pub async fn set_call_settings(&self, host_id: &str, price: i64, online: bool) -> Result<Account> {
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(host_id), keys::PROFILE)))
            .update_expression("SET call_price = :p, #online = :o")
            .condition_expression("#role = :host")
            .expression_attribute_names("#role", "role")
            .expression_attribute_names("#online", "online")
            .expression_attribute_values(":host", str_av("host"))
            .expression_attribute_values(":p", num_av(price))
            .expression_attribute_values(":o", AttributeValue::Bool(online));
        self.update_returning(req, "not_host").await
    }
}

/// Minutes of a call passed on to the host: the call's `earned_minutes`
/// becomes `earned_minutes`, and `credit` (the difference, at `at`) goes to
/// the host through the transaction's event, applied by the aggregator.
pub struct Release {
    pub earned_minutes: i64,
    pub credit: crate::wallet::events::Credit,
    pub at: i64,
}

/// The event of a tick's transaction: the host's side of released minutes,
/// never the host's items (the aggregator applies it, or refunds the caller
/// when the host can no longer earn).
fn recording(release: Option<&Release>) -> crate::wallet::events::Recording {
    match release {
        Some(r) => crate::wallet::events::Recording { credit: Some(r.credit.clone()), at: r.at, ..Default::default() },
        None => crate::wallet::events::Recording::default(),
    }
}

/// How an active call ends: at `at` for `reason`, `kept` minutes paid for good.
pub struct CallEnd<'a> {
    pub at: i64,
    pub reason: &'a str,
    pub kept: i64,
    pub release: Option<&'a Release>,
    pub refund: Option<&'a WalletChange>,
}

/// See `Db::call_start_view`.
#[derive(Default)]
pub struct CallStartView {
    pub caller: Option<Account>,
    pub host: Option<Account>,
    pub caller_ringing: Option<String>,
    pub caller_busy: bool,
    pub host_busy: bool,
}
