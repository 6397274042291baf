//! A local stand-in for RazorpayX Payouts (`make run` and the tests):
//! `POST /v1/contacts`, `/v1/fund_accounts` and `/v1/payouts` (with the
//! mandatory `X-Payout-Idempotency`) on 127.0.0.1, checking the Basic
//! credentials and the fields as RazorpayX documents them, and keeping what
//! it was given. `settle` plays a payout's fate: it moves the payout and
//! answers the signed webhook event RazorpayX would send
//! (`POST /dev/payouts/razorpayx` on the dev server posts it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

pub const KEY_ID: &str = "rzp_test_payouts_local";
pub const KEY_SECRET: &str = "rzpx_local_key_secret";
/// The business account payouts are made from.
pub const ACCOUNT_NUMBER: &str = "7878780080316316";

#[derive(Default)]
struct Shared {
    next: u64,
    contacts: HashMap<String, Value>,
    fund_accounts: HashMap<String, Value>,
    payouts: HashMap<String, Value>,
    /// Idempotency key → (the request's body, the payout made).
    keys: HashMap<String, (Value, String)>,
}

impl Shared {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_local{:010}", self.next)
    }
}

#[derive(Clone)]
pub struct RazorpayX {
    base: String,
    shared: Arc<Mutex<Shared>>,
}

impl RazorpayX {
    pub async fn start() -> RazorpayX {
        let (listener, base) = crate::stores::listen().await;
        let shared = Arc::new(Mutex::new(Shared::default()));
        let router = axum::Router::new()
            .route("/v1/contacts", axum::routing::post(contact))
            .route("/v1/fund_accounts", axum::routing::post(fund_account))
            .route("/v1/payouts", axum::routing::post(payout))
            .route("/v1/payouts/{id}", axum::routing::get(get_payout))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        RazorpayX { base, shared }
    }

    /// The API's configuration for this stand-in.
    pub fn config(&self) -> app::kernel::config::RazorpayXConfig {
        app::kernel::config::RazorpayXConfig {
            key_id: KEY_ID.into(),
            key_secret: KEY_SECRET.into(),
            account_number: ACCOUNT_NUMBER.into(),
            base: format!("{}/v1", self.base),
        }
    }

    /// Every payout made, as RazorpayX keeps it.
    pub fn payouts(&self) -> Vec<Value> {
        self.shared.lock().expect("lock").payouts.values().cloned().collect()
    }

    /// The payout's fate (`processed`, `failed` or `reversed`): the payout
    /// moves and the answer is the `payout.<fate>` event to deliver, or why not.
    pub fn settle(&self, payout_id: &str, fate: &str) -> Result<String, String> {
        let mut s = self.shared.lock().expect("lock");
        let p = s.payouts.get_mut(payout_id).ok_or("no such payout")?;
        match fate {
            "processed" => p["utr"] = json!(format!("UTRLOCAL{}", payout_id.trim_start_matches("pout_local"))),
            "failed" => {
                p["status_details"] = json!({"description": "The beneficiary bank is down", "source": "beneficiary_bank", "reason": "beneficiary_bank_down"})
            }
            "reversed" => {
                p["status_details"] = json!({"description": "The beneficiary account is closed", "source": "beneficiary_bank", "reason": "beneficiary_account_closed"})
            }
            _ => return Err("event: processed, failed or reversed".into()),
        }
        p["status"] = json!(fate);
        let event = json!({
            "entity": "event",
            "account_id": "acc_local",
            "event": format!("payout.{fate}"),
            "contains": ["payout"],
            "payload": {"payout": {"entity": p.clone()}},
            "created_at": chrono::Utc::now().timestamp(),
        });
        Ok(event.to_string())
    }
}

fn error(status: StatusCode, field: &str, description: &str) -> Response {
    let body = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description, "field": field}});
    (status, Json(body)).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    let want = base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{KEY_SECRET}"));
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {want}"))
}

fn parsed(headers: &HeaderMap, body: &str) -> Result<Value, Response> {
    if !authorized(headers) {
        return Err(error(StatusCode::UNAUTHORIZED, "", "The api key provided is invalid"));
    }
    serde_json::from_str(body).map_err(|_| error(StatusCode::BAD_REQUEST, "", "The request body is not JSON"))
}

