//! The routes of this domain (the table is `crate::routes`).

use super::app_stores;
use crate::http::routes::*;

/// What crediting a store purchase the app reports touches: the purchase and
/// its recharge, the account's coins and its event, its audit line, and the
/// first-recharge offer (the account's recharges, the settings).
const STORE_RECHARGE_KEYS: &[Family] = &[
    Family::Account,
    Family::Audit,
    Family::Event,
    Family::Package,
    Family::PaymentRef,
    Family::Recharge,
    Family::Recharges,
    Family::Settings,
];

pub static CREATE_GOOGLE_RECHARGE: Route = route!(
    "create-google-recharge",
    "POST",
    "/recharges/google",
    ANY,
    app_stores::google_recharge_http,
    Api::new()
        .says("Credits a Google Play purchase after checking it with Google")
        .body(schema_of::<app_stores::GoogleRechargeInput>)
        .codes(&[
            "purchase_pending",
            "purchase_cancelled",
            "test_purchase",
            "purchase_not_yours",
            "wrong_product",
            "purchase_claimed"
        ]),
    Needs::write().secrets(&[Secret::GooglePlay]).keys(STORE_RECHARGE_KEYS).indexes(&[&GSI2])
);
pub static CREATE_APPLE_RECHARGE: Route = route!(
    "create-apple-recharge",
    "POST",
    "/recharges/apple",
    ANY,
    app_stores::apple_recharge_http,
    Api::new()
        .says("Credits an App Store purchase after checking it with Apple")
        .body(schema_of::<app_stores::AppleRechargeInput>)
        .codes(&[
            "purchase_cancelled",
            "purchase_not_yours",
            "wrong_product",
            "purchase_claimed",
            "purchase_unverified"
        ]),
    Needs::write().secrets(&[Secret::Apple]).keys(STORE_RECHARGE_KEYS).indexes(&[&GSI2])
);
/// What a store's notice touches: the purchase and its recharge, the
/// account's coins and its event, the refund's once-only record, and the
/// first-recharge offer (the account's recharges, the settings).
const STORE_NOTICE_KEYS: &[Family] = &[
    Family::Account,
    Family::Event,
    Family::Package,
    Family::PaymentRef,
    Family::Recharge,
    Family::Recharges,
    Family::RefundEvent,
    Family::Settings,
    Family::StoreMessage,
    Family::StoreProduct,
];

pub static APPLE_WEBHOOK: Route = route!(
    "apple-webhook",
    "POST",
    "/webhooks/apple",
    Access::Public,
    app_stores::apple_webhook_http,
    Api::new().says("App Store server notifications (refunds claw coins back)").codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::Apple]).keys(STORE_NOTICE_KEYS).indexes(&[&GSI2])
);
pub static GOOGLE_WEBHOOK: Route = route!(
    "google-webhook",
    "POST",
    "/webhooks/google",
    Access::Public,
    app_stores::google_webhook_http,
    Api::new().says("Google Play developer notifications (refunds claw coins back)").signed("Authorization"),
    Needs::write().secrets(&[Secret::GooglePlay]).keys(STORE_NOTICE_KEYS).indexes(&[&GSI2])
);
