//! The one route table: the Lambdas, the dev server, the consistency test and
//! the docs all read it. One name per function everywhere.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use store::Role;
use utoipa::ToSchema;
use utoipa::openapi::{Ref, RefOr, schema::Schema};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply};
use crate::masterdata::{self, Avatar, Faq, Interest};
use crate::{
    AppState, accounts, admin, agencies, audios, blocks, calls, gifts, leaderboards, media, moderation, notify,
    openapi, packages, posts, presence, push, recharges, reports, rooms, social, stats, stores, views, wallet,
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
    /// What the OpenAPI document says beyond the above (`crate::openapi`).
    pub api: Api,
}

/// Schemas by name: a body's own and those it refers to.
pub type Schemas = Vec<(String, RefOr<Schema>)>;
/// Registers a body type's schemas and answers a reference to it.
pub type BodySchema = fn(&mut Schemas) -> RefOr<Schema>;

/// `BodySchema` of a serde type with a derived `ToSchema`.
pub fn schema_of<T: ToSchema>(defs: &mut Schemas) -> RefOr<Schema> {
    T::schemas(defs);
    defs.push((T::name().into_owned(), T::schema()));
    Ref::from_schema_name(T::name()).into()
}

/// A route's contract beyond method, path and access: its success status,
/// body, and habits (pagination, Idempotency-Key, a webhook's signature).
#[derive(Clone, Copy)]
pub struct Api {
    pub ok: u16,
    /// A second success status (e.g. 200 when a room already runs).
    pub also: Option<u16>,
    pub request: Option<BodySchema>,
    /// The success body (of a list: each item); untyped answers say `object`.
    pub response: Option<BodySchema>,
    /// The body may be left out (defaults apply).
    pub optional_body: bool,
    /// `limit` and `cursor` in, `{items, next_cursor}` out.
    pub list: bool,
    /// `response` is the whole page (a list with more than items and cursor).
    pub whole_page: bool,
    pub idempotent: bool,
    /// A webhook: the provider's signature header.
    pub signature: Option<&'static str>,
    /// OpenAPI links from the success answer to the operations it leads to.
    pub links: &'static [Link],
    /// Error codes of its own (`already_following`, `host_busy`, ...) beside
    /// the generic ones every route may answer (`crate::openapi`).
    pub codes: &'static [&'static str],
    /// The answer is an HTML page, not JSON (the API docs).
    pub html: bool,
    /// Query parameters beside `limit` and `cursor`: (name, JSON schema, description).
    pub query: &'static [(&'static str, &'static str, &'static str)],
}

/// An OpenAPI link: `operation` (a route name) with its parameters taken from
/// this answer, e.g. `("id", "$response.body#/id")`. Schemathesis's stateful
/// phase follows them (register → follow → gift).
#[derive(Clone, Copy)]
pub struct Link {
    pub operation: &'static str,
    pub parameters: &'static [(&'static str, &'static str)],
}

/// Links to operations whose `{id}` is the answer's `pointer`.
macro_rules! links_by_id {
    ($pointer:literal: $($op:literal),+) => {
        &[$(Link { operation: $op, parameters: &[("id", $pointer)] }),+]
    };
}

impl Api {
    pub const fn ok(status: u16) -> Api {
        Api {
            ok: status,
            also: None,
            request: None,
            response: None,
            optional_body: false,
            list: false,
            whole_page: false,
            idempotent: false,
            signature: None,
            links: &[],
            codes: &[],
            html: false,
            query: &[],
        }
    }
    pub const fn html(mut self) -> Api {
        self.html = true;
        self
    }
    pub const fn query(mut self, params: &'static [(&'static str, &'static str, &'static str)]) -> Api {
        self.query = params;
        self
    }
    pub const fn codes(mut self, codes: &'static [&'static str]) -> Api {
        self.codes = codes;
        self
    }
    pub const fn links(mut self, links: &'static [Link]) -> Api {
        self.links = links;
        self
    }
    pub const fn body(mut self, schema: BodySchema) -> Api {
        self.request = Some(schema);
        self
    }
    pub const fn returns(mut self, schema: BodySchema) -> Api {
        self.response = Some(schema);
        self
    }
    /// A page of `schema` items.
    pub const fn list_of(mut self, schema: BodySchema) -> Api {
        self.list = true;
        self.response = Some(schema);
        self
    }
    /// A page whose body is `schema` as a whole.
    pub const fn page(mut self, schema: BodySchema) -> Api {
        self.list = true;
        self.whole_page = true;
        self.response = Some(schema);
        self
    }
    pub const fn optional_body(mut self) -> Api {
        self.optional_body = true;
        self
    }
    pub const fn also(mut self, status: u16) -> Api {
        self.also = Some(status);
        self
    }
    pub const fn list(mut self) -> Api {
        self.list = true;
        self
    }
    pub const fn idempotent(mut self) -> Api {
        self.idempotent = true;
        self
    }
    pub const fn signed(mut self, header: &'static str) -> Api {
        self.signature = Some(header);
        self
    }
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
    ($name:literal, $method:literal, $path:literal, $access:expr, $f:path, $api:expr) => {{
        fn h<'a>(s: &'a AppState, c: &'a Ctx) -> Pin<Box<dyn Future<Output = ApiResult<Reply>> + Send + 'a>> {
            Box::pin($f(s, c))
        }
        Route { name: $name, method: $method, path: $path, access: $access, handler: h, api: $api }
    }};
}

