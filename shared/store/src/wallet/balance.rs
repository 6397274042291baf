//! Balances and the ledger. Every change of `coins` or `earnings` is one
//! transaction that writes its ledger entry beside the balance update. A
//! payer's balance is conditioned on the exact value read, so its entry's
//! `balance_after` is exact and it never goes below zero. A payee's (a host's
//! earnings) is changed with `ADD` under conditions that do not depend on its
//! value, so a crowd paying one host never retries on each other; its entry
//! then has no `balance_after` (it cannot be known without a read).

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::TTL_ATTRIBUTE;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Balance {
    Coins,
    Earnings,
    /// `coin_debt`: coins owed after a refund the balance could not cover.
    Debt,
    /// `bonus_coins`: promotional coins (`wallet::bonus`), kept apart from paid ones.
    Bonus,
    /// `payable_minor`: money (minor units of the settlement currency) a host
    /// or agency may withdraw: settled earnings' share, salary, commission.
    Payable,
}

impl Balance {
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Balance::Coins => "coins",
            Balance::Earnings => "earnings",
            Balance::Debt => "coin_debt",
            Balance::Bonus => "bonus_coins",
            Balance::Payable => "payable_minor",
        }
    }
}

/// One line of an account's ledger.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// A ULID made from `created_at`, so the ledger sorts by time.
    pub id: String,
    pub account_id: String,
    /// grant, correction, recharge, gift_sent, gift_received, ...
    #[serde(rename = "type")]
    pub kind: String,
    pub balance: Balance,
    pub amount: i64,
    /// The balance right after this entry; absent on `ADD`-applied entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_after: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recharge_id: Option<String>,
    /// Call charges: the call and which of its minutes (1 = the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute: Option<i64>,
    /// The events an aggregated entry applies (a host's gifts of one batch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    pub created_at: i64,
}

/// A ledger entry id that sorts by the entry's time (our clock, not the system's).
pub fn entry_id(now: i64) -> String {
    ulid::Ulid::from_parts(now.max(0) as u64, ulid::Ulid::new().random()).to_string()
}

impl LedgerEntry {
    /// An entry of `amount` on `balance`, with nothing else said of it.
    pub fn new(
        account_id: &str,
        kind: &str,
        balance: Balance,
        amount: i64,
        balance_after: Option<i64>,
        now: i64,
    ) -> LedgerEntry {
        LedgerEntry {
            id: entry_id(now),
            account_id: account_id.into(),
            kind: kind.into(),
            balance,
            amount,
            balance_after,
            counterparty_id: None,
            gift_id: None,
            gift_name: None,
            quantity: None,
            room_id: None,
            reason: None,
            recharge_id: None,
            call_id: None,
            minute: None,
            events: Vec::new(),
            created_at: now,
        }
    }
}

/// A balance change of `entry.amount`: `expected` is the value read before
/// (the update is conditioned on it), or `None` for an `ADD` that only needs
/// the balance to stay ≥ 0.
pub struct WalletChange {
    pub expected: Option<i64>,
    pub entry: LedgerEntry,
    /// Earnings of a seated guest, who need not be a host.
    pub guest: bool,
}

impl WalletChange {
    /// Conditioned on the balance being `expected`; `balance_after` is exact.
    pub fn exact(expected: i64, mut entry: LedgerEntry) -> Self {
        entry.balance_after = Some(expected + entry.amount);
        WalletChange { expected: Some(expected), entry, guest: false }
    }

    /// Applied with `ADD` whatever the balance is (a debit: as long as it stays ≥ 0).
    pub fn add(mut entry: LedgerEntry) -> Self {
        entry.balance_after = None;
        WalletChange { expected: None, entry, guest: false }
    }

    /// Earnings a seated guest may take without being a host (any role but
    /// agency and admin); a guest's earnings wait on the wallet until they
    /// join an agency as a host, and are then settled as a host's.
    pub fn to_guest(mut self) -> Self {
        self.guest = true;
        self
    }
}

/// A stored answer to a request made with an Idempotency-Key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdempotentReply {
    /// SHA-256 of the request it answers (method, route, path parameters, body):
    /// the same key on another request is refused, not replayed.
    #[serde(default)]
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    pub created_at: i64,
}

pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 3600 * 1000;

/// The level XP a ledger entry makes or takes back, on the same update as its
/// balance: wealth from paid coins spent (a refund takes it back), charm from
/// earnings of paid coins. Bonus coins make none.
fn xp_of(e: &LedgerEntry) -> Option<(&'static str, i64)> {
    match (e.balance, e.kind.as_str()) {
        (Balance::Coins, "gift_sent" | "call_charge" | "vip_purchase" | "gift_refunded" | "call_refund") => {
            Some(("wealth_xp", -e.amount))
        }
        (Balance::Earnings, "gift_received" | "room_share" | "call_earning") => Some(("charm_xp", e.amount)),
        _ => None,
    }
}

