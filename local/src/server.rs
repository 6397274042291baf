use std::collections::HashMap;
use std::sync::Arc;

use app::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use std::net::SocketAddr;

use lambda_http::RequestExt;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;

/// Largest body the dev server reads, like API Gateway's 10 MB payload limit.
const MAX_BODY: usize = 10 * 1024 * 1024;

/// Matches the route as API Gateway would, then hands a Lambda-shaped request
/// to the same `app::http::handle` every function runs.
async fn route(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // API Gateway tells the function the client's address in its request context; so does this.
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.http.source_ip =
        parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
    let Some((route, params)) = app::routes::find(parts.method.as_str(), parts.uri.path()) else {
        let err = app::DomainError::not_found(format!("no route for {} {}", parts.method, parts.uri.path()));
        return to_axum(app::http::response(app::http::status_of(err.kind), Some(app::http::error_body(&err))));
    };
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            // API Gateway's own answer, before any function runs: no domain error.
            let body = serde_json::json!({"error": "payload_too_large", "message": "body: larger than 10 MB"});
            return to_axum(app::http::response(413, Some(body)));
        }
    };
    let mut query: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()) {
        query.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    let req = http::Request::from_parts(parts, lambda_http::Body::from(bytes.to_vec()))
        .with_path_parameters(params)
        .with_query_string_parameters(query)
        .with_request_context(RequestContext::ApiGatewayV2(context));
    to_axum(app::http::handle(&state, route, req).await)
}

fn to_axum(resp: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = resp.into_parts();
    let body = match body {
        lambda_http::Body::Empty => Body::empty(),
        lambda_http::Body::Text(t) => Body::from(t),
        lambda_http::Body::Binary(b) => Body::from(b),
        _ => Body::empty(),
    };
    Response::from_parts(parts, body)
}

/// Where `make run` finds the built console (`console/dist`, or `CONSOLE_DIR`).
fn console_dir() -> std::path::PathBuf {
    std::env::var_os("CONSOLE_DIR")
        .map(Into::into)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../console/dist"))
}

/// The API, and the web console's files at `/console/` (a single-page app:
/// unknown paths there answer its `index.html`).
/// The app-store stand-ins the dev server runs (none in the tests' servers).
#[derive(Default)]
pub struct StandIns {
    pub play: Option<crate::stores::GooglePlay>,
    pub apple: Option<crate::apple::AppStore>,
    pub razorpayx: Option<crate::razorpayx::RazorpayX>,
    /// This server's own address (`http://127.0.0.1:3000`): where the
    /// stand-ins post their notifications, never the request's `Host` header
    /// (which would let any caller point them elsewhere).
    pub base_url: String,
}

/// The local JWT secret `make run` uses unless `JWT_SECRET` is set: anyone can
/// read it here, so tokens signed with it are worth nothing beyond this machine.
pub const LOCAL_JWT_SECRET: &str = "local-development-secret-not-for-production";

/// Refuses to serve with the published local secret anywhere but loopback:
/// on another interface anyone could mint an admin's token.
pub fn check_listen(addr: &SocketAddr, jwt_secret: &[u8]) -> Result<(), String> {
    if jwt_secret == LOCAL_JWT_SECRET.as_bytes() && !addr.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {addr} with the local JWT secret: set JWT_SECRET to a secret of your own, \
             or bind API_ADDR to 127.0.0.1"
        ));
    }
    Ok(())
}

