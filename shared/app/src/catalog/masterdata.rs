//! Master data the admins keep and the apps read: interests, avatars, FAQs
//! (catalog entries: list, create, update, retire) and text pages.

use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use store::{Avatar, Faq, Interest};
use store::{Catalog, CatalogEntry, SitePage};

use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate::{self, Creatable, New};
use crate::kernel::views::{self, MediaUrls};
use crate::{AppState, DomainError};

/// One kind of master data: how it is made, changed and shown.
pub trait Master: CatalogEntry + Clone + Send + Sync {
    const CATALOG: Catalog;
    /// For messages and list scopes: "interest".
    const NAME: &'static str;
    type Input: DeserializeOwned + Creatable + Send;
    fn new(id: String, now: i64) -> Self;
    /// Fields a create must give.
    fn apply(&mut self, input: Self::Input, now: i64) -> DomainResult<()>;
    /// How it shows in answers (and in the document).
    type View: serde::Serialize + utoipa::ToSchema;
    /// `urls` holds the playback URL of each entry's `media_key`.
    fn json(&self, urls: &MediaUrls) -> Self::View;
    /// The media it shows (an image), if any.
    fn media_key(&self) -> Option<&str> {
        None
    }
}

/// The views of `entries`, their media's URLs made first.
async fn views_of<T: Master>(state: &AppState, entries: &[T]) -> DomainResult<Vec<T::View>> {
    let urls = MediaUrls::of(state, entries.iter().filter_map(T::media_key)).await?;
    Ok(entries.iter().map(|e| e.json(&urls)).collect())
}

async fn view_of<T: Master>(state: &AppState, entry: &T) -> DomainResult<T::View> {
    Ok(views_of(state, std::slice::from_ref(entry)).await?.remove(0))
}

