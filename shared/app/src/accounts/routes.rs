//! The routes of this domain (the table is `crate::routes`).

use super::{profile, recovery, sessions};
use crate::http::routes::*;

pub static REGISTER: Route = route!(
        "register",
        "POST",
        "/auth/register",
        Access::Public,
        sessions::register_http,
        Api::new().says("Creates an account with e-mail or phone; answers a token pair").body(schema_of::<sessions::RegisterInput>).links(links_by_id!("$response.body#/user/id": "get-user", "follow-user", "send-gift", "list-user-posts", "list-followers")).codes(&["account_exists"]),
    Needs::write().email().sms().keys(&[Family::Account, Family::Event, Family::Login, Family::Rate, Family::Refresh, Family::Settings])
);
pub static LOGIN: Route = route!(
    "login",
    "POST",
    "/auth/login",
    Access::Public,
    sessions::login_http,
    Api::new()
        .says("Signs in with e-mail or phone and password; answers a token pair")
        .body(schema_of::<sessions::LoginInput>)
        .codes(&["invalid_credentials", "account_banned"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Login, Family::Rate, Family::Refresh, Family::Settings])
);
pub static REFRESH_TOKEN: Route = route!(
    "refresh-token",
    "POST",
    "/auth/refresh",
    Access::Public,
    sessions::refresh_http,
    Api::new()
        .says("Trades a refresh token for a new token pair")
        .body(schema_of::<sessions::RefreshInput>)
        .codes(&["account_banned"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Refresh, Family::Settings])
);
pub static LOGOUT: Route = route!(
    "logout",
    "POST",
    "/auth/logout",
    ANY,
    sessions::logout_http,
    Api::new().says("Ends the login that holds this refresh token").body(schema_of::<sessions::RefreshInput>),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::PushToken, Family::Refresh])
);
pub static FORGOT_PASSWORD: Route = route!(
    "forgot-password",
    "POST",
    "/auth/password/forgot",
    Access::Public,
    recovery::forgot_password_http,
    Api::new()
        .says("Sends a 6-digit reset code by e-mail or SMS (always 202)")
        .body(schema_of::<recovery::ForgotInput>),
    Needs::write().email().sms().keys(&[Family::Account, Family::Login, Family::Rate])
);
pub static RESET_PASSWORD: Route = route!(
    "reset-password",
    "POST",
    "/auth/password/reset",
    Access::Public,
    recovery::reset_password_http,
    Api::new()
        .says("Sets a new password with the code; every session ends")
        .body(schema_of::<recovery::ResetInput>)
        .codes(&["invalid_code"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Login, Family::Rate])
);
pub static GET_ME: Route = route!(
    "get-me",
    "GET",
    "/me",
    ANY,
    profile::get_me_http,
    Api::new().says("The caller's own profile"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static SEND_VERIFICATION: Route = route!(
    "send-verification",
    "POST",
    "/me/verification",
    ANY,
    recovery::send_verification_http,
    Api::new()
        .says("Sends a code to verify the caller's e-mail or phone")
        .body(schema_of::<recovery::VerificationInput>)
        .codes(&["no_address", "already_verified"]),
    Needs::write().email().sms().keys(&[Family::Account, Family::Audit, Family::Rate])
);
pub static VERIFY: Route = route!(
    "verify",
    "POST",
    "/me/verification/confirm",
    ANY,
    recovery::verify_http,
    Api::new()
        .says("Confirms the caller's e-mail or phone with the code")
        .body(schema_of::<recovery::VerifyInput>)
        .codes(&["invalid_code"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Login])
);
pub static CHANGE_EMAIL: Route = route!(
    "change-email",
    "PUT",
    "/me/email",
    ANY,
    recovery::change_email_http,
    Api::new()
        .says("Changes the caller's e-mail once a code sent to it confirms")
        .body(schema_of::<recovery::NewAddressInput>)
        .codes(&["account_exists", "already_yours"]),
    Needs::write().email().sms().keys(&[Family::Account, Family::Audit, Family::Login])
);
pub static CHANGE_PHONE: Route = route!(
    "change-phone",
    "PUT",
    "/me/phone",
    ANY,
    recovery::change_phone_http,
    Api::new()
        .says("Changes the caller's phone once a code sent to it confirms")
        .body(schema_of::<recovery::NewAddressInput>)
        .codes(&["account_exists", "already_yours"]),
    Needs::write().email().sms().keys(&[Family::Account, Family::Audit, Family::Login, Family::Rate])
);
pub static UPDATE_ME: Route = route!(
    "update-me",
    "PATCH",
    "/me",
    ANY,
    profile::update_me_http,
    Api::new()
        .says("Changes the caller's name, bio, gender, birthday, language, avatar or interests")
        .body(schema_of::<profile::UpdateMeInput>),
    Needs::of_method("PATCH").keys(&[
        Family::Account,
        Family::Audit,
        Family::Avatar,
        Family::Interest,
        Family::Settings
    ])
);
pub static PUT_PUSH_TOKEN: Route = route!(
    "put-push-token",
    "PUT",
    "/me/push-token",
    ANY,
    profile::put_push_token_http,
    Api::new().says("Registers the device's FCM push token").body(schema_of::<profile::PushTokenInput>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::PushToken])
);
