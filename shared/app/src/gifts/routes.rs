//! The routes of this domain (the table is `crate::routes`).

use super::{gift, leaderboards};
use crate::http::routes::*;

pub static LIST_GIFTS: Route = route!("list-gifts", "GET", "/gifts", Access::Public, gift::list_gifts_http, Api::new());
pub static CREATE_GIFT: Route = route!(
    "create-gift",
    "POST",
    "/admin/gifts",
    ADMIN,
    gift::create_gift_http,
    Api::new()
        .body(schema_of::<gift::GiftInput>)
        .links(links_by_id!("$response.body#/id": "update-gift", "delete-gift"))
);
pub static UPDATE_GIFT: Route = route!(
    "update-gift",
    "PATCH",
    "/admin/gifts/{id}",
    ADMIN,
    gift::update_gift_http,
    Api::new().body(schema_of::<gift::GiftInput>)
);
pub static DELETE_GIFT: Route =
    route!("delete-gift", "DELETE", "/admin/gifts/{id}", ADMIN, gift::delete_gift_http, Api::new());
pub static SEND_GIFT: Route = route!(
    "send-gift",
    "POST",
    "/users/{id}/gifts",
    ANY,
    gift::send_gift_http,
    Api::new().idempotent().body(schema_of::<gift::SendGiftInput>).codes(&[
        "insufficient_coins",
        "coin_debt",
        "idempotency_key_reused",
        "room_ended",
        "gift_retired",
        "balance_changed",
        "blocked"
    ])
);
pub static GET_LEADERBOARD: Route = route!(
    "get-leaderboard",
    "GET",
    "/leaderboards/{kind}",
    ANY,
    leaderboards::get_leaderboard_http,
    Api::new().query(&[
        (
            "period",
            r#"{"type": "string", "enum": ["day", "week", "all"]}"#,
            "day (UTC, the default), week (ISO, UTC) or all; a room's board is all"
        ),
        ("room_id", r#"{"type": "string"}"#, "a room's board over its life"),
    ]),
    Needs::write()
);
