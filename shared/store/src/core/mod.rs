//! What every domain of the store stands on, and which stands on no domain:
//! the client and its actions (`db`), every key (`keys`) and their families
//! (`families`, what a function is granted), the table's
//! definition (`table`), retries, the error type and a page of a list.

pub mod actions;
pub(crate) mod db;
pub(crate) mod error;
pub mod families;
pub(crate) mod keys;
pub(crate) mod page;
pub(crate) mod payout_keys;
pub mod retry;
pub mod table;
