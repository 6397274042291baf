//! The one route table: the Lambdas, the dev server, the consistency test and
//! the docs all read it. One name per function everywhere. Each domain keeps
//! its routes beside its use cases; this file only gathers them.

use std::collections::HashMap;

use crate::AppState;
use crate::http::routes::{
    Access, Api, Family, GSI1, GSI2, GSI3, MediaUse, Needs, Queue, Secret, StreamTrigger, TableUse, route,
};
use crate::http::{Ctx, FreeForm, Html};
use crate::kernel::error::DomainResult;

pub use crate::accounts::routes::*;
pub use crate::agencies::routes::*;
pub use crate::calls::routes::*;
pub use crate::catalog::routes::*;
pub use crate::community::routes::*;
pub use crate::gifts::routes::*;
pub use crate::http::routes::{EventFunction, Route, Trigger};
pub use crate::live::routes::*;
pub use crate::notifications::routes::*;
pub use crate::operations::routes::*;
pub use crate::payouts::routes::*;
pub use crate::posts::routes::*;
pub use crate::presence::routes::*;
pub use crate::purchases::routes::*;
pub use crate::rewards::routes::*;
pub use crate::rooms::routes::*;
pub use crate::social::routes::*;
pub use crate::wallet::routes::*;

// Each route is a static of its own: a function binary names only its
// own (`run_http(&routes::SEND_GIFT)`), so the linker drops the others.
pub static GET_OPENAPI: Route = route!(
    "get-openapi",
    "GET",
    "/openapi.json",
    Access::Public,
    get_openapi_http,
    Api::new().says("This document"),
    Needs::read().table(TableUse::None)
);
pub static GET_DOCS: Route = route!(
    "get-docs",
    "GET",
    "/docs",
    Access::Public,
    get_docs_http,
    Api::new().says("This API's documentation page"),
    Needs::read().table(TableUse::None)
);

/// The OpenAPI document of every route.
pub async fn get_openapi_http(_state: &AppState, _ctx: &Ctx) -> DomainResult<FreeForm> {
    Ok(FreeForm(crate::http::openapi::document(ROUTES, COMPONENTS)))
}

pub async fn get_docs_http(_state: &AppState, _ctx: &Ctx) -> DomainResult<Html> {
    Ok(Html(crate::http::openapi::DOCS_PAGE))
}

/// Every HTTP route (the dev server, the document, the consistency test).
/// Schemas the document holds beside the routes' bodies: the live channels' messages (docs/live.md).
pub static COMPONENTS: &[crate::http::schema::BodySchema] = crate::live::MESSAGE_SCHEMAS;

