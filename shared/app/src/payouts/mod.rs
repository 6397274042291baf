//! Getting paid: the identity check (KYC), payout accounts in the verified
//! name, and withdrawals out of `payable_minor` paid through RazorpayX.
//! Other code reaches this domain only through what this file re-exports.

mod accounts;
mod kyc;
mod months;
pub mod routes;
mod statements;
mod withdrawals;

pub use months::live_minutes;
pub use statements::{CloseRun, close_host_month, close_host_month_event};
pub use withdrawals::fee_of;
