//! The routes of this domain (the table is `crate::routes`).

use super::{admin, balance, bonus, offers, recharges};
use crate::http::routes::*;

pub static GET_WALLET: Route = route!(
    "get-wallet",
    "GET",
    "/me/wallet",
    ANY,
    bonus::get_wallet_http,
    Api::new().says("The caller's paid coins, bonus coins (with what expires when), earnings and debt"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static GET_OFFERS: Route = route!(
    "get-offers",
    "GET",
    "/me/offers",
    ANY,
    offers::get_offers_http,
    Api::new().says("The offers open to the caller: the first-recharge bonus"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Recharges, Family::Settings]).indexes(&[&GSI2])
);
pub static LIST_TRANSACTIONS: Route = route!(
    "list-transactions",
    "GET",
    "/me/transactions",
    ANY,
    balance::list_transactions_http,
    Api::new().says("The caller's ledger: every coin and earning movement, newest first"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static CREATE_RECHARGE: Route = route!(
    "create-recharge",
    "POST",
    "/recharges",
    ANY,
    recharges::create_recharge_http,
    Api::new()
        .says("Starts buying a coin package: answers what the provider's mobile SDK needs to pay")
        .codes(&["package_retired", "idempotency_key_reused"])
        .idempotent()
        .body(schema_of::<recharges::RechargeInput>),
    Needs::write().secrets(&[Secret::PaymentKeys]).keys(&[
        Family::Account,
        Family::Audit,
        Family::Idempotency,
        Family::Package,
        Family::PaymentRef,
        Family::Recharge
    ])
);
pub static GET_RECHARGE: Route = route!(
    "get-recharge",
    "GET",
    "/recharges/{id}",
    ANY,
    recharges::get_recharge_http,
    Api::new().says("One of the caller's purchases: pending, credited or refunded"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Recharge])
);
pub static LIST_MY_RECHARGES: Route = route!(
    "list-my-recharges",
    "GET",
    "/me/recharges",
    ANY,
    recharges::list_my_recharges_http,
    Api::new().says("The caller's purchases with their status, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Recharges]).indexes(&[&GSI2])
);
/// What a payment provider's notice touches: the recharge and its
/// reference, the account's coins and its event, a refund's once-only
/// record, and the first-recharge offer (the account's recharges, the
/// fingerprint, the settings).
const PAYMENT_NOTICE_KEYS: &[Family] = &[
    Family::Account,
    Family::Event,
    Family::OfferFingerprint,
    Family::PaymentRef,
    Family::Recharge,
    Family::Recharges,
    Family::RefundEvent,
    Family::Settings,
];

pub static STRIPE_WEBHOOK: Route = route!(
    "stripe-webhook",
    "POST",
    "/webhooks/stripe",
    Access::Public,
    recharges::stripe_webhook_http,
    Api::new()
        .says("Stripe's payment events: credits or refunds a recharge")
        .signed("Stripe-Signature")
        .codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::StripeWebhook]).keys(PAYMENT_NOTICE_KEYS).indexes(&[&GSI2])
);
pub static RAZORPAY_WEBHOOK: Route = route!(
    "razorpay-webhook",
    "POST",
    "/webhooks/razorpay",
    Access::Public,
    recharges::razorpay_webhook_http,
    Api::new()
        .says("Razorpay's payment events: credits or refunds a recharge")
        .signed("X-Razorpay-Signature")
        .codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::RazorpayWebhook]).keys(PAYMENT_NOTICE_KEYS).indexes(&[&GSI2])
);
pub static GRANT_COINS: Route = route!(
    "grant-coins",
    "POST",
    "/admin/users/{id}/coins",
    ADMIN,
    balance::grant_coins_http,
    Api::new()
        .says("Grants coins to an account, or corrects them with a negative amount")
        .idempotent()
        .body(schema_of::<balance::GrantInput>)
        .codes(&["insufficient_coins", "idempotency_key_reused"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Event, Family::Idempotency])
);
pub static GET_USER_WALLET_ADMIN: Route = route!(
    "get-user-wallet-admin",
    "GET",
    "/admin/users/{id}/wallet",
    ADMIN,
    bonus::get_user_wallet_admin_http,
    Api::new().says("An account's paid coins, bonus coins with what expires when, earnings and debt"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static LIST_USER_TRANSACTIONS_ADMIN: Route = route!(
    "list-user-transactions-admin",
    "GET",
    "/admin/users/{id}/transactions",
    ADMIN,
    balance::list_user_transactions_admin_http,
    Api::new().says("An account's ledger, newest first"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static LIST_RECHARGES_ADMIN: Route = route!(
    "list-recharges-admin",
    "GET",
    "/admin/recharges",
    ADMIN,
    admin::list_recharges_admin_http,
    Api::new().says("Lists purchases of every provider and store by day, status and provider, or finds them").query(&[
        ("day", r#"{"type": "string", "format": "date"}"#, "the UTC day they began (today by default)"),
        (
            "status",
            r#"{"type": "string", "enum": ["pending", "credited", "partially_refunded", "refunded"]}"#,
            "only these"
        ),
        (
            "provider",
            r#"{"type": "string", "enum": ["stripe", "razorpay", "google", "apple"]}"#,
            "only this provider's"
        ),
        (
            "q",
            r#"{"type": "string", "maxLength": 200}"#,
            "a recharge id or a provider's reference finds it; a buyer's id, e-mail or phone, their purchases"
        ),
    ]),
    Needs::of_method("GET")
        .keys(&[Family::Account, Family::Login, Family::PaymentRef, Family::Recharge, Family::Recharges])
        .indexes(&[&GSI2, &GSI3])
);
