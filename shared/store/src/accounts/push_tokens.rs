//! Device tokens for push: one owner each, moved in one transaction.

use crate::core::db::{Action, Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;

impl Db {
    /// Registers a device token for `account_id`'s login `session_id`. A token
    /// has one owner: registering it moves it from whoever had it (the device
    /// changed hands or accounts), in one transaction conditioned on the owner read.
    pub async fn put_push_token(
        &self,
        account_id: &str,
        session_id: &str,
        token_hash: &str,
        token: &str,
        platform: &str,
        now: i64,
    ) -> Result<()> {
        let mut retry = self.retry();
        while retry.attempt().await {
            let owner = self.get(keys::push_token_owner(token_hash), keys::PUSH_TOKEN_OWNER).await?;
            let previous = owner.as_ref().and_then(|o| o.get("account_id")?.as_s().ok().cloned());
            let mut owner_item = Self::key(keys::push_token_owner(token_hash), keys::PUSH_TOKEN_OWNER);
            owner_item.insert("account_id".into(), str_av(account_id));
            owner_item.insert("session_id".into(), str_av(session_id));
            let mut item = Self::key(keys::account(account_id), keys::push_token(token_hash));
            item.insert("token".into(), str_av(token));
            item.insert("platform".into(), str_av(platform));
            item.insert("session_id".into(), str_av(session_id));
            item.insert("updated_at".into(), num_av(now));
            let mut items = vec![
                match &previous {
                    None => Action::put(self, owner_item).when("attribute_not_exists(pk)"),
                    Some(p) => Action::put(self, owner_item).when("account_id = :prev").val(":prev", str_av(p)),
                }
                .because("owner_changed"),
                Action::put(self, item).because("owner_changed"),
            ];
            if let Some(p) = previous.as_deref().filter(|p| *p != account_id) {
                items.push(
                    Action::delete(self, keys::account(p), &keys::push_token(token_hash)).because("owner_changed"),
                );
            }
            match self.transact(items).await {
                Err(Error::Condition("owner_changed")) => continue,
                other => return other,
            }
        }
        Err(Error::Busy)
    }

    /// Forgets the device tokens a login registered (it signed out).
    pub async fn delete_push_tokens_of_session(&self, account_id: &str, session_id: &str) -> Result<()> {
        for i in &self.push_token_items(account_id).await? {
            let of_session = i.get("session_id").and_then(|v| v.as_s().ok()).is_some_and(|v| v == session_id);
            let Some(sk) = i.get(crate::core::table::SK).and_then(|v| v.as_s().ok()).filter(|_| of_session) else {
                continue;
            };
            let hash = sk.trim_start_matches(&keys::push_token(""));
            let gone = self
                .transact(vec![
                    Action::delete(self, keys::account(account_id), sk).because("owner_changed"),
                    Action::delete(self, keys::push_token_owner(hash), keys::PUSH_TOKEN_OWNER)
                        .when("attribute_not_exists(pk) OR account_id = :me")
                        .val(":me", str_av(account_id))
                        .because("owner_changed"),
                ])
                .await;
            match gone {
                Ok(()) | Err(Error::Condition("owner_changed")) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The push tokens registered by an account: (token, platform).
    pub async fn list_push_tokens(&self, account_id: &str) -> Result<Vec<(String, String)>> {
        Ok(self
            .push_token_items(account_id)
            .await?
            .iter()
            .filter_map(|i| Some((i.get("token")?.as_s().ok()?.clone(), i.get("platform")?.as_s().ok()?.clone())))
            .collect())
    }

    /// The account's push-token items (a handful per account: one page).
    async fn push_token_items(&self, account_id: &str) -> Result<Vec<Item>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
            .expression_attribute_values(":pk", str_av(keys::account(account_id)))
            .expression_attribute_values(":p", str_av(keys::push_token("")))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.items.unwrap_or_default())
    }
}
