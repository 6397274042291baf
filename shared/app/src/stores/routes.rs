//! The routes of this domain (the table is `crate::routes`).

use super::purchases;
use crate::http::routes::*;
use crate::wallet::RechargeView;

pub static CREATE_GOOGLE_RECHARGE: Route = route!(
    "create-google-recharge",
    "POST",
    "/recharges/google",
    ANY,
    purchases::google_recharge_http,
    Api::ok(201).also(200).body(schema_of::<purchases::GoogleRechargeInput>).returns(schema_of::<RechargeView>).codes(
        &[
            "purchase_pending",
            "purchase_cancelled",
            "test_purchase",
            "purchase_not_yours",
            "wrong_product",
            "purchase_claimed"
        ]
    ),
    Needs::write().secrets(&[Secret::GooglePlay])
);
pub static CREATE_APPLE_RECHARGE: Route = route!(
    "create-apple-recharge",
    "POST",
    "/recharges/apple",
    ANY,
    purchases::apple_recharge_http,
    Api::ok(201).also(200).body(schema_of::<purchases::AppleRechargeInput>).returns(schema_of::<RechargeView>).codes(
        &["purchase_cancelled", "purchase_not_yours", "wrong_product", "purchase_claimed", "purchase_unverified"]
    ),
    Needs::write().secrets(&[Secret::Apple])
);
pub static APPLE_WEBHOOK: Route = route!(
    "apple-webhook",
    "POST",
    "/webhooks/apple",
    Access::Public,
    purchases::apple_webhook_http,
    Api::ok(200).returns(schema_of::<crate::http::WebhookAnswer>).codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::Apple])
);
pub static GOOGLE_WEBHOOK: Route = route!(
    "google-webhook",
    "POST",
    "/webhooks/google",
    Access::Public,
    purchases::google_webhook_http,
    Api::ok(200).signed("Authorization").returns(schema_of::<crate::http::WebhookAnswer>),
    Needs::write().secrets(&[Secret::GooglePlay])
);
