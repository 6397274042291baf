//! Recharges: a pending order for a coin package, credited once by the
//! provider's webhook.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};

use crate::db::{Db, Item, TxItem, n, s};
use crate::wallet::{IdempotentReply, WalletChange};
use crate::{Error, Result, keys};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recharge {
    pub id: String,
    pub account_id: String,
    pub package_id: String,
    pub provider: String,
    pub provider_ref: String,
    /// The package's terms when ordered: later catalog edits do not change them.
    pub coins: i64,
    pub bonus_coins: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// pending → credited
    pub status: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credited_at: Option<i64>,
}

impl Db {
    /// Stores a pending recharge and its provider reference (for webhook look-ups).
    pub async fn create_recharge(
        &self,
        r: &Recharge,
        idempotency: Option<(&str, &str, &IdempotentReply)>,
    ) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(r)?;
        item.extend(Self::key(keys::recharge(&r.id), keys::RECHARGE));
        let mut by_ref = Self::key(keys::payment_ref(&r.provider, &r.provider_ref), keys::PAYMENT_REF);
        by_ref.insert("recharge_id".into(), s(&r.id));
        let put = |item: Item| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()
                        .expect("put"),
                )
                .build()
        };
        let mut items =
            vec![TxItem { item: put(item), reason: "exists" }, TxItem { item: put(by_ref), reason: "exists" }];
        if let Some((account, key, reply)) = idempotency {
            items.push(self.idempotency_item(account, key, reply)?);
        }
        self.transact(items).await
    }

    pub async fn get_recharge(&self, id: &str) -> Result<Option<Recharge>> {
        self.get_as(keys::recharge(id), keys::RECHARGE).await
    }

    pub async fn find_recharge_by_ref(&self, provider: &str, reference: &str) -> Result<Option<Recharge>> {
        let Some(item) = self.get(keys::payment_ref(provider, reference), keys::PAYMENT_REF).await? else {
            return Ok(None);
        };
        let id =
            item.get("recharge_id").and_then(|v| v.as_s().ok()).ok_or(Error::Corrupt("payref without id".into()))?;
        self.get_recharge(id).await
    }

    /// Marks the recharge credited and credits the coins with their ledger
    /// entry, in one transaction: `already_credited` when it was credited before
    /// (a replayed webhook), `balance_changed` when the wallet moved since read.
    pub async fn credit_recharge(&self, recharge_id: &str, change: &WalletChange, now: i64) -> Result<()> {
        let mark = Update::builder()
            .table_name(&self.table)
            .set_key(Some(Self::key(keys::recharge(recharge_id), keys::RECHARGE)))
            .update_expression("SET #status = :credited, credited_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":credited", s("credited"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", n(now))
            .build()
            .expect("update");
        let mut items =
            vec![TxItem { item: TransactWriteItem::builder().update(mark).build(), reason: "already_credited" }];
        items.extend(self.wallet_items(std::slice::from_ref(change), &[])?);
        self.transact(items).await
    }
}
