//! The coin-package catalog: admin CRUD and the apps' list.

use serde::Deserialize;

use store::{Catalog, CoinPackage};

use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::validate::{Creatable, New, positive};
use crate::kernel::views;
use crate::{AppState, DomainError};

pub const MAX_COINS: i64 = 10_000_000;
pub const MAX_PRICE_MINOR: i64 = 10_000_000_000;

/// A coin package of the shop.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageView {
    pub id: String,
    pub coins: i64,
    pub bonus_coins: i64,
    /// In the currency's minor unit (paise, cents)
    pub price_minor: i64,
    pub currency: String,
    pub active: bool,
    /// The Google Play in-app product sold for it (null: not sold there)
    pub google_product_id: Option<String>,
    /// The App Store in-app product sold for it (null: not sold there)
    pub apple_product_id: Option<String>,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

fn package_view(p: &CoinPackage) -> PackageView {
    PackageView {
        id: p.id.clone(),
        coins: p.coins,
        bonus_coins: p.bonus_coins,
        price_minor: p.price_minor,
        currency: p.currency.clone(),
        active: p.active,
        google_product_id: p.google_product_id.clone(),
        apple_product_id: p.apple_product_id.clone(),
        created_at: views::time(p.created_at),
        updated_at: views::time(p.updated_at),
    }
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageChanges {
    #[schema(minimum = 1, maximum = 10000000)]
    pub coins: Option<i64>,
    #[schema(minimum = 0, maximum = 10000000)]
    pub bonus_coins: Option<i64>,
    #[schema(minimum = 1, maximum = 10000000000_i64)]
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub active: Option<bool>,
    /// Google Play product id (letters, digits, `.`, `_`, `-`; at most 150); "" removes it.
    pub google_product_id: Option<String>,
    /// App Store product id (same rules); "" removes it.
    pub apple_product_id: Option<String>,
}

fn product_id(field: &str, v: String) -> DomainResult<Option<String>> {
    if v.is_empty() {
        return Ok(None);
    }
    if v.len() > 150 || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return Err(DomainError::invalid(format!("{field}: 1 to 150 letters, digits, '.', '_' or '-'")));
    }
    Ok(Some(v))
}

impl PackageChanges {
    fn apply(self, p: &mut CoinPackage) -> DomainResult<()> {
        if let Some(c) = self.coins {
            p.coins = positive("coins", c, MAX_COINS)?;
        }
        if let Some(b) = self.bonus_coins {
            if !(0..=MAX_COINS).contains(&b) {
                return Err(DomainError::invalid(format!("bonus_coins: a whole number from 0 to {MAX_COINS}")));
            }
            p.bonus_coins = b;
        }
        if let Some(m) = self.price_minor {
            p.price_minor = positive("price_minor", m, MAX_PRICE_MINOR)?;
        }
        if let Some(c) = self.currency {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(DomainError::invalid("currency: an ISO 4217 code like INR or USD"));
            }
            p.currency = c.to_ascii_uppercase();
        }
        if let Some(a) = self.active {
            p.active = a;
        }
        if let Some(g) = self.google_product_id {
            p.google_product_id = product_id("google_product_id", g)?;
        }
        if let Some(a) = self.apple_product_id {
            p.apple_product_id = product_id("apple_product_id", a)?;
        }
        Ok(())
    }
}

/// Claims the package's store products it did not sell before (`was`):
/// 409 `product_id_taken` when another package sells one.
async fn claim_products(state: &AppState, p: &CoinPackage, was: Option<&CoinPackage>) -> DomainResult<()> {
    for store in ["google", "apple"] {
        if let Some(id) = p.product_id(store)
            && was.and_then(|w| w.product_id(store)) != Some(id)
        {
            state.db.claim_store_product(store, id, &p.id).await.map_err(|e| match e {
                store::Error::Condition("product_id_taken") => DomainError::conflict(
                    "product_id_taken",
                    format!("{store}_product_id: another coin package sells {id}"),
                ),
                other => other.into(),
            })?;
        }
    }
    Ok(())
}

pub async fn list_coin_packages_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<PackageView>> {
    let (limit, start) = ctx.page(state, "coin-packages")?;
    let page = state.db.list_catalog::<CoinPackage>(Catalog::CoinPackage, true, limit, start).await?;
    Ok(list_reply(state, "coin-packages", page.items.iter().map(package_view).collect(), page.next))
}

impl Creatable for PackageChanges {
    const REQUIRED: &'static [&'static str] = &["coins", "price_minor", "currency"];
}

pub async fn create_coin_package(state: &AppState, input: New<PackageChanges>) -> DomainResult<CoinPackage> {
    let input = input.into_inner();
    let now = state.now();
    let mut p = CoinPackage {
        id: ulid::Ulid::new().to_string(),
        coins: 0,
        bonus_coins: 0,
        price_minor: 0,
        currency: String::new(),
        active: true,
        created_at: now,
        updated_at: now,
        google_product_id: None,
        apple_product_id: None,
    };
    input.apply(&mut p)?;
    claim_products(state, &p, None).await?;
    state.db.put_catalog_entry(Catalog::CoinPackage, &p).await?;
    Ok(p)
}

pub async fn create_coin_package_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<PackageView>> {
    Ok(Created::new(package_view(&create_coin_package(state, New::check(ctx.json()?)?).await?)))
}

pub async fn existing_package(state: &AppState, id: &str) -> DomainResult<CoinPackage> {
    let id = validate::id("id", id).map_err(|_| DomainError::not_found("coin package not found"))?;
    state
        .db
        .get_catalog_entry(Catalog::CoinPackage, &id)
        .await?
        .ok_or_else(|| DomainError::not_found("coin package not found"))
}

pub async fn update_coin_package_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PackageView>> {
    let input: PackageChanges = ctx.json()?;
    let was = existing_package(state, ctx.param("id")).await?;
    let mut p = was.clone();
    input.apply(&mut p)?;
    claim_products(state, &p, Some(&was)).await?;
    p.updated_at = state.now();
    let p = state.db.update_catalog_entry(Catalog::CoinPackage, &p, ctx.body_has("active")).await?;
    Ok(Json::new(package_view(&p)))
}

/// Retires the package: it can no longer be bought; recharges keep their copy of its terms.
pub async fn delete_coin_package_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let p = existing_package(state, ctx.param("id")).await?;
    state.db.retire_catalog_entry(Catalog::CoinPackage, p, state.now()).await?;
    Ok(NoContent::done())
}
