//! Local stand-ins for the app stores (`PAYMENTS_MODE=local`: `make run` and
//! the tests). They speak Google's wire formats on 127.0.0.1, so the API
//! runs the same code as in AWS with other base URLs.
//!
//! Google Play: an OAuth token endpoint that checks the service account's
//! signed assertion, the Android Publisher API (`productsv2` purchases,
//! `:consume`, voided purchases) behind the bearer it issued, the OIDC keys
//! (JWKS), and Pub/Sub-style pushes of real-time developer notifications
//! signed with them. Purchase tokens it knows:
//! `local:<product_id>:<account_ref>.<n>` purchased, `local-test:…` a license
//! tester's purchase, `local-pending:…` pending, `local-cancelled:…` cancelled;
//! `<account_ref>` is what the app sets as `obfuscatedAccountId`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::KeyPair as _;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

pub const PACKAGE_NAME: &str = "app.streamly.local";
pub const PUSH_AUDIENCE: &str = "https://api.streamly.local/webhooks/google";
pub const PUSH_EMAIL: &str = "play-rtdn@streamly-local.iam.gserviceaccount.com";
const SA_EMAIL: &str = "play-api@streamly-local.iam.gserviceaccount.com";

/// A fresh RSA key: (PKCS#8 PEM, base64url n, base64url e).
fn rsa_key() -> (String, String, String) {
    let kp = KeyPair::generate(KeySize::Rsa2048).expect("RSA key");
    let der = kp.as_der().expect("PKCS#8");
    let b64 = STANDARD.encode(der.as_ref());
    let body: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("ascii")).collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", body.join("\n"));
    let c: PublicKeyComponents<Vec<u8>> = kp.public_key().into();
    (pem, URL_SAFE_NO_PAD.encode(&c.n), URL_SAFE_NO_PAD.encode(&c.e))
}

struct Shared {
    base: String,
    service_account: DecodingKey,
    oidc_key: EncodingKey,
    jwks: Value,
    bearers: HashSet<String>,
    consumed: HashSet<String>,
    /// The next this many consumes fail (503), as Google sometimes does.
    failing_consumes: usize,
    voided: Vec<(String, i64)>,
    /// Purchases cancelled after they were paid (an order cancelled by Google).
    cancelled: HashSet<String>,
}

/// The Google Play stand-in, serving on its own port until dropped with the process.
#[derive(Clone)]
pub struct GooglePlay {
    pub base: String,
    /// The service account the API uses (its key made here).
    pub service_account_json: String,
    shared: Arc<Mutex<Shared>>,
}

type S = Arc<Mutex<Shared>>;

/// A stand-in's listener on a free loopback port, and its base URL.
pub(crate) async fn listen() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, base)
}

