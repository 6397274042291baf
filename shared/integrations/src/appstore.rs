//! The App Store: Get Transaction Info (App Store Server API, ES256 JWT
//! auth), Send Consumption Information, and the signed data Apple sends
//! (transactions, App Store Server Notifications V2), verified with the
//! `app-store-server-library` crate against the configured root certificates.
//! Base URL and roots come from configuration, so the local stand-in
//! (`local::stores::AppStore`) serves the same wire format with its own chain.

use std::sync::Arc;
use std::time::Duration;

use app_store_server_library::models::app_store_environment::Environment;
use app_store_server_library::models::product_type::ProductType;
use app_store_server_library::signed_data_verifier::SignedDataVerifier;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

pub const PRODUCTION_BASE: &str = "https://api.storekit.itunes.apple.com";
pub const SANDBOX_BASE: &str = "https://api.storekit-sandbox.itunes.apple.com";

/// What the server checks of a verified transaction.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub transaction_id: String,
    pub original_transaction_id: String,
    pub product_id: String,
    /// The account reference the app set (`appAccountToken`), lowercase.
    pub app_account_token: Option<String>,
    pub consumable: bool,
    pub revoked: bool,
}

/// A verified App Store Server Notification V2.
#[derive(Clone, Debug)]
pub struct Notification {
    pub uuid: String,
    /// REFUND, REFUND_REVERSED, CONSUMPTION_REQUEST, ... (Apple's name).
    pub kind: String,
    pub transaction: Option<Transaction>,
}

#[derive(Debug)]
pub enum AppleError {
    /// Apple does not know the transaction.
    UnknownTransaction,
    /// The signed data failed verification (chain, signature, bundle, environment).
    Unverified(String),
    /// Not reachable or failing: try again later.
    Unavailable(String),
}

#[derive(Clone)]
pub struct AppStore {
    http: reqwest::Client,
    base: String,
    issuer_id: String,
    key_id: String,
    bundle_id: String,
    key: EncodingKey,
    verifier: Arc<SignedDataVerifier>,
}

impl std::fmt::Debug for AppStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppStore").field("bundle_id", &self.bundle_id).finish_non_exhaustive()
    }
}

/// Settings of the App Store connection.
pub struct AppStoreSettings<'a> {
    pub bundle_id: &'a str,
    /// Required in production.
    pub app_apple_id: Option<i64>,
    /// `Production` or `Sandbox`.
    pub environment: &'a str,
    pub issuer_id: &'a str,
    pub key_id: &'a str,
    /// The In-App Purchase key (`.p8`, PKCS#8 PEM, P-256).
    pub private_key_pem: &'a str,
    /// DER root certificates (Apple Root CA - G3 in AWS).
    pub root_certificates: Vec<Vec<u8>>,
    pub base: Option<String>,
}

impl AppStore {
    pub fn new(s: AppStoreSettings<'_>) -> Result<Self, String> {
        let environment = match s.environment {
            "Production" => Environment::Production,
            "Sandbox" => Environment::Sandbox,
            other => return Err(format!("App Store environment: Production or Sandbox, not {other}")),
        };
        let base = s.base.unwrap_or_else(|| {
            if environment == Environment::Production { PRODUCTION_BASE.into() } else { SANDBOX_BASE.into() }
        });
        let verifier =
            SignedDataVerifier::new(s.root_certificates, environment, s.bundle_id.into(), s.app_apple_id, false)
                .map_err(|e| format!("App Store verifier: {e}"))?;
        Ok(AppStore {
            http: crate::tls::http(Duration::from_secs(10)),
            base,
            issuer_id: s.issuer_id.into(),
            key_id: s.key_id.into(),
            bundle_id: s.bundle_id.into(),
            key: EncodingKey::from_ec_pem(s.private_key_pem.as_bytes()).map_err(|e| format!("App Store key: {e}"))?,
            verifier: Arc::new(verifier),
        })
    }

