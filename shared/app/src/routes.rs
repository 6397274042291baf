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

// Each route is a static of its own: a function binary names only its
// own (`run_http(&routes::SEND_GIFT)`), so the linker drops the others.
pub static GET_OPENAPI: Route =
    route!("get-openapi", "GET", "/openapi.json", Access::Public, openapi::get_openapi_http, Api::ok(200));
pub static GET_DOCS: Route =
    route!("get-docs", "GET", "/docs", Access::Public, openapi::get_docs_http, Api::ok(200).html());
pub static REGISTER: Route = route!(
        "register",
        "POST",
        "/auth/register",
        Access::Public,
        accounts::register_http,
        Api::ok(201).body(schema_of::<accounts::RegisterInput>).returns(schema_of::<accounts::SessionView>).links(links_by_id!("$response.body#/user/id": "get-user", "follow-user", "send-gift", "list-user-posts", "list-followers")).codes(&["account_exists"])
    );
pub static LOGIN: Route = route!(
    "login",
    "POST",
    "/auth/login",
    Access::Public,
    accounts::login_http,
    Api::ok(200)
        .body(schema_of::<accounts::LoginInput>)
        .returns(schema_of::<accounts::SessionView>)
        .codes(&["invalid_credentials", "account_banned"])
);
pub static REFRESH_TOKEN: Route = route!(
    "refresh-token",
    "POST",
    "/auth/refresh",
    Access::Public,
    accounts::refresh_http,
    Api::ok(200)
        .body(schema_of::<accounts::RefreshInput>)
        .returns(schema_of::<accounts::SessionView>)
        .codes(&["account_banned"])
);
pub static LOGOUT: Route = route!(
    "logout",
    "POST",
    "/auth/logout",
    ANY,
    accounts::logout_http,
    Api::ok(204).body(schema_of::<accounts::RefreshInput>)
);
pub static FORGOT_PASSWORD: Route = route!(
    "forgot-password",
    "POST",
    "/auth/password/forgot",
    Access::Public,
    accounts::forgot_password_http,
    Api::ok(202).body(schema_of::<accounts::ForgotInput>).returns(schema_of::<accounts::Accepted>)
);
pub static RESET_PASSWORD: Route = route!(
    "reset-password",
    "POST",
    "/auth/password/reset",
    Access::Public,
    accounts::reset_password_http,
    Api::ok(204).body(schema_of::<accounts::ResetInput>).codes(&["invalid_code"])
);
pub static GET_ME: Route =
    route!("get-me", "GET", "/me", ANY, accounts::get_me_http, Api::ok(200).returns(schema_of::<views::Me>));
pub static SEND_VERIFICATION: Route = route!(
    "send-verification",
    "POST",
    "/me/verification",
    ANY,
    accounts::send_verification_http,
    Api::ok(202)
        .body(schema_of::<accounts::VerificationInput>)
        .returns(schema_of::<accounts::VerificationSent>)
        .codes(&["no_address", "already_verified"])
);
pub static VERIFY: Route = route!(
    "verify",
    "POST",
    "/me/verification/confirm",
    ANY,
    accounts::verify_http,
    Api::ok(200)
        .body(schema_of::<accounts::VerifyInput>)
        .returns(schema_of::<accounts::Verified>)
        .codes(&["invalid_code"])
);
pub static CHANGE_EMAIL: Route = route!(
    "change-email",
    "PUT",
    "/me/email",
    ANY,
    accounts::change_email_http,
    Api::ok(202)
        .body(schema_of::<accounts::NewAddressInput>)
        .returns(schema_of::<accounts::VerificationSent>)
        .codes(&["account_exists", "already_yours"])
);
pub static CHANGE_PHONE: Route = route!(
    "change-phone",
    "PUT",
    "/me/phone",
    ANY,
    accounts::change_phone_http,
    Api::ok(202)
        .body(schema_of::<accounts::NewAddressInput>)
        .returns(schema_of::<accounts::VerificationSent>)
        .codes(&["account_exists", "already_yours"])
);
pub static UPDATE_ME: Route = route!(
    "update-me",
    "PATCH",
    "/me",
    ANY,
    accounts::update_me_http,
    Api::ok(200).body(schema_of::<accounts::UpdateMeInput>).returns(schema_of::<views::Me>)
);
pub static PUT_PUSH_TOKEN: Route = route!(
    "put-push-token",
    "PUT",
    "/me/push-token",
    ANY,
    accounts::put_push_token_http,
    Api::ok(204).body(schema_of::<accounts::PushTokenInput>)
);
pub static GET_USER: Route = route!(
    "get-user",
    "GET",
    "/users/{id}",
    ANY,
    social::get_user_http,
    Api::ok(200).returns(schema_of::<views::Profile>)
);
pub static FOLLOW_USER: Route = route!(
    "follow-user",
    "POST",
    "/users/{id}/follow",
    ANY,
    social::follow_http,
    Api::ok(201)
        .returns(schema_of::<social::Followed>)
        .links(links_by_id!("$response.body#/followee_id": "unfollow-user", "list-followers"))
        .codes(&["already_following", "blocked"])
);
pub static UNFOLLOW_USER: Route =
    route!("unfollow-user", "DELETE", "/users/{id}/follow", ANY, social::unfollow_http, Api::ok(204));
