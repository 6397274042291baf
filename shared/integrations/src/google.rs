//! Google with a service account: Firebase custom tokens (chat sign-in) and
//! FCM HTTP v1 pushes, with the OAuth2 access token from a signed JWT cached
//! until shortly before it expires (shared by every send of a warm instance).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;

pub const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const FCM_BASE_URL: &str = "https://fcm.googleapis.com";
pub const CUSTOM_TOKEN_AUDIENCE: &str =
    "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit";
/// Renew the cached access token this long before it expires.
const EXPIRY_MARGIN_SECS: i64 = 300;

/// The fields of a service-account JSON key we use.
#[derive(Clone, Deserialize)]
pub struct ServiceAccount {
    pub project_id: String,
    pub client_email: String,
    pub private_key: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct CustomTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub uid: String,
    pub claims: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct AssertionClaims {
    pub iss: String,
    pub scope: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// One push to one device.
#[derive(Clone, Debug, Default)]
pub struct PushMessage {
    pub token: String,
    pub title: String,
    pub body: String,
    /// Localisation keys the apps may use instead of `title`/`body`.
    pub title_loc_key: String,
    pub body_loc_key: String,
    pub data: BTreeMap<String, String>,
    /// Incoming calls: delivered at once or not at all.
    pub high_priority: bool,
    pub ttl_secs: Option<u32>,
    pub collapse_key: Option<String>,
}

#[derive(Debug, PartialEq)]
pub enum PushError {
    /// The device token is gone for good (UNREGISTERED, INVALID_ARGUMENT): delete it.
    DeadToken,
    /// Try again later (429, 5xx), after `Retry-After` when given.
    Retry(Option<Duration>),
    Failed(String),
}

/// A service account's OAuth2 access token for one scope: a signed JWT
/// exchanged at the token endpoint, cached until 5 minutes before it expires
/// (shared by every request of a warm instance).
#[derive(Clone)]
pub struct ServiceToken {
    pub account: ServiceAccount,
    key: EncodingKey,
    pub http: reqwest::Client,
    token_url: String,
    scope: &'static str,
    cached: Arc<Mutex<Option<(String, i64)>>>,
    /// OAuth exchanges made (tests check the cache).
    pub exchanges: Arc<AtomicUsize>,
}

impl ServiceToken {
    /// From the service-account JSON; `token_url` defaults to Google's.
    pub fn new(service_account_json: &str, scope: &'static str, token_url: Option<String>) -> Result<Self, String> {
        let account: ServiceAccount =
            serde_json::from_str(service_account_json).map_err(|e| format!("service account JSON: {e}"))?;
        let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes())
            .map_err(|e| format!("service account private_key: {e}"))?;
        Ok(ServiceToken {
            account,
            key,
            http: crate::tls::http(Duration::from_secs(10)),
            token_url: token_url.unwrap_or_else(|| GOOGLE_TOKEN_URL.into()),
            scope,
            cached: Arc::new(Mutex::new(None)),
            exchanges: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, String> {
        crate::jwt::encode(&Header::new(Algorithm::RS256), claims, &self.key).map_err(|e| e.to_string())
    }

    /// The bearer, from the cache while it has 5 minutes left. `Err(None)`:
    /// the endpoint did not answer (retry later); `Err(Some(why))`: refused.
    pub async fn bearer(&self, now_secs: i64) -> Result<String, Option<String>> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && *expires - EXPIRY_MARGIN_SECS > now_secs
        {
            return Ok(token.clone());
        }
        let assertion = self
            .sign(&AssertionClaims {
                iss: self.account.client_email.clone(),
                scope: self.scope.into(),
                aud: self.token_url.clone(),
                iat: now_secs,
                exp: now_secs + 3600,
            })
            .map_err(Some)?;
        self.exchanges.fetch_add(1, Ordering::Relaxed);
        let res = self
            .http
            .post(&self.token_url)
            .form(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion.as_str())])
            .send()
            .await
            .map_err(|e| {
                tracing::warn!(error = %e.without_url(), "Google token request failed");
                None
            })?;
        if !res.status().is_success() {
            return Err(Some(format!("OAuth token exchange answered {}", res.status())));
        }
        #[derive(Deserialize)]
        struct TokenAnswer {
            access_token: String,
            expires_in: i64,
        }
        let t: TokenAnswer = res.json().await.map_err(|e| Some(format!("OAuth answer: {e}")))?;
        *cached = Some((t.access_token.clone(), now_secs + t.expires_in));
        Ok(t.access_token)
    }

    /// Forgets the cached bearer (it was refused).
    pub async fn forget(&self) {
        *self.cached.lock().await = None;
    }
}

#[derive(Clone)]
pub struct Google {
    token: ServiceToken,
    fcm_base: String,
    /// OAuth exchanges made (tests check the cache).
    pub exchanges: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Google {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Google").field("project_id", &self.token.account.project_id).finish_non_exhaustive()
    }
}

impl Google {
    /// From the service-account JSON; the URLs default to Google's (tests point them at a local server).
    pub fn new(
        service_account_json: &str,
        fcm_base: Option<String>,
        token_url: Option<String>,
    ) -> Result<Self, String> {
        let token = ServiceToken::new(service_account_json, FCM_SCOPE, token_url)?;
        let exchanges = token.exchanges.clone();
        Ok(Google { token, fcm_base: fcm_base.unwrap_or_else(|| FCM_BASE_URL.into()), exchanges })
    }

