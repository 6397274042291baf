//! Accounts: the profile item, its login and directory entries, roles and bans;
//! sign-in attempts and one-time codes (`credentials`); device tokens (`push_tokens`).

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use serde::{Deserialize, Serialize};

use crate::core::db::{Db, Item, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::{GSI1, GSI2};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Host,
    Agency,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Host => "host",
            Role::Agency => "agency",
            Role::Admin => "admin",
        }
    }
}

/// The account item: identity, credentials, profile and the counters shown on it.
/// The part of an account that pays: see `Db::get_payers`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Payer {
    pub id: String,
    #[serde(default)]
    pub coins: i64,
    #[serde(default)]
    pub coin_debt: i64,
    #[serde(default)]
    pub banned: bool,
}

impl From<&Account> for Payer {
    fn from(a: &Account) -> Self {
        Payer { id: a.id.clone(), coins: a.coins, coin_debt: a.coin_debt, banned: a.banned }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub role: Role,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub password_hash: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default)]
    pub interest_ids: Vec<String>,
    #[serde(default)]
    pub followers: i64,
    #[serde(default)]
    pub following: i64,
    #[serde(default)]
    pub posts: i64,
    /// Hosts: coins per minute of a video call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_price: Option<i64>,
    #[serde(default)]
    pub online: bool,
    #[serde(default)]
    pub banned: bool,
    /// Coins the account holds to spend.
    #[serde(default)]
    pub coins: i64,
    /// Coins a refund or chargeback took back that the balance could not
    /// cover: paid first from the next recharge; no spending until then.
    #[serde(default)]
    pub coin_debt: i64,
    /// Hosts: coins earned and not yet settled.
    #[serde(default)]
    pub earnings: i64,
    /// Promotional coins (`wallet::bonus`): they buy only bonus gifts.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bonus_coins: i64,
    /// Every bonus coin ever granted: the expiry's guard against a grant
    /// landing between its reads.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bonus_granted: i64,
    /// Paid coins spent (gifts, calls, VIP) and earnings received from paid
    /// coins: the wealth and charm levels.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub wealth_xp: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub charm_xp: i64,
    /// When each VIP tier's time ends (0: never bought); the highest
    /// unexpired tier is the one shown (`rewards::vip`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vip1_ends_at: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vip2_ends_at: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub vip3_ends_at: i64,
    /// Hosts: coins earned and settled (paid out through a settlement).
    #[serde(default)]
    pub settled_earnings: i64,
    /// Hosts and agency owners: money they may withdraw (minor units).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub payable_minor: i64,
    /// none, pending, verified, rejected, expired (`payouts::kyc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyc_status: Option<String>,
    /// The verified KYC's legal name: a payout account's holder must match it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyc_name: Option<String>,
    /// When the verified document expires (0: no expiry given).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub kyc_expires_at: i64,
    /// The latest KYC submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyc_id: Option<String>,
    /// The withdrawal still open (requested, approved, processing): one at a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawal_open: Option<String>,
    /// When the last withdrawal that counts was requested: one a week.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_withdrawal_at: i64,
    /// Hosts: activity counters for the panels.
    #[serde(default)]
    pub gifts_received: i64,
    #[serde(default)]
    pub call_minutes: i64,
    /// Hosts: their agency; agency owners: the agency they own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    /// Hosts removed from an agency: the unsettled coins earned under it, which
    /// that agency settles (a host can join another agency once they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_agency_id: Option<String>,
    #[serde(default)]
    pub former_agency_coins: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banned_reason: Option<String>,
    /// The account proved it receives mail at `email` / texts at `phone` (a code we sent).
    #[serde(default)]
    pub email_verified: bool,
    #[serde(default)]
    pub phone_verified: bool,
    /// A new address asked for: it replaces `email` / `phone` once the code
    /// sent to it comes back (`Db::change_login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_phone: Option<String>,
    /// The Stripe Customer its card payments are saved under (made at the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe_customer_id: Option<String>,
    pub created_at: i64,
}

