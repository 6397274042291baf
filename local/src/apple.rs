//! The App Store stand-in (`PAYMENTS_MODE=local`): the App Store Server API's
//! Get Transaction Info and Send Consumption Information behind the ES256
//! bearer of the In-App Purchase key it made, transactions and App Store
//! Server Notifications V2 signed as Apple signs them: ES256 with an `x5c`
//! chain (root, intermediate with Apple's WWDR OID, leaf with Apple's
//! receipt-signing OID) generated at start-up, which only local mode trusts.
//!
//! Transaction ids it knows: `local-<product_id>-<n>` and
//! `local-<product_id>-<store_account_ref>-<n>` (with that `appAccountToken`);
//! a product id starting `sub_` is a subscription, not a consumable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256,
};
use serde_json::{Value, json};

pub const BUNDLE_ID: &str = "app.streamly.ios";
pub const ISSUER_ID: &str = "57246542-96fe-1a63-e053-0824d011072a";
pub const KEY_ID: &str = "LOCAL2X9R4";
const WWDR_OID: &[u64] = &[1, 2, 840, 113635, 100, 6, 2, 1];
const RECEIPT_SIGNER_OID: &[u64] = &[1, 2, 840, 113635, 100, 6, 11, 1];

/// What the stand-in gets wrong on purpose, for the verification tests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    None,
    /// Signed by a chain under another root.
    WrongRoot,
    /// The leaf lacks Apple's receipt-signing OID.
    MissingOid,
    /// The leaf expired before the data was signed.
    ExpiredLeaf,
    /// The transaction names another app.
    WrongBundle,
}

/// A signing chain: the leaf's key (PKCS#8 PEM) and `x5c` (leaf, intermediate, root).
struct Chain {
    leaf_key: EncodingKey,
    x5c: Vec<String>,
    root_der: Vec<u8>,
}

fn key() -> KeyPair {
    KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).expect("P-256 key")
}

fn ca(name: &str, oid: Option<&[u64]>) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    if let Some(oid) = oid {
        // The extension's value is DER NULL, as in Apple's certificates.
        p.custom_extensions.push(CustomExtension::from_oid_content(oid, vec![0x05, 0x00]));
    }
    p
}

