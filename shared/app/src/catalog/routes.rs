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
    Api::ok(200).list_of(schema_of::<packages::PackageView>)
);
pub static CREATE_COIN_PACKAGE: Route = route!(
    "create-coin-package",
    "POST",
    "/admin/coin-packages",
    ADMIN,
    packages::create_coin_package_http,
    Api::ok(201)
        .body(schema_of::<packages::PackageInput>)
        .returns(schema_of::<packages::PackageView>)
        .links(links_by_id!("$response.body#/id": "update-coin-package", "delete-coin-package"))
        .codes(&["product_id_taken"])
);
pub static UPDATE_COIN_PACKAGE: Route = route!(
    "update-coin-package",
    "PATCH",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::update_coin_package_http,
    Api::ok(200)
        .body(schema_of::<packages::PackageInput>)
        .returns(schema_of::<packages::PackageView>)
        .codes(&["product_id_taken"])
);
pub static DELETE_COIN_PACKAGE: Route = route!(
    "delete-coin-package",
    "DELETE",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::delete_coin_package_http,
    Api::ok(204)
);
pub static LIST_INTERESTS: Route = route!(
    "list-interests",
    "GET",
    "/interests",
    Access::Public,
    masterdata::list::<Interest>,
    Api::ok(200).list_of(schema_of::<masterdata::InterestView>)
);
pub static CREATE_INTEREST: Route = route!(
    "create-interest",
    "POST",
    "/admin/interests",
    ADMIN,
    masterdata::create_http::<Interest>,
    Api::ok(201).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
);
pub static UPDATE_INTEREST: Route = route!(
    "update-interest",
    "PATCH",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::update_http::<Interest>,
    Api::ok(200).body(schema_of::<masterdata::InterestInput>).returns(schema_of::<masterdata::InterestView>)
);
pub static DELETE_INTEREST: Route = route!(
    "delete-interest",
    "DELETE",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::delete_http::<Interest>,
    Api::ok(204)
);
pub static LIST_AVATARS: Route = route!(
    "list-avatars",
    "GET",
    "/avatars",
    Access::Public,
    masterdata::list::<Avatar>,
    Api::ok(200).list_of(schema_of::<masterdata::AvatarView>)
);
pub static CREATE_AVATAR: Route = route!(
    "create-avatar",
    "POST",
    "/admin/avatars",
    ADMIN,
    masterdata::create_http::<Avatar>,
    Api::ok(201).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
);
pub static UPDATE_AVATAR: Route = route!(
    "update-avatar",
    "PATCH",
    "/admin/avatars/{id}",
    ADMIN,
    masterdata::update_http::<Avatar>,
    Api::ok(200).body(schema_of::<masterdata::AvatarInput>).returns(schema_of::<masterdata::AvatarView>)
);
pub static DELETE_AVATAR: Route =
    route!("delete-avatar", "DELETE", "/admin/avatars/{id}", ADMIN, masterdata::delete_http::<Avatar>, Api::ok(204));
pub static LIST_FAQS: Route = route!(
    "list-faqs",
    "GET",
    "/faqs",
    Access::Public,
    masterdata::list::<Faq>,
    Api::ok(200).list_of(schema_of::<masterdata::FaqView>)
);
pub static CREATE_FAQ: Route = route!(
    "create-faq",
    "POST",
    "/admin/faqs",
    ADMIN,
    masterdata::create_http::<Faq>,
    Api::ok(201).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
);
pub static UPDATE_FAQ: Route = route!(
    "update-faq",
    "PATCH",
    "/admin/faqs/{id}",
    ADMIN,
    masterdata::update_http::<Faq>,
    Api::ok(200).body(schema_of::<masterdata::FaqInput>).returns(schema_of::<masterdata::FaqView>)
);
pub static DELETE_FAQ: Route =
    route!("delete-faq", "DELETE", "/admin/faqs/{id}", ADMIN, masterdata::delete_http::<Faq>, Api::ok(204));
pub static GET_PAGE: Route = route!(
    "get-page",
    "GET",
    "/pages/{slug}",
    Access::Public,
    masterdata::get_page_http,
    Api::ok(200).returns(schema_of::<masterdata::PageView>)
);
pub static PUT_PAGE: Route = route!(
    "put-page",
    "PUT",
    "/admin/pages/{slug}",
    ADMIN,
    masterdata::put_page_http,
    Api::ok(200).body(schema_of::<masterdata::PageInput>).returns(schema_of::<masterdata::PageView>)
);
