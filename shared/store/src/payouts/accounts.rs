//! Payout accounts: where a host's or agency's money is paid, under the
//! account's own partition. A new one opens for withdrawals only after the
//! hold (`opens_at`), so a taken-over login cannot redirect money at once.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av};
use crate::core::error::Result;
use crate::core::keys;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayoutAccount {
    pub id: String,
    pub account_id: String,
    /// bank, upi, paypal
    pub method: String,
    pub holder_name: String,
    /// bank: account number and IFSC; upi: the VPA; paypal: the e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ifsc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpa: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Withdrawals to it are refused before this.
    pub opens_at: i64,
    pub created_at: i64,
    /// RazorpayX's contact and fund account, once made (the first payout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_fund_account_id: Option<String>,
}

/// An account may keep this many payout accounts.
pub const MAX_PAYOUT_ACCOUNTS: usize = 5;

impl Db {
    pub async fn put_payout_account(&self, p: &PayoutAccount) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(p)?;
        item.extend(Self::key(keys::account(&p.account_id), keys::payout_account(&p.id)));
        self.write_one(Action::put(self, item).when("attribute_not_exists(pk)").because("payout_account_exists")).await
    }

    pub async fn payout_accounts(&self, account_id: &str) -> Result<Vec<PayoutAccount>> {
        let mut out = Vec::new();
        let to = format!("{}~", keys::PAYOUT_ACCOUNT_PREFIX);
        let mut err = None;
        self.each_between(
            keys::account(account_id),
            keys::PAYOUT_ACCOUNT_PREFIX,
            &to,
            |i| match serde_dynamo::from_item(i.clone()) {
                Ok(p) => out.push(p),
                Err(e) => err = Some(e),
            },
        )
        .await?;
        match err {
            Some(e) => Err(e.into()),
            None => Ok(out),
        }
    }

    pub async fn get_payout_account(&self, account_id: &str, id: &str) -> Result<Option<PayoutAccount>> {
        self.get_as(keys::account(account_id), &keys::payout_account(id)).await
    }

    pub async fn delete_payout_account(&self, account_id: &str, id: &str) -> Result<()> {
        self.delete(keys::account(account_id), &keys::payout_account(id)).await
    }

    /// Keeps RazorpayX's contact and fund account ids of a payout account.
    pub async fn set_payout_account_provider(&self, p: &PayoutAccount, contact: &str, fund: &str) -> Result<()> {
        let action = Action::update(
            self,
            keys::account(&p.account_id),
            &keys::payout_account(&p.id),
            "SET provider_contact_id = :c, provider_fund_account_id = :f",
        )
        .when("attribute_exists(pk) AND opens_at = :opens")
        .val(":c", crate::core::db::str_av(contact))
        .val(":f", crate::core::db::str_av(fund))
        .val(":opens", num_av(p.opens_at))
        .because("payout_account_changed");
        match self.write_one(action).await {
            // Removed meanwhile: the ids are only a cache.
            Err(crate::core::error::Error::Condition(_)) => Ok(()),
            other => other,
        }
    }
}