fn chain(leaf_oid: bool, leaf_expired: bool) -> Chain {
    let root_key = key();
    let root_params = ca("Streamly Local Root CA - G3", None);
    let root = root_params.self_signed(&root_key).expect("root");
    let root_issuer = Issuer::new(root_params, root_key);
    let inter_key = key();
    let inter_params = ca("Streamly Local WWDR CA", Some(WWDR_OID));
    let inter = inter_params.signed_by(&inter_key, &root_issuer).expect("intermediate");
    let inter_issuer = Issuer::new(inter_params, inter_key);
    let leaf_key = key();
    let mut leaf_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    leaf_params.distinguished_name.push(DnType::CommonName, "Streamly Local StoreKit Signing");
    if leaf_oid {
        leaf_params.custom_extensions.push(CustomExtension::from_oid_content(RECEIPT_SIGNER_OID, vec![0x05, 0x00]));
    }
    if leaf_expired {
        leaf_params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        leaf_params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let leaf = leaf_params.signed_by(&leaf_key, &inter_issuer).expect("leaf");
    Chain {
        leaf_key: EncodingKey::from_ec_pem(leaf_key.serialize_pem().as_bytes()).expect("leaf key"),
        x5c: [leaf.der(), inter.der(), root.der()].iter().map(|d| STANDARD.encode(d.as_ref())).collect(),
        root_der: root.der().to_vec(),
    }
}

struct Shared {
    api_key: DecodingKey,
    good: Chain,
    wrong_root: Chain,
    no_oid: Chain,
    expired: Chain,
    fault: Fault,
    revoked: HashMap<String, i64>,
    consumption: Vec<(String, Value)>,
}

#[derive(Clone)]
pub struct AppStore {
    pub base: String,
    /// The In-App Purchase key the API signs its bearer with (made here).
    pub private_key_pem: String,
    /// The root only local mode trusts.
    pub root_der: Vec<u8>,
    shared: Arc<Mutex<Shared>>,
}

type S = Arc<Mutex<Shared>>;

impl AppStore {
    pub async fn start() -> AppStore {
        let (listener, base) = crate::stores::listen().await;
        let api_key = key();
        let good = chain(true, false);
        let root_der = good.root_der.clone();
        let shared = Arc::new(Mutex::new(Shared {
            api_key: DecodingKey::from_ec_pem(api_key.public_key_pem().as_bytes()).expect("public key"),
            good,
            wrong_root: chain(true, false),
            no_oid: chain(false, false),
            expired: chain(true, true),
            fault: Fault::None,
            revoked: HashMap::new(),
            consumption: Vec::new(),
        }));
        let router = axum::Router::new()
            .route("/inApps/v1/transactions/{id}", axum::routing::get(get_transaction))
            .route("/inApps/v1/transactions/consumption/{id}", axum::routing::put(put_consumption))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        AppStore { base, private_key_pem: api_key.serialize_pem(), root_der, shared }
    }

    /// The API's configuration for this stand-in.
    pub fn config(&self) -> app::kernel::config::AppleConfig {
        app::kernel::config::AppleConfig {
            bundle_id: BUNDLE_ID.into(),
            app_apple_id: None,
            environment: "Sandbox".into(),
            issuer_id: ISSUER_ID.into(),
            key_id: KEY_ID.into(),
            private_key_pem: self.private_key_pem.clone(),
            root_certificates: vec![self.root_der.clone()],
            api_base: Some(self.base.clone()),
        }
    }

    pub fn set_fault(&self, fault: Fault) {
        self.shared.lock().expect("lock").fault = fault;
    }

    /// The consumption information the API sent, by transaction.
    pub fn consumption(&self) -> Vec<(String, Value)> {
        self.shared.lock().expect("lock").consumption.clone()
    }

    /// The signed transaction `id` as Apple would answer it now.
    pub fn signed_transaction(&self, id: &str, now_ms: i64) -> Option<String> {
        signed_transaction(&self.shared.lock().expect("lock"), id, now_ms)
    }

    /// An App Store Server Notification V2 (`{"signedPayload"}`) of `kind`
    /// (REFUND, REFUND_REVERSED, CONSUMPTION_REQUEST) for transaction `id`;
    /// a refund revokes the transaction, a reversal restores it.
    pub fn notification(&self, kind: &str, id: &str, now_ms: i64) -> Option<String> {
        {
            let mut g = self.shared.lock().expect("lock");
            match kind {
                "REFUND" => {
                    g.revoked.insert(id.to_string(), now_ms);
                }
                "REFUND_REVERSED" => {
                    g.revoked.remove(id);
                }
                _ => {}
            }
        }
        let tx = self.signed_transaction(id, now_ms)?;
        let g = self.shared.lock().expect("lock");
        let payload = json!({
            "notificationType": kind,
            "notificationUUID": uuid_v4(),
            "data": {"bundleId": BUNDLE_ID, "environment": "Sandbox", "signedTransactionInfo": tx},
            "version": "2.0",
            "signedDate": now_ms,
        });
        Some(json!({"signedPayload": sign(&g, &payload)}).to_string())
    }

    /// Sends a notification to the API's `POST /webhooks/apple` at `api`.
    pub async fn push(&self, api: &str, kind: &str, id: &str, now_ms: i64) -> Result<(u16, String), String> {
        let body = self.notification(kind, id, now_ms).ok_or_else(|| format!("no such transaction: {id}"))?;
        crate::stores::deliver(&format!("{api}/webhooks/apple"), body, None).await
    }
}

fn uuid_v4() -> String {
    let n = u128::from(ulid::Ulid::new());
    let h = format!("{n:032x}");
    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..])
}