pub static ROUTES: &[&Route] = &[
    &GET_OPENAPI,
    &GET_DOCS,
    &REGISTER,
    &LOGIN,
    &REFRESH_TOKEN,
    &LOGOUT,
    &FORGOT_PASSWORD,
    &RESET_PASSWORD,
    &GET_ME,
    &SEND_VERIFICATION,
    &VERIFY,
    &CHANGE_EMAIL,
    &CHANGE_PHONE,
    &UPDATE_ME,
    &PUT_PUSH_TOKEN,
    &GET_USER,
    &FOLLOW_USER,
    &UNFOLLOW_USER,
    &BLOCK_USER,
    &UNBLOCK_USER,
    &LIST_BLOCKS,
    &CREATE_REPORT,
    &LIST_REPORTS,
    &RESOLVE_REPORT,
    &LIST_FOLLOWERS,
    &LIST_FOLLOWING,
    &GET_WALLET,
    &LIST_TRANSACTIONS,
    &LIST_GIFTS,
    &CREATE_GIFT,
    &UPDATE_GIFT,
    &DELETE_GIFT,
    &SEND_GIFT,
    &LIST_COIN_PACKAGES,
    &CREATE_COIN_PACKAGE,
    &UPDATE_COIN_PACKAGE,
    &DELETE_COIN_PACKAGE,
    &CREATE_RECHARGE,
    &GET_RECHARGE,
    &LIST_MY_RECHARGES,
    &LIST_RECHARGES_ADMIN,
    &STRIPE_WEBHOOK,
    &RAZORPAY_WEBHOOK,
    &CREATE_GOOGLE_RECHARGE,
    &CREATE_APPLE_RECHARGE,
    &APPLE_WEBHOOK,
    &GOOGLE_WEBHOOK,
    &AGORA_WEBHOOK,
    &GRANT_COINS,
    &START_ROOM,
    &END_ROOM,
    &LIST_ROOMS,
    &GET_ROOM,
    &GET_ROOM_EVENTS,
    &GET_MY_EVENTS,
    &SEND_CHAT,
    &LIST_CHAT,
    &DELETE_CHAT,
    &PUT_CHAT_SETTINGS,
    &GET_CHAT_WORDS,
    &PUT_CHAT_WORDS,
    &JOIN_ROOM,
    &LEAVE_ROOM,
    &GET_LEADERBOARD,
    &KICK_VIEWER,
    &MUTE_VIEWER,
    &UNMUTE_VIEWER,
    &PUT_CALL_SETTINGS,
    &ADD_MODERATOR,
    &REMOVE_MODERATOR,
    &LIST_MODERATORS,
    &INVITE_PK,
    &ACCEPT_PK,
    &DECLINE_PK,
    &CANCEL_PK,
    &MATCH_PK,
    &LEAVE_PK_MATCH,
    &GET_CURRENT_PK,
    &GET_PK,
    &END_PK,
    &GET_PK_LEADERBOARD,
    &REQUEST_SEAT,
    &LIST_SEAT_REQUESTS,
    &APPROVE_SEAT_REQUEST,
    &REJECT_SEAT_REQUEST,
    &INVITE_TO_SEAT,
    &ACCEPT_SEAT,
    &LEAVE_SEAT,
    &UPDATE_SEAT,
    &GET_SETTINGS,
    &PUT_SETTINGS,
    &REDRIVE,
    &RECOUNT,
    &START_CALL,
    &CANCEL_CALL,
    &DECLINE_CALL,
    &ACCEPT_CALL,
    &CALL_HEARTBEAT,
    &END_CALL,
    &GET_CALL,
    &LIST_MY_CALLS,
    &LIST_CALLS_ADMIN,
    &CREATE_UPLOAD,
    &CREATE_POST,
    &GET_POST,
    &LIST_USER_POSTS,
    &GET_FEED,
    &DELETE_POST,
    &LIKE_POST,
    &UNLIKE_POST,
    &CREATE_COMMENT,
    &LIST_COMMENTS,
    &DELETE_COMMENT,
    &SHARE_POST,
    &VIEW_POST,
    &LIST_AUDIOS,
    &CREATE_AUDIO,
    &UPDATE_AUDIO,
    &DELETE_AUDIO,
    &LIST_INTERESTS,
    &CREATE_INTEREST,
    &UPDATE_INTEREST,
    &DELETE_INTEREST,
    &LIST_AVATARS,
    &CREATE_AVATAR,
    &UPDATE_AVATAR,
    &DELETE_AVATAR,
    &LIST_FAQS,
    &CREATE_FAQ,
    &UPDATE_FAQ,
    &DELETE_FAQ,
    &GET_PAGE,
    &PUT_PAGE,
    &GET_ADMIN_STATS,
    &LIST_USERS,
    &GET_USER_ADMIN,
    &LIST_USER_TRANSACTIONS_ADMIN,
    &BAN_USER,
    &UNBAN_USER,
    &LIST_HOSTS,
    &LIST_AUDIT,
    &LIST_AGENCIES,
    &CREATE_AGENCY,
    &REINVITE_AGENCY,
    &ACCEPT_AGENCY_INVITATION,
    &UPDATE_AGENCY,
    &DELETE_AGENCY,
    &CREATE_AGENCY_SETTLEMENT,
    &CREATE_HOST_SETTLEMENT_ADMIN,
    &LIST_SETTLEMENTS,
    &LIST_HOST_APPLICATIONS,
    &CREATE_HOST_APPLICATION,
    &GET_MY_HOST_APPLICATION,
    &GET_AGENCY,
    &GET_AGENCY_DASHBOARD,
    &LIST_AGENCY_HOST_APPLICATIONS,
    &APPROVE_HOST_APPLICATION,
    &REJECT_HOST_APPLICATION,
    &LIST_AGENCY_HOSTS,
    &REMOVE_AGENCY_HOST,
    &CREATE_HOST_SETTLEMENT,
    &LIST_AGENCY_SETTLEMENTS,
    &LIST_MY_SETTLEMENTS,
    &GET_HOST_DASHBOARD,
    &LIST_NOTIFICATIONS,
    &CREATE_BROADCAST,
    &LIST_BROADCASTS,
    &MARK_NOTIFICATIONS_READ,
    &GET_CHAT_TOKEN,
    &CHECK_IN,
    &GET_CHECK_IN,
    &GET_OFFERS,
    &GET_MY_LEVELS,
    &GET_LEVEL_TABLE,
    &PUT_LEVEL_TABLE,
    &LIST_VIP_TIERS,
    &PUT_VIP_TIERS,
    &GET_MY_VIP,
    &BUY_VIP,
    &VIP_DAILY_CLAIM,
    &LIST_TASKS_ADMIN,
    &CREATE_TASK,
    &UPDATE_TASK,
    &LIST_MY_TASKS,
    &CLAIM_TASK,
    &SHARE_ROOM,
    &GET_USER_WALLET_ADMIN,
    &SUBMIT_KYC,
    &GET_MY_KYC,
    &LIST_KYC,
    &APPROVE_KYC,
    &REJECT_KYC,
    &CREATE_PAYOUT_ACCOUNT,
    &LIST_PAYOUT_ACCOUNTS,
    &DELETE_PAYOUT_ACCOUNT,
    &CREATE_WITHDRAWAL,
    &LIST_MY_WITHDRAWALS,
    &CANCEL_WITHDRAWAL,
    &LIST_WITHDRAWALS,
    &GET_WITHDRAWAL_ADMIN,
    &APPROVE_WITHDRAWAL,
    &REJECT_WITHDRAWAL,
    &MARK_WITHDRAWAL_PAID,
    &RAZORPAYX_WEBHOOK,
    &GET_HOST_MONTH,
    &GET_HOST_TARGETS,
    &PUT_HOST_TARGETS,
    &LIST_HOST_STATEMENTS,
    &GET_HOST_STATEMENT,
    &CREATE_DISPUTE,
    &RESOLVE_DISPUTE,
    &GET_AGENCY_TIERS,
    &PUT_AGENCY_TIERS,
    &GET_AGENCY_MONTH,
    &CREATE_SUB_AGENCY,
    &LIST_AGENCY_STATEMENTS,
];

