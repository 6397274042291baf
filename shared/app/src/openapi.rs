//! The OpenAPI 3.1 document, generated from the route table (paths, methods,
//! access, success statuses, pagination, Idempotency-Key, webhook signatures)
//! and the request types (`utoipa::ToSchema`, serde-aware). `make openapi`
//! writes it to `openapi.json`; a test fails when that file differs from
//! what this builds. Served at `GET /openapi.json`, rendered at `GET /docs`.

use serde_json::{Map, Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::http::{Ctx, MAX_LIMIT, Reply};
use crate::routes::{Access, ROUTES, Route, Schemas};

/// The error body every 4xx and 5xx carries.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": false,
        "properties": {
            "error": {"type": "string", "description": "a stable code: invalid_request, unauthenticated, forbidden, not_found, rate_limited, insufficient_coins, idempotency_key_reused, unavailable, or the route's own (already_following, host_busy, ...)"},
            "message": {"type": "string", "description": "what is wrong, for people"},
            "retry_after_secs": {"type": "integer", "description": "429 only: when to try again (also the Retry-After header)"}
        }
    })
}

/// The shared error responses (`#/components/responses/E400`, ...).
fn error_responses() -> Map<String, Value> {
    let mut out = Map::new();
    for r in ROUTES {
        for (status, when) in errors(r) {
            let mut e = json!({"description": when, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
            if matches!(status, 429 | 503) {
                e["headers"] = json!({"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}});
            }
            out.insert(format!("E{status}"), e);
        }
    }
    out.sort_keys();
    out
}

/// Error statuses a route can answer, with when.
fn errors(r: &Route) -> Vec<(u16, &'static str)> {
    let mut out = vec![
        (400, "the request is malformed or a field is invalid (the message names it)"),
        (401, "no valid access token, credentials or refresh token (a webhook: no valid signature)"),
    ];
    if r.access != Access::Public {
        out.push((403, "the caller's role may not do this, or the account is banned"));
    }
    if r.api.idempotent || r.name == "send-gift" || r.name.contains("call") {
        out.push((402, "insufficient_coins"));
    }
    out.extend([
        (404, "not found (or not visible to the caller)"),
        (409, "a conflict with the current state; the code says which"),
        (413, "payload_too_large: the body is over 10 MB"),
    ]);
    if r.api.idempotent {
        out.push((422, "idempotency_key_reused: the key was used for a different request"));
    }
    out.extend([
        (429, "rate_limited: see Retry-After"),
        (503, "unavailable: a race or an outage; retry after Retry-After"),
    ]);
    out.sort();
    out
}

fn tag(path: &str) -> String {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    first.to_string()
}

fn operation(r: &Route, defs: &mut Schemas) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), r.name.into());
    op.insert("summary".into(), r.name.replace('-', " ").into());
    op.insert("tags".into(), json!([tag(r.path)]));
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
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "minLength": 1}}))
        .collect();
    if r.api.list {
        params.push(json!({"name": "limit", "in": "query", "required": false,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": crate::http::DEFAULT_LIMIT}}));
        params.push(json!({"name": "cursor", "in": "query", "required": false,
            "description": "`next_cursor` of the previous page", "schema": {"type": "string"}}));
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
        op.insert(
            "requestBody".into(),
            json!({"required": !r.api.optional_body, "content": {"application/json": {"schema": schema}}}),
        );
    }
    let mut responses = Map::new();
    let body = r.api.response.map(|schema| serde_json::to_value(schema(defs)).expect("schema"));
    for status in std::iter::once(r.api.ok).chain(r.api.also) {
        let ok = if status == 204 {
            json!({"description": "done; no body"})
        } else if r.name == "get-docs" {
            json!({"description": "the docs page", "content": {"text/html": {"schema": {"type": "string"}}}})
        } else if r.api.list && !r.api.whole_page {
            let items = body.clone().unwrap_or_else(|| json!({"type": "object"}));
            json!({"description": "a page", "content": {"application/json": {"schema": page_of(items)}}})
        } else {
            let schema = body.clone().unwrap_or_else(|| json!({"type": "object"}));
            json!({"description": "success", "content": {"application/json": {"schema": schema}}})
        };
        let mut ok = ok;
        if status == r.api.ok && !r.api.links.is_empty() {
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
    for (status, _) in errors(r) {
        responses.insert(status.to_string(), json!({"$ref": format!("#/components/responses/E{status}")}));
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
pub fn document() -> Value {
    let mut defs: Schemas = Vec::new();
    let mut paths = Map::new();
    for r in ROUTES {
        let item = paths.entry(r.path).or_insert_with(|| json!({}));
        item[r.method.to_ascii_lowercase()] = operation(r, &mut defs);
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
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": error_responses(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "`access_token` from /auth/login or /auth/register (15 minutes); renew with /auth/refresh"}}
        }
    })
}

pub async fn get_openapi_http(_state: &AppState, _ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::ok(document()))
}

/// A self-contained viewer: no script or style from anywhere but this page.
pub const DOCS_PAGE: &str = include_str!("docs.html");

pub async fn get_docs_http(_state: &AppState, _ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::html(DOCS_PAGE))
}