pub static BLOCK_USER: Route = route!(
    "block-user",
    "POST",
    "/users/{id}/block",
    ANY,
    blocks::block_user_http,
    Api::ok(201)
        .also(200)
        .returns(schema_of::<blocks::Blocked>)
        .links(links_by_id!("$response.body#/blocked_id": "unblock-user"))
);
pub static UNBLOCK_USER: Route =
    route!("unblock-user", "DELETE", "/users/{id}/block", ANY, blocks::unblock_user_http, Api::ok(204));
pub static LIST_BLOCKS: Route = route!(
    "list-blocks",
    "GET",
    "/me/blocks",
    ANY,
    blocks::list_blocks_http,
    Api::ok(200).list_of(schema_of::<blocks::BlockedAccount>)
);
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
    )])
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
pub static LIST_FOLLOWERS: Route = route!(
    "list-followers",
    "GET",
    "/users/{id}/followers",
    ANY,
    social::list_followers_http,
    Api::ok(200).list_of(schema_of::<views::AccountSummary>)
);
pub static LIST_FOLLOWING: Route = route!(
    "list-following",
    "GET",
    "/users/{id}/following",
    ANY,
    social::list_following_http,
    Api::ok(200).list_of(schema_of::<views::AccountSummary>)
);
pub static GET_WALLET: Route = route!(
    "get-wallet",
    "GET",
    "/me/wallet",
    ANY,
    wallet::get_wallet_http,
    Api::ok(200).returns(schema_of::<views::Wallet>)
);
pub static LIST_TRANSACTIONS: Route = route!(
    "list-transactions",
    "GET",
    "/me/transactions",
    ANY,
    wallet::list_transactions_http,
    Api::ok(200).list_of(schema_of::<views::LedgerLine>)
);
pub static LIST_GIFTS: Route = route!(
    "list-gifts",
    "GET",
    "/gifts",
    Access::Public,
    gifts::list_gifts_http,
    Api::ok(200).list_of(schema_of::<gifts::GiftView>)
);
pub static CREATE_GIFT: Route = route!(
    "create-gift",
    "POST",
    "/admin/gifts",
    ADMIN,
    gifts::create_gift_http,
    Api::ok(201)
        .body(schema_of::<gifts::GiftInput>)
        .returns(schema_of::<gifts::GiftView>)
        .links(links_by_id!("$response.body#/id": "update-gift", "delete-gift"))
);
pub static UPDATE_GIFT: Route = route!(
    "update-gift",
    "PATCH",
    "/admin/gifts/{id}",
    ADMIN,
    gifts::update_gift_http,
    Api::ok(200).body(schema_of::<gifts::GiftInput>).returns(schema_of::<gifts::GiftView>)
);
pub static DELETE_GIFT: Route =
    route!("delete-gift", "DELETE", "/admin/gifts/{id}", ADMIN, gifts::delete_gift_http, Api::ok(204));