impl GooglePlay {
    pub async fn start() -> GooglePlay {
        let (listener, base) = listen().await;
        let (sa_pem, sa_n, sa_e) = rsa_key();
        let (oidc_pem, n, e) = rsa_key();
        let shared = Arc::new(Mutex::new(Shared {
            base: base.clone(),
            service_account: DecodingKey::from_rsa_components(&sa_n, &sa_e).expect("public key"),
            oidc_key: EncodingKey::from_rsa_pem(oidc_pem.as_bytes()).expect("key"),
            jwks: json!({"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "local-1", "n": n, "e": e}]}),
            bearers: HashSet::new(),
            consumed: HashSet::new(),
            failing_consumes: 0,
            voided: Vec::new(),
            cancelled: HashSet::new(),
        }));
        let app = "/androidpublisher/v3/applications/{package}/purchases";
        let router = axum::Router::new()
            .route("/token", axum::routing::post(token))
            .route("/oauth2/v3/certs", axum::routing::get(certs))
            .route(&format!("{app}/productsv2/tokens/{{token}}"), axum::routing::get(purchase))
            .route(&format!("{app}/products/{{product}}/tokens/{{action}}"), axum::routing::post(consume))
            .route(&format!("{app}/voidedpurchases"), axum::routing::get(voided))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        let service_account_json = json!({
            "type": "service_account", "project_id": "streamly-local", "client_email": SA_EMAIL,
            "private_key": sa_pem, "token_uri": format!("{base}/token"),
        })
        .to_string();
        GooglePlay { base, service_account_json, shared }
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.base)
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/oauth2/v3/certs", self.base)
    }

    /// The API's configuration for this stand-in.
    pub fn config(&self) -> app::kernel::config::GooglePlayConfig {
        app::kernel::config::GooglePlayConfig {
            service_account_json: self.service_account_json.clone(),
            package_name: PACKAGE_NAME.into(),
            push_audience: PUSH_AUDIENCE.into(),
            push_email: PUSH_EMAIL.into(),
            allow_test_purchases: true,
            api_base: Some(self.base.clone()),
            jwks_url: Some(self.jwks_url()),
        }
    }

    pub fn consumed(&self, purchase_token: &str) -> bool {
        self.shared.lock().expect("lock").consumed.contains(purchase_token)
    }

    pub fn fail_next_consumes(&self, n: usize) {
        self.shared.lock().expect("lock").failing_consumes = n;
    }

    /// A Pub/Sub push token as Google signs it: for `audience` and `email` unless changed.
    pub fn push_token(&self, audience: &str, email: &str, now_secs: i64) -> String {
        let key = self.shared.lock().expect("lock").oidc_key.clone();
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some("local-1".into());
        let claims = json!({"iss": "https://accounts.google.com", "aud": audience, "email": email,
            "email_verified": true, "sub": "1", "iat": now_secs, "exp": now_secs + 3600});
        integrations::jwt::encode(&h, &claims, &key).expect("sign")
    }

    /// The Pub/Sub push body of a developer notification.
    pub fn push_body(notification: &Value, message_id: &str) -> String {
        json!({"message": {"data": STANDARD.encode(notification.to_string()), "messageId": message_id,
            "publishTime": "2026-11-30T00:00:00Z"}, "subscription": "projects/streamly-local/subscriptions/play"})
        .to_string()
    }

    /// Voids a purchase (a refund) and answers its voided-purchase notification.
    pub fn void(&self, purchase_token: &str, now_ms: i64) -> Value {
        self.shared.lock().expect("lock").voided.push((purchase_token.to_string(), now_ms));
        json!({"version": "1.0", "packageName": PACKAGE_NAME, "eventTimeMillis": now_ms.to_string(),
            "voidedPurchaseNotification": {"purchaseToken": purchase_token, "orderId": order_id(purchase_token),
                "productType": 2, "refundType": 1}})
    }

    /// Cancels a paid purchase and answers its `ONE_TIME_PRODUCT_CANCELED` notification.
    pub fn cancel(&self, purchase_token: &str, now_ms: i64) -> Value {
        self.shared.lock().expect("lock").cancelled.insert(purchase_token.to_string());
        let sku = parse(purchase_token).map(|p| p.1).unwrap_or_default();
        json!({"version": "1.0", "packageName": PACKAGE_NAME, "eventTimeMillis": now_ms.to_string(),
            "oneTimeProductNotification": {"version": "1.0", "notificationType": 2, "purchaseToken": purchase_token, "sku": sku}})
    }

    /// The notification of a purchase completing (`ONE_TIME_PRODUCT_PURCHASED`).
    pub fn purchased(purchase_token: &str, now_ms: i64) -> Value {
        let sku = parse(purchase_token).map(|p| p.1).unwrap_or_default();
        json!({"version": "1.0", "packageName": PACKAGE_NAME, "eventTimeMillis": now_ms.to_string(),
            "oneTimeProductNotification": {"version": "1.0", "notificationType": 1, "purchaseToken": purchase_token, "sku": sku}})
    }

    /// Sends a signed notification to the API's `POST /webhooks/google` at `api`.
    pub async fn push(&self, api: &str, notification: &Value, now_secs: i64) -> Result<(u16, String), String> {
        let body = Self::push_body(notification, &ulid::Ulid::new().to_string());
        let bearer = self.push_token(PUSH_AUDIENCE, PUSH_EMAIL, now_secs);
        deliver(&format!("{api}/webhooks/google"), body, Some(&bearer)).await
    }
}

/// POSTs a stand-in's notification to a webhook: its status and body.
pub(crate) async fn deliver(url: &str, body: String, bearer: Option<&str>) -> Result<(u16, String), String> {
    let mut req = reqwest::Client::new().post(url).header("content-type", "application/json").body(body);
    if let Some(b) = bearer {
        req = req.bearer_auth(b);
    }
    let res = req.send().await.map_err(|e| e.to_string())?;
    Ok((res.status().as_u16(), res.text().await.unwrap_or_default()))
}

fn order_id(token: &str) -> String {
    let hash = token.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    format!(
        "GPA.{:04}-{:04}-{:04}-{:05}",
        hash % 10_000,
        (hash >> 16) % 10_000,
        (hash >> 32) % 10_000,
        (hash >> 48) % 100_000
    )
}

/// (state, product id, account ref, test) of a local purchase token.
fn parse(token: &str) -> Option<(&'static str, String, Option<String>, bool)> {
    let mut parts = token.splitn(3, ':');
    let (kind, product, nonce) = (parts.next()?, parts.next()?, parts.next()?);
    let (state, test) = match kind {
        "local" => ("PURCHASED", false),
        "local-test" => ("PURCHASED", true),
        "local-pending" => ("PENDING", false),
        "local-cancelled" => ("CANCELLED", false),
        _ => return None,
    };
    let account = nonce.split_once('.').map(|(a, _)| a.to_string());
    (!product.is_empty()).then(|| (state, product.to_string(), account, test))
}

/// The refusal (status, why) of a request without the bearer this stand-in issued or for another app.
fn authorized(s: &S, headers: &HeaderMap, package: &str) -> Result<(), (StatusCode, &'static str)> {
    let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if !bearer.is_some_and(|b| s.lock().expect("lock").bearers.contains(b)) {
        return Err((StatusCode::UNAUTHORIZED, "no valid bearer"));
    }
    if package != PACKAGE_NAME {
        return Err((StatusCode::NOT_FOUND, "no such package"));
    }
    Ok(())
}

async fn token(State(s): State<S>, Form(form): Form<HashMap<String, String>>) -> Response {
    if form.get("grant_type").map(String::as_str) != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "unsupported_grant_type"}))).into_response();
    }
    let (key, aud) = {
        let g = s.lock().expect("lock");
        (g.service_account.clone(), format!("{}/token", g.base))
    };
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[aud]);
    v.set_issuer(&[SA_EMAIL]);
    let ok = form.get("assertion").is_some_and(|a| {
        integrations::jwt::decode::<Value>(a, &key, &v).is_ok_and(|d| d.claims["scope"] == integrations::play::SCOPE)
    });
    if !ok {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
    }
    let bearer = format!("ya29.local-{}", ulid::Ulid::new());
    s.lock().expect("lock").bearers.insert(bearer.clone());
    axum::Json(json!({"access_token": bearer, "expires_in": 3599, "token_type": "Bearer"})).into_response()
}

