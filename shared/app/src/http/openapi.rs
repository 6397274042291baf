//! The OpenAPI 3.1 document, generated from the route table (paths, methods,
//! access, success statuses, pagination, Idempotency-Key, webhook signatures)
//! and the request types (`utoipa::ToSchema`, serde-aware). `make openapi`
//! writes it to `openapi.json`; a test fails when that file differs from
//! what this builds. Served at `GET /openapi.json`, rendered at `GET /docs`.

use serde_json::{Map, Value, json};

use crate::http::MAX_LIMIT;
use crate::http::routes::{Access, Route, Schemas};

/// The error body every 4xx and 5xx carries.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": false,
        "properties": {
            "error": {"type": "string", "description": "a stable code: invalid_request, unauthenticated, forbidden, banned, not_found, rate_limited, insufficient_coins, idempotency_key_reused, unavailable, or the route's own (already_following, host_busy, ...)"},
            "message": {"type": "string", "description": "what is wrong, for people"},
            "retry_after_secs": {"type": "integer", "description": "429 only: when to try again (also the Retry-After header)"},
            "price_coins": {"type": "integer", "description": "409 price_changed only: the gift's price now"},
            "payable_minor": {"type": "integer", "description": "409 insufficient_payable only: what may be withdrawn now"},
            "minimum_minor": {"type": "integer", "description": "400 below_minimum only: the smallest withdrawal"},
            "maximum_minor": {"type": "integer", "description": "409 weekly_limit only: what is left of the 7-day maximum"},
            "opens_at": {"type": "string", "format": "date-time", "description": "409 payout_account_on_hold and withdrawal_too_soon only: when it opens"}
        }
    })
}

/// The status of each route-specific error code.
pub fn status_of(code: &str) -> u16 {
    match code {
        "invalid_signature" | "invalid_code" => 400,
        "invalid_credentials" => 401,
        "insufficient_coins" | "insufficient_bonus_coins" | "coin_debt" => 402,
        "account_banned" | "blocked" | "kicked" | "muted" | "not_moderator" | "not_invitee" | "level_too_low"
        | "vip_protected" => 403,
        "slow_mode" => 429,
        "below_minimum" | "holder_mismatch" => 400,
        "idempotency_key_reused" => 422,
        _ => 409,
    }
}

/// Codes any route may answer with a status, and when.
const GENERIC: &[(u16, &str, &str)] = &[
    (400, "invalid_request", "the request is malformed or a field is invalid (the message names it)"),
    (401, "unauthenticated", "no valid access token, credentials or refresh token"),
    (402, "", "not enough coins"),
    (403, "forbidden banned", "forbidden: the caller's role may not do this; banned: the account is banned"),
    (404, "not_found", "not found (or not visible to the caller)"),
    (409, "", "a conflict with the current state; the code says which"),
    (413, "payload_too_large", "the body is over 10 MB"),
    (422, "", "the Idempotency-Key was used for a different request"),
    (429, "rate_limited", "too many requests: see Retry-After"),
    (503, "unavailable", "a race or an outage: retry after Retry-After"),
];

/// Error statuses a route can answer, each with the codes it can carry.
pub fn errors(r: &Route) -> Vec<(u16, &'static str, Vec<&'static str>)> {
    GENERIC
        .iter()
        .filter_map(|(status, generic, when)| {
            // A public route has no role to refuse.
            let generic = if *status == 403 && r.access == Access::Public { "" } else { *generic };
            let mut codes: Vec<&str> = generic.split(' ').filter(|c| !c.is_empty()).collect();
            codes.extend(r.api.codes.iter().copied().filter(|c| status_of(c) == *status));
            (!codes.is_empty()).then_some((*status, *when, codes))
        })
        .collect()
}

