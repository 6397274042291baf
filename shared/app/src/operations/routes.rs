//! The routes of this domain (the table is `crate::routes`).

use super::{admin, repair, settings, stats};
use crate::http::routes::*;

pub static GET_ADMIN_STATS: Route = route!(
    "get-admin-stats",
    "GET",
    "/admin/stats",
    ADMIN,
    stats::get_admin_stats_http,
    Api::new().says("Platform figures today, over a period and per day: coins sold, gifts, minutes, earnings").query(
        &[(
            "days",
            r#"{"type": "integer", "minimum": 1, "maximum": 90, "default": 30}"#,
            "days in the series, today included"
        )]
    ),
    Needs::of_method("GET").keys(&[Family::Account, Family::Rooms, Family::Stats]).indexes(&[&GSI3])
);
pub static LIST_USERS: Route = route!(
    "list-users",
    "GET",
    "/admin/users",
    ADMIN,
    admin::list_users_http,
    Api::new().says("Finds accounts by id, e-mail, phone or name prefix").query(&[(
        "q",
        r#"{"type": "string"}"#,
        "an account id, e-mail or phone number finds that account; other text (up to 50 characters) is a name prefix"
    )]),
    Needs::of_method("GET")
        .keys(&[Family::Account, Family::Accounts, Family::Agency, Family::Login, Family::Settings])
        .indexes(&[&GSI1])
);
pub static GET_USER_ADMIN: Route = route!(
    "get-user-admin",
    "GET",
    "/admin/users/{id}",
    ADMIN,
    admin::get_user_admin_http,
    Api::new().says("One account as admins see it: wallet, role, bans, agency"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency, Family::Settings])
);
pub static BAN_USER: Route = route!(
    "ban-user",
    "POST",
    "/admin/users/{id}/ban",
    ADMIN,
    admin::ban_user_http,
    Api::new().says("Bans an account: its sessions end, its room and calls end").body(schema_of::<admin::BanInput>),
    Needs::write().secrets(&[Secret::AgoraRest]).keys(&[
        Family::Account,
        Family::Agency,
        Family::Audit,
        Family::Battle,
        Family::Call,
        Family::Event,
        Family::Events,
        Family::Room,
        Family::RoomViewers,
        Family::Settings
    ])
);
pub static UNBAN_USER: Route = route!(
    "unban-user",
    "POST",
    "/admin/users/{id}/unban",
    ADMIN,
    admin::unban_user_http,
    Api::new().says("Lifts an account's ban"),
    Needs::of_method("POST").keys(&[Family::Account, Family::Agency, Family::Audit, Family::Settings])
);
pub static LIST_HOSTS: Route = route!(
    "list-hosts",
    "GET",
    "/admin/hosts",
    ADMIN,
    admin::list_hosts_http,
    Api::new().says("Lists hosts with their agency, earnings and call price"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Agency, Family::Hosts, Family::Settings]).indexes(&[&GSI2])
);
pub static LIST_AUDIT: Route = route!(
    "list-audit",
    "GET",
    "/admin/audit",
    ADMIN,
    admin::list_audit_http,
    Api::new().says("Lists admin and agency actions, newest first, with before and after").query(&[
        ("actor", r#"{"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}"#, "only this account's actions"),
        ("action", r#"{"type": "string", "pattern": "^[a-z-]{1,64}$"}"#, "only this function's, e.g. ban-user"),
        ("from", r#"{"type": "string", "format": "date"}"#, "from this UTC day on"),
        ("to", r#"{"type": "string", "format": "date"}"#, "up to this UTC day, included"),
    ]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Audit])
);
pub static GET_SETTINGS: Route = route!(
    "get-settings",
    "GET",
    "/admin/settings",
    ADMIN,
    settings::get_settings_http,
    Api::new().says("The run-time settings: the PK winner's bonus and a room owner's share"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_SETTINGS: Route = route!(
    "put-settings",
    "PUT",
    "/admin/settings",
    ADMIN,
    settings::put_settings_http,
    Api::new()
        .says("Changes the PK winner's bonus or a room owner's share of gifts to guests")
        .body(schema_of::<settings::SettingsChanges>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static REDRIVE: Route = route!(
    "redrive",
    "POST",
    "/admin/redrive",
    ADMIN,
    repair::redrive_http,
    Api::new()
        .says("Replays batches the aggregator gave up on, from its dead-letter queue (safe to repeat)")
        .optional_body()
        .body(schema_of::<repair::RedriveInput>),
    // The batch's records come back off the table's stream.
    Needs::write().reads_from(&[Queue::AggregateDeadLetters]).reads_stream().timeout(29).keys(&[
        Family::Account,
        Family::Audit,
        Family::Board,
        Family::Event,
        Family::Events,
        Family::Settings,
        Family::Stats
    ])
);
pub static RECOUNT: Route = route!(
    "recount",
    "POST",
    "/admin/recount",
    ADMIN,
    repair::recount_http,
    Api::new()
        .says("Counts a post's, an account's or a room's counters again from what they count, and sets them")
        .body(schema_of::<repair::RecountInput>),
    Needs::write()
        .timeout(29)
        .keys(&[
            Family::Account,
            Family::Audit,
            Family::Events,
            Family::Followers,
            Family::Post,
            Family::PostsBy,
            Family::Room
        ])
        .indexes(&[&GSI1, &GSI2])
);
