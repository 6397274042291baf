//! What brings users back: the daily check-in ladder (and, on the same
//! bonus-coin grants, tasks, VIP claims and the first-recharge offer).
//! Other code reaches this domain only through what this file re-exports.

mod checkin;
mod levels;
pub mod routes;
mod tasks;
mod vip;

pub use checkin::{economy_day, task_periods};
pub use tasks::TaskCounting;
pub use vip::{BuyVipInput, buy_vip, perks, remind_vip_ends, remind_vip_ends_event};
