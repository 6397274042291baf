//! The routes of this domain (the table is `crate::routes`).

use super::{profile, recovery, sessions};
use crate::http::routes::*;
use crate::kernel::views;

pub static REGISTER: Route = route!(
        "register",
        "POST",
        "/auth/register",
        Access::Public,
        sessions::register_http,
        Api::ok(201).body(schema_of::<sessions::RegisterInput>).returns(schema_of::<sessions::SessionView>).links(links_by_id!("$response.body#/user/id": "get-user", "follow-user", "send-gift", "list-user-posts", "list-followers")).codes(&["account_exists"]),
    Needs::write().email().sms()
);
pub static LOGIN: Route = route!(
    "login",
    "POST",
    "/auth/login",
    Access::Public,
    sessions::login_http,
    Api::ok(200)
        .body(schema_of::<sessions::LoginInput>)
        .returns(schema_of::<sessions::SessionView>)
        .codes(&["invalid_credentials", "account_banned"])
);
pub static REFRESH_TOKEN: Route = route!(
    "refresh-token",
    "POST",
    "/auth/refresh",
    Access::Public,
    sessions::refresh_http,
    Api::ok(200)
        .body(schema_of::<sessions::RefreshInput>)
        .returns(schema_of::<sessions::SessionView>)
        .codes(&["account_banned"])
);
pub static LOGOUT: Route = route!(
    "logout",
    "POST",
    "/auth/logout",
    ANY,
    sessions::logout_http,
    Api::ok(204).body(schema_of::<sessions::RefreshInput>)
);
pub static FORGOT_PASSWORD: Route = route!(
    "forgot-password",
    "POST",
    "/auth/password/forgot",
    Access::Public,
    recovery::forgot_password_http,
    Api::ok(202).body(schema_of::<recovery::ForgotInput>).returns(schema_of::<recovery::Accepted>),
    Needs::write().email().sms()
);
pub static RESET_PASSWORD: Route = route!(
    "reset-password",
    "POST",
    "/auth/password/reset",
    Access::Public,
    recovery::reset_password_http,
    Api::ok(204).body(schema_of::<recovery::ResetInput>).codes(&["invalid_code"])
);
pub static GET_ME: Route =
    route!("get-me", "GET", "/me", ANY, profile::get_me_http, Api::ok(200).returns(schema_of::<views::Me>));
pub static SEND_VERIFICATION: Route = route!(
    "send-verification",
    "POST",
    "/me/verification",
    ANY,
    recovery::send_verification_http,
    Api::ok(202)
        .body(schema_of::<recovery::VerificationInput>)
        .returns(schema_of::<recovery::VerificationSent>)
        .codes(&["no_address", "already_verified"]),
    Needs::write().email().sms()
);
pub static VERIFY: Route = route!(
    "verify",
    "POST",
    "/me/verification/confirm",
    ANY,
    recovery::verify_http,
    Api::ok(200)
        .body(schema_of::<recovery::VerifyInput>)
        .returns(schema_of::<recovery::Verified>)
        .codes(&["invalid_code"])
);
pub static CHANGE_EMAIL: Route = route!(
    "change-email",
    "PUT",
    "/me/email",
    ANY,
    recovery::change_email_http,
    Api::ok(202)
        .body(schema_of::<recovery::NewAddressInput>)
        .returns(schema_of::<recovery::VerificationSent>)
        .codes(&["account_exists", "already_yours"]),
    Needs::write().email().sms()
);
pub static CHANGE_PHONE: Route = route!(
    "change-phone",
    "PUT",
    "/me/phone",
    ANY,
    recovery::change_phone_http,
    Api::ok(202)
        .body(schema_of::<recovery::NewAddressInput>)
        .returns(schema_of::<recovery::VerificationSent>)
        .codes(&["account_exists", "already_yours"]),
    Needs::write().email().sms()
);
pub static UPDATE_ME: Route = route!(
    "update-me",
    "PATCH",
    "/me",
    ANY,
    profile::update_me_http,
    Api::ok(200).body(schema_of::<profile::UpdateMeInput>).returns(schema_of::<views::Me>)
);
pub static PUT_PUSH_TOKEN: Route = route!(
    "put-push-token",
    "PUT",
    "/me/push-token",
    ANY,
    profile::put_push_token_http,
    Api::ok(204).body(schema_of::<profile::PushTokenInput>)
);