async fn certs(State(s): State<S>) -> Response {
    axum::Json(s.lock().expect("lock").jwks.clone()).into_response()
}

async fn purchase(State(s): State<S>, Path((package, token)): Path<(String, String)>, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&s, &headers, &package) {
        return r.into_response();
    }
    let Some((state, product, account, test)) = parse(&token) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"error": {"code": 404, "message": "purchase token not found"}})),
        )
            .into_response();
    };
    let (consumed, cancelled) = {
        let g = s.lock().expect("lock");
        (g.consumed.contains(&token), g.cancelled.contains(&token))
    };
    let state = if cancelled { "CANCELLED" } else { state };
    let mut p = json!({
        "kind": "androidpublisher#productPurchaseV2",
        "productLineItem": [{"productId": product, "productOfferDetails": {
            "consumptionState": if consumed { "CONSUMPTION_STATE_CONSUMED" } else { "CONSUMPTION_STATE_YET_TO_BE_CONSUMED" }}}],
        "purchaseStateContext": {"purchaseState": state},
        "orderId": order_id(&token),
        "regionCode": "IN",
        "purchaseCompletionTime": "2026-11-30T00:00:00Z",
        "acknowledgementState": "ACKNOWLEDGEMENT_STATE_PENDING",
    });
    if let Some(a) = account {
        p["obfuscatedExternalAccountId"] = json!(a);
    }
    if test {
        p["testPurchaseContext"] = json!({"fopType": "TEST"});
    }
    axum::Json(p).into_response()
}

async fn consume(
    State(s): State<S>,
    Path((package, product, action)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorized(&s, &headers, &package) {
        return r.into_response();
    }
    let Some(token) = action.strip_suffix(":consume") else { return StatusCode::NOT_FOUND.into_response() };
    if parse(token).is_none_or(|p| p.1 != product || p.0 != "PURCHASED") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let mut g = s.lock().expect("lock");
    if g.failing_consumes > 0 {
        g.failing_consumes -= 1;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    g.consumed.insert(token.to_string());
    axum::Json(json!({})).into_response()
}

async fn voided(State(s): State<S>, Path(package): Path<String>, uri: axum::http::Uri, headers: HeaderMap) -> Response {
    let q: HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    if let Err(r) = authorized(&s, &headers, &package) {
        return r.into_response();
    }
    let start: i64 = q.get("startTime").and_then(|v| v.parse().ok()).unwrap_or(0);
    let items: Vec<Value> = s
        .lock()
        .expect("lock")
        .voided
        .iter()
        .filter(|(_, at)| *at >= start)
        .map(|(t, at)| {
            json!({"kind": "androidpublisher#voidedPurchase", "purchaseToken": t, "orderId": order_id(t),
            "voidedTimeMillis": at.to_string(), "voidedSource": 0, "voidedReason": 1, "refundType": 1})
        })
        .collect();
    axum::Json(json!({"voidedPurchases": items})).into_response()
}
