//! The one route table: the Lambdas, the dev server, the consistency test and
//! the docs all read it. One name per function everywhere. Each domain keeps
//! its routes beside its use cases; this file only gathers them.

use std::collections::HashMap;

use crate::AppState;
use crate::http::routes::{Access, Api, route};
use crate::http::{Ctx, Reply};
use crate::kernel::error::ApiResult;

pub use crate::accounts::routes::*;
pub use crate::agencies::routes::*;
pub use crate::calls::routes::*;
pub use crate::catalog::routes::*;
pub use crate::community::routes::*;
pub use crate::gifts::routes::*;
pub use crate::http::routes::{EventFunction, Route, Trigger};
pub use crate::notifications::routes::*;
pub use crate::operations::routes::*;
pub use crate::posts::routes::*;
pub use crate::presence::routes::*;
pub use crate::rooms::routes::*;
pub use crate::social::routes::*;
pub use crate::stores::routes::*;
pub use crate::wallet::routes::*;

// Each route is a static of its own: a function binary names only its
// own (`run_http(&routes::SEND_GIFT)`), so the linker drops the others.
pub static GET_OPENAPI: Route =
    route!("get-openapi", "GET", "/openapi.json", Access::Public, get_openapi_http, Api::ok(200));
pub static GET_DOCS: Route = route!("get-docs", "GET", "/docs", Access::Public, get_docs_http, Api::ok(200).html());

/// The OpenAPI document of every route.
pub async fn get_openapi_http(_state: &AppState, _ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::ok(crate::http::openapi::document(ROUTES)))
}

pub async fn get_docs_http(_state: &AppState, _ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::html(crate::http::openapi::DOCS_PAGE))
}

