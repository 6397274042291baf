//! Agencies, their hosts, host applications and settlements.
//!
//! A host's unsettled coins are `earnings` on the account. A settlement up to
//! a cut-off moves, in one transaction per host, what was earned by then from
//! `earnings` to `settled_earnings` (conditioned on the exact earnings read,
//! so two settlements at once settle once) with a ledger entry and the
//! settlement record.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use crate::accounts::account::{Account, Role};
use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2, GSI3, TTL_ATTRIBUTE};
use crate::wallet::balance::LedgerEntry;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub code: String,
    /// Empty while the owner has not accepted the invitation.
    pub owner_id: String,
    /// The commission an admin pinned, in percent of a settlement's gross;
    /// `None`: the agency tiers by the month's revenue decide.
    #[serde(default)]
    pub commission_percent: Option<i64>,
    /// A sub-agency: the agency that invited it, and the commission (basis
    /// points) it set for it; the parent earns its own rate minus this on
    /// the sub-agency's revenue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_commission_bps: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// invited (until its owner accepts from the invited address) or active
    #[serde(default = "active")]
    pub status: String,
    /// The address the invitation went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_expires_at: Option<i64>,
    /// The keyed hash of the invitation's current code (a new invitation replaces it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_hash: Option<String>,
}

fn active() -> String {
    "active".into()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostApplication {
    pub id: String,
    pub account_id: String,
    pub agency_id: String,
    pub agency_code: String,
    pub display_name: String,
    pub about: String,
    pub country: String,
    pub languages: Vec<String>,
    /// pending, approved, rejected
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settlement {
    pub id: String,
    pub host_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    /// Set when the settlement is one host's part of an agency-wide one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    pub coins: i64,
    pub gross_minor: i64,
    pub platform_fee_minor: i64,
    pub agency_commission_minor: i64,
    pub host_payout_minor: i64,
    pub currency: String,
    pub platform_fee_percent: i64,
    pub commission_percent: i64,
    /// The shares the split used (basis points of gross; 0 on settlements
    /// made before they were kept).
    #[serde(default)]
    pub host_share_bps: i64,
    #[serde(default)]
    pub commission_bps: i64,
    pub cutoff: i64,
    pub created_by: String,
    pub created_at: i64,
}

fn from_items<T: serde::de::DeserializeOwned>(items: Vec<Item>) -> Result<Vec<T>> {
    items.into_iter().map(|i| serde_dynamo::from_item(i).map_err(Error::from)).collect()
}

/// Who may join an agency: a plain user, or a host removed from their agency.
const MAY_JOIN: &str = "#role = :user OR (#role = :host AND attribute_not_exists(agency_id))";

impl Db {
    fn agency_item(&self, a: &Agency) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(a)?;
        item.extend(Self::key(keys::agency(&a.id), keys::AGENCY));
        item.insert(GSI1.pk.into(), str_av(keys::AGENCIES));
        item.insert(GSI1.sk.into(), str_av(keys::name_key(&a.name, &a.id)));
        if let Some(parent) = &a.parent_id {
            item.insert(GSI2.pk.into(), str_av(keys::sub_agencies(parent)));
            item.insert(GSI2.sk.into(), str_av(keys::name_key(&a.name, &a.id)));
        }
        Ok(item)
    }

    /// The sub-agencies an agency invited (all of them).
    pub async fn sub_agencies(&self, parent: &str) -> Result<Vec<Agency>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self.query_page(Some(&GSI2), keys::sub_agencies(parent), 100, None, start, false).await?;
            out.extend(from_items::<Agency>(page.items)?);
            match page.next {
                Some(k) => start = Some(k),
                None => return Ok(out),
            }
        }
    }

    /// An invited agency with its unique code (`code_taken`) and the keyed
    /// hash of its one-time invitation code (kept until it expires).
    pub async fn invite_agency(&self, a: &Agency, code_hash: &str) -> Result<()> {
        let mut code = Self::key(keys::agency_code(&a.code), keys::AGENCY_CODE);
        code.insert("agency_id".into(), str_av(&a.id));
        let mut invite = Self::key(keys::agency_invite(code_hash), keys::AGENCY_INVITE);
        invite.insert("agency_id".into(), str_av(&a.id));
        invite.insert(TTL_ATTRIBUTE.into(), num_av(a.invite_expires_at.unwrap_or(a.created_at) / 1000));
        self.transact(vec![
            Action::put(self, code).when("attribute_not_exists(pk)").because("code_taken"),
            Action::put(self, self.agency_item(a)?).when("attribute_not_exists(pk)").because("code_taken"),
            Action::put(self, invite).when("attribute_not_exists(pk)").because("code_taken"),
        ])
        .await
    }

    /// A new invitation for an agency still invited: a new code and expiry
    /// (the old code stops working); `invitation_closed` once accepted.
    pub async fn reinvite_agency(&self, a: &Agency, code_hash: &str, expires_at: i64) -> Result<()> {
        let mut invite = Self::key(keys::agency_invite(code_hash), keys::AGENCY_INVITE);
        invite.insert("agency_id".into(), str_av(&a.id));
        invite.insert(TTL_ATTRIBUTE.into(), num_av(expires_at / 1000));
        self.transact(vec![
            Action::update(self, keys::agency(&a.id), keys::AGENCY, "SET invite_hash = :h, invite_expires_at = :e")
                .when("#status = :invited")
                .name("#status", "status")
                .val(":invited", str_av("invited"))
                .val(":h", str_av(code_hash))
                .val(":e", num_av(expires_at))
                .because("invitation_closed"),
            Action::put(self, invite).because("invitation_closed"),
        ])
        .await
    }

    /// The agency an invitation code (its keyed hash) is for, if any.
    pub async fn agency_of_invite(&self, code_hash: &str) -> Result<Option<String>> {
        let item = self.get(keys::agency_invite(code_hash), keys::AGENCY_INVITE).await?;
        Ok(item.and_then(|i| i.get("agency_id")?.as_s().ok().cloned()))
    }

    /// The invited owner accepts: the agency becomes active and theirs, their
    /// account an agency account whose e-mail the code proved, and the code is
    /// used up, at once. `invitation_closed` when the agency is no longer
    /// waiting (accepted, expired), `owner_not_user` when the account is a host,
    /// agency or admin or its e-mail is not the invited one.
    pub async fn accept_agency_invitation(&self, a: &Agency, code_hash: &str, owner_id: &str, now: i64) -> Result<()> {
        let email = a.owner_email.clone().unwrap_or_default();
        self.transact(vec![
            Action::update(
                self,
                keys::agency(&a.id),
                keys::AGENCY,
                "SET #status = :active, owner_id = :o, updated_at = :now REMOVE invite_expires_at, invite_hash",
            )
            .when("#status = :invited AND invite_expires_at > :now AND invite_hash = :h")
            .name("#status", "status")
            .val(":h", str_av(code_hash))
            .val(":active", str_av("active"))
            .val(":invited", str_av("invited"))
            .val(":o", str_av(owner_id))
            .val(":now", num_av(now))
            .because("invitation_closed"),
            Action::delete(self, keys::agency_invite(code_hash), keys::AGENCY_INVITE)
                .when("attribute_exists(pk)")
                .because("invitation_closed"),
            Action::update(
                self,
                keys::account(owner_id),
                keys::PROFILE,
                "SET #role = :agency, agency_id = :id, email_verified = :t",
            )
            .when("#role = :user AND email = :email")
            .name("#role", "role")
            .val(":agency", str_av(Role::Agency.as_str()))
            .val(":user", str_av(Role::User.as_str()))
            .val(":id", str_av(&a.id))
            .val(":email", str_av(email))
            .val(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .because("owner_not_user"),
        ])
        .await
    }

    pub async fn put_agency(&self, a: &Agency) -> Result<()> {
        let item = self.agency_item(a)?;
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(Error::Condition("not_found"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Removes an agency with no hosts left: its code is free again and its owner a plain user.
    pub async fn delete_agency(&self, a: &Agency) -> Result<()> {
        let mut items = vec![
            Action::delete(self, keys::agency(&a.id), keys::AGENCY).when("attribute_exists(pk)").because("not_found"),
            Action::delete(self, keys::agency_code(&a.code), keys::AGENCY_CODE).because("not_found"),
        ];
        // An invitation never accepted has no owner to turn back into a user.
        if !a.owner_id.is_empty() {
            items.push(
                Action::update(self, keys::account(&a.owner_id), keys::PROFILE, "SET #role = :user REMOVE agency_id")
                    .when("agency_id = :id")
                    .name("#role", "role")
                    .val(":user", str_av(Role::User.as_str()))
                    .val(":id", str_av(&a.id))
                    .because("not_found"),
            );
        }
        self.transact(items).await
    }

    pub async fn get_agency(&self, id: &str) -> Result<Option<Agency>> {
        self.get_as(keys::agency(id), keys::AGENCY).await
    }

    pub async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>> {
        let Some(item) = self.get(keys::agency_code(code), keys::AGENCY_CODE).await? else { return Ok(None) };
        match item.get("agency_id").and_then(|v| v.as_s().ok()) {
            Some(id) => self.get_agency(id).await,
            None => Err(Error::Corrupt("agency code without agency".into())),
        }
    }

    pub async fn list_agencies(&self, limit: usize, start: Option<PageKey>) -> Result<Page<Agency>> {
        let page = self.query_page(Some(&GSI1), keys::AGENCIES.into(), limit, None, start, false).await?;
        Ok(Page { items: from_items(page.items)?, next: page.next })
    }

    async fn ids_under(&self, agency_id: &str, prefix: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self.query_page(None, keys::agency(agency_id), 1000, Some(prefix), start, false).await?;
            out.extend(page.items.iter().filter_map(|i| i.get("host_id")?.as_s().ok().cloned()));
            match page.next {
                Some(k) => start = Some(k),
                None => return Ok(out),
            }
        }
    }

    /// A page of the agency's current hosts' ids.
    pub async fn agency_hosts_page(
        &self,
        agency_id: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<String>> {
        let page =
            self.query_page(None, keys::agency(agency_id), limit, Some(keys::AGENCY_HOST_PREFIX), start, false).await?;
        let ids = page.items.iter().filter_map(|i| i.get("host_id")?.as_s().ok().cloned()).collect();
        Ok(Page { items: ids, next: page.next })
    }

    /// The agency's current hosts.
    pub async fn agency_host_ids(&self, agency_id: &str) -> Result<Vec<String>> {
        self.ids_under(agency_id, keys::AGENCY_HOST_PREFIX).await
    }

    /// Former hosts of the agency whose earnings under it are not settled yet.
    pub async fn former_host_ids(&self, agency_id: &str) -> Result<Vec<String>> {
        self.ids_under(agency_id, keys::FORMER_HOST_PREFIX).await
    }

    /// Ends a host's link to its agency. The host's unsettled coins (exactly
    /// `host.earnings`, conditioned) stay theirs and are recorded as owed to
    /// settlement by this agency (`former_agency_*`, and a `FORMER#host` item
    /// under the agency). `not_agency_host`, `balance_changed`.
    pub async fn remove_agency_host(&self, agency_id: &str, host: &Account, now: i64) -> Result<()> {
        let mut items = vec![
            Action::delete(self, keys::agency(agency_id), &keys::agency_host(&host.id))
                .when("attribute_exists(pk)")
                .because("not_agency_host"),
        ];
        let account = if host.earnings > 0 {
            let mut former = Self::key(keys::agency(agency_id), keys::former_host(&host.id));
            former.insert("host_id".into(), str_av(&host.id));
            former.insert("removed_at".into(), num_av(now));
            items.push(Action::put(self, former).because("not_agency_host"));
            Action::update(
                self,
                keys::account(&host.id),
                keys::PROFILE,
                "SET former_agency_id = :a, former_agency_coins = :e REMOVE agency_id",
            )
        } else {
            Action::update(self, keys::account(&host.id), keys::PROFILE, "REMOVE agency_id")
        };
        items.push(
            account
                .when("agency_id = :a AND earnings = :e")
                .val(":a", str_av(agency_id))
                .val(":e", num_av(host.earnings))
                .because("balance_changed"),
        );
        self.transact(items).await
    }

    // ---- applications ----

    fn application_item(&self, a: &HostApplication) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(a)?;
        item.extend(Self::key(keys::host_application(&a.id), keys::HOST_APPLICATION));
        item.insert(GSI1.pk.into(), str_av(keys::applications_of(&a.agency_id, &a.status)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(a.created_at, &a.id)));
        item.insert(GSI2.pk.into(), str_av(keys::applications_by_status(&a.status)));
        item.insert(GSI2.sk.into(), str_av(keys::by_time(a.created_at, &a.id)));
        item.insert(GSI3.pk.into(), str_av(keys::applications_by(&a.account_id)));
        item.insert(GSI3.sk.into(), num_av(a.created_at));
        Ok(item)
    }

    /// `application_pending` (one at a time), `not_user` (hosts of an
    /// agency, agencies and admins do not apply; a host removed from one may).
    pub async fn create_application(&self, a: &HostApplication) -> Result<()> {
        let mut pending = Self::key(keys::account(&a.account_id), keys::PENDING_APPLICATION);
        pending.insert("application_id".into(), str_av(&a.id));
        self.transact(vec![
            Action::check(self, keys::account(&a.account_id), keys::PROFILE)
                .when(MAY_JOIN)
                .name("#role", "role")
                .val(":user", str_av(Role::User.as_str()))
                .val(":host", str_av(Role::Host.as_str()))
                .because("not_user"),
            Action::put(self, pending).when("attribute_not_exists(pk)").because("application_pending"),
            Action::put(self, self.application_item(a)?)
                .when("attribute_not_exists(pk)")
                .because("application_pending"),
        ])
        .await
    }

    pub async fn get_application(&self, id: &str) -> Result<Option<HostApplication>> {
        self.get_as(keys::host_application(id), keys::HOST_APPLICATION).await
    }

    pub async fn latest_application_of(&self, account_id: &str) -> Result<Option<HostApplication>> {
        let page = self.query_page(Some(&GSI3), keys::applications_by(account_id), 1, None, None, true).await?;
        Ok(from_items(page.items)?.into_iter().next())
    }

    /// An agency's (or with `None` every agency's) applications in a status, oldest first.
    pub async fn list_applications(
        &self,
        agency_id: Option<&str>,
        status: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<HostApplication>> {
        let page = match agency_id {
            Some(a) => {
                self.query_page(Some(&GSI1), keys::applications_of(a, status), limit, None, start, false).await?
            }
            None => {
                self.query_page(Some(&GSI2), keys::applications_by_status(status), limit, None, start, false).await?
            }
        };
        Ok(Page { items: from_items(page.items)?, next: page.next })
    }

    fn decide_items(&self, a: &HostApplication) -> Result<Vec<TxItem>> {
        Ok(vec![
            Action::put(self, self.application_item(a)?)
                .when("#status = :pending")
                .name("#status", "status")
                .val(":pending", str_av("pending"))
                .because("not_pending"),
            Action::delete(self, keys::account(&a.account_id), keys::PENDING_APPLICATION).because("not_pending"),
        ])
    }

    /// Approves: the account becomes a host of the agency with default call
    /// settings (a former host keeps theirs), linked to the agency, in one
    /// transaction. `not_pending`, `cannot_host` (no longer a plain user or a
    /// host without agency, or owing settlement to a former agency).
    pub async fn approve_application(&self, a: &HostApplication, name: &str, default_price: i64) -> Result<()> {
        let mut items = self.decide_items(a)?;
        items.push(
            Action::update(
                self,
                keys::account(&a.account_id),
                keys::PROFILE,
                "SET #role = :host, agency_id = :agency, call_price = if_not_exists(call_price, :price), \
                 #online = if_not_exists(#online, :false)",
            )
            .when(format!(
                "({MAY_JOIN}) AND (attribute_not_exists(former_agency_coins) OR former_agency_coins = :zero)"
            ))
            .name("#role", "role")
            .name("#online", "online")
            .val(":host", str_av(Role::Host.as_str()))
            .val(":user", str_av(Role::User.as_str()))
            .val(":agency", str_av(&a.agency_id))
            .val(":price", num_av(default_price))
            .val(":false", AttributeValue::Bool(false))
            .val(":zero", num_av(0))
            .because("cannot_host"),
        );
        // In the admin's host list from now on (its own item: see `keys::DIRECTORY`).
        items.push(
            Action::update(
                self,
                keys::account(&a.account_id),
                keys::DIRECTORY,
                "SET account_id = :id, gsi2pk = :hosts, gsi2sk = :name",
            )
            .val(":id", str_av(&a.account_id))
            .val(":hosts", str_av(keys::HOSTS))
            .val(":name", str_av(keys::name_key(name, &a.account_id)))
            .because("cannot_host"),
        );
        let mut link = Self::key(keys::agency(&a.agency_id), keys::agency_host(&a.account_id));
        link.insert("host_id".into(), str_av(&a.account_id));
        link.insert("joined_at".into(), num_av(a.decided_at.unwrap_or(a.created_at)));
        items.push(Action::put(self, link).because("cannot_host"));
        self.transact(items).await
    }

    /// Rejects (the reason is on `a`): `not_pending`.
    pub async fn reject_application(&self, a: &HostApplication) -> Result<()> {
        self.transact(self.decide_items(a)?).await
    }

    // ---- settlements ----

    /// Net earnings (credits less call refunds; settlements aside) a host got
    /// after `cutoff`: they wait for the next settlement. Whole days after the
    /// cutoff's come from the host's day items; only the rest of the cutoff's
    /// own day is read from the ledger (its ids sort by time), never more.
    pub async fn earnings_credited_after(&self, host_id: &str, cutoff: i64) -> Result<i64> {
        const DAY_MS: i64 = 86_400_000;
        let next_day = (cutoff.div_euclid(DAY_MS) + 1) * DAY_MS;
        let ulid_at = |ms: i64| keys::ledger(&ulid::Ulid::from_parts(ms.max(0) as u64, 0).to_string());
        let sum = |items: Vec<Item>, field: &str, keep: &dyn Fn(&Item) -> bool| -> i64 {
            items.iter().filter(|i| keep(i)).filter_map(|i| i.get(field)?.as_n().ok()?.parse::<i64>().ok()).sum()
        };
        let earnings_entry = |i: &Item| {
            i.get("balance").and_then(|v| v.as_s().ok()).is_some_and(|b| b == "earnings")
                && i.get("type").and_then(|v| v.as_s().ok()).is_some_and(|t| t != "settlement")
                && i.get("created_at").and_then(|v| v.as_n().ok()).and_then(|v| v.parse::<i64>().ok()) > Some(cutoff)
        };
        let rest_of_day = self.query_between(keys::account(host_id), ulid_at(cutoff + 1), ulid_at(next_day)).await?;
        let later_days = self
            .query_between(keys::account(host_id), keys::earning_day(&keys::day_of(next_day)), keys::earning_day("~"))
            .await?;
        Ok(sum(rest_of_day, "amount", &earnings_entry) + sum(later_days, "earned", &|_| true))
    }

    /// Every item of partition `pk` with `from <= sk < to` (all pages).
    async fn query_between(&self, pk: String, from: String, to: String) -> Result<Vec<Item>> {
        let mut out = Vec::new();
        self.each_between(pk, &from, &to, |i| {
            if i.get(crate::core::table::SK).and_then(|v| v.as_s().ok()).is_some_and(|sk| *sk != to) {
                out.push(i.clone());
            }
        })
        .await?;
        Ok(out)
    }

    /// Settles one host in one transaction: earnings down by `s.coins` (with
    /// `ADD`, as long as they cover it, so gifts and call minutes landing
    /// meanwhile never make it retry), settled earnings up, the ledger entry
    /// and the record. Settlements of one host are serialised by conditioning
    /// on `settled` (its settled earnings as read; only settlements change
    /// them), so two can never pay out the same coins. With `former` (the claim
    /// as read) the former agency's claim shrinks and its `FORMER#host` item
    /// goes once nothing is owed. `balance_changed`.
    pub async fn get_settlement(&self, id: &str) -> Result<Option<Settlement>> {
        self.get_as(keys::settlement(id), keys::SETTLEMENT).await
    }

    pub async fn settle_host(
        &self,
        st: &Settlement,
        settled: i64,
        entry: &LedgerEntry,
        payout: &LedgerEntry,
        former: Option<i64>,
    ) -> Result<()> {
        let mut record: Item = serde_dynamo::to_item(st)?;
        record.extend(Self::key(keys::settlement(&st.id), keys::SETTLEMENT));
        if let Some(a) = &st.agency_id {
            record.insert(GSI1.pk.into(), str_av(keys::settlements_of_agency(a)));
            record.insert(GSI1.sk.into(), str_av(keys::by_time(st.created_at, &st.id)));
        }
        record.insert(GSI2.pk.into(), str_av(keys::settlements_of_host(&st.host_id)));
        record.insert(GSI2.sk.into(), str_av(keys::by_time(st.created_at, &st.id)));
        record.insert(GSI3.pk.into(), str_av(keys::SETTLEMENTS));
        record.insert(GSI3.sk.into(), num_av(st.created_at));
        let mut ledger: Item = serde_dynamo::to_item(entry)?;
        ledger.extend(Self::key(keys::account(&st.host_id), keys::ledger(&entry.id)));
        let mut paid: Item = serde_dynamo::to_item(payout)?;
        paid.extend(Self::key(keys::account(&st.host_id), keys::ledger(&payout.id)));
        let same_settled = if settled == 0 {
            "(attribute_not_exists(settled_earnings) OR settled_earnings = :settled)"
        } else {
            "settled_earnings = :settled"
        };
        let account = match former {
            None => Action::update(
                self,
                keys::account(&st.host_id),
                keys::PROFILE,
                "ADD earnings :debit, settled_earnings :coins, payable_minor :payout",
            )
            .when(format!("earnings >= :coins AND {same_settled}")),
            Some(claim) => Action::update(
                self,
                keys::account(&st.host_id),
                keys::PROFILE,
                "SET former_agency_coins = :claim_after ADD earnings :debit, settled_earnings :coins, payable_minor :payout",
            )
            .when(format!("earnings >= :coins AND {same_settled} AND former_agency_coins = :claim"))
            .val(":claim", num_av(claim))
            .val(":claim_after", num_av(claim - st.coins)),
        };
        let mut items = vec![
            account
                .val(":debit", num_av(-st.coins))
                .val(":settled", num_av(settled))
                .val(":coins", num_av(st.coins))
                .val(":payout", num_av(payout.amount))
                .because("balance_changed"),
            Action::put(self, ledger).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT),
            Action::put(self, paid).when("attribute_not_exists(pk)").because(crate::core::db::PROOF_OF_COMMIT),
            Action::put(self, record).when("attribute_not_exists(pk)").because("balance_changed"),
        ];
        if let (Some(claim), Some(agency)) = (former, &st.agency_id)
            && claim == st.coins
        {
            items.push(
                Action::delete(self, keys::agency(agency), &keys::former_host(&st.host_id)).because("balance_changed"),
            );
        }
        self.transact(items).await
    }

    /// Settlements of an agency, a host, or (both `None`) everyone, newest first.
    pub async fn list_settlements(
        &self,
        agency_id: Option<&str>,
        host_id: Option<&str>,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Settlement>> {
        let page = match (agency_id, host_id) {
            (Some(a), _) => {
                self.query_page(Some(&GSI1), keys::settlements_of_agency(a), limit, None, start, true).await?
            }
            (None, Some(h)) => {
                self.query_page(Some(&GSI2), keys::settlements_of_host(h), limit, None, start, true).await?
            }
            (None, None) => self.query_page(Some(&GSI3), keys::SETTLEMENTS.into(), limit, None, start, true).await?,
        };
        Ok(Page { items: from_items(page.items)?, next: page.next })
    }
}
