//! The routes of this domain (the table is `crate::routes`).

use super::{blocks, follows};
use crate::http::routes::*;

pub static GET_USER: Route = route!(
    "get-user",
    "GET",
    "/users/{id}",
    ANY,
    follows::get_user_http,
    Api::new().says("A public profile with counts, and for hosts price and online"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Settings])
);
pub static FOLLOW_USER: Route = route!(
    "follow-user",
    "POST",
    "/users/{id}/follow",
    ANY,
    follows::follow_http,
    Api::new()
        .says("Follows an account")
        .links(links_by_id!("$response.body#/followee_id": "unfollow-user", "list-followers"))
        .codes(&["already_following", "blocked"]),
    Needs::of_method("POST")
        .keys(&[Family::Account, Family::Audit, Family::PostsBy, Family::Rate, Family::Settings])
        .indexes(&[&GSI2])
);
pub static UNFOLLOW_USER: Route = route!(
    "unfollow-user",
    "DELETE",
    "/users/{id}/follow",
    ANY,
    follows::unfollow_http,
    Api::new().says("Stops following an account"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::PostsBy]).indexes(&[&GSI2])
);
pub static BLOCK_USER: Route = route!(
    "block-user",
    "POST",
    "/users/{id}/block",
    ANY,
    blocks::block_user_http,
    Api::new()
        .says("Blocks an account: no calls, gifts or comments between the two")
        .links(links_by_id!("$response.body#/blocked_id": "unblock-user")),
    Needs::of_method("POST")
        .keys(&[Family::Account, Family::Audit, Family::PostsBy, Family::Room, Family::RoomViewers])
        .indexes(&[&GSI2])
);
pub static UNBLOCK_USER: Route = route!(
    "unblock-user",
    "DELETE",
    "/users/{id}/block",
    ANY,
    blocks::unblock_user_http,
    Api::new().says("Unblocks an account"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit])
);
pub static LIST_BLOCKS: Route = route!(
    "list-blocks",
    "GET",
    "/me/blocks",
    ANY,
    blocks::list_blocks_http,
    Api::new().says("Lists the accounts the caller blocked"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Blocks, Family::Settings]).indexes(&[&GSI1])
);
pub static LIST_FOLLOWERS: Route = route!(
    "list-followers",
    "GET",
    "/users/{id}/followers",
    ANY,
    follows::list_followers_http,
    Api::new().says("An account's followers, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Followers, Family::Settings]).indexes(&[&GSI1])
);
pub static LIST_FOLLOWING: Route = route!(
    "list-following",
    "GET",
    "/users/{id}/following",
    ANY,
    follows::list_following_http,
    Api::new().says("The accounts an account follows, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Following, Family::Settings]).indexes(&[&GSI2])
);