pub static SEND_GIFT: Route = route!(
    "send-gift",
    "POST",
    "/users/{id}/gifts",
    ANY,
    gifts::send_gift_http,
    Api::ok(201).idempotent().body(schema_of::<gifts::SendGiftInput>).returns(schema_of::<gifts::GiftSent>).codes(&[
        "insufficient_coins",
        "coin_debt",
        "idempotency_key_reused",
        "room_ended",
        "gift_retired",
        "balance_changed",
        "blocked"
    ])
);
pub static LIST_COIN_PACKAGES: Route = route!(
    "list-coin-packages",
    "GET",
    "/coin-packages",
    Access::Public,
    packages::list_coin_packages_http,
    Api::ok(200).list_of(schema_of::<packages::PackageView>)
);
pub static CREATE_COIN_PACKAGE: Route = route!(
    "create-coin-package",
    "POST",
    "/admin/coin-packages",
    ADMIN,
    packages::create_coin_package_http,
    Api::ok(201)
        .body(schema_of::<packages::PackageInput>)
        .returns(schema_of::<packages::PackageView>)
        .links(links_by_id!("$response.body#/id": "update-coin-package", "delete-coin-package"))
        .codes(&["product_id_taken"])
);
pub static UPDATE_COIN_PACKAGE: Route = route!(
    "update-coin-package",
    "PATCH",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::update_coin_package_http,
    Api::ok(200)
        .body(schema_of::<packages::PackageInput>)
        .returns(schema_of::<packages::PackageView>)
        .codes(&["product_id_taken"])
);
pub static DELETE_COIN_PACKAGE: Route = route!(
    "delete-coin-package",
    "DELETE",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::delete_coin_package_http,
    Api::ok(204)
);
pub static CREATE_RECHARGE: Route = route!(
    "create-recharge",
    "POST",
    "/recharges",
    ANY,
    recharges::create_recharge_http,
    Api::ok(201)
        .codes(&["package_retired", "idempotency_key_reused"])
        .idempotent()
        .body(schema_of::<recharges::RechargeInput>)
        .returns(schema_of::<recharges::RechargeView>)
);
pub static STRIPE_WEBHOOK: Route = route!(
    "stripe-webhook",
    "POST",
    "/webhooks/stripe",
    Access::Public,
    recharges::stripe_webhook_http,
    Api::ok(200)
        .signed("Stripe-Signature")
        .returns(schema_of::<recharges::WebhookAnswer>)
        .codes(&["invalid_signature"])
);
pub static RAZORPAY_WEBHOOK: Route = route!(
    "razorpay-webhook",
    "POST",
    "/webhooks/razorpay",
    Access::Public,
    recharges::razorpay_webhook_http,
    Api::ok(200)
        .signed("X-Razorpay-Signature")
        .returns(schema_of::<recharges::WebhookAnswer>)
        .codes(&["invalid_signature"])
);
pub static CREATE_GOOGLE_RECHARGE: Route = route!(
    "create-google-recharge",
    "POST",
    "/recharges/google",
    ANY,
    stores::google_recharge_http,
    Api::ok(201)
        .also(200)
        .body(schema_of::<stores::GoogleRechargeInput>)
        .returns(schema_of::<recharges::RechargeView>)
        .codes(&[
            "purchase_pending",
            "purchase_cancelled",
            "test_purchase",
            "purchase_not_yours",
            "wrong_product",
            "purchase_claimed"
        ])
);
pub static CREATE_APPLE_RECHARGE: Route = route!(
    "create-apple-recharge",
    "POST",
    "/recharges/apple",
    ANY,
    stores::apple_recharge_http,
    Api::ok(201)
        .also(200)
        .body(schema_of::<stores::AppleRechargeInput>)
        .returns(schema_of::<recharges::RechargeView>)
        .codes(&[
            "purchase_cancelled",
            "purchase_not_yours",
            "wrong_product",
            "purchase_claimed",
            "purchase_unverified"
        ])
);
pub static APPLE_WEBHOOK: Route = route!(
    "apple-webhook",
    "POST",
    "/webhooks/apple",
    Access::Public,
    stores::apple_webhook_http,
    Api::ok(200).returns(schema_of::<recharges::WebhookAnswer>).codes(&["invalid_signature"])
);
pub static GOOGLE_WEBHOOK: Route = route!(
    "google-webhook",
    "POST",
    "/webhooks/google",
    Access::Public,
    stores::google_webhook_http,
    Api::ok(200).signed("Authorization").returns(schema_of::<recharges::WebhookAnswer>)
);
pub static AGORA_WEBHOOK: Route = route!(
    "agora-webhook",
    "POST",
    "/webhooks/agora",
    Access::Public,
    presence::agora_webhook_http,
    Api::ok(200)
        .signed("Agora-Signature-V2")
        .returns(schema_of::<recharges::WebhookAnswer>)
        .codes(&["invalid_signature"])
);
pub static GRANT_COINS: Route = route!(
    "grant-coins",
    "POST",
    "/admin/users/{id}/coins",
    ADMIN,
    wallet::grant_coins_http,
    Api::ok(201)
        .idempotent()
        .body(schema_of::<wallet::GrantInput>)
        .returns(schema_of::<wallet::Granted>)
        .codes(&["insufficient_coins", "idempotency_key_reused"])
);
pub static START_ROOM: Route = route!(
    "start-room",
    "POST",
    "/rooms",
    HOST,
    rooms::start_room_http,
    Api::ok(201)
        .links(links_by_id!("$response.body#/room/id": "get-room", "end-room"))
        .also(200)
        .optional_body()
        .body(schema_of::<rooms::StartRoomInput>)
        .returns(schema_of::<rooms::RoomStarted>)
);
pub static END_ROOM: Route = route!(
    "end-room",
    "POST",
    "/rooms/{id}/end",
    ANY,
    rooms::end_room_http,
    Api::ok(200).returns(schema_of::<rooms::RoomView>)
);
pub static LIST_ROOMS: Route = route!(
    "list-rooms",
    "GET",
    "/rooms",
    ANY,
    rooms::list_rooms_http,
    Api::ok(200).list_of(schema_of::<rooms::RoomView>)
);
pub static GET_ROOM: Route = route!(
    "get-room",
    "GET",
    "/rooms/{id}",
    ANY,
    rooms::get_room_http,
    Api::ok(200).returns(schema_of::<rooms::RoomView>)
);
pub static JOIN_ROOM: Route = route!(
    "join-room",
    "POST",
    "/rooms/{id}/join",
    ANY,
    rooms::join_room_http,
    Api::ok(200).returns(schema_of::<rooms::RoomJoined>).codes(&["room_ended", "blocked", "kicked"])
);
pub static LEAVE_ROOM: Route =
    route!("leave-room", "POST", "/rooms/{id}/leave", ANY, rooms::leave_room_http, Api::ok(204));
