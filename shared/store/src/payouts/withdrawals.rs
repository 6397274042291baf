//! Withdrawals: money out of `payable_minor`. A request is one transaction
//! on the requester's items (the balance conditioned on the value read, the
//! one-open and one-a-week marks, the ledger entry, the withdrawal, the
//! payout account's hold); every later state is the withdrawal's own update,
//! conditioned on the states it may come from, so a webhook delivered twice
//! or out of order changes it once. A request that ends without a payout
//! (rejected, cancelled, failed, reversed) gives the amount back in the same
//! transaction, with its entry.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2};
use crate::wallet::balance::{IdempotentReply, LedgerEntry};

/// One state a withdrawal passed through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WithdrawalStep {
    pub status: String,
    pub at: i64,
    /// The admin, the requester, or `razorpayx` (its webhook).
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Withdrawal {
    pub id: String,
    pub account_id: String,
    /// What leaves `payable_minor`; the fee is inside it.
    pub amount_minor: i64,
    pub fee_minor: i64,
    /// What is sent: amount − fee.
    pub payout_minor: i64,
    pub currency: String,
    pub payout_account_id: String,
    /// bank, upi, paypal (copied: the account may be removed later)
    pub method: String,
    pub holder_name: String,
    /// The destination with all but its last characters hidden.
    pub destination: String,
    /// requested, approved, processing, paid, rejected, cancelled, failed, reversed
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The provider's reference of the money sent (a bank UTR, PayPal's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_payout_id: Option<String>,
    /// The requester's `last_withdrawal_at` before this one: put back when it ends unpaid.
    #[serde(default)]
    pub prev_withdrawal_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default)]
    pub history: Vec<WithdrawalStep>,
}

/// States a withdrawal is still open in (the requester's one open request).
pub const OPEN_WITHDRAWAL_STATES: [&str; 3] = ["requested", "approved", "processing"];

/// The requester's side of a request.
pub struct WithdrawalRequest<'a> {
    pub withdrawal: &'a Withdrawal,
    pub expected_payable: i64,
    pub entry: LedgerEntry,
    /// A withdrawal requested after this (one a week) refuses the request.
    pub week_ago: i64,
    pub idempotency: Option<(&'a str, &'a str, &'a IdempotentReply)>,
}

/// What a state change does to the requester's account besides the withdrawal.
pub struct WithdrawalMove<'a> {
    pub withdrawal: &'a Withdrawal,
    /// The states it may come from.
    pub from: &'a [&'a str],
    /// It stops being the open one.
    pub close: bool,
    /// The amount back to `payable_minor` (`withdrawal_returned`).
    pub give_back: Option<LedgerEntry>,
}

