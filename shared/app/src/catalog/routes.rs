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
    Api::new().says("Lists the coin packages on sale"),
    Needs::of_method("GET").keys(&[Family::Catalog]).indexes(&[&GSI1])
);
pub static CREATE_COIN_PACKAGE: Route = route!(
    "create-coin-package",
    "POST",
    "/admin/coin-packages",
    ADMIN,
    packages::create_coin_package_http,
    Api::new()
        .says("Adds a coin package to the shop")
        .body(new_schema_of::<packages::PackageChanges>)
        .links(links_by_id!("$response.body#/id": "update-coin-package", "delete-coin-package"))
        .codes(&["product_id_taken"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Package, Family::StoreProduct])
);
pub static UPDATE_COIN_PACKAGE: Route = route!(
    "update-coin-package",
    "PATCH",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::update_coin_package_http,
    Api::new()
        .says("Changes a coin package's coins, bonus, price or availability")
        .body(schema_of::<packages::PackageChanges>)
        .codes(&["product_id_taken"]),
    Needs::of_method("PATCH").keys(&[Family::Account, Family::Audit, Family::Package, Family::StoreProduct])
);
pub static DELETE_COIN_PACKAGE: Route = route!(
    "delete-coin-package",
    "DELETE",
    "/admin/coin-packages/{id}",
    ADMIN,
    packages::delete_coin_package_http,
    Api::new().says("Takes a coin package out of the shop"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::Package])
);
pub static LIST_INTERESTS: Route = route!(
    "list-interests",
    "GET",
    "/interests",
    Access::Public,
    masterdata::list::<Interest>,
    Api::new().says("Lists the interests users can pick"),
    Needs::of_method("GET").keys(&[Family::Catalog]).indexes(&[&GSI1])
);
pub static CREATE_INTEREST: Route = route!(
    "create-interest",
    "POST",
    "/admin/interests",
    ADMIN,
    masterdata::create_http::<Interest>,
    Api::new().says("Adds an interest users can pick").body(new_schema_of::<masterdata::InterestChanges>),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Interest])
);
pub static UPDATE_INTEREST: Route = route!(
    "update-interest",
    "PATCH",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::update_http::<Interest>,
    Api::new().says("Changes an interest's name, icon or availability").body(schema_of::<masterdata::InterestChanges>),
    Needs::of_method("PATCH").keys(&[Family::Account, Family::Audit, Family::Interest])
);
pub static DELETE_INTEREST: Route = route!(
    "delete-interest",
    "DELETE",
    "/admin/interests/{id}",
    ADMIN,
    masterdata::delete_http::<Interest>,
    Api::new().says("Removes an interest"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::Interest])
);
pub static LIST_AVATARS: Route = route!(
    "list-avatars",
    "GET",
    "/avatars",
    Access::Public,
    masterdata::list::<Avatar>,
    Api::new().says("Lists the avatars users can pick"),
    Needs::read().media(MediaUse::Read).keys(&[Family::Catalog]).indexes(&[&GSI1])
);
pub static CREATE_AVATAR: Route = route!(
    "create-avatar",
    "POST",
    "/admin/avatars",
    ADMIN,
    masterdata::create_http::<Avatar>,
    Api::new().says("Adds an avatar users can pick").body(new_schema_of::<masterdata::AvatarChanges>),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Avatar])
);
pub static UPDATE_AVATAR: Route = route!(
    "update-avatar",
    "PATCH",
    "/admin/avatars/{id}",
    ADMIN,
    masterdata::update_http::<Avatar>,
    Api::new().says("Changes an avatar's image or availability").body(schema_of::<masterdata::AvatarChanges>),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Avatar])
);
pub static DELETE_AVATAR: Route = route!(
    "delete-avatar",
    "DELETE",
    "/admin/avatars/{id}",
    ADMIN,
    masterdata::delete_http::<Avatar>,
    Api::new().says("Removes an avatar from the catalog"),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audit, Family::Avatar])
);
pub static LIST_FAQS: Route = route!(
    "list-faqs",
    "GET",
    "/faqs",
    Access::Public,
    masterdata::list::<Faq>,
    Api::new().says("Lists the FAQ"),
    Needs::of_method("GET").keys(&[Family::Catalog]).indexes(&[&GSI1])
);
pub static CREATE_FAQ: Route = route!(
    "create-faq",
    "POST",
    "/admin/faqs",
    ADMIN,
    masterdata::create_http::<Faq>,
    Api::new().says("Adds a question and answer to the FAQ").body(new_schema_of::<masterdata::FaqChanges>),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Faq])
);
pub static UPDATE_FAQ: Route = route!(
    "update-faq",
    "PATCH",
    "/admin/faqs/{id}",
    ADMIN,
    masterdata::update_http::<Faq>,
    Api::new().says("Changes an FAQ entry").body(schema_of::<masterdata::FaqChanges>),
    Needs::of_method("PATCH").keys(&[Family::Account, Family::Audit, Family::Faq])
);
pub static DELETE_FAQ: Route = route!(
    "delete-faq",
    "DELETE",
    "/admin/faqs/{id}",
    ADMIN,
    masterdata::delete_http::<Faq>,
    Api::new().says("Removes an FAQ entry"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::Faq])
);
pub static GET_PAGE: Route = route!(
    "get-page",
    "GET",
    "/pages/{slug}",
    Access::Public,
    masterdata::get_page_http,
    Api::new().says("The terms or privacy page"),
    Needs::of_method("GET").keys(&[Family::Page])
);
pub static PUT_PAGE: Route = route!(
    "put-page",
    "PUT",
    "/admin/pages/{slug}",
    ADMIN,
    masterdata::put_page_http,
    Api::new().says("Writes the terms or privacy page").body(schema_of::<masterdata::PageInput>),
    Needs::of_method("PUT").keys(&[Family::Account, Family::Audit, Family::Page])
);
