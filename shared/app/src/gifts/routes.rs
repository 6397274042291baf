//! The routes of this domain (the table is `crate::routes`).

use super::{gift, leaderboards};
use crate::http::routes::*;

pub static LIST_GIFTS: Route = route!(
    "list-gifts",
    "GET",
    "/gifts",
    Access::Public,
    gift::list_gifts_http,
    Api::new().says("Lists the gifts on sale"),
    Needs::read().media(MediaUse::Read).keys(&[Family::Catalog, Family::Stats]).indexes(&[&GSI1])
);
pub static CREATE_GIFT: Route = route!(
    "create-gift",
    "POST",
    "/admin/gifts",
    ADMIN,
    gift::create_gift_http,
    Api::new()
        .says("Adds a gift to the catalog")
        .body(new_schema_of::<gift::GiftChanges>)
        .links(links_by_id!("$response.body#/id": "update-gift", "delete-gift")),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Gift])
);
pub static UPDATE_GIFT: Route = route!(
    "update-gift",
    "PATCH",
    "/admin/gifts/{id}",
    ADMIN,
    gift::update_gift_http,
    Api::new().says("Changes a gift's name, price, images or availability").body(schema_of::<gift::GiftChanges>),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Gift, Family::Stats])
);
pub static DELETE_GIFT: Route = route!(
    "delete-gift",
    "DELETE",
    "/admin/gifts/{id}",
    ADMIN,
    gift::delete_gift_http,
    Api::new().says("Retires a gift: it leaves the catalog, history keeps its name and price"),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Gift])
);
pub static SEND_GIFT: Route = route!(
    "send-gift",
    "POST",
    "/users/{id}/gifts",
    ANY,
    gift::send_gift_http,
    Api::new()
        .says("Sends a gift to a host, in a live room or on the profile")
        .idempotent()
        .body(schema_of::<gift::SendGiftInput>)
        .codes(&[
            "insufficient_coins",
            "insufficient_bonus_coins",
            "coin_debt",
            "level_too_low",
            "idempotency_key_reused",
            "room_ended",
            "gift_retired",
            "price_changed",
            "balance_changed",
            "blocked"
        ]),
    Needs::of_method("POST").keys(&[
        Family::Account,
        Family::Audit,
        Family::Events,
        Family::Gift,
        Family::Idempotency,
        Family::Room,
        Family::Settings
    ])
);
pub static GET_LEADERBOARD: Route = route!(
    "get-leaderboard",
    "GET",
    "/leaderboards/{kind}",
    ANY,
    leaderboards::get_leaderboard_http,
    Api::new().says("Top gifters or top earning hosts for a day, week, all time or one room").query(&[
        (
            "period",
            r#"{"type": "string", "enum": ["day", "week", "all"]}"#,
            "day (UTC, the default), week (ISO, UTC) or all; a room's board is all"
        ),
        ("room_id", r#"{"type": "string"}"#, "a room's board over its life"),
    ]),
    Needs::write()
        .keys(&[
            Family::Account,
            Family::Board,
            Family::Leaderboard,
            Family::Room,
            Family::RoomGifter,
            Family::RoomGifters,
            Family::RoomViewers,
            Family::Settings
        ])
        .indexes(&[&GSI3, &GSI4, &GSI5])
);