impl Account {
    /// A fresh account: no profile details, no counters, no coins.
    pub fn new(
        id: String,
        role: Role,
        name: String,
        login: (Option<String>, Option<String>),
        password_hash: String,
        now: i64,
    ) -> Self {
        Account {
            id,
            role,
            name,
            email: login.0,
            phone: login.1,
            password_hash,
            bio: String::new(),
            avatar_id: None,
            gender: None,
            birthday: None,
            language: None,
            interest_ids: vec![],
            followers: 0,
            following: 0,
            posts: 0,
            call_price: None,
            online: false,
            banned: false,
            coins: 0,
            coin_debt: 0,
            earnings: 0,
            bonus_coins: 0,
            bonus_granted: 0,
            wealth_xp: 0,
            charm_xp: 0,
            vip1_ends_at: 0,
            vip2_ends_at: 0,
            vip3_ends_at: 0,
            settled_earnings: 0,
            payable_minor: 0,
            kyc_status: None,
            kyc_name: None,
            kyc_id: None,
            kyc_expires_at: 0,
            withdrawal_open: None,
            last_withdrawal_at: 0,
            gifts_received: 0,
            call_minutes: 0,
            stripe_customer_id: None,
            agency_id: None,
            former_agency_id: None,
            former_agency_coins: 0,
            banned_reason: None,
            email_verified: false,
            phone_verified: false,
            pending_email: None,
            pending_phone: None,
            created_at: now,
        }
    }

    /// The e-mail or phone the account logs in with.
    pub fn login(&self) -> &str {
        self.email.as_deref().or(self.phone.as_deref()).unwrap_or_default()
    }
}

/// Profile fields an account may change about itself; `None` leaves a field as it is.
#[derive(Default, Debug)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub bio: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub language: Option<String>,
    pub avatar_id: Option<String>,
    pub interest_ids: Option<Vec<String>>,
}

/// What a one-time code is for: one code of each kind per account at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CodeKind {
    PasswordReset,
    VerifyEmail,
    VerifyPhone,
}

impl CodeKind {
    pub(super) fn sk(self) -> &'static str {
        match self {
            CodeKind::PasswordReset => keys::RESET,
            CodeKind::VerifyEmail => keys::VERIFY_EMAIL,
            CodeKind::VerifyPhone => keys::VERIFY_PHONE,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResetCode {
    pub code_hash: String,
    pub expires_at: i64,
    pub tries: i64,
    /// When codes were sent (ms), for the hourly limit.
    pub sends: Vec<i64>,
    /// Optimistic-lock counter so concurrent sends cannot exceed the limit.
    pub version: i64,
}

pub(super) fn with_key(mut item: Item, pk: String, sk: &str) -> Item {
    item.extend(Db::key(pk, sk));
    item
}

fn put(db: &Db, item: Item, condition: Option<&str>) -> TransactWriteItem {
    TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(&db.table)
                .set_item(Some(item))
                .set_condition_expression(condition.map(String::from))
                .build()
                .expect("put"),
        )
        .build()
}

impl Db {
    fn account_item(&self, a: &Account) -> Result<Item> {
        Ok(with_key(serde_dynamo::to_item(a)?, keys::account(&a.id), keys::PROFILE))
    }

    /// The account's entry in the admin lists (`keys::DIRECTORY`).
    fn directory_item(&self, a: &Account) -> Item {
        let mut item = Self::key(keys::account(&a.id), keys::DIRECTORY);
        item.insert("account_id".into(), str_av(&a.id));
        item.insert(GSI1.pk.into(), str_av(keys::ACCOUNTS));
        item.insert(GSI1.sk.into(), str_av(keys::name_key(&a.name, &a.id)));
        if a.role == Role::Host {
            item.insert(GSI2.pk.into(), str_av(keys::HOSTS));
            item.insert(GSI2.sk.into(), str_av(keys::name_key(&a.name, &a.id)));
        }
        item
    }

    /// The accounts behind a page of the admin lists, in its order: directory
    /// entries name their account (read in one batch); profiles written before
    /// the directory existed are in the index themselves.
    async fn listed_accounts(&self, items: Vec<Item>) -> Result<Vec<Account>> {
        let id_of = |i: &Item| i.get("account_id").and_then(|v| v.as_s().ok()).cloned();
        let ids: Vec<String> = items.iter().filter_map(id_of).collect();
        let mut found: std::collections::HashMap<String, Account> =
            self.get_accounts(&ids).await?.into_iter().map(|a| (a.id.clone(), a)).collect();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match id_of(&item) {
                Some(id) => out.extend(found.remove(&id)),
                None => out.push(serde_dynamo::from_item(item)?),
            }
        }
        Ok(out)
    }

    pub(super) fn login_item(&self, login: &str, account_id: &str) -> Item {
        let mut i = Self::key(keys::login(login), keys::LOGIN);
        i.insert("account_id".into(), str_av(account_id));
        i
    }

