//! The routes of this domain (the table is `crate::routes`).

use super::{checkin, levels, tasks, vip};
use crate::http::routes::*;

pub static CHECK_IN: Route = route!(
    "check-in",
    "POST",
    "/me/check-in",
    ANY,
    checkin::check_in_http,
    Api::new()
        .says("Today's check-in: the day's bonus coins of the 7-day ladder (a missed day starts it again)")
        .codes(&["already_checked_in"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Event, Family::Settings])
);
pub static GET_CHECK_IN: Route = route!(
    "get-check-in",
    "GET",
    "/me/check-in",
    ANY,
    checkin::get_check_in_http,
    Api::new().says("Where the caller stands in the check-in ladder, and each day's reward"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static GET_MY_LEVELS: Route = route!(
    "get-my-levels",
    "GET",
    "/me/levels",
    ANY,
    levels::get_my_levels_http,
    Api::new().says("The caller's wealth and charm levels, XP and the XP of the next level"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static GET_LEVEL_TABLE: Route = route!(
    "get-level-table",
    "GET",
    "/admin/levels/{kind}",
    ADMIN,
    levels::get_level_table_http,
    Api::new().says("The wealth or charm level table: the XP each level starts at"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_LEVEL_TABLE: Route = route!(
    "put-level-table",
    "PUT",
    "/admin/levels/{kind}",
    ADMIN,
    levels::put_level_table_http,
    Api::new()
        .says("Replaces the wealth or charm level table: level 1 at 0 XP, each level more than the one before")
        .body(schema_of::<levels::LevelTable>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static LIST_VIP_TIERS: Route = route!(
    "list-vip-tiers",
    "GET",
    "/vip/tiers",
    ANY,
    vip::list_vip_tiers_http,
    Api::new().says("The VIP tiers: prices, renewal prices, days, daily bonus and perks"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static PUT_VIP_TIERS: Route = route!(
    "put-vip-tiers",
    "PUT",
    "/admin/vip/tiers",
    ADMIN,
    vip::put_vip_tiers_http,
    Api::new()
        .says("Replaces the three VIP tiers' names, prices, days and daily bonus")
        .body(schema_of::<vip::VipTierList>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static GET_MY_VIP: Route = route!(
    "get-my-vip",
    "GET",
    "/me/vip",
    ANY,
    vip::get_my_vip_http,
    Api::new().says("The caller's VIP: the tier shown and each tier's time"),
    Needs::of_method("GET").keys(&[Family::Account])
);
pub static BUY_VIP: Route = route!(
    "buy-vip",
    "POST",
    "/me/vip",
    ANY,
    vip::buy_vip_http,
    Api::new()
        .says("Buys or extends a VIP tier with paid coins (an active tier is extended at the renewal price)")
        .idempotent()
        .body(schema_of::<vip::BuyVipInput>)
        .codes(&["insufficient_coins", "coin_debt", "idempotency_key_reused", "balance_changed"]),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Audit,
        Family::Event,
        Family::Idempotency,
        Family::Settings
    ])
);
pub static VIP_DAILY_CLAIM: Route = route!(
    "vip-daily-claim",
    "POST",
    "/me/vip/daily-claim",
    ANY,
    vip::vip_daily_claim_http,
    Api::new()
        .says("Today's VIP bonus coins of the active tier, once an economy day")
        .codes(&["already_claimed", "not_vip"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Event, Family::Settings])
);
pub static LIST_TASKS_ADMIN: Route = route!(
    "list-tasks-admin",
    "GET",
    "/admin/tasks",
    ADMIN,
    tasks::list_tasks_admin_http,
    Api::new().says("The task catalog, active and retired"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static CREATE_TASK: Route = route!(
    "create-task",
    "POST",
    "/admin/tasks",
    ADMIN,
    tasks::create_task_http,
    Api::new()
        .says("Adds a task: what it counts, how much, how often, and its bonus coins")
        .body(new_schema_of::<tasks::TaskChanges>)
        .codes(&["too_many_tasks"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static UPDATE_TASK: Route = route!(
    "update-task",
    "PATCH",
    "/admin/tasks/{id}",
    ADMIN,
    tasks::update_task_http,
    Api::new().says("Changes a task, or retires it (`active: false`)").body(schema_of::<tasks::TaskChanges>),
    Needs::of_method("PATCH").keys(&[Family::Account, Family::Audit, Family::Settings])
);
pub static LIST_MY_TASKS: Route = route!(
    "list-my-tasks",
    "GET",
    "/me/tasks",
    ANY,
    tasks::list_my_tasks_http,
    Api::new().says("The active tasks with the caller's progress this period and whether claimed"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static CLAIM_TASK: Route = route!(
    "claim-task",
    "POST",
    "/me/tasks/{id}/claim",
    ANY,
    tasks::claim_task_http,
    Api::new()
        .says("Claims a completed task's bonus coins, once a period")
        .codes(&["not_completed", "already_claimed"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Event, Family::Settings])
);
pub static SHARE_ROOM: Route = route!(
    "share-room",
    "POST",
    "/rooms/{id}/share",
    ANY,
    tasks::share_room_http,
    Api::new()
        .says("Records that the caller shared a live room (counts for share tasks once a day a room)")
        .codes(&["room_ended"]),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Audit,
        Family::Room,
        Family::RoomViewers,
        Family::Settings
    ])
);
