//! Google Play: one-time product purchases (Android Publisher API v3,
//! `purchases.productsv2`), consuming them, voided purchases, and checking
//! the OIDC token Pub/Sub sends with real-time developer notifications.
//! Base URLs come from configuration, so the local stand-in serves the same
//! wire format (`local::stores`).

use std::collections::HashMap;
use std::sync::Arc;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::google::ServiceToken;

pub const SCOPE: &str = "https://www.googleapis.com/auth/androidpublisher";
pub const API_BASE: &str = "https://androidpublisher.googleapis.com";
/// Google's keys for the OIDC tokens it signs (Pub/Sub push among them).
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

#[derive(Clone, Debug, PartialEq)]
pub enum PurchaseState {
    Purchased,
    Pending,
    Cancelled,
    Other(String),
}

/// What the server checks of a purchase.
#[derive(Clone, Debug)]
pub struct Purchase {
    pub state: PurchaseState,
    pub product_id: Option<String>,
    pub account_ref: Option<String>,
    pub order_id: Option<String>,
    /// Made with a license tester's account: no money changed hands.
    pub test: bool,
}

#[derive(Debug)]
pub enum PlayError {
    /// Google does not know the token (404, or 400 for a malformed one).
    UnknownToken,
    /// Not reachable or failing: try again later.
    Unavailable(String),
}

/// A voided purchase (refund, chargeback, cancellation after payment).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Voided {
    pub purchase_token: String,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub voided_time_millis: Option<String>,
}

#[derive(Clone)]
pub struct Play {
    token: ServiceToken,
    base: String,
    pub package_name: String,
}

impl Play {
    pub fn new(
        service_account_json: &str,
        package_name: &str,
        base: Option<String>,
        token_url: Option<String>,
    ) -> Result<Self, String> {
        Ok(Play {
            token: ServiceToken::new(service_account_json, SCOPE, token_url)?,
            base: base.unwrap_or_else(|| API_BASE.into()),
            package_name: package_name.into(),
        })
    }

    fn app_url(&self) -> String {
        format!("{}/androidpublisher/v3/applications/{}", self.base, self.package_name)
    }

    async fn bearer(&self, now_secs: i64) -> Result<String, PlayError> {
        self.token
            .bearer(now_secs)
            .await
            .map_err(|e| PlayError::Unavailable(e.unwrap_or_else(|| "token endpoint unreachable".into())))
    }

    async fn send(&self, req: reqwest::RequestBuilder, now_secs: i64) -> Result<reqwest::Response, PlayError> {
        let res = req
            .bearer_auth(self.bearer(now_secs).await?)
            .send()
            .await
            .map_err(|e| PlayError::Unavailable(e.without_url().to_string()))?;
        match res.status().as_u16() {
            200..=299 => Ok(res),
            400 | 404 | 410 => Err(PlayError::UnknownToken),
            401 => {
                self.token.forget().await;
                Err(PlayError::Unavailable("bearer refused".into()))
            }
            s => Err(PlayError::Unavailable(format!("Android Publisher answered {s}"))),
        }
    }

    /// `purchases.productsv2.getproductpurchasev2`.
    pub async fn purchase(&self, purchase_token: &str, now_secs: i64) -> Result<Purchase, PlayError> {
        let url = format!("{}/purchases/productsv2/tokens/{}", self.app_url(), urlencode(purchase_token));
        let res = self.send(self.token.http.get(url), now_secs).await?;
        let v: serde_json::Value = res.json().await.map_err(|e| PlayError::Unavailable(e.to_string()))?;
        let state = match v["purchaseStateContext"]["purchaseState"].as_str() {
            Some("PURCHASED") => PurchaseState::Purchased,
            Some("PENDING") => PurchaseState::Pending,
            Some("CANCELLED") => PurchaseState::Cancelled,
            other => PurchaseState::Other(other.unwrap_or_default().into()),
        };
        Ok(Purchase {
            state,
            product_id: v["productLineItem"][0]["productId"].as_str().map(String::from),
            account_ref: v["obfuscatedExternalAccountId"].as_str().map(String::from),
            order_id: v["orderId"].as_str().map(String::from),
            test: v.get("testPurchaseContext").is_some_and(|t| !t.is_null()),
        })
    }

