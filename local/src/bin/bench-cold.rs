//! `make bench-cold`: cold starts of function binaries against hello-world
//! lambda_http / lambda_runtime binaries of the same profile, each started
//! as Lambda starts it: a fresh process pointed at a Runtime API (emulated
//! here, on loopback). Per start: init (spawn → its first `GET …/next`), the
//! first invocation (event handed over → response posted; DynamoDB plain or
//! through a local TLS endpoint, so the first handshake is counted), the
//! median warm invocation; per binary once: VmHWM after 1,000 invocations.
//! Starts are interleaved (each run goes through every binary in turn).
//!
//! Usage: bench-cold DIR NAME... (binaries in DIR; hello-http, hello-runtime
//! and the event kind of each NAME are known below). Needs the local stack
//! (`AWS_ENDPOINT_URL_DYNAMODB`), as local/bench-cold.sh provides.
//! BENCH_COLD_SECRETS=1: the functions read their JWT secret at init from
//! Secrets Manager (moto, same endpoint) as in AWS, instead of the environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;
use tokio::sync::{Mutex, mpsc};

type Error = Box<dyn std::error::Error + Send + Sync>;

const SECRET: &str = "bench-cold-secret-bench-cold-secret-0123";
const WARM: usize = 20;

/// The Runtime API of one start: hands events to `…/next`, reports arrivals and responses.
struct Emulator {
    events: Mutex<mpsc::Receiver<(String, String)>>,
    seen: mpsc::Sender<Seen>,
}

enum Seen {
    Next(Instant),
    Response(Instant, String),
    Error(String),
}

async fn next(State(emu): State<Arc<Emulator>>) -> impl IntoResponse {
    let _ = emu.seen.send(Seen::Next(Instant::now())).await;
    let (id, body) = emu.events.lock().await.recv().await.unwrap_or_default();
    let deadline = chrono::Utc::now().timestamp_millis() + 30_000;
    let mut h = HeaderMap::new();
    h.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
    h.insert("lambda-runtime-deadline-ms", deadline.to_string().parse().unwrap());
    h.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:bench".parse().unwrap(),
    );
    h.insert("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000".parse().unwrap());
    h.insert("content-type", "application/json".parse().unwrap());
    (h, body)
}

async fn response(State(emu): State<Arc<Emulator>>, body: String) -> impl IntoResponse {
    let _ = emu.seen.send(Seen::Response(Instant::now(), body)).await;
    (axum::http::StatusCode::ACCEPTED, "{}")
}

async fn error(State(emu): State<Arc<Emulator>>, body: String) -> impl IntoResponse {
    let _ = emu.seen.send(Seen::Error(body)).await;
    (axum::http::StatusCode::ACCEPTED, "{}")
}

struct Target {
    name: String,
    path: PathBuf,
    /// The event each invocation gets.
    event: String,
    /// Whether its first invocation reaches DynamoDB (then it runs plain and over TLS).
    network: bool,
    hello: &'static str,
}

#[derive(Default)]
struct Figures {
    init: Vec<f64>,
    first: HashMap<&'static str, Vec<f64>>,
    warm: Vec<f64>,
    hwm_kb: u64,
}

struct Start {
    init: f64,
    first: f64,
    warm: f64,
    hwm_kb: Option<u64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() { f64::NAN } else { v[v.len() / 2] }
}

/// One cold start of `t`, DynamoDB at `endpoint`, trusting `cert_file`
/// (else the roots compiled into the function, as on Lambda).
async fn cold_start(
    t: &Target,
    env: &[(String, String)],
    endpoint: &str,
    cert_file: Option<&Path>,
    invocations: usize,
) -> Result<Start, Error> {
    let (ev_tx, ev_rx) = mpsc::channel(1);
    let (seen_tx, mut seen_rx) = mpsc::channel(4);
    let emu = Arc::new(Emulator { events: Mutex::new(ev_rx), seen: seen_tx });
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(error))
        .with_state(emu);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let api = listener.local_addr()?.to_string();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut cmd = tokio::process::Command::new(&t.path);
    cmd.env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", &api)
        .env("AWS_LAMBDA_FUNCTION_NAME", &t.name)
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if let Some(file) = cert_file {
        cmd.env("SSL_CERT_FILE", file);
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id().ok_or("no pid")?;
    let init = ms(wait_next(&mut seen_rx, &t.name).await? - t0);
    let mut times = Vec::new();
    for i in 0..invocations {
        let sent = Instant::now();
        ev_tx.send((format!("req-{i}"), t.event.clone())).await?;
        let done = match recv(&mut seen_rx).await? {
            Some(Seen::Response(at, body)) => {
                // An HTTP answer must be a 200 (an event function's errors come through …/error).
                if i == 0 && body.contains("\"statusCode\"") && !body.contains("\"statusCode\":200") {
                    return Err(format!("{}: unexpected answer {body}", t.name).into());
                }
                at
            }
            Some(Seen::Error(e)) => return Err(format!("{}: {e}", t.name).into()),
            _ => return Err(format!("{}: no response", t.name).into()),
        };
        times.push(ms(done - sent));
        wait_next(&mut seen_rx, &t.name).await?;
    }
    let hwm_kb = if invocations > WARM + 1 { Some(vm_hwm_kb(pid)?) } else { None };
    child.kill().await?;
    server.abort();
    Ok(Start { init, first: times[0], warm: median(&times[1..]), hwm_kb })
}

