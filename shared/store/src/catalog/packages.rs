use serde::{Deserialize, Serialize};

use crate::catalog::entries::Catalog;
use crate::catalog::entries::catalog_entry;
use crate::core::db::Db;
use crate::core::db::str_av;
use crate::core::error::{Error, Result};
use crate::core::keys;

/// A coin package the apps sell: `coins + bonus_coins` for `price_minor` in `currency`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CoinPackage {
    pub id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    pub price_minor: i64,
    pub currency: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// The in-app product sold for it in Google Play / the App Store (each
    /// unique). Always written (null when absent), so an edit can remove it.
    #[serde(default)]
    pub google_product_id: Option<String>,
    #[serde(default)]
    pub apple_product_id: Option<String>,
}

catalog_entry!(CoinPackage, |e| format!("{:012}", e.coins));

impl CoinPackage {
    pub fn product_id(&self, store: &str) -> Option<&str> {
        match store {
            "google" => self.google_product_id.as_deref(),
            "apple" => self.apple_product_id.as_deref(),
            _ => None,
        }
    }
}

impl Db {
    /// Claims `product_id` of `store` (google, apple) for `package_id`:
    /// `product_id_taken` when another package sells it. A claim left by a
    /// package that no longer names the product is taken over.
    pub async fn claim_store_product(&self, store: &str, product_id: &str, package_id: &str) -> Result<()> {
        let key = keys::store_product(store, product_id);
        let mut item = Self::key(key.clone(), keys::STORE_PRODUCT);
        item.insert("package_id".into(), str_av(package_id));
        for _ in 0..3 {
            let holder = self.get(key.clone(), keys::STORE_PRODUCT).await?;
            let holder_id = holder.as_ref().and_then(|h| h.get("package_id")?.as_s().ok().cloned());
            let condition = match &holder_id {
                None => "attribute_not_exists(pk)".to_string(),
                Some(h) if h == package_id => return Ok(()),
                Some(h) => {
                    let p: Option<CoinPackage> = self.get_catalog_entry(Catalog::CoinPackage, h).await?;
                    if p.is_some_and(|p| p.product_id(store) == Some(product_id)) {
                        return Err(Error::Condition("product_id_taken"));
                    }
                    "package_id = :stale".to_string()
                }
            };
            let mut put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item.clone()))
                .condition_expression(condition);
            if let Some(h) = &holder_id {
                put = put.expression_attribute_values(":stale", str_av(h));
            }
            match put.send().await {
                Ok(_) => return Ok(()),
                Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::Condition("product_id_taken"))
    }

    /// The package selling `product_id` in `store`, if any.
    pub async fn package_by_store_product(&self, store: &str, product_id: &str) -> Result<Option<CoinPackage>> {
        let Some(claim) = self.get(keys::store_product(store, product_id), keys::STORE_PRODUCT).await? else {
            return Ok(None);
        };
        let Some(id) = claim.get("package_id").and_then(|v| v.as_s().ok()) else { return Ok(None) };
        let p: Option<CoinPackage> = self.get_catalog_entry(Catalog::CoinPackage, id).await?;
        Ok(p.filter(|p| p.product_id(store) == Some(product_id)))
    }
}

/// A track posts can use: an admin-uploaded audio file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Audio {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artist: Option<String>,
    pub media_key: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

// Alphabetical by title (the list's order); the id breaks ties.
catalog_entry!(Audio, |e| e.title.to_lowercase().chars().take(40).collect());

/// Master data: interests people pick for their profiles.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Interest {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_key: Option<String>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
catalog_entry!(Interest, |e| e.name.to_lowercase().chars().take(40).collect());

/// Master data: stock avatars people can pick.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Avatar {
    pub id: String,
    pub image_key: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
// Oldest first: ids are ULIDs, so the id alone orders them by creation.
catalog_entry!(Avatar, |_| String::new());

/// Master data: a question and its answer, in the order the admins give.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
    pub position: i64,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}
catalog_entry!(Faq, |e| format!("{:06}", e.position));

/// A page of text the apps show (terms, privacy), by slug.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SitePage {
    pub slug: String,
    pub title: String,
    pub body: String,
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

impl Db {
    pub async fn get_page(&self, slug: &str) -> Result<Option<SitePage>> {
        self.get_as(keys::site_page(slug), keys::SITE_PAGE).await
    }

    pub async fn put_page(&self, page: &SitePage) -> Result<()> {
        let mut item: crate::core::db::Item = serde_dynamo::to_item(page)?;
        item.extend(Self::key(keys::site_page(&page.slug), keys::SITE_PAGE));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }
}