pub fn router(state: Arc<AppState>, stand_ins: StandIns) -> axum::Router {
    use tower_http::services::{ServeDir, ServeFile};
    let dir = console_dir();
    let console = ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")));
    let mut r = axum::Router::new()
        .route("/console", axum::routing::get(|| async { axum::response::Redirect::permanent("/console/") }))
        .nest_service("/console/", console)
        // AppSync Events' stand-in: the live channels' publish and WebSocket endpoints.
        .merge(crate::events::routes(state.clone(), crate::events::Hub::default()));
    let base = stand_ins.base_url;
    if let Some(play) = stand_ins.play {
        let base = base.clone();
        r = r.route(
            "/dev/stores/google/void",
            axum::routing::post(move |req: Request| void_play_purchase(play.clone(), base.clone(), req)),
        );
    }
    if let Some(apple) = stand_ins.apple {
        let base = base.clone();
        r = r.route(
            "/dev/stores/apple/notify",
            axum::routing::post(move |req: Request| notify_apple(apple.clone(), base.clone(), req)),
        );
    }
    if let Some(x) = stand_ins.razorpayx {
        let (state, base) = (state.clone(), base.clone());
        r = r.route(
            "/dev/payouts/razorpayx",
            axum::routing::post(move |req: Request| settle_payout(x.clone(), state.clone(), base.clone(), req)),
        );
    }
    if state.config.payments_local {
        let (state, base) = (state.clone(), base.clone());
        r = r.route(
            "/dev/payments/confirm",
            axum::routing::post(move |req: Request| confirm_payment(state.clone(), base.clone(), req)),
        );
    }
    // What EventBridge runs every minute, run now: the console's tests and a
    // developer need not wait for the next tick.
    let schedules = state.clone();
    r = r.route(
        "/dev/schedules/send-broadcasts",
        axum::routing::post(move || async move {
            match app::routes::as_event_function("send-broadcasts", app::notifications::send_broadcasts(&schedules))
                .await
            {
                Ok(n) => to_axum(app::http::response(200, Some(serde_json::json!({"notifications": n})))),
                Err(e) => to_axum(app::http::response(app::http::status_of(e.kind), Some(app::http::error_body(&e)))),
            }
        }),
    );
    // A schedule run as of a given time (`{"now": RFC 3339}`), so tests and
    // a developer can age bonus grants without waiting 30 days.
    let schedules = state.clone();
    r = r.route(
        "/dev/schedules/expire-bonus-coins",
        axum::routing::post(move |req: Request| async move {
            let now = match schedule_now(&schedules, req).await {
                Ok(now) => now,
                Err(r) => return r,
            };
            let run = app::wallet::expire_bonus_coins(&schedules, now);
            match app::routes::as_event_function("expire-bonus-coins", run).await {
                Ok(r) => to_axum(app::http::response(
                    200,
                    Some(serde_json::json!({"accounts": r.accounts, "expired_coins": r.expired_coins})),
                )),
                Err(e) => to_axum(app::http::response(app::http::status_of(e.kind), Some(app::http::error_body(&e)))),
            }
        }),
    );
    let schedules = state.clone();
    r = r.route(
        "/dev/schedules/close-host-month",
        axum::routing::post(move |req: Request| async move {
            let now = match schedule_now(&schedules, req).await {
                Ok(now) => now,
                Err(r) => return r,
            };
            let run = app::payouts::close_host_month(&schedules, now);
            match app::routes::as_event_function("close-host-month", run).await {
                Ok(r) => to_axum(app::http::response(200, Some(serde_json::to_value(&r).unwrap_or_default()))),
                Err(e) => to_axum(app::http::response(app::http::status_of(e.kind), Some(app::http::error_body(&e)))),
            }
        }),
    );
    r.fallback(route).with_state(state)
}

/// The time a schedule runs as of: the body's `{"now": RFC 3339}`, else now.
async fn schedule_now(state: &AppState, req: Request) -> Result<i64, Response> {
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024).await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    match v["now"].as_str().map(chrono::DateTime::parse_from_rfc3339) {
        None => Ok(state.now()),
        Some(Ok(t)) => Ok(t.timestamp_millis()),
        Some(Err(_)) => Err(invalid("now: an RFC 3339 time")),
    }
}

