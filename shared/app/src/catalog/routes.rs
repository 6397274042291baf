//! The routes of this domain (the table is `crate::routes`).

use super::masterdata::{self, Avatar, Faq, Interest};
use super::packages;
use crate::http::routes::*;

pub static LIST_COIN_PACKAGES: Route = route!(
    "list-coin-packages",
    "GET",
    "/coin-packages",
    Access::Public,
    packages::list_coin_packages_http,
    Api::new()
);
pub static CREATE_COIN_PACKAGE: Route = route!(
    "create-coin-package",
    "POST",
    "/admin/coin-packages",
    ADMIN,
    packages::create_coin_package_http,
    Api::new()
        .body(schema_of::<packages::PackageInput>)
        .links(links_by_id!("$response.body#/id": "update-coin-package", "delete-coin-package"))
        .codes(&["product_id_taken"])
);
pub static UPDATE_COIN_PACKAGE: Route = route!(
    "update-coin-package",
    "PATCH",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::update_coin_package_http,
    Api::new().body(schema_of::<packages::PackageInput>).codes(&["product_id_taken"])
);
pub static DELETE_COIN_PACKAGE: Route = route!(
    "delete-coin-package",
    "DELETE",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::delete_coin_package_http,
    Api::new()
);
pub static LIST_INTERESTS: Route =
    route!("list-interests", "GET", "/interests", Access::Public, masterdata::list::<Interest>, Api::new());
pub static CREATE_INTEREST: Route = route!(
    "create-interest",
    "POST",
    "/admin/interests",
    ADMIN,
    masterdata::create_http::<Interest>,
    Api::new().body(schema_of::<masterdata::InterestInput>)
);
pub static UPDATE_INTEREST: Route = route!(
    "update-interest",
    "PATCH",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::update_http::<Interest>,
    Api::new().body(schema_of::<masterdata::InterestInput>)
);
pub static DELETE_INTEREST: Route = route!(
    "delete-interest",
    "DELETE",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::delete_http::<Interest>,
    Api::new()
);
pub static LIST_AVATARS: Route =
    route!("list-avatars", "GET", "/avatars", Access::Public, masterdata::list::<Avatar>, Api::new());
pub static CREATE_AVATAR: Route = route!(
    "create-avatar",
    "POST",
    "/admin/avatars",
    ADMIN,
    masterdata::create_http::<Avatar>,
    Api::new().body(schema_of::<masterdata::AvatarInput>)
);
pub static UPDATE_AVATAR: Route = route!(
    "update-avatar",
    "PATCH",
    "/admin/avatars/{id}",
    ADMIN,
    masterdata::update_http::<Avatar>,
    Api::new().body(schema_of::<masterdata::AvatarInput>)
);
pub static DELETE_AVATAR: Route =
    route!("delete-avatar", "DELETE", "/admin/avatars/{id}", ADMIN, masterdata::delete_http::<Avatar>, Api::new());
pub static LIST_FAQS: Route = route!("list-faqs", "GET", "/faqs", Access::Public, masterdata::list::<Faq>, Api::new());
pub static CREATE_FAQ: Route = route!(
    "create-faq",
    "POST",
    "/admin/faqs",
    ADMIN,
    masterdata::create_http::<Faq>,
    Api::new().body(schema_of::<masterdata::FaqInput>)
);
pub static UPDATE_FAQ: Route = route!(
    "update-faq",
    "PATCH",
    "/admin/faqs/{id}",
    ADMIN,
    masterdata::update_http::<Faq>,
    Api::new().body(schema_of::<masterdata::FaqInput>)
);
pub static DELETE_FAQ: Route =
    route!("delete-faq", "DELETE", "/admin/faqs/{id}", ADMIN, masterdata::delete_http::<Faq>, Api::new());
pub static GET_PAGE: Route =
    route!("get-page", "GET", "/pages/{slug}", Access::Public, masterdata::get_page_http, Api::new());
pub static PUT_PAGE: Route = route!(
    "put-page",
    "PUT",
    "/admin/pages/{slug}",
    ADMIN,
    masterdata::put_page_http,
    Api::new().body(schema_of::<masterdata::PageInput>)
);
