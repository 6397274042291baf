//! Sign-in attempts (the lockout) and one-time codes: password resets, email and phone changes.

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};

use crate::core::db::{Action, Db, TxItem, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::table::TTL_ATTRIBUTE;

use super::account::*;

impl Db {
    /// Reserves one sign-in attempt before the password is checked, in a fixed
    /// window that starts at the first attempt: `false` when `limit` attempts
    /// are taken already in the window (then the caller refuses without
    /// checking). Atomic, so parallel guesses cannot all pass a check made
    /// before any of them is counted. A successful sign-in clears the window.
    pub async fn reserve_login_attempt(&self, account_id: &str, now: i64, window_ms: i64, limit: i64) -> Result<bool> {
        let key = Self::key(keys::account(account_id), keys::LOCKOUT);
        let cutoff = num_av(now - window_ms);
        let in_window = || {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key.clone()))
                .update_expression("ADD failures :one")
                .condition_expression("window_start > :cutoff AND failures < :limit")
                .expression_attribute_values(":one", num_av(1))
                .expression_attribute_values(":cutoff", cutoff.clone())
                .expression_attribute_values(":limit", num_av(limit))
                .send()
        };
        match in_window().await {
            Ok(_) => return Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
            Err(e) => return Err(e.into()),
        }
        // No live window (or a full one): start a window unless a live one exists.
        let mut item = key.clone();
        item.insert("window_start".into(), num_av(now));
        item.insert("failures".into(), num_av(1));
        item.insert(TTL_ATTRIBUTE.into(), num_av((now + window_ms) / 1000 + 60));
        let fresh = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk) OR window_start <= :cutoff")
            .expression_attribute_values(":cutoff", cutoff.clone())
            .send()
            .await;
        match fresh {
            Ok(_) => return Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
            Err(e) => return Err(e.into()),
        }
        // A racing attempt started the window first: take a place in it, if one is left.
        match in_window().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn clear_login_failures(&self, account_id: &str) -> Result<()> {
        self.delete(keys::account(account_id), keys::LOCKOUT).await
    }

    // ---- password reset codes ----

    pub async fn get_reset_code(&self, account_id: &str, kind: CodeKind) -> Result<Option<ResetCode>> {
        self.get_as(keys::account(account_id), kind.sk()).await
    }

    /// Stores a new code if nobody replaced the previous one meanwhile
    /// (`reset_conflict`), so concurrent requests cannot exceed the hourly sends.
    pub async fn put_reset_code(
        &self,
        account_id: &str,
        kind: CodeKind,
        code: &ResetCode,
        prev_version: Option<i64>,
    ) -> Result<()> {
        let mut item = with_key(serde_dynamo::to_item(code)?, keys::account(account_id), kind.sk());
        item.insert(
            TTL_ATTRIBUTE.into(),
            num_av(code.sends.iter().max().copied().unwrap_or(code.expires_at) / 1000 + 3600),
        );
        let mut req = self.client.put_item().table_name(&self.table).set_item(Some(item));
        req = match prev_version {
            None => req.condition_expression("attribute_not_exists(pk)"),
            Some(v) => req.condition_expression("version = :v").expression_attribute_values(":v", num_av(v)),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(Error::Condition("reset_conflict"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Counts a wrong guess against the code it was made for; fails
    /// (`invalid_code`) once the code is used up or replaced.
    pub async fn count_reset_try(
        &self,
        account_id: &str,
        kind: CodeKind,
        code_hash: &str,
        max_tries: i64,
    ) -> Result<()> {
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), kind.sk())))
            .update_expression("ADD tries :one")
            .condition_expression("code_hash = :h AND tries < :max")
            .expression_attribute_values(":one", num_av(1))
            .expression_attribute_values(":h", str_av(code_hash))
            .expression_attribute_values(":max", num_av(max_tries))
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(Error::Condition("invalid_code"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Sets the new password and consumes the code in one transaction, so a code
    /// works once even when two resets race (`invalid_code` for the loser). The
    /// login-failure window is cleared in the same step.
    pub async fn reset_password(
        &self,
        account_id: &str,
        code_hash: &str,
        max_tries: i64,
        new_hash: &str,
    ) -> Result<()> {
        let consume = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), keys::RESET)))
            .condition_expression("code_hash = :h AND tries < :max")
            .expression_attribute_values(":h", str_av(code_hash))
            .expression_attribute_values(":max", num_av(max_tries))
            .build()
            .expect("delete");
        let set = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), keys::PROFILE)))
            .update_expression("SET password_hash = :p")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":p", str_av(new_hash))
            .build()
            .expect("update");
        let unlock = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), keys::LOCKOUT)))
            .build()
            .expect("delete");
        self.transact(vec![
            TxItem { item: TransactWriteItem::builder().delete(consume).build(), reason: "invalid_code" },
            TxItem { item: TransactWriteItem::builder().update(set).build(), reason: "not_found" },
            TxItem { item: TransactWriteItem::builder().delete(unlock).build(), reason: "invalid_code" },
        ])
        .await
    }

    /// Records the new e-mail or phone asked for (`kind` names which), to take
    /// effect when its code comes back.
    pub async fn set_pending_address(&self, account_id: &str, kind: CodeKind, address: &str) -> Result<()> {
        let field = if kind == CodeKind::VerifyPhone { "pending_phone" } else { "pending_email" };
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), keys::PROFILE)))
            .update_expression(format!("SET {field} = :a"))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":a", str_av(address))
            .send()
            .await?;
        Ok(())
    }

    /// Moves the account to the new address its code proved, in one
    /// transaction: the code used up (`invalid_code`), the new login claimed
    /// (`account_exists` when someone took it meanwhile), the old login (if
    /// any) released, the profile's address replaced and verified.
    pub async fn change_login(
        &self,
        account_id: &str,
        kind: CodeKind,
        code_hash: &str,
        max_tries: i64,
        old: Option<&str>,
        new: &str,
    ) -> Result<()> {
        let (field, flag, pending) = match kind {
            CodeKind::VerifyPhone => ("phone", "phone_verified", "pending_phone"),
            _ => ("email", "email_verified", "pending_email"),
        };
        let mut items = vec![
            Action::delete(self, keys::account(account_id), kind.sk())
                .when("code_hash = :h AND tries < :max")
                .val(":h", str_av(code_hash))
                .val(":max", num_av(max_tries))
                .because("invalid_code"),
            Action::put(self, self.login_item(new, account_id))
                .when("attribute_not_exists(pk)")
                .because("account_exists"),
            Action::update(
                self,
                keys::account(account_id),
                keys::PROFILE,
                format!("SET {field} = :new, {flag} = :t REMOVE {pending}"),
            )
            .when(format!("{pending} = :new"))
            .val(":new", str_av(new))
            .val(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .because("invalid_code"),
        ];
        if let Some(old) = old {
            items.push(
                Action::delete(self, keys::login(old), keys::LOGIN)
                    .when("account_id = :me")
                    .val(":me", str_av(account_id))
                    .because("invalid_code"),
            );
        }
        self.transact(items).await
    }

    /// Marks the account's e-mail verified without a code (the demo data: its
    /// addresses receive nothing).
    pub async fn set_email_verified(&self, account_id: &str) -> Result<()> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::account(account_id), keys::PROFILE)))
            .update_expression("SET email_verified = :t")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .send()
            .await?;
        Ok(())
    }

    /// Marks the account's e-mail or phone verified and consumes the code, in
    /// one transaction: `invalid_code` when the code was used up or replaced,
    /// `address_changed` when the address is no longer the one it was sent to.
    pub async fn verify_address(
        &self,
        account_id: &str,
        kind: CodeKind,
        code_hash: &str,
        max_tries: i64,
        address: &str,
    ) -> Result<()> {
        let (field, flag) = match kind {
            CodeKind::VerifyPhone => ("phone", "phone_verified"),
            _ => ("email", "email_verified"),
        };
        self.transact(vec![
            Action::delete(self, keys::account(account_id), kind.sk())
                .when("code_hash = :h AND tries < :max")
                .val(":h", str_av(code_hash))
                .val(":max", num_av(max_tries))
                .because("invalid_code"),
            Action::update(self, keys::account(account_id), keys::PROFILE, format!("SET {flag} = :t"))
                .when(format!("{field} = :a"))
                .val(":t", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
                .val(":a", str_av(address))
                .because("address_changed"),
        ])
        .await
    }
}
