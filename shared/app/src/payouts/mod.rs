//! Getting paid: the identity check (KYC), payout accounts in the verified
//! name, and withdrawals out of `payable_minor` paid through RazorpayX.
//! Other code reaches this domain only through what this file re-exports.

mod accounts;
mod kyc;
pub mod routes;
mod withdrawals;

pub use withdrawals::fee_of;