pub static EVENT_FUNCTIONS: &[EventFunction] = &[
    EventFunction {
        name: "bootstrap-admin",
        trigger: Trigger::Manual,
        domain: "accounts",
        needs: Needs::write().keys(&[Family::Account, Family::Event, Family::Login, Family::Singleton]),
        doc: "Invoked once by hand with {\"email\", \"password\"} to create the first admin (`aws lambda invoke`); refuses when one exists.",
    },
    EventFunction {
        name: "call-tick",
        trigger: Trigger::Schedule("rate(1 minute)"),
        domain: "calls",
        // Ending a call has Agora drop its parties (kicking rules).
        needs: Needs::write()
            .secrets(&[Secret::AgoraRest])
            .memory(512)
            .timeout(120)
            .keys(&[Family::Account, Family::Call, Family::Calls, Family::Event, Family::Events])
            .indexes(&[&GSI1]),
        doc: "Every minute: bills active calls, ends dropped or unpaid ones, marks unanswered ones missed. Overlapping or repeated runs are safe (every change is conditional).",
    },
    EventFunction {
        name: "purge-deleted-posts",
        trigger: Trigger::Schedule("rate(10 minutes)"),
        domain: "posts",
        needs: Needs::write()
            .media(MediaUse::Write)
            .timeout(300)
            .keys(&[Family::Account, Family::FeedOf, Family::Post, Family::Posts])
            .indexes(&[&GSI1]),
        doc: "Every 10 minutes: finishes post deletions a crash left half done (posts are hidden from the moment they are marked deleted).",
    },
    EventFunction {
        name: "consume-purchases",
        trigger: Trigger::Schedule("rate(10 minutes)"),
        domain: "purchases",
        needs: Needs::write()
            .secrets(&[Secret::GooglePlay])
            .timeout(120)
            .keys(&[Family::Recharge, Family::Unconsumed])
            .indexes(&[&GSI1]),
        doc: "Consumes credited Play purchases whose consume failed (never credits).",
    },
    EventFunction {
        name: "sync-voided-purchases",
        trigger: Trigger::Schedule("rate(1 day)"),
        domain: "purchases",
        needs: Needs::write().secrets(&[Secret::GooglePlay]).timeout(300).keys(&[
            Family::Account,
            Family::Event,
            Family::PaymentRef,
            Family::Recharge,
            Family::RefundEvent,
            Family::Settings,
            Family::StoreCheckpoint,
        ]),
        doc: "The backstop for lost notifications: Play's voided purchases since the last run.",
    },
    EventFunction {
        name: "reconcile",
        // Early in the hour, so a peak hour's 64 shards are done within the next (`make capacity`).
        trigger: Trigger::Schedule("cron(5 * * * ? *)"),
        domain: "operations",
        needs: Needs::write()
            .table(TableUse::WriteAndScan)
            .sends_to(&[Queue::Reconcile])
            .memory(512)
            .timeout(900)
            .keys(&[Family::Account, Family::Events, Family::Reconcile])
            .indexes(&[&GSI2]),
        doc: "Hourly at :05: sends each closed hour's 64 event shards since the last run to reconcile-shard; by hand {\"full\": true} the full pass on a restored copy. Never changes money.",
    },
    EventFunction {
        name: "reconcile-shard",
        trigger: Trigger::Queue { queue: Queue::Reconcile, batch_size: 1 },
        domain: "operations",
        // A page at a time: memory holds one page, the shard's sums and the accounts it checked.
        needs: Needs::write()
            .sends_to(&[Queue::Reconcile])
            .memory(512)
            .timeout(300)
            .keys(&[Family::Account, Family::Events, Family::Reconcile])
            .indexes(&[&GSI2]),
        doc: "Reconciles one shard of an hour's events from its watermark, a page at a time; near its time limit it saves the watermark and queues itself again. The last shard of a window writes the window's report. Never changes money.",
    },
    EventFunction {
        name: "authorize-events",
        trigger: Trigger::EventsAuthorizer,
        // In the accounts stack (sessions), which publishes nothing: the Event
        // API needs its ARN, and every publishing stack needs the Event API.
        domain: "accounts",
        needs: Needs::read().keys(&[Family::Account, Family::Room]),
        doc: "The live channels' Lambda authorizer (AppSync Events): connecting needs a live session, subscribing to /rooms/{id} a room whose host has not blocked nor kicked the account, /users/{id} only that account; a client's publish is refused.",
    },
    EventFunction {
        name: "send-push",
        trigger: Trigger::TableStream(StreamTrigger {
            filters: &[r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "NOTIF#"}]}}}}"#],
            batch_size: 50,
            window_secs: 1,
            parallelization: 1,
            retries: 5,
            starting_position: "LATEST",
            bisect: true,
            dead_letter_queue: "PushDeadLetterQueue",
        }),
        domain: "notifications",
        needs: Needs::write()
            .secrets(&[Secret::Firebase])
            .publishes()
            .timeout(120)
            .keys(&[Family::Account, Family::ChannelLog]),
        doc: "The table's stream hands it new notification items; it puts each on its recipient's live channel (with the call or invitation it announces) and pushes it through FCM.",
    },
    EventFunction {
        name: "aggregate",
        trigger: Trigger::TableStream(StreamTrigger {
            filters: &[
                r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "EVENT#"}]}}}}"#,
                // Counted edges (follows, likes, views, shares): new ones and
                // tombstones; the function skips those already counted.
                r#"{"eventName": ["INSERT", "MODIFY"], "dynamodb": {"Keys": {"sk": {"S": [{"prefix": "FOLLOWS#"}, {"prefix": "LIKE#"}, {"prefix": "VIEW#"}, {"prefix": "SHARE#"}]}}}}"#,
            ],
            batch_size: 500,
            window_secs: 1,
            parallelization: 4,
            retries: 10,
            starting_position: "TRIM_HORIZON",
            bisect: false,
            dead_letter_queue: "AggregateDeadLetterQueue",
        }),
        domain: "operations",
        needs: Needs::write().timeout(60).keys(&[
            Family::Account,
            Family::Battle,
            Family::Board,
            Family::Event,
            Family::Events,
            Family::PkGifter,
            Family::Post,
            Family::Room,
            Family::RoomGifter,
            Family::Settings,
            Family::Stats,
        ]),
        doc: "Applies money events (the host's side of gifts and calls, rooms, boards, counters) and the counts of follows, likes, views and shares from the table's stream, each exactly once (docs/money.md).",
    },
    EventFunction {
        name: "publish-live",
        trigger: Trigger::TableStream(StreamTrigger {
            filters: store::ROOM_RECORD_FILTERS,
            batch_size: 100,
            window_secs: 0,
            parallelization: 4,
            retries: 5,
            starting_position: "LATEST",
            bisect: false,
            dead_letter_queue: "LiveDeadLetterQueue",
        }),
        domain: "live",
        needs: Needs::write()
            .publishes()
            .timeout(60)
            .keys(&[
                Family::Account,
                Family::Battle,
                Family::ChannelLog,
                Family::Gift,
                Family::PkGifters,
                Family::Room,
                Family::RoomGifters,
                Family::Settings,
            ])
            .indexes(&[&GSI3]),
        doc: "The table's stream hands it room, seat, kick, mute, PK, call and gift batch records; it publishes room_ended, viewers (at most every 10 s), seats, moderation, kicked, pk, call and gifts (merged, at most 10 messages a second a room) on the live channels, each record once.",
    },
    EventFunction {
        name: "send-broadcasts",
        trigger: Trigger::Schedule("rate(1 minute)"),
        domain: "notifications",
        needs: Needs::write()
            .timeout(300)
            .keys(&[Family::Account, Family::Accounts, Family::Broadcasts, Family::Hosts])
            .indexes(&[&GSI1, &GSI2]),
        doc: "Every minute: goes on fanning out the broadcasts still sending, a page of accounts at a time, from where the last run recorded it stopped.",
    },
    EventFunction {
        name: "end-pk-battles",
        trigger: Trigger::Schedule("rate(1 minute)"),
        domain: "rooms",
        needs: Needs::write()
            .timeout(120)
            .keys(&[
                Family::Account,
                Family::Battle,
                Family::Event,
                Family::Events,
                Family::OpenBattles,
                Family::PkBoard,
                Family::PkGifters,
                Family::Room,
                Family::Settings,
            ])
            .indexes(&[&GSI1, &GSI3]),
        doc: "Every minute: ends PK battles whose time is up and writes each result (winner, boards, bonus) once every gift sent before the end is applied. Either host's read does the same, so the minute is a backstop.",
    },
    EventFunction {
        name: "expire-bonus-coins",
        trigger: Trigger::Schedule("rate(1 hour)"),
        domain: "wallet",
        needs: Needs::write()
            .timeout(300)
            .keys(&[Family::Account, Family::BonusDue, Family::Event, Family::Events])
            .indexes(&[&GSI1]),
        doc: "Hourly: takes what is left of the bonus-coin grants that expired (a `bonus_expired` ledger entry each) and removes the grants; a repeated run expires nothing twice.",
    },
    EventFunction {
        name: "close-host-month",
        // Daily, half an hour into the UTC day: a month's drafts within the hour after it.
        trigger: Trigger::Schedule("cron(30 0 * * ? *)"),
        domain: "payouts",
        needs: Needs::write()
            .timeout(900)
            .memory(512)
            .keys(&[
                Family::Account,
                Family::Agencies,
                Family::Agency,
                Family::Event,
                Family::Hosts,
                Family::Settings,
                Family::Settlement,
                Family::SettlementsOfAgency,
                Family::Statement,
                Family::StatementsOf,
                Family::SubAgencies,
            ])
            .indexes(&[&GSI1, &GSI2]),
        doc: "Daily: drafts last month's host statements, closes them 72 h after the month, makes them final (crediting the salary) 7 days after closing with no dispute open; a repeated run changes nothing twice.",
    },
    EventFunction {
        name: "remind-vip-ends",
        trigger: Trigger::Schedule("rate(1 hour)"),
        domain: "rewards",
        needs: Needs::write().timeout(300).keys(&[Family::Account, Family::VipReminders]).indexes(&[&GSI1]),
        doc: "Hourly: pushes each account whose VIP tier ends in 3 days, once per purchase (a renewal moves the reminder).",
    },
    EventFunction {
        name: "sweep-events",
        trigger: Trigger::Schedule("rate(5 minutes)"),
        domain: "operations",
        needs: Needs::write()
            .timeout(300)
            .keys(&[Family::Account, Family::Board, Family::Event, Family::Events, Family::Settings, Family::Stats])
            .indexes(&[&GSI1]),
        doc: "Every 5 minutes: applies money events pending for over a minute (a batch in the dead-letter queue, records the stream lost).",
    },
];

/// The function `name` invoked by a schedule or the stream (panics on a name the table lacks).
pub fn event_function(name: &str) -> &'static EventFunction {
    EVENT_FUNCTIONS.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no event function {name}"))
}

/// Runs `fut` as the event function `name` runs in AWS: off Lambda, touching
/// the table only as its needs say (`store::actions`).
pub async fn as_event_function<F: std::future::Future>(name: &'static str, fut: F) -> F::Output {
    store::actions::within(name, event_function(name).needs.allowance(), fut).await
}

/// Runs `fut` as route `r`'s function may (a local tool calling its use case directly).
pub async fn as_route<F: std::future::Future>(r: &'static Route, fut: F) -> F::Output {
    store::actions::within(r.name, r.needs.allowance(), fut).await
}

pub fn by_name(name: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.name == name).copied()
}

/// Matches a request path against the table (as API Gateway does).
pub fn find(method: &str, path: &str) -> Option<(&'static Route, HashMap<String, String>)> {
    crate::http::routes::find(ROUTES, method, path)
}
