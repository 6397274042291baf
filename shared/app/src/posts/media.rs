//! Uploads: a presigned S3 PUT for a key under the caller's own prefix, with
//! the content type and length signed in; and the checks that what arrived
//! under a key is what was allowed, before a post or track uses it.

use std::time::Duration;

use serde::Deserialize;

use store::Role;

use crate::http::{Created, Ctx};
use crate::kernel::error::DomainResult;
use crate::kernel::views;
use crate::{AppState, DomainError};

/// How long an upload URL works.
pub const UPLOAD_TTL: Duration = Duration::from_secs(15 * 60);

const MB: i64 = 1024 * 1024;

/// An upload kind: its size limit and allowed types (with the key's extension).
pub struct Kind {
    pub name: &'static str,
    pub max_size: i64,
    pub types: &'static [(&'static str, &'static str)],
}

pub const KINDS: [Kind; 3] = [
    Kind {
        name: "video",
        max_size: 100 * MB,
        types: &[("video/mp4", "mp4"), ("video/quicktime", "mov"), ("video/webm", "webm")],
    },
    Kind {
        name: "image",
        max_size: 10 * MB,
        types: &[("image/jpeg", "jpg"), ("image/png", "png"), ("image/webp", "webp")],
    },
    Kind {
        name: "audio",
        max_size: 20 * MB,
        types: &[("audio/mpeg", "mp3"), ("audio/aac", "aac"), ("audio/mp4", "m4a")],
    },
];

fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

fn media_error(e: integrations::media::MediaError) -> DomainError {
    DomainError::internal(e)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadInput {
    #[schema(schema_with = crate::kernel::vocab::upload_kind)]
    pub kind: String,
    pub content_type: String,
    pub size: i64,
}

/// `{url, key, headers, expires_at}`: PUT the bytes to `url` with `headers`.
/// Audio files are for the admins' track catalog.
pub async fn create_upload(
    state: &AppState,
    account_id: &str,
    role: Role,
    input: UploadInput,
) -> DomainResult<Created<Upload>> {
    let k = kind(&input.kind).ok_or_else(|| DomainError::invalid("kind: one of video, image, audio"))?;
    if k.name == "audio" && role != Role::Admin {
        return Err(DomainError::forbidden("audio uploads are for the track catalog (admins)"));
    }
    let ct = input.content_type.to_ascii_lowercase();
    let ext = k.types.iter().find(|(t, _)| *t == ct).map(|(_, e)| *e).ok_or_else(|| {
        let allowed: Vec<&str> = k.types.iter().map(|(t, _)| *t).collect();
        DomainError::invalid(format!("content_type: for {} one of {}", k.name, allowed.join(", ")))
    })?;
    if !(1..=k.max_size).contains(&input.size) {
        return Err(DomainError::invalid(format!("size: 1 to {} bytes for {}", k.max_size, k.name)));
    }
    let key = format!("uploads/{account_id}/{}/{}.{ext}", k.name, ulid::Ulid::new().to_string().to_lowercase());
    let p = state.media().presign_put(&key, &ct, input.size, UPLOAD_TTL).await.map_err(media_error)?;
    let mut headers: std::collections::BTreeMap<String, String> = p.headers.into_iter().collect();
    // The signature covers these; the client must send exactly them.
    headers.insert("content-type".into(), ct.to_string());
    headers.insert("content-length".into(), input.size.to_string());
    Ok(Created::new(Upload {
        url: p.url,
        key,
        headers,
        max_size: k.max_size,
        expires_at: views::time(state.now() + UPLOAD_TTL.as_millis() as i64),
    }))
}

/// Where and how to PUT an upload.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// Presigned S3 URL: PUT the bytes here
    pub url: String,
    /// The object's key: give it to POST /posts (or an audio, an avatar)
    pub key: String,
    /// Send exactly these headers with the PUT
    pub headers: std::collections::BTreeMap<String, String>,
    pub max_size: i64,
    /// RFC 3339: the URL stops working
    #[schema(format = DateTime)]
    pub expires_at: String,
}

pub async fn create_upload_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<Upload>> {
    let caller = ctx.caller()?;
    create_upload(state, &caller.id, caller.role, ctx.json()?).await
}

/// Checks that `key` is the caller's own upload of one of `kinds`, that it
/// arrived, and that its type and size are allowed (moto does not enforce the
/// presigned signature, and a client could use another tool): answers its type.
pub async fn check_upload(
    state: &AppState,
    field: &str,
    account_id: &str,
    key: &str,
    kinds: &[&str],
) -> DomainResult<String> {
    let not_yours = || DomainError::invalid(format!("{field}: not one of your uploads"));
    let rest = key.strip_prefix(&format!("uploads/{account_id}/")).ok_or_else(not_yours)?;
    let k = kinds
        .iter()
        .filter_map(|n| kind(n))
        .find(|k| rest.starts_with(&format!("{}/", k.name)))
        .ok_or_else(|| DomainError::invalid(format!("{field}: must be a {} upload", kinds.join(" or "))))?;
    if key.len() > 200 || key.contains("..") {
        return Err(not_yours());
    }
    let info = state
        .media()
        .head(key)
        .await
        .map_err(media_error)?
        .ok_or_else(|| DomainError::invalid(format!("{field}: nothing was uploaded under this key")))?;
    let ct = info.content_type.to_ascii_lowercase();
    if !k.types.iter().any(|(t, _)| *t == ct) {
        return Err(DomainError::invalid(format!("{field}: the upload is {ct}, not an allowed {} type", k.name)));
    }
    if info.size > k.max_size || info.size < 1 {
        return Err(DomainError::invalid(format!(
            "{field}: the upload is {} bytes; {} allows 1 to {}",
            info.size, k.name, k.max_size
        )));
    }
    Ok(ct)
}

pub use crate::kernel::views::playable_url;

#[cfg(test)]
mod vocabulary {
    /// A post's `media_type` is its upload's content type: the document lists exactly those.
    #[test]
    fn a_posts_media_type_is_one_the_document_lists() {
        let types: Vec<&str> =
            super::KINDS.iter().filter(|k| k.name != "audio").flat_map(|k| k.types.iter().map(|t| t.0)).collect();
        assert_eq!(types, crate::kernel::vocab::MEDIA_TYPES);
    }
}