pub static ROUTES: &[Route] = &[
    route!("get-openapi", "GET", "/openapi.json", Access::Public, openapi::get_openapi_http, Api::ok(200)),
    route!("get-docs", "GET", "/docs", Access::Public, openapi::get_docs_http, Api::ok(200).html()),
    route!(
        "register",
        "POST",
        "/auth/register",
        Access::Public,
        accounts::register_http,
        Api::ok(201).body(schema_of::<accounts::RegisterInput>).returns(schema_of::<accounts::SessionView>).links(links_by_id!("$response.body#/user/id": "get-user", "follow-user", "send-gift", "list-user-posts", "list-followers")).codes(&["account_exists"])
    ),
    route!(
        "login",
        "POST",
        "/auth/login",
        Access::Public,
        accounts::login_http,
        Api::ok(200).body(schema_of::<accounts::LoginInput>).returns(schema_of::<accounts::SessionView>).codes(&["invalid_credentials", "account_banned"])
    ),
    route!(
        "refresh-token",
        "POST",
        "/auth/refresh",
        Access::Public,
        accounts::refresh_http,
        Api::ok(200).body(schema_of::<accounts::RefreshInput>).returns(schema_of::<accounts::SessionView>).codes(&["account_banned"])
    ),
    route!(
        "logout",
        "POST",
        "/auth/logout",
        ANY,
        accounts::logout_http,
        Api::ok(204).body(schema_of::<accounts::RefreshInput>)
    ),
    route!(
        "forgot-password",
        "POST",
        "/auth/password/forgot",
        Access::Public,
        accounts::forgot_password_http,
        Api::ok(202).body(schema_of::<accounts::ForgotInput>).returns(schema_of::<accounts::Accepted>)
    ),
    route!(
        "reset-password",
        "POST",
        "/auth/password/reset",
        Access::Public,
        accounts::reset_password_http,
        Api::ok(204).body(schema_of::<accounts::ResetInput>).codes(&["invalid_code"])
    ),
    route!("get-me", "GET", "/me", ANY, accounts::get_me_http, Api::ok(200).returns(schema_of::<views::Me>)),
    route!(
        "update-me",
        "PATCH",
        "/me",
        ANY,
        accounts::update_me_http,
        Api::ok(200).body(schema_of::<accounts::UpdateMeInput>).returns(schema_of::<views::Me>)
    ),
    route!(
        "put-push-token",
        "PUT",
        "/me/push-token",
        ANY,
        accounts::put_push_token_http,
        Api::ok(204).body(schema_of::<accounts::PushTokenInput>)
    ),
    route!(
        "get-user",
        "GET",
        "/users/{id}",
        ANY,
        social::get_user_http,
        Api::ok(200).returns(schema_of::<views::Profile>)
    ),
    route!(
        "follow-user",
        "POST",
        "/users/{id}/follow",
        ANY,
        social::follow_http,
        Api::ok(201).returns(schema_of::<social::Followed>).links(links_by_id!("$response.body#/followee_id": "unfollow-user", "list-followers")).codes(&["already_following", "blocked"])
    ),
    route!("unfollow-user", "DELETE", "/users/{id}/follow", ANY, social::unfollow_http, Api::ok(204)),
    route!(
        "block-user",
        "POST",
        "/users/{id}/block",
        ANY,
        blocks::block_user_http,
        Api::ok(201).also(200).returns(schema_of::<blocks::Blocked>).links(links_by_id!("$response.body#/blocked_id": "unblock-user"))
    ),
    route!("unblock-user", "DELETE", "/users/{id}/block", ANY, blocks::unblock_user_http, Api::ok(204)),
    route!(
        "list-blocks",
        "GET",
        "/me/blocks",
        ANY,
        blocks::list_blocks_http,
        Api::ok(200).list_of(schema_of::<blocks::BlockedAccount>)
    ),
    route!(
        "create-report",
        "POST",
        "/reports",
        ANY,
        reports::create_report_http,
        Api::ok(201).body(schema_of::<reports::ReportInput>).returns(schema_of::<reports::ReportView>).codes(&["already_reported"])
    ),
    route!(
        "list-reports",
        "GET",
        "/admin/reports",
        ADMIN,
        reports::list_reports_http,
        Api::ok(200).list_of(schema_of::<reports::ReportView>).query(&[("status", r#"{"type": "string", "enum": ["open", "resolved"], "default": "open"}"#, "open (the queue, oldest first) or resolved")])
    ),
    route!(
        "resolve-report",
        "POST",
        "/admin/reports/{id}/resolve",
        ADMIN,
        reports::resolve_report_http,
        Api::ok(200).body(schema_of::<reports::ResolveInput>).returns(schema_of::<reports::ReportView>).codes(&["report_resolved"])
    ),
    route!(
        "list-followers",
        "GET",
        "/users/{id}/followers",
        ANY,
        social::list_followers_http,
        Api::ok(200).list_of(schema_of::<views::AccountSummary>)
    ),
    route!(
        "list-following",
        "GET",
        "/users/{id}/following",
        ANY,
        social::list_following_http,
        Api::ok(200).list_of(schema_of::<views::AccountSummary>)
    ),
    route!(
        "get-wallet",
        "GET",
        "/me/wallet",
        ANY,
        wallet::get_wallet_http,
        Api::ok(200).returns(schema_of::<views::Wallet>)
    ),
    route!(
        "list-transactions",
        "GET",
        "/me/transactions",
        ANY,
        wallet::list_transactions_http,
        Api::ok(200).list_of(schema_of::<views::LedgerLine>)
    ),
    route!(
        "list-gifts",
        "GET",
        "/gifts",
        Access::Public,
        gifts::list_gifts_http,
        Api::ok(200).list_of(schema_of::<gifts::GiftView>)
    ),
    route!(
        "create-gift",
        "POST",
        "/admin/gifts",
        ADMIN,
        gifts::create_gift_http,
        Api::ok(201).body(schema_of::<gifts::GiftInput>).returns(schema_of::<gifts::GiftView>).links(links_by_id!("$response.body#/id": "update-gift", "delete-gift"))
    ),
    route!(
        "update-gift",
        "PATCH",
        "/admin/gifts/{id}",
        ADMIN,
        gifts::update_gift_http,
        Api::ok(200).body(schema_of::<gifts::GiftInput>).returns(schema_of::<gifts::GiftView>)
    ),
    route!("delete-gift", "DELETE", "/admin/gifts/{id}", ADMIN, gifts::delete_gift_http, Api::ok(204)),
    route!(
        "send-gift",
        "POST",
        "/users/{id}/gifts",
        ANY,
        gifts::send_gift_http,
        Api::ok(201).idempotent().body(schema_of::<gifts::SendGiftInput>).returns(schema_of::<gifts::GiftSent>).codes(&["insufficient_coins", "coin_debt", "idempotency_key_reused", "room_ended", "gift_retired", "balance_changed", "blocked"])
    ),
    route!(
        "list-coin-packages",
        "GET",
        "/coin-packages",
        Access::Public,
        packages::list_coin_packages_http,
        Api::ok(200).list_of(schema_of::<packages::PackageView>)
    ),
    route!(
        "create-coin-package",
        "POST",
        "/admin/coin-packages",
        ADMIN,
        packages::create_coin_package_http,
        Api::ok(201).body(schema_of::<packages::PackageInput>).returns(schema_of::<packages::PackageView>).links(links_by_id!("$response.body#/id": "update-coin-package", "delete-coin-package")).codes(&["product_id_taken"])
    ),
    route!(
        "update-coin-package",
        "PATCH",
        "/admin/coin-packages/{id}",
        ADMIN,
        packages::update_coin_package_http,
        Api::ok(200).body(schema_of::<packages::PackageInput>).returns(schema_of::<packages::PackageView>).codes(&["product_id_taken"])
    ),
    route!(
        "delete-coin-package",
        "DELETE",
        "/admin/coin-packages/{id}",
        ADMIN,
        packages::delete_coin_package_http,
        Api::ok(204)
    ),
    route!(
        "create-recharge",
        "POST",
        "/recharges",
        ANY,
        recharges::create_recharge_http,
        Api::ok(201).codes(&["package_retired", "idempotency_key_reused"])
            .idempotent()
            .body(schema_of::<recharges::RechargeInput>)
            .returns(schema_of::<recharges::RechargeView>)
    ),
    route!(
        "stripe-webhook",
        "POST",
        "/webhooks/stripe",
        Access::Public,
        recharges::stripe_webhook_http,
        Api::ok(200).signed("Stripe-Signature").returns(schema_of::<recharges::WebhookAnswer>).codes(&["invalid_signature"])
    ),
    route!(
        "razorpay-webhook",
        "POST",
        "/webhooks/razorpay",
        Access::Public,
        recharges::razorpay_webhook_http,
        Api::ok(200).signed("X-Razorpay-Signature").returns(schema_of::<recharges::WebhookAnswer>).codes(&["invalid_signature"])
    ),
    route!(
        "create-google-recharge",
        "POST",
        "/recharges/google",
        ANY,
        stores::google_recharge_http,
        Api::ok(201)
            .also(200)
            .body(schema_of::<stores::GoogleRechargeInput>)
            .returns(schema_of::<recharges::RechargeView>)
            .codes(&["purchase_pending", "purchase_cancelled", "test_purchase", "purchase_not_yours", "wrong_product", "purchase_claimed"])
    ),
    route!(
        "create-apple-recharge",
        "POST",
        "/recharges/apple",
        ANY,
        stores::apple_recharge_http,
        Api::ok(201)
            .also(200)
            .body(schema_of::<stores::AppleRechargeInput>)
            .returns(schema_of::<recharges::RechargeView>)
            .codes(&["purchase_cancelled", "purchase_not_yours", "wrong_product", "purchase_claimed", "purchase_unverified"])
    ),
    route!(
        "apple-webhook",
        "POST",
        "/webhooks/apple",
        Access::Public,
        stores::apple_webhook_http,
        Api::ok(200).returns(schema_of::<recharges::WebhookAnswer>).codes(&["invalid_signature"])
    ),
    route!(
        "google-webhook",
        "POST",
        "/webhooks/google",
        Access::Public,
        stores::google_webhook_http,
        Api::ok(200).signed("Authorization").returns(schema_of::<recharges::WebhookAnswer>)
    ),
    route!(
        "agora-webhook",
        "POST",
        "/webhooks/agora",
        Access::Public,
        presence::agora_webhook_http,
        Api::ok(200).signed("Agora-Signature-V2").returns(schema_of::<recharges::WebhookAnswer>).codes(&["invalid_signature"])
    ),
    route!(
        "grant-coins",
        "POST",
        "/admin/users/{id}/coins",
        ADMIN,
        wallet::grant_coins_http,
        Api::ok(201).idempotent().body(schema_of::<wallet::GrantInput>).returns(schema_of::<wallet::Granted>).codes(&["insufficient_coins", "idempotency_key_reused"])
    ),
    route!(
        "start-room",
        "POST",
        "/rooms",
        HOST,
        rooms::start_room_http,
        Api::ok(201).links(links_by_id!("$response.body#/room/id": "get-room", "end-room"))
            .also(200)
            .optional_body()
            .body(schema_of::<rooms::StartRoomInput>)
            .returns(schema_of::<rooms::RoomStarted>)
    ),
    route!(
        "end-room",
        "POST",
        "/rooms/{id}/end",
        ANY,
        rooms::end_room_http,
        Api::ok(200).returns(schema_of::<rooms::RoomView>)
    ),
    route!(
        "list-rooms",
        "GET",
        "/rooms",
        ANY,
        rooms::list_rooms_http,
        Api::ok(200).list_of(schema_of::<rooms::RoomView>)
    ),
    route!(
        "get-room",
        "GET",
        "/rooms/{id}",
        ANY,
        rooms::get_room_http,
        Api::ok(200).returns(schema_of::<rooms::RoomView>)
    ),
    route!(
        "join-room",
        "POST",
        "/rooms/{id}/join",
        ANY,
        rooms::join_room_http,
        Api::ok(200).returns(schema_of::<rooms::RoomJoined>).codes(&["room_ended", "blocked", "kicked"])
    ),
    route!("leave-room", "POST", "/rooms/{id}/leave", ANY, rooms::leave_room_http, Api::ok(204)),
    route!(
        "get-leaderboard",
        "GET",
        "/leaderboards/{kind}",
        ANY,
        leaderboards::get_leaderboard_http,
        Api::ok(200).returns(schema_of::<leaderboards::Leaderboard>).query(&[
            ("period", r#"{"type": "string", "enum": ["day", "week", "all"]}"#, "day (UTC, the default), week (ISO, UTC) or all; a room's board is all"),
            ("room_id", r#"{"type": "string"}"#, "a room's board over its life"),
        ])
    ),
    route!(
        "kick-viewer",
        "POST",
        "/rooms/{id}/kick",
        ANY,
        moderation::kick_viewer_http,
        Api::ok(200).body(schema_of::<moderation::KickInput>).returns(schema_of::<moderation::Kicked>).codes(&["not_moderator", "room_ended"])
    ),
    route!(
        "mute-viewer",
        "POST",
        "/rooms/{id}/mute",
        ANY,
        moderation::mute_viewer_http,
        Api::ok(200).body(schema_of::<moderation::MuteInput>).returns(schema_of::<moderation::Muted>).codes(&["not_moderator", "room_ended"])
    ),
    route!(
        "unmute-viewer",
        "POST",
        "/rooms/{id}/unmute",
        ANY,
        moderation::unmute_viewer_http,
        Api::ok(204).body(schema_of::<moderation::ModeratorInput>).codes(&["not_moderator", "room_ended"])
    ),
    route!(
        "put-call-settings",
        "PUT",
        "/host/call-settings",
        HOST,
        calls::put_call_settings_http,
        Api::ok(200).body(schema_of::<calls::CallSettingsInput>).returns(schema_of::<calls::CallSettings>)
    ),
    route!(
        "add-moderator",
        "POST",
        "/host/moderators",
        HOST,
        moderation::add_moderator_http,
        Api::ok(201).also(200).body(schema_of::<moderation::ModeratorInput>).returns(schema_of::<moderation::ModeratorView>).codes(&["too_many_moderators"])
    ),
    route!("remove-moderator", "DELETE", "/host/moderators/{id}", HOST, moderation::remove_moderator_http, Api::ok(204)),
    route!(
        "list-moderators",
        "GET",
        "/host/moderators",
        HOST,
        moderation::list_moderators_http,
        Api::ok(200).list_of(schema_of::<moderation::ModeratorView>)
    ),
    route!(
        "start-call",
        "POST",
        "/calls",
        ANY,
        calls::start_call_http,
        Api::ok(201).idempotent().body(schema_of::<calls::StartCallInput>).returns(schema_of::<calls::CallView>).links(links_by_id!("$response.body#/id": "get-call", "cancel-call")).codes(&["insufficient_coins", "coin_debt", "idempotency_key_reused", "host_offline", "host_busy", "caller_busy", "blocked"])
    ),
    route!(
        "cancel-call",
        "POST",
        "/calls/{id}/cancel",
        ANY,
        calls::cancel_call_http,
        Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_ringing"])
    ),
    route!(
        "decline-call",
        "POST",
        "/calls/{id}/decline",
        ANY,
        calls::decline_call_http,
        Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_ringing"])
    ),
    route!(
        "accept-call",
        "POST",
        "/calls/{id}/accept",
        ANY,
        calls::accept_call_http,
        Api::ok(200).idempotent().returns(schema_of::<calls::AcceptedCall>).codes(&["call_not_ringing", "host_busy", "caller_busy", "caller_banned", "insufficient_coins", "coin_debt", "idempotency_key_reused"])
    ),
    route!(
        "call-heartbeat",
        "POST",
        "/calls/{id}/heartbeat",
        ANY,
        calls::call_heartbeat_http,
        Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_active"])
    ),
    route!(
        "end-call",
        "POST",
        "/calls/{id}/end",
        ANY,
        calls::end_call_http,
        Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_active"])
    ),
    route!(
        "get-call",
        "GET",
        "/calls/{id}",
        ANY,
        calls::get_call_http,
        Api::ok(200).returns(schema_of::<calls::CallView>)
    ),
    route!(
        "list-my-calls",
        "GET",
        "/me/calls",
        ANY,
        calls::list_my_calls_http,
        Api::ok(200).list_of(schema_of::<calls::CallView>)
    ),
    route!(
        "create-upload",
        "POST",
        "/uploads",
        ANY,
        media::create_upload_http,
        Api::ok(201).body(schema_of::<media::UploadInput>).returns(schema_of::<media::Upload>)
    ),
    route!(
        "create-post",
        "POST",
        "/posts",
        ANY,
        posts::create_post_http,
        Api::ok(201).body(schema_of::<posts::PostInput>).returns(schema_of::<posts::PostView>).links(links_by_id!("$response.body#/id": "get-post", "like-post", "create-comment", "list-comments", "view-post", "share-post", "delete-post"))
    ),
    route!(
        "get-post",
        "GET",
        "/posts/{id}",
        ANY,
        posts::get_post_http,
        Api::ok(200).returns(schema_of::<posts::PostView>)
    ),
    route!(
        "list-user-posts",
        "GET",
        "/users/{id}/posts",
        ANY,
        posts::list_user_posts_http,
        Api::ok(200).list_of(schema_of::<posts::PostView>)
    ),
    route!("get-feed", "GET", "/feed", ANY, posts::get_feed_http, Api::ok(200).list_of(schema_of::<posts::PostView>)),
    route!("delete-post", "DELETE", "/posts/{id}", ANY, posts::delete_post_http, Api::ok(204)),
    route!(
        "like-post",
        "POST",
        "/posts/{id}/like",
        ANY,
        posts::like_post_http,
        Api::ok(201).returns(schema_of::<posts::Liked>).codes(&["already_liked"])
    ),
    route!("unlike-post", "DELETE", "/posts/{id}/like", ANY, posts::unlike_post_http, Api::ok(204)),
    route!(
        "create-comment",
        "POST",
        "/posts/{id}/comments",
        ANY,
        posts::create_comment_http,
        Api::ok(201).body(schema_of::<posts::CommentInput>).returns(schema_of::<posts::CommentView>).links(&[Link { operation: "delete-comment", parameters: &[("id", "$response.body#/post_id"), ("comment_id", "$response.body#/id")] }]).codes(&["blocked"])
    ),
    route!(
        "list-comments",
        "GET",
        "/posts/{id}/comments",
        ANY,
        posts::list_comments_http,
        Api::ok(200).list_of(schema_of::<posts::CommentView>)
    ),
    route!(
        "delete-comment",
        "DELETE",
        "/posts/{id}/comments/{comment_id}",
        ANY,
        posts::delete_comment_http,
        Api::ok(204)
    ),
    route!(
        "share-post",
        "POST",
        "/posts/{id}/share",
        ANY,
        posts::share_post_http,
        Api::ok(201).returns(schema_of::<posts::Shared>)
    ),
    route!(
        "view-post",
        "POST",
        "/posts/{id}/view",
        ANY,
        posts::view_post_http,
        Api::ok(200).returns(schema_of::<posts::Viewed>)
    ),
    route!(
        "list-audios",
        "GET",
        "/audios",
        Access::Public,
        audios::list_audios_http,
        Api::ok(200).list_of(schema_of::<audios::AudioView>)
    ),
    route!(
        "create-audio",
        "POST",
        "/admin/audios",
        ADMIN,
        audios::create_audio_http,
        Api::ok(201).body(schema_of::<audios::AudioInput>).returns(schema_of::<audios::AudioView>)
    ),
    route!(
        "update-audio",
        "PATCH",
        "/admin/audios/{id}",
        ADMIN,
        audios::update_audio_http,
        Api::ok(200).body(schema_of::<audios::AudioInput>).returns(schema_of::<audios::AudioView>)
    ),
    route!("delete-audio", "DELETE", "/admin/audios/{id}", ADMIN, audios::delete_audio_http, Api::ok(204)),
    route!(
        "list-interests",
        "GET",
        "/interests",
        Access::Public,
        masterdata::list::<Interest>,
        Api::ok(200).list_of(schema_of::<masterdata::InterestView>)
    ),
    route!(
        "create-interest",
        "POST",
        "/admin/interests",
        ADMIN,
        masterdata::create_http::<Interest>,
        Api::ok(201).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
    ),
    route!(
        "update-interest",
        "PATCH",
        "/admin/interests/{id}",
        ADMIN,
        masterdata::update_http::<Interest>,
        Api::ok(200).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
    ),
    route!(
        "delete-interest",
        "DELETE",
        "/admin/interests/{id}",
        ADMIN,
        masterdata::delete_http::<Interest>,
        Api::ok(204)
    ),
    route!(
        "list-avatars",
        "GET",
        "/avatars",
        Access::Public,
        masterdata::list::<Avatar>,
        Api::ok(200).list_of(schema_of::<masterdata::AvatarView>)
    ),
    route!(
        "create-avatar",
        "POST",
        "/admin/avatars",
        ADMIN,
        masterdata::create_http::<Avatar>,
        Api::ok(201).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
    ),
    route!(
        "update-avatar",
        "PATCH",
        "/admin/avatars/{id}",
        ADMIN,
        masterdata::update_http::<Avatar>,
        Api::ok(200).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
    ),
    route!("delete-avatar", "DELETE", "/admin/avatars/{id}", ADMIN, masterdata::delete_http::<Avatar>, Api::ok(204)),
    route!(
        "list-faqs",
        "GET",
        "/faqs",
        Access::Public,
        masterdata::list::<Faq>,
        Api::ok(200).list_of(schema_of::<masterdata::FaqView>)
    ),
    route!(
        "create-faq",
        "POST",
        "/admin/faqs",
        ADMIN,
        masterdata::create_http::<Faq>,
        Api::ok(201).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
    ),
    route!(
        "update-faq",
        "PATCH",
        "/admin/faqs/{id}",
        ADMIN,
        masterdata::update_http::<Faq>,
        Api::ok(200).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
    ),
    route!("delete-faq", "DELETE", "/admin/faqs/{id}", ADMIN, masterdata::delete_http::<Faq>, Api::ok(204)),
    route!(
        "get-page",
        "GET",
        "/pages/{slug}",
        Access::Public,
        masterdata::get_page_http,
        Api::ok(200).returns(schema_of::<masterdata::PageView>)
    ),
    route!(
        "put-page",
        "PUT",
        "/admin/pages/{slug}",
        ADMIN,
        masterdata::put_page_http,
        Api::ok(200).body(schema_of::<masterdata::PageInput>).returns(schema_of::<masterdata::PageView>)
    ),
    route!(
        "get-admin-stats",
        "GET",
        "/admin/stats",
        ADMIN,
        stats::get_admin_stats_http,
        Api::ok(200).returns(schema_of::<stats::AdminStats>).query(&[(
            "days",
            r#"{"type": "integer", "minimum": 1, "maximum": 90, "default": 30}"#,
            "days in the series, today included"
        )])
    ),
    route!(
        "list-users",
        "GET",
        "/admin/users",
        ADMIN,
        admin::list_users_http,
        Api::ok(200).list_of(schema_of::<admin::AdminAccount>).query(&[(
            "q",
            r#"{"type": "string"}"#,
            "an e-mail or phone number finds that account; other text (up to 50 characters) is a name prefix"
        )])
    ),
    route!(
        "get-user-admin",
        "GET",
        "/admin/users/{id}",
        ADMIN,
        admin::get_user_admin_http,
        Api::ok(200).returns(schema_of::<admin::AdminAccount>)
    ),
    route!(
        "list-user-transactions-admin",
        "GET",
        "/admin/users/{id}/transactions",
        ADMIN,
        wallet::list_user_transactions_admin_http,
        Api::ok(200).list_of(schema_of::<views::LedgerLine>)
    ),
    route!(
        "ban-user",
        "POST",
        "/admin/users/{id}/ban",
        ADMIN,
        admin::ban_user_http,
        Api::ok(200).body(schema_of::<admin::BanInput>).returns(schema_of::<admin::AdminAccount>)
    ),
    route!(
        "unban-user",
        "POST",
        "/admin/users/{id}/unban",
        ADMIN,
        admin::unban_user_http,
        Api::ok(200).returns(schema_of::<admin::AdminAccount>)
    ),
    route!(
        "list-hosts",
        "GET",
        "/admin/hosts",
        ADMIN,
        admin::list_hosts_http,
        Api::ok(200).list_of(schema_of::<admin::AdminAccount>)
    ),
    route!(
        "list-audit",
        "GET",
        "/admin/audit",
        ADMIN,
        admin::list_audit_http,
        Api::ok(200).list_of(schema_of::<admin::AuditView>)
    ),
    route!(
        "list-agencies",
        "GET",
        "/admin/agencies",
        ADMIN,
        agencies::list_agencies_http,
        Api::ok(200).list_of(schema_of::<agencies::AgencyView>)
    ),
    route!(
        "create-agency",
        "POST",
        "/admin/agencies",
        ADMIN,
        agencies::create_agency_http,
        Api::ok(201).body(schema_of::<agencies::AgencyInput>).returns(schema_of::<agencies::AgencyView>).links(links_by_id!("$response.body#/id": "update-agency", "create-agency-settlement", "delete-agency")).codes(&["owner_not_user", "code_taken"])
    ),
    route!(
        "update-agency",
        "PATCH",
        "/admin/agencies/{id}",
        ADMIN,
        agencies::update_agency_http,
        Api::ok(200).body(schema_of::<agencies::AgencyChanges>).returns(schema_of::<agencies::AgencyView>).codes(&["code_taken"])
    ),
    route!("delete-agency", "DELETE", "/admin/agencies/{id}", ADMIN, agencies::delete_agency_http, Api::ok(204).codes(&["agency_has_hosts"])),
    route!(
        "create-agency-settlement",
        "POST",
        "/admin/agencies/{id}/settlements",
        ADMIN,
        agencies::create_agency_settlement_http,
        Api::ok(201).optional_body().body(schema_of::<agencies::SettleInput>).returns(schema_of::<agencies::BatchView>).codes(&["nothing_to_settle"])
    ),
    route!(
        "create-host-settlement-admin",
        "POST",
        "/admin/hosts/{id}/settlements",
        ADMIN,
        agencies::create_admin_host_settlement_http,
        Api::ok(201).codes(&["nothing_to_settle", "host_in_agency"])
            .optional_body()
            .body(schema_of::<agencies::SettleInput>)
            .returns(schema_of::<agencies::SettlementView>)
    ),
    route!(
        "list-settlements",
        "GET",
        "/admin/settlements",
        ADMIN,
        agencies::list_settlements_http,
        Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
    ),
    route!(
        "list-host-applications",
        "GET",
        "/admin/host-applications",
        ADMIN,
        agencies::list_host_applications_http,
        Api::ok(200).list_of(schema_of::<agencies::ApplicationView>)
    ),
    route!(
        "create-host-application",
        "POST",
        "/host-applications",
        ANY,
        agencies::create_host_application_http,
        Api::ok(201).body(schema_of::<agencies::ApplicationInput>).returns(schema_of::<agencies::ApplicationView>).codes(&["cannot_apply", "application_pending"])
    ),
    route!(
        "get-my-host-application",
        "GET",
        "/host-applications/me",
        ANY,
        agencies::get_my_host_application_http,
        Api::ok(200).returns(schema_of::<agencies::ApplicationView>)
    ),
    route!(
        "get-agency",
        "GET",
        "/agency",
        AGENCY,
        agencies::get_agency_http,
        Api::ok(200).returns(schema_of::<agencies::AgencyView>)
    ),
    route!(
        "list-agency-host-applications",
        "GET",
        "/agency/host-applications",
        AGENCY,
        agencies::list_agency_host_applications_http,
        Api::ok(200).list_of(schema_of::<agencies::ApplicationView>)
    ),
    route!(
        "approve-host-application",
        "POST",
        "/agency/host-applications/{id}/approve",
        AGENCY_OR_ADMIN,
        agencies::approve_host_application_http,
        Api::ok(200).returns(schema_of::<agencies::ApplicationView>).codes(&["cannot_host", "application_not_pending"])
    ),
    route!(
        "reject-host-application",
        "POST",
        "/agency/host-applications/{id}/reject",
        AGENCY_OR_ADMIN,
        agencies::reject_host_application_http,
        Api::ok(200).body(schema_of::<agencies::RejectInput>).returns(schema_of::<agencies::ApplicationView>).codes(&["application_not_pending"])
    ),
    route!(
        "list-agency-hosts",
        "GET",
        "/agency/hosts",
        AGENCY,
        agencies::list_agency_hosts_http,
        Api::ok(200).list_of(schema_of::<agencies::HostRow>)
    ),
    route!(
        "remove-agency-host",
        "DELETE",
        "/agency/hosts/{id}",
        AGENCY,
        agencies::remove_agency_host_http,
        Api::ok(204)
    ),
    route!(
        "create-host-settlement",
        "POST",
        "/agency/hosts/{id}/settlements",
        AGENCY,
        agencies::create_host_settlement_http,
        Api::ok(201).codes(&["nothing_to_settle"])
            .optional_body()
            .body(schema_of::<agencies::SettleInput>)
            .returns(schema_of::<agencies::SettlementView>)
    ),
    route!(
        "list-agency-settlements",
        "GET",
        "/agency/settlements",
        AGENCY,
        agencies::list_agency_settlements_http,
        Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
    ),
    route!(
        "list-my-settlements",
        "GET",
        "/host/settlements",
        HOST,
        agencies::list_my_settlements_http,
        Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
    ),
    route!(
        "get-host-dashboard",
        "GET",
        "/host/dashboard",
        HOST,
        agencies::get_host_dashboard_http,
        Api::ok(200).returns(schema_of::<agencies::Dashboard>)
    ),
    route!(
        "list-notifications",
        "GET",
        "/me/notifications",
        ANY,
        notify::list_notifications_http,
        Api::ok(200).page(schema_of::<notify::NotificationsPage>)
    ),
    route!(
        "mark-notifications-read",
        "POST",
        "/me/notifications/read",
        ANY,
        notify::mark_notifications_read_http,
        Api::ok(200).optional_body().body(schema_of::<notify::ReadInput>).returns(schema_of::<notify::Unread>)
    ),
    route!(
        "get-chat-token",
        "POST",
        "/me/chat-token",
        ANY,
        push::get_chat_token_http,
        Api::ok(200).returns(schema_of::<push::ChatToken>)
    ),
];

pub static EVENT_FUNCTIONS: &[EventFunction] = &[
    EventFunction { name: "bootstrap-admin", trigger: Trigger::Manual },
    EventFunction { name: "call-tick", trigger: Trigger::Schedule("rate(1 minute)") },
    EventFunction { name: "purge-deleted-posts", trigger: Trigger::Schedule("rate(10 minutes)") },
    EventFunction { name: "consume-purchases", trigger: Trigger::Schedule("rate(10 minutes)") },
    EventFunction { name: "sync-voided-purchases", trigger: Trigger::Schedule("rate(1 day)") },
    EventFunction { name: "reconcile", trigger: Trigger::Schedule("cron(30 * * * ? *)") },
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