    /// Creates the account and claims its login in one transaction, so two
    /// sign-ups with the same e-mail cannot both succeed (`account_exists`).
    /// `admin` also claims the single-admin sentinel (`admin_exists`).
    pub async fn create_account(&self, a: &Account, admin: bool) -> Result<()> {
        let new = Some("attribute_not_exists(pk)");
        let mut items = vec![
            TxItem { item: put(self, self.login_item(a.login(), &a.id), new), reason: "account_exists" },
            TxItem { item: put(self, self.account_item(a)?, new), reason: "account_exists" },
            TxItem { item: put(self, self.directory_item(a), new), reason: "account_exists" },
        ];
        if admin {
            let sentinel = Self::key(keys::ADMIN_SENTINEL.into(), keys::ADMIN_SENTINEL);
            items.insert(0, TxItem { item: put(self, sentinel, new), reason: "admin_exists" });
        }
        let rec =
            crate::wallet::events::Recording { day: vec![("new_users", 1)], at: a.created_at, ..Default::default() };
        self.transact_recording(items, rec).await
    }

    pub async fn admin_exists(&self) -> Result<bool> {
        Ok(self.get(keys::ADMIN_SENTINEL.into(), keys::ADMIN_SENTINEL).await?.is_some())
    }

    pub async fn get_account(&self, id: &str) -> Result<Option<Account>> {
        self.get_as(keys::account(id), keys::PROFILE).await
    }

