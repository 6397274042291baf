//! VIP tiers and their purchases (the bonus grants of check-in, tasks and
//! offers are `wallet::bonus`'s).

pub mod tasks;
pub mod vip;