    /// The API's bearer: an ES256 JWT of the In-App Purchase key, 20 minutes.
    fn bearer(&self, now_secs: i64) -> Result<String, AppleError> {
        let mut h = Header::new(Algorithm::ES256);
        h.kid = Some(self.key_id.clone());
        h.typ = Some("JWT".into());
        let claims = json!({"iss": self.issuer_id, "iat": now_secs, "exp": now_secs + 1200,
            "aud": "appstoreconnect-v1", "bid": self.bundle_id});
        crate::jwt::encode(&h, &claims, &self.key).map_err(|e| AppleError::Unavailable(e.to_string()))
    }

    /// Get Transaction Info, verified.
    pub async fn transaction(&self, transaction_id: &str, now_secs: i64) -> Result<Transaction, AppleError> {
        if transaction_id.is_empty()
            || !transaction_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(AppleError::UnknownTransaction);
        }
        let res = self
            .http
            .get(format!("{}/inApps/v1/transactions/{transaction_id}", self.base))
            .bearer_auth(self.bearer(now_secs)?)
            .send()
            .await
            .map_err(|e| AppleError::Unavailable(e.without_url().to_string()))?;
        match res.status().as_u16() {
            200 => {}
            400 | 404 => return Err(AppleError::UnknownTransaction),
            s => return Err(AppleError::Unavailable(format!("App Store Server API answered {s}"))),
        }
        let v: Value = res.json().await.map_err(|e| AppleError::Unavailable(e.to_string()))?;
        let jws = v["signedTransactionInfo"]
            .as_str()
            .ok_or_else(|| AppleError::Unavailable("no signedTransactionInfo".into()))?;
        self.verify_transaction(jws)
    }

    /// A signed transaction (JWS), checked: chain to a configured root with
    /// Apple's OIDs, signature, bundle id and environment.
    pub fn verify_transaction(&self, jws: &str) -> Result<Transaction, AppleError> {
        let t = self
            .verifier
            .verify_and_decode_signed_transaction(jws)
            .map_err(|e| AppleError::Unverified(e.to_string()))?;
        Ok(Transaction {
            transaction_id: t.transaction_id.clone().unwrap_or_default(),
            original_transaction_id: t.original_transaction_id.or(t.transaction_id).unwrap_or_default(),
            product_id: t.product_id.unwrap_or_default(),
            app_account_token: t.app_account_token.map(|u| u.to_string()),
            consumable: t.r#type == Some(ProductType::Consumable),
            revoked: t.revocation_date.is_some(),
        })
    }

    /// A notification's `signedPayload`, checked as transactions are, with its transaction.
    pub fn verify_notification(&self, signed_payload: &str) -> Result<Notification, AppleError> {
        let n = self
            .verifier
            .verify_and_decode_notification(signed_payload)
            .map_err(|e| AppleError::Unverified(e.to_string()))?;
        let transaction = match n.data.as_ref().and_then(|d| d.signed_transaction_info.as_deref()) {
            Some(jws) => Some(self.verify_transaction(jws)?),
            None => None,
        };
        let kind = n
            .notification_type
            .as_ref()
            .and_then(|t| serde_json::to_value(t).ok())
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        Ok(Notification { uuid: n.notification_uuid.unwrap_or_default(), kind, transaction })
    }

    /// Send Consumption Information for a refund request Apple asked about.
    pub async fn send_consumption(&self, transaction_id: &str, body: &Value, now_secs: i64) -> Result<(), AppleError> {
        let res = self
            .http
            .put(format!("{}/inApps/v1/transactions/consumption/{transaction_id}", self.base))
            .bearer_auth(self.bearer(now_secs)?)
            .json(body)
            .send()
            .await
            .map_err(|e| AppleError::Unavailable(e.without_url().to_string()))?;
        match res.status().as_u16() {
            200..=299 => Ok(()),
            s => Err(AppleError::Unavailable(format!("Send Consumption Information answered {s}"))),
        }
    }
}
