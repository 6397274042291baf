//! The DynamoDB access crate: the one table's definition, every key, every item
//! shape and every transaction. Nothing outside this crate spells a `pk`.

mod accounts;
mod agencies;
mod audit;
mod blocks;
mod boards;
mod broadcasts;
mod calls;
mod catalog;
mod channels;
mod chat;
mod core;
mod counts;
mod daylog;
mod events;
mod follows;
mod gift_batches;
mod gifts;
mod moderation;
mod notifications;
mod packages;
mod pk;
mod posts;
mod presence;
mod recharges;
pub mod reconcile;
mod recount;
mod reports;
mod rooms;
mod seats;
mod sessions;
mod settings;
mod stats;
pub mod stream;
mod wallet;

pub use accounts::{Account, CodeKind, Payer, ProfileChanges, ResetCode, Role};
pub use agencies::{Agency, HostApplication, Settlement};
pub use audit::{AuditEntry, AuditFilter};
pub use aws_sdk_dynamodb::Client as DynamoClient;
pub use blocks::Block;
pub use boards::{BoardEntry, BoardKind, Period};
pub use broadcasts::Broadcast;
pub use calls::{Call, CallEnd, CallStartView, CallState, NewCall, Release};
pub use catalog::{Catalog, CatalogEntry};
pub use channels::{
    APPEND_MAX, Appended, CHANNEL_KEEP_MS, CHANNEL_SLOT_MS, ChannelHead, ChannelMessage, ROOM_RECORD_FILTERS,
    RoomRecord, room_record,
};
pub use chat::{ChatLine, ChatWords};
pub use core::db::{Db, client, client_for};
pub use core::error::{Error, Result};
pub use core::keys::{WINDOW_SHARDS, day_of, hour_of, week_of};
pub use core::page::{Page, PageKey};
pub use core::{actions, retry, table};
pub use counts::{counted_by, edge_needs_count};
pub use events::{CallCredit, Credit, MoneyEvent, is_event_sk};
pub use follows::FollowEdge;
pub use gift_batches::{GiftBatch, RoomGift};
pub use gifts::{Gift, GiftSend, GiftSendView};
pub use moderation::{Kick, MAX_MODERATORS, Moderator, Mute};
pub use notifications::{NOTIFICATION_TTL_MS, Notification, is_notification_sk};
pub use packages::{Audio, Avatar, CoinPackage, Faq, Interest, SitePage};
pub use pk::{PkBattle, PkInvitation, PkResult, PkSide, PkStanding, PkWaiting, PkWindow};
pub use posts::{Comment, Post};
pub use presence::ChannelOwner;
pub use recharges::{CoinsAndDebt, Recharge, Takeback};
pub use recount::Recounted;
pub use reports::Report;
pub use rooms::Room;
pub use seats::{Seat, SeatAsk, SeatClaim};
pub use sessions::{RefreshRecord, Standing};
pub use settings::Settings;
pub use stats::{DayStats, Totals};
pub use wallet::{Balance, IDEMPOTENCY_TTL_MS, IdempotentReply, LedgerEntry, WalletChange, entry_id};
