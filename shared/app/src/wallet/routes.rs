//! The routes of this domain (the table is `crate::routes`).

use super::{balance, recharges};
use crate::http::routes::*;

pub static GET_WALLET: Route = route!("get-wallet", "GET", "/me/wallet", ANY, balance::get_wallet_http, Api::new());
pub static LIST_TRANSACTIONS: Route =
    route!("list-transactions", "GET", "/me/transactions", ANY, balance::list_transactions_http, Api::new());
pub static CREATE_RECHARGE: Route = route!(
    "create-recharge",
    "POST",
    "/recharges",
    ANY,
    recharges::create_recharge_http,
    Api::new()
        .codes(&["package_retired", "idempotency_key_reused"])
        .idempotent()
        .body(schema_of::<recharges::RechargeInput>),
    Needs::write().secrets(&[Secret::PaymentKeys])
);
pub static GET_RECHARGE: Route =
    route!("get-recharge", "GET", "/recharges/{id}", ANY, recharges::get_recharge_http, Api::new());
pub static LIST_MY_RECHARGES: Route =
    route!("list-my-recharges", "GET", "/me/recharges", ANY, recharges::list_my_recharges_http, Api::new());
pub static STRIPE_WEBHOOK: Route = route!(
    "stripe-webhook",
    "POST",
    "/webhooks/stripe",
    Access::Public,
    recharges::stripe_webhook_http,
    Api::new().signed("Stripe-Signature").codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::StripeWebhook])
);
pub static RAZORPAY_WEBHOOK: Route = route!(
    "razorpay-webhook",
    "POST",
    "/webhooks/razorpay",
    Access::Public,
    recharges::razorpay_webhook_http,
    Api::new().signed("X-Razorpay-Signature").codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::RazorpayWebhook])
);
pub static GRANT_COINS: Route = route!(
    "grant-coins",
    "POST",
    "/admin/users/{id}/coins",
    ADMIN,
    balance::grant_coins_http,
    Api::new()
        .idempotent()
        .body(schema_of::<balance::GrantInput>)
        .codes(&["insufficient_coins", "idempotency_key_reused"])
);
pub static LIST_USER_TRANSACTIONS_ADMIN: Route = route!(
    "list-user-transactions-admin",
    "GET",
    "/admin/users/{id}/transactions",
    ADMIN,
    balance::list_user_transactions_admin_http,
    Api::new()
);
