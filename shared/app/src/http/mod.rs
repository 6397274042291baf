//! The HTTP adapter shared by every Lambda and the dev server: request →
//! `Ctx` (with the caller authenticated and authorised per the route table),
//! handler result → response, one log line per request.

use std::collections::HashMap;
use std::time::Instant;

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;
use store::PageKey;

use crate::kernel::auth::{Caller, verify_access_token};
use crate::kernel::cursor;
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::{AppState, DomainError};
use routes::{Access, Route};

pub mod idempotency;
pub mod limits;
pub mod openapi;
pub mod output;
pub mod routes;
pub mod schema;

pub use output::{
    Accepted, Created, CreatedOrFound, CreatedOrPreview, FreeForm, Html, Json, NoContent, Output, Page, WholePage,
};

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// What a handler gets: the parsed request and, on authenticated routes, the caller.
pub struct Ctx {
    pub params: HashMap<String, String>,
    pub query: HashMap<String, String>,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// The route's method and name (set by `dispatch`): what an Idempotency-Key is bound to.
    pub method: &'static str,
    pub route: &'static str,
    /// The client's address as API Gateway saw it (per-IP rate limits).
    pub source_ip: String,
    caller: Option<Caller>,
}

impl Ctx {
    pub fn new(
        params: HashMap<String, String>,
        query: HashMap<String, String>,
        headers: http::HeaderMap,
        body: Vec<u8>,
    ) -> Self {
        Ctx { params, query, headers, body, method: "", route: "", source_ip: "unknown".into(), caller: None }
    }

    /// The JSON body as `T`; a malformed body or a wrong field is a 400 that
    /// names the field (`name: invalid type: integer, expected a string`).
    pub fn json<T: DeserializeOwned>(&self) -> DomainResult<T> {
        // Every body is an object: serde would also take a struct from an array.
        if self.body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(DomainError::invalid("body: a JSON object is required"));
        }
        self.parsed()
    }

    /// The JSON body as a list `T` (a table sent whole, `[{…}, …]`), as `json` names what is wrong.
    pub fn json_list<T: DeserializeOwned>(&self) -> DomainResult<T> {
        if self.body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'[') {
            return Err(DomainError::invalid("body: a JSON array is required"));
        }
        self.parsed()
    }

    fn parsed<T: DeserializeOwned>(&self) -> DomainResult<T> {
        let de = &mut serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let what = inner.to_string();
            // serde_json appends " at line L column C"; the field path says more.
            let what = what.split(" at line ").next().unwrap_or(&what);
            if path == "." || path.is_empty() {
                DomainError::invalid(format!("body: {what}"))
            } else {
                DomainError::invalid(format!("{path}: {what}"))
            }
        })
    }

    /// Whether the JSON body names `field` at its top level (an edit that sets it).
    pub fn body_has(&self, field: &str) -> bool {
        serde_json::from_slice::<Value>(&self.body).ok().is_some_and(|v| v.get(field).is_some())
    }

    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or_default()
    }

    /// The authenticated caller; every non-public route has one.
    pub fn caller(&self) -> DomainResult<&Caller> {
        self.caller.as_ref().ok_or_else(|| DomainError::unauthenticated("sign in first"))
    }

    /// The `Idempotency-Key` header: any string of 1–64 visible characters.
    pub fn idempotency_key(&self) -> DomainResult<Option<String>> {
        let Some(v) = self.headers.get("idempotency-key") else { return Ok(None) };
        match v.to_str() {
            Ok(k) if (1..=64).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(k.to_string())),
            _ => Err(DomainError::invalid("Idempotency-Key: 1 to 64 visible ASCII characters")),
        }
    }

    /// `?limit=&cursor=` for a list whose cursors are bound to `scope`.
    pub fn page(&self, state: &AppState, scope: &str) -> DomainResult<(usize, Option<PageKey>)> {
        let limit = match self.query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(DomainError::invalid(format!("limit: must be an integer from 1 to {MAX_LIMIT}")));
                }
            },
        };
        let start = match self.query.get("cursor").filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(cursor::decode(&state.config.jwt_secret, scope, c)?),
        };
        Ok((limit, start))
    }
}

/// A list answer: `{"items": [...], "next_cursor": "…" | null}`.
pub fn list_reply<T>(state: &AppState, scope: &str, items: Vec<T>, next: Option<PageKey>) -> Page<T> {
    Page { items, next_cursor: next_cursor(state, scope, next) }
}

/// The `next_cursor` of a page: the next page's start, sealed to `scope`.
pub fn next_cursor(state: &AppState, scope: &str, next: Option<PageKey>) -> Option<String> {
    next.map(|k| cursor::encode(&state.config.jwt_secret, scope, &k))
}