    /// A Firebase custom token for `uid` (1–128 characters), valid an hour,
    /// with `claims` (e.g. the role) for the security rules.
    pub fn custom_token(&self, uid: &str, claims: BTreeMap<String, String>, now_secs: i64) -> Result<String, String> {
        if uid.is_empty() || uid.len() > 128 {
            return Err("uid must be 1 to 128 characters".into());
        }
        let email = &self.token.account.client_email;
        self.token.sign(&CustomTokenClaims {
            iss: email.clone(),
            sub: email.clone(),
            aud: CUSTOM_TOKEN_AUDIENCE.into(),
            iat: now_secs,
            exp: now_secs + 3600,
            uid: uid.into(),
            claims,
        })
    }

    async fn access_token(&self, now_secs: i64) -> Result<String, PushError> {
        self.token.bearer(now_secs).await.map_err(|e| match e {
            None => PushError::Retry(None),
            Some(why) => PushError::Failed(why),
        })
    }

    /// Sends one message (FCM HTTP v1).
    pub async fn send(&self, m: &PushMessage, now_secs: i64) -> Result<(), PushError> {
        let bearer = self.access_token(now_secs).await?;
        let mut android = json!({
            "priority": if m.high_priority { "HIGH" } else { "NORMAL" },
            "notification": { "title_loc_key": m.title_loc_key, "body_loc_key": m.body_loc_key },
        });
        let mut apns_headers = json!({ "apns-priority": if m.high_priority { "10" } else { "5" } });
        if let Some(ttl) = m.ttl_secs {
            android["ttl"] = json!(format!("{ttl}s"));
            apns_headers["apns-expiration"] = json!((now_secs + ttl as i64).to_string());
        }
        if let Some(key) = &m.collapse_key {
            android["collapse_key"] = json!(key);
            apns_headers["apns-collapse-id"] = json!(key);
        }
        let body = json!({
            "message": {
                "token": m.token,
                "notification": { "title": m.title, "body": m.body },
                "data": m.data,
                "android": android,
                "apns": {
                    "headers": apns_headers,
                    "payload": { "aps": { "alert": { "title-loc-key": m.title_loc_key, "loc-key": m.body_loc_key } } },
                },
            }
        });
        let url = format!("{}/v1/projects/{}/messages:send", self.fcm_base, self.token.account.project_id);
        let res = self
            .token
            .http
            .post(url)
            .bearer_auth(bearer)
            .json(&body)
            .send()
            .await
            .map_err(|e| PushError::Retry(None).or_log(e))?;
        let status = res.status().as_u16();
        if status == 200 {
            return Ok(());
        }
        let retry_after =
            res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        let text = res.text().await.unwrap_or_default();
        match status {
            401 => {
                // The cached token was refused: forget it so the retry fetches another.
                self.token.forget().await;
                Err(PushError::Retry(None))
            }
            404 if text.contains("UNREGISTERED") || text.contains("NOT_FOUND") => Err(PushError::DeadToken),
            400 if text.contains("INVALID_ARGUMENT") => Err(PushError::DeadToken),
            429 | 500..=599 => Err(PushError::Retry(retry_after.map(Duration::from_secs))),
            _ => Err(PushError::Failed(format!("FCM answered {status}"))),
        }
    }
}

impl PushError {
    /// A transport error: logged (without the request), then retried.
    fn or_log(self, e: reqwest::Error) -> PushError {
        tracing::warn!(error = %e.without_url(), "Google request failed");
        self
    }
}
