//! Pushes and chat tokens: Google is played by a small local server that
//! checks the OAuth assertion and the bearer, records the messages and answers
//! errors on demand; the keys are a fresh RSA pair made with openssl.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::support::*;

/// A fresh RSA key pair: (private PKCS#8 PEM, public PEM).
fn key_pair() -> (String, String) {
    let dir = std::env::temp_dir().join(format!("push-test-{}", ulid::Ulid::new()));
    std::fs::create_dir_all(&dir).unwrap();
    let (private, public) = (dir.join("key.pem"), dir.join("pub.pem"));
    let ok = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&private)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl genpkey");
    let ok = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&private)
        .arg("-out")
        .arg(&public)
        .status()
        .unwrap()
        .success();
    assert!(ok, "openssl pkey");
    (std::fs::read_to_string(private).unwrap(), std::fs::read_to_string(public).unwrap())
}

#[derive(Default)]
struct Fake {
    public_pem: String,
    token_url: String,
    exchanges: usize,
    /// Messages FCM accepted.
    messages: Vec<Value>,
    /// Times each device token was tried.
    tries: HashMap<String, usize>,
}

type Shared = Arc<Mutex<Fake>>;
const ACCESS: &str = "fake-access-token";

async fn token(State(fake): State<Shared>, Form(form): Form<HashMap<String, String>>) -> impl IntoResponse {
    let mut f = fake.lock().unwrap();
    assert_eq!(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[f.token_url.clone()]);
    let claims = integrations::jwt::decode::<Value>(
        &form["assertion"],
        &DecodingKey::from_rsa_pem(f.public_pem.as_bytes()).unwrap(),
        &v,
    )
    .expect("a valid assertion")
    .claims;
    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/firebase.messaging");
    assert_eq!(claims["iss"], "push@test-project.iam.gserviceaccount.com");
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 3600);
    f.exchanges += 1;
    axum::Json(json!({"access_token": ACCESS, "expires_in": 3600, "token_type": "Bearer"}))
}

async fn send(
    State(fake): State<Shared>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> axum::response::Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {ACCESS}")) {
        return (StatusCode::UNAUTHORIZED, "bad bearer").into_response();
    }
    let mut f = fake.lock().unwrap();
    let device = body["message"]["token"].as_str().unwrap().to_string();
    let tries = {
        let t = f.tries.entry(device.clone()).or_default();
        *t += 1;
        *t
    };
    if device.starts_with("dead-") {
        let e = json!({"error": {"code": 404, "status": "NOT_FOUND", "details": [{"errorCode": "UNREGISTERED"}]}});
        return (StatusCode::NOT_FOUND, axum::Json(e)).into_response();
    }
    if device.starts_with("broken-") || (device.starts_with("flaky-") && tries == 1) {
        return (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "0")], "try later").into_response();
    }
    f.messages.push(body["message"].clone());
    axum::Json(json!({"name": "projects/test-project/messages/1"})).into_response()
}

/// An app whose pushes go to a fake Google, and the fake.
async fn app_with_fake_google() -> (TestApp, Shared, String) {
    let (private_pem, public_pem) = key_pair();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let fake: Shared = Arc::new(Mutex::new(Fake {
        public_pem: public_pem.clone(),
        token_url: format!("{base}/token"),
        ..Default::default()
    }));
    let router = axum::Router::new()
        .route("/token", axum::routing::post(token))
        .route("/v1/projects/test-project/messages:send", axum::routing::post(send))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let sa = json!({"project_id": "test-project", "client_email": "push@test-project.iam.gserviceaccount.com", "private_key": private_pem});
    let app = TestApp::start_with(|c| {
        c.firebase_service_account = Some(sa.to_string());
        c.push_log_only = false;
        c.fcm_base_url = Some(base.clone());
        c.google_token_url = Some(format!("{base}/token"));
    })
    .await;
    (app, fake, public_pem)
}

async fn register_device(app: &TestApp, u: &User, token: &str) {
    let r =
        app.call("PUT", "/me/push-token", Some(&u.access), Some(json!({"token": token, "platform": "android"}))).await;
    assert_eq!(r.status, 204, "{r:?}");
}

/// Everything new on the test table's stream, through `send-push`.
async fn drain(app: &TestApp, reader: &mut local::streams::StreamReader) {
    while reader.poll(&app.state).await.unwrap() > 0 {}
}

