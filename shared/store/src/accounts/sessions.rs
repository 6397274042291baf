//! Logins ("sessions") and their rotating refresh tokens. A session holds the
//! hash of its one current refresh token; every token ever issued has its own
//! item so a rotated one is recognised when it comes back (reuse).

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::core::db::{Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::table::{PK, SK, TTL_ATTRIBUTE};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub account_id: String,
    pub session_id: String,
    pub used: bool,
    pub expires_at: i64,
    /// Once rotated: when, and the successor token sealed with this token
    /// (only its holder can open it), so a refresh racing the rotation gets
    /// the same successor instead of signing the user out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// An account's standing as a request sees it (`Db::session_standing`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub role: crate::accounts::account::Role,
    pub banned: bool,
    /// The token's session has not ended (logout, reset, ban).
    pub alive: bool,
}

impl Db {
    fn refresh_item(&self, hash: &str, r: &RefreshRecord) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(r)?;
        item.extend(Self::key(keys::refresh(hash), keys::REFRESH));
        item.insert(TTL_ATTRIBUTE.into(), num_av(r.expires_at / 1000));
        Ok(item)
    }

    fn put_tx(&self, item: Item) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(Put::builder().table_name(&self.table).set_item(Some(item)).build().expect("put"))
            .build()
    }

    /// Starts a login with its first refresh token.
    pub async fn create_session(&self, hash: &str, r: &RefreshRecord, now: i64) -> Result<()> {
        let mut session = Self::key(keys::account(&r.account_id), keys::session(&r.session_id));
        session.insert("current".into(), str_av(hash));
        session.insert("created_at".into(), num_av(now));
        session.insert(TTL_ATTRIBUTE.into(), num_av(r.expires_at / 1000));
        self.transact(vec![
            TxItem { item: self.put_tx(session), reason: "session_exists" },
            TxItem { item: self.put_tx(self.refresh_item(hash, r)?), reason: "session_exists" },
        ])
        .await
    }

    pub async fn get_refresh(&self, hash: &str) -> Result<Option<RefreshRecord>> {
        self.get_as(keys::refresh(hash), keys::REFRESH).await
    }

    /// Replaces the session's current token `old` by `new` in one transaction:
    /// `token_reused` if `old` was already rotated (the caller then revokes the
    /// session), `session_revoked` if the login is gone or moved on.
    pub async fn rotate_refresh(&self, old: &str, new: &str, r: &RefreshRecord, sealed: &str, now: i64) -> Result<()> {
        let mark_used = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::refresh(old), keys::REFRESH)))
            .update_expression("SET used = :t, rotated_at = :now, successor = :sealed")
            .condition_expression("used = :f")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .expression_attribute_values(":f", AttributeValue::Bool(false))
            .expression_attribute_values(":now", num_av(now))
            .expression_attribute_values(":sealed", str_av(sealed))
            .build()
            .expect("update");
        let advance = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(&r.account_id), keys::session(&r.session_id))))
            .update_expression("SET #c = :new")
            .condition_expression("#c = :old")
            .expression_attribute_names("#c", "current")
            .expression_attribute_values(":new", str_av(new))
            .expression_attribute_values(":old", str_av(old))
            .build()
            .expect("update");
        self.transact(vec![
            TxItem { item: TransactWriteItem::builder().update(mark_used).build(), reason: "token_reused" },
            TxItem { item: TransactWriteItem::builder().update(advance).build(), reason: "session_revoked" },
            TxItem { item: self.put_tx(self.refresh_item(new, r)?), reason: "session_revoked" },
        ])
        .await
    }

    /// Ends one login: its tokens stop working because the session is gone.
    pub async fn revoke_session(&self, account_id: &str, session_id: &str) -> Result<()> {
        self.delete(keys::account(account_id), &keys::session(session_id)).await
    }

    /// Ends every login of an account (password reset, ban): its sessions
    /// read in one paged range query, deleted 25 a request.
    pub async fn revoke_all_sessions(&self, account_id: &str) -> Result<usize> {
        let mut keys_of = Vec::new();
        let to = format!("{}~", keys::SESSION_PREFIX);
        self.each_between(keys::account(account_id), keys::SESSION_PREFIX, &to, |i| {
            let key: Item =
                i.iter().filter(|(k, _)| *k == PK || *k == SK).map(|(k, v)| (k.clone(), v.clone())).collect();
            keys_of.push((key, None));
        })
        .await?;
        let revoked = keys_of.len();
        self.batch_write(keys_of).await?;
        Ok(revoked)
    }

    /// What an authorised request needs to know of its token's login, in one
    /// read (the profile and the session together): the account's current
    /// role, whether it is banned and whether the session is alive; `None`
    /// when the account is gone.
    pub async fn session_standing(&self, account_id: &str, session_id: &str) -> Result<Option<Standing>> {
        let profile_key = Self::key(keys::account(account_id), keys::PROFILE);
        let session_key = Self::key(keys::account(account_id), keys::session(session_id));
        let items = self.batch_get(vec![profile_key.clone(), session_key]).await?;
        let (mut profile, mut alive) = (None, false);
        for item in items {
            if item.get(SK) == profile_key.get(SK) {
                profile = Some(item);
            } else {
                alive = true;
            }
        }
        #[derive(Deserialize)]
        struct Profile {
            role: crate::accounts::account::Role,
            #[serde(default)]
            banned: bool,
        }
        let Some(p) = profile else { return Ok(None) };
        let p: Profile = serde_dynamo::from_item(p)?;
        Ok(Some(Standing { role: p.role, banned: p.banned, alive }))
    }
}

impl Db {
    /// Counts one hit of `key` in `scope`'s fixed window of `window_ms` that
    /// holds `now` (one `ADD`, atomic under any concurrency) and returns the
    /// window's hits so far, this one included. The counter expires with TTL.
    pub async fn hit_rate_counter(&self, scope: &str, key: &str, window_ms: i64, now: i64) -> Result<i64> {
        let start = now - now.rem_euclid(window_ms);
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::rate(scope, key), keys::rate_window(start))))
            .update_expression("ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)")
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":one", num_av(1))
            .expression_attribute_values(":ttl", num_av((start + window_ms) / 1000 + 60))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await?;
        Ok(out
            .attributes
            .and_then(|a| a.get("hits").and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok()))
            .unwrap_or(1))
    }
}
