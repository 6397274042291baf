//! Media in S3: presigned uploads (the client PUTs the bytes straight to S3),
//! checking what arrived, playable URLs, deleting. Locally the bucket lives in
//! moto, addressed path-style.

use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MediaError(String);

fn err(e: impl std::fmt::Display) -> MediaError {
    MediaError(e.to_string())
}

/// A presigned request: where to send it and the headers it must carry.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// What S3 holds under a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub content_type: String,
    pub size: i64,
}

#[derive(Clone, Debug)]
pub struct Media {
    s3: aws_sdk_s3::Client,
    pub bucket: String,
    /// When set, playable URLs are `{cdn_base}/{key}` instead of presigned GETs.
    pub cdn_base: Option<String>,
}

impl Media {
    pub fn new(sdk: &aws_config::SdkConfig, bucket: impl Into<String>, cdn_base: Option<String>) -> Self {
        // Path-style: moto (and any custom endpoint) cannot serve virtual-hosted buckets.
        let path_style = sdk.endpoint_url().is_some();
        let conf = aws_sdk_s3::config::Builder::from(sdk).force_path_style(path_style).build();
        Media { s3: aws_sdk_s3::Client::from_conf(conf), bucket: bucket.into(), cdn_base }
    }

    /// A PUT the client may send once within `ttl`, for exactly this type and length.
    pub async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: i64,
        ttl: Duration,
    ) -> Result<Presigned, MediaError> {
        let req = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(size)
            .presigned(PresigningConfig::expires_in(ttl).map_err(err)?)
            .await
            .map_err(err)?;
        Ok(Presigned {
            url: req.uri().to_string(),
            headers: req.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        })
    }

    /// A URL the apps can play `key` from for `ttl`.
    pub async fn playable_url(&self, key: &str, ttl: Duration) -> Result<String, MediaError> {
        if let Some(base) = &self.cdn_base {
            return Ok(format!("{}/{key}", base.trim_end_matches('/')));
        }
        self.private_url(key, ttl).await
    }

    /// A presigned S3 GET of `key` for `ttl`, never through the CDN (identity
    /// documents: only who holds the link, only for a while).
    pub async fn private_url(&self, key: &str, ttl: Duration) -> Result<String, MediaError> {
        let req = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(PresigningConfig::expires_in(ttl).map_err(err)?)
            .await
            .map_err(err)?;
        Ok(req.uri().to_string())
    }

    /// The object's type and size, `None` when nothing is stored under `key`.
    pub async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, MediaError> {
        match self.s3.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(o) => Ok(Some(ObjectInfo {
                content_type: o.content_type().unwrap_or_default().to_string(),
                size: o.content_length().unwrap_or_default(),
            })),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(err(aws_sdk_s3::error::DisplayErrorContext(e))),
        }
    }

    /// Deletes the object; deleting what is not there succeeds (S3's own rule).
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        self.s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    /// Creates the bucket unless it exists (the local stack's start-up and tests).
    pub async fn ensure_bucket(&self) -> Result<(), MediaError> {
        if self.s3.head_bucket().bucket(&self.bucket).send().await.is_ok() {
            return Ok(());
        }
        self.s3
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| err(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }
}
