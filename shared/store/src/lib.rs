//! The DynamoDB access crate: the one table's definition, every key, every item
//! shape and every transaction. Nothing outside this crate spells a `pk`.

mod accounts;
mod agencies;
mod audit;
mod blocks;
mod calls;
mod catalog;
mod db;
mod error;
mod follows;
mod gifts;
mod keys;
mod notifications;
mod packages;
mod page;
mod posts;
mod recharges;
mod reports;
pub mod retry;
mod rooms;
mod sessions;
mod stats;
pub mod table;
mod wallet;

pub use accounts::{Account, Payer, ProfileChanges, ResetCode, Role};
pub use agencies::{Agency, HostApplication, Settlement};
pub use audit::AuditEntry;
pub use aws_sdk_dynamodb::Client as DynamoClient;
pub use blocks::Block;
pub use calls::{Call, CallEnd, CallStartView, CallState, NewCall, Release};
pub use catalog::{Catalog, CatalogEntry};
pub use db::Db;
pub use error::{Error, Result};
pub use follows::FollowEdge;
pub use gifts::{Gift, GiftSend};
pub use keys::day_of;
pub use notifications::{NOTIFICATION_TTL_MS, Notification, is_notification_sk};
pub use packages::{Audio, Avatar, CoinPackage, Faq, Interest, SitePage};
pub use page::{Page, PageKey};
pub use posts::{Comment, Post};
pub use recharges::{CoinsAndDebt, Recharge};
pub use reports::Report;
pub use rooms::Room;
pub use sessions::RefreshRecord;
pub use stats::{DayStats, Totals};
pub use wallet::{Balance, IDEMPOTENCY_TTL_MS, IdempotentReply, LedgerEntry, WalletChange};