    /// `purchases.products.consume`: the product can be bought again.
    pub async fn consume(&self, product_id: &str, purchase_token: &str, now_secs: i64) -> Result<(), PlayError> {
        let url = format!(
            "{}/purchases/products/{}/tokens/{}:consume",
            self.app_url(),
            urlencode(product_id),
            urlencode(purchase_token)
        );
        self.send(self.token.http.post(url).header("content-length", "0"), now_secs).await.map(|_| ())
    }

    /// `purchases.voidedpurchases.list` from `start_ms`, one page.
    pub async fn voided(
        &self,
        start_ms: i64,
        page: Option<&str>,
        now_secs: i64,
    ) -> Result<(Vec<Voided>, Option<String>), PlayError> {
        let mut url = format!("{}/purchases/voidedpurchases?startTime={start_ms}&maxResults=1000", self.app_url());
        if let Some(p) = page {
            url.push_str(&format!("&token={}", urlencode(p)));
        }
        let res = self.send(self.token.http.get(url), now_secs).await?;
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Answer {
            #[serde(default)]
            voided_purchases: Vec<Voided>,
            #[serde(default)]
            token_pagination: Option<Pagination>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Pagination {
            next_page_token: Option<String>,
        }
        let a: Answer = res.json().await.map_err(|e| PlayError::Unavailable(e.to_string()))?;
        Ok((a.voided_purchases, a.token_pagination.and_then(|p| p.next_page_token)))
    }
}

/// Percent-encodes a path segment (tokens may hold `:` or `.`; keep them readable).
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Checks the `Authorization: Bearer` OIDC token of a Pub/Sub push: signed
/// by one of Google's keys (fetched from `jwks_url`, cached, re-fetched for an
/// unknown key id), issued by Google for `audience`, to `email` (verified).
#[derive(Clone)]
pub struct PushVerifier {
    http: reqwest::Client,
    jwks_url: String,
    audience: String,
    email: String,
    keys: Arc<Mutex<HashMap<String, DecodingKey>>>,
}

#[derive(Deserialize)]
struct PushClaims {
    email: Option<String>,
    #[serde(default)]
    email_verified: bool,
}

impl PushVerifier {
    pub fn new(jwks_url: Option<String>, audience: &str, email: &str) -> Self {
        PushVerifier {
            http: crate::tls::http(std::time::Duration::from_secs(5)),
            jwks_url: jwks_url.unwrap_or_else(|| GOOGLE_JWKS_URL.into()),
            audience: audience.into(),
            email: email.into(),
            keys: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, String> {
        let mut keys = self.keys.lock().await;
        if !keys.contains_key(kid) {
            let set: JwkSet = self
                .http
                .get(&self.jwks_url)
                .send()
                .await
                .map_err(|e| format!("keys: {}", e.without_url()))?
                .json()
                .await
                .map_err(|e| format!("keys: {e}"))?;
            keys.clear();
            for jwk in &set.keys {
                if let (Some(id), Ok(k)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) {
                    keys.insert(id, k);
                }
            }
        }
        keys.get(kid).cloned().ok_or_else(|| "token signed by an unknown key".into())
    }

    /// `Ok(())` for a good token; `Err(why)` otherwise.
    pub async fn verify(&self, bearer: &str) -> Result<(), String> {
        let header = jsonwebtoken::decode_header(bearer).map_err(|e| format!("token: {e}"))?;
        if header.alg != Algorithm::RS256 {
            return Err("token: RS256 expected".into());
        }
        let key = self.key(header.kid.as_deref().ok_or("token: no key id")?).await?;
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&[&self.audience]);
        v.set_issuer(&["https://accounts.google.com", "accounts.google.com"]);
        let data = crate::jwt::decode::<PushClaims>(bearer, &key, &v).map_err(|e| format!("token: {e}"))?;
        if data.claims.email.as_deref() != Some(self.email.as_str()) || !data.claims.email_verified {
            return Err("token: not from the configured service account".into());
        }
        Ok(())
    }
}

impl std::fmt::Debug for Play {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Play").field("package_name", &self.package_name).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for PushVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushVerifier").field("audience", &self.audience).finish_non_exhaustive()
    }
}
