//! Publishing to AWS AppSync Events over HTTP: `POST {endpoint}/event` with
//! `{channel, events}` (each event a JSON string, at most 5 a request),
//! signed with the function's role (SigV4, service `appsync`). The local
//! stack's stand-in takes the same request unsigned.

use std::time::SystemTime;

use aws_credential_types::provider::ProvideCredentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};

/// AppSync Events takes at most this many events in one publish.
pub const EVENTS_PER_PUBLISH: usize = 5;

#[derive(Debug, thiserror::Error)]
#[error("appsync events: {0}")]
pub struct PublishError(String);

fn err(e: impl std::fmt::Display) -> PublishError {
    PublishError(e.to_string())
}

#[derive(Clone, Debug)]
pub struct EventsPublisher {
    /// `https://<id>.appsync-api.<region>.amazonaws.com` (or the local stand-in)
    endpoint: String,
    http: reqwest::Client,
    /// Signs with these (AWS); `None`: unsigned (the local stand-in).
    sdk: Option<aws_types::SdkConfig>,
}

impl EventsPublisher {
    pub fn new(endpoint: &str, sdk: Option<aws_types::SdkConfig>) -> Self {
        EventsPublisher {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            http: crate::tls::http(std::time::Duration::from_secs(5)),
            sdk,
        }
    }

    /// Publishes `events` on `channel` in order, five a request.
    pub async fn publish(&self, channel: &str, events: &[String]) -> Result<(), PublishError> {
        for chunk in events.chunks(EVENTS_PER_PUBLISH) {
            let body = serde_json::json!({"channel": channel, "events": chunk}).to_string();
            let url = format!("{}/event", self.endpoint);
            let mut req = self.http.post(&url).header("content-type", "application/json");
            if let Some(sdk) = &self.sdk {
                for (name, value) in signed_headers(sdk, &url, &body).await? {
                    req = req.header(name, value);
                }
            }
            let res = req.body(body).send().await.map_err(err)?;
            let status = res.status();
            let answer: serde_json::Value = res.json().await.unwrap_or_default();
            let failed = answer["failed"].as_array().map_or(0, Vec::len);
            if !status.is_success() || failed > 0 {
                return Err(PublishError(format!("{status}: {answer}")));
            }
        }
        Ok(())
    }
}

/// SigV4 headers for a POST of `body` to `url` with the SDK's credentials and region.
async fn signed_headers(
    sdk: &aws_types::SdkConfig,
    url: &str,
    body: &str,
) -> Result<Vec<(String, String)>, PublishError> {
    let provider = sdk.credentials_provider().ok_or_else(|| PublishError("no credentials".into()))?;
    let creds = provider.provide_credentials().await.map_err(err)?;
    let identity = creds.into();
    let region = sdk.region().map(|r| r.to_string()).unwrap_or_else(|| "us-east-1".into());
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(&region)
        .name("appsync")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(err)?
        .into();
    let host = url.split("//").nth(1).and_then(|r| r.split('/').next()).unwrap_or_default().to_string();
    let headers = [("content-type", "application/json"), ("host", host.as_str())];
    let signable =
        SignableRequest::new("POST", url, headers.into_iter(), SignableBody::Bytes(body.as_bytes())).map_err(err)?;
    let (instructions, _) = sign(signable, &params).map_err(err)?.into_parts();
    let (headers, _) = instructions.into_parts();
    Ok(headers.into_iter().map(|h| (h.name().to_string(), h.value().to_string())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_publish_is_signed_for_appsync_with_the_region_and_the_keys_given() {
        let sdk = aws_types::SdkConfig::builder()
            .region(aws_types::region::Region::new("ap-south-1"))
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"),
            ))
            .build();
        let h = signed_headers(&sdk, "https://abc.appsync-api.ap-south-1.amazonaws.com/event", "{}").await.unwrap();
        let auth = h.iter().find(|(n, _)| n == "authorization").map(|(_, v)| v.clone()).unwrap();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{auth}");
        assert!(auth.contains("/ap-south-1/appsync/aws4_request"), "{auth}");
        assert!(h.iter().any(|(n, _)| n == "x-amz-date"));
    }
}
