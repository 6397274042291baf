//! AWS AppSync Events, locally: the Event API's two endpoints as AWS
//! documents them, on the dev server's port.
//! - `POST /event` publishes `{channel, events: [string, …]}` (1 to 5 events),
//!   answering `{successful: [{identifier, index}], failed: []}`. In AWS only
//!   our functions may (IAM); locally the server listens on loopback alone.
//! - `GET /event/realtime` is the WebSocket (subprotocol
//!   `aws-appsync-event-ws`; the authorization headers as JSON, base64url, in
//!   a second subprotocol `header-…`): `connection_init` → `connection_ack`,
//!   `ka` every minute, `subscribe` → `subscribe_success`/`subscribe_error`,
//!   `data` for each event on a subscribed channel, `unsubscribe` →
//!   `unsubscribe_success`, and a client's `publish` → `publish_error`.
//!
//! Connecting and subscribing ask `app::live::authorize_events`, the code of
//! the deployed Lambda authorizer.

use std::collections::HashMap;
use std::sync::Arc;

use app::AppState;
use app::live::EventsOp;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use base64::Engine;
use serde_json::{Value, json};
use tokio::sync::broadcast;

pub const SUBPROTOCOL: &str = "aws-appsync-event-ws";
/// How long a client waits for a `ka` before it gives the connection up.
const CONNECTION_TIMEOUT_MS: u64 = 300_000;
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(60);

/// Published events, to every open connection: (channel, event).
#[derive(Clone)]
pub struct Hub(broadcast::Sender<(String, String)>);

impl Default for Hub {
    fn default() -> Self {
        Hub(broadcast::channel(4096).0)
    }
}

/// The Event API's routes.
pub fn routes<S: Clone + Send + Sync + 'static>(state: Arc<AppState>, hub: Hub) -> axum::Router<S> {
    let publish_hub = hub.clone();
    axum::Router::new()
        .route(
            "/event",
            axum::routing::post(move |body: axum::body::Bytes| {
                let hub = publish_hub.clone();
                async move { publish(&hub, &body) }
            }),
        )
        .route(
            "/event/realtime",
            axum::routing::get(move |headers: HeaderMap, ws: WebSocketUpgrade| {
                let (state, hub) = (state.clone(), hub.clone());
                async move {
                    let auth = connect_authorization(&headers);
                    ws.protocols([SUBPROTOCOL]).on_upgrade(move |socket| connection(socket, state, hub, auth))
                }
            }),
        )
}

fn publish(hub: &Hub, body: &[u8]) -> axum::response::Response {
    let bad = |why: &str| {
        (
            axum::http::StatusCode::BAD_REQUEST,
            axum::Json(json!({"errors": [{"errorType": "BadRequestException", "message": why}]})),
        )
            .into_response()
    };
    let Ok(req) = serde_json::from_slice::<Value>(body) else { return bad("the body is not JSON") };
    let Some(channel) = req["channel"].as_str().filter(|c| known_namespace(c)) else {
        return bad("channel: /rooms/… or /users/…");
    };
    let Some(events) = req["events"].as_array().filter(|e| (1..=5).contains(&e.len())) else {
        return bad("events: 1 to 5 strings");
    };
    if events.iter().any(|e| !e.is_string()) {
        return bad("events: each a JSON string");
    }
    let mut successful = Vec::new();
    for (index, e) in events.iter().enumerate() {
        // Nobody listening is no failure.
        let _ = hub.0.send((channel.to_string(), e.as_str().unwrap_or_default().to_string()));
        successful.push(json!({"identifier": ulid::Ulid::new().to_string(), "index": index}));
    }
    axum::Json(json!({"successful": successful, "failed": []})).into_response()
}

fn known_namespace(channel: &str) -> bool {
    channel.strip_prefix("/rooms/").or_else(|| channel.strip_prefix("/users/")).is_some_and(|rest| !rest.is_empty())
}

/// The token of the `header-…` subprotocol (base64url JSON of the auth headers).
fn connect_authorization(headers: &HeaderMap) -> Option<String> {
    let protocols = headers.get("sec-websocket-protocol")?.to_str().ok()?;
    let encoded = protocols.split(',').map(str::trim).find_map(|p| p.strip_prefix("header-"))?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')).ok()?;
    let auth: Value = serde_json::from_slice(&raw).ok()?;
    token_of(&auth)
}

