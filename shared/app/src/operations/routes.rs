//! The routes of this domain (the table is `crate::routes`).

use super::{admin, stats};
use crate::http::routes::*;

pub static GET_ADMIN_STATS: Route = route!(
    "get-admin-stats",
    "GET",
    "/admin/stats",
    ADMIN,
    stats::get_admin_stats_http,
    Api::new().query(&[(
        "days",
        r#"{"type": "integer", "minimum": 1, "maximum": 90, "default": 30}"#,
        "days in the series, today included"
    )])
);
pub static LIST_USERS: Route = route!(
    "list-users",
    "GET",
    "/admin/users",
    ADMIN,
    admin::list_users_http,
    Api::new().query(&[(
        "q",
        r#"{"type": "string"}"#,
        "an e-mail or phone number finds that account; other text (up to 50 characters) is a name prefix"
    )])
);
pub static GET_USER_ADMIN: Route =
    route!("get-user-admin", "GET", "/admin/users/{id}", ADMIN, admin::get_user_admin_http, Api::new());
pub static BAN_USER: Route = route!(
    "ban-user",
    "POST",
    "/admin/users/{id}/ban",
    ADMIN,
    admin::ban_user_http,
    Api::new().body(schema_of::<admin::BanInput>),
    Needs::write().secrets(&[Secret::AgoraRest])
);
pub static UNBAN_USER: Route =
    route!("unban-user", "POST", "/admin/users/{id}/unban", ADMIN, admin::unban_user_http, Api::new());
pub static LIST_HOSTS: Route = route!("list-hosts", "GET", "/admin/hosts", ADMIN, admin::list_hosts_http, Api::new());
pub static LIST_AUDIT: Route = route!("list-audit", "GET", "/admin/audit", ADMIN, admin::list_audit_http, Api::new());
