use std::sync::Arc;

use app::{AppState, Clock, Config};
use serde_json::{Value, json};

pub const SECRET: &str = "test-secret-for-the-integration-suite-0123456789";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    /// The `aggregate` function's reading of the table's stream (`drain`).
    aggregator: tokio::sync::Mutex<Option<local::streams::StreamReader>>,
    /// RazorpayX's stand-in, which bank and UPI withdrawals are paid through.
    pub razorpayx: local::razorpayx::RazorpayX,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

pub struct Resp {
    pub status: u16,
    pub body: Value,
    /// The `Retry-After` header, in seconds.
    pub retry_after: Option<i64>,
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

/// A signed-in account as the tests use it.
#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub login: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(|_| {}).await
    }

    /// Starts with the test configuration changed by `configure` first.
    pub async fn start_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::start_at(None, None, configure).await
    }

    /// Starts with Google Play served by a fresh local stand-in (`local::stores`).
    pub async fn start_with_play(configure: impl FnOnce(&mut Config)) -> (TestApp, local::stores::GooglePlay) {
        let play = local::stores::GooglePlay::start().await;
        let app = Self::start_with(|c| {
            c.google_play = Some(play.config());
            c.google_token_url = Some(play.token_url());
            configure(c);
        })
        .await;
        (app, play)
    }

    /// Starts with the App Store served by a fresh local stand-in (`local::apple`).
    pub async fn start_with_apple(configure: impl FnOnce(&mut Config)) -> (TestApp, local::apple::AppStore) {
        let apple = local::apple::AppStore::start().await;
        // With the dev server's `/dev/stores/apple/notify` too, as `make run` has it.
        let app = Self::start_at(None, Some(apple.clone()), |c| {
            c.apple = Some(apple.config());
            configure(c);
        })
        .await;
        (app, apple)
    }

    /// Starts with Agora's REST API served by a fresh local stand-in (`local::agora`).
    pub async fn start_with_agora() -> (TestApp, local::agora::AgoraRest) {
        let agora = local::agora::AgoraRest::start(app::kernel::config::LOCAL_AGORA_APP_ID).await;
        let app = Self::start_with(|c| c.agora_rest = Some(agora.config())).await;
        (app, agora)
    }

    /// Starts with the SDK talking to the stack through `proxy` (a `LossyProxy`).
    pub async fn start_behind(proxy: &LossyProxy) -> TestApp {
        Self::start_at(Some(&proxy.url), None, |_| {}).await
    }

    async fn start_at(
        endpoint: Option<&str>,
        apple: Option<local::apple::AppStore>,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        assert!(
            std::env::var("AWS_ENDPOINT_URL_DYNAMODB").is_ok(),
            "run the suite with `make test`, which starts the local stack (moto)"
        );
        let sdk = match endpoint {
            Some(url) => integrations::aws::sdk_config_at(url),
            None => integrations::aws::sdk_config(),
        };
        let table = format!("test-{}", ulid::Ulid::new());
        let client = store::client(&sdk);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config::new(table.clone(), SECRET);
        // The live channels publish to this server's AppSync Events stand-in.
        config.events_http_url = Some(base.clone());
        config.email_from = "no-reply@test.local".into();
        // Every test's clients share 127.0.0.1: the per-IP limits have their own tests.
        config.ip_rate_limits = false;
        let razorpayx = local::razorpayx::RazorpayX::start().await;
        config.razorpayx = Some(razorpayx.config());
        configure(&mut config);
        // With its stream: the host's side of gifts is applied from it (`drain`).
        store::table::create(&client, &table).await.expect("create table");
        // Settling today's earnings and paying to a new payout account at
        // once; the holds have their own tests.
        let settings = store::Settings { clawback_hold_days: 0, payout_account_hold_hours: 0, ..Default::default() };
        store::Db::new(client.clone(), table.clone()).put_settings(&settings).await.expect("settings");
        let state = AppState::new(&sdk, config, Clock::manual(chrono::Utc::now().timestamp_millis()));
        state.messenger().ensure_sender_identity().await.expect("verify sender");
        state.media().ensure_bucket().await.expect("media bucket");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let stand_ins =
            local::server::StandIns { play: None, apple, razorpayx: Some(razorpayx.clone()), base_url: base.clone() };
        tokio::spawn(local::server::serve(listener, Arc::new(state.clone()), stand_ins, async {
            let _ = rx.await;
        }));
        TestApp { base, http: reqwest::Client::new(), state, aggregator: Default::default(), razorpayx, _shutdown: tx }
    }

    /// Applies every money event written so far, as `aggregate` does in AWS
    /// within about a second of each: reads the table's stream to its end
    /// (the records the applying writes too) through the same handler.
    pub async fn drain(&self) {
        let mut reader = self.aggregator.lock().await;
        if reader.is_none() {
            let r = local::streams::StreamReader::new(&self.state, true, local::streams::Consumer::Aggregate).await;
            *reader = Some(r.expect("the table's stream"));
        }
        let reader = reader.as_mut().expect("just set");
        while reader.poll(&self.state).await.expect("aggregate") > 0 {}
    }

    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        self.raw(method, path, token, body.map(|b| b.to_string())).await
    }

    /// Sends `body` as is, so tests can send malformed JSON.
    pub async fn raw(&self, method: &str, path: &str, token: Option<&str>, body: Option<String>) -> Resp {
        self.send(method, path, token, body, &[]).await
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.http.request(method.parse().unwrap(), format!("{}{}", self.base, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let sent = body.clone();
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let retry_after = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
        let text = res.text().await.unwrap();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON body") };
        // API_EXAMPLES_COLLECT=file: the document's examples, from real answers (`make examples`).
        if let Ok(file) = std::env::var("API_EXAMPLES_COLLECT")
            && (200..300).contains(&status)
        {
            note_example(&file, method, path, sent.as_deref(), status, &body);
        }
        if let Ok(file) = std::env::var("API_EXAMPLES_COLLECT")
            && status >= 400
        {
            note_error_example(&file, method, path, status, &body);
        }
        if status >= 400 {
            assert!(body["error"].is_string() && body["message"].is_string(), "error shape: {body}");
            assert_ne!(status, 500, "a 500 is a bug: {body}");
            documented_error(method, path, status, body["error"].as_str().unwrap_or_default());
        }
        // secrets.rs provokes its own refusals, by function names no route has.
        let refused: Vec<String> = store::actions::refused().into_iter().filter(|r| !r.starts_with("probe")).collect();
        assert!(refused.is_empty(), "a use case went beyond its route's needs: {refused:?}");
        Resp { status, body, retry_after }
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call("POST", path, token, Some(body)).await
    }

    pub async fn login(&self, login: &str, password: &str) -> Resp {
        self.post("/auth/login", None, json!({"login": login, "password": password})).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Resp {
        self.post("/auth/refresh", None, json!({"refresh_token": refresh_token})).await
    }

    /// The table's one admin (created on first use), signed in.
    pub async fn admin(&self) -> User {
        let email = "admin@test.local";
        if !self.state.db.admin_exists().await.unwrap() {
            let input = app::accounts::BootstrapAdminInput {
                email: email.into(),
                password: "admin-password".into(),
                name: None,
            };
            app::accounts::bootstrap_admin(&self.state, input).await.expect("bootstrap admin");
        }
        let r = self.login(email, "admin-password").await;
        assert_eq!(r.status, 200, "{r:?}");
        User {
            id: r.body["user"]["id"].as_str().unwrap().into(),
            login: email.into(),
            access: r.body["access_token"].as_str().unwrap().into(),
            refresh: r.body["refresh_token"].as_str().unwrap().into(),
        }
    }

    /// Grants coins as the admin; answers the response. The clock then moves
    /// on a millisecond so later ledger entries sort after the grant.
    pub async fn grant(&self, admin: &User, to: &User, amount: i64) -> Resp {
        let path = format!("/admin/users/{}/coins", to.id);
        let r = self.post(&path, Some(&admin.access), json!({"amount": amount, "reason": "test"})).await;
        self.state.clock.advance(1);
        r
    }

    /// Sends with an Idempotency-Key.
    pub async fn post_idem(&self, path: &str, token: &str, key: &str, body: Value) -> Resp {
        self.send("POST", path, Some(token), Some(body.to_string()), &[("idempotency-key", key)]).await
    }

    /// The user's notifications as the app lists them, newest first.
    pub async fn notifications(&self, user: &User) -> Vec<Value> {
        let r = self.get("/me/notifications?limit=100", &user.access).await;
        assert_eq!(r.status, 200, "{r:?}");
        r.body["items"].as_array().unwrap().clone()
    }

    /// The user's notifications of one type.
    pub async fn notifications_of(&self, user: &User, kind: &str) -> Vec<Value> {
        self.notifications(user).await.into_iter().filter(|n| n["type"] == kind).collect()
    }

    pub async fn wallet(&self, user: &User) -> (i64, i64) {
        let r = self.get("/me/wallet", &user.access).await;
        assert_eq!(r.status, 200, "{r:?}");
        (r.body["coins"].as_i64().unwrap(), r.body["earnings"].as_i64().unwrap())
    }

    /// (coins, earnings) as stored: for an account whose own token no longer works (banned).
    /// A gift type's (sent, coins) as counted.
    pub async fn gift_counts(&self, gift_id: &str) -> (i64, i64) {
        self.state.db.gift_counts(&[gift_id]).await.unwrap()[gift_id]
    }

    pub async fn stored_wallet(&self, id: &str) -> (i64, i64) {
        let a = self.state.db.get_account(id).await.unwrap().expect("account");
        (a.coins, a.earnings)
    }

    /// From now on this test's table conflicts as DynamoDB's do: each
    /// transaction holds its items for `hold_ms` (the local stack's contention
    /// mode, `local/moto_server.py`); 0 turns it off.
    pub async fn contend(&self, hold_ms: u64) {
        let url = format!("{}/_contention", std::env::var("AWS_ENDPOINT_URL_DYNAMODB").expect("moto"));
        let r = self.http.post(url).json(&json!({"table": self.state.db.table, "hold_ms": hold_ms})).send().await;
        assert!(r.expect("moto answers").status().is_success());
    }

    /// (transactions cancelled, single writes refused) by the contention mode on this test's table.
    pub async fn conflicts(&self) -> (i64, i64) {
        let url = format!(
            "{}/_contention?table={}",
            std::env::var("AWS_ENDPOINT_URL_DYNAMODB").expect("moto"),
            self.state.db.table
        );
        let v: Value = self.http.get(url).send().await.expect("moto answers").json().await.expect("json");
        (v["cancelled"].as_i64().unwrap_or(0), v["refused"].as_i64().unwrap_or(0))
    }

    /// A new user whose e-mail is verified with the code sign-up sent.
    pub async fn verified_user(&self, name: &str) -> User {
        let u = self.user(name).await;
        self.verify(&u, "email", &u.login).await;
        u
    }

    /// Confirms `u`'s e-mail or phone with the last verification code sent to `address`.
    pub async fn verify(&self, u: &User, channel: &str, address: &str) {
        let texts = if channel == "email" { sent_emails(address).await } else { sent_sms(address).await };
        let text = texts.iter().rev().find(|t| t.contains("verification code")).expect("a verification code");
        let body = json!({"channel": channel, "code": code_in(text)});
        let r = self.post("/me/verification/confirm", Some(&u.access), body).await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    /// Registers a new user with a unique e-mail (moto's outbox is shared).
    pub async fn user(&self, name: &str) -> User {
        let email = format!("{}-{}@example.com", name.to_lowercase(), ulid::Ulid::new().to_string().to_lowercase());
        self.register(json!({"email": email, "password": "password-123", "name": name})).await
    }

    /// A new host (60 coins a minute, online), signed in again so the token says `host`.
    pub async fn host(&self, name: &str) -> User {
        let h = self.user(name).await;
        self.state.db.make_host(&h.id, 60, true).await.unwrap();
        let r = self.login(&h.login, "password-123").await;
        assert_eq!(r.status, 200, "{r:?}");
        User { access: r.body["access_token"].as_str().unwrap().into(), ..h }
    }

    pub async fn register(&self, body: Value) -> User {
        let login = body["email"].as_str().or(body["phone"].as_str()).unwrap().to_lowercase();
        let r = self.post("/auth/register", None, body).await;
        assert_eq!(r.status, 201, "{r:?}");
        User {
            id: r.body["user"]["id"].as_str().unwrap().into(),
            login,
            access: r.body["access_token"].as_str().unwrap().into(),
            refresh: r.body["refresh_token"].as_str().unwrap().into(),
        }
    }
}

/// What moto "sent": e-mails to `to` (bodies) or SMS to a number, oldest first.
pub async fn sent_emails(to: &str) -> Vec<String> {
    outbox().await["emails"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m["to"].as_array().is_some_and(|a| a.iter().any(|x| x == to)))
        .map(|m| m["body"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The password-reset e-mails to `to`, oldest first.
pub async fn reset_emails(to: &str) -> Vec<String> {
    sent_emails(to).await.into_iter().filter(|m| m.contains("password reset")).collect()
}

pub async fn sent_sms(phone: &str) -> Vec<String> {
    outbox().await["sms"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m["phone"] == phone)
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Every error a test sees is one the OpenAPI document lists for its route and
/// status: the suite keeps the documented codes complete.
fn documented_error(method: &str, path: &str, status: u16, code: &str) {
    let path = path.split('?').next().unwrap_or_default();
    let Some((route, _)) = app::routes::find(method, path) else { return };
    let codes: Vec<&str> = app::http::openapi::errors(route)
        .into_iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, _, codes)| codes)
        .unwrap_or_default();
    if !codes.contains(&code) {
        // DOC_CODES_COLLECT=file: note it instead (to fill in the route table).
        if let Ok(file) = std::env::var("DOC_CODES_COLLECT") {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().create(true).append(true).open(file).unwrap();
            writeln!(f, "{} {status} {code}", route.name).unwrap();
            return;
        }
        panic!("{method} {path} answered {status} {code}, which the document does not list for {}", route.name);
    }
}

/// One writer at a time of the examples file (success and error examples share it).
static EXAMPLES_FILE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Keeps the first successful request and answer of each operation in
/// `file` (JSON: operation → {request, status, response}), tokens and keys
/// replaced by what they stand for.
fn note_example(file: &str, method: &str, path: &str, sent: Option<&str>, status: u16, body: &Value) {
    let Some((route, _)) = app::routes::find(method, path.split('?').next().unwrap_or(path)) else { return };
    let request = sent.and_then(|s| serde_json::from_str::<Value>(s).ok());
    let provider_calls = route.path.starts_with("/webhooks/");
    if provider_calls
        || route.domain() == "api"
        || !(request.as_ref().is_some_and(|r| r.is_object() || r.is_array()) || body.is_object() || body.is_array())
    {
        return; // a provider's signed event, the document itself, or nothing to show
    }
    let _held = EXAMPLES_FILE.lock().unwrap();
    let mut all: serde_json::Map<String, Value> =
        std::fs::read_to_string(file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    if all.contains_key(route.name) {
        return;
    }
    let mut example = json!({"status": status, "response": body});
    // A table sent whole (level steps, VIP tiers) is a list.
    if let Some(r) = request.filter(|r| r.is_object() || r.is_array()) {
        example["request"] = r;
    }
    redact(&mut example);
    all.insert(route.name.to_string(), example);
    std::fs::write(file, serde_json::to_string_pretty(&all).unwrap() + "\n").unwrap();
}

/// Keeps the first answer with each of an operation's own error codes
/// (`Api::codes`: `host_busy`, `insufficient_coins`, ...) under
/// `errors` → operation → code, for the document's error examples.
fn note_error_example(file: &str, method: &str, path: &str, status: u16, body: &Value) {
    let Some((route, _)) = app::routes::find(method, path.split('?').next().unwrap_or(path)) else { return };
    let Some(code) = body["error"].as_str().filter(|c| route.api.codes.contains(c)) else { return };
    let _held = EXAMPLES_FILE.lock().unwrap();
    let mut all: serde_json::Map<String, Value> =
        std::fs::read_to_string(file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let errors = all.entry("errors").or_insert_with(|| json!({}));
    let of_route = errors.as_object_mut().unwrap().entry(route.name).or_insert_with(|| json!({}));
    if of_route.get(code).is_some() {
        return;
    }
    let mut example = json!({"status": status, "response": body});
    redact(&mut example);
    of_route[code] = example;
    std::fs::write(file, serde_json::to_string_pretty(&all).unwrap() + "\n").unwrap();
}

/// Credentials in an example become placeholders.
fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                let secretish =
                    ["token", "secret", "password", "ephemeral_key", "code", "cursor"].iter().any(|w| k.contains(w));
                if secretish && v.is_string() {
                    *v = Value::from(format!("<{k}>"));
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

/// What SES and SNS sent so far (the launcher's `/_outbox`, local/moto_server.py).
async fn outbox() -> Value {
    let base = std::env::var("AWS_ENDPOINT_URL").expect("moto endpoint");
    let res = reqwest::get(format!("{base}/_outbox")).await.expect("moto answers");
    assert!(res.status().is_success(), "the launcher's outbox: {}", res.status());
    res.json().await.expect("json")
}

/// The 6-digit code in a message.
pub fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a 6-digit code").to_string()
}

/// A phone number no other test uses.
pub fn unique_phone() -> String {
    let n: u64 = ulid::Ulid::new().random() as u64 % 10_000_000;
    format!("+1415{n:07}")
}

/// A proxy between the SDK and the local stack's DynamoDB that can lose the
/// answer of a committed transaction: armed, it forwards a TransactWriteItems
/// (which commits) and answers 500 instead, so the SDK sends it again, as it
/// does when a response is lost on the way back.
pub struct LossyProxy {
    pub url: String,
    armed: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    lost: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Single writes (PutItem, UpdateItem, DeleteItem) still to answer as throttled.
    throttled: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// An error answer as DynamoDB's JSON protocol gives it.
fn dynamodb_error(status: u16, kind: &str, message: &str) -> axum::response::Response {
    let body = serde_json::json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{kind}"), "message": message});
    axum::response::Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

impl LossyProxy {
    pub async fn start() -> LossyProxy {
        use std::sync::atomic::Ordering;
        let upstream = std::env::var("AWS_ENDPOINT_URL_DYNAMODB").expect("the local stack");
        let armed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let lost = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let throttled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (a, l, t) = (armed.clone(), lost.clone(), throttled.clone());
        let http = reqwest::Client::new();
        let handler = move |req: axum::extract::Request| {
            let (http, upstream, armed, lost, throttled) =
                (http.clone(), upstream.clone(), a.clone(), l.clone(), t.clone());
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let single_write = [".PutItem", ".UpdateItem", ".DeleteItem"].iter().any(|w| target.ends_with(w));
                if single_write
                    && throttled.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
                {
                    return dynamodb_error(400, "ProvisionedThroughputExceededException", "throttled");
                }
                let uri = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let mut out = http.request(parts.method.clone(), format!("{upstream}{uri}"));
                for (k, v) in &parts.headers {
                    if k != "host" && k != "content-length" {
                        out = out.header(k, v);
                    }
                }
                let res = out.body(body).send().await.unwrap();
                let status = res.status();
                let headers = res.headers().clone();
                let bytes = res.bytes().await.unwrap();
                let lose = target.ends_with(".TransactWriteItems")
                    && status.is_success()
                    && armed.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                if lose {
                    lost.fetch_add(1, Ordering::SeqCst);
                    return dynamodb_error(500, "InternalServerError", "lost");
                }
                let mut b = axum::response::Response::builder().status(status.as_u16());
                for (k, v) in &headers {
                    if k != "content-length" && k != "transfer-encoding" && k != "connection" {
                        b = b.header(k, v);
                    }
                }
                b.body(axum::body::Body::from(bytes)).unwrap()
            }
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(handler)).await });
        LossyProxy { url, armed, lost, throttled }
    }

    /// Answers the next `n` single writes as DynamoDB does when throttling, without passing them on.
    pub fn throttle_next_writes(&self, n: usize) {
        self.throttled.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Loses the answers of the next `n` committed transactions.
    pub fn lose_next_commits(&self, n: usize) {
        self.armed.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many answers were lost so far.
    pub fn lost(&self) -> usize {
        self.lost.load(std::sync::atomic::Ordering::SeqCst)
    }
}
