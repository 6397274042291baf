//! The live channels' case of `make bench`, through a running dev server as
//! the apps use it: SUBSCRIBERS viewers join a demo-agency host's room and
//! subscribe to its channel over the Event API's WebSocket; a fan sends
//! GIFTS gifts one at a time, each after the last one's `gifts` message
//! reached the first subscriber. Prints the delay from a gift's 201 to its
//! message (p50/p99/max), then checks every subscriber received every
//! message, in order, as the channel's catch-up route lists them, and that
//! the messages' coins are what the fan paid (exits 1 if not).
//!
//! Usage: live-bench BASE_URL [SUBSCRIBERS] [GIFTS]. Loopback only.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Error = Box<dyn std::error::Error + Send + Sync>;

struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Result<Value, Error> {
        let mut req = self.http.request(method.parse()?, format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("{method} {path}: {status} {body}").into());
        }
        Ok(body)
    }

    async fn login(&self, login: &str, password: &str) -> Result<String, Error> {
        let b = self.call("POST", "/auth/login", None, json!({"login": login, "password": password})).await?;
        Ok(b["access_token"].as_str().unwrap_or_default().to_string())
    }

    /// A new account: (id, token, email).
    async fn register(&self, name: &str, run: &str) -> Result<(String, String, String), Error> {
        let email = format!("{name}-{run}@bench.local");
        let b = self
            .call("POST", "/auth/register", None, json!({"email": email, "password": "bench-password", "name": name}))
            .await?;
        Ok((
            b["user"]["id"].as_str().unwrap_or_default().into(),
            b["access_token"].as_str().unwrap_or_default().into(),
            email,
        ))
    }
}