/// Every log line the test binary writes (one global subscriber, installed once).
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        // Our crates in full; the SDKs' own chatter would only slow the suite.
        let filter: tracing_subscriber::filter::Targets =
            "info,app=debug,integrations=debug,local=debug,aws_smithy_runtime=warn,aws_config=warn,hyper=warn"
                .parse()
                .unwrap();
        let _ =
            tracing_subscriber::fmt().with_writer(move || LogWriter(writer.clone())).finish().with(filter).try_init();
        buf
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for LogWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_chat_token_is_a_firebase_custom_token_signed_by_the_service_account() {
    let (app, _fake, public_pem) = app_with_fake_google().await;
    let host = app.host("Hana").await;
    let r = app.post("/me/chat-token", Some(&host.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&["https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"]);
    v.set_issuer(&["push@test-project.iam.gserviceaccount.com"]);
    let token = r.body["token"].as_str().unwrap();
    let claims =
        integrations::jwt::decode::<Value>(token, &DecodingKey::from_rsa_pem(public_pem.as_bytes()).unwrap(), &v)
            .unwrap()
            .claims;
    assert_eq!(
        (claims["sub"].as_str(), claims["uid"].as_str()),
        (Some("push@test-project.iam.gserviceaccount.com"), Some(host.id.as_str()))
    );
    assert_eq!(claims["claims"]["role"], "host");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
    // Another key does not verify it.
    let (_, other_public) = key_pair();
    assert!(
        integrations::jwt::decode::<Value>(token, &DecodingKey::from_rsa_pem(other_public.as_bytes()).unwrap(), &v)
            .is_err()
    );
    // Without a service account there is no chat.
    let plain = TestApp::start().await;
    let u = plain.user("U").await;
    assert_eq!(plain.post("/me/chat-token", Some(&u.access), json!({})).await.status, 503);
}

#[tokio::test]
async fn each_event_is_pushed_once_to_every_device_with_one_oauth_exchange_and_dead_tokens_go() {
    let logs = logs();
    let (app, fake, _) = app_with_fake_google().await;
    let mut reader = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Push).await.unwrap();
    let admin = app.admin().await;
    let (fan, host) = (app.user("Fan").await, app.host("Hana").await);
    let (phone, tablet, gone) = (
        format!("good-{}", ulid::Ulid::new()),
        format!("flaky-{}", ulid::Ulid::new()),
        format!("dead-{}", ulid::Ulid::new()),
    );
    for t in [&phone, &tablet, &gone] {
        register_device(&app, &host, t).await;
    }
    app.grant(&admin, &fan, 1000).await;

    app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await;
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": 5, "image_key": "r"}))
        .await;
    app.post(&format!("/users/{}/gifts", host.id), Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await;
    let call = app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await;
    // The gift's notification is the aggregator's.
    app.drain().await;
    drain(&app, &mut reader).await;

    let f = fake.lock().unwrap();
    let kinds = |device: &str| -> Vec<String> {
        f.messages
            .iter()
            .filter(|m| m["token"] == device)
            .map(|m| m["data"]["type"].as_str().unwrap().to_string())
            .collect()
    };
    let mut got = kinds(&phone);
    got.sort();
    assert_eq!(got, vec!["follow", "gift", "incoming_call"], "one push per event per device");
    let mut on_tablet = kinds(&tablet);
    on_tablet.sort();
    assert_eq!(on_tablet, got, "the flaky device got them after a retry (Retry-After honoured)");
    assert_eq!(f.exchanges, 1, "one OAuth exchange for all the sends");
    let ring =
        f.messages.iter().find(|m| m["token"] == phone.as_str() && m["data"]["type"] == "incoming_call").unwrap();
    assert_eq!((ring["android"]["priority"].as_str(), ring["android"]["ttl"].as_str()), (Some("HIGH"), Some("45s")));
    assert_eq!(ring["android"]["collapse_key"], format!("call-{}", call.body["id"].as_str().unwrap()));
    assert_eq!(ring["data"]["call_id"], call.body["id"]);
    assert_eq!(ring["android"]["notification"]["title_loc_key"], "notification_incoming_call_title");
    let gift = f.messages.iter().find(|m| m["data"]["type"] == "gift").unwrap();
    assert_eq!(
        (gift["notification"]["title"].as_str(), gift["data"]["sender_id"].as_str()),
        (Some("New gift"), Some(fan.id.as_str()))
    );
    assert_eq!(f.tries[&gone], 1, "a dead token is not retried");
    drop(f);
    let devices: Vec<String> =
        app.state.db.list_push_tokens(&host.id).await.unwrap().into_iter().map(|(t, _)| t).collect();
    assert!(!devices.contains(&gone) && devices.contains(&phone), "the dead token was deleted");

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).to_string();
    assert!(text.contains("push"), "the log is captured");
    for secret in [&phone, &tablet, &gone, &ACCESS.to_string(), &"PRIVATE KEY".to_string()] {
        assert!(!text.contains(secret.as_str()), "no push token or secret in the logs");
    }
}

#[tokio::test]
async fn in_a_stream_batch_only_the_record_that_failed_is_reported() {
    let (app, fake, _) = app_with_fake_google().await;
    let (a, b, c) = (app.user("A").await, app.user("B").await, app.user("C").await);
    register_device(&app, &a, &format!("good-{}", ulid::Ulid::new())).await;
    register_device(&app, &b, &format!("broken-{}", ulid::Ulid::new())).await;
    register_device(&app, &c, &format!("good-{}", ulid::Ulid::new())).await;
    let now = app.state.now();
    let notes: Vec<store::Notification> = [&a, &b, &c]
        .iter()
        .map(|u| {
            app::kernel::notices::record(
                app::kernel::notices::note(&u.id, "follow", "New follower", "x follows you".into(), &[]),
                now,
            )
        })
        .collect();
    let records = notes.iter().enumerate().map(|(i, n)| (format!("seq-{i}"), Some(n.clone()))).collect();
    let failed = app::notifications::handle_records(&app.state, records).await;
    assert_eq!(failed, vec!["seq-1".to_string()]);
    assert_eq!(fake.lock().unwrap().messages.len(), 2);

    // The Lambda shape: the sample event decodes and is answered with its failures.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/send-push.json")).unwrap();
    let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_str(&text).unwrap();
    let out =
        app::notifications::send_push_event(Arc::new(app.state.clone()), event).await.map_err(|e| e.message).unwrap();
    assert!(out.batch_item_failures.is_empty(), "a notification for an account without devices is delivered to none");
}