pub static GET_LEADERBOARD: Route = route!(
    "get-leaderboard",
    "GET",
    "/leaderboards/{kind}",
    ANY,
    leaderboards::get_leaderboard_http,
    Api::ok(200).returns(schema_of::<leaderboards::Leaderboard>).query(&[
        (
            "period",
            r#"{"type": "string", "enum": ["day", "week", "all"]}"#,
            "day (UTC, the default), week (ISO, UTC) or all; a room's board is all"
        ),
        ("room_id", r#"{"type": "string"}"#, "a room's board over its life"),
    ])
);
pub static KICK_VIEWER: Route = route!(
    "kick-viewer",
    "POST",
    "/rooms/{id}/kick",
    ANY,
    moderation::kick_viewer_http,
    Api::ok(200)
        .body(schema_of::<moderation::KickInput>)
        .returns(schema_of::<moderation::Kicked>)
        .codes(&["not_moderator", "room_ended"])
);
pub static MUTE_VIEWER: Route = route!(
    "mute-viewer",
    "POST",
    "/rooms/{id}/mute",
    ANY,
    moderation::mute_viewer_http,
    Api::ok(200)
        .body(schema_of::<moderation::MuteInput>)
        .returns(schema_of::<moderation::Muted>)
        .codes(&["not_moderator", "room_ended"])
);
pub static UNMUTE_VIEWER: Route = route!(
    "unmute-viewer",
    "POST",
    "/rooms/{id}/unmute",
    ANY,
    moderation::unmute_viewer_http,
    Api::ok(204).body(schema_of::<moderation::ModeratorInput>).codes(&["not_moderator", "room_ended"])
);
pub static PUT_CALL_SETTINGS: Route = route!(
    "put-call-settings",
    "PUT",
    "/host/call-settings",
    HOST,
    calls::put_call_settings_http,
    Api::ok(200).body(schema_of::<calls::CallSettingsInput>).returns(schema_of::<calls::CallSettings>)
);
pub static ADD_MODERATOR: Route = route!(
    "add-moderator",
    "POST",
    "/host/moderators",
    HOST,
    moderation::add_moderator_http,
    Api::ok(201)
        .also(200)
        .body(schema_of::<moderation::ModeratorInput>)
        .returns(schema_of::<moderation::ModeratorView>)
        .codes(&["too_many_moderators"])
);
pub static REMOVE_MODERATOR: Route = route!(
    "remove-moderator",
    "DELETE",
    "/host/moderators/{id}",
    HOST,
    moderation::remove_moderator_http,
    Api::ok(204)
);
pub static LIST_MODERATORS: Route = route!(
    "list-moderators",
    "GET",
    "/host/moderators",
    HOST,
    moderation::list_moderators_http,
    Api::ok(200).list_of(schema_of::<moderation::ModeratorView>)
);
pub static START_CALL: Route = route!(
    "start-call",
    "POST",
    "/calls",
    ANY,
    calls::start_call_http,
    Api::ok(201)
        .idempotent()
        .body(schema_of::<calls::StartCallInput>)
        .returns(schema_of::<calls::CallView>)
        .links(links_by_id!("$response.body#/id": "get-call", "cancel-call"))
        .codes(&[
            "insufficient_coins",
            "coin_debt",
            "idempotency_key_reused",
            "host_offline",
            "host_busy",
            "caller_busy",
            "blocked"
        ])
);
pub static CANCEL_CALL: Route = route!(
    "cancel-call",
    "POST",
    "/calls/{id}/cancel",
    ANY,
    calls::cancel_call_http,
    Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_ringing"])
);
pub static DECLINE_CALL: Route = route!(
    "decline-call",
    "POST",
    "/calls/{id}/decline",
    ANY,
    calls::decline_call_http,
    Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_ringing"])
);
pub static ACCEPT_CALL: Route = route!(
    "accept-call",
    "POST",
    "/calls/{id}/accept",
    ANY,
    calls::accept_call_http,
    Api::ok(200).idempotent().returns(schema_of::<calls::AcceptedCall>).codes(&[
        "call_not_ringing",
        "host_busy",
        "caller_busy",
        "caller_banned",
        "insufficient_coins",
        "coin_debt",
        "idempotency_key_reused"
    ])
);
pub static CALL_HEARTBEAT: Route = route!(
    "call-heartbeat",
    "POST",
    "/calls/{id}/heartbeat",
    ANY,
    calls::call_heartbeat_http,
    Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_active"])
);
pub static END_CALL: Route = route!(
    "end-call",
    "POST",
    "/calls/{id}/end",
    ANY,
    calls::end_call_http,
    Api::ok(200).returns(schema_of::<calls::CallView>).codes(&["call_not_active"])
);
pub static GET_CALL: Route = route!(
    "get-call",
    "GET",
    "/calls/{id}",
    ANY,
    calls::get_call_http,
    Api::ok(200).returns(schema_of::<calls::CallView>)
);
pub static LIST_MY_CALLS: Route = route!(
    "list-my-calls",
    "GET",
    "/me/calls",
    ANY,
    calls::list_my_calls_http,
    Api::ok(200).list_of(schema_of::<calls::CallView>)
);
pub static CREATE_UPLOAD: Route = route!(
    "create-upload",
    "POST",
    "/uploads",
    ANY,
    media::create_upload_http,
    Api::ok(201).body(schema_of::<media::UploadInput>).returns(schema_of::<media::Upload>)
);
pub static CREATE_POST: Route = route!(
        "create-post",
        "POST",
        "/posts",
        ANY,
        posts::create_post_http,
        Api::ok(201).body(schema_of::<posts::PostInput>).returns(schema_of::<posts::PostView>).links(links_by_id!("$response.body#/id": "get-post", "like-post", "create-comment", "list-comments", "view-post", "share-post", "delete-post"))
    );
pub static GET_POST: Route = route!(
    "get-post",
    "GET",
    "/posts/{id}",
    ANY,
    posts::get_post_http,
    Api::ok(200).returns(schema_of::<posts::PostView>)
);
pub static LIST_USER_POSTS: Route = route!(
    "list-user-posts",
    "GET",
    "/users/{id}/posts",
    ANY,
    posts::list_user_posts_http,
    Api::ok(200).list_of(schema_of::<posts::PostView>)
);
pub static GET_FEED: Route =
    route!("get-feed", "GET", "/feed", ANY, posts::get_feed_http, Api::ok(200).list_of(schema_of::<posts::PostView>));
pub static DELETE_POST: Route =
    route!("delete-post", "DELETE", "/posts/{id}", ANY, posts::delete_post_http, Api::ok(204));
pub static LIKE_POST: Route = route!(
    "like-post",
    "POST",
    "/posts/{id}/like",
    ANY,
    posts::like_post_http,
    Api::ok(201).returns(schema_of::<posts::Liked>).codes(&["already_liked"])
);
pub static UNLIKE_POST: Route =
    route!("unlike-post", "DELETE", "/posts/{id}/like", ANY, posts::unlike_post_http, Api::ok(204));
pub static CREATE_COMMENT: Route = route!(
    "create-comment",
    "POST",
    "/posts/{id}/comments",
    ANY,
    posts::create_comment_http,
    Api::ok(201)
        .body(schema_of::<posts::CommentInput>)
        .returns(schema_of::<posts::CommentView>)
        .links(&[Link {
            operation: "delete-comment",
            parameters: &[("id", "$response.body#/post_id"), ("comment_id", "$response.body#/id")]
        }])
        .codes(&["blocked"])
);
pub static LIST_COMMENTS: Route = route!(
    "list-comments",
    "GET",
    "/posts/{id}/comments",
    ANY,
    posts::list_comments_http,
    Api::ok(200).list_of(schema_of::<posts::CommentView>)
);
pub static DELETE_COMMENT: Route = route!(
    "delete-comment",
    "DELETE",
    "/posts/{id}/comments/{comment_id}",
    ANY,
    posts::delete_comment_http,
    Api::ok(204)
);
pub static SHARE_POST: Route = route!(
    "share-post",
    "POST",
    "/posts/{id}/share",
    ANY,
    posts::share_post_http,
    Api::ok(201).returns(schema_of::<posts::Shared>)
);
pub static VIEW_POST: Route = route!(
    "view-post",
    "POST",
    "/posts/{id}/view",
    ANY,
    posts::view_post_http,
    Api::ok(200).returns(schema_of::<posts::Viewed>)
);
pub static LIST_AUDIOS: Route = route!(
    "list-audios",
    "GET",
    "/audios",
    Access::Public,
    audios::list_audios_http,
    Api::ok(200).list_of(schema_of::<audios::AudioView>)
);
pub static CREATE_AUDIO: Route = route!(
    "create-audio",
    "POST",
    "/admin/audios",
    ADMIN,
    audios::create_audio_http,
    Api::ok(201).body(schema_of::<audios::AudioInput>).returns(schema_of::<audios::AudioView>)
);
pub static UPDATE_AUDIO: Route = route!(
    "update-audio",
    "PATCH",
    "/admin/audios/{id}",
    ADMIN,
    audios::update_audio_http,
    Api::ok(200).body(schema_of::<audios::AudioInput>).returns(schema_of::<audios::AudioView>)
);
pub static DELETE_AUDIO: Route =
    route!("delete-audio", "DELETE", "/admin/audios/{id}", ADMIN, audios::delete_audio_http, Api::ok(204));
pub static LIST_INTERESTS: Route = route!(
    "list-interests",
    "GET",
    "/interests",
    Access::Public,
    masterdata::list::<Interest>,
    Api::ok(200).list_of(schema_of::<masterdata::InterestView>)
);
pub static CREATE_INTEREST: Route = route!(
    "create-interest",
    "POST",
    "/admin/interests",
    ADMIN,
    masterdata::create_http::<Interest>,
    Api::ok(201).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
);
pub static UPDATE_INTEREST: Route = route!(
    "update-interest",
    "PATCH",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::update_http::<Interest>,
    Api::ok(200).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
);
pub static DELETE_INTEREST: Route = route!(
    "delete-interest",
    "DELETE",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::delete_http::<Interest>,
    Api::ok(204)
);
pub static LIST_AVATARS: Route = route!(
    "list-avatars",
    "GET",
    "/avatars",
    Access::Public,
    masterdata::list::<Avatar>,
    Api::ok(200).list_of(schema_of::<masterdata::AvatarView>)
);
pub static CREATE_AVATAR: Route = route!(
    "create-avatar",
    "POST",
    "/admin/avatars",
    ADMIN,
    masterdata::create_http::<Avatar>,
    Api::ok(201).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
);
pub static UPDATE_AVATAR: Route = route!(
    "update-avatar",
    "PATCH",
    "/admin/avatars/{id}",
    ADMIN,
    masterdata::update_http::<Avatar>,
    Api::ok(200).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
);
pub static DELETE_AVATAR: Route =
    route!("delete-avatar", "DELETE", "/admin/avatars/{id}", ADMIN, masterdata::delete_http::<Avatar>, Api::ok(204));
pub static LIST_FAQS: Route = route!(
    "list-faqs",
    "GET",
    "/faqs",
    Access::Public,
    masterdata::list::<Faq>,
    Api::ok(200).list_of(schema_of::<masterdata::FaqView>)
);
pub static CREATE_FAQ: Route = route!(
    "create-faq",
    "POST",
    "/admin/faqs",
    ADMIN,
    masterdata::create_http::<Faq>,
    Api::ok(201).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
);
pub static UPDATE_FAQ: Route = route!(
    "update-faq",
    "PATCH",
    "/admin/faqs/{id}",
    ADMIN,
    masterdata::update_http::<Faq>,
    Api::ok(200).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
);
pub static DELETE_FAQ: Route =
    route!("delete-faq", "DELETE", "/admin/faqs/{id}", ADMIN, masterdata::delete_http::<Faq>, Api::ok(204));
pub static GET_PAGE: Route = route!(
    "get-page",
    "GET",
    "/pages/{slug}",
    Access::Public,
    masterdata::get_page_http,
    Api::ok(200).returns(schema_of::<masterdata::PageView>)
);
pub static PUT_PAGE: Route = route!(
    "put-page",
    "PUT",
    "/admin/pages/{slug}",
    ADMIN,
    masterdata::put_page_http,
    Api::ok(200).body(schema_of::<masterdata::PageInput>).returns(schema_of::<masterdata::PageView>)
);
pub static GET_ADMIN_STATS: Route = route!(
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
);
pub static LIST_USERS: Route = route!(
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
);
pub static GET_USER_ADMIN: Route = route!(
    "get-user-admin",
    "GET",
    "/admin/users/{id}",
    ADMIN,
    admin::get_user_admin_http,
    Api::ok(200).returns(schema_of::<admin::AdminAccount>)
);
pub static LIST_USER_TRANSACTIONS_ADMIN: Route = route!(
    "list-user-transactions-admin",
    "GET",
    "/admin/users/{id}/transactions",
    ADMIN,
    wallet::list_user_transactions_admin_http,
    Api::ok(200).list_of(schema_of::<views::LedgerLine>)
);
pub static BAN_USER: Route = route!(
    "ban-user",
    "POST",
    "/admin/users/{id}/ban",
    ADMIN,
    admin::ban_user_http,
    Api::ok(200).body(schema_of::<admin::BanInput>).returns(schema_of::<admin::AdminAccount>)
);
pub static UNBAN_USER: Route = route!(
    "unban-user",
    "POST",
    "/admin/users/{id}/unban",
    ADMIN,
    admin::unban_user_http,
    Api::ok(200).returns(schema_of::<admin::AdminAccount>)
);
pub static LIST_HOSTS: Route = route!(
    "list-hosts",
    "GET",
    "/admin/hosts",
    ADMIN,
    admin::list_hosts_http,
    Api::ok(200).list_of(schema_of::<admin::AdminAccount>)
);
pub static LIST_AUDIT: Route = route!(
    "list-audit",
    "GET",
    "/admin/audit",
    ADMIN,
    admin::list_audit_http,
    Api::ok(200).list_of(schema_of::<admin::AuditView>)
);
pub static LIST_AGENCIES: Route = route!(
    "list-agencies",
    "GET",
    "/admin/agencies",
    ADMIN,
    agencies::list_agencies_http,
    Api::ok(200).list_of(schema_of::<agencies::AgencyView>)
);
pub static CREATE_AGENCY: Route = route!(
    "create-agency",
    "POST",
    "/admin/agencies",
    ADMIN,
    agencies::create_agency_http,
    Api::ok(201)
        .body(schema_of::<agencies::AgencyInput>)
        .returns(schema_of::<agencies::AgencyView>)
        .links(links_by_id!("$response.body#/id": "update-agency", "create-agency-settlement", "delete-agency"))
        .codes(&["owner_not_user", "code_taken"])
);
pub static REINVITE_AGENCY: Route = route!(
    "reinvite-agency",
    "POST",
    "/admin/agencies/{id}/invitation",
    ADMIN,
    agencies::reinvite_agency_http,
    Api::ok(200).returns(schema_of::<agencies::AgencyView>).codes(&["invitation_closed"])
);
pub static ACCEPT_AGENCY_INVITATION: Route = route!(
    "accept-agency-invitation",
    "POST",
    "/agency-invitations/accept",
    ANY,
    agencies::accept_agency_invitation_http,
    Api::ok(200)
        .body(schema_of::<agencies::AcceptInvitationInput>)
        .returns(schema_of::<agencies::AgencyView>)
        .codes(&["invalid_code", "not_invitee", "owner_not_user"])
);
pub static UPDATE_AGENCY: Route = route!(
    "update-agency",
    "PATCH",
    "/admin/agencies/{id}",
    ADMIN,
    agencies::update_agency_http,
    Api::ok(200)
        .body(schema_of::<agencies::AgencyChanges>)
        .returns(schema_of::<agencies::AgencyView>)
        .codes(&["code_taken"])
);
pub static DELETE_AGENCY: Route = route!(
    "delete-agency",
    "DELETE",
    "/admin/agencies/{id}",
    ADMIN,
    agencies::delete_agency_http,
    Api::ok(204).codes(&["agency_has_hosts"])
);
pub static CREATE_AGENCY_SETTLEMENT: Route = route!(
    "create-agency-settlement",
    "POST",
    "/admin/agencies/{id}/settlements",
    ADMIN,
    agencies::create_agency_settlement_http,
    Api::ok(201)
        .optional_body()
        .body(schema_of::<agencies::SettleInput>)
        .returns(schema_of::<agencies::BatchView>)
        .codes(&["nothing_to_settle"])
);
pub static CREATE_HOST_SETTLEMENT_ADMIN: Route = route!(
    "create-host-settlement-admin",
    "POST",
    "/admin/hosts/{id}/settlements",
    ADMIN,
    agencies::create_admin_host_settlement_http,
    Api::ok(201)
        .codes(&["nothing_to_settle", "host_in_agency"])
        .optional_body()
        .body(schema_of::<agencies::SettleInput>)
        .returns(schema_of::<agencies::SettlementView>)
);
pub static LIST_SETTLEMENTS: Route = route!(
    "list-settlements",
    "GET",
    "/admin/settlements",
    ADMIN,
    agencies::list_settlements_http,
    Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
);
pub static LIST_HOST_APPLICATIONS: Route = route!(
    "list-host-applications",
    "GET",
    "/admin/host-applications",
    ADMIN,
    agencies::list_host_applications_http,
    Api::ok(200).list_of(schema_of::<agencies::ApplicationView>)
);
pub static CREATE_HOST_APPLICATION: Route = route!(
    "create-host-application",
    "POST",
    "/host-applications",
    ANY,
    agencies::create_host_application_http,
    Api::ok(201)
        .body(schema_of::<agencies::ApplicationInput>)
        .returns(schema_of::<agencies::ApplicationView>)
        .codes(&["cannot_apply", "application_pending"])
);
pub static GET_MY_HOST_APPLICATION: Route = route!(
    "get-my-host-application",
    "GET",
    "/host-applications/me",
    ANY,
    agencies::get_my_host_application_http,
    Api::ok(200).returns(schema_of::<agencies::ApplicationView>)
);
pub static GET_AGENCY: Route = route!(
    "get-agency",
    "GET",
    "/agency",
    AGENCY,
    agencies::get_agency_http,
    Api::ok(200).returns(schema_of::<agencies::AgencyView>)
);
pub static LIST_AGENCY_HOST_APPLICATIONS: Route = route!(
    "list-agency-host-applications",
    "GET",
    "/agency/host-applications",
    AGENCY,
    agencies::list_agency_host_applications_http,
    Api::ok(200).list_of(schema_of::<agencies::ApplicationView>)
);
pub static APPROVE_HOST_APPLICATION: Route = route!(
    "approve-host-application",
    "POST",
    "/agency/host-applications/{id}/approve",
    AGENCY_OR_ADMIN,
    agencies::approve_host_application_http,
    Api::ok(200).returns(schema_of::<agencies::ApplicationView>).codes(&["cannot_host", "application_not_pending"])
);
pub static REJECT_HOST_APPLICATION: Route = route!(
    "reject-host-application",
    "POST",
    "/agency/host-applications/{id}/reject",
    AGENCY_OR_ADMIN,
    agencies::reject_host_application_http,
    Api::ok(200)
        .body(schema_of::<agencies::RejectInput>)
        .returns(schema_of::<agencies::ApplicationView>)
        .codes(&["application_not_pending"])
);
pub static LIST_AGENCY_HOSTS: Route = route!(
    "list-agency-hosts",
    "GET",
    "/agency/hosts",
    AGENCY,
    agencies::list_agency_hosts_http,
    Api::ok(200).list_of(schema_of::<agencies::HostRow>)
);
pub static REMOVE_AGENCY_HOST: Route = route!(
    "remove-agency-host",
    "DELETE",
    "/agency/hosts/{id}",
    AGENCY,
    agencies::remove_agency_host_http,
    Api::ok(204)
);
pub static CREATE_HOST_SETTLEMENT: Route = route!(
    "create-host-settlement",
    "POST",
    "/agency/hosts/{id}/settlements",
    AGENCY,
    agencies::create_host_settlement_http,
    Api::ok(201)
        .codes(&["nothing_to_settle"])
        .optional_body()
        .body(schema_of::<agencies::SettleInput>)
        .returns(schema_of::<agencies::SettlementView>)
);
pub static LIST_AGENCY_SETTLEMENTS: Route = route!(
    "list-agency-settlements",
    "GET",
    "/agency/settlements",
    AGENCY,
    agencies::list_agency_settlements_http,
    Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
);
pub static LIST_MY_SETTLEMENTS: Route = route!(
    "list-my-settlements",
    "GET",
    "/host/settlements",
    HOST,
    agencies::list_my_settlements_http,
    Api::ok(200).list_of(schema_of::<agencies::SettlementView>)
);
pub static GET_HOST_DASHBOARD: Route = route!(
    "get-host-dashboard",
    "GET",
    "/host/dashboard",
    HOST,
    agencies::get_host_dashboard_http,
    Api::ok(200).returns(schema_of::<agencies::Dashboard>)
);
pub static LIST_NOTIFICATIONS: Route = route!(
    "list-notifications",
    "GET",
    "/me/notifications",
    ANY,
    notify::list_notifications_http,
    Api::ok(200).page(schema_of::<notify::NotificationsPage>)
);
pub static MARK_NOTIFICATIONS_READ: Route = route!(
    "mark-notifications-read",
    "POST",
    "/me/notifications/read",
    ANY,
    notify::mark_notifications_read_http,
    Api::ok(200).optional_body().body(schema_of::<notify::ReadInput>).returns(schema_of::<notify::Unread>)
);
pub static GET_CHAT_TOKEN: Route = route!(
    "get-chat-token",
    "POST",
    "/me/chat-token",
    ANY,
    push::get_chat_token_http,
    Api::ok(200).returns(schema_of::<push::ChatToken>)
);

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
            best = Some((literals, *route, params));
        }
    }
    best.map(|(_, r, p)| (r, p))
}
