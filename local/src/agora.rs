//! A local stand-in for Agora's channel management REST API (`make run` and
//! the tests): `POST`, `GET` and `DELETE /dev/v1/kicking-rule` on 127.0.0.1,
//! checking the Basic credentials and the body as Agora documents them, and
//! keeping the rules it was given so tests can see what a kick asked for.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

pub const CUSTOMER_ID: &str = "local-customer";
pub const CUSTOMER_SECRET: &str = "local-customer-secret";
const PRIVILEGES: [&str; 3] = ["join_channel", "publish_audio", "publish_video"];

/// A banning rule as Agora keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: i64,
    pub cname: String,
    pub uid: u32,
    pub privileges: Vec<String>,
    pub secs: i64,
}

struct Shared {
    app_id: String,
    next: i64,
    rules: Vec<Rule>,
}

#[derive(Clone)]
pub struct AgoraRest {
    base: String,
    shared: Arc<Mutex<Shared>>,
}

impl AgoraRest {
    pub async fn start(app_id: &str) -> AgoraRest {
        let (listener, base) = crate::stores::listen().await;
        let shared = Arc::new(Mutex::new(Shared { app_id: app_id.into(), next: 1000, rules: Vec::new() }));
        let router = axum::Router::new()
            .route("/dev/v1/kicking-rule", axum::routing::post(create).get(list).delete(remove))
            .with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.ok() });
        AgoraRest { base, shared }
    }

    /// The API's configuration for this stand-in.
    pub fn config(&self) -> app::kernel::config::AgoraRestConfig {
        app::kernel::config::AgoraRestConfig {
            customer_id: CUSTOMER_ID.into(),
            customer_secret: CUSTOMER_SECRET.into(),
            base: Some(self.base.clone()),
        }
    }

    /// The rules in force.
    pub fn rules(&self) -> Vec<Rule> {
        self.shared.lock().expect("lock").rules.clone()
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message}))).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    let want = base64::engine::general_purpose::STANDARD.encode(format!("{CUSTOMER_ID}:{CUSTOMER_SECRET}"));
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Basic {want}"))
}

/// Checks what Agora checks; answers the rule or why not.
fn rule_of(body: &Value, app_id: &str, id: i64) -> Result<Rule, &'static str> {
    if body["appid"].as_str() != Some(app_id) {
        return Err("appid: not this project's");
    }
    let cname = body["cname"].as_str().filter(|c| !c.is_empty()).ok_or("cname: required for a channel rule")?;
    let uid = body["uid"].as_u64().filter(|u| *u > 0 && *u <= u32::MAX as u64).ok_or("uid: a positive number")?;
    let privileges: Vec<String> = body["privileges"]
        .as_array()
        .filter(|p| !p.is_empty())
        .ok_or("privileges: a non-empty list")?
        .iter()
        .map(|p| p.as_str().filter(|p| PRIVILEGES.contains(p)).map(String::from).ok_or("privileges: unknown privilege"))
        .collect::<Result<_, _>>()?;
    let secs = match (body["time_in_seconds"].as_i64(), body["time"].as_i64()) {
        (Some(s), None) if (10..=86_430).contains(&s) => s,
        (None, Some(m)) if (0..=1440).contains(&m) => m * 60,
        (None, None) => 3600,
        _ => return Err("time or time_in_seconds: one, within its range"),
    };
    Ok(Rule { id, cname: cname.into(), uid: uid as u32, privileges, secs })
}

async fn create(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, body: String) -> Response {
    if !authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "Invalid authentication credentials");
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else { return error(StatusCode::BAD_REQUEST, "not JSON") };
    let mut s = shared.lock().expect("lock");
    s.next += 1;
    match rule_of(&body, &s.app_id.clone(), s.next) {
        Ok(rule) => {
            let id = rule.id;
            s.rules.push(rule);
            Json(json!({"status": "success", "id": id})).into_response()
        }
        Err(why) => error(StatusCode::BAD_REQUEST, why),
    }
}

async fn list(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "Invalid authentication credentials");
    }
    let s = shared.lock().expect("lock");
    let rules: Vec<Value> = s
        .rules
        .iter()
        .map(|r| json!({"id": r.id, "appid": s.app_id, "cname": r.cname, "uid": r.uid, "privileges": r.privileges}))
        .collect();
    Json(json!({"status": "success", "rules": rules})).into_response()
}

async fn remove(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap, body: String) -> Response {
    if !authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "Invalid authentication credentials");
    }
    let body: Value = serde_json::from_str(&body).unwrap_or_default();
    let mut s = shared.lock().expect("lock");
    let Some(id) = body["id"].as_i64().filter(|_| body["appid"].as_str() == Some(s.app_id.as_str())) else {
        return error(StatusCode::BAD_REQUEST, "appid and id: required");
    };
    let before = s.rules.len();
    s.rules.retain(|r| r.id != id);
    if s.rules.len() == before {
        return error(StatusCode::NOT_FOUND, "no such rule");
    }
    Json(json!({"status": "success", "id": id})).into_response()
}