impl Db {
    fn withdrawal_item(&self, w: &Withdrawal) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(w)?;
        item.extend(Self::key(keys::withdrawal(&w.id), keys::WITHDRAWAL));
        item.insert(GSI1.pk.into(), str_av(keys::withdrawals(&w.status)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(w.created_at, &w.id)));
        item.insert(GSI2.pk.into(), str_av(keys::withdrawals_of(&w.account_id)));
        item.insert(GSI2.sk.into(), str_av(keys::by_time(w.created_at, &w.id)));
        Ok(item)
    }

    /// The request: `balance_changed` when the balance, the open request or
    /// the week's mark is not what was read (re-read: the use case says
    /// which), `payout_account_changed` when the account is gone or on hold.
    pub async fn request_withdrawal(&self, r: WithdrawalRequest<'_>) -> Result<()> {
        let w = r.withdrawal;
        let mut entry = r.entry;
        entry.balance_after = Some(r.expected_payable + entry.amount);
        let payable = if r.expected_payable == 0 {
            "(attribute_not_exists(payable_minor) OR payable_minor = :expected)"
        } else {
            "payable_minor = :expected"
        };
        let account = Action::update(
            self,
            keys::account(&w.account_id),
            keys::PROFILE,
            "SET payable_minor = :after, withdrawal_open = :id, last_withdrawal_at = :now",
        )
        .when(format!(
            "{payable} AND kyc_status = :verified AND attribute_not_exists(withdrawal_open) \
             AND (attribute_not_exists(last_withdrawal_at) OR last_withdrawal_at <= :week_ago) \
             AND NOT (banned = :true)"
        ))
        .val(":expected", num_av(r.expected_payable))
        .val(":after", num_av(r.expected_payable + entry.amount))
        .val(":id", str_av(&w.id))
        .val(":now", num_av(w.created_at))
        .val(":verified", str_av("verified"))
        .val(":week_ago", num_av(r.week_ago))
        .val(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true));
        let hold = Action::check(self, keys::account(&w.account_id), &keys::payout_account(&w.payout_account_id))
            .when("attribute_exists(pk) AND opens_at <= :now")
            .val(":now", num_av(w.created_at));
        let mut items = vec![
            account.because("balance_changed"),
            TxItem { item: self.ledger_put(&entry)?, reason: crate::core::db::PROOF_OF_COMMIT },
            Action::put(self, self.withdrawal_item(w)?).when("attribute_not_exists(pk)").because("balance_changed"),
            hold.because("payout_account_changed"),
        ];
        if let Some((a, key, reply)) = r.idempotency {
            items.push(self.idempotency_item(a, key, reply)?);
        }
        self.transact(items).await
    }

    pub async fn get_withdrawal(&self, id: &str) -> Result<Option<Withdrawal>> {
        self.get_as(keys::withdrawal(id), keys::WITHDRAWAL).await
    }

    /// A state change (`withdrawal_moved` when it is in none of `from`).
    pub async fn move_withdrawal(&self, m: WithdrawalMove<'_>) -> Result<()> {
        let w = m.withdrawal;
        let mut names = Vec::new();
        let mut values: Vec<(String, aws_sdk_dynamodb::types::AttributeValue)> = Vec::new();
        for (i, s) in m.from.iter().enumerate() {
            names.push(format!(":from{i}"));
            values.push((format!(":from{i}"), str_av(*s)));
        }
        let put = values.into_iter().fold(
            Action::put(self, self.withdrawal_item(w)?)
                .when(format!("#status IN ({})", names.join(", ")))
                .name("#status", "status"),
            |a, (k, v)| a.val(&k, v),
        );
        let mut items = vec![put.because("withdrawal_moved")];
        let (mut set, mut remove, mut add, mut conds) = (vec![], vec![], vec![], vec!["attribute_exists(pk)"]);
        if m.close {
            remove.push("withdrawal_open");
            conds.push("withdrawal_open = :id");
        }
        if m.close && m.give_back.is_some() {
            set.push("last_withdrawal_at = :prev");
        }
        if m.give_back.is_some() {
            add.push("payable_minor :back");
        }
        if m.close || m.give_back.is_some() {
            let mut expression = String::new();
            if !set.is_empty() {
                expression.push_str(&format!("SET {} ", set.join(", ")));
            }
            if !remove.is_empty() {
                expression.push_str(&format!("REMOVE {} ", remove.join(", ")));
            }
            if !add.is_empty() {
                expression.push_str(&format!("ADD {}", add.join(", ")));
            }
            let mut account = Action::update(self, keys::account(&w.account_id), keys::PROFILE, expression.trim_end())
                .when(conds.join(" AND "));
            if m.close {
                account = account.val(":id", str_av(&w.id));
            }
            if m.close && m.give_back.is_some() {
                account = account.val(":prev", num_av(w.prev_withdrawal_at));
            }
            if let Some(e) = &m.give_back {
                account = account.val(":back", num_av(e.amount));
            }
            items.push(account.because("withdrawal_moved"));
        }
        if let Some(e) = &m.give_back {
            let mut e = e.clone();
            e.balance_after = None;
            items.push(TxItem { item: self.ledger_put(&e)?, reason: crate::core::db::PROOF_OF_COMMIT });
        }
        self.transact(items).await
    }

    /// Withdrawals of one status (the admin's queue), oldest first.
    pub async fn list_withdrawals(
        &self,
        status: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Withdrawal>> {
        let page = self.query_page(Some(&GSI1), keys::withdrawals(status), limit, None, start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// An account's withdrawals, newest first.
    pub async fn list_account_withdrawals(
        &self,
        account_id: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Withdrawal>> {
        let page = self.query_page(Some(&GSI2), keys::withdrawals_of(account_id), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }
}