fn token_of(auth: &Value) -> Option<String> {
    auth.get("Authorization").or_else(|| auth.get("authorization")).and_then(Value::as_str).map(String::from)
}

fn error(errors_type: &str, message: &str) -> Value {
    json!([{"errorType": errors_type, "message": message}])
}

async fn send(socket: &mut WebSocket, v: Value) -> bool {
    socket.send(Message::Text(v.to_string().into())).await.is_ok()
}

async fn connection(mut socket: WebSocket, state: Arc<AppState>, hub: Hub, token: Option<String>) {
    let connected = match &token {
        Some(t) => app::live::authorize_events(&state, t, EventsOp::Connect, None).await.map_err(|e| e.message),
        None => Err("an Authorization header in the header- subprotocol is required".to_string()),
    };
    if let Err(why) = connected {
        send(&mut socket, json!({"type": "connection_error", "errors": error("UnauthorizedException", &why)})).await;
        let _ = socket.send(Message::Close(None)).await;
        return;
    }
    let mut events = hub.0.subscribe();
    let mut subscriptions: HashMap<String, String> = HashMap::new();
    let mut ka = tokio::time::interval(KEEP_ALIVE);
    ka.tick().await;
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let Some(Ok(msg)) = incoming else { return };
                let Message::Text(text) = msg else { continue };
                let Ok(m) = serde_json::from_str::<Value>(&text) else {
                    if !send(&mut socket, json!({"type": "error", "errors": error("BadRequestException", "not JSON")})).await { return }
                    continue;
                };
                let reply = answer(&state, &m, token.as_deref(), &mut subscriptions).await;
                if !send(&mut socket, reply).await { return }
            }
            published = events.recv() => {
                match published {
                    Ok((channel, event)) => {
                        for (id, _) in subscriptions.iter().filter(|(_, c)| **c == channel) {
                            if !send(&mut socket, json!({"type": "data", "id": id, "event": event})).await { return }
                        }
                    }
                    // A slow connection missed some: the apps catch up by seq.
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
            _ = ka.tick() => {
                if !send(&mut socket, json!({"type": "ka"})).await { return }
            }
        }
    }
}

/// The answer to one client message.
async fn answer(state: &AppState, m: &Value, connect_token: Option<&str>, subs: &mut HashMap<String, String>) -> Value {
    let id = m["id"].as_str().unwrap_or_default().to_string();
    let token = token_of(&m["authorization"]).or_else(|| connect_token.map(String::from)).unwrap_or_default();
    match m["type"].as_str().unwrap_or_default() {
        "connection_init" => json!({"type": "connection_ack", "connectionTimeoutMs": CONNECTION_TIMEOUT_MS}),
        "subscribe" => {
            let channel = m["channel"].as_str().unwrap_or_default();
            if id.is_empty() || !known_namespace(channel) {
                return json!({"type": "subscribe_error", "id": id, "errors": error("BadRequestException", "an id and a channel /rooms/… or /users/…")});
            }
            match app::live::authorize_events(state, &token, EventsOp::Subscribe, Some(channel)).await {
                Ok(_) => {
                    subs.insert(id.clone(), channel.to_string());
                    json!({"type": "subscribe_success", "id": id})
                }
                Err(e) => {
                    json!({"type": "subscribe_error", "id": id, "errors": error("UnauthorizedException", &e.message)})
                }
            }
        }
        "unsubscribe" => match subs.remove(&id) {
            Some(_) => json!({"type": "unsubscribe_success", "id": id}),
            None => {
                json!({"type": "unsubscribe_error", "id": id, "errors": error("UnknownOperationError", "no such subscription")})
            }
        },
        "publish" => {
            let why = app::live::authorize_events(state, &token, EventsOp::Publish, m["channel"].as_str())
                .await
                .err()
                .map_or_else(|| "refused".to_string(), |e| e.message);
            json!({"type": "publish_error", "id": id, "errors": error("UnauthorizedException", &why)})
        }
        other => {
            json!({"type": "error", "id": id, "errors": error("UnsupportedOperation", &format!("unknown message type {other:?}"))})
        }
    }
}