/// The document's groups, app-facing first: each domain's own routes, then
/// the consoles', then what providers call.
const TAGS: &[(&str, &str)] = &[
    ("accounts", "Sign-up, login, sessions, verification, recovery and the caller's profile"),
    ("social", "Profiles, follows and blocks"),
    ("catalog", "Coin packages, interests, avatars, FAQs and pages"),
    ("wallet", "Coins: the wallet, its ledger and buying coins"),
    ("purchases", "Coins bought in Google Play and the App Store"),
    ("rewards", "Levels, VIP, the daily check-in, tasks and offers: what brings users back"),
    ("gifts", "The gift catalog, sending gifts and leaderboards"),
    ("rooms", "Live rooms: going live, watching, moderation"),
    ("live", "Live channels (AppSync Events): catching up a room's or one's own messages by seq"),
    ("calls", "Paid private video calls"),
    ("presence", "Online status and Agora's channel events"),
    ("posts", "Short videos: posts, likes, comments, views, shares, uploads, audio"),
    ("notifications", "In-app notifications and push tokens"),
    ("community", "Reports"),
    ("agencies", "Host applications, agencies, their hosts and settlements"),
    ("payouts", "Getting paid: identity checks, payout accounts and withdrawals"),
    ("operations", "Stats and the host dashboard"),
    ("admin", "The admin console: users, hosts, catalogs, moderation, audit"),
    ("webhooks", "What payment providers, stores and Agora call"),
];

/// A route's group: `admin` and `webhooks` by path, else its domain. The
/// document's own routes (`/openapi.json`, `/docs`) are in none.
fn tag(r: &Route) -> Option<&'static str> {
    let first = r.path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match (first, r.domain()) {
        (_, "api") => None,
        ("admin", _) => Some("admin"),
        ("webhooks", _) => Some("webhooks"),
        (_, domain) => Some(domain),
    }
}

/// Real requests and answers, one per operation: `make examples` records
/// them from the API tests (tokens and keys replaced by placeholders).
const EXAMPLES: &str = include_str!("examples.json");

fn operation(r: &Route, defs: &mut Schemas, examples: &Value) -> Value {
    let example = &examples[r.name];
    let mut op = Map::new();
    op.insert("operationId".into(), r.name.into());
    op.insert("summary".into(), r.api.says.into());
    if let Some(t) = tag(r) {
        op.insert("tags".into(), json!([t]));
    }
    match r.access {
        Access::Public => {
            op.insert("security".into(), json!([]));
        }
        Access::Auth(roles) => {
            op.insert("security".into(), json!([{"bearer": []}]));
            let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            let who = if roles.is_empty() { "any signed-in account".to_string() } else { roles.join(" or ") };
            op.insert("description".into(), format!("Access: {who}.").into());
            op.insert("x-roles".into(), json!(roles));
        }
    }
    let mut params: Vec<Value> = r
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": path_schema(name)}))
        .collect();
    let out = (r.output)();
    if out.list {
        params.push(json!({"name": "limit", "in": "query", "required": false,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": crate::http::DEFAULT_LIMIT}}));
        params.push(json!({"name": "cursor", "in": "query", "required": false,
            "description": "`next_cursor` of the previous page", "schema": {"type": "string"}}));
    }
    for (name, schema, description) in r.api.query {
        let schema: Value = serde_json::from_str(schema).expect("a route's query schema is JSON");
        params.push(
            json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema}),
        );
    }
    if r.api.idempotent {
        params.push(json!({"name": "Idempotency-Key", "in": "header", "required": false,
            "description": "A repeat with the same key answers the first answer (24 h); the same key on another request is 422.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[!-~]+$"}}));
    }
    if let Some(header) = r.api.signature {
        params.push(json!({"name": header, "in": "header", "required": true,
            "description": "The provider's signature of the raw body", "schema": {"type": "string"}}));
    }
    if !params.is_empty() {
        op.insert("parameters".into(), params.into());
    }
    let body_schema = match (r.api.request, r.api.signature) {
        (Some(schema), _) => Some(serde_json::to_value(schema(defs)).expect("schema")),
        (None, Some(_)) => Some(json!({"type": "object", "description": "the provider's event, as it sends it"})),
        (None, None) => None,
    };
    if let Some(schema) = body_schema {
        let mut content = json!({"schema": schema});
        if !example["request"].is_null() {
            content["example"] = example["request"].clone();
        }
        op.insert(
            "requestBody".into(),
            json!({"required": !r.api.optional_body, "content": {"application/json": content}}),
        );
    }
    let mut responses = Map::new();
    let body = out.response.map(|schema| serde_json::to_value(schema(defs)).expect("schema"));
    for status in std::iter::once(out.ok).chain(out.also) {
        let ok = if status == 204 {
            json!({"description": "done; no body"})
        } else if out.html {
            json!({"description": "the docs page", "content": {"text/html": {"schema": {"type": "string"}}}})
        } else if out.list && !out.whole_page {
            let items = body.clone().unwrap_or_else(|| json!({"type": "object"}));
            json!({"description": "a page", "content": {"application/json": {"schema": page_of(items)}}})
        } else {
            let schema = body.clone().unwrap_or_else(|| json!({"type": "object"}));
            let said = match (status, out.also) {
                (201, Some(_)) => "made",
                (_, Some(_)) => "nothing new made: it was there already, or a preview (the operation says which)",
                _ => "success",
            };
            json!({"description": said, "content": {"application/json": {"schema": schema}}})
        };
        let mut ok = ok;
        if example["status"] == status && !example["response"].is_null() && ok.get("content").is_some() {
            ok["content"]["application/json"]["example"] = example["response"].clone();
        }
        if status == out.ok && !r.api.links.is_empty() {
            let links: Map<String, Value> = r
                .api
                .links
                .iter()
                .map(|l| {
                    let params: Map<String, Value> =
                        l.parameters.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
                    (l.operation.to_string(), json!({"operationId": l.operation, "parameters": params}))
                })
                .collect();
            ok["links"] = links.into();
        }
        responses.insert(status.to_string(), ok);
    }
    for (status, when, codes) in errors(r) {
        let mut e = json!({
            "description": format!("{when}: {}", codes.join(", ")),
            "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Error",
                "properties": {"error": {"enum": codes}}
            }}}
        });
        if matches!(status, 429 | 503) {
            e["headers"] = json!({"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}});
        }
        // The route's own codes, as the API answered them in the tests.
        let seen: Map<String, Value> = codes
            .iter()
            .filter_map(|code| {
                let recorded = &examples["errors"][r.name][*code];
                (recorded["status"] == status).then(|| (code.to_string(), json!({"value": recorded["response"]})))
            })
            .collect();
        if !seen.is_empty() {
            e["content"]["application/json"]["examples"] = seen.into();
        }
        responses.insert(status.to_string(), e);
    }
    op.insert("responses".into(), responses.into());
    op.into()
}

