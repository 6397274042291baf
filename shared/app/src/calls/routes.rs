//! The routes of this domain (the table is `crate::routes`).

use super::{admin, call};
use crate::http::routes::*;

pub static PUT_CALL_SETTINGS: Route = route!(
    "put-call-settings",
    "PUT",
    "/host/call-settings",
    HOST,
    call::put_call_settings_http,
    Api::new()
        .says("A host sets their price per minute and goes online or offline")
        .body(schema_of::<call::CallSettingsInput>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static START_CALL: Route = route!(
    "start-call",
    "POST",
    "/calls",
    ANY,
    call::start_call_http,
    Api::new()
        .says("Rings a host for a paid private call")
        .idempotent()
        .body(schema_of::<call::StartCallInput>)
        .links(links_by_id!("$response.body#/id": "get-call", "cancel-call"))
        .codes(&[
            "insufficient_coins",
            "coin_debt",
            "idempotency_key_reused",
            "host_offline",
            "host_busy",
            "caller_busy",
            "blocked"
        ]),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Audit,
        Family::Call,
        Family::Idempotency,
        Family::Settings
    ])
);
pub static CANCEL_CALL: Route = route!(
    "cancel-call",
    "POST",
    "/calls/{id}/cancel",
    ANY,
    call::cancel_call_http,
    Api::new().says("The caller hangs up while the call still rings").codes(&["call_not_ringing"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Call])
);
pub static DECLINE_CALL: Route = route!(
    "decline-call",
    "POST",
    "/calls/{id}/decline",
    ANY,
    call::decline_call_http,
    Api::new().says("The host declines a ringing call").codes(&["call_not_ringing"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Call])
);
pub static ACCEPT_CALL: Route = route!(
    "accept-call",
    "POST",
    "/calls/{id}/accept",
    ANY,
    call::accept_call_http,
    Api::new().says("The host accepts a ringing call; billing starts and both get Agora tokens").idempotent().codes(&[
        "call_not_ringing",
        "host_busy",
        "caller_busy",
        "caller_banned",
        "insufficient_coins",
        "coin_debt",
        "idempotency_key_reused"
    ]),
    Needs::write().secrets(&[Secret::AgoraTokens]).keys(&[Family::Account, Family::Audit, Family::Call, Family::Event])
);
pub static CALL_HEARTBEAT: Route = route!(
    "call-heartbeat",
    "POST",
    "/calls/{id}/heartbeat",
    ANY,
    call::call_heartbeat_http,
    Api::new().says("Keeps an active call alive; a call without heartbeats is ended").codes(&["call_not_active"]),
    Needs::write().secrets(&[Secret::AgoraTokens]).keys(&[Family::Account, Family::Audit, Family::Call])
);
pub static END_CALL: Route = route!(
    "end-call",
    "POST",
    "/calls/{id}/end",
    ANY,
    call::end_call_http,
    Api::new().says("Either party ends an active call; the minute begun is billed").codes(&["call_not_active"]),
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Call,
        Family::Event,
        Family::Events
    ])
);
pub static GET_CALL: Route = route!(
    "get-call",
    "GET",
    "/calls/{id}",
    ANY,
    call::get_call_http,
    Api::new().says("One call the caller takes part in, with its state and minutes"),
    Needs::read().secrets(&[Secret::AgoraTokens]).keys(&[Family::Account, Family::Call])
);
pub static LIST_MY_CALLS: Route = route!(
    "list-my-calls",
    "GET",
    "/me/calls",
    ANY,
    call::list_my_calls_http,
    Api::new().says("The caller's calls, made or received, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Call])
);
pub static LIST_CALLS_ADMIN: Route = route!(
    "list-calls-admin",
    "GET",
    "/admin/calls",
    ADMIN,
    admin::list_calls_admin_http,
    Api::new().says("Lists the calls in progress, or a day's calls with what was charged and refunded").query(&[
        (
            "state",
            r#"{"type": "string", "enum": ["ringing", "cancelled", "declined", "missed", "active", "ended"]}"#,
            "active: every call in progress, whatever day it began; otherwise only the day's calls in this state"
        ),
        ("day", r#"{"type": "string", "format": "date"}"#, "the UTC day they began (today by default)"),
    ]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Calls]).indexes(&[&GSI1, &GSI3])
);
