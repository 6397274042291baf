//! The keys of getting paid: KYC, payout accounts, withdrawals, host
//! targets and statements (re-exported by `keys`).

/// A KYC submission; GSI1 lists them by status (`KYCQ#pending`), oldest first.
pub fn kyc(id: &str) -> String {
    format!("KYC#{id}")
}
pub const KYC: &str = "KYC";
pub fn kyc_queue(status: &str) -> String {
    format!("KYCQ#{status}")
}
/// Under `account(id)`: one of its payout accounts.
pub fn payout_account(id: &str) -> String {
    format!("{PAYOUT_ACCOUNT_PREFIX}{id}")
}
pub const PAYOUT_ACCOUNT_PREFIX: &str = "PAYACCT#";
/// A withdrawal; GSI1 lists them by status (`WITHDRAWALS#requested`), GSI2
/// an account's (`WITHDRAWALS_OF#id`), newest first.
pub fn withdrawal(id: &str) -> String {
    format!("WITHDRAWAL#{id}")
}
pub const WITHDRAWAL: &str = "WITHDRAWAL";
pub fn withdrawals(status: &str) -> String {
    format!("WITHDRAWALS#{status}")
}
pub fn withdrawals_of(account: &str) -> String {
    format!("WITHDRAWALS_OF#{account}")
}
/// Under `SETTINGS`: a month's host targets (`TARGETS#yyyy-mm`).
pub fn host_targets(month: &str) -> String {
    format!("TARGETS#{month}")
}
/// A host's statement of a month (id `yyyymm-host`); GSI2 lists a host's
/// (`STATEMENTS_OF#host`) by month.
pub fn statement(id: &str) -> String {
    format!("STATEMENT#{id}")
}
pub const STATEMENT: &str = "STATEMENT";
pub fn statements_of(host: &str) -> String {
    format!("STATEMENTS_OF#{host}")
}
/// Under `statement(id)`: its lines in order (`LINE#00001`) and its disputes.
pub fn statement_line(n: usize) -> String {
    format!("LINE#{n:05}")
}
pub const STATEMENT_LINE_PREFIX: &str = "LINE#";
pub fn statement_dispute(id: &str) -> String {
    format!("DISPUTE#{id}")
}
pub const STATEMENT_DISPUTE_PREFIX: &str = "DISPUTE#";
