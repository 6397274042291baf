//! Wallets (paid and bonus coins, earnings), the ledger, admin grants, and recharges through Stripe and Razorpay.
//! Other code reaches this domain only through what this file re-exports.

mod admin;
mod balance;
mod bonus;
mod offers;
mod recharges;
pub mod routes;

pub use balance::{GrantInput, grant_coins};
pub use bonus::{ExpiryRun, expire_bonus_coins, expire_bonus_coins_event};
pub use recharges::{RechargeView, Takeback, claw_back, credit_change, recharge_view, repay_debt};
