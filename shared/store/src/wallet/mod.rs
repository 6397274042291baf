//! Balances (paid and bonus coins, earnings), the ledger, money events (the payer's recorder) and what they count, recharges, the day logs of calls and recharges.

pub mod balance;
pub mod bonus;
pub mod counts;
pub mod daylog;
pub mod events;
pub mod recharges;