/// An interest users pick for their profile.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestView {
    pub id: String,
    pub name: String,
    pub icon_key: Option<String>,
    pub active: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A stock avatar.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvatarView {
    pub id: String,
    pub image_key: String,
    /// Where the apps load the image from
    pub image_url: String,
    pub active: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A frequently asked question.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqView {
    pub id: String,
    pub question: String,
    pub answer: String,
    /// Lists sort by it
    pub position: i64,
    pub active: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A site page (terms, privacy).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageView {
    pub slug: String,
    pub title: String,
    pub body: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub updated_at: String,
}

fn key_field(field: &str, v: &str) -> DomainResult<String> {
    validate::text(field, v, 1, 512)
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestChanges {
    #[schema(min_length = 1, max_length = 40)]
    pub name: Option<String>,
    pub icon_key: Option<String>,
    pub active: Option<bool>,
}

impl Creatable for InterestChanges {
    const REQUIRED: &'static [&'static str] = &["name"];
}

impl Master for Interest {
    const CATALOG: Catalog = Catalog::Interest;
    const NAME: &'static str = "interest";
    type Input = InterestChanges;
    fn new(id: String, now: i64) -> Self {
        Interest { id, name: String::new(), icon_key: None, active: true, created_at: now, updated_at: now }
    }
    fn apply(&mut self, i: InterestChanges, now: i64) -> DomainResult<()> {
        if let Some(n) = i.name {
            self.name = validate::text("name", &n, 1, 40)?;
        }
        if let Some(k) = i.icon_key {
            self.icon_key = Some(key_field("icon_key", &k)?);
        }
        if let Some(a) = i.active {
            self.active = a;
        }
        self.updated_at = now;
        Ok(())
    }
    type View = InterestView;
    fn json(&self, _: &MediaUrls) -> InterestView {
        InterestView {
            id: self.id.clone(),
            name: self.name.clone(),
            icon_key: self.icon_key.clone(),
            active: self.active,
            updated_at: views::time(self.updated_at),
        }
    }
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvatarChanges {
    pub image_key: Option<String>,
    pub active: Option<bool>,
}

impl Creatable for AvatarChanges {
    const REQUIRED: &'static [&'static str] = &["image_key"];
}

impl Master for Avatar {
    const CATALOG: Catalog = Catalog::Avatar;
    const NAME: &'static str = "avatar";
    type Input = AvatarChanges;
    fn new(id: String, now: i64) -> Self {
        Avatar { id, image_key: String::new(), active: true, created_at: now, updated_at: now }
    }
    fn apply(&mut self, i: AvatarChanges, now: i64) -> DomainResult<()> {
        if let Some(k) = i.image_key {
            self.image_key = key_field("image_key", &k)?;
        }
        if let Some(a) = i.active {
            self.active = a;
        }
        self.updated_at = now;
        Ok(())
    }
    type View = AvatarView;
    fn media_key(&self) -> Option<&str> {
        Some(&self.image_key)
    }
    fn json(&self, urls: &MediaUrls) -> AvatarView {
        AvatarView {
            id: self.id.clone(),
            image_key: self.image_key.clone(),
            image_url: urls.get(&self.image_key),
            active: self.active,
            updated_at: views::time(self.updated_at),
        }
    }
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaqChanges {
    #[schema(min_length = 1, max_length = 300)]
    pub question: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: Option<String>,
    pub position: Option<i64>,
    pub active: Option<bool>,
}

impl Creatable for FaqChanges {
    const REQUIRED: &'static [&'static str] = &["question", "answer"];
}

impl Master for Faq {
    const CATALOG: Catalog = Catalog::Faq;
    const NAME: &'static str = "faq";
    type Input = FaqChanges;
    fn new(id: String, now: i64) -> Self {
        Faq {
            id,
            question: String::new(),
            answer: String::new(),
            position: 0,
            active: true,
            created_at: now,
            updated_at: now,
        }
    }
    fn apply(&mut self, i: FaqChanges, now: i64) -> DomainResult<()> {
        if let Some(q) = i.question {
            self.question = validate::text("question", &q, 1, 300)?;
        }
        if let Some(a) = i.answer {
            self.answer = validate::text("answer", &a, 1, 5000)?;
        }
        if let Some(p) = i.position {
            if !(0..=999_999).contains(&p) {
                return Err(DomainError::invalid("position: a whole number from 0 to 999999"));
            }
            self.position = p;
        }
        if let Some(a) = i.active {
            self.active = a;
        }
        self.updated_at = now;
        Ok(())
    }
    type View = FaqView;
    fn json(&self, _: &MediaUrls) -> FaqView {
        FaqView {
            id: self.id.clone(),
            question: self.question.clone(),
            answer: self.answer.clone(),
            position: self.position,
            active: self.active,
            updated_at: views::time(self.updated_at),
        }
    }
}

pub async fn list<T: Master>(state: &AppState, ctx: &Ctx) -> DomainResult<Page<<T as Master>::View>> {
    let (limit, start) = ctx.page(state, T::NAME)?;
    let page = state.db.list_catalog::<T>(T::CATALOG, true, limit, start).await?;
    Ok(list_reply(state, T::NAME, views_of(state, &page.items).await?, page.next))
}

pub async fn create<T: Master>(state: &AppState, input: New<T::Input>) -> DomainResult<T> {
    let input = input.into_inner();
    let now = state.now();
    let mut e = T::new(ulid::Ulid::new().to_string(), now);
    e.apply(input, now)?;
    state.db.put_catalog_entry(T::CATALOG, &e).await?;
    Ok(e)
}

async fn existing<T: Master>(state: &AppState, ctx: &Ctx) -> DomainResult<T> {
    let missing = || DomainError::not_found(format!("{} not found", T::NAME));
    let id = validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    state.db.get_catalog_entry(T::CATALOG, &id).await?.ok_or_else(missing)
}

pub async fn create_http<T: Master>(state: &AppState, ctx: &Ctx) -> DomainResult<Created<<T as Master>::View>> {
    let made = create::<T>(state, New::check(ctx.json()?)?).await?;
    Ok(Created::new(view_of(state, &made).await?))
}

pub async fn update_http<T: Master>(state: &AppState, ctx: &Ctx) -> DomainResult<Json<T::View>> {
    let input: T::Input = ctx.json()?;
    let mut e = existing::<T>(state, ctx).await?;
    let before = view_of(state, &e).await?;
    e.apply(input, state.now())?;
    let e = state.db.update_catalog_entry(T::CATALOG, &e, ctx.body_has("active")).await?;
    Ok(Json::new(view_of(state, &e).await?).with_before(before))
}

pub async fn delete_http<T: Master>(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let e = existing::<T>(state, ctx).await?;
    let before = view_of(state, &e).await?;
    state.db.retire_catalog_entry(T::CATALOG, e, state.now()).await?;
    Ok(NoContent::done().with_before(before))
}

/// Accepts ids only of active entries (for `PATCH /me`).
pub async fn check_ids<T: Master>(state: &AppState, field: &str, ids: &[String]) -> DomainResult<()> {
    let found = state.db.active_catalog_ids::<T>(T::CATALOG, ids).await?;
    match ids.iter().find(|id| !found.contains(id)) {
        Some(id) => Err(DomainError::invalid(format!("{field}: no {} with id {id}", T::NAME))),
        None => Ok(()),
    }
}

// ---- pages ----

fn page_view(p: &SitePage) -> PageView {
    PageView {
        slug: p.slug.clone(),
        title: p.title.clone(),
        body: p.body.clone(),
        updated_at: views::time(p.updated_at),
    }
}

fn slug(ctx: &Ctx) -> DomainResult<&str> {
    let s = ctx.param("slug");
    crate::kernel::vocab::PAGE_SLUGS
        .iter()
        .find(|p| **p == s)
        .copied()
        .ok_or_else(|| DomainError::not_found("no such page"))
}

pub async fn get_page_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PageView>> {
    let page =
        state.db.get_page(slug(ctx)?).await?.ok_or_else(|| DomainError::not_found("this page is not written yet"))?;
    Ok(Json::new(page_view(&page)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageInput {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 100000)]
    pub body: String,
}

pub async fn put_page(
    state: &AppState,
    admin_id: Option<&str>,
    slug: &str,
    input: PageInput,
) -> DomainResult<Json<PageView>> {
    let before = state.db.get_page(slug).await?.map(|p| page_view(&p));
    let page = SitePage {
        slug: slug.to_string(),
        title: validate::text("title", &input.title, 1, 200)?,
        body: validate::text("body", &input.body, 1, 100_000)?,
        updated_at: state.now(),
        updated_by: admin_id.map(String::from),
    };
    state.db.put_page(&page).await?;
    let reply = Json::new(page_view(&page));
    Ok(match before {
        Some(b) => reply.with_before(b),
        None => reply,
    })
}

pub async fn put_page_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<PageView>> {
    let admin = ctx.caller()?;
    put_page(state, Some(&admin.id), slug(ctx)?, ctx.json()?).await
}