/// Every HTTP route (the dev server, the document, the consistency test).
pub static ROUTES: &[&Route] = &[
    &GET_OPENAPI,
    &GET_DOCS,
    &REGISTER,
    &LOGIN,
    &REFRESH_TOKEN,
    &LOGOUT,
    &FORGOT_PASSWORD,
    &RESET_PASSWORD,
    &GET_ME,
    &SEND_VERIFICATION,
    &VERIFY,
    &CHANGE_EMAIL,
    &CHANGE_PHONE,
    &UPDATE_ME,
    &PUT_PUSH_TOKEN,
    &GET_USER,
    &FOLLOW_USER,
    &UNFOLLOW_USER,
    &BLOCK_USER,
    &UNBLOCK_USER,
    &LIST_BLOCKS,
    &CREATE_REPORT,
    &LIST_REPORTS,
    &RESOLVE_REPORT,
    &LIST_FOLLOWERS,
    &LIST_FOLLOWING,
    &GET_WALLET,
    &LIST_TRANSACTIONS,
    &LIST_GIFTS,
    &CREATE_GIFT,
    &UPDATE_GIFT,
    &DELETE_GIFT,
    &SEND_GIFT,
    &LIST_COIN_PACKAGES,
    &CREATE_COIN_PACKAGE,
    &UPDATE_COIN_PACKAGE,
    &DELETE_COIN_PACKAGE,
    &CREATE_RECHARGE,
    &STRIPE_WEBHOOK,
    &RAZORPAY_WEBHOOK,
    &CREATE_GOOGLE_RECHARGE,
    &CREATE_APPLE_RECHARGE,
    &APPLE_WEBHOOK,
    &GOOGLE_WEBHOOK,
    &AGORA_WEBHOOK,
    &GRANT_COINS,
    &START_ROOM,
    &END_ROOM,
    &LIST_ROOMS,
    &GET_ROOM,
    &JOIN_ROOM,
    &LEAVE_ROOM,
    &GET_LEADERBOARD,
    &KICK_VIEWER,
    &MUTE_VIEWER,
    &UNMUTE_VIEWER,
    &PUT_CALL_SETTINGS,
    &ADD_MODERATOR,
    &REMOVE_MODERATOR,
    &LIST_MODERATORS,
    &START_CALL,
    &CANCEL_CALL,
    &DECLINE_CALL,
    &ACCEPT_CALL,
    &CALL_HEARTBEAT,
    &END_CALL,
    &GET_CALL,
    &LIST_MY_CALLS,
    &CREATE_UPLOAD,
    &CREATE_POST,
    &GET_POST,
    &LIST_USER_POSTS,
    &GET_FEED,
    &DELETE_POST,
    &LIKE_POST,
    &UNLIKE_POST,
    &CREATE_COMMENT,
    &LIST_COMMENTS,
    &DELETE_COMMENT,
    &SHARE_POST,
    &VIEW_POST,
    &LIST_AUDIOS,
    &CREATE_AUDIO,
    &UPDATE_AUDIO,
    &DELETE_AUDIO,
    &LIST_INTERESTS,
    &CREATE_INTEREST,
    &UPDATE_INTEREST,
    &DELETE_INTEREST,
    &LIST_AVATARS,
    &CREATE_AVATAR,
    &UPDATE_AVATAR,
    &DELETE_AVATAR,
    &LIST_FAQS,
    &CREATE_FAQ,
    &UPDATE_FAQ,
    &DELETE_FAQ,
    &GET_PAGE,
    &PUT_PAGE,
    &GET_ADMIN_STATS,
    &LIST_USERS,
    &GET_USER_ADMIN,
    &LIST_USER_TRANSACTIONS_ADMIN,
    &BAN_USER,
    &UNBAN_USER,
    &LIST_HOSTS,
    &LIST_AUDIT,
    &LIST_AGENCIES,
    &CREATE_AGENCY,
    &REINVITE_AGENCY,
    &ACCEPT_AGENCY_INVITATION,
    &UPDATE_AGENCY,
    &DELETE_AGENCY,
    &CREATE_AGENCY_SETTLEMENT,
    &CREATE_HOST_SETTLEMENT_ADMIN,
    &LIST_SETTLEMENTS,
    &LIST_HOST_APPLICATIONS,
    &CREATE_HOST_APPLICATION,
    &GET_MY_HOST_APPLICATION,
    &GET_AGENCY,
    &LIST_AGENCY_HOST_APPLICATIONS,
    &APPROVE_HOST_APPLICATION,
    &REJECT_HOST_APPLICATION,
    &LIST_AGENCY_HOSTS,
    &REMOVE_AGENCY_HOST,
    &CREATE_HOST_SETTLEMENT,
    &LIST_AGENCY_SETTLEMENTS,
    &LIST_MY_SETTLEMENTS,
    &GET_HOST_DASHBOARD,
    &LIST_NOTIFICATIONS,
    &MARK_NOTIFICATIONS_READ,
    &GET_CHAT_TOKEN,
];

pub static EVENT_FUNCTIONS: &[EventFunction] = &[
    EventFunction { name: "bootstrap-admin", trigger: Trigger::Manual },
    EventFunction { name: "call-tick", trigger: Trigger::Schedule("rate(1 minute)") },
    EventFunction { name: "purge-deleted-posts", trigger: Trigger::Schedule("rate(10 minutes)") },
    EventFunction { name: "consume-purchases", trigger: Trigger::Schedule("rate(10 minutes)") },
    EventFunction { name: "sync-voided-purchases", trigger: Trigger::Schedule("rate(1 day)") },
    EventFunction { name: "reconcile", trigger: Trigger::Schedule("cron(30 * * * ? *)") },
    EventFunction { name: "send-push", trigger: Trigger::TableStream },
    EventFunction { name: "aggregate", trigger: Trigger::TableStream },
    EventFunction { name: "sweep-events", trigger: Trigger::Schedule("rate(5 minutes)") },
];

pub fn by_name(name: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.name == name).copied()
}

/// Matches a request path against the table (as API Gateway does).
pub fn find(method: &str, path: &str) -> Option<(&'static Route, HashMap<String, String>)> {
    crate::http::routes::find(ROUTES, method, path)
}
