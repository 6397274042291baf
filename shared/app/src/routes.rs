//! The one route table: the Lambdas, the dev server, the consistency test and
//! the docs all read it. One name per function everywhere.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use store::Role;

use crate::error::ApiResult;
use crate::http::{Ctx, Reply};
use crate::masterdata::{self, Avatar, Faq, Interest};
use crate::{
    AppState, accounts, admin, agencies, audios, calls, gifts, media, notify, packages, posts, push, recharges, rooms,
    social, wallet,
};

pub type Handler = for<'a> fn(&'a AppState, &'a Ctx) -> Pin<Box<dyn Future<Output = ApiResult<Reply>> + Send + 'a>>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Access {
    Public,
    /// A valid access token with one of these roles; empty means any role.
    Auth(&'static [Role]),
}

pub const ANY: Access = Access::Auth(&[]);
pub const ADMIN: Access = Access::Auth(&[Role::Admin]);
pub const HOST: Access = Access::Auth(&[Role::Host]);
pub const AGENCY: Access = Access::Auth(&[Role::Agency]);
pub const AGENCY_OR_ADMIN: Access = Access::Auth(&[Role::Agency, Role::Admin]);

pub struct Route {
    pub name: &'static str,
    pub method: &'static str,
    /// API Gateway's path syntax: `/users/{id}/follow`.
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

/// Functions without an HTTP route: invoked by hand, by a schedule, or by the table's stream.
pub struct EventFunction {
    pub name: &'static str,
    pub trigger: Trigger,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trigger {
    Manual,
    /// An EventBridge schedule: `rate(1 minute)`.
    Schedule(&'static str),
    /// New items on the table's DynamoDB stream.
    TableStream,
}

macro_rules! route {
    ($name:literal, $method:literal, $path:literal, $access:expr, $f:path) => {{
        fn h<'a>(s: &'a AppState, c: &'a Ctx) -> Pin<Box<dyn Future<Output = ApiResult<Reply>> + Send + 'a>> {
            Box::pin($f(s, c))
        }
        Route { name: $name, method: $method, path: $path, access: $access, handler: h }
    }};
}

pub static ROUTES: &[Route] = &[
    route!("register", "POST", "/auth/register", Access::Public, accounts::register_http),
    route!("login", "POST", "/auth/login", Access::Public, accounts::login_http),
    route!("refresh-token", "POST", "/auth/refresh", Access::Public, accounts::refresh_http),
    route!("logout", "POST", "/auth/logout", ANY, accounts::logout_http),
    route!("forgot-password", "POST", "/auth/password/forgot", Access::Public, accounts::forgot_password_http),
    route!("reset-password", "POST", "/auth/password/reset", Access::Public, accounts::reset_password_http),
    route!("get-me", "GET", "/me", ANY, accounts::get_me_http),
    route!("update-me", "PATCH", "/me", ANY, accounts::update_me_http),
    route!("put-push-token", "PUT", "/me/push-token", ANY, accounts::put_push_token_http),
    route!("get-user", "GET", "/users/{id}", ANY, social::get_user_http),
    route!("follow-user", "POST", "/users/{id}/follow", ANY, social::follow_http),
    route!("unfollow-user", "DELETE", "/users/{id}/follow", ANY, social::unfollow_http),
    route!("list-followers", "GET", "/users/{id}/followers", ANY, social::list_followers_http),
    route!("list-following", "GET", "/users/{id}/following", ANY, social::list_following_http),
    route!("get-wallet", "GET", "/me/wallet", ANY, wallet::get_wallet_http),
    route!("list-transactions", "GET", "/me/transactions", ANY, wallet::list_transactions_http),
    route!("list-gifts", "GET", "/gifts", Access::Public, gifts::list_gifts_http),
    route!("create-gift", "POST", "/admin/gifts", ADMIN, gifts::create_gift_http),
    route!("update-gift", "PATCH", "/admin/gifts/{id}", ADMIN, gifts::update_gift_http),
    route!("delete-gift", "DELETE", "/admin/gifts/{id}", ADMIN, gifts::delete_gift_http),
    route!("send-gift", "POST", "/users/{id}/gifts", ANY, gifts::send_gift_http),
    route!("list-coin-packages", "GET", "/coin-packages", Access::Public, packages::list_coin_packages_http),
    route!("create-coin-package", "POST", "/admin/coin-packages", ADMIN, packages::create_coin_package_http),
    route!("update-coin-package", "PATCH", "/admin/coin-packages/{id}", ADMIN, packages::update_coin_package_http),
    route!("delete-coin-package", "DELETE", "/admin/coin-packages/{id}", ADMIN, packages::delete_coin_package_http),
    route!("create-recharge", "POST", "/recharges", ANY, recharges::create_recharge_http),
    route!("stripe-webhook", "POST", "/webhooks/stripe", Access::Public, recharges::stripe_webhook_http),
    route!("razorpay-webhook", "POST", "/webhooks/razorpay", Access::Public, recharges::razorpay_webhook_http),
    route!("grant-coins", "POST", "/admin/users/{id}/coins", ADMIN, wallet::grant_coins_http),
    route!("start-room", "POST", "/rooms", HOST, rooms::start_room_http),
    route!("end-room", "POST", "/rooms/{id}/end", ANY, rooms::end_room_http),
    route!("list-rooms", "GET", "/rooms", ANY, rooms::list_rooms_http),
    route!("get-room", "GET", "/rooms/{id}", ANY, rooms::get_room_http),
    route!("join-room", "POST", "/rooms/{id}/join", ANY, rooms::join_room_http),
    route!("leave-room", "POST", "/rooms/{id}/leave", ANY, rooms::leave_room_http),
    route!("put-call-settings", "PUT", "/host/call-settings", HOST, calls::put_call_settings_http),
    route!("start-call", "POST", "/calls", ANY, calls::start_call_http),
    route!("cancel-call", "POST", "/calls/{id}/cancel", ANY, calls::cancel_call_http),
    route!("decline-call", "POST", "/calls/{id}/decline", ANY, calls::decline_call_http),
    route!("accept-call", "POST", "/calls/{id}/accept", ANY, calls::accept_call_http),
    route!("call-heartbeat", "POST", "/calls/{id}/heartbeat", ANY, calls::call_heartbeat_http),
    route!("end-call", "POST", "/calls/{id}/end", ANY, calls::end_call_http),
    route!("get-call", "GET", "/calls/{id}", ANY, calls::get_call_http),
    route!("list-my-calls", "GET", "/me/calls", ANY, calls::list_my_calls_http),
    route!("create-upload", "POST", "/uploads", ANY, media::create_upload_http),
    route!("create-post", "POST", "/posts", ANY, posts::create_post_http),
    route!("get-post", "GET", "/posts/{id}", ANY, posts::get_post_http),
    route!("list-user-posts", "GET", "/users/{id}/posts", ANY, posts::list_user_posts_http),
    route!("get-feed", "GET", "/feed", ANY, posts::get_feed_http),
    route!("delete-post", "DELETE", "/posts/{id}", ANY, posts::delete_post_http),
    route!("like-post", "POST", "/posts/{id}/like", ANY, posts::like_post_http),
    route!("unlike-post", "DELETE", "/posts/{id}/like", ANY, posts::unlike_post_http),
    route!("create-comment", "POST", "/posts/{id}/comments", ANY, posts::create_comment_http),
    route!("list-comments", "GET", "/posts/{id}/comments", ANY, posts::list_comments_http),
    route!("delete-comment", "DELETE", "/posts/{id}/comments/{comment_id}", ANY, posts::delete_comment_http),
    route!("share-post", "POST", "/posts/{id}/share", ANY, posts::share_post_http),
    route!("view-post", "POST", "/posts/{id}/view", ANY, posts::view_post_http),
    route!("list-audios", "GET", "/audios", Access::Public, audios::list_audios_http),
    route!("create-audio", "POST", "/admin/audios", ADMIN, audios::create_audio_http),
    route!("update-audio", "PATCH", "/admin/audios/{id}", ADMIN, audios::update_audio_http),
    route!("delete-audio", "DELETE", "/admin/audios/{id}", ADMIN, audios::delete_audio_http),
    route!("list-interests", "GET", "/interests", Access::Public, masterdata::list::<Interest>),
    route!("create-interest", "POST", "/admin/interests", ADMIN, masterdata::create_http::<Interest>),
    route!("update-interest", "PATCH", "/admin/interests/{id}", ADMIN, masterdata::update_http::<Interest>),
    route!("delete-interest", "DELETE", "/admin/interests/{id}", ADMIN, masterdata::delete_http::<Interest>),
    route!("list-avatars", "GET", "/avatars", Access::Public, masterdata::list::<Avatar>),
    route!("create-avatar", "POST", "/admin/avatars", ADMIN, masterdata::create_http::<Avatar>),
    route!("update-avatar", "PATCH", "/admin/avatars/{id}", ADMIN, masterdata::update_http::<Avatar>),
    route!("delete-avatar", "DELETE", "/admin/avatars/{id}", ADMIN, masterdata::delete_http::<Avatar>),
    route!("list-faqs", "GET", "/faqs", Access::Public, masterdata::list::<Faq>),
    route!("create-faq", "POST", "/admin/faqs", ADMIN, masterdata::create_http::<Faq>),
    route!("update-faq", "PATCH", "/admin/faqs/{id}", ADMIN, masterdata::update_http::<Faq>),
    route!("delete-faq", "DELETE", "/admin/faqs/{id}", ADMIN, masterdata::delete_http::<Faq>),
    route!("get-page", "GET", "/pages/{slug}", Access::Public, masterdata::get_page_http),
    route!("put-page", "PUT", "/admin/pages/{slug}", ADMIN, masterdata::put_page_http),
    route!("list-users", "GET", "/admin/users", ADMIN, admin::list_users_http),
    route!("get-user-admin", "GET", "/admin/users/{id}", ADMIN, admin::get_user_admin_http),
    route!("ban-user", "POST", "/admin/users/{id}/ban", ADMIN, admin::ban_user_http),
    route!("unban-user", "POST", "/admin/users/{id}/unban", ADMIN, admin::unban_user_http),
    route!("list-hosts", "GET", "/admin/hosts", ADMIN, admin::list_hosts_http),
    route!("list-audit", "GET", "/admin/audit", ADMIN, admin::list_audit_http),
    route!("list-agencies", "GET", "/admin/agencies", ADMIN, agencies::list_agencies_http),
    route!("create-agency", "POST", "/admin/agencies", ADMIN, agencies::create_agency_http),
    route!("update-agency", "PATCH", "/admin/agencies/{id}", ADMIN, agencies::update_agency_http),
    route!("delete-agency", "DELETE", "/admin/agencies/{id}", ADMIN, agencies::delete_agency_http),
    route!(
        "create-agency-settlement",
        "POST",
        "/admin/agencies/{id}/settlements",
        ADMIN,
        agencies::create_agency_settlement_http
    ),
    route!(
        "create-host-settlement-admin",
        "POST",
        "/admin/hosts/{id}/settlements",
        ADMIN,
        agencies::create_admin_host_settlement_http
    ),
    route!("list-settlements", "GET", "/admin/settlements", ADMIN, agencies::list_settlements_http),
    route!("list-host-applications", "GET", "/admin/host-applications", ADMIN, agencies::list_host_applications_http),
    route!("create-host-application", "POST", "/host-applications", ANY, agencies::create_host_application_http),
    route!("get-my-host-application", "GET", "/host-applications/me", ANY, agencies::get_my_host_application_http),
    route!("get-agency", "GET", "/agency", AGENCY, agencies::get_agency_http),
    route!(
        "list-agency-host-applications",
        "GET",
        "/agency/host-applications",
        AGENCY,
        agencies::list_agency_host_applications_http
    ),
    route!(
        "approve-host-application",
        "POST",
        "/agency/host-applications/{id}/approve",
        AGENCY_OR_ADMIN,
        agencies::approve_host_application_http
    ),
    route!(
        "reject-host-application",
        "POST",
        "/agency/host-applications/{id}/reject",
        AGENCY_OR_ADMIN,
        agencies::reject_host_application_http
    ),
    route!("list-agency-hosts", "GET", "/agency/hosts", AGENCY, agencies::list_agency_hosts_http),
    route!("remove-agency-host", "DELETE", "/agency/hosts/{id}", AGENCY, agencies::remove_agency_host_http),
    route!(
        "create-host-settlement",
        "POST",
        "/agency/hosts/{id}/settlements",
        AGENCY,
        agencies::create_host_settlement_http
    ),
    route!("list-agency-settlements", "GET", "/agency/settlements", AGENCY, agencies::list_agency_settlements_http),
    route!("list-my-settlements", "GET", "/host/settlements", HOST, agencies::list_my_settlements_http),
    route!("get-host-dashboard", "GET", "/host/dashboard", HOST, agencies::get_host_dashboard_http),
    route!("list-notifications", "GET", "/me/notifications", ANY, notify::list_notifications_http),
    route!("mark-notifications-read", "POST", "/me/notifications/read", ANY, notify::mark_notifications_read_http),
    route!("get-chat-token", "POST", "/me/chat-token", ANY, push::get_chat_token_http),
];

pub static EVENT_FUNCTIONS: &[EventFunction] = &[
    EventFunction { name: "bootstrap-admin", trigger: Trigger::Manual },
    EventFunction { name: "call-tick", trigger: Trigger::Schedule("rate(1 minute)") },
    EventFunction { name: "purge-deleted-posts", trigger: Trigger::Schedule("rate(10 minutes)") },
    EventFunction { name: "send-push", trigger: Trigger::TableStream },
];

pub fn by_name(name: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.name == name)
}

/// Matches a request path against the table (as API Gateway does): literal
/// segments beat `{params}`. Answers the route and its path parameters.
pub fn find(method: &str, path: &str) -> Option<(&'static Route, HashMap<String, String>)> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static Route, HashMap<String, String>)> = None;
    for route in ROUTES.iter().filter(|r| r.method.eq_ignore_ascii_case(method)) {
        let pattern: Vec<&str> = route.path.split('/').collect();
        if pattern.len() != segs.len() {
            continue;
        }
        let mut params = HashMap::new();
        let mut literals = 0;
        let matched = pattern.iter().zip(&segs).all(|(p, s)| {
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                params.insert(name.to_string(), s.to_string());
                !s.is_empty()
            } else {
                literals += 1;
                p == s
            }
        });
        if matched && best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, route, params));
        }
    }
    best.map(|(_, r, p)| (r, p))
}