    pub async fn get_accounts(&self, ids: &[String]) -> Result<Vec<Account>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| Self::key(keys::account(id), keys::PROFILE)).collect();
            for item in self.batch_get(keys).await? {
                out.push(serde_dynamo::from_item(item)?);
            }
        }
        Ok(out)
    }

    /// Just the balance side of accounts (id, coins, banned), as the call-tick
    /// needs it for thousands of callers: a projection, not whole profiles.
    pub async fn get_payers(&self, ids: &[String]) -> Result<Vec<Payer>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| Self::key(keys::account(id), keys::PROFILE)).collect();
            for item in self.batch_get_projected(keys, "pk, sk, id, coins, coin_debt, banned").await? {
                out.push(serde_dynamo::from_item(item)?);
            }
        }
        Ok(out)
    }

    pub async fn find_account_by_login(&self, login: &str) -> Result<Option<Account>> {
        match self.account_id_by_login(login).await? {
            Some(id) => self.get_account(&id).await,
            None => Ok(None),
        }
    }

    /// The id of the account signing in with `login` (an e-mail or a phone number).
    pub async fn account_id_by_login(&self, login: &str) -> Result<Option<String>> {
        let Some(item) = self.get(keys::login(login), keys::LOGIN).await? else {
            return Ok(None);
        };
        match item.get("account_id").and_then(|v| v.as_s().ok()) {
            Some(id) => Ok(Some(id.clone())),
            None => Err(Error::Corrupt("login item without account_id".into())),
        }
    }

    /// Just an account's password hash (a projection: sign-in reads no more
    /// before the password is right).
    pub async fn password_hash_of(&self, id: &str) -> Result<Option<String>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .projection_expression("password_hash")
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item.and_then(|i| i.get("password_hash").and_then(|v| v.as_s().ok()).cloned()))
    }

    /// Applies the given profile changes and answers the updated account
    /// (`not_found` if the account is gone).
    pub async fn update_profile(&self, id: &str, ch: ProfileChanges) -> Result<Account> {
        let mut sets = Vec::new();
        let mut values = std::collections::HashMap::new();
        let mut names = std::collections::HashMap::new();
        let mut field = |name: &str, v: aws_sdk_dynamodb::types::AttributeValue| {
            names.insert(format!("#{name}"), name.to_string());
            values.insert(format!(":{name}"), v);
            sets.push(format!("#{name} = :{name}"));
        };
        let renamed = ch.name.is_some();
        if let Some(v) = ch.name {
            field("name", str_av(v))
        }
        if let Some(v) = ch.bio {
            field("bio", str_av(v))
        }
        if let Some(v) = ch.gender {
            field("gender", str_av(v))
        }
        if let Some(v) = ch.birthday {
            field("birthday", str_av(v))
        }
        if let Some(v) = ch.language {
            field("language", str_av(v))
        }
        if let Some(v) = ch.avatar_id {
            field("avatar_id", str_av(v))
        }
        if let Some(v) = ch.interest_ids {
            field("interest_ids", aws_sdk_dynamodb::types::AttributeValue::L(v.into_iter().map(str_av).collect()))
        }
        if sets.is_empty() {
            return self.get_account(id).await?.ok_or(Error::Condition("not_found"));
        }
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .update_expression(format!("SET {}", sets.join(", ")))
            .condition_expression("attribute_exists(pk)")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values));
        let after: Account = self.update_returning(req, "not_found").await?;
        if renamed {
            // The admin lists sort and search by name: their entry follows it.
            self.put_directory(&after).await?;
        }
        Ok(after)
    }

    /// Writes the account's admin-list entry as the account now is (a name or role change).
    pub(crate) async fn put_directory(&self, a: &Account) -> Result<()> {
        self.client.put_item().table_name(&self.table).set_item(Some(self.directory_item(a))).send().await?;
        Ok(())
    }

    /// Makes an account a host with its call settings (demo data and tests;
    /// real hosts come through an approved application).
    pub async fn make_host(&self, id: &str, call_price: i64, online: bool) -> Result<()> {
        let a = self.get_account(id).await?.ok_or(Error::Condition("not_found"))?;
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .update_expression("SET #role = :host, call_price = :p, #online = :o")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#role", "role")
            .expression_attribute_names("#online", "online")
            .expression_attribute_values(":host", str_av(Role::Host.as_str()))
            .expression_attribute_values(":p", num_av(call_price))
            .expression_attribute_values(":o", aws_sdk_dynamodb::types::AttributeValue::Bool(online))
            .send()
            .await?;
        self.put_directory(&Account { role: Role::Host, ..a }).await
    }

    /// Accounts by name (a prefix of the lowercased name, or all), A to Z.
    pub async fn list_accounts(
        &self,
        name_prefix: Option<&str>,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Account>> {
        let prefix = name_prefix.map(|p| p.to_lowercase());
        let page = self.query_page(Some(&GSI1), keys::ACCOUNTS.into(), limit, prefix.as_deref(), start, false).await?;
        Ok(Page { items: self.listed_accounts(page.items).await?, next: page.next })
    }

    /// Hosts, A to Z.
    pub async fn list_host_accounts(&self, limit: usize, start: Option<PageKey>) -> Result<Page<Account>> {
        let page = self.query_page(Some(&GSI2), keys::HOSTS.into(), limit, None, start, false).await?;
        Ok(Page { items: self.listed_accounts(page.items).await?, next: page.next })
    }

    /// Records the account's Stripe Customer; the first recorded stays
    /// (two first purchases racing made two customers: one is kept). Answers the kept one.
    pub async fn set_stripe_customer(&self, id: &str, customer: &str) -> Result<String> {
        let req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .condition_expression("attribute_exists(pk)")
            .update_expression("SET stripe_customer_id = if_not_exists(stripe_customer_id, :c)")
            .expression_attribute_values(":c", str_av(customer));
        let a: Account = self.update_returning(req, "not_found").await?;
        Ok(a.stripe_customer_id.unwrap_or_else(|| customer.to_string()))
    }

    /// Bans (with the reason, at `now`) or unbans an account: a banned one cannot sign
    /// in, refresh or move coins, and is offline for calls. Admins cannot be banned (`not_bannable`).
    pub async fn set_banned(&self, id: &str, banned: bool, reason: Option<&str>, now: i64) -> Result<Account> {
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(id), keys::PROFILE)))
            .condition_expression("attribute_exists(pk) AND #role <> :admin")
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":admin", str_av(Role::Admin.as_str()))
            .expression_attribute_values(":b", aws_sdk_dynamodb::types::AttributeValue::Bool(banned));
        req = match reason {
            // A banned host is offline for calls too; unbanning leaves it offline.
            Some(r) => req
                .update_expression("SET banned = :b, banned_reason = :r, banned_at = :now, #online = :off")
                .expression_attribute_names("#online", "online")
                .expression_attribute_values(":now", num_av(now))
                .expression_attribute_values(":off", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                .expression_attribute_values(":r", str_av(r)),
            None => req.update_expression("SET banned = :b REMOVE banned_reason, banned_at"),
        };
        self.update_returning(req, "not_bannable").await
    }
}

impl Account {
    /// When VIP `tier` (1–3) ends (0: never bought).
    pub fn vip_ends_at(&self, tier: i64) -> i64 {
        match tier {
            1 => self.vip1_ends_at,
            2 => self.vip2_ends_at,
            3 => self.vip3_ends_at,
            _ => 0,
        }
    }

    /// The highest VIP tier whose time runs at `now` (0: none).
    pub fn vip_tier(&self, now: i64) -> i64 {
        (1..=3).rev().find(|t| self.vip_ends_at(*t) > now).unwrap_or(0)
    }
}

impl crate::wallet::bonus::BonusHeld for Account {
    fn id(&self) -> &str {
        &self.id
    }
    fn bonus_coins(&self) -> i64 {
        self.bonus_coins
    }
    fn bonus_granted(&self) -> i64 {
        self.bonus_granted
    }
}

/// Fields most accounts never use stay off their item (a profile is written often).
fn is_zero(v: &i64) -> bool {
    *v == 0
}
