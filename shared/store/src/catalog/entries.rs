//! Admin-managed catalogs (gifts, coin packages, later interests, avatars...):
//! one item per entry, listed through GSI1 by kind, active ones apart from
//! retired ones so the apps' list never needs a filter.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::core::db::{Db, Item, num_av, str_av};
use crate::core::error::{Error, Result};
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Catalog {
    Gift,
    CoinPackage,
    Audio,
    Interest,
    Avatar,
    Faq,
}

impl Catalog {
    fn kind(self) -> &'static str {
        match self {
            Catalog::Gift => "GIFT",
            Catalog::CoinPackage => "PACKAGE",
            Catalog::Audio => "AUDIO",
            Catalog::Interest => "INTEREST",
            Catalog::Avatar => "AVATAR",
            Catalog::Faq => "FAQ",
        }
    }
}

/// What every catalog entry has.
pub trait CatalogEntry: Serialize + DeserializeOwned {
    fn id(&self) -> &str;
    fn active(&self) -> bool;
    /// Where it sorts in the list (e.g. by price), zero-padded.
    fn sort_key(&self) -> String;
    /// Takes it off the apps' list (history keeps it).
    fn retire(&mut self, now: i64);
    /// Fields only sends and purchases change (with `ADD`): an admin's edit never writes them.
    const COUNTERS: &'static [&'static str] = &[];
}

/// Implements `CatalogEntry` for a struct with `id`, `active` and
/// `updated_at` fields, sorted by `$sort` (a closure over the entry).
macro_rules! catalog_entry {
    ($t:ty, $sort:expr) => {
        $crate::catalog::entries::catalog_entry!($t, $sort, []);
    };
    ($t:ty, $sort:expr, [$($counter:literal),*]) => {
        impl $crate::catalog::entries::CatalogEntry for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn active(&self) -> bool {
                self.active
            }
            fn retire(&mut self, now: i64) {
                self.active = false;
                self.updated_at = now;
            }
            fn sort_key(&self) -> String {
                let sort: fn(&$t) -> String = $sort;
                sort(self)
            }
            const COUNTERS: &'static [&'static str] = &[$($counter),*];
        }
    };
}
pub(crate) use catalog_entry;

impl Db {
    fn catalog_item<T: CatalogEntry>(&self, cat: Catalog, entry: &T) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(entry)?;
        item.extend(Self::key(keys::catalog_item(cat.kind(), entry.id()), cat.kind()));
        item.insert(GSI1.pk.into(), str_av(keys::catalog_list(cat.kind(), entry.active())));
        item.insert(GSI1.sk.into(), str_av(format!("{}#{}", entry.sort_key(), entry.id())));
        Ok(item)
    }

    /// Creates an entry: `exists` if the id is taken (edits go through `update_catalog_entry`).
    pub async fn put_catalog_entry<T: CatalogEntry>(&self, cat: Catalog, entry: &T) -> Result<()> {
        let res = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.catalog_item(cat, entry)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(Error::Condition("exists"))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn get_catalog_entry<T: CatalogEntry>(&self, cat: Catalog, id: &str) -> Result<Option<T>> {
        self.get_as(keys::catalog_item(cat.kind(), id), cat.kind()).await
    }

    /// Active (or retired) entries in their sort order.
    pub async fn list_catalog<T: CatalogEntry>(
        &self,
        cat: Catalog,
        active: bool,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<T>> {
        let page =
            self.query_page(Some(&GSI1), keys::catalog_list(cat.kind(), active), limit, None, start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Writes an admin's edit of an existing entry (`not_found` if absent) as
    /// an update of its own fields only: counters written meanwhile by sends
    /// stay, and `active` (with the list it is on) is written only when the
    /// edit sets it, so an edit racing a retirement never brings it back.
    /// Answers the entry as stored.
    pub async fn update_catalog_entry<T: CatalogEntry>(&self, cat: Catalog, entry: &T, sets_active: bool) -> Result<T> {
        let item = self.catalog_item(cat, entry)?;
        let skip = |k: &str| {
            k == crate::core::table::PK
                || k == crate::core::table::SK
                || T::COUNTERS.contains(&k)
                || (!sets_active && (k == "active" || k == GSI1.pk))
        };
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::catalog_key(cat, entry.id())))
            .condition_expression("attribute_exists(pk)");
        let mut sets = Vec::new();
        for (i, (k, v)) in item.into_iter().filter(|(k, _)| !skip(k)).enumerate() {
            sets.push(format!("#f{i} = :v{i}"));
            req = req.expression_attribute_names(format!("#f{i}"), k).expression_attribute_values(format!(":v{i}"), v);
        }
        self.update_returning(req.update_expression(format!("SET {}", sets.join(", "))), "not_found").await
    }

    /// Retires an entry unless it is retired already: it leaves the active
    /// list and can no longer be used, while everything that refers to it
    /// keeps it. Only `active`, `updated_at` and the list change.
    pub async fn retire_catalog_entry<T: CatalogEntry>(&self, cat: Catalog, mut entry: T, now: i64) -> Result<()> {
        if !entry.active() {
            return Ok(());
        }
        entry.retire(now);
        let res = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::catalog_key(cat, entry.id())))
            .update_expression("SET active = :false, updated_at = :now, gsi1pk = :list")
            .condition_expression("active = :true")
            .expression_attribute_values(":false", bool_av(false))
            .expression_attribute_values(":true", bool_av(true))
            .expression_attribute_values(":now", num_av(now))
            .expression_attribute_values(":list", str_av(keys::catalog_list(cat.kind(), false)))
            .send()
            .await;
        match res {
            Ok(_) => Ok(()),
            // Retired (or gone) meanwhile: nothing left to do.
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Which of `ids` are active entries of the catalog (one BatchGetItem per 100).
    pub async fn active_catalog_ids<T: CatalogEntry>(&self, cat: Catalog, ids: &[String]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| Self::catalog_key(cat, id)).collect();
            for item in self.batch_get(keys).await? {
                let e: T = serde_dynamo::from_item(item)?;
                if e.active() {
                    found.push(e.id().to_string());
                }
            }
        }
        Ok(found)
    }

    pub(crate) fn catalog_key(cat: Catalog, id: &str) -> Item {
        Self::key(keys::catalog_item(cat.kind(), id), cat.kind())
    }
}

pub(crate) fn bool_av(b: bool) -> AttributeValue {
    AttributeValue::Bool(b)
}
