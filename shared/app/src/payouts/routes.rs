//! The routes of this domain (the table is `crate::routes`).

use super::{accounts, kyc, months, statements, withdrawals};
use crate::http::routes::*;

pub static SUBMIT_KYC: Route = route!(
    "submit-kyc",
    "POST",
    "/me/kyc",
    EARNER,
    kyc::submit_kyc_http,
    Api::new()
        .says("Submits the caller's identity for payouts: legal name, date of birth (18+), uploaded documents")
        .body(schema_of::<kyc::KycInput>)
        .codes(&["kyc_open"]),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Kyc])
);
pub static GET_MY_KYC: Route = route!(
    "get-my-kyc",
    "GET",
    "/me/kyc",
    ANY,
    kyc::get_my_kyc_http,
    Api::new().says("Where the caller's identity check stands, and why it was rejected"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Kyc])
);
pub static LIST_KYC: Route = route!(
    "list-kyc",
    "GET",
    "/admin/kyc",
    ADMIN,
    kyc::list_kyc_http,
    Api::new()
        .says("Identity checks of a status (pending by default), oldest first, with links to their documents")
        .query(&[(
            "status",
            r#"{"type": "string", "enum": ["pending", "verified", "rejected"], "default": "pending"}"#,
            "pending (the queue), verified or rejected"
        )]),
    Needs::of_method("GET").media(MediaUse::Read).keys(&[Family::Account, Family::KycQueue]).indexes(&[&GSI1])
);
pub static APPROVE_KYC: Route = route!(
    "approve-kyc",
    "POST",
    "/admin/kyc/{id}/approve",
    ADMIN,
    kyc::approve_kyc_http,
    Api::new()
        .says("Verifies an identity (refused under 18; the document's date of birth may correct the one given)")
        .body(schema_of::<kyc::ApproveKycInput>)
        .codes(&["kyc_decided", "underage", "document_expired"]),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Kyc])
);
pub static REJECT_KYC: Route = route!(
    "reject-kyc",
    "POST",
    "/admin/kyc/{id}/reject",
    ADMIN,
    kyc::reject_kyc_http,
    Api::new()
        .says("Rejects an identity check with the reason the person sees")
        .body(schema_of::<kyc::RejectKycInput>)
        .codes(&["kyc_decided"]),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Kyc])
);
pub static CREATE_PAYOUT_ACCOUNT: Route = route!(
    "create-payout-account",
    "POST",
    "/me/payout-accounts",
    EARNER,
    accounts::create_payout_account_http,
    Api::new()
        .says("Adds a bank account, UPI address or PayPal e-mail in the verified name, open after the hold")
        .body(schema_of::<accounts::PayoutAccountInput>)
        .codes(&["kyc_required", "holder_mismatch", "too_many_payout_accounts"]),
    Needs::write().keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static LIST_PAYOUT_ACCOUNTS: Route = route!(
    "list-payout-accounts",
    "GET",
    "/me/payout-accounts",
    ANY,
    accounts::list_payout_accounts_http,
    Api::new().says("The caller's payout accounts, numbers hidden but for the end"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static DELETE_PAYOUT_ACCOUNT: Route = route!(
    "delete-payout-account",
    "DELETE",
    "/me/payout-accounts/{id}",
    ANY,
    accounts::delete_payout_account_http,
    Api::new().says("Removes a payout account (an open withdrawal keeps its destination)"),
    Needs::write().keys(&[Family::Account, Family::Audit])
);
pub static CREATE_WITHDRAWAL: Route = route!(
    "create-withdrawal",
    "POST",
    "/me/withdrawals",
    EARNER,
    withdrawals::create_withdrawal_http,
    Api::new()
        .says("Asks for money out of payable_minor: one open request and one a week, the fee inside the amount")
        .idempotent()
        .body(schema_of::<withdrawals::WithdrawalInput>)
        .codes(&[
            "below_minimum",
            "weekly_limit",
            "insufficient_payable",
            "kyc_required",
            "kyc_expired",
            "payout_account_on_hold",
            "payout_account_changed",
            "withdrawal_open",
            "withdrawal_too_soon",
            "idempotency_key_reused",
            "balance_changed",
        ]),
    Needs::write().keys(&[
        Family::Account,
        Family::Audit,
        Family::Event,
        Family::Idempotency,
        Family::Settings,
        Family::Withdrawal,
    ])
);
pub static LIST_MY_WITHDRAWALS: Route = route!(
    "list-my-withdrawals",
    "GET",
    "/me/withdrawals",
    ANY,
    withdrawals::list_my_withdrawals_http,
    Api::new().says("The caller's withdrawals, newest first, with their states"),
    Needs::of_method("GET").keys(&[Family::Account, Family::WithdrawalsOf]).indexes(&[&GSI2])
);
pub static CANCEL_WITHDRAWAL: Route = route!(
    "cancel-withdrawal",
    "POST",
    "/me/withdrawals/{id}/cancel",
    ANY,
    withdrawals::cancel_withdrawal_http,
    Api::new()
        .says("Cancels the caller's withdrawal while it is requested: the amount goes back")
        .codes(&["not_cancellable", "withdrawal_moved"]),
    Needs::write().keys(&[Family::Account, Family::Audit, Family::Event, Family::Withdrawal])
);
pub static LIST_WITHDRAWALS: Route = route!(
    "list-withdrawals",
    "GET",
    "/admin/withdrawals",
    ADMIN,
    withdrawals::list_withdrawals_http,
    Api::new()
        .says("The withdrawals of a status (?status=requested, the default), oldest first")
        .query(&[(
            "status",
            r#"{"type": "string", "enum": ["requested", "approved", "processing", "paid", "rejected", "cancelled", "failed", "reversed"], "default": "requested"}"#,
            "requested (the queue), or any other state"
        )]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Withdrawals]).indexes(&[&GSI1])
);
pub static GET_WITHDRAWAL_ADMIN: Route = route!(
    "get-withdrawal-admin",
    "GET",
    "/admin/withdrawals/{id}",
    ADMIN,
    withdrawals::get_withdrawal_admin_http,
    Api::new().says("A withdrawal before approval: what leaves, to which account, the fee; and later its fate"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Withdrawal])
);
pub static APPROVE_WITHDRAWAL: Route = route!(
    "approve-withdrawal",
    "POST",
    "/admin/withdrawals/{id}/approve",
    ADMIN,
    withdrawals::approve_withdrawal_http,
    Api::new()
        .says("Approves a withdrawal: bank and UPI payouts go out through RazorpayX at once")
        .codes(&["withdrawal_moved", "payout_account_changed"]),
    Needs::write().secrets(&[Secret::RazorpayX]).keys(&[Family::Account, Family::Audit, Family::Withdrawal])
);
pub static REJECT_WITHDRAWAL: Route = route!(
    "reject-withdrawal",
    "POST",
    "/admin/withdrawals/{id}/reject",
    ADMIN,
    withdrawals::reject_withdrawal_http,
    Api::new()
        .says("Rejects a withdrawal with a reason: the amount goes back")
        .body(schema_of::<withdrawals::RejectWithdrawalInput>)
        .codes(&["withdrawal_moved"]),
    Needs::write().keys(&[Family::Account, Family::Audit, Family::Event, Family::Withdrawal])
);
pub static MARK_WITHDRAWAL_PAID: Route = route!(
    "mark-withdrawal-paid",
    "POST",
    "/admin/withdrawals/{id}/mark-paid",
    ADMIN,
    withdrawals::mark_withdrawal_paid_http,
    Api::new()
        .says("Marks an approved withdrawal paid outside RazorpayX (PayPal), with the provider's reference")
        .body(schema_of::<withdrawals::MarkPaidInput>)
        .codes(&["withdrawal_moved", "paid_by_provider"]),
    Needs::write().secrets(&[Secret::RazorpayX]).keys(&[Family::Account, Family::Audit, Family::Withdrawal])
);
pub static RAZORPAYX_WEBHOOK: Route = route!(
    "razorpayx-webhook",
    "POST",
    "/webhooks/razorpayx",
    Access::Public,
    withdrawals::razorpayx_webhook_http,
    Api::new()
        .says("RazorpayX's payout events: processed, failed or reversed settles its withdrawal once")
        .signed("X-Razorpay-Signature")
        .codes(&["invalid_signature"]),
    Needs::write().secrets(&[Secret::RazorpayXWebhook]).keys(&[Family::Account, Family::Event, Family::Withdrawal])
);
pub static GET_HOST_MONTH: Route = route!(
    "get-host-month",
    "GET",
    "/host/month",
    HOST,
    months::get_host_month_http,
    Api::new()
        .says("Where the host stands in a month, live: valid days and hours, earnings, tier and the gap to the next")
        .query(&[(
            "month",
            r#"{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}"#,
            "yyyy-mm; this month by default"
        )]),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static GET_HOST_TARGETS: Route = route!(
    "get-host-targets",
    "GET",
    "/admin/host-targets/{month}",
    ADMIN,
    months::get_host_targets_http,
    Api::new().says("A month's host targets: each tier's valid days, valid hours, earnings and salary"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_HOST_TARGETS: Route = route!(
    "put-host-targets",
    "PUT",
    "/admin/host-targets/{month}",
    ADMIN,
    months::put_host_targets_http,
    Api::new()
        .says("Sets a month's host targets before it starts (they freeze when it does)")
        .body(schema_of::<Vec<months::TargetTier>>)
        .codes(&["month_started"]),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static LIST_HOST_STATEMENTS: Route = route!(
    "list-host-statements",
    "GET",
    "/host/statements",
    HOST,
    statements::list_host_statements_http,
    Api::new().says("The host's month statements, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::StatementsOf]).indexes(&[&GSI2])
);
pub static GET_HOST_STATEMENT: Route = route!(
    "get-host-statement",
    "GET",
    "/host/statements/{id}",
    ANY,
    statements::get_host_statement_http,
    Api::new().says("A month statement line by line (each naming the ledger entries it sums) with its disputes"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Statement])
);
pub static CREATE_DISPUTE: Route = route!(
    "create-dispute",
    "POST",
    "/host/statements/{id}/disputes",
    EARNER,
    statements::create_dispute_http,
    Api::new()
        .says("Disputes a line of a closed host or agency statement, within 7 days of its closing")
        .body(schema_of::<statements::DisputeInput>)
        .codes(&["dispute_window_closed", "statement_moved"]),
    Needs::write().keys(&[Family::Account, Family::Audit, Family::Statement])
);
pub static RESOLVE_DISPUTE: Route = route!(
    "resolve-dispute",
    "POST",
    "/admin/statements/{id}/disputes/{dispute_id}/resolve",
    ADMIN,
    statements::resolve_dispute_http,
    Api::new()
        .says("Answers a statement dispute; the statement becomes final once none is open")
        .body(schema_of::<statements::ResolveDisputeInput>)
        .codes(&["dispute_resolved"]),
    Needs::write().keys(&[Family::Account, Family::Audit, Family::Statement])
);
pub static LIST_AGENCY_STATEMENTS: Route = route!(
    "list-agency-statements",
    "GET",
    "/agency/statements",
    AGENCY,
    statements::list_agency_statements_http,
    Api::new().says("The agency's month statements: commissions, tier adjustment, overrides and host bonuses"),
    Needs::of_method("GET").keys(&[Family::Account, Family::StatementsOf]).indexes(&[&GSI2])
);