/// A successful answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    /// For the audit log: what the changed resource looked like before.
    pub before: Option<Value>,
    /// An HTML page instead of JSON (the API docs).
    pub html: Option<&'static str>,
}

/// Made only here and by the typed answers (`output`), whose types the
/// document is read from.
impl Reply {
    fn new(status: u16, body: Option<Value>) -> Self {
        Reply { status, body, before: None, html: None }
    }
    fn html(page: &'static str) -> Self {
        Reply { html: Some(page), ..Self::new(200, None) }
    }
    fn ok(body: impl serde::Serialize) -> Self {
        Self::new(200, Some(crate::kernel::views::body(&body)))
    }
    fn with_before(mut self, before: impl serde::Serialize) -> Self {
        self.before = Some(crate::kernel::views::body(&before));
        self
    }
}

fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    let v = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

async fn authorize(state: &AppState, route: &Route, ctx: &mut Ctx) -> DomainResult<()> {
    let Access::Auth(roles) = route.access else {
        return Ok(());
    };
    let token =
        bearer(&ctx.headers).ok_or_else(|| DomainError::unauthenticated("Authorization: Bearer token required"))?;
    let caller = authenticate(state, token).await?;
    if !roles.is_empty() && !roles.contains(&caller.role) {
        return Err(DomainError::forbidden("your role may not do this"));
    }
    ctx.caller = Some(caller);
    Ok(())
}

/// Who an access token is: its session must still be alive (logout, reset
/// and ban end it) and its role is the account's role now, not when the
/// token was issued. The API and the live channels' authorizer alike.
pub async fn authenticate(state: &AppState, token: &str) -> DomainResult<crate::kernel::auth::Caller> {
    let mut caller = verify_access_token(&state.config, token, state.now())?;
    let st =
        standing(state, &caller).await?.ok_or_else(|| DomainError::unauthenticated("this account no longer exists"))?;
    if st.banned {
        return Err(DomainError::banned());
    }
    if !st.alive {
        return Err(DomainError::unauthenticated("this session has ended; sign in again"));
    }
    caller.role = st.role;
    Ok(caller)
}

/// The caller's session's standing: cached for a few seconds per instance.
async fn standing(state: &AppState, caller: &Caller) -> DomainResult<Option<store::Standing>> {
    let (now, ttl) = (state.now(), state.config.session_cache_ms);
    if let Some(hit) = state.sessions.get(&caller.session_id, ttl, now) {
        return Ok(hit);
    }
    let read = state.db.session_standing(&caller.id, &caller.session_id).await?;
    state.sessions.put(&caller.session_id, &caller.id, read, now);
    Ok(read)
}

/// Runs one route for a parsed request and always answers a response. Off
/// Lambda (tests, the dev server) the request may touch the table only as its
/// route's needs say, as IAM holds the function to in AWS.
pub async fn dispatch(
    state: &AppState,
    route: &'static Route,
    ctx: Ctx,
) -> (u16, Option<Value>, Option<&'static str>, Option<String>) {
    if state.config.check_table_actions {
        store::actions::within(route.name, route.needs.allowance(), run(state, route, ctx)).await
    } else {
        run(state, route, ctx).await
    }
}

async fn run(
    state: &AppState,
    route: &Route,
    mut ctx: Ctx,
) -> (u16, Option<Value>, Option<&'static str>, Option<String>) {
    (ctx.method, ctx.route) = (route.method, route.name);
    let result = match authorize(state, route, &mut ctx).await {
        Ok(()) => (route.handler)(state, &ctx).await,
        Err(e) => Err(e),
    };
    if let (Ok(reply), Some(caller)) = (&result, &ctx.caller) {
        audit(state, route, &ctx, caller, reply).await;
        // Admins and agencies ban, approve, remove and retire: what this
        // instance read of anyone's session, or of a host or gift, may be
        // stale now (other instances wait out the caches).
        if route.method != "GET" && matches!(caller.role, store::Role::Admin | store::Role::Agency) {
            state.sessions.clear();
        }
    }
    let caller = ctx.caller.map(|c| c.id);
    match result {
        Ok(r) => (r.status, r.body, r.html, caller),
        Err(e) => (status_of(e.kind), Some(error_body(&e)), None, caller),
    }
}