async fn recv(seen: &mut mpsc::Receiver<Seen>) -> Result<Option<Seen>, Error> {
    Ok(tokio::time::timeout(Duration::from_secs(30), seen.recv()).await?)
}

async fn wait_next(seen: &mut mpsc::Receiver<Seen>, name: &str) -> Result<Instant, Error> {
    match recv(seen).await? {
        Some(Seen::Next(at)) => Ok(at),
        Some(Seen::Error(e)) => Err(format!("{name}: {e}").into()),
        _ => Err(format!("{name}: expected …/next").into()),
    }
}

fn vm_hwm_kb(pid: u32) -> Result<u64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).ok_or("no VmHWM")?;
    Ok(line.split_whitespace().nth(1).ok_or("VmHWM")?.parse()?)
}

/// A TLS endpoint on loopback in front of `upstream` (moto), with a fresh
/// self-signed certificate; answers its URL and the certificate's PEM.
async fn tls_proxy(upstream: String) -> Result<(String, String), Error> {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])?;
    let pem = certified.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der())?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)?;
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("https://127.0.0.1:{}", listener.local_addr()?.port());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            tokio::spawn(async move {
                let _ = tcp.set_nodelay(true);
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Ok(mut up) = tokio::net::TcpStream::connect(&upstream).await else { return };
                let _ = up.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
            });
        }
    });
    Ok((url, pem))
}

