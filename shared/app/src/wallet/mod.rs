//! Wallets, the ledger, admin grants, and recharges through Stripe and Razorpay.
//! Other code reaches this domain only through what this file re-exports.

mod admin;
mod balance;
mod recharges;
pub mod routes;

pub use balance::{GrantInput, grant_coins};
pub use recharges::{RechargeView, Takeback, claw_back, recharge_view, repay_debt};