fn sign(g: &Shared, payload: &Value) -> String {
    let chain = match g.fault {
        Fault::WrongRoot => &g.wrong_root,
        Fault::MissingOid => &g.no_oid,
        Fault::ExpiredLeaf => &g.expired,
        Fault::None | Fault::WrongBundle => &g.good,
    };
    let mut h = Header::new(Algorithm::ES256);
    h.x5c = Some(chain.x5c.clone());
    integrations::jwt::encode(&h, payload, &chain.leaf_key).expect("sign")
}

/// (product id, appAccountToken) of a local transaction id.
fn parse(id: &str) -> Option<(String, Option<String>)> {
    let (head, n) = id.strip_prefix("local-")?.rsplit_once('-')?;
    n.parse::<u64>().ok()?;
    if head.len() > 37 && head.as_bytes()[head.len() - 37] == b'-' {
        let (product, token) = (&head[..head.len() - 37], &head[head.len() - 36..]);
        if token.len() == 36 && token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Some((product.to_string(), Some(token.to_ascii_lowercase())));
        }
    }
    (!head.is_empty()).then(|| (head.to_string(), None))
}

/// The transaction `id` signed as the current fault has it (`None`: unknown id).
fn signed_transaction(g: &Shared, id: &str, now_ms: i64) -> Option<String> {
    let mut payload = transaction_payload(id, now_ms, g.revoked.get(id).copied())?;
    if g.fault == Fault::WrongBundle {
        payload["bundleId"] = json!("com.someone.else");
    }
    Some(sign(g, &payload))
}

fn transaction_payload(id: &str, now_ms: i64, revoked: Option<i64>) -> Option<Value> {
    let (product, token) = parse(id)?;
    let kind = if product.starts_with("sub_") { "Auto-Renewable Subscription" } else { "Consumable" };
    let mut p = json!({
        "transactionId": id, "originalTransactionId": id, "bundleId": BUNDLE_ID, "productId": product,
        "purchaseDate": now_ms, "originalPurchaseDate": now_ms, "quantity": 1, "type": kind,
        "inAppOwnershipType": "PURCHASED", "signedDate": now_ms, "environment": "Sandbox",
        "transactionReason": "PURCHASE", "storefront": "IND", "storefrontId": "143467",
        "price": 449000, "currency": "INR",
    });
    if let Some(t) = token {
        p["appAccountToken"] = json!(t);
    }
    if let Some(at) = revoked {
        p["revocationDate"] = json!(at);
        p["revocationReason"] = json!(0);
    }
    Some(p)
}

fn authorized(s: &S, headers: &HeaderMap) -> bool {
    let Some(bearer) =
        headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let key = s.lock().expect("lock").api_key.clone();
    let mut v = Validation::new(Algorithm::ES256);
    v.set_audience(&["appstoreconnect-v1"]);
    v.set_issuer(&[ISSUER_ID]);
    let ok_kid = jsonwebtoken::decode_header(bearer).is_ok_and(|h| h.kid.as_deref() == Some(KEY_ID));
    ok_kid && integrations::jwt::decode::<Value>(bearer, &key, &v).is_ok_and(|d| d.claims["bid"] == BUNDLE_ID)
}

async fn get_transaction(State(s): State<S>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !authorized(&s, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    let signed = signed_transaction(&s.lock().expect("lock"), &id, now);
    match signed {
        Some(jws) => axum::Json(json!({"signedTransactionInfo": jws})).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"errorCode": 4040010, "errorMessage": "Transaction id not found."})),
        )
            .into_response(),
    }
}

async fn put_consumption(State(s): State<S>, Path(id): Path<String>, headers: HeaderMap, body: String) -> Response {
    if !authorized(&s, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Ok(v) = serde_json::from_str::<Value>(&body) else { return StatusCode::BAD_REQUEST.into_response() };
    let mut g = s.lock().expect("lock");
    g.consumption.push((id, v));
    StatusCode::ACCEPTED.into_response()
}
