//! The routes of this domain (the table is `crate::routes`).

use super::reports;
use crate::http::routes::*;

pub static CREATE_REPORT: Route = route!(
    "create-report",
    "POST",
    "/reports",
    ANY,
    reports::create_report_http,
    Api::ok(201)
        .body(schema_of::<reports::ReportInput>)
        .returns(schema_of::<reports::ReportView>)
        .codes(&["already_reported"])
);
pub static LIST_REPORTS: Route = route!(
    "list-reports",
    "GET",
    "/admin/reports",
    ADMIN,
    reports::list_reports_http,
    Api::ok(200).list_of(schema_of::<reports::ReportView>).query(&[(
        "status",
        r#"{"type": "string", "enum": ["open", "resolved"], "default": "open"}"#,
        "open (the queue, oldest first) or resolved"
    )]),
    Needs::write()
);
pub static RESOLVE_REPORT: Route = route!(
    "resolve-report",
    "POST",
    "/admin/reports/{id}/resolve",
    ADMIN,
    reports::resolve_report_http,
    Api::ok(200)
        .body(schema_of::<reports::ResolveInput>)
        .returns(schema_of::<reports::ReportView>)
        .codes(&["report_resolved"])
);
