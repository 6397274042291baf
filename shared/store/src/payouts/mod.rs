//! Getting paid: identity checks (KYC), the accounts money is paid to, and
//! withdrawals out of `payable_minor` with their payouts' fate; host months
//! and their statements.

pub mod accounts;
pub mod kyc;
pub mod statements;
pub mod withdrawals;