/// A page of `items`: `{items, next_cursor}`.
fn page_of(items: Value) -> Value {
    json!({
        "type": "object",
        "required": ["items", "next_cursor"],
        "additionalProperties": false,
        "properties": {
            "items": {"type": "array", "items": items},
            "next_cursor": {"type": ["string", "null"], "description": "pass as `cursor` for the next page; null on the last"}
        }
    })
}

/// The whole document.
/// The OpenAPI document of `routes`, with `components` (schemas no route's
/// body names: the live channels' messages) beside theirs.
pub fn document(routes: &[&Route], components: &[crate::http::schema::BodySchema]) -> Value {
    let mut defs: Schemas = Vec::new();
    let examples: Value = serde_json::from_str(EXAMPLES).expect("examples.json is JSON");
    let mut paths = Map::new();
    for r in routes {
        let item = paths.entry(r.path).or_insert_with(|| json!({}));
        item[r.method.to_ascii_lowercase()] = operation(r, &mut defs, &examples);
    }
    for component in components {
        component(&mut defs);
    }
    let mut schemas = Map::new();
    schemas.insert("Error".into(), error_schema());
    defs.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, schema) in defs {
        schemas.insert(name, serde_json::to_value(schema).expect("schema"));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Streamly API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The backend of the Streamly apps: accounts, wallet and coins, gifts, live rooms, paid calls, posts, agencies and admin. Errors are `{error, message}`; lists page with `limit` and `cursor`; money-moving POSTs honour `Idempotency-Key`."
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "`make run` on this machine"}],
        "tags": TAGS
            .iter()
            .filter(|(name, _)| routes.iter().any(|r| tag(r) == Some(name)))
            .map(|(name, description)| json!({"name": name, "description": description}))
            .collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "`access_token` from /auth/login or /auth/register (15 minutes); renew with /auth/refresh"}}
        }
    })
}

/// A path parameter's schema: an id's pattern (`validate::id`), or the words it takes.
fn path_schema(name: &str) -> Value {
    use crate::kernel::vocab::{BOARDS, PAGE_SLUGS};
    match name {
        "slug" => json!({"type": "string", "enum": PAGE_SLUGS}),
        "kind" => json!({"type": "string", "enum": BOARDS}),
        _ => json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "description": "an id"}),
    }
}

/// A self-contained viewer: no script or style from anywhere but this page.
pub const DOCS_PAGE: &str = include_str!("docs.html");