fn http_event(method: &str, path: &str, token: &str) -> String {
    json!({
        "version": "2.0", "routeKey": format!("{method} {path}"), "rawPath": path, "rawQueryString": "",
        "headers": {"host": "api.example.com", "authorization": format!("Bearer {token}")},
        "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
            "domainPrefix": "api", "requestId": "req", "routeKey": format!("{method} {path}"), "stage": "$default",
            "time": "30/Nov/2026:08:00:00 +0000", "timeEpoch": 1796025600000u64,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10", "userAgent": "bench"}},
        "isBase64Encoded": false
    })
    .to_string()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, names) = args.split_first().ok_or("usage: bench-cold DIR NAME...")?;
    let runs: usize = std::env::var("BENCH_COLD_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let invocations: usize = std::env::var("BENCH_COLD_INVOCATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dynamo = std::env::var("AWS_ENDPOINT_URL_DYNAMODB").map_err(|_| "start the local stack first")?;

    // A table with the demo data and a signed-in user, as the functions see it.
    let table = format!("bench-cold-{}", chrono::Utc::now().timestamp_millis());
    let mut config = app::Config::new(table.clone(), SECRET);
    config.ip_rate_limits = false;
    let state = app::AppState::new(&integrations::aws::sdk_config(), config, app::Clock::system());
    store::table::create_with(&state.db.client, &table, false).await?;
    state.messenger().ensure_sender_identity().await?;
    local::demo::load(&state, &local::demo::DemoPasswords::from_env()).await.map_err(|e| e.message)?;
    let session = app::accounts::register(
        &state,
        serde_json::from_value(json!({"email": "cold@bench.local", "password": "cold-start-pass", "name": "Cold"}))?,
    )
    .await
    .map_err(|e| e.message)?;
    let token = session.access_token;

    let (tls_url, pem) = tls_proxy(dynamo.trim_start_matches("http://").to_string()).await?;
    let run_dir = PathBuf::from(".run");
    std::fs::create_dir_all(&run_dir)?;
    // Functions trust the roots compiled into them; the TLS runs trust the proxy's certificate instead.
    let tls_certs = run_dir.join("bench-cold-proxy.pem");
    std::fs::write(&tls_certs, &pem)?;

    let mut env: Vec<(String, String)> = vec![
        ("PATH".into(), "/usr/bin:/bin".into()),
        ("AWS_REGION".into(), "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID".into(), "local".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(), "128".into()),
        ("AWS_LAMBDA_FUNCTION_VERSION".into(), "$LATEST".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME".into(), "/aws/lambda/bench".into()),
        ("AWS_LAMBDA_LOG_STREAM_NAME".into(), "bench".into()),
        ("TABLE_NAME".into(), table.clone()),
        ("METRICS".into(), "off".into()),
    ];
    if std::env::var("BENCH_COLD_SECRETS").is_ok_and(|v| v == "1") {
        let client = aws_sdk_secretsmanager::Client::new(&integrations::aws::sdk_config());
        let value = json!({ "jwt_secret": SECRET }).to_string();
        let created = client.create_secret().name(&table).secret_string(value).send().await?;
        env.push(("SECRETS".into(), format!("JWT_SECRET={}#jwt_secret", created.arn().unwrap_or_default())));
    } else {
        env.push(("JWT_SECRET".into(), SECRET.into()));
    }
    env.push(("RUST_LOG".into(), "info".into()));

    let tick_event = json!({"version": "0", "id": "bench", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "123456789012", "time": "2026-11-30T08:00:00Z", "region": "us-east-1", "resources": [], "detail": {}})
    .to_string();
    let target = |name: &str| -> Result<Target, Error> {
        let path = Path::new(dir).join(name);
        if !path.exists() {
            return Err(format!("{} not built", path.display()).into());
        }
        let (event, network, hello) = match name {
            "hello-http" => (http_event("GET", "/me", &token), false, "hello-http"),
            "hello-runtime" => (tick_event.clone(), false, "hello-runtime"),
            "get-me" => (http_event("GET", "/me", &token), true, "hello-http"),
            "list-gifts" => (http_event("GET", "/gifts", &token), true, "hello-http"),
            "call-tick" | "reconcile" => (tick_event.clone(), true, "hello-runtime"),
            other => return Err(format!("no event known for {other}").into()),
        };
        Ok(Target { name: name.into(), path, event, network, hello })
    };
    let mut targets = vec![target("hello-http")?, target("hello-runtime")?];
    for n in names {
        targets.push(target(n)?);
    }

    let mut figures: Vec<Figures> = targets.iter().map(|_| Figures::default()).collect();
    for run in 0..runs {
        for (t, f) in targets.iter().zip(figures.iter_mut()) {
            let modes: &[(&'static str, &str, Option<&Path>)] = if t.network {
                &[("plain", dynamo.as_str(), None), ("tls", tls_url.as_str(), Some(tls_certs.as_path()))]
            } else {
                &[("plain", dynamo.as_str(), None)]
            };
            for (mode, endpoint, certs) in modes {
                let s = cold_start(t, &env, endpoint, *certs, WARM + 1).await?;
                f.init.push(s.init);
                f.first.entry(mode).or_default().push(s.first);
                f.warm.push(s.warm);
            }
        }
        eprintln!("run {}/{runs} done", run + 1);
    }
    for (t, f) in targets.iter().zip(figures.iter_mut()) {
        let s = cold_start(t, &env, &dynamo, None, invocations.max(WARM + 2)).await?;
        f.hwm_kb = s.hwm_kb.unwrap_or_default();
    }

    let by_name: HashMap<&str, usize> = targets.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    println!(
        "| binary | size MB | init ms (x hello) | first plain ms | first TLS ms (x warm) | warm ms | VmHWM MB after {invocations} (x hello) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (t, f) in targets.iter().zip(figures.iter()) {
        let h = &figures[by_name[t.hello]];
        let size = std::fs::metadata(&t.path)?.len() as f64 / 1e6;
        let (init, warm) = (median(&f.init), median(&f.warm));
        let first = |m: &str| f.first.get(m).map(|v| median(v));
        let tls = first("tls").map_or("—".into(), |v| format!("{v:.2} ({:.1}x)", v / warm));
        println!(
            "| {} | {size:.2} | {init:.2} ({:.2}x) | {:.2} | {tls} | {warm:.2} | {:.1} ({:.2}x) |",
            t.name,
            init / median(&h.init),
            first("plain").unwrap_or(f64::NAN),
            f.hwm_kb as f64 / 1024.0,
            f.hwm_kb as f64 / h.hwm_kb as f64,
        );
    }
    Ok(())
}
