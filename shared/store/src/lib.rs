//! The DynamoDB access crate: the one table's definition, every key, every item
//! shape and every transaction. Nothing outside this crate spells a `pk`.

mod accounts;
mod agencies;
mod calls;
mod catalog;
mod community;
mod core;
mod gifts;
mod live;
mod notifications;
mod operations;
mod payouts;
mod posts;
mod presence;
mod rewards;
mod rooms;
mod social;
mod wallet;

pub use operations::{reconcile, stream};

pub use accounts::account::{Account, CodeKind, Payer, ProfileChanges, ResetCode, Role};
pub use accounts::sessions::{RefreshRecord, Standing};
pub use agencies::agency::{Agency, HostApplication, Settlement};
pub use aws_sdk_dynamodb::Client as DynamoClient;
pub use calls::call::{Call, CallEnd, CallStartView, CallState, NewCall, Release};
pub use catalog::entries::{Catalog, CatalogEntry};
pub use catalog::packages::{Audio, Avatar, CoinPackage, Faq, Interest, SitePage};
pub use catalog::settings::{LevelTables, Settings};
pub use community::reports::Report;
pub use core::db::{Db, client, client_for};
pub use core::error::{Error, Result};
pub use core::families::Family;
pub use core::keys::{WINDOW_SHARDS, day_of, hour_of, week_of};
pub use core::page::{Page, PageKey};
pub use core::{actions, retry, table};
pub use gifts::batches::{GiftBatch, RoomGift};
pub use gifts::boards::{BoardEntry, BoardKind, Period};
pub use gifts::gift::{Gift, GiftCurrency, GiftSend, GiftSendView};
pub use live::channels::{
    APPEND_MAX, Appended, CHANNEL_KEEP_MS, CHANNEL_SLOT_MS, ChannelHead, ChannelMessage, ROOM_RECORD_FILTERS,
    RoomRecord, room_record,
};
pub use live::chat::{ChatLine, ChatWords};
pub use notifications::broadcasts::Broadcast;
pub use notifications::notification::{NOTIFICATION_TTL_MS, Notification, is_notification_sk};
pub use operations::aggregate::PayeeRules;
pub use operations::audit::{AuditEntry, AuditFilter};
pub use operations::counts::{counted_by, edge_needs_count};
pub use operations::recount::Recounted;
pub use operations::stats::{DayStats, Totals};
pub use payouts::accounts::{MAX_PAYOUT_ACCOUNTS, PayoutAccount};
pub use payouts::kyc::Kyc;
pub use payouts::statements::{Dispute, HostDay, HostTarget, HostTargets, Statement, StatementLine};
pub use payouts::withdrawals::{OPEN_WITHDRAWAL_STATES, Withdrawal, WithdrawalMove, WithdrawalRequest, WithdrawalStep};
pub use posts::post::{Comment, Post};
pub use presence::owners::ChannelOwner;
pub use rewards::tasks::{Periods, Task, Tasks};
pub use rewards::vip::{VipPurchase, VipReminder, VipTier, VipTiers, vip_attr};
pub use rooms::moderation::{Kick, MAX_MODERATORS, Moderator, Mute};
pub use rooms::pk::{PkBattle, PkInvitation, PkResult, PkSide, PkStanding, PkWaiting, PkWindow};
pub use rooms::room::Room;
pub use rooms::seats::{Seat, SeatAsk, SeatClaim};
pub use social::blocks::Block;
pub use social::follows::FollowEdge;
pub use wallet::balance::{Balance, IDEMPOTENCY_TTL_MS, IdempotentReply, LedgerEntry, WalletChange, entry_id};
pub use wallet::bonus::{BONUS_DAYS, BonusGrant, Claim, remaining as bonus_remaining};
pub use wallet::events::{CallCredit, Credit, MoneyEvent, is_event_sk};
pub use wallet::recharges::{CoinsAndDebt, FIRST_RECHARGE, FirstRecharge, Recharge, Takeback};