/// `POST /dev/payments/confirm {client_secret}` or `{order_id}`, optionally
/// with `card_fingerprint` / `customer_id` (the payer; the buyer's own by default) (the dev
/// server only, with `PAYMENTS_MODE=local`): what Stripe or Razorpay does when
/// the buyer pays in the app's sheet. Their signed event
/// (`payment_intent.succeeded`, `payment.captured`) for the whole amount goes
/// to this server's webhook, whose answer comes back.
async fn confirm_payment(state: Arc<AppState>, base: String, req: Request) -> Response {
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024).await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let (provider, reference) = match (v["client_secret"].as_str(), v["order_id"].as_str()) {
        (Some(secret), None) => ("stripe", secret.split("_secret_").next().unwrap_or_default()),
        (None, Some(order)) => ("razorpay", order),
        _ => return invalid("client_secret (Stripe) or order_id (Razorpay): exactly one is required"),
    };
    let recharge = match state.db.find_recharge_by_ref(provider, reference).await {
        Ok(Some(r)) => r,
        Ok(None) => return invalid("no recharge has this order"),
        Err(e) => return invalid(&e.to_string()),
    };
    let (amount, currency) = (recharge.amount_minor, recharge.currency.clone());
    // Each buyer pays with a card (a Razorpay customer) of their own, unless
    // the request names one: the first-recharge offer is once per payer.
    let payer = |field: &str, prefix: &str| {
        v[field].as_str().map_or_else(|| format!("{prefix}{}", recharge.account_id.to_lowercase()), str::to_string)
    };
    let (card, customer) = (payer("card_fingerprint", "fp_local_"), payer("customer_id", "cust_local_"));
    let c = &state.config;
    let (path, header, event) = if provider == "stripe" {
        let event = serde_json::json!({
            "id": format!("evt_local_{}", ulid::Ulid::new()), "object": "event", "type": "payment_intent.succeeded",
            "data": {"object": {"id": reference, "object": "payment_intent", "amount": amount,
                "currency": currency.to_ascii_lowercase(), "metadata": {"recharge_id": recharge.id},
                "charges": {"data": [{"payment_method_details": {"card": {"fingerprint": card}}}]}}}
        })
        .to_string();
        let t = state.now() / 1000;
        let sig = integrations::payments::stripe_signature(&c.stripe_webhook_secret, t, event.as_bytes());
        ("/webhooks/stripe", ("stripe-signature", format!("t={t},v1={sig}")), event)
    } else {
        let event = serde_json::json!({"event": "payment.captured", "payload": {"payment": {"entity": {
            "id": format!("pay_local_{}", ulid::Ulid::new()), "order_id": reference, "amount": amount, "currency": currency,
            "customer_id": customer}}}})
        .to_string();
        let sig = integrations::payments::razorpay_webhook_signature(&c.razorpay_webhook_secret, event.as_bytes());
        ("/webhooks/razorpay", ("x-razorpay-signature", sig), event)
    };
    deliver(&format!("{base}{path}"), (header.0, &header.1), event).await
}

/// Posts a provider's signed event to this server's webhook; relays its answer.
async fn deliver(url: &str, signature: (&str, &str), event: String) -> Response {
    let sent = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header(signature.0, signature.1)
        .body(event)
        .send()
        .await;
    relay(match sent {
        Ok(res) => Ok((res.status().as_u16(), res.text().await.unwrap_or_default())),
        Err(e) => Err(e.to_string()),
    })
}

/// `POST /dev/payouts/razorpayx {payout_id, event: processed|failed|reversed}`
/// (the dev server only): RazorpayX's stand-in settles the payout and its
/// signed `payout.<event>` goes to this server's webhook, whose answer comes back.
async fn settle_payout(x: crate::razorpayx::RazorpayX, state: Arc<AppState>, base: String, req: Request) -> Response {
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024).await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let (Some(id), Some(fate)) = (v["payout_id"].as_str(), v["event"].as_str()) else {
        return invalid("payout_id and event (processed, failed or reversed): required");
    };
    let event = match x.settle(id, fate) {
        Ok(e) => e,
        Err(why) => return invalid(&why),
    };
    let sig =
        integrations::payments::razorpay_webhook_signature(&state.config.razorpayx_webhook_secret, event.as_bytes());
    deliver(&format!("{base}/webhooks/razorpayx"), ("x-razorpay-signature", &sig), event).await
}

fn invalid(message: &str) -> Response {
    let err = app::DomainError::invalid(message.to_string());
    to_axum(app::http::response(app::http::status_of(err.kind), Some(app::http::error_body(&err))))
}

/// `POST /dev/stores/apple/notify {type, transaction_id}` (the dev server
/// only): the stand-in sends the signed App Store Server Notification (REFUND,
/// REFUND_REVERSED, CONSUMPTION_REQUEST, ONE_TIME_CHARGE) to this server's
/// `POST /webhooks/apple`.
async fn notify_apple(apple: crate::apple::AppStore, base: String, req: Request) -> Response {
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024).await.unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let (Some(kind), Some(id)) = (v["type"].as_str(), v["transaction_id"].as_str()) else {
        let err = app::DomainError::invalid("type and transaction_id: required");
        return to_axum(app::http::response(app::http::status_of(err.kind), Some(app::http::error_body(&err))));
    };
    relay(apple.push(&base, kind, id, system_now_ms()).await)
}