impl Db {
    fn wallet_update(&self, c: &WalletChange, not_banned: bool, counters: &[(&str, i64)]) -> TransactWriteItem {
        let attr = c.entry.balance.attr();
        let mut conds = vec!["attribute_exists(pk)".to_string()];
        let mut set = Vec::new();
        let mut adds = Vec::new();
        let mut values = vec![];
        let mut names = vec![];
        match c.expected {
            Some(expected) => {
                conds.push(format!("{attr} = :expected"));
                set.push(format!("{attr} = :after"));
                values.push((":expected".to_string(), num_av(expected)));
                values.push((":after".to_string(), num_av(expected + c.entry.amount)));
            }
            None => {
                adds.push(format!("{attr} :delta"));
                values.push((":delta".to_string(), num_av(c.entry.amount)));
                if c.entry.amount < 0 {
                    conds.push(format!("{attr} >= :debit"));
                    values.push((":debit".to_string(), num_av(-c.entry.amount)));
                } else if c.entry.balance == Balance::Earnings {
                    // Only hosts earn (and seated guests): an account demoted meanwhile is not credited.
                    names.push(("#role", "role"));
                    values.push((":host".to_string(), AttributeValue::S("host".into())));
                    if c.guest {
                        conds.push("#role IN (:host, :user)".into());
                        values.push((":user".to_string(), AttributeValue::S("user".into())));
                    } else {
                        conds.push("#role = :host".into());
                    }
                }
            }
        }
        // Nothing is spent while a refund's debt is owed (`balance_changed`:
        // the use case re-reads and answers 402 coin_debt).
        if c.entry.balance == Balance::Coins && c.entry.amount < 0 {
            conds.push("(attribute_not_exists(coin_debt) OR coin_debt <= :no_debt)".into());
            values.push((":no_debt".to_string(), num_av(0)));
        }
        if not_banned {
            conds.push("NOT (banned = :true)".into());
            values.push((":true".to_string(), AttributeValue::Bool(true)));
        }
        // Activity counters ride on the same update (no extra request).
        for (i, (field, delta)) in counters.iter().enumerate() {
            adds.push(format!("{field} :count{i}"));
            values.push((format!(":count{i}"), num_av(*delta)));
        }
        let mut expression = String::new();
        if !set.is_empty() {
            expression = format!("SET {}", set.join(", "));
        }
        if !adds.is_empty() {
            expression = format!("{expression} ADD {}", adds.join(", "));
        }
        let u = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(&c.entry.account_id), keys::PROFILE)))
            .update_expression(expression.trim_start())
            .condition_expression(conds.join(" AND "))
            .set_expression_attribute_values(Some(values.into_iter().collect()));
        let u = names.into_iter().fold(u, |u, (k, v)| u.expression_attribute_names(k, v));
        TransactWriteItem::builder().update(u.build().expect("update")).build()
    }

    pub(crate) fn ledger_put(&self, e: &LedgerEntry) -> Result<TransactWriteItem> {
        let mut item: Item = serde_dynamo::to_item(e)?;
        item.extend(Self::key(keys::account(&e.account_id), keys::ledger(&e.id)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .expect("put");
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The transaction items of balance changes: `balance_changed` when a
    /// balance is not what was read (re-read and retry), `account_banned` when
    /// an account that must not be banned is.
    pub(crate) fn wallet_items(&self, changes: &[WalletChange], not_banned: &[&str]) -> Result<Vec<TxItem>> {
        self.wallet_items_counting(changes, not_banned, &[])
    }

    /// `wallet_items`, also adding to activity counters of the changed
    /// accounts: `(account, field, delta)`, e.g. a host's `gifts_received`.
    pub(crate) fn wallet_items_counting(
        &self,
        changes: &[WalletChange],
        not_banned: &[&str],
        counters: &[(&str, &str, i64)],
    ) -> Result<Vec<TxItem>> {
        let mut items = Vec::new();
        for c in changes {
            let guard = not_banned.contains(&c.entry.account_id.as_str());
            let mut mine: Vec<(&str, i64)> =
                counters.iter().filter(|(a, _, _)| *a == c.entry.account_id).map(|(_, f, d)| (*f, *d)).collect();
            mine.extend(xp_of(&c.entry));
            items.push(TxItem { item: self.wallet_update(c, guard, &mine), reason: "balance_changed" });
            items.push(TxItem { item: self.ledger_put(&c.entry)?, reason: crate::core::db::PROOF_OF_COMMIT });
            if c.entry.balance == Balance::Earnings && c.entry.kind != "settlement" {
                items.push(self.earning_day_add(&c.entry, &mine));
            }
        }
        Ok(items)
    }

    /// Adds an earnings change (and the host's activity counters: gifts
    /// received, call minutes) to the host's day item: `ADD`s, no condition.
    fn earning_day_add(&self, e: &LedgerEntry, counters: &[(&str, i64)]) -> TxItem {
        let counters: Vec<&(&str, i64)> =
            counters.iter().filter(|(f, _)| matches!(*f, "gifts_received" | "call_minutes")).collect();
        let mut adds = vec!["earned :amount".to_string()];
        // Bonus gifts pay, but count for no monthly target (`payouts::months`).
        if e.kind == "bonus_gift_received" {
            adds.push("bonus_earned :amount".to_string());
        }
        adds.extend(counters.iter().enumerate().map(|(i, (f, _))| format!("{f} :count{i}")));
        let day = keys::day_of(e.created_at);
        let action = Action::update(
            self,
            keys::account(&e.account_id),
            &keys::earning_day(&day),
            format!("SET #day = :day ADD {}", adds.join(", ")),
        )
        .name("#day", "day")
        .val(":day", AttributeValue::S(day.clone()))
        .val(":amount", num_av(e.amount));
        counters
            .iter()
            .enumerate()
            .fold(action, |a, (i, (_, d))| a.val(&format!(":count{i}"), num_av(*d)))
            .because("balance_changed")
    }

    /// The hosts' day items summed by day (`yyyy-mm-dd` → (earned, call
    /// minutes, gifts received)); days without any are left out. One
    /// BatchGetItem per 100 host-days.
    pub async fn earning_days(&self, host_ids: &[String], days: &[String]) -> Result<Vec<(String, i64, i64, i64)>> {
        let keys = host_ids
            .iter()
            .flat_map(|h| days.iter().map(move |d| Self::key(keys::account(h), keys::earning_day(d))))
            .collect();
        let num = |i: &Item, k: &str| i.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut by_day: std::collections::BTreeMap<String, (i64, i64, i64)> = std::collections::BTreeMap::new();
        for i in self.batch_get(keys).await? {
            let Some(day) = i.get("day").and_then(|d| d.as_s().ok()) else { continue };
            let sum = by_day.entry(day.clone()).or_default();
            sum.0 += num(&i, "earned");
            sum.1 += num(&i, "call_minutes");
            sum.2 += num(&i, "gifts_received");
        }
        Ok(by_day.into_iter().map(|(day, (e, m, g))| (day, e, m, g)).collect())
    }

    /// The idempotency record for `(account, key)`, written in the same
    /// transaction as the effect: `idempotent_replay` if one exists already.
    pub(crate) fn idempotency_item(&self, account_id: &str, key: &str, reply: &IdempotentReply) -> Result<TxItem> {
        let mut item: Item = serde_dynamo::to_item(reply)?;
        item.extend(Self::key(keys::idempotency(account_id, key), keys::IDEMPOTENCY));
        item.insert(TTL_ATTRIBUTE.into(), num_av((reply.created_at + IDEMPOTENCY_TTL_MS) / 1000));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            // An expired record that TTL has not removed yet no longer counts.
            .condition_expression("attribute_not_exists(pk) OR created_at < :cutoff")
            .expression_attribute_values(":cutoff", num_av(reply.created_at - IDEMPOTENCY_TTL_MS))
            .build()
            .expect("put");
        Ok(TxItem { item: TransactWriteItem::builder().put(put).build(), reason: "idempotent_replay" })
    }

    /// The answer stored for `(account, key)`, if any within 24 h of `now`.
    pub async fn get_idempotent_reply(&self, account_id: &str, key: &str, now: i64) -> Result<Option<IdempotentReply>> {
        let r: Option<IdempotentReply> = self.get_as(keys::idempotency(account_id, key), keys::IDEMPOTENCY).await?;
        Ok(r.filter(|r| r.created_at >= now - IDEMPOTENCY_TTL_MS))
    }

    /// Applies balance changes with their ledger entries (and an idempotency
    /// record) in one transaction.
    pub async fn apply_wallet_changes(
        &self,
        changes: &[WalletChange],
        not_banned: &[&str],
        idempotency: Option<(&str, &str, &IdempotentReply)>,
    ) -> Result<()> {
        let mut items = self.wallet_items(changes, not_banned)?;
        if let Some((account, key, reply)) = idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    /// An account's ledger, newest first.
    pub async fn list_ledger(
        &self,
        account_id: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<LedgerEntry>> {
        let page =
            self.query_page(None, keys::account(account_id), limit, Some(keys::LEDGER_PREFIX), start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}

impl Db {
    /// Sums every account's coins, unsettled and settled earnings: the
    /// right-hand side of the conservation invariant (coins credited by
    /// recharges and grants = their sum), for reconciliation (a full scan: not for requests).
    pub async fn sum_balances(&self) -> Result<(i64, i64, i64)> {
        let items =
            self.scan_all("sk = :profile", &[], &[(":profile", AttributeValue::S(keys::PROFILE.into()))]).await?;
        let (mut coins, mut earnings, mut settled) = (0, 0, 0);
        for item in &items {
            let num =
                |k: &str| item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            coins += num("coins");
            earnings += num("earnings");
            settled += num("settled_earnings");
        }
        Ok((coins, earnings, settled))
    }
}
