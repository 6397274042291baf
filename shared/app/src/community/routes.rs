//! The routes of this domain (the table is `crate::routes`).

use super::reports;
use crate::http::routes::*;

pub static CREATE_REPORT: Route = route!(
    "create-report",
    "POST",
    "/reports",
    ANY,
    reports::create_report_http,
    Api::new()
        .says("Reports an account, post, comment or room to the admins")
        .body(schema_of::<reports::ReportInput>)
        .codes(&["already_reported"]),
    Needs::of_method("POST")
        .keys(&[
            Family::Account,
            Family::Audit,
            Family::CommentId,
            Family::Post,
            Family::Report,
            Family::ReportOpen,
            Family::Room,
            Family::RoomViewers
        ])
        .indexes(&[&GSI2])
);
pub static LIST_REPORTS: Route = route!(
    "list-reports",
    "GET",
    "/admin/reports",
    ADMIN,
    reports::list_reports_http,
    Api::new().says("Lists user reports by status, with who reported whom").query(&[(
        "status",
        r#"{"type": "string", "enum": ["open", "resolved"], "default": "open"}"#,
        "open (the queue, oldest first) or resolved"
    )]),
    Needs::write().keys(&[Family::Account, Family::Reports]).indexes(&[&GSI1])
);
pub static RESOLVE_REPORT: Route = route!(
    "resolve-report",
    "POST",
    "/admin/reports/{id}/resolve",
    ADMIN,
    reports::resolve_report_http,
    Api::new()
        .says("Resolves a report: dismiss, warn, remove the content or ban")
        .body(schema_of::<reports::ResolveInput>)
        .codes(&["report_resolved"]),
    // Removing a room or banning its host has Agora drop the publisher and the guests.
    Needs::write()
        .secrets(&[Secret::AgoraRest])
        .keys(&[
            Family::Account,
            Family::Audit,
            Family::FeedOf,
            Family::Post,
            Family::Report,
            Family::ReportOpen,
            Family::Room,
            Family::RoomViewers
        ])
        .indexes(&[&GSI1])
);