async fn contact(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, body: String) -> Response {
    let b = match parsed(&headers, &body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(name) = b["name"].as_str().filter(|n| (3..=50).contains(&n.len())) else {
        return error(StatusCode::BAD_REQUEST, "name", "The name must be 3 to 50 characters");
    };
    let mut s = shared.lock().expect("lock");
    // The same details answer the contact made before.
    if let Some(c) = s.contacts.values().find(|c| c["name"] == name && c["reference_id"] == b["reference_id"]) {
        return Json(c.clone()).into_response();
    }
    let id = s.id("cont");
    let c = json!({"id": id, "entity": "contact", "name": name, "type": b["type"], "reference_id": b["reference_id"], "active": true});
    s.contacts.insert(id, c.clone());
    Json(c).into_response()
}

async fn fund_account(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, body: String) -> Response {
    let b = match parsed(&headers, &body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut s = shared.lock().expect("lock");
    if !b["contact_id"].as_str().is_some_and(|c| s.contacts.contains_key(c)) {
        return error(StatusCode::BAD_REQUEST, "contact_id", "The contact id does not exist");
    }
    let ok = match b["account_type"].as_str() {
        Some("bank_account") => {
            let a = &b["bank_account"];
            a["name"].is_string()
                && a["ifsc"].as_str().is_some_and(|i| i.len() == 11)
                && a["account_number"].is_string()
        }
        Some("vpa") => b["vpa"]["address"].as_str().is_some_and(|v| v.contains('@')),
        _ => false,
    };
    if !ok {
        return error(
            StatusCode::BAD_REQUEST,
            "account_type",
            "bank_account {name, ifsc, account_number} or vpa {address}",
        );
    }
    let same = |f: &&Value| {
        f["contact_id"] == b["contact_id"] && f["bank_account"] == b["bank_account"] && f["vpa"] == b["vpa"]
    };
    if let Some(f) = s.fund_accounts.values().find(same) {
        return Json(f.clone()).into_response();
    }
    let id = s.id("fa");
    let mut f = b.clone();
    f["id"] = json!(id);
    f["entity"] = json!("fund_account");
    f["active"] = json!(true);
    s.fund_accounts.insert(id, f.clone());
    Json(f).into_response()
}

async fn payout(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, body: String) -> Response {
    let b = match parsed(&headers, &body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(key) =
        headers.get("x-payout-idempotency").and_then(|v| v.to_str().ok()).filter(|k| (4..=36).contains(&k.len()))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "X-Payout-Idempotency",
            "Idempotency key is missing. Include idempotency header and key in the request.",
        );
    };
    let mut s = shared.lock().expect("lock");
    if let Some((first, id)) = s.keys.get(key) {
        return if *first == b {
            Json(s.payouts[id].clone()).into_response()
        } else {
            error(
                StatusCode::BAD_REQUEST,
                "X-Payout-Idempotency",
                "Different request body sent for the same idempotency key",
            )
        };
    }
    if b["account_number"].as_str() != Some(ACCOUNT_NUMBER) {
        return error(StatusCode::BAD_REQUEST, "account_number", "The account number is not your business account");
    }
    let Some(fund) = b["fund_account_id"].as_str().and_then(|f| s.fund_accounts.get(f)).cloned() else {
        return error(StatusCode::BAD_REQUEST, "fund_account_id", "The fund account id does not exist");
    };
    if !b["amount"].as_i64().is_some_and(|a| a >= 100) || b["currency"] != "INR" {
        return error(StatusCode::BAD_REQUEST, "amount", "The amount must be at least 100 paise, in INR");
    }
    let mode_fits = match fund["account_type"].as_str() {
        Some("vpa") => b["mode"] == "UPI",
        _ => matches!(b["mode"].as_str(), Some("IMPS" | "NEFT" | "RTGS")),
    };
    if !mode_fits {
        return error(StatusCode::BAD_REQUEST, "mode", "The mode does not fit the fund account");
    }
    let id = s.id("pout");
    let p = json!({
        "id": id, "entity": "payout", "fund_account_id": b["fund_account_id"], "amount": b["amount"],
        "currency": b["currency"], "notes": b["notes"], "fees": 0, "tax": 0, "status": "processing", "utr": null,
        "mode": b["mode"], "purpose": b["purpose"], "reference_id": b["reference_id"], "narration": b["narration"],
        "status_details": null, "created_at": chrono::Utc::now().timestamp(),
    });
    s.payouts.insert(id.clone(), p.clone());
    s.keys.insert(key.to_string(), (b, id));
    Json(p).into_response()
}

async fn get_payout(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "", "The api key provided is invalid");
    }
    match shared.lock().expect("lock").payouts.get(&id) {
        Some(p) => Json(p.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, "id", "The id provided does not exist"),
    }
}