/// Every change an admin or an agency makes goes to the audit log: who,
/// which function, on what, the request, and the resource before and after.
async fn audit(state: &AppState, route: &Route, ctx: &Ctx, caller: &crate::kernel::auth::Caller, reply: &Reply) {
    if route.method == "GET" || !matches!(caller.role, store::Role::Admin | store::Role::Agency) {
        return;
    }
    // Long texts (pages) are cut: the log says what changed, not a copy of
    // everything; secrets are blanked: the log is read by people.
    const MAX: usize = 20_000;
    let text = |v: &Value| {
        let s = redacted(v.clone()).to_string();
        if s.len() > MAX { format!("{}…", &s[..s.floor_char_boundary(MAX)]) } else { s }
    };
    let mut path = route.path.to_string();
    for (k, v) in &ctx.params {
        path = path.replace(&format!("{{{k}}}"), v);
    }
    let now = state.now();
    let entry = store::AuditEntry {
        id: crate::kernel::ledger::entry_id(now),
        actor_id: caller.id.clone(),
        actor_role: caller.role.as_str().into(),
        action: route.name.into(),
        method: route.method.into(),
        path,
        request: serde_json::from_slice::<Value>(&ctx.body).ok().map(|v| text(&v)),
        before: reply.before.as_ref().map(text),
        after: reply.body.as_ref().map(text),
        status: reply.status,
        created_at: now,
    };
    if let Err(e) = state.db.put_audit(&entry).await {
        tracing::error!(action = route.name, error = %e, "audit write failed");
    }
}

/// Field names whose values never reach the audit log: passwords, tokens,
/// one-time codes, secrets and keys (not S3 object keys like `image_key`).
fn secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password")
        || n.contains("token")
        || n.contains("secret")
        || n == "code"
        || n == "otp"
        || n.ends_with("private_key")
        || n == "api_key"
        || n == "signature"
}

/// `v` with every secret field's value replaced by `"[redacted]"`, at any depth.
pub fn redacted(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if secret_field(&k) { Value::String("[redacted]".into()) } else { redacted(v) };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redacted).collect()),
        other => other,
    }
}

/// The Lambda entry: API Gateway's request (path parameters already matched) → response.
pub async fn handle(state: &AppState, route: &'static Route, req: Request) -> Response<Body> {
    let started = Instant::now();
    let mut ctx = Ctx::new(
        req.path_parameters().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        req.query_string_parameters().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        req.headers().clone(),
        req.body().as_ref().to_vec(),
    );
    if let Some(RequestContext::ApiGatewayV2(rc)) = req.request_context_ref()
        && let Some(ip) = &rc.http.source_ip
    {
        ctx.source_ip = ip.clone();
    }
    let (status, body, html, caller) = dispatch(state, route, ctx).await;
    if status >= 400 {
        let class = if status >= 500 { "Http5xx" } else { "Http4xx" };
        crate::kernel::metrics::emit(state, &[("Route", route.name)], &[(class, 1.0, "Count")]);
    }
    tracing::info!(
        route = route.name,
        status,
        latency_ms = started.elapsed().as_millis() as u64,
        account_id = caller.as_deref().unwrap_or("-"),
        "request"
    );
    match html {
        Some(page) => Response::builder()
            .status(status)
            .header("content-type", "text/html; charset=utf-8")
            .body(Body::Text(page.into()))
            .expect("valid response"),
        None => response(status, body),
    }
}

/// The one place a kind of error becomes an HTTP status.
pub fn status_of(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::Invalid => 400,
        ErrorKind::Unauthenticated => 401,
        ErrorKind::Payment => 402,
        ErrorKind::Forbidden => 403,
        ErrorKind::NotFound => 404,
        ErrorKind::Conflict => 409,
        ErrorKind::Unprocessable => 422,
        ErrorKind::RateLimited => 429,
        ErrorKind::Internal => 500,
        ErrorKind::Unavailable => 503,
    }
}

/// The error body every 4xx and 5xx carries: `{error, message}` (and
/// `retry_after_secs` when rate limited).
pub fn error_body(e: &DomainError) -> Value {
    let mut body = serde_json::json!({ "error": e.code, "message": e.message });
    if let Some(secs) = e.retry_after_secs {
        body["retry_after_secs"] = secs.into();
    }
    for (field, value) in &e.figures {
        body[*field] = value.clone();
    }
    body
}

pub fn response(status: u16, body: Option<Value>) -> Response<Body> {
    let mut builder = Response::builder().status(status);
    if status == 503 {
        // Every 503 here is a race or an outage that a retry a second later is likely to miss.
        builder = builder.header("retry-after", "1");
    }
    if let Some(secs) = body.as_ref().and_then(|b| b.get("retry_after_secs")).and_then(Value::as_i64) {
        builder = builder.header("retry-after", secs.to_string());
    }
    match body {
        Some(v) => builder.header("content-type", "application/json").body(Body::Text(v.to_string())),
        None => builder.body(Body::Empty),
    }
    .expect("valid response")
}

/// A webhook's answer to the provider.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookAnswer {
    /// credited, clawed_back, answered (Apple's consumption request), ignored;
    /// Agora's: applied, stale (older than an event handled), duplicate
    #[schema(schema_with = crate::kernel::vocab::webhook_outcome)]
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recharge_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coins: Option<i64>,
}