/// The webhook's answer to a stand-in's push, passed back as is.
fn relay(pushed: Result<(u16, String), String>) -> Response {
    match pushed {
        Ok((status, body)) => axum::response::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap_or_default(),
        Err(e) => {
            let err = app::DomainError::unavailable(format!("the webhook did not answer: {e}"));
            to_axum(app::http::response(app::http::status_of(err.kind), Some(app::http::error_body(&err))))
        }
    }
}

/// `POST /dev/stores/google/void {purchase_token}` (the dev server only):
/// the stand-in voids the purchase and sends its signed notification to this
/// server's `POST /webhooks/google`, so a refund can be tried by hand.
async fn void_play_purchase(play: crate::stores::GooglePlay, base: String, req: Request) -> Response {
    let body = axum::body::to_bytes(req.into_body(), 64 * 1024).await.unwrap_or_default();
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["purchase_token"].as_str().map(String::from));
    let Some(token) = token else {
        let err = app::DomainError::invalid("purchase_token: required");
        return to_axum(app::http::response(app::http::status_of(err.kind), Some(app::http::error_body(&err))));
    };
    let now = system_now_ms();
    let note = play.void(&token, now);
    relay(play.push(&base, &note, now / 1000).await)
}

fn system_now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    stand_ins: StandIns,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state, stand_ins).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Runs `call-tick` every `every`, as EventBridge does in AWS (and the post
/// purge with it, which AWS runs every 10 minutes); logs what they did.
pub async fn run_call_tick(state: Arc<AppState>, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match app::routes::as_event_function("call-tick", app::calls::call_tick(&state, state.now())).await {
            Ok(r) => {
                let n = |c: &std::sync::atomic::AtomicUsize| app::calls::TickReport::get(c);
                if n(&r.missed) + n(&r.charged_minutes) + n(&r.ended) + n(&r.dropped) + n(&r.failed) > 0 {
                    tracing::info!(report = %serde_json::to_string(&r).unwrap_or_default(), "call-tick");
                }
            }
            Err(e) => tracing::error!(error = %e.message, "call-tick failed"),
        }
        match app::routes::as_event_function("purge-deleted-posts", app::posts::purge_deleted_posts(&state)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(finished = n, "purge-deleted-posts"),
            Err(e) => tracing::error!(error = %e.message, "purge-deleted-posts failed"),
        }
        match app::routes::as_event_function("send-broadcasts", app::notifications::send_broadcasts(&state)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(notifications = n, "send-broadcasts"),
            Err(e) => tracing::error!(error = %e.message, "send-broadcasts failed"),
        }
        match app::routes::as_event_function("end-pk-battles", app::rooms::end_pk_battles(&state)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(settled = n, "end-pk-battles"),
            Err(e) => tracing::error!(error = %e.message, "end-pk-battles failed"),
        }
        match app::routes::as_event_function("expire-bonus-coins", app::wallet::expire_bonus_coins(&state, state.now()))
            .await
        {
            Ok(r) if r.accounts == 0 => {}
            Ok(r) => tracing::info!(accounts = r.accounts, coins = r.expired_coins, "expire-bonus-coins"),
            Err(e) => tracing::error!(error = %e.message, "expire-bonus-coins failed"),
        }
        match app::routes::as_event_function("remind-vip-ends", app::rewards::remind_vip_ends(&state, state.now()))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(reminded = n, "remind-vip-ends"),
            Err(e) => tracing::error!(error = %e.message, "remind-vip-ends failed"),
        }
        match app::routes::as_event_function("sweep-events", app::operations::sweep(&state)).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(applied = n, "sweep-events applied events the stream had not"),
            Err(e) => tracing::error!(error = %e.message, "sweep-events failed"),
        }
        if let Err(e) = app::rooms::roll_up_viewers(&state).await {
            tracing::error!(error = %e.message, "rolling up viewer counts failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_secret_serves_only_on_loopback() {
        let at = |a: &str| a.parse::<SocketAddr>().unwrap();
        let local = LOCAL_JWT_SECRET.as_bytes();
        assert!(check_listen(&at("127.0.0.1:3000"), local).is_ok());
        assert!(check_listen(&at("[::1]:3000"), local).is_ok());
        assert!(check_listen(&at("0.0.0.0:3000"), local).unwrap_err().contains("JWT_SECRET"));
        assert!(check_listen(&at("[::]:3000"), local).is_err());
        assert!(check_listen(&at("0.0.0.0:3000"), b"a-secret-of-my-own-0123456789abcdef").is_ok());
    }
}
