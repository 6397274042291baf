//! KYC submissions. The account carries the outcome (`kyc_status`,
//! `kyc_name`), written in the same transaction as the submission's own
//! status, so a payout account or a withdrawal checks one item.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kyc {
    pub id: String,
    pub account_id: String,
    pub legal_name: String,
    /// `yyyy-mm-dd`
    pub date_of_birth: String,
    /// ISO 3166-1 alpha-2
    pub country: String,
    /// passport, national_id, driving_licence
    pub document_type: String,
    pub document_keys: Vec<String>,
    pub selfie_key: String,
    /// `yyyy-mm-dd`, when the document stops being valid (the status becomes `expired`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_expires_on: Option<String>,
    /// Agencies: the business behind the payouts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_number: Option<String>,
    /// pending, verified, rejected
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

impl Db {
    fn kyc_item(&self, k: &Kyc) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(k)?;
        item.extend(Self::key(keys::kyc(&k.id), keys::KYC));
        item.insert(GSI1.pk.into(), str_av(keys::kyc_queue(&k.status)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(k.created_at, &k.id)));
        Ok(item)
    }

    /// A new submission: the account becomes `pending` unless it is pending
    /// or verified already (`kyc_open`).
    pub async fn submit_kyc(&self, k: &Kyc) -> Result<()> {
        self.transact(vec![
            Action::put(self, self.kyc_item(k)?).when("attribute_not_exists(pk)").because("kyc_open"),
            Action::update(self, keys::account(&k.account_id), keys::PROFILE, "SET kyc_status = :pending, kyc_id = :id")
                .when("attribute_exists(pk) AND (attribute_not_exists(kyc_status) OR NOT kyc_status IN (:pending, :verified))")
                .val(":pending", str_av("pending"))
                .val(":verified", str_av("verified"))
                .val(":id", str_av(&k.id))
                .because("kyc_open"),
        ])
        .await
    }

    pub async fn get_kyc(&self, id: &str) -> Result<Option<Kyc>> {
        self.get_as(keys::kyc(id), keys::KYC).await
    }

    /// Submissions of one status, oldest first (the review queue).
    pub async fn list_kyc(&self, status: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Kyc>> {
        let page = self.query_page(Some(&GSI1), keys::kyc_queue(status), limit, None, start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// An admin's decision on a pending submission (`kyc_decided` when it is
    /// not pending any more): verified makes its legal name the account's.
    pub async fn decide_kyc(&self, k: &Kyc, expires_at: i64) -> Result<()> {
        let mut account = Action::update(
            self,
            keys::account(&k.account_id),
            keys::PROFILE,
            if k.status == "verified" {
                "SET kyc_status = :status, kyc_name = :name, kyc_expires_at = :expires"
            } else {
                "SET kyc_status = :status"
            },
        )
        .when("kyc_id = :id")
        .val(":status", str_av(&k.status))
        .val(":id", str_av(&k.id));
        if k.status == "verified" {
            account = account.val(":name", str_av(&k.legal_name)).val(":expires", crate::core::db::num_av(expires_at));
        }
        self.transact(vec![
            Action::put(self, self.kyc_item(k)?)
                .when("#status = :pending")
                .name("#status", "status")
                .val(":pending", str_av("pending"))
                .because("kyc_decided"),
            account.because("kyc_decided"),
        ])
        .await
    }
}