/// A subscriber: connects as the apps do and records every message of the channel.
async fn subscribe(
    base: String,
    token: String,
    channel: String,
    log: Arc<Mutex<Vec<(Instant, Value)>>>,
) -> Result<(), Error> {
    let host = base.trim_start_matches("http://").to_string();
    let mut req = format!("ws://{host}/event/realtime").into_client_request()?;
    let auth = json!({"host": host, "Authorization": token}).to_string();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(auth);
    req.headers_mut().insert("sec-websocket-protocol", format!("aws-appsync-event-ws, header-{header}").parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await?;
    ws.send(Message::Text(json!({"type": "connection_init"}).to_string().into())).await?;
    let sub = json!({"type": "subscribe", "id": "room", "channel": channel, "authorization": {"Authorization": token}});
    ws.send(Message::Text(sub.to_string().into())).await?;
    while let Some(msg) = ws.next().await {
        let Message::Text(t) = msg? else { continue };
        let v: Value = serde_json::from_str(&t)?;
        match v["type"].as_str() {
            Some("subscribe_error") => return Err(format!("subscribe refused: {v}").into()),
            Some("data") => {
                let event: Value = serde_json::from_str(v["event"].as_str().unwrap_or("{}"))?;
                log.lock().expect("log").push((Instant::now(), event));
            }
            _ => {}
        }
    }
    Ok(())
}

fn pct(v: &[f64], p: f64) -> f64 {
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args.first().cloned().unwrap_or_else(|| "http://127.0.0.1:3000".into());
    assert!(base.starts_with("http://127.0.0.1") || base.starts_with("http://localhost"), "loopback only");
    let subscribers: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(100);
    let gifts: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(50);
    let api = Api { base: base.clone(), http: reqwest::Client::new() };
    let run = ulid::Ulid::new().to_string()[20..].to_lowercase();
    let admin_pw = std::env::var("DEMO_ADMIN_PASSWORD").unwrap_or_else(|_| "demo-admin-pass".into());
    let agency_pw = std::env::var("DEMO_AGENCY_PASSWORD").unwrap_or_else(|_| "demo-agency-pass".into());
    let admin = api.login("admin@demo.local", &admin_pw).await?;
    let agency = api.login("agency@demo.local", &agency_pw).await?;
    // A host of the demo agency, live.
    let (host_id, host_token, host_email) = api.register("LiveHost", &run).await?;
    let application = json!({"agency_code": "DEMO01", "display_name": "LiveHost", "about": "bench", "country": "in", "languages": ["en"]});
    let app_id = api.call("POST", "/host-applications", Some(&host_token), application).await?["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    api.call("POST", &format!("/agency/host-applications/{app_id}/approve"), Some(&agency), json!({})).await?;
    let host_token = api.login(&host_email, "bench-password").await?;
    let room = api.call("POST", "/rooms", Some(&host_token), json!({"title": "live bench"})).await?["room"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let channel = format!("/rooms/{room}");
    let price = 7;
    let gift = api
        .call(
            "POST",
            "/admin/gifts",
            Some(&admin),
            json!({"name": format!("LiveRose{run}"), "price_coins": price, "image_key": "r.png"}),
        )
        .await?["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (fan_id, fan_token, _) = api.register("LiveFan", &run).await?;
    api.call(
        "POST",
        &format!("/admin/users/{fan_id}/coins"),
        Some(&admin),
        json!({"amount": gifts as i64 * price, "reason": "live bench"}),
    )
    .await?;
    // The subscribers.
    let mut logs = Vec::new();
    let mut tasks = Vec::new();
    for i in 0..subscribers {
        let (_, token, _) = api.register(&format!("LiveViewer{i}"), &run).await?;
        api.call("POST", &format!("/rooms/{room}/join"), Some(&token), json!({})).await?;
        let log = Arc::new(Mutex::new(Vec::new()));
        logs.push(log.clone());
        tasks.push(tokio::spawn(subscribe(base.clone(), token, channel.clone(), log)));
    }
    // Every subscription is in place: a chat line from the host reaches them all.
    let hello =
        api.call("POST", &format!("/rooms/{room}/messages"), Some(&host_token), json!({"text": "welcome"})).await?;
    let hello_seq = hello["seq"].as_i64().unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(30);
    while logs.iter().any(|l| !l.lock().expect("log").iter().any(|(_, e)| e["seq"].as_i64() == Some(hello_seq))) {
        if Instant::now() > deadline {
            return Err("not every subscriber received the first message within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "live channels: {subscribers} subscribers of one room over the Event API stand-in, {gifts} gifts one at a time"
    );
    let mut delays = Vec::with_capacity(gifts);
    for _ in 0..gifts {
        let seen = logs[0].lock().expect("log").iter().filter(|(_, e)| e["type"] == "gifts").count();
        api.call(
            "POST",
            &format!("/users/{host_id}/gifts"),
            Some(&fan_token),
            json!({"gift_id": gift, "quantity": 1, "room_id": room}),
        )
        .await?;
        let sent = Instant::now();
        let deadline = sent + Duration::from_secs(30);
        loop {
            let arrived =
                logs[0].lock().expect("log").iter().filter(|(_, e)| e["type"] == "gifts").nth(seen).map(|(t, _)| *t);
            if let Some(t) = arrived {
                delays.push(t.duration_since(sent).as_secs_f64() * 1000.0);
                break;
            }
            if Instant::now() > deadline {
                return Err("a gift's message did not come within 30 s".into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    delays.sort_by(f64::total_cmp);
    println!(
        "  a gift's 201 → its gifts message at a subscriber: p50 {:.0} ms · p99 {:.0} ms · max {:.0} ms (goal p99 ≤ 1,000)",
        pct(&delays, 0.5),
        pct(&delays, 0.99),
        delays.last().copied().unwrap_or(0.0)
    );
    // What the channel holds, and what each subscriber got.
    let bye = api.call("POST", &format!("/rooms/{room}/messages"), Some(&host_token), json!({"text": "bye"})).await?;
    let bye_seq = bye["seq"].as_i64().unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(30);
    while logs.iter().any(|l| !l.lock().expect("log").iter().any(|(_, e)| e["seq"].as_i64() == Some(bye_seq))) {
        if Instant::now() > deadline {
            return Err("not every subscriber received the last message within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let kept = api
        .call("GET", &format!("/rooms/{room}/events?after={}", hello_seq - 1), Some(&host_token), Value::Null)
        .await?;
    let expected: Vec<i64> =
        kept["items"].as_array().map(|a| a.iter().filter_map(|m| m["seq"].as_i64()).collect()).unwrap_or_default();
    let coins: i64 = kept["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|m| m["type"] == "gifts")
                .flat_map(|m| m["gifts"].as_array().cloned().unwrap_or_default())
                .filter_map(|g| g["coins"].as_i64())
                .sum()
        })
        .unwrap_or(0);
    let mut complete = 0;
    for log in &logs {
        let got: Vec<i64> = log
            .lock()
            .expect("log")
            .iter()
            .filter_map(|(_, e)| e["seq"].as_i64())
            .filter(|s| *s >= hello_seq && *s <= bye_seq)
            .collect();
        if got == expected {
            complete += 1;
        }
    }
    for t in tasks {
        t.abort();
    }
    println!(
        "  {complete} of {subscribers} subscribers received all {} messages in order · coins in the gifts messages {coins} of {} paid",
        expected.len(),
        gifts as i64 * price
    );
    if complete != subscribers || coins != gifts as i64 * price {
        return Err("a subscriber missed a message or the coins differ".into());
    }
    Ok(())
}
