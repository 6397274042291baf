//! The routes of this domain (the table is `crate::routes`).

use super::{balance, recharges};
use crate::http::routes::*;
use crate::kernel::views;

pub static GET_WALLET: Route = route!(
    "get-wallet",
    "GET",
    "/me/wallet",
    ANY,
    balance::get_wallet_http,
    Api::ok(200).returns(schema_of::<views::Wallet>)
);
pub static LIST_TRANSACTIONS: Route = route!(
    "list-transactions",
    "GET",
    "/me/transactions",
    ANY,
    balance::list_transactions_http,
    Api::ok(200).list_of(schema_of::<views::LedgerLine>)
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
        .returns(schema_of::<recharges::RechargeView>),
    Needs::write().secrets(&[Secret::PaymentKeys])
);
pub static STRIPE_WEBHOOK: Route = route!(
    "stripe-webhook",
    "POST",
    "/webhooks/stripe",
    Access::Public,
    recharges::stripe_webhook_http,
    Api::ok(200)
        .signed("Stripe-Signature")
        .returns(schema_of::<crate::http::WebhookAnswer>)
        .codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::StripeWebhook])
);
pub static RAZORPAY_WEBHOOK: Route = route!(
    "razorpay-webhook",
    "POST",
    "/webhooks/razorpay",
    Access::Public,
    recharges::razorpay_webhook_http,
    Api::ok(200)
        .signed("X-Razorpay-Signature")
        .returns(schema_of::<crate::http::WebhookAnswer>)
        .codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::RazorpayWebhook])
);
pub static GRANT_COINS: Route = route!(
    "grant-coins",
    "POST",
    "/admin/users/{id}/coins",
    ADMIN,
    balance::grant_coins_http,
    Api::ok(201)
        .idempotent()
        .body(schema_of::<balance::GrantInput>)
        .returns(schema_of::<balance::Granted>)
        .codes(&["insufficient_coins", "idempotency_key_reused"])
);
pub static LIST_USER_TRANSACTIONS_ADMIN: Route = route!(
    "list-user-transactions-admin",
    "GET",
    "/admin/users/{id}/transactions",
    ADMIN,
    balance::list_user_transactions_admin_http,
    Api::ok(200).list_of(schema_of::<views::LedgerLine>)
);
