//! The audio-track catalog posts can use: admins upload the file (an `audio`
//! upload) and manage the entry; the apps list the active ones.

use serde::Deserialize;

use store::{Audio, Catalog};

use super::media;
use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate::{self, Creatable, New};
use crate::kernel::views;
use crate::{AppState, DomainError};

/// A track of the audio library.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudioView {
    pub id: String,
    pub title: String,
    pub artist: Option<String>,
    pub media_key: String,
    /// Where to play it (presigned or CDN)
    pub media_url: String,
    pub active: bool,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

async fn audio_view(state: &AppState, a: &Audio) -> DomainResult<AudioView> {
    Ok(AudioView {
        id: a.id.clone(),
        title: a.title.clone(),
        artist: a.artist.clone(),
        media_key: a.media_key.clone(),
        media_url: media::playable_url(state, &a.media_key).await?,
        active: a.active,
        created_at: views::time(a.created_at),
        updated_at: views::time(a.updated_at),
    })
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudioChanges {
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub artist: Option<String>,
    pub media_key: Option<String>,
    pub active: Option<bool>,
}

impl Creatable for AudioChanges {
    const REQUIRED: &'static [&'static str] = &["title", "media_key"];
}

impl AudioChanges {
    async fn apply(self, state: &AppState, admin_id: &str, a: &mut Audio) -> DomainResult<()> {
        if let Some(t) = self.title {
            a.title = validate::text("title", &t, 1, 100)?;
        }
        if let Some(t) = self.artist {
            a.artist = Some(validate::text("artist", &t, 1, 100)?);
        }
        if let Some(k) = self.media_key {
            media::check_upload(state, "media_key", admin_id, &k, &["audio"]).await?;
            a.media_key = k;
        }
        if let Some(v) = self.active {
            a.active = v;
        }
        Ok(())
    }
}

pub async fn list_audios_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AudioView>> {
    let (limit, start) = ctx.page(state, "audios")?;
    let page = state.db.list_catalog::<Audio>(Catalog::Audio, true, limit, start).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for a in &page.items {
        items.push(audio_view(state, a).await?);
    }
    Ok(list_reply(state, "audios", items, page.next))
}

pub async fn create_audio_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<AudioView>> {
    let admin = ctx.caller()?;
    let input = New::check(ctx.json::<AudioChanges>()?)?.into_inner();
    let now = state.now();
    let mut a = Audio {
        id: ulid::Ulid::new().to_string(),
        title: String::new(),
        artist: None,
        media_key: String::new(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    input.apply(state, &admin.id, &mut a).await?;
    state.db.put_catalog_entry(Catalog::Audio, &a).await?;
    Ok(Created::new(audio_view(state, &a).await?))
}

async fn existing_audio(state: &AppState, id: &str) -> DomainResult<Audio> {
    let id = validate::id("id", id).map_err(|_| DomainError::not_found("audio not found"))?;
    state.db.get_catalog_entry(Catalog::Audio, &id).await?.ok_or_else(|| DomainError::not_found("audio not found"))
}

pub async fn update_audio_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AudioView>> {
    let admin = ctx.caller()?;
    let input: AudioChanges = ctx.json()?;
    let mut a = existing_audio(state, ctx.param("id")).await?;
    input.apply(state, &admin.id, &mut a).await?;
    a.updated_at = state.now();
    let a = state.db.update_catalog_entry(Catalog::Audio, &a, ctx.body_has("active")).await?;
    Ok(Json::new(audio_view(state, &a).await?))
}

/// Retires the track: new posts cannot pick it; posts that use it keep it.
pub async fn delete_audio_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let a = existing_audio(state, ctx.param("id")).await?;
    state.db.retire_catalog_entry(Catalog::Audio, a, state.now()).await?;
    Ok(NoContent::done())
}

/// An active track for a new post (`audio_id` → 400 when unknown or retired).
pub async fn usable_audio(state: &AppState, id: &str) -> DomainResult<Audio> {
    let bad = || DomainError::invalid("audio_id: no such track");
    let id = validate::id("audio_id", id).map_err(|_| bad())?;
    state.db.get_catalog_entry::<Audio>(Catalog::Audio, &id).await?.filter(|a| a.active).ok_or_else(bad)
}
